package org.switchover.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One node of a pair run from the real runtime jar ({@code features/target/switchover.jar}) through
 * {@code bin/switchover-node}, in its own OS process, with a node directory made from {@code config-admin/} plus
 * per-test overrides. Status and control go through {@code bin/switchoverctl}, as an operator's scripts would.
 */
public final class SwitchoverNode implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String letter;
    private final Path home;
    private JavaProcess process;

    private SwitchoverNode(String letter, Path home) {
        this.letter = letter;
        this.home = home;
    }

    /**
     * Two free ports for A and B (TCP and UDP: the heartbeats use the links' port number), from
     * {@link ListenPorts}: below the kernel's ephemeral range, so no outgoing connection of another process can take
     * one between this choice and the node's bind.
     */
    public static int[] freePorts() {
        return ListenPorts.free(2);
    }

    /**
     * Prepares a node directory under {@code pairDir/<letter>}: every {@code config-admin/*.cfg}, the pair's
     * loopback addresses and ports, then {@code overrides} (PID → key → value; a null value removes the key).
     */
    public static SwitchoverNode create(Path pairDir, String letter, int[] ports,
                                        Map<String, Map<String, String>> overrides) {
        Path home = pairDir.resolve(letter);
        try {
            Files.createDirectories(home.resolve("etc/tls"));
            try (var files = Files.list(Repo.root().resolve("config-admin"))) {
                for (Path cfg : files.filter(p -> p.toString().endsWith(".cfg")).toList()) {
                    Files.copy(cfg, home.resolve("etc").resolve(cfg.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Files.copy(Certs.node(letter), home.resolve("etc/tls/node.p12"), StandardCopyOption.REPLACE_EXISTING);
            Files.copy(Certs.groupTrust(), home.resolve("etc/tls/group-trust.p12"),
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        SwitchoverNode node = new SwitchoverNode(letter, home);
        Map<String, String> identity = new LinkedHashMap<>();
        identity.put("node", letter);
        identity.put("server.a.address", "127.0.0.1");
        identity.put("server.b.address", "127.0.0.1");
        identity.put("switchover.port.a", Integer.toString(ports[0]));
        identity.put("switchover.port.b", Integer.toString(ports[1]));
        node.configure("org.switchover.node", identity);
        // the console's HTTPS port: a free one per node, so that pairs and parallel tests never collide
        node.configure("org.apache.felix.http", Map.of("org.osgi.service.http.port.secure",
                Integer.toString(freePorts()[0]), "org.apache.felix.http.host", "127.0.0.1"));
        overrides.forEach(node::configure);
        return node;
    }

    public String letter() {
        return letter;
    }

    public Path home() {
        return home;
    }

    public JavaProcess process() {
        return process;
    }

    /**
     * Sets keys of one PID's {@code .cfg} in place (a running node picks the change up through FileInstall). Values
     * null remove the key. The file is rewritten atomically.
     */
    public void configure(String pid, Map<String, String> values) {
        Path cfg = home.resolve("etc").resolve(pid + ".cfg");
        try {
            List<String> lines = Files.exists(cfg) ? new ArrayList<>(Files.readAllLines(cfg)) : new ArrayList<>();
            Map<String, String> pending = new LinkedHashMap<>(values);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                int eq = line.indexOf('=');
                if (line.startsWith("#") || eq < 0) {
                    continue;
                }
                String key = line.substring(0, eq).trim();
                if (pending.containsKey(key)) {
                    String v = pending.remove(key);
                    lines.set(i, v == null ? "# removed by test: " + key : key + "=" + v);
                }
            }
            pending.forEach((k, v) -> {
                if (v != null) {
                    lines.add(k + "=" + v);
                }
            });
            Path tmp = cfg.resolveSibling(cfg.getFileName() + ".tmp");
            Files.write(tmp, lines, StandardCharsets.UTF_8);
            Files.move(tmp, cfg, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + cfg, e);
        }
    }

    /** @return the console's HTTPS port (from etc/org.apache.felix.http.cfg) */
    public int consolePort() {
        Path cfg = home.resolve("etc/org.apache.felix.http.cfg");
        try (var r = Files.newBufferedReader(cfg, StandardCharsets.ISO_8859_1)) {
            java.util.Properties p = new java.util.Properties();
            p.load(r);
            return Integer.parseInt(p.getProperty("org.osgi.service.http.port.secure").trim());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + cfg, e);
        }
    }

    /** @return the console's base URL, {@code https://127.0.0.1:<port>/switchover/} */
    public String consoleUrl() {
        return "https://127.0.0.1:" + consolePort() + "/switchover/";
    }

    /** Starts the node process (bin/switchover-node, which execs the JVM: a kill is a kill of the JVM). */
    public SwitchoverNode start(String... javaOptions) {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("node " + letter + " is already running");
        }
        List<String> cmd = new ArrayList<>(List.of("bash", Repo.root().resolve("bin/switchover-node").toString(),
                home.toString()));
        cmd.addAll(List.of(javaOptions));
        process = JavaProcess.start(home.resolve("log/node.log"), cmd);
        return this;
    }

    /** Runs {@code bin/switchoverctl --node <home> args...}; bounded to 60 s. */
    public CtlResult ctl(String... args) {
        List<String> cmd = new ArrayList<>(List.of("bash", Repo.root().resolve("bin/switchoverctl").toString(),
                "--node", home.toString()));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
            p.getOutputStream().close();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("switchoverctl did not finish within 60 s: " + cmd);
            }
            return new CtlResult(p.exitValue(),
                    new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim(),
                    new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).trim());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** @return {@code switchoverctl status --json} parsed, or null when the node does not answer. */
    public JsonNode status() {
        CtlResult r = ctl("status", "--json");
        if (r.exit() != 0) {
            return null;
        }
        try {
            return JSON.readTree(r.out());
        } catch (IOException e) {
            throw new AssertionError("status --json is not one JSON object: " + r.out(), e);
        }
    }

    /** @return the state field of the status, or "DOWN" when the node does not answer. */
    public String state() {
        JsonNode s = quickStatus();
        return s == null ? "DOWN" : s.path("state").asText();
    }

    /**
     * The status straight from the node's control endpoint over one loopback socket (what switchoverctl does,
     * without starting a JVM): fast enough to sample every 50 ms. Null when the node does not answer within 2 s.
     */
    public JsonNode quickStatus() {
        JsonNode reply = statusReply();
        return reply == null ? null : reply.path("status");
    }

    /**
     * The whole reply of an authenticated status request: {@code status} plus the process's {@code memory} (heap
     * and direct bytes). Null when the node does not answer within 2 s or refuses. A "busy" refusal, or a connection
     * pushed out before its answer, is asked again (at most three attempts, as {@code switchoverctl} does): the
     * endpoint never acted on such a request.
     */
    public JsonNode statusReply() {
        for (int attempt = 1; attempt <= 3; attempt++) {
            try {
                int port = controlPort();
                String token = Files.readString(home.resolve("data/control.token")).trim();
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
                    s.setSoTimeout(2000);
                    s.getOutputStream().write(("{\"token\":\"" + token + "\",\"cmd\":\"status\"}\n")
                            .getBytes(StandardCharsets.UTF_8));
                    s.getOutputStream().flush();
                    String line = new BufferedReader(new InputStreamReader(s.getInputStream(),
                            StandardCharsets.UTF_8)).readLine();
                    JsonNode reply = line == null ? null : JSON.readTree(line);
                    if (reply != null && reply.path("ok").asBoolean()) {
                        return reply;
                    }
                    if (reply != null && !reply.path("error").asText("").startsWith("busy")) {
                        return null;
                    }
                }
            } catch (java.net.SocketTimeoutException e) {
                return null;
            } catch (IOException | UncheckedIOException | NumberFormatException e) {
                if (attempt == 3) {
                    return null;
                }
            }
        }
        return null;
    }

    /** @return the node's switch warnings (the status JSON's {@code warnings} array); null when it does not answer */
    public List<String> warnings() {
        JsonNode s = quickStatus();
        if (s == null || !s.has("warnings")) {
            return null;
        }
        List<String> out = new ArrayList<>();
        s.get("warnings").forEach(w -> out.add(w.asText()));
        return out;
    }

    /** @return the port of the node's control endpoint (from {@code data/control.port}) */
    public int controlPort() {
        try {
            return Integer.parseInt(Files.readString(home.resolve("data/control.port")).trim());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts {@code primary} and waits for it to be PRIMARY, then {@code backup} and waits for BACKUP (90 s each):
     * the order that gives a pair its roles without relying on the negotiation's tie-break.
     */
    public static void startPair(SwitchoverNode primary, SwitchoverNode backup) {
        primary.start();
        primary.awaitState("PRIMARY", Duration.ofSeconds(90));
        backup.start();
        backup.awaitState("BACKUP", Duration.ofSeconds(90));
    }

    /**
     * Runs a shell command that must succeed.
     *
     * @return its output
     * @throws AssertionError when the command failed or printed an error
     */
    public String shellOk(String line) {
        CtlResult r = shell(line);
        if (r.exit() != 0 || r.out().startsWith("error:")) {
            throw new AssertionError(line + " on node " + letter + ": exit " + r.exit() + ", " + r.out() + r.err());
        }
        return r.out();
    }

    /** Runs one Gogo command line in the node: {@code switchoverctl --node <home> shell <line>}. */
    public CtlResult shell(String line) {
        return ctl("shell", line);
    }

    /** @return a mark for {@link #logSince(int)}: the length of the node's log so far (all its runs). */
    public int logMark() {
        return process == null ? 0 : process.output().length();
    }

    /** @return the node's log from {@code mark} on */
    public String logSince(int mark) {
        String out = process == null ? "" : process.output();
        return out.substring(Math.min(mark, out.length()));
    }

    /**
     * Waits until the node reports {@code state} through {@link #quickStatus()}.
     *
     * @throws org.awaitility.core.ConditionTimeoutException naming the node, the state and the last answer
     */
    public void awaitState(String state, Duration timeout) {
        org.awaitility.Awaitility.await("node " + letter + " " + state).atMost(timeout)
                .pollInterval(Duration.ofMillis(100)).until(this::state, state::equals);
    }

    /** @return whether {@code status} shows a BACKUP whose named links ({@code main}, {@code aux}) are all ACTIVE */
    public static boolean backupLinked(JsonNode status, String... links) {
        if (status == null || !"BACKUP".equals(status.path("state").asText())) {
            return false;
        }
        for (String link : links) {
            if (!"ACTIVE".equals(status.path("connections").path(link).asText())) {
                return false;
            }
        }
        return true;
    }

    /** Waits (polling {@link #quickStatus()}) until the node is BACKUP with the named links ACTIVE. */
    public void awaitBackupLinked(Duration timeout, String... links) {
        org.awaitility.Awaitility.await("node " + letter + " backup with " + String.join(" and ", links) + " active")
                .atMost(timeout).pollInterval(Duration.ofMillis(200)).until(() -> backupLinked(quickStatus(), links));
    }

    /** Waits for the log line matching {@code regex}. */
    public String awaitLog(String regex, Duration timeout) {
        return process.awaitLog(regex, timeout);
    }

    public void kill() {
        process.kill();
    }

    public void stop() {
        process.stop();
    }

    @Override
    public void close() {
        if (process != null) {
            process.close();
        }
    }

    /** What switchoverctl printed and returned. */
    public record CtlResult(int exit, String out, String err) {
    }
}
