package org.switchover.console.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.switchover.api.SwitchoverState;
import org.switchover.api.status.NodeStatus;
import org.switchover.api.warning.SwitchWarning;
import org.switchover.console.internal.CtlRunner.Run;

/**
 * Switch warnings (the backup's "file replication from the primary has stopped", spec sections 8 and 13.1) in the
 * views: shown in the status, a manual switch refused until they are accepted - in the control endpoint,
 * {@code bin/switchoverctl} and the shell command. The machine's side: core's SwitchWarningsTest.
 */
class SwitchWarningsTest {

    static final String WARNING = "This backup's copy of the primary's files may be stale: file replication from"
            + " the primary has stopped (File Monitor health check failed: no answer within 1 s)";

    @TempDir
    Path nodeDir;

    @TempDir
    Path classes;

    private FakeCore h;
    private ControlServer server;

    private void startBackup() {
        h = new FakeCore();
    }

    private void startEndpoint() throws Exception {
        server = new ControlServer(nodeDir.resolve("data"), token -> new ControlProtocol(() -> token,
                () -> StatusView.toMap(h.report()), h::requestSwitch, 10_000,
                line -> CompletableFuture.failedFuture(new ControlProtocol.ShellFailure("no shell", "")), 0L,
                h::warnings));
        server.start();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** The reason of the last switch, as the core reports it (its audit line's reason). */
    private String auditReason() {
        return h.report().lastSwitchReason();
    }

    // ---- status views ----

    @Test
    void statusTextAndJsonCarryTheWarnings() {
        startBackup();
        NodeStatus s = h.report();
        assertEquals(List.of(), StatusView.toMap(s).get("warnings"));
        assertFalse(StatusView.toText(s).contains("WARNING"));
        h.warnings.add(WARNING);
        NodeStatus w = h.report();
        assertEquals(List.of(WARNING), StatusView.toMap(w).get("warnings"));
        assertTrue(StatusView.toText(w).contains("WARNING     : " + WARNING));
    }

    // ---- the control endpoint and bin/switchoverctl ----

    private JsonNode call(String request) throws Exception {
        try (java.net.Socket s = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), server.port())) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            s.shutdownOutput();
            return ControlRequests.JSON.readTree(new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void theEndpointNeedsAcceptWarningsAndSwitchoverctlNeedsIgnoreWarnings() throws Exception {
        startBackup();
        startEndpoint();
        h.warnings.add(WARNING);
        String t = server.token();

        JsonNode status = call("{\"token\":\"" + t + "\",\"cmd\":\"status\"}\n");
        assertEquals(WARNING, status.get("status").get("warnings").get(0).asText(), status.toString());

        JsonNode refused = call("{\"token\":\"" + t + "\",\"cmd\":\"switch\",\"confirmed\":true,\"immediate\":true}\n");
        assertFalse(refused.get("ok").asBoolean());
        assertTrue(refused.get("warningsNotAccepted").asBoolean(), refused.toString());
        assertEquals(WARNING, refused.get("warnings").get(0).asText());
        assertTrue(refused.get("error").asText().contains(SwitchWarning.QUESTION), refused.toString());
        assertEquals(SwitchoverState.BACKUP, h.state());

        JsonNode bad = call("{\"token\":\"" + t + "\",\"cmd\":\"switch\",\"confirmed\":true,\"acceptWarnings\":1}\n");
        assertTrue(bad.get("error").asText().contains("'acceptWarnings' must be true or false"), bad.toString());

        Run text = CtlRunner.compiled(classes, "--node", nodeDir.toString(), "status");
        assertEquals(0, text.exit(), text.err());
        assertTrue(text.out().contains("WARNING     : " + WARNING), text.out());

        Run yes = CtlRunner.compiled(classes, "--node", nodeDir.toString(), "switch", "--yes");
        assertEquals(5, yes.exit(), yes.out() + yes.err());
        assertTrue(yes.out().contains("WARNING: " + WARNING), yes.out());
        assertTrue(yes.err().contains(SwitchWarning.QUESTION) && yes.err().contains("--ignore-warnings"),
                yes.err());
        assertEquals(SwitchoverState.BACKUP, h.state());

        Run forced = CtlRunner.compiled(classes, "--node", nodeDir.toString(), "switch", "--yes",
                "--ignore-warnings");
        assertEquals(0, forced.exit(), forced.out() + forced.err());
        assertTrue(forced.out().startsWith("Switched ("), forced.out());
        assertEquals(SwitchoverState.PRIMARY, h.state());
        assertTrue(auditReason().contains("switched despite the warnings: " + WARNING), auditReason());
    }

    @Test
    void aRefusalByTheMachineIsMarkedForTheClient() throws Exception {
        // The endpoint's own list is empty (as on a primary), the node carrying the switch out has a warning.
        startBackup();
        ControlProtocol p = new ControlProtocol(() -> "tok", () -> java.util.Map.of(), h::requestSwitch, 10_000);
        h.warnings.add(WARNING);
        JsonNode r = ControlRequests.JSON.readTree(p.handle("{\"token\":\"tok\",\"cmd\":\"switch\",\"confirmed\":true}"));
        assertFalse(r.get("ok").asBoolean());
        assertTrue(r.get("warningsNotAccepted").asBoolean(), r.toString());
        JsonNode ok = ControlRequests.JSON.readTree(p.handle("{\"token\":\"tok\",\"cmd\":\"switch\",\"confirmed\":true,"
                + "\"acceptWarnings\":true}"));
        assertTrue(ok.get("ok").asBoolean(), ok.toString());
    }

    // ---- switchover:switch ----

    /** Runs the shell command with {@code input} as the operator's answers; returns what it printed and returned. */
    private String shellSwitch(String input, String... options) {
        ShellCommands c = new ShellCommands(h, () -> "", h::warnings);
        InputStream in = System.in;
        PrintStream out = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            CompletableFuture<String> result = CompletableFuture.supplyAsync(() -> switch (options.length) {
                case 0 -> c._switch();
                case 1 -> c._switch(options[0]);
                case 2 -> c._switch(options[0], options[1]);
                default -> c._switch(options[0], options[1], options[2]);
            });
            String returned = result.get(20, java.util.concurrent.TimeUnit.SECONDS);
            assertTrue(result.isDone(), "the shell command finished");
            return printed.toString(StandardCharsets.UTF_8) + returned;
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            System.setIn(in);
            System.setOut(out);
        }
    }

    @Test
    void theShellPrintsTheWarningAndAsksAgain() {
        startBackup();
        h.warnings.add(WARNING);

        String no = shellSwitch("y\nn\n");
        assertTrue(no.contains("WARNING: " + WARNING), no);
        assertTrue(no.contains(SwitchWarning.QUESTION + " Switch anyway? [y/N]"), no);
        assertTrue(no.endsWith("Switch cancelled."), no);
        assertEquals(SwitchoverState.BACKUP, h.state());

        String yes = shellSwitch("", "--yes");
        assertTrue(yes.contains("WARNING: " + WARNING) && yes.contains("Not switched")
                && yes.contains("--ignore-warnings"), yes);
        assertEquals(SwitchoverState.BACKUP, h.state());

        String again = shellSwitch("y\nyes\n", "--immediate");
        assertTrue(again.contains("Not switched"), "--immediate asks nothing, so it needs --ignore-warnings: "
                + again);

        String switched = shellSwitch("y\ny\n");
        assertTrue(switched.contains("Switched ("), switched);
        assertEquals(SwitchoverState.PRIMARY, h.state());
        assertTrue(auditReason().contains("despite the warnings: " + WARNING), auditReason());
    }

    @Test
    void theShellSwitchesWithIgnoreWarnings() {
        startBackup();
        h.warnings.add(WARNING);
        String r = shellSwitch("", "--yes", "--immediate", "--ignore-warnings");
        assertTrue(r.startsWith("Switched (UNCONTROLLED"), r);
        assertEquals(SwitchoverState.PRIMARY, h.state());
    }

    @Test
    void withoutWarningsTheShellAsksOnce() {
        startBackup();
        String r = shellSwitch("y\n");
        assertFalse(r.contains("Switch anyway"), r);
        assertTrue(r.contains("Switched ("), r);
    }
}
