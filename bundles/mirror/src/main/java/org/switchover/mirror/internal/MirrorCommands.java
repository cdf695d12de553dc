package org.switchover.mirror.internal;

import java.util.Locale;

/**
 * Gogo commands {@code switchover:mirror-status} (roots, pending work, last change applied, lag, health) and
 * {@code switchover:mirror-monitor stop|start|hang|status} (the primary's file monitor, for operators and tests).
 */
public final class MirrorCommands {

    private final MirrorComponent mirror;

    MirrorCommands(MirrorComponent mirror) {
        this.mirror = mirror;
    }

    /**
     * Entry point of every command of this service (the function name has a dash, so Gogo calls {@code _main}).
     *
     * @param args the function name, then the command's arguments (mirror-monitor takes one action)
     * @return the text the shell prints
     */
    public String _main(String... args) {
        String function = args.length == 0 ? "" : args[0].toLowerCase(Locale.ROOT);
        function = function.substring(function.indexOf(':') + 1);
        if ("mirror-status".equals(function)) {
            return mirror.statusText();
        }
        if ("mirror-monitor".equals(function)) {
            if (args.length != 2) {
                return "Usage: switchover:mirror-monitor stop|start|hang|status";
            }
            return mirror.monitorCommand(args[1].toLowerCase(Locale.ROOT));
        }
        return "unknown command '" + function + "'; use switchover:mirror-status or switchover:mirror-monitor";
    }
}
