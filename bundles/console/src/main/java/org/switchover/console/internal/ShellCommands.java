package org.switchover.console.internal;

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
import org.switchover.api.SwitchoverControl;
import org.switchover.api.warning.SwitchWarning;

/**
 * Gogo shell commands, scope {@code switchover}: {@code switchover:status},
 * {@code switchover:switch [--yes] [--immediate] [--ignore-warnings]} and {@code switchover:restart} (row 28: a
 * stale, halted or failed node negotiates its role again). Registered as a plain service with the
 * {@code osgi.command.scope}/{@code osgi.command.function} properties; "switch" is a Java keyword, so the method is
 * named {@code _switch}, which Gogo maps to the command name.
 *
 * <p>While a switch warning is in force (file replication from the primary stopped, spec section 8) the switch
 * prints it and asks again; {@code --yes} answers only the first question, so without {@code --ignore-warnings} a
 * scripted switch is refused rather than silently taken past the warning.
 */
public final class ShellCommands {

    private static final long SWITCH_WAIT_SECONDS = 60;
    private static final String USAGE = "Usage: switchover:switch [--yes] [--immediate] [--ignore-warnings]";

    private final SwitchoverControl control;
    private final Supplier<String> statusText;
    private final Supplier<List<String>> warnings;

    /**
     * @param control the core's switch and restart
     * @param statusText renders the status for {@code switchover:status}
     * @param warnings the switch warnings in force
     */
    ShellCommands(SwitchoverControl control, Supplier<String> statusText, Supplier<List<String>> warnings) {
        this.control = control;
        this.statusText = statusText;
        this.warnings = warnings;
    }

    /** switchover:status - node, role, state, epoch, peer, MAIN/AUX, monitors, warnings, last decision. */
    public String status() {
        return statusText.get();
    }

    /** switchover:restart - a stale, halted or failed node negotiates its role again (row 28). */
    public String restart() {
        control.restart("shell");
        return "Restart requested: a stale, halted or failed node negotiates its role again; other states ignore it."
                + " See switchover:status.";
    }

    /**
     * switchover:passwordhash &lt;password&gt; - a salted slow hash for the console's {@code web.users} (PBKDF2 with
     * HMAC-SHA256); the password itself is stored nowhere.
     */
    public String passwordhash(String password) {
        if (password == null || password.isEmpty() || password.length() > 1024) {
            return "Usage: switchover:passwordhash <password> (1 to 1024 characters)";
        }
        return org.switchover.console.internal.web.PasswordHash.hash(password.toCharArray());
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

    /** switchover:switch with three options. */
    public String _switch(String a, String b, String c) {
        return run(List.of(a, b, c));
    }

    private String run(List<String> args) {
        boolean yes = false;
        boolean immediate = false;
        boolean ignoreWarnings = false;
        for (String a : args) {
            switch (a) {
                case "--yes", "-y" -> yes = true;
                case "--immediate" -> immediate = true;
                case "--ignore-warnings" -> ignoreWarnings = true;
                default -> {
                    return "Unknown option '" + a + "'. " + USAGE;
                }
            }
        }
        // --immediate skips the confirmation too (the reference's /Immediate switches and exits).
        boolean interactive = !yes && !immediate;
        // One reader for both questions: Gogo gives each session its own System.in; a closed input counts as "no".
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8), 256);
        if (interactive && !ask(in, "Are you sure you want the backup to take over as primary? [y/N] ")) {
            return "Switch cancelled.";
        }
        boolean accept = ignoreWarnings;
        List<String> now = warnings.get();
        if (!accept && !now.isEmpty()) {
            StringBuilder w = new StringBuilder();
            for (String line : now) {
                w.append("WARNING: ").append(line).append('\n');
            }
            if (!interactive) {
                return w + "Not switched: " + SwitchWarning.QUESTION
                        + " Repeat with --ignore-warnings to switch anyway.";
            }
            System.out.print(w);
            if (!ask(in, SwitchWarning.QUESTION + " Switch anyway? [y/N] ")) {
                return "Switch cancelled.";
            }
            accept = true;
        }
        SwitchResult r;
        try {
            r = control.requestSwitch(immediate, "shell", accept).toCompletableFuture().get(SWITCH_WAIT_SECONDS,
                    TimeUnit.SECONDS);
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

    private static boolean ask(BufferedReader in, String question) {
        System.out.print(question);
        System.out.flush();
        try {
            String line = in.readLine();
            return line != null && (line.trim().equalsIgnoreCase("y") || line.trim().equalsIgnoreCase("yes"));
        } catch (IOException e) {
            return false;
        }
    }
}
