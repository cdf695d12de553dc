package org.switchover.api;

/**
 * The outcome of a manual switch request.
 *
 * @param switched true when a node became primary because of the request
 * @param mode how the hand-off went
 * @param epoch the epoch of the new primary when {@code switched}, otherwise the epoch in force
 * @param detail one line for the operator: who switched, or why nothing happened
 */
public record SwitchResult(boolean switched, Mode mode, long epoch, String detail) {

    /** How the old primary was taken out of service. */
    public enum Mode {
        /** The old primary was reached, stopped taking work and acknowledged before the backup took over. */
        CONTROLLED,
        /** The old primary was unreachable (or the request was immediate): the backup took over alone. */
        UNCONTROLLED,
        /** No switch happened; {@link SwitchResult#detail()} says why. */
        NONE
    }

    /** @return a refusal with the given reason and the epoch in force. */
    public static SwitchResult refused(long epoch, String reason) {
        return new SwitchResult(false, Mode.NONE, epoch, reason);
    }
}
