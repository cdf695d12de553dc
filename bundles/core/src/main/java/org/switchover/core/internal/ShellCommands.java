package org.switchover.core.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import org.switchover.api.SwitchResult;

/**
 * Gogo shell commands, scope {@code switchover}: {@code switchover:status},
 * {@code switchover:switch [--yes] [--immediate]} and {@code switchover:restart} (row 28: a stale, halted or failed
 * node negotiates its role again). Registered as a plain service with the
 * {@code osgi.command.scope}/{@code osgi.command.function} properties; "switch" is a Java keyword, so the method is
 * named {@code _switch}, which Gogo maps to the command name.
 */
public final class ShellCommands {

    private static final long SWITCH_WAIT_SECONDS = 60;

    private final StateMachine machine;
    private final Supplier<String> statusText;

    ShellCommands(StateMachine machine, Supplier<String> statusText) {
        this.machine = machine;
        this.statusText = statusText;
    }

    /** switchover:status - node, role, state, epoch, peer, MAIN/AUX, monitors, last decision. */
    public String status() {
        return statusText.get();
    }

    /** switchover:restart - a stale, halted or failed node negotiates its role again (row 28). */
    public String restart() {
        machine.restart("shell");
        return "Restart requested: a stale, halted or failed node negotiates its role again; other states ignore it."
                + " See switchover:status.";
    }

    /** switchover:switch - asks for confirmation. */
    public String _switch() {
        return run(List.of());
    }

    /** switchover:switch with one option. */
    public String _switch(String a) {
        return run(List.of(a));
    }

    /** switchover:switch with two options. */
    public String _switch(String a, String b) {
        return run(List.of(a, b));
    }

    private String run(List<String> args) {
        boolean yes = false;
        boolean immediate = false;
        for (String a : args) {
            switch (a) {
                case "--yes", "-y" -> yes = true;
                case "--immediate" -> immediate = true;
                default -> {
                    return "Unknown option '" + a + "'. Usage: switchover:switch [--yes] [--immediate]";
                }
            }
        }
        // --immediate skips the confirmation too (the reference's /Immediate switches and exits).
        if (!yes && !immediate && !confirm()) {
            return "Switch cancelled.";
        }
        SwitchResult r;
        try {
            r = machine.requestSwitch(immediate, "shell").get(SWITCH_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            return "The switch has not completed within " + SWITCH_WAIT_SECONDS + " s; see the audit log.";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "Interrupted.";
        } catch (ExecutionException e) {
            return "Switch failed: " + e.getCause();
        }
        return (r.switched() ? "Switched (" + r.mode() + ", epoch " + r.epoch() + "): " : "Not switched: ")
                + r.detail();
    }

    private static boolean confirm() {
        System.out.print("Are you sure you want the backup to take over as primary? [y/N] ");
        System.out.flush();
        try {
            // Gogo gives each session its own System.in; a closed input counts as "no".
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8), 256);
            String line = in.readLine();
            return line != null && (line.trim().equalsIgnoreCase("y") || line.trim().equalsIgnoreCase("yes"));
        } catch (IOException e) {
            return false;
        }
    }
}
