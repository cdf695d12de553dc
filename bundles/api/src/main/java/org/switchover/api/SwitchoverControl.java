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
     * Asks for a manual switch.
     *
     * @param immediate skip the controlled hand-off wait: the backup takes over at once and tells the old primary
     *     afterwards
     * @param requestedBy who asked, for the audit log (e.g. "switchoverctl", "shell")
     * @return completes with the outcome; never completes exceptionally (refusals are results)
     */
    CompletionStage<SwitchResult> requestSwitch(boolean immediate, String requestedBy);
}
