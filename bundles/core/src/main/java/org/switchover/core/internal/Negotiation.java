package org.switchover.core.internal;

import org.switchover.api.NodeId;
import org.switchover.api.SwitchoverState;

/**
 * Role negotiation at start (spec section 7.1, the reference's "Switchover Main" deciding the service mode): given
 * what the peer answered to the state query on the virtual-switch port, which mode this node starts in. Pure
 * function; the state machine carries the result out.
 */
final class Negotiation {
    private Negotiation() {
    }

    /**
     * Queries node A sends to a silent peer before starting as fail-safe primary. Two nodes started together must
     * not both find the other's port still closed and both become primary: each waits a little for the other's
     * notifier, and B (the designated backup) waits twice as long as A, so that A is primary when B asks again.
     */
    static final int DISCOVERY_QUERIES_A = 3;
    /** Queries node B sends to a silent peer before starting as fail-safe primary. */
    static final int DISCOVERY_QUERIES_B = 6;

    /** The service mode decided. */
    enum Mode {
        PRIMARY, BACKUP, UPGRADE_HIGHER, UPGRADE_LOWER,
        /** Ask the peer again after the retry delay (both nodes starting and the peer wins). */
        WAIT,
        /** The roles cannot be determined (both nodes claim the same letter). */
        ERROR
    }

    /**
     * @param mode the mode
     * @param reason one line for the audit log
     * @param primaryConfirmed for the backup modes: true when the peer was seen as primary (automatic switching is
     *     allowed only then); false for a forced backup that has not met a primary
     */
    record Decision(Mode mode, String reason, boolean primaryConfirmed) {
    }

    /**
     * Decides.
     *
     * @param self this node
     * @param selfVersion this node's release
     * @param selfEpoch this node's persisted epoch
     * @param forceBackup force-backup option
     * @param peer the peer's answer, or null when it could not be obtained or verified
     * @param failure why there is no answer (used when {@code peer} is null)
     * @param attempt number of this query (1 = first)
     * @param maxAttempts bound on queries while the peer is also starting
     */
    static Decision decide(NodeId self, String selfVersion, long selfEpoch, boolean forceBackup,
                           Wire.StateInfo peer, String failure, int attempt, int maxAttempts) {
        if (peer == null) {
            if (forceBackup) {
                return new Decision(Mode.BACKUP, "force backup: the peer could not be verified (" + failure
                        + "); waiting for a primary, no automatic switch until one is seen", false);
            }
            int discovery = Math.min(maxAttempts, self == NodeId.A ? DISCOVERY_QUERIES_A : DISCOVERY_QUERIES_B);
            if (attempt < discovery) {
                return new Decision(Mode.WAIT, "the peer's switchover does not answer yet (" + failure
                        + "); asking again before starting as fail-safe primary (query " + attempt + " of "
                        + discovery + ")", false);
            }
            return new Decision(Mode.PRIMARY, "fail-safe: the peer's switchover cannot be reached or verified ("
                    + failure + ") after " + attempt + " queries", false);
        }
        if (peer.node() == self) {
            return new Decision(Mode.ERROR, "the peer also claims to be node " + self
                    + ": SwitchoverServer A/B or 'node' are set wrongly, the roles cannot be determined", false);
        }
        SwitchoverState ps = peer.state();
        if (ps == SwitchoverState.PRIMARY) {
            int c = Versions.compare(selfVersion, peer.version());
            if (c == 0) {
                return new Decision(Mode.BACKUP, "peer " + peer.node() + " is PRIMARY (epoch " + peer.epoch()
                        + ") on the same release " + selfVersion, true);
            }
            if (c > 0) {
                return new Decision(Mode.UPGRADE_HIGHER, "peer " + peer.node() + " is PRIMARY on the older release "
                        + peer.version() + " (this node: " + selfVersion + "); manual switch only", true);
            }
            return new Decision(Mode.UPGRADE_LOWER, "peer " + peer.node() + " is PRIMARY on the newer release "
                    + peer.version() + " (this node: " + selfVersion + "); manual switch only", true);
        }
        if (forceBackup) {
            return new Decision(Mode.BACKUP, "force backup: peer " + peer.node() + " is " + ps
                    + "; waiting for a primary, no automatic switch until one is seen", false);
        }
        if (ps == SwitchoverState.INIT) {
            if (peer.forceBackup()) {
                return new Decision(Mode.PRIMARY, "both starting; peer " + peer.node()
                        + " starts as forced backup", false);
            }
            boolean wins = selfEpoch > peer.epoch() || (selfEpoch == peer.epoch() && self == NodeId.A);
            if (wins) {
                return new Decision(Mode.PRIMARY, "both starting; this node wins (epoch " + selfEpoch + " vs "
                        + peer.epoch() + (selfEpoch == peer.epoch() ? ", equal epochs: node A" : "") + ")", false);
            }
            if (attempt >= maxAttempts) {
                return new Decision(Mode.PRIMARY, "fail-safe: peer " + peer.node() + " still starting after "
                        + attempt + " queries", false);
            }
            return new Decision(Mode.WAIT, "both starting; peer " + peer.node() + " wins (epoch " + peer.epoch()
                    + " vs " + selfEpoch + (selfEpoch == peer.epoch() ? ", equal epochs: node A" : "")
                    + "), asking again", false);
        }
        return new Decision(Mode.PRIMARY, "peer " + peer.node() + " is " + ps + ", no primary present", false);
    }
}
