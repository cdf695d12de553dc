package org.switchover.core.internal;

import java.io.IOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.switchover.api.NodeId;
import org.switchover.api.SwitchResult;
import org.switchover.api.SwitchoverState;

/**
 * The JSON bodies the two cores exchange over the notifier, bound to records with Jackson. Decoding is strict: a body
 * that is not a JSON object, carries a field the record does not have, misses a field that is not marked
 * {@link Optional}, or holds a value of the wrong kind is refused with an {@link IllegalArgumentException} that names
 * the message and the field, so that nothing is decided on a garbled message. The field names are the record
 * components' names, so the JSON is the one earlier releases wrote and read.
 */
final class Wire {
    private Wire() {
    }

    static final ObjectMapper JSON = new ObjectMapper();

    /** Largest body accepted; every message here is a few hundred bytes. */
    static final int MAX_BODY = 16 * 1024;

    /** A field an older release may leave out; absent means "" or false. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.RECORD_COMPONENT)
    @interface Optional {
    }

    /**
     * A node's answer to a state query (and the body of the query itself).
     *
     * @param node the answering node
     * @param state its switchover state
     * @param epoch its persisted epoch
     * @param version its release
     * @param forceBackup whether it was started with force-backup (it never claims primary while starting)
     */
    record StateInfo(NodeId node, SwitchoverState state, long epoch, String version, @Optional boolean forceBackup) {
    }

    /** DISCONTINUE: the sender took over with {@code epoch}. */
    @JsonPropertyOrder({"epoch", "node", "reason"})
    record Discontinue(NodeId node, long epoch, @Optional String reason) {
        Discontinue {
            reason = reason == null ? "" : reason;
        }
    }

    /** Answer to DISCONTINUE. */
    record DiscontinueAck(boolean ack, NodeId node, SwitchoverState state, long epoch) {
    }

    /** PREPARE_SWITCH: the backup {@code node} will take over with {@code epoch}. */
    record Prepare(NodeId node, long epoch, @Optional String reason, @Optional String requestedBy) {
        Prepare {
            reason = reason == null ? "" : reason;
            requestedBy = requestedBy == null ? "" : requestedBy;
        }
    }

    /** Answer to PREPARE_SWITCH. */
    record PrepareAck(boolean accepted, NodeId node, SwitchoverState state, long epoch, @Optional String detail) {
        PrepareAck {
            detail = detail == null ? "" : detail;
        }
    }

    /**
     * REQUEST_SWITCH: a primary asks its backup to run a manual switch. {@code acceptWarnings} is optional on the wire
     * (absent = false), so an older primary's request is checked against the backup's warnings.
     */
    record SwitchAsk(NodeId node, boolean immediate, @Optional String requestedBy, @Optional boolean acceptWarnings) {
        SwitchAsk {
            requestedBy = requestedBy == null ? "" : requestedBy;
        }
    }

    /** Answer to REQUEST_SWITCH: the {@link SwitchResult} of the backup that carried the request out. */
    record SwitchOutcome(boolean switched, SwitchResult.Mode mode, long epoch, @Optional String detail) {
        SwitchOutcome {
            detail = detail == null ? "" : detail;
        }
    }

    static byte[] encode(Record message) {
        return bytes(message);
    }

    static byte[] encode(SwitchResult r) {
        return bytes(new SwitchOutcome(r.switched(), r.mode(), r.epoch(), r.detail()));
    }

    static StateInfo decodeStateInfo(byte[] body) {
        return decode(body, StateInfo.class, "state answer");
    }

    static Discontinue decodeDiscontinue(byte[] body) {
        return decode(body, Discontinue.class, "DISCONTINUE");
    }

    static DiscontinueAck decodeDiscontinueAck(byte[] body) {
        return decode(body, DiscontinueAck.class, "DISCONTINUE answer");
    }

    static Prepare decodePrepare(byte[] body) {
        return decode(body, Prepare.class, "PREPARE_SWITCH");
    }

    static PrepareAck decodePrepareAck(byte[] body) {
        return decode(body, PrepareAck.class, "PREPARE_SWITCH answer");
    }

    static SwitchAsk decodeSwitchAsk(byte[] body) {
        return decode(body, SwitchAsk.class, "REQUEST_SWITCH");
    }

    static SwitchResult decodeSwitchResult(byte[] body) {
        SwitchOutcome o = decode(body, SwitchOutcome.class, "REQUEST_SWITCH answer");
        return new SwitchResult(o.switched(), o.mode(), o.epoch(), o.detail());
    }

    /**
     * Checks every field of {@code body} against the components of {@code type}, then binds it.
     *
     * @param what the message's name for the error ("DISCONTINUE")
     * @throws IllegalArgumentException naming {@code what} and the field when the body does not fit
     */
    static <T extends Record> T decode(byte[] body, Class<T> type, String what) {
        JsonNode n = parse(body, what);
        Map<String, RecordComponent> known = new LinkedHashMap<>();
        for (RecordComponent c : type.getRecordComponents()) {
            known.put(c.getName(), c);
        }
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!known.containsKey(field)) {
                throw malformed(what, "unknown field '" + field + "' (expected " + String.join(", ", known.keySet())
                        + ")");
            }
        }
        for (RecordComponent c : known.values()) {
            JsonNode v = n.get(c.getName());
            if (v == null || (v.isNull() && c.getType() == String.class)) {
                if (c.isAnnotationPresent(Optional.class)) {
                    continue;
                }
                throw malformed(what, "field '" + c.getName() + "' is missing");
            }
            check(what, c.getName(), c.getType(), v);
        }
        try {
            return JSON.treeToValue(n, type);
        } catch (IOException | IllegalArgumentException e) {
            throw malformed(what, firstLine(e.getMessage()));
        }
    }

    private static void check(String what, String field, Class<?> type, JsonNode v) {
        if (type == long.class) {
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0) {
                throw malformed(what, "field '" + field + "' must be a non-negative integer, got " + v);
            }
        } else if (type == boolean.class) {
            if (!v.isBoolean()) {
                throw malformed(what, "field '" + field + "' must be true or false, got " + v);
            }
        } else if (type == String.class) {
            if (!v.isTextual()) {
                throw malformed(what, "field '" + field + "' must be a string, got " + v);
            }
        } else if (type.isEnum()) {
            boolean valid = v.isTextual() && Arrays.stream(type.getEnumConstants())
                    .anyMatch(k -> ((Enum<?>) k).name().equals(v.asText()));
            if (!valid) {
                throw malformed(what, "field '" + field + "' must be one of " + Arrays.toString(
                        type.getEnumConstants()) + ", got " + v);
            }
        }
    }

    private static IllegalArgumentException malformed(String what, String problem) {
        return new IllegalArgumentException("malformed " + what + ": " + problem);
    }

    /** The switch result as the control endpoint shows it (the fields of {@link SwitchOutcome}). */
    static Map<String, Object> resultMap(SwitchResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("switched", r.switched());
        m.put("mode", r.mode().name());
        m.put("epoch", r.epoch());
        m.put("detail", r.detail());
        return m;
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
