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
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;

import org.awaitility.Awaitility;
import org.switchover.it.support.JavaProcess;
import org.switchover.it.support.SwitchoverNode;

/**
 * A Redis primary and its replica, two {@code redis-server} processes on loopback ports of this machine, without
 * persistence, and a small RESP client written over a plain socket (no client library: the comparison measures the
 * servers, and a pipelined writer is a few lines). Both processes are killed on {@link #close()} and, through
 * {@link JavaProcess}, by a shutdown hook of the test JVM when a run is cut short.
 */
final class RedisPair implements AutoCloseable {

    private final JavaProcess primary;
    private final JavaProcess replica;
    final int primaryPort;
    final int replicaPort;

    private RedisPair(JavaProcess primary, JavaProcess replica, int primaryPort, int replicaPort) {
        this.primary = primary;
        this.replica = replica;
        this.primaryPort = primaryPort;
        this.replicaPort = replicaPort;
    }

    /** Starts both servers under {@code dir} and waits (bounded) until the replica's link to the primary is up. */
    static RedisPair start(Path dir) {
        org.switchover.it.support.Programs.require("redis-server", "redis-server");
        int[] ports = SwitchoverNode.freePorts();
        JavaProcess p = null;
        JavaProcess r = null;
        try {
            p = JavaProcess.start(dir.resolve("primary.log"), server(dir, "primary", ports[0], null));
            r = JavaProcess.start(dir.resolve("replica.log"), server(dir, "replica", ports[1], ports[0]));
            RedisPair pair = new RedisPair(p, r, ports[0], ports[1]);
            Awaitility.await("redis replica link up").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                    .until(() -> pair.command(pair.replicaPort, "INFO", "replication")
                            .contains("master_link_status:up"));
            return pair;
        } catch (RuntimeException | Error e) {
            if (p != null) {
                p.close();
            }
            if (r != null) {
                r.close();
            }
            throw e;
        }
    }

    private static List<String> server(Path dir, String name, int port, Integer primaryPort) {
        Path data = dir.resolve(name);
        try {
            java.nio.file.Files.createDirectories(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> cmd = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", data.toString(),
                "--protected-mode", "yes", "--daemonize", "no"));
        if (primaryPort != null) {
            cmd.addAll(List.of("--replicaof", "127.0.0.1", Integer.toString(primaryPort)));
        }
        return cmd;
    }

    /** One command on a fresh connection; returns the reply as text (bulk strings unwrapped). */
    String command(int port, String... args) {
        try (Socket s = connect(port)) {
            OutputStream out = new BufferedOutputStream(s.getOutputStream());
            writeCommand(out, args);
            out.flush();
            return readReply(new BufferedInputStream(s.getInputStream()));
        } catch (IOException e) {
            throw new UncheckedIOException("redis on port " + port + ": " + String.join(" ", args), e);
        }
    }

    /** @return the process ids of the primary and the replica */
    long[] pids() {
        return new long[] {primary.pid(), replica.pid()};
    }

    long replicaDbSize() {
        return Long.parseLong(command(replicaPort, "DBSIZE"));
    }

    /**
     * Pipelines {@code count} SETs into the primary as fast as it takes them: one thread writes, another reads the
     * replies, so the socket is never idle. Returns when every reply is read.
     *
     * @param pacePerSecond 0 for no pacing, else the steady rate the writer keeps
     * @return replies that were not {@code +OK}
     */
    long pipelineSets(int count, IntFunction<String> key, IntFunction<String> value, int pacePerSecond,
            AtomicLong acked) {
        try (Socket s = connect(primaryPort)) {
            s.setSoTimeout(60_000);
            AtomicLong bad = new AtomicLong();
            Thread reader = new Thread(() -> {
                try {
                    InputStream in = new BufferedInputStream(s.getInputStream(), 1 << 16);
                    for (int i = 0; i < count; i++) {
                        if (!"OK".equals(readReply(in))) {
                            bad.incrementAndGet();
                        }
                        acked.incrementAndGet();
                    }
                } catch (IOException e) {
                    bad.addAndGet(count);
                }
            }, "redis-reply-reader");
            reader.start();
            OutputStream out = new BufferedOutputStream(s.getOutputStream(), 1 << 16);
            long t0 = System.nanoTime();
            for (int i = 0; i < count; i++) {
                writeCommand(out, "SET", key.apply(i), value.apply(i));
                if (pacePerSecond > 0 && i % 100 == 99) {
                    // Steady pace: flush every 100 writes and wait until the schedule allows the next ones.
                    out.flush();
                    long due = t0 + (long) ((i + 1) * 1e9 / pacePerSecond);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                }
            }
            out.flush();
            reader.join(120_000);
            if (reader.isAlive()) {
                throw new IllegalStateException("redis replies not all read within 120 s");
            }
            return bad.get();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Measures replication lag while {@code running} holds: every {@code everyMillis} one probe key is SET on the
     * primary (over its own connection) and the replica is asked for it until it has it; the lag of a probe is the
     * time from just before its SET to the replica's first positive answer (each replica round trip on loopback is
     * far below a millisecond). Bounded: at most {@code maxProbes} probes, each given up after 30 s.
     *
     * @return the lags in microseconds, in probe order
     */
    long[] probeLag(int everyMillis, int maxProbes, BooleanSupplier running) {
        List<Long> lags = new ArrayList<>();
        try (Socket p = connect(primaryPort); Socket r = connect(replicaPort)) {
            OutputStream po = new BufferedOutputStream(p.getOutputStream());
            InputStream pi = new BufferedInputStream(p.getInputStream());
            OutputStream ro = new BufferedOutputStream(r.getOutputStream());
            InputStream ri = new BufferedInputStream(r.getInputStream());
            for (int k = 0; k < maxProbes && running.getAsBoolean(); k++) {
                String key = "lagprobe:" + k;
                long t0 = System.nanoTime();
                writeCommand(po, "SET", key, "1");
                po.flush();
                readReply(pi);
                long giveUp = t0 + 30_000_000_000L;
                while (true) {
                    writeCommand(ro, "EXISTS", key);
                    ro.flush();
                    if ("1".equals(readReply(ri))) {
                        lags.add((System.nanoTime() - t0) / 1000);
                        break;
                    }
                    if (System.nanoTime() > giveUp) {
                        throw new IllegalStateException("probe " + key + " not on the replica within 30 s");
                    }
                }
                Thread.sleep(everyMillis);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return lags.stream().mapToLong(Long::longValue).toArray();
    }

    private static Socket connect(int port) throws IOException {
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 3000);
        s.setSoTimeout(10_000);
        return s;
    }

    /** RESP: an array of bulk strings. */
    private static void writeCommand(OutputStream out, String... args) throws IOException {
        out.write(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (String a : args) {
            byte[] b = a.getBytes(StandardCharsets.UTF_8);
            out.write(("$" + b.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(b);
            out.write('\r');
            out.write('\n');
        }
    }

    /** Reads one reply: simple string, error (returned as "ERR ..."), integer, bulk string or array (joined). */
    private static String readReply(InputStream in) throws IOException {
        int type = in.read();
        if (type < 0) {
            throw new IOException("redis closed the connection");
        }
        String line = readLine(in);
        switch (type) {
            case '+':
            case ':':
                return line;
            case '-':
                return "ERR " + line;
            case '$': {
                int n = Integer.parseInt(line);
                if (n < 0) {
                    return "";
                }
                byte[] b = in.readNBytes(n + 2);
                return new String(b, 0, n, StandardCharsets.UTF_8);
            }
            case '*': {
                int n = Integer.parseInt(line);
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < n; i++) {
                    sb.append(readReply(in)).append('\n');
                }
                return sb.toString();
            }
            default:
                throw new IOException("unexpected RESP type '" + (char) type + "'");
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\r') {
                in.read();
                break;
            }
            sb.append((char) c);
        }
        return sb.toString();
    }

    @Override
    public void close() {
        replica.close();
        primary.close();
    }
}
