package org.switchover.it.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Headless Chromium driven over the DevTools protocol with the JDK's WebSocket client: one page, navigate, run a
 * script, take a screenshot. The node's certificate is the server group's, so certificate errors are ignored. A
 * missing browser fails the test, naming the Debian package to install.
 */
public final class Browser implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CALL = Duration.ofSeconds(20);

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final StringBuilder partial = new StringBuilder();
    private String session;

    private Browser(Process process, Path profile, String wsUrl) {
        this.process = process;
        this.profile = profile;
        this.socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                .buildAsync(URI.create(wsUrl), new Listener()).join();
    }

    /** @return a headless Chromium with one blank page */
    public static Browser start() {
        String exe = List.of("chromium", "chromium-browser").stream()
                .filter(p -> List.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                        .stream().anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, p))))
                .findFirst().orElseThrow(() -> new AssertionError("the browser tests need Chromium: install it with"
                        + " 'apt-get install -y chromium chromium-driver' (Debian packages chromium, chromium-driver)"));
        try {
            Path profile = Files.createTempDirectory("chromium-profile");
            Process p = new ProcessBuilder(exe, "--headless=new", "--no-sandbox", "--disable-gpu",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--no-first-run", "--ignore-certificate-errors", "--window-size=1280,1000",
                    "--user-data-dir=" + profile, "--remote-debugging-port=0", "about:blank")
                    .redirectErrorStream(true).start();
            BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            String ws = null;
            StringBuilder seen = new StringBuilder();
            while (ws == null && System.nanoTime() < deadline) {
                String line = r.readLine();
                if (line == null) {
                    break;
                }
                seen.append(line).append('\n');
                int at = line.indexOf("ws://");
                if (line.contains("DevTools listening on") && at >= 0) {
                    ws = line.substring(at).trim();
                }
            }
            if (ws == null) {
                p.destroyForcibly();
                throw new AssertionError("Chromium did not open its DevTools port:\n" + seen);
            }
            Thread drain = new Thread(() -> {
                try {
                    while (r.readLine() != null) {
                        // keep the pipe from filling up
                    }
                } catch (IOException e) {
                    // the browser has gone
                }
            }, "chromium-output");
            drain.setDaemon(true);
            drain.start();
            Browser b = new Browser(p, profile, ws);
            String target = b.call(null, "Target.createTarget", Map.of("url", "about:blank")).path("targetId")
                    .asText();
            b.session = b.call(null, "Target.attachToTarget", Map.of("targetId", target, "flatten", true))
                    .path("sessionId").asText();
            b.call("Page.enable", Map.of());
            return b;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Opens {@code url} and waits until the document has loaded. */
    public void open(String url) {
        call("Page.navigate", Map.of("url", url));
        awaitLoaded();
    }

    /** Waits (bounded) until the current document is complete. */
    public void awaitLoaded() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            JsonNode v = evalNode("document.readyState + '|' + location.href");
            if (v.asText().startsWith("complete|") && !v.asText().endsWith("|about:blank")) {
                return;
            }
            pause(100);
        }
        throw new AssertionError("the page did not load within 20 s");
    }

    /** @return the value of a JavaScript expression in the page, as text ("" for null/undefined) */
    public String eval(String expression) {
        JsonNode v = evalNode(expression);
        return v.isMissingNode() || v.isNull() ? "" : v.asText();
    }

    private JsonNode evalNode(String expression) {
        JsonNode r = call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true));
        return r.path("result").path("value");
    }

    /** Runs {@code script} (which navigates, e.g. submits a form) and waits for the next document. */
    public void navigateBy(String script) {
        String marker = "m" + ids.incrementAndGet();
        eval("window.__marker='" + marker + "'; setTimeout(function(){" + script + "}, 0); 1");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            pause(100);
            try {
                if (!marker.equals(eval("window.__marker || ''")) && "complete".equals(eval("document.readyState"))) {
                    return;
                }
            } catch (AssertionError e) {
                // the context went away while navigating: ask again
            }
        }
        throw new AssertionError("no new page within 20 s after: " + script);
    }

    /** Writes a PNG of the page to {@code file}. */
    public void screenshot(Path file) {
        // the whole page, not only the window: the replication tables sit below the fold
        var size = call("Page.getLayoutMetrics", Map.of()).path("cssContentSize");
        Map<String, Object> clip = Map.of("x", 0, "y", 0, "width", Math.max(1, size.path("width").asDouble(1280)),
                "height", Math.max(1, size.path("height").asDouble(1000)), "scale", 1);
        String data = call("Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true,
                "clip", clip)).path("data").asText();
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, Base64.getDecoder().decode(data));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private JsonNode call(String method, Map<String, Object> params) {
        return call(session, method, params);
    }

    private JsonNode call(String sessionId, String method, Map<String, Object> params) {
        int id = ids.incrementAndGet();
        Map<String, Object> msg = new LinkedHashMap<>();
        msg.put("id", id);
        msg.put("method", method);
        msg.put("params", params);
        if (sessionId != null) {
            msg.put("sessionId", sessionId);
        }
        CompletableFuture<JsonNode> f = new CompletableFuture<>();
        pending.put(id, f);
        try {
            socket.sendText(JSON.writeValueAsString(msg), true).get(CALL.toMillis(), TimeUnit.MILLISECONDS);
            JsonNode reply = f.get(CALL.toMillis(), TimeUnit.MILLISECONDS);
            if (reply.has("error")) {
                throw new AssertionError(method + " failed: " + reply.get("error"));
            }
            return reply.path("result");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(method + " interrupted", e);
        } catch (Exception e) {
            throw new AssertionError(method + " got no answer: " + e, e);
        } finally {
            pending.remove(id);
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private final class Listener implements WebSocket.Listener {
        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                try {
                    JsonNode n = JSON.readTree(text);
                    CompletableFuture<JsonNode> f = n.has("id") ? pending.get(n.get("id").asInt()) : null;
                    if (f != null) {
                        f.complete(n);
                    }
                } catch (IOException e) {
                    // not a message of ours
                }
            }
            ws.request(1);
            return null;
        }
    }

    @Override
    public void close() {
        try {
            socket.abort();
        } finally {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try (var walk = Files.walk(profile)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a temporary directory
            }
        }
    }
}
