package org.switchover.core.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;

import org.switchover.api.SwitchResult;

/**
 * The control endpoint's protocol: one JSON object per line in, one JSON object per line out.
 *
 * <pre>
 * {"token":"&lt;hex&gt;","cmd":"status"}
 *   -&gt; {"ok":true,"status":{...,"warnings":["... file replication from the primary has stopped ..."]}}
 * {"token":"&lt;hex&gt;","cmd":"switch","confirmed":true,"immediate":false,"requestedBy":"switchoverctl",
 *  "acceptWarnings":false}
 *   -&gt; {"ok":true,"result":{"switched":true,"mode":"CONTROLLED","epoch":7,"detail":"..."}}
 *   -&gt; {"ok":false,"error":"...","warnings":[...],"warningsNotAccepted":true}   (warnings in force, not accepted:
 *      nothing happened; ask the operator and send again with "acceptWarnings":true)
 * {"token":"&lt;hex&gt;","cmd":"shell","line":"host:module-stop"}
 *   -&gt; {"ok":true,"output":"..."}   (what the Gogo command printed, then its result)
 * anything wrong
 *   -&gt; {"ok":false,"error":"&lt;what was wrong&gt;"}
 * </pre>
 * A request that is malformed, carries a wrong token or an unknown command changes nothing.
 */
final class ControlProtocol {

    /** Runs a switch request. */
    @FunctionalInterface
    interface Switcher {
        CompletionStage<SwitchResult> requestSwitch(boolean immediate, String requestedBy, boolean acceptWarnings);
    }

    /** Runs one Gogo command line (the {@code shell} command). */
    @FunctionalInterface
    interface Shell {
        /**
         * @param line the command line, as typed at the Gogo prompt
         * @return completes with what the command printed and returned; fails with a {@link ShellFailure} (its
         *         message is the error the client sees, its output what was printed before the failure)
         */
        CompletionStage<String> run(String line);
    }

    /** A shell line that failed, with what it printed before. */
    static final class ShellFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String output;

        ShellFailure(String message, String output) {
            super(message);
            this.output = output == null ? "" : output;
        }

        String output() {
            return output;
        }
    }

    /** Longest shell line accepted, in characters. */
    static final int MAX_SHELL_LINE = 4096;

    private static final Shell NO_SHELL = line -> CompletableFuture.failedFuture(
            new ShellFailure("no command shell on this node", ""));

    private final Supplier<String> token;
    private final Supplier<Map<String, Object>> status;
    private final Switcher switcher;
    private final long switchWaitMillis;
    private final Shell shell;
    private final long shellWaitMillis;
    private final Supplier<List<String>> warnings;

    /**
     * @param token the expected token
     * @param status produces the status object
     * @param switcher runs a switch
     * @param switchWaitMillis how long a switch request waits for the outcome
     */
    ControlProtocol(Supplier<String> token, Supplier<Map<String, Object>> status, Switcher switcher,
                    long switchWaitMillis) {
        this(token, status, switcher, switchWaitMillis, NO_SHELL, 0L, List::of);
    }

    /**
     * @param token the expected token
     * @param status produces the status object
     * @param switcher runs a switch
     * @param switchWaitMillis how long a switch request waits for the outcome
     * @param shell runs shell lines
     * @param shellWaitMillis how long a shell line may run before the request gives up on it (and interrupts it)
     */
    ControlProtocol(Supplier<String> token, Supplier<Map<String, Object>> status, Switcher switcher,
                    long switchWaitMillis, Shell shell, long shellWaitMillis) {
        this(token, status, switcher, switchWaitMillis, shell, shellWaitMillis, List::of);
    }

    /**
     * @param token the expected token
     * @param status produces the status object
     * @param switcher runs a switch
     * @param switchWaitMillis how long a switch request waits for the outcome
     * @param shell runs shell lines
     * @param shellWaitMillis how long a shell line may run before the request gives up on it (and interrupts it)
     * @param warnings the switch warnings in force; a switch without {@code "acceptWarnings":true} is refused
     *     while there are any
     */
    ControlProtocol(Supplier<String> token, Supplier<Map<String, Object>> status, Switcher switcher,
                    long switchWaitMillis, Shell shell, long shellWaitMillis, Supplier<List<String>> warnings) {
        this.warnings = warnings;
        this.token = token;
        this.status = status;
        this.switcher = switcher;
        this.switchWaitMillis = switchWaitMillis;
        this.shell = shell;
        this.shellWaitMillis = shellWaitMillis;
    }

    /** @return the reply line (without the newline) for one request line. */
    String handle(String line) {
        JsonNode req;
        try {
            req = Wire.parse(line == null ? new byte[0] : line.getBytes(StandardCharsets.UTF_8), "request");
        } catch (IllegalArgumentException e) {
            return error(e.getMessage());
        }
        JsonNode t = req.get("token");
        if (t == null || !t.isTextual()) {
            return error("missing token: read it from control.token in the node's data directory");
        }
        if (!MessageDigest.isEqual(t.asText().getBytes(StandardCharsets.UTF_8),
                token.get().getBytes(StandardCharsets.UTF_8))) {
            return error("bad token");
        }
        JsonNode c = req.get("cmd");
        if (c == null || !c.isTextual()) {
            return error("malformed request: field 'cmd' must be a string (status, switch or shell)");
        }
        String cmd = c.asText();
        try {
            return switch (cmd) {
                case "status" -> reply(Map.of("ok", true, "status", status.get()));
                case "switch" -> doSwitch(req);
                case "shell" -> doShell(req);
                default -> error("unknown command '" + cmd + "' (expected status, switch or shell)");
            };
        } catch (IllegalArgumentException e) {
            return error(e.getMessage());
        }
    }

    private String doSwitch(JsonNode req) {
        if (!req.has("confirmed") || !Wire.bool(req, "confirmed", "switch request")) {
            return error("switch needs \"confirmed\":true (the operator confirms the switch)");
        }
        boolean immediate = req.has("immediate") && Wire.bool(req, "immediate", "switch request");
        String by = req.has("requestedBy") ? Wire.text(req, "requestedBy", "switch request") : "control endpoint";
        if (by.length() > 200) {
            return error("malformed switch request: field 'requestedBy' is longer than 200 characters");
        }
        boolean accept = req.has("acceptWarnings") && Wire.bool(req, "acceptWarnings", "switch request");
        List<String> now = warnings.get();
        if (!accept && !now.isEmpty()) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("ok", false);
            out.put("error", "switch not started: " + String.join("; ", now) + ". "
                    + StateMachine.WARNING_QUESTION + " Send \"acceptWarnings\":true to switch anyway");
            out.put("warnings", List.copyOf(now));
            out.put("warningsNotAccepted", true);
            return reply(out);
        }
        SwitchResult r;
        try {
            r = switcher.requestSwitch(immediate, by, accept).toCompletableFuture().get(switchWaitMillis,
                    TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return error("the switch has not completed within " + switchWaitMillis / 1000
                    + " s; see the audit log for its outcome");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return error("interrupted while waiting for the switch");
        } catch (ExecutionException e) {
            return error("the switch failed: " + e.getCause());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ok", r.switched());
        out.put("result", Wire.resultMap(r));
        if (!r.switched()) {
            out.put("error", r.detail());
            if (!accept && r.detail().contains(StateMachine.WARNING_QUESTION)) {
                out.put("warningsNotAccepted", true); // refused by the node carrying it out (e.g. forwarded)
            }
        }
        return reply(out);
    }

    private String doShell(JsonNode req) {
        if (!req.has("line")) {
            return error("shell needs \"line\": the command line to run, e.g. \"switchover:status\"");
        }
        String line = Wire.text(req, "line", "shell request").strip();
        if (line.isEmpty()) {
            return error("malformed shell request: field 'line' is empty");
        }
        if (line.length() > MAX_SHELL_LINE) {
            return error("malformed shell request: field 'line' is longer than " + MAX_SHELL_LINE + " characters");
        }
        CompletableFuture<String> run;
        try {
            run = shell.run(line).toCompletableFuture();
        } catch (RuntimeException e) {
            return error("the shell failed: " + e);
        }
        try {
            String out = run.get(shellWaitMillis, TimeUnit.MILLISECONDS);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("ok", true);
            m.put("output", out == null ? "" : out);
            return reply(m);
        } catch (TimeoutException e) {
            run.cancel(true);
            return error("the command '" + line + "' did not complete within " + shellWaitMillis / 1000 + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return error("interrupted while waiting for the command");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("ok", false);
            if (cause instanceof ShellFailure f) {
                m.put("error", f.getMessage());
                m.put("output", f.output());
            } else {
                m.put("error", "the command '" + line + "' failed: " + cause);
            }
            return reply(m);
        }
    }

    static String error(String message) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ok", false);
        m.put("error", message);
        return reply(m);
    }

    private static String reply(Map<String, Object> m) {
        return new String(Wire.bytes(m), StandardCharsets.UTF_8);
    }
}
