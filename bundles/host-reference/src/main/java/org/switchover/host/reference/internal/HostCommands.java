package org.switchover.host.reference.internal;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Gogo shell commands of the reference host (scope {@code host}): {@code module}, {@code module-stop},
 * {@code module-hang}, {@code module-restart} and {@code module-start}. Each prints one line with the module's
 * state and incarnation id after the command.
 * Dispatch through Gogo's {@code _main} (see {@link ShellCommand}).
 */
@Component(name = "org.switchover.host.reference.commands", service = HostCommands.class)
@ShellCommand(function = {"module", "module-stop", "module-hang", "module-restart", "module-start"})
public final class HostCommands {

    private final SimulatedModule module;

    @Activate
    public HostCommands(@Reference ModuleControl control) {
        this.module = control.module();
    }

    /**
     * Entry point of every command of this service.
     *
     * @param args the function name (as Gogo passes it), then the command's arguments (none are taken)
     * @return the status line the shell prints
     */
    public String _main(String... args) {
        return execute(ShellCommand.Call.function(args));
    }

    /** Runs one command by its function name; unknown names get a usage line and change nothing. */
    String execute(String function) {
        switch (function) {
            case "module":
                return module.status().line();
            case "module-stop":
                return module.stop().line();
            case "module-hang":
                return module.hang().line();
            case "module-restart":
                return module.restart().line();
            case "module-start":
                return module.start().line();
            default:
                return "unknown command '" + function
                        + "'; use host:module, host:module-stop, host:module-hang, host:module-restart or"
                        + " host:module-start";
        }
    }
}
