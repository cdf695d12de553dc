package org.switchover.console.internal.web;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.switchover.api.interaction.ActiveResources;
import org.switchover.api.status.NodeStatus;

/**
 * What the console's web side asks of the node, all through the one status model and the same switch the control
 * endpoint runs.
 *
 * @param status the status now
 * @param statusJson the status object of {@code switchoverctl status --json} (with its {@code console} object)
 * @param warnings the switch warnings in force
 * @param switcher runs a confirmed switch and answers the control endpoint's reply object
 * @param resources the active resources, null while the recovery service does not run
 */
public record Backend(Supplier<NodeStatus> status, Supplier<Map<String, Object>> statusJson,
                      Supplier<List<String>> warnings, Switcher switcher, Supplier<ActiveResources> resources) {

    /** Runs a confirmed switch. */
    @FunctionalInterface
    public interface Switcher {
        /**
         * @return the reply object: {@code ok}, then {@code result} or {@code error} (and {@code warnings} with
         *     {@code warningsNotAccepted} when warnings were in force and not accepted)
         */
        Map<String, Object> run(boolean immediate, String requestedBy, boolean acceptWarnings);
    }
}
