package org.switchover.console.internal;

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

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import org.switchover.api.SwitchResult;
import org.switchover.api.warning.SwitchWarning;

/**
 * The control endpoint's protocol: one JSON object per line in, one JSON object per line out.
 *
 * <pre>
 * {"token":"&lt;hex&gt;","cmd":"status"}
 *   -&gt; {"ok":true,"status":{...,"warnings":["... file replication from the primary has stopped ..."]},
 *        "memory":{"heapUsed":...,"heapAfterLastGc":...,"heapMax":...,"directUsed":...,"directBuffers":...,
 *                  "gcCount":...}}
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
 * A request that is malformed, carries a wrong token, an unknown command or a field its command does not know changes
 * nothing; the messages themselves are the records of {@link ControlRequests}.
 *
 * @param token the expected token
 * @param status produces the status object
 * @param switcher runs a switch
 * @param switchWaitMillis how long a switch request waits for the outcome
 * @param shell runs shell lines
 * @param shellWaitMillis how long a shell line may run before the request gives up on it (and interrupts it)
 * @param warnings the switch warnings in force; a switch without {@code "acceptWarnings":true} is refused while there
 *     are any
 */
record ControlProtocol(Supplier<String> token, Supplier<Map<String, Object>> status, Switcher switcher,
                       long switchWaitMillis, Shell shell, long shellWaitMillis, Supplier<List<String>> warnings) {

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

    /** Without a shell and without warnings of its own (the node carrying the switch out may still refuse). */
    ControlProtocol(Supplier<String> token, Supplier<Map<String, Object>> status, Switcher switcher,
                    long switchWaitMillis) {
        this(token, status, switcher, switchWaitMillis, NO_SHELL, 0L, List::of);
    }

    /** Without warnings of its own. */
    ControlProtocol(Supplier<String> token, Supplier<Map<String, Object>> status, Switcher switcher,
                    long switchWaitMillis, Shell shell, long shellWaitMillis) {
        this(token, status, switcher, switchWaitMillis, shell, shellWaitMillis, List::of);
    }

    /** @return the reply line (without the newline) for one request line. */
    String handle(String line) {
        ControlRequests.Request req;
        try {
            req = authenticate(line);
        } catch (IllegalArgumentException e) {
            return error(e.getMessage());
        }
        return execute(req);
    }

    /**
     * Parses a request line, checks its token, then binds it to its command's record. Cheap and never blocks, so the
     * endpoint can do it before it gives the request a worker of its own.
     *
     * @throws IllegalArgumentException with the error for the client: malformed, unauthenticated, unknown command,
     *     unknown/missing/mistyped field
     */
    ControlRequests.Request authenticate(String line) {
        JsonNode req = ControlRequests.parse(line);
        JsonNode t = req.get("token");
        if (t == null || !t.isTextual()) {
            throw new IllegalArgumentException("missing token: read it from control.token in the node's data"
                    + " directory");
        }
        if (!MessageDigest.isEqual(t.asText().getBytes(StandardCharsets.UTF_8),
                token.get().getBytes(StandardCharsets.UTF_8))) {
            throw new IllegalArgumentException("bad token");
        }
        JsonNode c = req.get("cmd");
        if (c == null || !c.isTextual()) {
            throw new IllegalArgumentException("malformed request: field 'cmd' must be a string (status, switch or"
                    + " shell)");
        }
        return switch (c.asText()) {
            case "status" -> ControlRequests.bind(req, ControlRequests.Status.class, "status request");
            case "switch" -> ControlRequests.bind(req, ControlRequests.Switch.class, "switch request");
            case "shell" -> ControlRequests.bind(req, ControlRequests.Shell.class, "shell request");
            default -> throw new IllegalArgumentException("unknown command '" + c.asText()
                    + "' (expected status, switch or shell)");
        };
    }

    /** @return the reply line for an authenticated request; may wait as long as the command runs. */
    String execute(ControlRequests.Request req) {
        if (req instanceof ControlRequests.Switch s) {
            return doSwitch(s);
        }
        if (req instanceof ControlRequests.Shell s) {
            return doShell(s);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ok", true);
        out.put("status", status.get());
        out.put("memory", ProcessMemory.snapshot());
        return reply(out);
    }

    private String doSwitch(ControlRequests.Switch req) {
        if (!Boolean.TRUE.equals(req.confirmed())) {
            return error("switch needs \"confirmed\":true (the operator confirms the switch)");
        }
        String by = req.requestedBy() == null ? "control endpoint" : req.requestedBy();
        if (by.length() > 200) {
            return error("malformed switch request: field 'requestedBy' is longer than 200 characters");
        }
        return reply(switchReply(Boolean.TRUE.equals(req.immediate()), by, Boolean.TRUE.equals(req.acceptWarnings())));
    }

    /**
     * Runs a confirmed switch (also for the console's page and REST): refused while warnings are in force and not
     * accepted, otherwise asked of the core and awaited.
     *
     * @return the reply object: {@code ok}, {@code result} or {@code error}, and {@code warnings} with
     *     {@code warningsNotAccepted}
     */
    Map<String, Object> switchReply(boolean immediate, String by, boolean accept) {
        List<String> now = warnings.get();
        if (!accept && !now.isEmpty()) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("ok", false);
            out.put("error", "switch not started: " + String.join("; ", now) + ". "
                    + SwitchWarning.QUESTION + " Send \"acceptWarnings\":true to switch anyway");
            out.put("warnings", List.copyOf(now));
            out.put("warningsNotAccepted", true);
            return out;
        }
        SwitchResult r;
        try {
            r = switcher.requestSwitch(immediate, by, accept).toCompletableFuture().get(switchWaitMillis,
                    TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return errorMap("the switch has not completed within " + switchWaitMillis / 1000
                    + " s; see the audit log for its outcome");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return errorMap("interrupted while waiting for the switch");
        } catch (ExecutionException e) {
            return errorMap("the switch failed: " + e.getCause());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ok", r.switched());
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("switched", r.switched());
        result.put("mode", r.mode().name());
        result.put("epoch", r.epoch());
        result.put("detail", r.detail());
        out.put("result", result);
        if (!r.switched()) {
            out.put("error", r.detail());
            if (!accept && r.detail().contains(SwitchWarning.QUESTION)) {
                out.put("warningsNotAccepted", true); // refused by the node carrying it out (e.g. forwarded)
            }
        }
        return out;
    }

    private String doShell(ControlRequests.Shell req) {
        String line = req.line() == null ? "" : req.line().strip();
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
        return reply(errorMap(message));
    }

    private static Map<String, Object> errorMap(String message) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ok", false);
        m.put("error", message);
        return m;
    }

    private static String reply(Map<String, Object> m) {
        try {
            return ControlRequests.JSON.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode the reply " + m, e);
        }
    }
}
