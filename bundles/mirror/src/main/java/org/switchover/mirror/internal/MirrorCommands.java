package org.switchover.mirror.internal;

import java.util.Locale;

/** Gogo command {@code switchover:mirror-status}: roots, pending work, last change applied, lag, health. */
public final class MirrorCommands {

    private final MirrorComponent mirror;

    MirrorCommands(MirrorComponent mirror) {
        this.mirror = mirror;
    }

    /**
     * Entry point of every command of this service (the function name has a dash, so Gogo calls {@code _main}).
     *
     * @param args the function name, then the command's arguments (none are taken)
     * @return the text the shell prints
     */
    public String _main(String... args) {
        String function = args.length == 0 ? "" : args[0].toLowerCase(Locale.ROOT);
        function = function.substring(function.indexOf(':') + 1);
        if ("mirror-status".equals(function)) {
            return mirror.statusText();
        }
        return "unknown command '" + function + "'; use switchover:mirror-status";
    }
}
