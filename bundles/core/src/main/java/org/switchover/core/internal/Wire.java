package org.switchover.core.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.switchover.api.NodeId;
import org.switchover.api.SwitchResult;
import org.switchover.api.SwitchoverState;

/**
 * The JSON bodies the two cores exchange over the notifier. Decoding is strict: a body that is not JSON, misses a
 * field or carries a value of the wrong kind is refused with an {@link IllegalArgumentException} naming what was
 * wrong, so that nothing is decided on a garbled message.
 */
final class Wire {
    private Wire() {
    }

    static final ObjectMapper JSON = new ObjectMapper();

    /** Largest body accepted; every message here is a few hundred bytes. */
    static final int MAX_BODY = 16 * 1024;

    /**
     * A node's answer to a state query (and the body of the query itself).
     *
     * @param node the answering node
     * @param state its switchover state
     * @param epoch its persisted epoch
     * @param version its release
     * @param forceBackup whether it was started with force-backup (it never claims primary while starting)
     */
    record StateInfo(NodeId node, SwitchoverState state, long epoch, String version, boolean forceBackup) {
    }

    /** DISCONTINUE: the sender took over with {@code epoch}. */
    record Discontinue(NodeId node, long epoch, String reason) {
    }

    /** Answer to DISCONTINUE. */
    record DiscontinueAck(boolean ack, NodeId node, SwitchoverState state, long epoch) {
    }

    /** PREPARE_SWITCH: the backup {@code node} will take over with {@code epoch}. */
    record Prepare(NodeId node, long epoch, String reason, String requestedBy) {
    }

    /** Answer to PREPARE_SWITCH. */
    record PrepareAck(boolean accepted, NodeId node, SwitchoverState state, long epoch, String detail) {
    }

    /**
     * REQUEST_SWITCH: a primary asks its backup to run a manual switch. {@code acceptWarnings} is optional on the wire
     * (absent = false), so an older primary's request is checked against the backup's warnings.
     */
    record SwitchAsk(NodeId node, boolean immediate, String requestedBy, boolean acceptWarnings) {
    }

    static byte[] encode(StateInfo s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("node", s.node() == null ? "" : s.node().name());
        m.put("state", s.state().name());
        m.put("epoch", s.epoch());
        m.put("version", s.version());
        m.put("forceBackup", s.forceBackup());
        return bytes(m);
    }

    static StateInfo decodeStateInfo(byte[] body) {
        JsonNode n = parse(body, "state answer");
        return new StateInfo(node(n, "state answer"), state(n, "state answer"), epoch(n, "state answer"),
                text(n, "version", "state answer"), optionalBool(n, "forceBackup", "state answer"));
    }

    static byte[] encode(Discontinue d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epoch", d.epoch());
        m.put("node", d.node().name());
        m.put("reason", d.reason());
        return bytes(m);
    }

    static Discontinue decodeDiscontinue(byte[] body) {
        JsonNode n = parse(body, "DISCONTINUE");
        return new Discontinue(node(n, "DISCONTINUE"), epoch(n, "DISCONTINUE"), optionalText(n, "reason"));
    }

    static byte[] encode(DiscontinueAck a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ack", a.ack());
        m.put("node", a.node() == null ? "" : a.node().name());
        m.put("state", a.state().name());
        m.put("epoch", a.epoch());
        return bytes(m);
    }

    static DiscontinueAck decodeDiscontinueAck(byte[] body) {
        JsonNode n = parse(body, "DISCONTINUE answer");
        return new DiscontinueAck(bool(n, "ack", "DISCONTINUE answer"), node(n, "DISCONTINUE answer"),
                state(n, "DISCONTINUE answer"), epoch(n, "DISCONTINUE answer"));
    }

    static byte[] encode(Prepare p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("node", p.node().name());
        m.put("epoch", p.epoch());
        m.put("reason", p.reason());
        m.put("requestedBy", p.requestedBy());
        return bytes(m);
    }

    static Prepare decodePrepare(byte[] body) {
        JsonNode n = parse(body, "PREPARE_SWITCH");
        return new Prepare(node(n, "PREPARE_SWITCH"), epoch(n, "PREPARE_SWITCH"), optionalText(n, "reason"),
                optionalText(n, "requestedBy"));
    }

    static byte[] encode(PrepareAck a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("accepted", a.accepted());
        m.put("node", a.node() == null ? "" : a.node().name());
        m.put("state", a.state().name());
        m.put("epoch", a.epoch());
        m.put("detail", a.detail());
        return bytes(m);
    }

    static PrepareAck decodePrepareAck(byte[] body) {
        JsonNode n = parse(body, "PREPARE_SWITCH answer");
        return new PrepareAck(bool(n, "accepted", "PREPARE_SWITCH answer"), node(n, "PREPARE_SWITCH answer"),
                state(n, "PREPARE_SWITCH answer"), epoch(n, "PREPARE_SWITCH answer"), optionalText(n, "detail"));
    }

    static byte[] encode(SwitchAsk a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("node", a.node().name());
        m.put("immediate", a.immediate());
        m.put("requestedBy", a.requestedBy());
        m.put("acceptWarnings", a.acceptWarnings());
        return bytes(m);
    }

    static SwitchAsk decodeSwitchAsk(byte[] body) {
        JsonNode n = parse(body, "REQUEST_SWITCH");
        return new SwitchAsk(node(n, "REQUEST_SWITCH"), bool(n, "immediate", "REQUEST_SWITCH"),
                optionalText(n, "requestedBy"), optionalBool(n, "acceptWarnings", "REQUEST_SWITCH"));
    }

    static byte[] encode(SwitchResult r) {
        return bytes(resultMap(r));
    }

    static Map<String, Object> resultMap(SwitchResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("switched", r.switched());
        m.put("mode", r.mode().name());
        m.put("epoch", r.epoch());
        m.put("detail", r.detail());
        return m;
    }

    static SwitchResult decodeSwitchResult(byte[] body) {
        JsonNode n = parse(body, "REQUEST_SWITCH answer");
        String mode = text(n, "mode", "REQUEST_SWITCH answer");
        SwitchResult.Mode m;
        try {
            m = SwitchResult.Mode.valueOf(mode);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("malformed REQUEST_SWITCH answer: unknown mode '" + mode + "'");
        }
        return new SwitchResult(bool(n, "switched", "REQUEST_SWITCH answer"), m,
                epoch(n, "REQUEST_SWITCH answer"), optionalText(n, "detail"));
    }

    static byte[] bytes(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + value, e);
        }
    }

    static JsonNode parse(byte[] body, String what) {
        if (body == null || body.length == 0) {
            throw new IllegalArgumentException("malformed " + what + ": empty body");
        }
        if (body.length > MAX_BODY) {
            throw new IllegalArgumentException("malformed " + what + ": body of " + body.length
                    + " bytes exceeds " + MAX_BODY);
        }
        JsonNode n;
        try {
            n = JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed " + what + ": not JSON ("
                    + firstLine(e.getMessage()) + ")");
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("malformed " + what + ": expected a JSON object, got "
                    + preview(body));
        }
        return n;
    }

    private static NodeId node(JsonNode n, String what) {
        String t = text(n, "node", what);
        try {
            return NodeId.parse(t);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("malformed " + what + ": field 'node' must be A or B, got '" + t + "'");
        }
    }

    private static SwitchoverState state(JsonNode n, String what) {
        String t = text(n, "state", what);
        try {
            return SwitchoverState.valueOf(t);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("malformed " + what + ": unknown state '" + t + "'");
        }
    }

    private static long epoch(JsonNode n, String what) {
        JsonNode v = n.get("epoch");
        if (v == null || !v.canConvertToLong() || !v.isIntegralNumber() || v.asLong() < 0) {
            throw new IllegalArgumentException("malformed " + what + ": field 'epoch' must be a non-negative"
                    + " integer, got " + (v == null ? "nothing" : v.toString()));
        }
        return v.asLong();
    }

    static String text(JsonNode n, String field, String what) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("malformed " + what + ": field '" + field + "' must be a string, got "
                    + (v == null ? "nothing" : v.toString()));
        }
        return v.asText();
    }

    static boolean bool(JsonNode n, String field, String what) {
        JsonNode v = n.get(field);
        if (v == null || !v.isBoolean()) {
            throw new IllegalArgumentException("malformed " + what + ": field '" + field + "' must be true or false,"
                    + " got " + (v == null ? "nothing" : v.toString()));
        }
        return v.asBoolean();
    }

    private static boolean optionalBool(JsonNode n, String field, String what) {
        return n.has(field) && bool(n, field, what);
    }

    private static String optionalText(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? "" : v.asText();
    }

    private static String preview(byte[] body) {
        String s = new String(body, 0, Math.min(body.length, 40), StandardCharsets.UTF_8);
        return "'" + s.replaceAll("\\p{Cntrl}", "?") + (body.length > 40 ? "...'" : "'");
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int i = s.indexOf('\n');
        return i < 0 ? s : s.substring(0, i);
    }
}
