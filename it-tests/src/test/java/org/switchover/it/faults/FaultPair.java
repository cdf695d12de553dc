package org.switchover.it.faults;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.switchover.it.support.ChaosProxy;
import org.switchover.it.support.Profiles;
import org.switchover.it.support.SwitchoverNode;

/**
 * A pair of real nodes for the fault harness: each node listens on its own port and reaches its peer through a
 * {@link ChaosProxy} (A → proxy → B and B → proxy → A), so the test can cut the link (connections in flight reset, new
 * ones refused) and heal it. Nodes are killed with -9, stopped with SIGSTOP and continued, restarted, and driven over
 * their control endpoint (one loopback socket per request, bounded by a timeout: no JVM per call).
 */
final class FaultPair implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern BUNDLE_ID = Pattern.compile("(?m)^\\s*(\\d+)\\|[^|]*\\|[^|]*\\|\\s*(\\S+)");

    final SwitchoverNode a;
    final SwitchoverNode b;
    private final ChaosProxy toA;
    private final ChaosProxy toB;
    private volatile boolean cut;
    private final Map<String, Boolean> stopped = new LinkedHashMap<>();

    /**
     * @param dir the pair's directory
     * @param mode {@code switchover.replication.mode} of both nodes
     * @param syncTimeoutMillis {@code switchover.replication.sync.timeout.ms}
     */
    FaultPair(Path dir, String mode, long syncTimeoutMillis) throws IOException {
        int[] ports = SwitchoverNode.freePorts();
        toA = new ChaosProxy(ports[0]);
        toB = new ChaosProxy(ports[1]);
        a = SwitchoverNode.create(dir, "A", ports, profile(mode, syncTimeoutMillis));
        b = SwitchoverNode.create(dir, "B", ports, profile(mode, syncTimeoutMillis));
        // each node binds its own port and dials its peer through the peer's proxy
        a.configure("org.switchover.node", Map.of("switchover.port.b", Integer.toString(toB.port())));
        b.configure("org.switchover.node", Map.of("switchover.port.a", Integer.toString(toA.port())));
        stopped.put("A", false);
        stopped.put("B", false);
    }

    private static Map<String, Map<String, String>> profile(String mode, long syncTimeoutMillis) {
        Map<String, Map<String, String>> p = Profiles.fast();
        Profiles.with(p, "org.switchover.dssync", "switchover.replication.mode", mode);
        Profiles.with(p, "org.switchover.dssync", "switchover.replication.sync.timeout.ms",
                Long.toString(syncTimeoutMillis));
        // the resume hold: three times the bound (the default 10 s would keep a 15 s run degraded after one slow ack)
        Profiles.with(p, "org.switchover.dssync", "switchover.replication.sync.resume.ms",
                Long.toString(3 * syncTimeoutMillis));
        // interaction traffic (InteractionTraffic) on the chat channel
        Profiles.with(p, "org.switchover.recovery.chat", "chat.interaction.recovery.enabled", "1");
        return p;
    }

    SwitchoverNode node(String letter) {
        return letter.equals("A") ? a : b;
    }

    static String other(String letter) {
        return letter.equals("A") ? "B" : "A";
    }

    List<SwitchoverNode> nodes() {
        return List.of(a, b);
    }

    /** Starts A, waits for PRIMARY, then B, and waits for a linked BACKUP. */
    void start(Duration timeout) {
        a.start();
        a.awaitState("PRIMARY", timeout);
        b.start();
        b.awaitBackupLinked(timeout, "main");
    }

    boolean alive(String letter) {
        SwitchoverNode n = node(letter);
        return n.process() != null && n.process().isAlive();
    }

    /** kill -9 (continues a stopped node first is not needed: SIGKILL ends a stopped process too). */
    void kill(String letter) {
        SwitchoverNode n = node(letter);
        if (alive(letter)) {
            n.kill();
        }
        synchronized (stopped) {
            stopped.put(letter, false);
        }
    }

    void restart(String letter) {
        if (!alive(letter)) {
            node(letter).start();
        }
    }

    void sigstop(String letter) {
        if (alive(letter)) {
            node(letter).process().signal("STOP");
            synchronized (stopped) {
                stopped.put(letter, true);
            }
        }
    }

    void sigcont(String letter) {
        synchronized (stopped) {
            if (Boolean.TRUE.equals(stopped.get(letter)) && alive(letter)) {
                node(letter).process().signal("CONT");
            }
            stopped.put(letter, false);
        }
    }

    boolean isStopped(String letter) {
        synchronized (stopped) {
            return Boolean.TRUE.equals(stopped.get(letter));
        }
    }

    /** Cuts the link: connections in flight reset, new ones refused, both directions. */
    void cutLink() {
        cut = true;
        toA.refuse(true);
        toB.refuse(true);
        toA.cut();
        toB.cut();
    }

    void healLink() {
        toA.refuse(false);
        toB.refuse(false);
        cut = false;
    }

    boolean isCut() {
        return cut;
    }

    /** One control request; null when the node does not answer within {@code timeoutMillis} or is down. */
    JsonNode control(String letter, ObjectNode request, int timeoutMillis) {
        SwitchoverNode n = node(letter);
        if (!alive(letter)) {
            return null;
        }
        try {
            Path data = n.home().resolve("data");
            int port = Integer.parseInt(Files.readString(data.resolve("control.port")).trim());
            String token = Files.readString(data.resolve("control.token")).trim();
            request.put("token", token);
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), timeoutMillis);
                s.setSoTimeout(timeoutMillis);
                s.getOutputStream().write((JSON.writeValueAsString(request) + "\n").getBytes(StandardCharsets.UTF_8));
                s.getOutputStream().flush();
                String line = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))
                        .readLine();
                return line == null ? null : JSON.readTree(line);
            }
        } catch (IOException | UncheckedIOException | NumberFormatException e) {
            return null;
        }
    }

    /** @return the node's status object, or null */
    JsonNode status(String letter, int timeoutMillis) {
        JsonNode r = control(letter, JSON.createObjectNode().put("cmd", "status"), timeoutMillis);
        return r != null && r.path("ok").asBoolean() ? r.path("status") : null;
    }

    /** @return the shell line's output, or null when the node did not answer or refused */
    String shell(String letter, String line, int timeoutMillis) {
        JsonNode r = control(letter, JSON.createObjectNode().put("cmd", "shell").put("line", line), timeoutMillis);
        return r != null && r.path("ok").asBoolean() ? r.path("output").asText() : null;
    }

    /**
     * {@link #shell} for the harness's own fault actions: a "busy" refusal (the endpoint runs few shell lines at a
     * time and the writers keep it busy) is asked again, at most 50 times 100 ms apart.
     */
    String shellInsisting(String letter, String line, int timeoutMillis) throws InterruptedException {
        for (int attempt = 0; attempt < 50; attempt++) {
            JsonNode r = control(letter, JSON.createObjectNode().put("cmd", "shell").put("line", line),
                    timeoutMillis);
            if (r != null && r.path("ok").asBoolean()) {
                return r.path("output").asText();
            }
            if (r == null || !r.path("error").asText("").startsWith("busy")) {
                return null;
            }
            Thread.sleep(100);
        }
        return null;
    }

    /** A manual switch requested on {@code letter} (warnings accepted); @return the reply, or null */
    JsonNode manualSwitch(String letter) {
        ObjectNode req = JSON.createObjectNode().put("cmd", "switch").put("confirmed", true).put("immediate", false)
                .put("requestedBy", "fault-harness").put("acceptWarnings", true);
        return control(letter, req, 20_000);
    }

    /**
     * Stops a bundle of a running node through the shell ({@code felix:stop}) and starts it again after
     * {@code pauseMillis}: the reference's "restart a subsystem without restarting the pair".
     *
     * @return what happened, for the run's report
     */
    String restartBundle(String letter, String symbolicName, long pauseMillis) throws InterruptedException {
        String lb = shellInsisting(letter, "felix:lb -s", 5_000);
        if (lb == null) {
            return "no answer to lb";
        }
        Matcher m = BUNDLE_ID.matcher(lb);
        String id = null;
        while (m.find()) {
            if (m.group(2).equals(symbolicName)) {
                id = m.group(1);
            }
        }
        if (id == null) {
            return "bundle " + symbolicName + " not found";
        }
        String stop = shellInsisting(letter, "felix:stop " + id, 20_000);
        Thread.sleep(pauseMillis);
        String start = shellInsisting(letter, "felix:start " + id, 20_000);
        return "stop " + (stop == null ? "no answer" : "ok") + ", start " + (start == null ? "no answer" : "ok");
    }

    @Override
    public void close() {
        for (String l : List.of("A", "B")) {
            sigcont(l);
        }
        a.close();
        b.close();
        toA.close();
        toB.close();
    }
}
