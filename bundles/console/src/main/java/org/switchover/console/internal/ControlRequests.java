package org.switchover.console.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.type.LogicalType;

/**
 * The control endpoint's request messages, bound to records with Jackson. Binding is strict: a field the command
 * does not know, a required field that is missing and a value of the wrong kind (a number where true/false is
 * expected, anything but a string where text is expected) are refused with an {@link IllegalArgumentException}
 * whose message names the field, so that nothing is done on a garbled request.
 */
final class ControlRequests {
    private ControlRequests() {
    }

    /** Largest request accepted, in bytes; every request is a few hundred bytes (a shell line at most 4 KiB). */
    static final int MAX_BODY = 16 * 1024;

    /** One parsed and bound request. */
    sealed interface Request permits Status, Switch, Shell {
    }

    /** {@code {"token":..., "cmd":"status"}}. */
    record Status(String token, String cmd) implements Request {
    }

    /**
     * {@code {"token":..., "cmd":"switch", "confirmed":true, "immediate":false, "requestedBy":"...",
     * "acceptWarnings":false}}; only {@code confirmed} is required (the operator confirmed the switch).
     */
    record Switch(String token, String cmd, @JsonProperty(required = true) Boolean confirmed, Boolean immediate,
                  String requestedBy, Boolean acceptWarnings) implements Request {
    }

    /** {@code {"token":..., "cmd":"shell", "line":"switchover:status"}}. */
    record Shell(String token, String cmd, @JsonProperty(required = true) String line) implements Request {
    }

    /** The mapper for requests and replies: no coercion between JSON kinds, unknown fields refused. */
    static final ObjectMapper JSON = strictMapper();

    /** What to tell a client that left out a required field. */
    private static final Map<String, String> MISSING = Map.of(
            "confirmed", "switch needs \"confirmed\":true (the operator confirms the switch)",
            "line", "shell needs \"line\": the command line to run, e.g. \"switchover:status\"");

    private static ObjectMapper strictMapper() {
        ObjectMapper m = new ObjectMapper();
        m.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        for (LogicalType t : new LogicalType[] {LogicalType.Boolean, LogicalType.Textual}) {
            m.coercionConfigFor(t)
                    .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        }
        m.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        return m;
    }

    /**
     * @param line one request line
     * @return the JSON object it holds
     * @throws IllegalArgumentException when it is empty, too long, not JSON or not an object
     */
    static JsonNode parse(String line) {
        byte[] body = line == null ? new byte[0] : line.getBytes(StandardCharsets.UTF_8);
        if (body.length == 0) {
            throw new IllegalArgumentException("malformed request: empty body");
        }
        if (body.length > MAX_BODY) {
            throw new IllegalArgumentException("malformed request: body of " + body.length + " bytes exceeds "
                    + MAX_BODY);
        }
        JsonNode n;
        try {
            n = JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed request: not JSON (" + firstLine(e.getMessage()) + ")");
        }
        if (n == null || !n.isObject()) {
            String s = new String(body, 0, Math.min(body.length, 40), StandardCharsets.UTF_8);
            throw new IllegalArgumentException("malformed request: expected a JSON object, got '"
                    + s.replaceAll("\\p{Cntrl}", "?") + (body.length > 40 ? "...'" : "'"));
        }
        return n;
    }

    /**
     * Binds a parsed request to the record of its command.
     *
     * @param tree the request object
     * @param type the command's record
     * @param what the request's name in errors ("switch request")
     * @throws IllegalArgumentException naming the unknown, missing or mistyped field
     */
    static <T extends Request> T bind(JsonNode tree, Class<T> type, String what) {
        try {
            return JSON.treeToValue(tree, type);
        } catch (UnrecognizedPropertyException e) {
            String known = e.getKnownPropertyIds().stream().map(String::valueOf).sorted()
                    .collect(Collectors.joining(", "));
            throw new IllegalArgumentException("malformed " + what + ": unknown field '" + e.getPropertyName()
                    + "' (known fields: " + known + ")");
        } catch (MismatchedInputException e) {
            String field = e.getPath().isEmpty() ? "?" : e.getPath().get(e.getPath().size() - 1).getFieldName();
            JsonNode value = tree.get(field);
            if (value == null) {
                throw new IllegalArgumentException(MISSING.getOrDefault(field,
                        "malformed " + what + ": missing field '" + field + "'"));
            }
            throw new IllegalArgumentException("malformed " + what + ": field '" + field + "' must be "
                    + kind(type, field) + ", got " + value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("malformed " + what + ": " + firstLine(e.getOriginalMessage()));
        }
    }

    private static String kind(Class<?> type, String field) {
        for (var c : type.getRecordComponents()) {
            if (c.getName().equals(field)) {
                return c.getType() == Boolean.class || c.getType() == boolean.class ? "true or false" : "a string";
            }
        }
        return "of another kind";
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int i = s.indexOf('\n');
        return i < 0 ? s : s.substring(0, i);
    }
}
