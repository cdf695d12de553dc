package org.switchover.console.internal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.switchover.testing.LogCapture;

/**
 * The control endpoint's limits against local users who connect without the token (issue 10): slow or idle
 * connections cannot starve a real request, a request line has a bounded time, long commands leave the status lane
 * free, and refusals are counted and logged at a bounded rate.
 */
class ControlServerLimitsTest {

    @TempDir
    Path dir;

    private final FakeCore core = new FakeCore();
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<Socket> clients = new ArrayList<>();
    private ControlServer server;

    private void start(ControlServer.Limits limits) throws IOException {
        ControlProtocol.Shell blocking = line -> CompletableFuture.supplyAsync(() -> {
            try {
                return release.await(20, TimeUnit.SECONDS) ? "released" : "timed out";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted";
            }
        });
        server = new ControlServer(dir, token -> new ControlProtocol(() -> token, () -> StatusView.toMap(
                core.report()), core::requestSwitch, 10_000, blocking, 20_000), limits);
        server.start();
    }

    @AfterEach
    void stop() throws IOException {
        release.countDown();
        for (Socket s : clients) {
            s.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private Socket connect() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port());
        s.setSoTimeout(20_000);
        clients.add(s);
        return s;
    }

    private JsonNode call(String line) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
            s.shutdownOutput();
            return ControlRequests.JSON.readTree(new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private String status() {
        return "{\"token\":\"" + server.token() + "\",\"cmd\":\"status\"}";
    }

    @Test
    void idleAndTricklingConnectionsDoNotStarveARealStatus() throws Exception {
        start(new ControlServer.Limits(64 * 1024, 5_000L, 8, 2, 2, 8));
        for (int i = 0; i < 40; i++) {
            Socket s = connect();
            if (i % 2 == 0) {
                s.getOutputStream().write('{'); // one byte, then nothing
                s.getOutputStream().flush();
            }
        }
        long t0 = System.nanoTime();
        JsonNode r = call(status());
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(r.get("ok").asBoolean(), r.toString());
        assertTrue(tookMs < 1_000, "answered in " + tookMs + " ms");
        assertTrue(server.refused() >= 32, "the oldest of the 40 were pushed out: " + server.refused());
    }

    @Test
    void clientsReconnectingInALoopDoNotKeepSwitchoverctlOut() throws Exception {
        start(new ControlServer.Limits(64 * 1024, 5_000L, 8, 2, 2, 8));
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong cut = new AtomicLong();
        List<Thread> crowd = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 60_000;
        for (int i = 0; i < 24; i++) { // three times the endpoint's room, each back at once when pushed out
            Thread t = new Thread(() -> {
                while (!stop.get() && System.currentTimeMillis() < deadline) {
                    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
                        s.setSoTimeout(2_000);
                        s.getInputStream().read();
                    } catch (IOException e) {
                        // pushed out or reset: come back
                    }
                    cut.incrementAndGet();
                }
            }, "crowd-" + i);
            t.setDaemon(true);
            t.start();
            crowd.add(t);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> cut.get() > 1_000);
        try {
            CtlRunner.Run r = CtlRunner.fromSource("--node", dir.toString(), "status", "--json");
            assertEquals(0, r.exit(), r.out() + r.err() + " (crowd connections pushed out: " + cut.get() + ")");
            assertTrue(r.out().contains("\"state\""), r.out());
        } finally {
            stop.set(true);
            for (Thread t : crowd) {
                t.join(5_000);
            }
        }
    }

    @Test
    void aRequestLineHasABoundedTime() throws Exception {
        start(new ControlServer.Limits(64 * 1024, 300L, 8, 2, 2, 8));
        Socket s = connect();
        OutputStream out = s.getOutputStream();
        out.write("{\"token\":".getBytes(StandardCharsets.UTF_8));
        out.flush();
        long t0 = System.nanoTime();
        String reply = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(reply.contains("no complete request line within 300 ms"), reply);
        assertTrue(tookMs < 5_000, "bounded: " + tookMs + " ms");
        assertEquals(1, server.refused());
    }

    @Test
    void longCommandsLeaveTheStatusLaneFree() throws Exception {
        start(new ControlServer.Limits(64 * 1024, 5_000L, 8, 2, 2, 1));
        List<CompletableFuture<JsonNode>> shells = new ArrayList<>();
        for (int i = 0; i < 4; i++) { // two run, one waits, one is turned away
            shells.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return call("{\"token\":\"" + server.token() + "\",\"cmd\":\"shell\",\"line\":\"test:block\"}");
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> server.refused() == 1);
        long t0 = System.nanoTime();
        JsonNode r = call(status());
        assertTrue(r.get("ok").asBoolean(), r.toString());
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) < 1_000, "status at once");
        release.countDown();
        int released = 0;
        int busy = 0;
        for (CompletableFuture<JsonNode> f : shells) {
            JsonNode done = f.get(20, TimeUnit.SECONDS);
            released += done.get("ok").asBoolean() && done.get("output").asText().equals("released") ? 1 : 0;
            busy += !done.get("ok").asBoolean() && done.get("error").asText().startsWith("busy") ? 1 : 0;
        }
        assertEquals(3, released);
        assertEquals(1, busy);
    }

    @Test
    void refusalsAreCountedAndLoggedAtABoundedRate() throws Exception {
        start(ControlServer.Limits.DEFAULT);
        for (int i = 0; i < 5; i++) {
            JsonNode r = call("{\"token\":\"nope\",\"cmd\":\"status\"}");
            assertFalse(r.get("ok").asBoolean());
        }
        assertEquals(5, server.refused());

        AtomicLong now = new AtomicLong();
        RefusalLog log = new RefusalLog(10_000, now::get);
        try (LogCapture captured = new LogCapture()) {
            log.refused("unknown command 'x\u001b[2J\nforged'");
            log.refused("bad token");
            log.refused("bad token");
            assertEquals(3, log.total());
            assertEquals(1, log.lines(), "one line per period");
            now.addAndGet(TimeUnit.SECONDS.toNanos(11));
            log.refused("bad token");
            assertEquals(2, log.lines());
            List<String> lines = captured.lines("Control endpoint refused");
            assertEquals(2, lines.size(), captured.text());
            assertTrue(lines.get(0).endsWith("unknown command 'x\\u001b[2J\\nforged'"), lines.get(0));
            assertTrue(lines.get(1).contains("bad token [2 more like this held back"), lines.get(1));
        }
    }
}
