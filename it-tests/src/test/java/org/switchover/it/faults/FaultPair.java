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
    private final Map<String, DegradedLog> degraded = new LinkedHashMap<>();
    /** Whether each node's data directory is its own small tmpfs (the disk-filling fault needs it). */
    private final boolean disks;

    /**
     * JVM options of every node start: the client compiler only and the serial collector. On two cores shared with
     * other builds a node's start (JVM, Felix, 70 bundles) took 22-30 s with the default tiered compilation and
     * 6-10 s with these (load average ~14); a run restarts one or two nodes, so this is most of a run's time.
     */
    static final String[] JAVA_OPTIONS = {"-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"};
    /**
     * Size of each node's data filesystem. A fresh node uses ~22 MB (framework cache, DS store, state files), but the
     * DS store's MVStore file grows by ~3 MB a run under the harness's writes (no compaction): 160 MiB filled up by
     * itself after ~50 runs. A tmpfs takes memory only for what is written.
     */
    static final String DISK_SIZE = "1500m";

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
        disks = mountDisks();
        // each node binds its own port and dials its peer through the peer's proxy
        a.configure("org.switchover.node", Map.of("switchover.port.b", Integer.toString(toB.port())));
        b.configure("org.switchover.node", Map.of("switchover.port.a", Integer.toString(toA.port())));
        stopped.put("A", false);
        stopped.put("B", false);
        degraded.put("A", new DegradedLog(a.home().resolve("log/node.log")));
        degraded.put("B", new DegradedLog(b.home().resolve("log/node.log")));
    }

    /** @return the node's degraded stretches, from its audit lines */
    DegradedLog degradedLog(String letter) {
        return degraded.get(letter);
    }

    private static Map<String, Map<String, String>> profile(String mode, long syncTimeoutMillis) {
        Map<String, Map<String, String>> p = Profiles.fast();
        Profiles.with(p, "org.switchover.dssync", "switchover.replication.mode", mode);
        Profiles.with(p, "org.switchover.dssync", "switchover.replication.sync.timeout.ms",
                Long.toString(syncTimeoutMillis));
        // the resume hold: three times the bound (the default 10 s would keep a 15 s run degraded after one slow ack)
        Profiles.with(p, "org.switchover.dssync", "switchover.replication.sync.resume.ms",
                Long.toString(3 * syncTimeoutMillis));
        if (FaultHarnessSystemIT.INTERACTIONS_SYNC) {
            // interaction recovery in the same mode, bound and hold as DS sync
            Profiles.with(p, "org.switchover.recovery", "switchover.replication.mode", mode);
            Profiles.with(p, "org.switchover.recovery", "switchover.replication.sync.timeout.ms",
                    Long.toString(syncTimeoutMillis));
            Profiles.with(p, "org.switchover.recovery", "switchover.replication.sync.resume.ms",
                    Long.toString(3 * syncTimeoutMillis));
        }
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
        a.start(JAVA_OPTIONS);
        a.awaitState("PRIMARY", timeout);
        b.start(JAVA_OPTIONS);
        b.awaitBackupLinked(timeout, "main");
    }

    /**
     * Mounts a {@value #DISK_SIZE} tmpfs on each node's {@code data} directory (unless {@code -Dfaults.disk=false});
     * the mount points are inside the pair's own directory, so no other test's can collide with them.
     *
     * @return whether both are mounted (not possible without root: then the disk fault is left out, with a line)
     */
    private boolean mountDisks() {
        if (!Boolean.parseBoolean(System.getProperty("faults.disk", "true"))) {
            return false;
        }
        for (SwitchoverNode n : List.of(a, b)) {
            Path data = n.home().resolve("data");
            try {
                Files.createDirectories(data);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            String out = run("mount", "-t", "tmpfs", "-o", "size=" + DISK_SIZE, "tmpfs", data.toString());
            if (out != null) {
                System.out.println("FAULTS no disk-filling fault: cannot mount a tmpfs on " + data + ": " + out);
                unmountDisks();
                return false;
            }
        }
        return true;
    }

    boolean hasDisks() {
        return disks;
    }

    private void unmountDisks() {
        for (SwitchoverNode n : List.of(a, b)) {
            Path data = n.home().resolve("data");
            if (isMountPoint(data)) {
                String out = run("umount", data.toString());
                if (out != null) {
                    run("umount", "-l", data.toString());
                }
            }
        }
    }

    private static boolean isMountPoint(Path p) {
        try {
            return Files.readAllLines(Path.of("/proc/self/mounts")).stream()
                    .anyMatch(l -> l.split(" ")[1].equals(p.toAbsolutePath().toString()));
        } catch (IOException e) {
            return false;
        }
    }

    /** Runs a command bounded to 20 s; @return null when it succeeded, else its output and exit code */
    private static String run(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return String.join(" ", cmd) + " did not finish within 20 s";
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.exitValue() == 0 ? null : out + " (exit " + p.exitValue() + ")";
        } catch (IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e.toString();
        }
    }

    /**
     * Fills the node's data filesystem with a ballast file until the kernel answers "no space left".
     *
     * @return the ballast's size in bytes
     */
    long fillDisk(String letter) {
        Path ballast = node(letter).home().resolve("data/ballast");
        long written = 0;
        byte[] chunk = new byte[1 << 20];
        long chunks;
        try {
            chunks = Files.getFileStore(ballast.getParent()).getUsableSpace() / chunk.length + 2;
        } catch (IOException e) {
            chunks = 1600;
        }
        try (var out = Files.newOutputStream(ballast)) {
            // bounded by the space left (+2: the last write fails once it is full)
            for (long i = 0; i < chunks; i++) {
                out.write(chunk);
                written += chunk.length;
            }
        } catch (IOException e) {
            // full: what is written stays
        }
        // the last partial chunk: fill the rest byte blocks of 4 KiB
        try (var out = Files.newOutputStream(ballast, java.nio.file.StandardOpenOption.APPEND)) {
            byte[] small = new byte[4096];
            for (int i = 0; i < 512; i++) {
                out.write(small);
                written += small.length;
            }
        } catch (IOException e) {
            // full
        }
        return written;
    }

    /** Deletes the ballast of {@link #fillDisk}. */
    void freeDisk(String letter) {
        try {
            Files.deleteIfExists(node(letter).home().resolve("data/ballast"));
        } catch (IOException e) {
            System.out.println("FAULTS cannot delete the ballast of " + letter + ": " + e);
        }
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
            node(letter).start(JAVA_OPTIONS);
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
        if (disks) {
            unmountDisks();
        }
    }
}
