package org.switchover.console.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.switchover.console.internal.CtlRunner.Run;
import org.junit.jupiter.api.io.TempDir;
import org.switchover.api.SwitchoverState;
import org.switchover.api.status.RecoveryChannelStatus;

/** The loopback control endpoint over a real socket, and bin/switchoverctl against it. */
class ControlEndpointTest {

    @TempDir
    Path nodeDir;

    private FakeCore h;
    private ControlServer server;

    private void startBackupNode() throws IOException {
        h = new FakeCore();
        server = new ControlServer(nodeDir.resolve("data"), token -> new ControlProtocol(() -> token,
                () -> StatusView.toMap(h.report()), h::requestSwitch, 10_000));
        server.start();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private String call(String line) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            out.write(line.getBytes(StandardCharsets.UTF_8));
            out.flush();
            s.shutdownOutput();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            in.transferTo(buf);
            return buf.toString(StandardCharsets.UTF_8);
        }
    }

    private JsonNode json(String line) throws IOException {
        String reply = call(line);
        assertTrue(reply.endsWith("\n") && reply.indexOf('\n') == reply.length() - 1, "one line: " + reply);
        return ControlRequests.JSON.readTree(reply);
    }

    @Test
    void statusAnswersOneJsonObject() throws Exception {
        startBackupNode();
        JsonNode r = json("{\"token\":\"" + server.token() + "\",\"cmd\":\"status\"}\n");
        assertTrue(r.get("ok").asBoolean());
        JsonNode m = r.get("memory");
        assertTrue(m.get("heapUsed").asLong() > 0 && m.get("heapMax").asLong() >= m.get("heapUsed").asLong(),
                m.toString());
        assertTrue(m.get("directUsed").asLong() >= 0 && m.has("heapAfterLastGc") && m.has("directBuffers"),
                m.toString());
        JsonNode s = r.get("status");
        assertEquals("B", s.get("node").asText());
        assertEquals("BACKUP", s.get("role").asText());
        assertEquals("BACKUP", s.get("state").asText());
        assertEquals(0, s.get("epoch").asLong());
        assertEquals("A", s.get("peer").get("node").asText());
        assertEquals("PRIMARY", s.get("peer").get("state").asText());
        assertEquals("ACTIVE", s.get("connections").get("main").asText());
        assertEquals("ACTIVE", s.get("connections").get("aux").asText());
        assertTrue(s.has("lastSwitchReason"));
        assertTrue(s.get("automaticSwitch").asBoolean());
    }

    @Test
    void statusCarriesTheRecoveryChannelsKeyedByChannelAndKeepsTheOtherFields() throws Exception {
        startBackupNode();
        String request = "{\"token\":\"" + server.token() + "\",\"cmd\":\"status\"}\n";
        JsonNode before = json(request).get("status");
        assertEquals(0, before.get("recovery").size(), "no recovery bundle: an empty object");
        h.recovery.add(new RecoveryChannelStatus("mail", true, true, "backup", -1, 120, 130, "syncing", 3, 41,
                "assigned emails only"));
        h.recovery.add(RecoveryChannelStatus.notConfigured("chat"));
        JsonNode s = json(request).get("status");
        List<String> fields = new ArrayList<>();
        s.fieldNames().forEachRemaining(fields::add);
        List<String> old = new ArrayList<>();
        before.fieldNames().forEachRemaining(old::add);
        assertEquals(old, fields, "same fields, same order");
        assertEquals(List.of("recovery", "replication", "console"), fields.subList(fields.size() - 3, fields.size()),
                "the newer objects come last");
        assertTrue(s.get("console").has("url"), "the console object names the page's URL (null without one)");
        JsonNode mail = s.get("recovery").get("mail");
        assertTrue(mail.get("enabled").asBoolean());
        assertEquals("backup", mail.get("side").asText());
        assertEquals(120, mail.get("shadows").asInt());
        assertEquals(130, mail.get("primaryLive").asInt());
        assertTrue(mail.get("live").isNull(), "a backup has no live count of its own");
        assertEquals("syncing", mail.get("sync").asText());
        assertEquals(3, mail.get("lagMillis").asLong());
        assertEquals(41, mail.get("maxLagMillis").asLong());
        assertEquals("assigned emails only", mail.get("filter").asText());
        JsonNode chat = s.get("recovery").get("chat");
        assertFalse(chat.get("configured").asBoolean());
        assertTrue(chat.get("shadows").isNull() && chat.get("lagMillis").isNull(), chat.toString());
        for (String f : List.of("node", "role", "state", "epoch", "peer", "connections", "warnings")) {
            assertEquals(before.get(f), s.get(f), f + " unchanged");
        }
    }

    @Test
    void portAndTokenFilesAreWrittenForTheOwnerOnlyAndRemovedOnClose() throws Exception {
        startBackupNode();
        Path token = nodeDir.resolve("data/control.token");
        Path port = nodeDir.resolve("data/control.port");
        assertEquals(server.token(), Files.readString(token).strip());
        assertEquals(server.port(), Integer.parseInt(Files.readString(port).strip()));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(token)));
        assertEquals(64, server.token().length());
        server.close();
        server = null;
        assertFalse(Files.exists(token));
        assertFalse(Files.exists(port));
    }

    @Test
    void badInputGetsAClearErrorAndChangesNothing() throws Exception {
        startBackupNode();
        String t = server.token();
        List<String[]> cases = new ArrayList<>();
        cases.add(new String[] {"{\"token\":\"0000\",\"cmd\":\"switch\",\"confirmed\":true}\n", "bad token"});
        cases.add(new String[] {"{\"cmd\":\"status\"}\n", "missing token"});
        cases.add(new String[] {"this is not json\n", "not JSON"});
        cases.add(new String[] {"[1,2,3]\n", "expected a JSON object"});
        cases.add(new String[] {"\n", "empty"});
        cases.add(new String[] {"{\"token\":\"" + t + "\"", "not JSON"});
        cases.add(new String[] {"{\"token\":\"" + t + "\",\"cmd\":\"reboot\"}\n", "unknown command 'reboot'"});
        cases.add(new String[] {"{\"token\":\"" + t + "\",\"cmd\":7}\n", "'cmd' must be a string"});
        cases.add(new String[] {"{\"token\":\"" + t + "\",\"cmd\":\"switch\"}\n", "confirmed"});
        cases.add(new String[] {"{\"token\":\"" + t + "\",\"cmd\":\"switch\",\"confirmed\":\"yes\"}\n",
            "'confirmed' must be true or false"});
        cases.add(new String[] {"{\"token\":\"" + t + "\",\"cmd\":\"switch\",\"confirmed\":true,\"immediate\":1}\n",
            "'immediate' must be true or false"});
        cases.add(new String[] {"x".repeat(70_000) + "\n", "longer than"});
        for (String[] c : cases) {
            JsonNode r = json(c[0]);
            assertFalse(r.get("ok").asBoolean(), c[0]);
            assertTrue(r.get("error").asText().contains(c[1]), c[1] + " not in " + r);
        }
        assertEquals(SwitchoverState.BACKUP, h.state());
        assertEquals(0, h.epoch());
        // and the endpoint still works
        assertTrue(json("{\"token\":\"" + t + "\",\"cmd\":\"status\"}\n").get("ok").asBoolean());
    }

    @Test
    void switchOverTheSocket() throws Exception {
        startBackupNode();
        JsonNode r = json("{\"token\":\"" + server.token() + "\",\"cmd\":\"switch\",\"confirmed\":true,"
                + "\"immediate\":true,\"requestedBy\":\"test\"}\n");
        assertTrue(r.get("ok").asBoolean(), r.toString());
        assertTrue(r.get("result").get("switched").asBoolean());
        assertEquals("UNCONTROLLED", r.get("result").get("mode").asText());
        assertEquals(SwitchoverState.PRIMARY, h.state());
    }

    // ---- bin/switchoverctl ----

    @TempDir
    Path classes;

    private static Run ctlFromSource(String... args) throws Exception {
        return CtlRunner.fromSource(args);
    }

    private Run ctl(String... args) throws Exception {
        return CtlRunner.compiled(classes, args);
    }

    @Test
    void switchoverctlStatusSwitchAndErrors() throws Exception {
        startBackupNode();
        Run status = ctlFromSource("--node", nodeDir.toString(), "status", "--json");
        assertEquals(0, status.exit(), status.err());
        String[] lines = status.out().strip().split("\n");
        assertEquals(1, lines.length, status.out());
        JsonNode s = ControlRequests.JSON.readTree(lines[0]);
        assertEquals("BACKUP", s.get("state").asText());
        assertEquals("B", s.get("node").asText());
        assertNotNull(s.get("connections").get("main"));
        assertNotNull(s.get("peer"));

        Run noConfirm = ctl("--node", nodeDir.toString(), "switch");
        assertEquals(1, noConfirm.exit());
        assertTrue(noConfirm.err().contains("--yes"), noConfirm.err());
        assertEquals(SwitchoverState.BACKUP, h.state());

        Run sw = ctl("--node", nodeDir.toString(), "switch", "--immediate"); // --immediate: no question asked
        assertEquals(0, sw.exit(), sw.err());
        assertTrue(sw.out().startsWith("Switched (UNCONTROLLED"), sw.out());
        assertEquals(SwitchoverState.PRIMARY, h.state());

        Files.writeString(nodeDir.resolve("data/control.token"), "not-the-token\n");
        Run bad = ctl("--node", nodeDir.toString(), "status");
        assertEquals(1, bad.exit());
        assertEquals("switchoverctl: refused: bad token", bad.err().strip());

        Files.delete(nodeDir.resolve("data/control.token"));
        Run noToken = ctl("--node", nodeDir.toString(), "status");
        assertEquals(4, noToken.exit(), noToken.err());

        int port = server.port();
        server.close();
        server = null;
        Files.writeString(nodeDir.resolve("data/control.port"), port + "\n");
        Files.writeString(nodeDir.resolve("data/control.token"), "x\n");
        Run down = ctl("--node", nodeDir.toString(), "status");
        assertEquals(3, down.exit(), down.err());
        assertTrue(down.err().contains("node not running"), down.err());
        assertEquals(1, down.err().strip().split("\n").length, "one-line reason");
    }
}
