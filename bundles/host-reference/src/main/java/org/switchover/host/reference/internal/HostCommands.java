package org.switchover.host.reference.internal;

import java.util.Locale;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Gogo shell commands of the reference host (scope {@code host}): {@code module}, {@code module-stop},
 * {@code module-hang}, {@code module-restart} and {@code module-start}. Each prints one line with the module's
 * state and incarnation id after the command.
 *
 * <p>The function names contain '-', which no Java method name can, so the commands go through Gogo's
 * {@code _main} convention: the runtime calls {@code _main} for any registered function of this service and
 * passes the function name as the first argument. This needs no compile-time dependency on Gogo.
 */
@Component(name = "org.switchover.host.reference.commands", service = HostCommands.class,
        property = {
            "osgi.command.scope=host",
            "osgi.command.function=module",
            "osgi.command.function=module-stop",
            "osgi.command.function=module-hang",
            "osgi.command.function=module-restart",
            "osgi.command.function=module-start"
        })
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
        String function = args.length == 0 ? "" : args[0].toLowerCase(Locale.ROOT);
        int colon = function.indexOf(':');
        if (colon >= 0) {
            function = function.substring(colon + 1);
        }
        return execute(function);
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
