package org.switchover.it.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A lossy, jittery link between two nodes of a test, at the TCP level: a loopback forwarder (like
 * {@link ChaosProxy}) that delivers each direction's bytes the way a TCP connection over a path with the given
 * packet loss and one-way delay would deliver them. This kernel has no {@code netem}, so what loss and jitter do to
 * the notifier's links is what they do to a TCP byte stream; the forwarder reproduces exactly that (and its
 * {@link LossyLinkUdp} on the same port number does the same for the notifier's UDP heartbeats, datagram by
 * datagram):
 * <ul>
 * <li>every segment (up to {@value #SEGMENT} bytes, one read) arrives one one-way delay later, drawn uniformly from
 *     {@code delay ± jitter} ms;</li>
 * <li>each transmission of a segment is lost with probability {@code loss}; a lost one is sent again after the
 *     retransmission timeout, which doubles with every further loss of the same segment (Linux: RTO = srtt + 4
 *     rttvar, at least 200 ms; here {@code max(200, 2 delay + 2 jitter)} ms), so it arrives later by the sum of those
 *     timeouts;</li>
 * <li>bytes are delivered in order: a segment never overtakes the one before it (head-of-line blocking, the main
 *     cost of loss to a request/response protocol over TCP);</li>
 * <li>connection set-up pays for lost SYN / SYN-ACK packets (initial SYN timeout 1 s, doubling): no byte passes
 *     before the simulated handshake completes.</li>
 * </ul>
 * Not modelled, each of which makes real TCP fare <em>better</em> than this model on a busy connection: fast
 * retransmit after duplicate ACKs, tail-loss probes, SACK. Lost ACKs are not modelled either (ACKs are cumulative:
 * a later one covers a lost one). TLS runs end to end through it, as through the real network.
 *
 * <p>Usage: {@code new LossyLink(targetPort, 0.30, 100, 50, seed)}; give the peer {@link #port()} instead of the
 * target's port. Threads are daemons named {@code lossy-link-*}; {@link #close()} resets every connection. Reusable
 * by other fault tests (the randomized fault harness): {@link #setLoss} changes the loss live.
 */
public final class LossyLink implements AutoCloseable {

    /** Bytes forwarded as one segment (a typical MSS). */
    public static final int SEGMENT = 1448;
    /** Retransmissions of one segment after which a connection is reset (Linux tcp_retries2). */
    private static final int MAX_RETRANSMISSIONS = 15;

    private final ServerSocket server;
    private final int targetPort;
    private final int delayMillis;
    private final int jitterMillis;
    private final SplittableRandom seedSource;
    private volatile double loss;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicLong segments = new AtomicLong();
    private final AtomicLong lostTransmissions = new AtomicLong();
    private final AtomicLong maxExtraMillis = new AtomicLong();
    private final AtomicLong connections = new AtomicLong();
    private volatile boolean closed;
    private final LossyLinkUdp udp;

    /**
     * @param targetPort the loopback port bytes are forwarded to
     * @param loss probability (0..1) that one transmission of a segment is lost
     * @param delayMillis mean one-way delay
     * @param jitterMillis the one-way delay is uniform in {@code delay ± jitter}
     * @param seed seed of the random draws (a failing run can be repeated)
     */
    public LossyLink(int targetPort, double loss, int delayMillis, int jitterMillis, long seed) throws IOException {
        this(targetPort, loss, loss, delayMillis, jitterMillis, seed);
    }

    /**
     * A link whose datagrams (the notifier's UDP heartbeats, sent to the same port number) pass through a
     * {@link LossyLinkUdp} on {@link #port()} with their own loss and the same delay and jitter.
     *
     * @param udpLoss probability (0..1) that one datagram is lost
     */
    public LossyLink(int targetPort, double loss, double udpLoss, int delayMillis, int jitterMillis, long seed)
            throws IOException {
        if (loss < 0 || loss >= 1 || delayMillis < 0 || jitterMillis < 0 || jitterMillis > delayMillis) {
            throw new IllegalArgumentException("loss must be in [0, 1), 0 <= jitter <= delay: " + loss + ", "
                    + delayMillis + " +- " + jitterMillis);
        }
        this.targetPort = targetPort;
        this.loss = loss;
        this.delayMillis = delayMillis;
        this.jitterMillis = jitterMillis;
        this.seedSource = new SplittableRandom(seed);
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        try {
            udp = new LossyLinkUdp(server.getLocalPort(), targetPort, udpLoss, delayMillis, jitterMillis, ~seed);
        } catch (IOException e) {
            server.close();
            throw e;
        }
        Thread t = new Thread(this::acceptLoop, "lossy-link-accept-" + server.getLocalPort());
        t.setDaemon(true);
        t.start();
    }

    /** @return the datagram half (UDP on {@link #port()}) */
    public LossyLinkUdp udp() {
        return udp;
    }

    /** @return the port the peer connects to */
    public int port() {
        return server.getLocalPort();
    }

    /** Changes the loss probability for segments sent from now on. */
    public void setLoss(double loss) {
        if (loss < 0 || loss >= 1) {
            throw new IllegalArgumentException("loss must be in [0, 1): " + loss);
        }
        this.loss = loss;
    }

    /** @return retransmission timeout used by the model, ms */
    public long rtoMillis() {
        return Math.max(200, 2L * delayMillis + 2L * jitterMillis);
    }

    /** @return a one-line summary of what passed: connections, segments, lost transmissions, worst extra delay */
    public String stats() {
        long s = segments.get();
        long l = lostTransmissions.get();
        return String.format("%d connections, %d segments, %d transmissions lost (%.1f %% of %d), worst"
                + " retransmission delay %d ms", connections.get(), s, l, s + l == 0 ? 0.0 : 100.0 * l / (s + l),
                s + l, maxExtraMillis.get());
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("lossy link on " + port() + ": accept failed: " + e);
                }
                return;
            }
            connections.incrementAndGet();
            SplittableRandom random;
            synchronized (seedSource) {
                random = seedSource.split();
            }
            // the handshake: SYN and SYN-ACK must both get through; each failed try costs the SYN timeout
            long handshake = 0;
            long synTimeout = 1_000;
            for (int i = 0; i < 6 && (random.nextDouble() < loss || random.nextDouble() < loss); i++) {
                handshake += synTimeout;
                synTimeout *= 2;
            }
            long openAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(handshake + oneWay(random) * 2L);
            Socket upstream = new Socket();
            try {
                upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 2_000);
                upstream.setTcpNoDelay(true);
                client.setTcpNoDelay(true);
            } catch (IOException e) {
                reset(client);
                reset(upstream);
                continue;
            }
            sockets.add(client);
            sockets.add(upstream);
            new Direction(client, upstream, random.split(), openAt).start();
            new Direction(upstream, client, random.split(), openAt).start();
        }
    }

    private long oneWay(SplittableRandom random) {
        return jitterMillis == 0 ? delayMillis : delayMillis - jitterMillis + random.nextInt(2 * jitterMillis + 1);
    }

    /** One direction of one connection: a reader that stamps segments, a writer that delivers them when due. */
    private final class Direction {
        private final Socket from;
        private final Socket to;
        private final SplittableRandom random;
        private final DelayQueue<Segment> queue = new DelayQueue<>();
        private long lastDue;
        private long order;

        Direction(Socket from, Socket to, SplittableRandom random, long openAt) {
            this.from = from;
            this.to = to;
            this.random = random;
            this.lastDue = openAt;
        }

        void start() {
            String name = "lossy-link-" + from.getPort() + "-" + to.getPort();
            Thread r = new Thread(this::read, name + "-read");
            Thread w = new Thread(this::write, name + "-write");
            r.setDaemon(true);
            w.setDaemon(true);
            r.start();
            w.start();
        }

        private void read() {
            byte[] buf = new byte[SEGMENT];
            try (InputStream in = from.getInputStream()) {
                while (!closed) {
                    int n = in.read(buf);
                    if (n < 0) {
                        queue.put(new Segment(null, due(0), order++)); // FIN, in order after the data
                        return;
                    }
                    int lost = 0;
                    long extra = 0;
                    long rto = rtoMillis();
                    while (random.nextDouble() < loss) {
                        lost++;
                        extra += rto;
                        rto *= 2;
                        if (lost > MAX_RETRANSMISSIONS) {
                            queue.put(new Segment(new byte[0], due(extra), order++)); // reset
                            return;
                        }
                    }
                    segments.incrementAndGet();
                    lostTransmissions.addAndGet(lost);
                    maxExtraMillis.accumulateAndGet(extra, Math::max);
                    byte[] data = new byte[n];
                    System.arraycopy(buf, 0, data, 0, n);
                    queue.put(new Segment(data, due(extra), order++));
                }
            } catch (IOException e) {
                queue.put(new Segment(new byte[0], due(0), order++)); // reset
            }
        }

        /** @return when a segment sent now arrives: after its delay, never before the previous segment */
        private long due(long extraMillis) {
            long at = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(oneWay(random) + extraMillis);
            lastDue = Math.max(lastDue, at);
            return lastDue;
        }

        private void write() {
            try (OutputStream out = to.getOutputStream()) {
                while (!closed) {
                    Segment s = queue.poll(1, TimeUnit.SECONDS);
                    if (s == null) {
                        continue;
                    }
                    if (s.data == null) {
                        to.shutdownOutput();
                        return;
                    }
                    if (s.data.length == 0) {
                        reset(to);
                        reset(from);
                        return;
                    }
                    out.write(s.data);
                    out.flush();
                }
            } catch (IOException e) {
                reset(from);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                sockets.remove(to);
            }
        }
    }

    /** A segment due at {@code dueNanos}; null data = FIN, empty = reset. Ties keep the sending order. */
    private record Segment(byte[] data, long dueNanos, long order) implements Delayed {
        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(dueNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed o) {
            Segment s = (Segment) o;
            int c = Long.compare(dueNanos, s.dueNanos);
            return c != 0 ? c : Long.compare(order, s.order);
        }
    }

    private static void reset(Socket s) {
        try {
            s.setSoLinger(true, 0);
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() {
        closed = true;
        udp.close();
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Socket s : sockets) {
            reset(s);
        }
        sockets.clear();
    }
}
