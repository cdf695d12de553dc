package org.switchover.core.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
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
 *   -&gt; {"ok":true,"status":{...}}
 * {"token":"&lt;hex&gt;","cmd":"switch","confirmed":true,"immediate":false,"requestedBy":"switchoverctl"}
 *   -&gt; {"ok":true,"result":{"switched":true,"mode":"CONTROLLED","epoch":7,"detail":"..."}}
 * anything wrong
 *   -&gt; {"ok":false,"error":"&lt;what was wrong&gt;"}
 * </pre>
 * A request that is malformed, carries a wrong token or an unknown command changes nothing.
 */
final class ControlProtocol {

    /** Runs a switch request. */
    @FunctionalInterface
    interface Switcher {
        CompletionStage<SwitchResult> requestSwitch(boolean immediate, String requestedBy);
    }

    private final Supplier<String> token;
    private final Supplier<Map<String, Object>> status;
    private final Switcher switcher;
    private final long switchWaitMillis;

    /**
     * @param token the expected token
     * @param status produces the status object
     * @param switcher runs a switch
     * @param switchWaitMillis how long a switch request waits for the outcome
     */
    ControlProtocol(Supplier<String> token, Supplier<Map<String, Object>> status, Switcher switcher,
                    long switchWaitMillis) {
        this.token = token;
        this.status = status;
        this.switcher = switcher;
        this.switchWaitMillis = switchWaitMillis;
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
            return error("malformed request: field 'cmd' must be a string (status or switch)");
        }
        String cmd = c.asText();
        try {
            return switch (cmd) {
                case "status" -> reply(Map.of("ok", true, "status", status.get()));
                case "switch" -> doSwitch(req);
                default -> error("unknown command '" + cmd + "' (expected status or switch)");
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
        SwitchResult r;
        try {
            r = switcher.requestSwitch(immediate, by).toCompletableFuture().get(switchWaitMillis,
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
        }
        return reply(out);
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
