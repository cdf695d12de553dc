package org.switchover.console.internal.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.servlet.http.HttpServletResponse;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Writes the console's plain-text and JSON answers. */
final class Responses {
    private Responses() {
    }

    static final ObjectMapper JSON = new ObjectMapper();

    static void text(HttpServletResponse resp, int code, String text) throws IOException {
        write(resp, code, "text/plain;charset=utf-8", (text + "\n").getBytes(StandardCharsets.UTF_8));
    }

    static void json(HttpServletResponse resp, int code, Object value) throws IOException {
        byte[] b;
        try {
            b = JSON.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IOException("cannot encode the answer: " + e.getOriginalMessage(), e);
        }
        write(resp, code, "application/json", b);
    }

    /** @return {@code {"ok":false,"error":message}} */
    static Map<String, Object> error(String message) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ok", false);
        m.put("error", message);
        return m;
    }

    private static void write(HttpServletResponse resp, int code, String type, byte[] body) throws IOException {
        resp.setStatus(code);
        resp.setContentType(type);
        resp.setContentLength(body.length);
        resp.getOutputStream().write(body);
    }
}
