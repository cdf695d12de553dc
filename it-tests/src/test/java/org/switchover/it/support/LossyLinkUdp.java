package org.switchover.it.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.SplittableRandom;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The datagram half of {@link LossyLink}: a loopback UDP relay on a given port that forwards each datagram to the
 * target port with the path's loss and one-way delay. Unlike TCP, each datagram is on its own: a lost one is simply
 * gone (no retransmission), and each is delayed independently, so jitter reorders them - what the notifier's UDP
 * heartbeats meet on a real lossy path. One direction per relay; a pair of relays (one per node) gives both ways,
 * each with its own loss (asymmetric loss). Threads are daemons named {@code lossy-link-udp-*}.
 */
public final class LossyLinkUdp implements AutoCloseable {

    private static final int MAX_DATAGRAM = 2048;

    private final DatagramChannel in;
    private final DatagramChannel out;
    private final InetSocketAddress target;
    private final int delayMillis;
    private final int jitterMillis;
    private final SplittableRandom random;
    private final DelayQueue<Due> queue = new DelayQueue<>();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong lost = new AtomicLong();
    private final AtomicLong reordered = new AtomicLong();
    private volatile double loss;
    private volatile boolean closed;
    private long lastDue;

    /**
     * @param port loopback port to listen on (the TCP relay's port number: the notifier sends its heartbeats to the
     *     port number its links dial)
     * @param targetPort loopback port datagrams are forwarded to
     * @param loss probability (0..1) that one datagram is lost
     * @param delayMillis mean one-way delay
     * @param jitterMillis the one-way delay is uniform in {@code delay ± jitter}
     * @param seed seed of the random draws
     */
    public LossyLinkUdp(int port, int targetPort, double loss, int delayMillis, int jitterMillis, long seed)
            throws IOException {
        if (loss < 0 || loss > 1 || jitterMillis > delayMillis) {
            throw new IllegalArgumentException("loss must be in [0, 1], jitter <= delay: " + loss);
        }
        this.loss = loss;
        this.delayMillis = delayMillis;
        this.jitterMillis = jitterMillis;
        this.random = new SplittableRandom(seed);
        InetAddress lo = InetAddress.getLoopbackAddress();
        this.target = new InetSocketAddress(lo, targetPort);
        this.in = DatagramChannel.open().bind(new InetSocketAddress(lo, port));
        this.out = DatagramChannel.open().bind(new InetSocketAddress(lo, 0));
        Thread r = new Thread(this::readLoop, "lossy-link-udp-in-" + port);
        r.setDaemon(true);
        r.start();
        Thread w = new Thread(this::writeLoop, "lossy-link-udp-out-" + port);
        w.setDaemon(true);
        w.start();
    }

    /** Changes the loss probability for datagrams from now on (1 = a cut). */
    public void setLoss(double loss) {
        if (loss < 0 || loss > 1) {
            throw new IllegalArgumentException("loss must be in [0, 1]: " + loss);
        }
        this.loss = loss;
    }

    /** @return a one-line summary: datagrams received, lost, delivered out of order */
    public String stats() {
        long r = received.get();
        long l = lost.get();
        return String.format("%d datagrams, %d lost (%.1f %%), %d overtaken by a later one", r, l,
                r == 0 ? 0.0 : 100.0 * l / r, reordered.get());
    }

    private void readLoop() {
        ByteBuffer buf = ByteBuffer.allocate(MAX_DATAGRAM);
        while (!closed) {
            buf.clear();
            SocketAddress from;
            try {
                from = in.receive(buf);
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("lossy UDP link: receive failed: " + e);
                }
                return;
            }
            if (from == null) {
                continue;
            }
            received.incrementAndGet();
            buf.flip();
            byte[] d = new byte[buf.remaining()];
            buf.get(d);
            long oneWay;
            boolean drop;
            synchronized (random) {
                drop = random.nextDouble() < loss;
                oneWay = jitterMillis == 0 ? delayMillis
                        : delayMillis - jitterMillis + random.nextInt(2 * jitterMillis + 1);
            }
            if (drop) {
                lost.incrementAndGet();
                continue;
            }
            long due = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(oneWay);
            synchronized (this) {
                if (due < lastDue) {
                    reordered.incrementAndGet();
                }
                lastDue = Math.max(lastDue, due);
            }
            queue.add(new Due(due, d));
        }
    }

    private void writeLoop() {
        while (!closed) {
            try {
                Due d = queue.poll(200, TimeUnit.MILLISECONDS);
                if (d != null) {
                    out.send(ByteBuffer.wrap(d.data), target);
                }
            } catch (InterruptedException e) {
                return;
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("lossy UDP link: send failed: " + e);
                }
            }
        }
    }

    private record Due(long dueNanos, byte[] data) implements Delayed {
        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(dueNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed o) {
            return Long.compare(dueNanos, ((Due) o).dueNanos);
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            in.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        try {
            out.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
