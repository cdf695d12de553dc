package org.switchover.api;

import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Manual switch, published by the core (the reference's Control Panel "Switch" and its command-line tool). On the
 * backup it makes this node primary: controlled when the primary can be reached (the primary stops taking work and
 * acknowledges first), uncontrolled otherwise. On the primary the request is forwarded to the backup. Thread-safe and
 * non-blocking.
 */
@ProviderType
public interface SwitchoverControl {

    /**
     * Asks for a manual switch without accepting switch warnings: while the backup has a
     * {@link org.switchover.api.warning.SwitchWarning warning} in force the request is refused, with the warnings in
     * the result's detail. Same as {@code requestSwitch(immediate, requestedBy, false)}.
     *
     * @param immediate skip the controlled hand-off wait: the backup takes over at once and tells the old primary
     *     afterwards
     * @param requestedBy who asked, for the audit log (e.g. "switchoverctl", "shell")
     * @return completes with the outcome; never completes exceptionally (refusals are results)
     */
    default CompletionStage<SwitchResult> requestSwitch(boolean immediate, String requestedBy) {
        return requestSwitch(immediate, requestedBy, false);
    }

    /**
     * Asks for a manual switch.
     *
     * @param immediate skip the controlled hand-off wait: the backup takes over at once and tells the old primary
     *     afterwards
     * @param requestedBy who asked, for the audit log (e.g. "switchoverctl", "shell")
     * @param acceptWarnings the operator has seen the backup's switch warnings and switches anyway (they are then
     *     written into the switch's audit line); false = refuse while any warning is in force
     * @return completes with the outcome; never completes exceptionally (refusals are results)
     * @since 1.2
     */
    CompletionStage<SwitchResult> requestSwitch(boolean immediate, String requestedBy, boolean acceptWarnings);

    /**
     * Asks a stale, halted or failed node to negotiate its role again (transition row 28); in any other state the
     * request is ignored. Returns at once; the outcome shows in the status.
     *
     * @param requestedBy who asked, for the log (e.g. "shell")
     * @since 1.3
     */
    void restart(String requestedBy);
}
