package org.switchover.console.internal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.switchover.console.internal.CtlRunner.Run;
import org.junit.jupiter.api.io.TempDir;
import org.switchover.api.SwitchoverState;
import org.switchover.testing.LogCapture;

/**
 * The control endpoint's {@code shell} command over a real socket, with a real Gogo command processor running the
 * console's own {@code switchover:*} commands and a few test commands, and {@code bin/switchoverctl shell} against it.
 */
class ShellEndpointTest {

    /** Commands of scope "test"; public so that Gogo can call them. */
    public static final class TestCommands {
        final CountDownLatch release = new CountDownLatch(1);
        volatile boolean interrupted;

        public String echo(String word) {
            System.out.println("printed " + word);
            return "returned " + word;
        }

        public void boom() {
            System.out.println("about to fail");
            throw new IllegalStateException("boom failed on purpose");
        }

        public String block() {
            try {
                release.await(30, TimeUnit.SECONDS);
                return "released";
            } catch (InterruptedException e) {
                interrupted = true;
                Thread.currentThread().interrupt();
                return "interrupted";
            }
        }
    }

    @TempDir
    Path nodeDir;

    @TempDir
    Path classes;

    private FakeCore h;
    private ThreadIOImpl threadIo;
    private CommandProcessorImpl processor;
    private ShellRunner runner;
    private ControlServer server;
    private final TestCommands test = new TestCommands();

    private void start(boolean withProcessor, long shellWaitMillis) throws IOException {
        h = new FakeCore();
        threadIo = new ThreadIOImpl();
        threadIo.start();
        processor = new CommandProcessorImpl(threadIo);
        // registered function by function, as Gogo does for the service's osgi.command.function property
        ShellCommands commands = new ShellCommands(h, () -> "state " + h.state(), h::warnings);
        for (String f : new String[] {"status", "switch", "restart"}) {
            processor.addCommand("switchover", commands, f);
        }
        processor.addCommand("test", test);
        runner = new ShellRunner(() -> withProcessor ? new ShellRunner.Lease(processor, () -> { }) : null);
        server = new ControlServer(nodeDir.resolve("data"), token -> new ControlProtocol(() -> token,
                () -> StatusView.toMap(h.report()), h::requestSwitch, 10_000, runner, shellWaitMillis));
        server.start();
    }

    @AfterEach
    void stop() {
        test.release.countDown();
        if (server != null) {
            server.close();
        }
        if (runner != null) {
            runner.close();
        }
        if (threadIo != null) {
            threadIo.stop();
        }
    }

    private JsonNode shell(String line) throws IOException {
        return call("{\"token\":\"" + server.token() + "\",\"cmd\":\"shell\",\"line\":" + quote(line) + "}\n");
    }

    private JsonNode call(String request) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            s.getOutputStream().flush();
            s.shutdownOutput();
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            s.getInputStream().transferTo(buf);
            String reply = buf.toString(StandardCharsets.UTF_8);
            assertTrue(reply.endsWith("\n") && reply.indexOf('\n') == reply.length() - 1, "one line: " + reply);
            return ControlRequests.JSON.readTree(reply);
        }
    }

    /** The reply says the request failed, with {@code error} in its error text. */
    private static void assertFailed(JsonNode reply, String error) {
        assertFalse(reply.get("ok").asBoolean());
        assertTrue(reply.get("error").asText().contains(error), reply.toString());
    }

    private static String quote(String s) {
        return ControlRequests.JSON.valueToTree(s).toString();
    }

    @Test
    void aLineRunsInGogoAndItsOutputComesBack() throws Exception {
        start(true, 10_000);
        JsonNode r = shell("test:echo hello");
        assertTrue(r.get("ok").asBoolean(), r.toString());
        assertEquals("printed hello\nreturned hello\n", r.get("output").asText());

        JsonNode status = shell("switchover:status");
        assertTrue(status.get("ok").asBoolean(), status.toString());
        assertEquals("state BACKUP\n", status.get("output").asText());
    }

    @Test
    void aShellLineIsLoggedEscaped() throws Exception {
        start(true, 10_000);
        try (LogCapture log = new LogCapture()) {
            JsonNode r = shell("test:echo hi\nINFO forged\u001b[2J");
            assertTrue(r.has("ok"), r.toString());
            assertEquals(1, log.assertEscaped("running shell command", "'test:echo hi\\nINFO forged\\u001b[2J'"),
                    log.text());
        }
    }

    @Test
    void switchoverSwitchFromTheShellSwitches() throws Exception {
        start(true, 10_000);
        // Without --yes the command asks; the session's input is empty, which answers "no".
        JsonNode asked = shell("switchover:switch");
        assertTrue(asked.get("ok").asBoolean(), asked.toString());
        assertTrue(asked.get("output").asText().contains("Switch cancelled."), asked.toString());
        assertEquals(SwitchoverState.BACKUP, h.state());

        JsonNode r = shell("switchover:switch --yes --immediate");
        assertTrue(r.get("ok").asBoolean(), r.toString());
        assertTrue(r.get("output").asText().startsWith("Switched (UNCONTROLLED"), r.toString());
        assertEquals(SwitchoverState.PRIMARY, h.state());
    }

    @Test
    void failuresAreReportedWithWhatWasPrintedAndChangeNothing() throws Exception {
        start(true, 10_000);
        JsonNode boom = shell("test:boom");
        assertFailed(boom, "boom failed on purpose");
        assertEquals("about to fail\n", boom.get("output").asText());

        JsonNode unknown = shell("host:no-such-command");
        assertFailed(unknown, "host:no-such-command");

        String t = server.token();
        List<String[]> cases = new ArrayList<>();
        cases.add(new String[] {"{\"token\":\"" + t + "\",\"cmd\":\"shell\"}\n", "needs \"line\""});
        cases.add(new String[] {"{\"token\":\"" + t + "\",\"cmd\":\"shell\",\"line\":\"  \"}\n", "'line' is empty"});
        cases.add(new String[] {"{\"token\":\"" + t + "\",\"cmd\":\"shell\",\"line\":5}\n", "'line'"});
        cases.add(new String[] {"{\"token\":\"" + t + "\",\"cmd\":\"shell\",\"line\":\"" + "x".repeat(5000)
                + "\"}\n", "longer than 4096"});
        cases.add(new String[] {"{\"token\":\"bad\",\"cmd\":\"shell\",\"line\":\"switchover:switch --yes\"}\n",
            "bad token"});
        cases.add(new String[] {"{\"cmd\":\"shell\",\"line\":\"switchover:switch --yes\"}\n", "missing token"});
        for (String[] c : cases) {
            JsonNode r = call(c[0]);
            assertFalse(r.get("ok").asBoolean(), c[0]);
            assertTrue(r.get("error").asText().contains(c[1]), c[1] + " not in " + r);
        }
        assertEquals(SwitchoverState.BACKUP, h.state());
        assertTrue(shell("test:echo again").get("ok").asBoolean(), "the endpoint still works");
    }

    @Test
    void aLineThatRunsTooLongIsInterruptedAndTheEndpointStaysUsable() throws Exception {
        start(true, 500);
        long t0 = System.nanoTime();
        JsonNode r = shell("test:block");
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertFailed(r, "did not complete within");
        assertTrue(tookMs < 5_000, "bounded: " + tookMs + " ms");
        await().atMost(Duration.ofSeconds(5)).until(() -> test.interrupted);
        assertTrue(shell("test:echo after").get("ok").asBoolean());
    }

    @Test
    void withoutGogoTheShellCommandSaysSo() throws Exception {
        start(false, 10_000);
        JsonNode r = shell("switchover:status");
        assertFailed(r, "no Gogo command processor");
        JsonNode s = call("{\"token\":\"" + server.token() + "\",\"cmd\":\"status\"}\n");
        assertTrue(s.get("ok").asBoolean(), "status works without Gogo");
    }

    // ---- bin/switchoverctl shell ----

    private Run ctl(String... args) throws Exception {
        return CtlRunner.compiled(classes, args);
    }

    @Test
    void switchoverctlShell() throws Exception {
        start(true, 10_000);
        Run ok = ctl("--node", nodeDir.toString(), "shell", "test:echo", "hi");
        assertEquals(0, ok.exit(), ok.err());
        assertEquals("printed hi\nreturned hi\n", ok.out());

        // options after "shell" belong to the command line, not to switchoverctl
        Run asked = ctl("--node", nodeDir.toString(), "shell", "switchover:switch", "--yes", "--bogus");
        assertEquals(0, asked.exit(), asked.err());
        assertTrue(asked.out().contains("Unknown option '--bogus'"), asked.out());
        assertEquals(SwitchoverState.BACKUP, h.state());

        Run failed = ctl("--node", nodeDir.toString(), "shell", "test:boom");
        assertEquals(1, failed.exit());
        assertEquals("about to fail\n", failed.out());
        assertTrue(failed.err().contains("boom failed on purpose"), failed.err());

        Run empty = ctl("--node", nodeDir.toString(), "shell");
        assertEquals(2, empty.exit());
        assertTrue(empty.err().contains("shell needs a command line"), empty.err());
    }
}
