package org.switchover.console.internal.web;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import com.fasterxml.jackson.databind.JsonNode;

import org.switchover.api.interaction.ActiveResources;
import org.switchover.api.interaction.Channel;
import org.switchover.api.interaction.Interaction;
import org.switchover.support.log.LogText;
import org.switchover.support.log.RateLimitedLog;

/**
 * The console's REST API under {@code /switchover/api/}, HTTP Basic over HTTPS: {@code GET status} (exactly the
 * object of {@code switchoverctl status --json}), {@code GET interactions?channel=&after=&limit=},
 * {@code GET interactions/<channel>/<id>} and {@code POST switch} with a JSON body
 * {@code {"confirmed":true,"immediate":false,"acceptWarnings":false}}. Answers 401 (with a Basic challenge), 403,
 * 404, 405, 409 (switch refused by the node) and 4xx for bad input, always with a JSON reason.
 */
final class RestApi {

    private static final Set<String> SWITCH_FIELDS = Set.of("confirmed", "immediate", "acceptWarnings");
    /** Largest switch body accepted (bytes). */
    static final int MAX_BODY = 4096;
    private static final int MAX_ID = 256;

    private final Backend backend;
    private final WebAccess access;
    private final RateLimitedLog refusals;
    private ConsoleServlet servlet;

    RestApi(Backend backend, WebAccess access, RateLimitedLog refusals) {
        this.backend = backend;
        this.access = access;
        this.refusals = refusals;
    }

    void servlet(ConsoleServlet s) {
        this.servlet = s;
    }

    void handle(HttpServletRequest req, HttpServletResponse resp, String path) throws IOException {
        Optional<Users.User> user = basic(req);
        if (user.isEmpty()) {
            refusals.log("api-auth", "Console REST refused {} {} from {}: not authenticated", req.getMethod(),
                    LogText.escape(path), req.getRemoteAddr());
            resp.setHeader("WWW-Authenticate", "Basic realm=\"switchover\", charset=\"UTF-8\"");
            Responses.json(resp, 401, Responses.error("authentication required: HTTP Basic with a console user"));
            return;
        }
        String method = req.getMethod();
        try {
            if (path.equals("/switch")) {
                if (method("POST", method, resp)) {
                    doSwitch(req, resp, user.get());
                }
            } else if (!method("GET", method, resp)) {
                return;
            } else if (path.equals("/status")) {
                Responses.json(resp, 200, backend.statusJson().get());
            } else if (path.equals("/interactions")) {
                interactions(req, resp);
            } else if (path.startsWith("/interactions/")) {
                String[] parts = path.substring("/interactions/".length()).split("/", 2);
                Channel c = ConsoleServlet.channel(parts[0]);
                String id = id(parts.length > 1 ? parts[1] : "", false);
                Optional<Interaction> i = resources().find(c, id);
                if (i.isEmpty()) {
                    throw new ConsoleServlet.BadRequest(404, "no active resource " + HealthChecks.printable(id)
                            + " on channel " + c.key() + " on this node");
                }
                Responses.json(resp, 200, i.get());
            } else {
                throw new ConsoleServlet.BadRequest(404, "no API resource " + HealthChecks.printable(path)
                        + " (status, interactions, interactions/<channel>/<id>, switch)");
            }
        } catch (ConsoleServlet.BadRequest e) {
            Responses.json(resp, e.code, Responses.error(e.getMessage()));
        }
    }

    private void interactions(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Channel c = ConsoleServlet.channel(req.getParameter("channel"));
        String after = id(req.getParameter("after"), true);
        int limit = 100;
        String l = req.getParameter("limit");
        if (l != null) {
            try {
                limit = Integer.parseInt(l.trim());
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > ActiveResources.MAX_PAGE) {
                throw new ConsoleServlet.BadRequest(400, "limit must be from 1 to " + ActiveResources.MAX_PAGE);
            }
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Interaction i : resources().page(c, after, limit)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", i.id());
            m.put("channel", i.channel().key());
            m.put("state", i.state().name());
            m.put("queue", String.valueOf(i.queue()));
            m.put("agent", i.agent());
            m.put("createdMillis", i.createdMillis());
            m.put("version", i.version());
            rows.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("channel", c.key());
        out.put("interactions", rows);
        Responses.json(resp, 200, out);
    }

    private void doSwitch(HttpServletRequest req, HttpServletResponse resp, Users.User u) throws IOException {
        Map<String, Boolean> body = switchBody(req);
        if (!Boolean.TRUE.equals(body.get("confirmed"))) {
            throw new ConsoleServlet.BadRequest(400, "switch needs \"confirmed\":true (the operator confirms the"
                    + " switch)");
        }
        boolean immediate = Boolean.TRUE.equals(body.get("immediate"));
        String refusal = ConsoleServlet.refusal(u, immediate);
        if (refusal != null) {
            ConsoleServlet.AUDIT.warn("Console: switch refused for user '{}' (REST): {}", LogText.escape(u.name()),
                    refusal);
            Responses.json(resp, 403, Responses.error(refusal));
            return;
        }
        Map<String, Object> r = servlet.runSwitch(u, immediate, Boolean.TRUE.equals(body.get("acceptWarnings")),
                "REST");
        Responses.json(resp, Boolean.TRUE.equals(r.get("ok")) ? 200 : 409, r);
    }

    /** @return the switch body's fields; refuses anything but a small JSON object of known true/false fields */
    static Map<String, Boolean> switchBody(HttpServletRequest req) throws IOException {
        String type = req.getContentType();
        if (type == null || !type.startsWith("application/json")) {
            throw new ConsoleServlet.BadRequest(415, "the switch body must be application/json");
        }
        long len = req.getContentLengthLong();
        if (len > MAX_BODY) {
            throw new ConsoleServlet.BadRequest(413, "body of " + len + " bytes exceeds " + MAX_BODY);
        }
        byte[] body;
        try (InputStream in = req.getInputStream()) {
            body = in.readNBytes(MAX_BODY + 1);
        }
        if (body.length > MAX_BODY) {
            throw new ConsoleServlet.BadRequest(413, "body exceeds " + MAX_BODY + " bytes");
        }
        return parseSwitch(body);
    }

    static Map<String, Boolean> parseSwitch(byte[] body) {
        JsonNode n;
        try {
            n = Responses.JSON.readTree(body);
        } catch (IOException e) {
            throw new ConsoleServlet.BadRequest(400, "malformed switch request: not JSON");
        }
        if (n == null || !n.isObject()) {
            throw new ConsoleServlet.BadRequest(400, "malformed switch request: expected a JSON object");
        }
        Map<String, Boolean> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> f = it.next();
            if (!SWITCH_FIELDS.contains(f.getKey())) {
                throw new ConsoleServlet.BadRequest(400, "malformed switch request: unknown field '"
                        + HealthChecks.printable(f.getKey()) + "' (known fields: acceptWarnings, confirmed,"
                        + " immediate)");
            }
            if (!f.getValue().isBoolean()) {
                throw new ConsoleServlet.BadRequest(400, "malformed switch request: field '" + f.getKey()
                        + "' must be true or false");
            }
            out.put(f.getKey(), f.getValue().booleanValue());
        }
        return out;
    }

    private ActiveResources resources() {
        ActiveResources r = backend.resources().get();
        if (r == null) {
            throw new ConsoleServlet.BadRequest(503, "the interaction recovery service does not run on this node");
        }
        return r;
    }

    private Optional<Users.User> basic(HttpServletRequest req) {
        String h = req.getHeader("Authorization");
        if (h == null || !h.regionMatches(true, 0, "Basic ", 0, 6) || h.length() > 2048) {
            return Optional.empty();
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(h.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0) {
            return Optional.empty();
        }
        return access.users().authenticate(decoded.substring(0, colon), decoded.substring(colon + 1));
    }

    private static boolean method(String allowed, String method, HttpServletResponse resp) throws IOException {
        if (allowed.equals(method)) {
            return true;
        }
        resp.setHeader("Allow", allowed);
        Responses.json(resp, 405, Responses.error("method " + HealthChecks.printable(method) + " not allowed here;"
                + " use " + allowed));
        return false;
    }

    /**
     * @param text an interaction id from a path or query
     * @param optional whether null/empty means "from the start"
     * @return the id
     */
    static String id(String text, boolean optional) {
        if (text == null || text.isEmpty()) {
            if (optional) {
                return "";
            }
            throw new ConsoleServlet.BadRequest(400, "name an interaction id");
        }
        if (text.length() > MAX_ID || text.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f)) {
            throw new ConsoleServlet.BadRequest(400, "an interaction id is 1 to " + MAX_ID
                    + " printable characters");
        }
        return text;
    }

    /** @return the switch reply in words: the result's detail, or the error */
    static String outcomeText(Map<String, Object> r) {
        Object result = r.get("result");
        if (Boolean.TRUE.equals(r.get("ok")) && result instanceof Map<?, ?> m) {
            return "Switched (" + m.get("mode") + ", epoch " + m.get("epoch") + "): " + m.get("detail");
        }
        return "Not switched: " + r.get("error");
    }
}
