package org.switchover.it.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.awaitility.Awaitility;
import org.switchover.it.support.JavaProcess;
import org.switchover.it.support.Programs;
import org.switchover.it.support.SwitchoverNode;

/**
 * The Redis Sentinel setup a user would compare a pair with: a primary, its replica and three sentinels
 * ({@code redis-server --sentinel}, quorum 2, the given {@code down-after-milliseconds}), each on its own loopback
 * port with its own directory, no persistence. Every process is killed on {@link #close()} (and by the test JVM's
 * shutdown hook through {@link JavaProcess}). A tiny RESP client over a plain socket asks the questions.
 */
final class SentinelSet implements AutoCloseable {

    private static final String NAME = "benchprimary";

    private final List<JavaProcess> processes = new ArrayList<>();
    private JavaProcess primary;
    private int primaryPort;
    private int replicaPort;
    private final List<Integer> sentinelPorts = new ArrayList<>();

    private SentinelSet() {
    }

    /** Starts all five processes under {@code dir}; returns once every sentinel knows the replica and the others. */
    static SentinelSet start(Path dir, int downAfterMillis) {
        Programs.require("redis-server", "redis-server");
        SentinelSet s = new SentinelSet();
        try {
            int[] p = SwitchoverNode.freePorts();
            int[] q = SwitchoverNode.freePorts();
            int[] r = SwitchoverNode.freePorts();
            s.primaryPort = p[0];
            s.replicaPort = p[1];
            s.sentinelPorts.addAll(List.of(q[0], q[1], r[0]));
            s.primary = s.server(dir, "primary", s.primaryPort, null);
            s.server(dir, "replica", s.replicaPort, s.primaryPort);
            for (int i = 0; i < 3; i++) {
                s.sentinel(dir, i, s.sentinelPorts.get(i), downAfterMillis);
            }
            Awaitility.await("redis replica linked, three sentinels that know it and each other")
                    .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .until(() -> {
                        if (!command(s.replicaPort, "INFO", "replication").contains("master_link_status:up")) {
                            return false;
                        }
                        for (int port : s.sentinelPorts) {
                            String m = command(port, "SENTINEL", "MASTER", NAME);
                            if (!m.contains("num-slaves\n1") || !m.contains("num-other-sentinels\n2")) {
                                return false;
                            }
                        }
                        return true;
                    });
            return s;
        } catch (RuntimeException | Error e) {
            s.close();
            throw e;
        }
    }

    /**
     * Kills the primary with SIGKILL and polls the replica's {@code ROLE} every 5 ms.
     *
     * @return ms from just before the kill to the replica answering as master
     */
    long killPrimaryAndTimePromotion(Duration bound) {
        long t0 = System.nanoTime();
        primary.kill();
        long deadline = t0 + bound.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (command(replicaPort, "ROLE").startsWith("master")) {
                    return (System.nanoTime() - t0) / 1_000_000;
                }
            } catch (UncheckedIOException e) {
                // the replica is busy with the promotion: ask again
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("the sentinels did not promote the replica within " + bound);
    }

    private JavaProcess server(Path dir, String name, int port, Integer primaryOf) {
        Path data = dir.resolve(name);
        mkdirs(data);
        List<String> cmd = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", data.toString(),
                "--daemonize", "no"));
        if (primaryOf != null) {
            cmd.addAll(List.of("--replicaof", "127.0.0.1", Integer.toString(primaryOf)));
        }
        JavaProcess p = JavaProcess.start(dir.resolve(name + ".log"), cmd);
        processes.add(p);
        return p;
    }

    private void sentinel(Path dir, int i, int port, int downAfterMillis) {
        Path data = dir.resolve("sentinel-" + i);
        mkdirs(data);
        Path conf = data.resolve("sentinel.conf");
        String text = String.join("\n",
                "port " + port,
                "bind 127.0.0.1",
                "daemonize no",
                "dir " + data,
                "sentinel monitor " + NAME + " 127.0.0.1 " + primaryPort + " 2",
                "sentinel down-after-milliseconds " + NAME + " " + downAfterMillis,
                "sentinel failover-timeout " + NAME + " 10000",
                "sentinel parallel-syncs " + NAME + " 1",
                "");
        try {
            Files.writeString(conf, text); // sentinel rewrites its configuration: a writable file of its own
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        processes.add(JavaProcess.start(dir.resolve("sentinel-" + i + ".log"),
                List.of("redis-server", conf.toString(), "--sentinel")));
    }

    private static void mkdirs(Path p) {
        try {
            Files.createDirectories(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        for (JavaProcess p : processes) {
            p.close();
        }
    }

    /** One command on a fresh connection; the reply flattened to text, array elements one a line. */
    static String command(int port, String... args) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2_000);
            s.setSoTimeout(5_000);
            OutputStream out = new BufferedOutputStream(s.getOutputStream());
            StringBuilder b = new StringBuilder("*").append(args.length).append("\r\n");
            for (String a : args) {
                byte[] bytes = a.getBytes(StandardCharsets.UTF_8);
                b.append('$').append(bytes.length).append("\r\n").append(a).append("\r\n");
            }
            out.write(b.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            StringBuilder reply = new StringBuilder();
            read(new BufferedInputStream(s.getInputStream()), reply, 0);
            return reply.toString().strip();
        } catch (IOException e) {
            throw new UncheckedIOException("redis on port " + port + ": " + String.join(" ", args), e);
        }
    }

    private static void read(InputStream in, StringBuilder to, int depth) throws IOException {
        if (depth > 8) {
            throw new IOException("reply nested too deeply");
        }
        String line = line(in);
        if (line.isEmpty()) {
            throw new IOException("empty reply line");
        }
        char kind = line.charAt(0);
        String rest = line.substring(1);
        switch (kind) {
            case '+', '-', ':' -> to.append(rest).append('\n');
            case '$' -> {
                int n = Integer.parseInt(rest);
                if (n >= 0) {
                    byte[] data = in.readNBytes(n + 2);
                    if (data.length != n + 2) {
                        throw new IOException("bulk string cut short");
                    }
                    to.append(new String(data, 0, n, StandardCharsets.UTF_8)).append('\n');
                }
            }
            case '*' -> {
                int n = Integer.parseInt(rest);
                for (int i = 0; i < n && i < 10_000; i++) {
                    read(in, to, depth + 1);
                }
            }
            default -> throw new IOException("unexpected reply " + line);
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 65_536; i++) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("connection closed mid-reply");
            }
            if (c == '\r') {
                in.read();
                return b.toString();
            }
            b.append((char) c);
        }
        throw new IOException("reply line too long");
    }
}
