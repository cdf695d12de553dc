package org.switchover.notifier.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.api.NodeId;
import org.switchover.api.notifier.PeerHeartbeat;
import org.switchover.support.Threads;

/**
 * Authenticated UDP heartbeats between the two nodes (issue 13: a liveness path without TCP's head-of-line
 * blocking). Every {@code heartbeat.interval.ms} this node sends its peer one 46-byte datagram on the notifier's port
 * number (UDP), to the peer address the links use:
 *
 * <pre>
 * magic "SWHB" (4) | version 1 (1) | sender's node letter (1) | key id (8) | sequence number (8)
 * | sender's monotonic clock, ms (8) | first 16 bytes of HMAC-SHA256(key, the 30 bytes before)
 * </pre>
 *
 * The key is random, 32 bytes, one per main connection: the side that opens the main link draws it and hands it
 * over that TLS link ({@code EventIds.HEARTBEAT_KEY}); both sides then sign with it and accept it, and the previous
 * key stays accepted so a reconnect loses no heartbeat. A datagram counts only when, in this order, it is within the
 * rate ({@code heartbeat.max.rate}/s, else dropped unread: "flood"), 46 bytes long, has the magic and version, names
 * the peer's letter (a reflected datagram of our own names ours), a known key id, a correct MAC, a sequence number
 * above every earlier one of its key ("replayed") and a delay no more than {@code heartbeat.stale.ms}
 * above the smallest seen under its key ("stale": the sender's clock is only compared with itself, so the two
 * machines' clocks need not agree). Every rejection is counted per reason and logged at most once per
 * {@link #LOG_EVERY_MILLIS} per reason with the count. Nothing a datagram says can change a role: the notifier only
 * reports the age of the last good one ({@link #status()}), and monitors use it to delay their verdicts.
 *
 * <p>Threads: {@code switchover-notifier-heartbeat-tx-*} (sending), {@code switchover-notifier-heartbeat-rx-*}
 * (receiving). The sender is its own thread on purpose: SIGSTOP or a dead process stops it with everything else.
 */
final class Heartbeats implements AutoCloseable {

    /** Length of every heartbeat datagram. */
    static final int LENGTH = 46;
    /** Bytes covered by the MAC. */
    static final int SIGNED = 30;
    /** Length of the MAC kept. */
    static final int MAC_BYTES = 16;
    /** Length of a heartbeat key. */
    static final int KEY_BYTES = 32;
    /** Payload of a HEARTBEAT_KEY request: key id + key. */
    static final int KEY_PAYLOAD = 8 + KEY_BYTES;
    static final int MAGIC = 0x53574842; // "SWHB"
    static final byte VERSION = 1;
    /** At most one log line per rejection reason in this period. */
    static final long LOG_EVERY_MILLIS = 10_000L;

    private static final Logger LOG = LoggerFactory.getLogger(Heartbeats.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Supplier<NotifierSettings> config;
    private final LongSupplier nanos;
    private final ScheduledExecutorService tx;
    private final Map<String, AtomicLong> rejectedBy = new ConcurrentHashMap<>();
    private final Map<String, Long> lastLogged = new ConcurrentHashMap<>();
    private final Map<String, Long> loggedCount = new ConcurrentHashMap<>();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private volatile Key current;
    private volatile Key previous;
    /** The key our heartbeats are signed with: the newest both sides hold. */
    private volatile Key signing;
    private volatile long lastAcceptedNanos = -1;
    private DatagramChannel channel;
    private Thread rx;
    private ScheduledFuture<?> sending;
    private int sendingEvery;
    private long sequence;
    private Mac txMac;
    private long txMacKey;
    private boolean closed;
    // receiver-thread state
    private Mac rxMac;
    private long rxMacKey;
    private long windowStartNanos;
    private int windowCount;

    /** One heartbeat key with the receiver's replay and delay state under it. */
    static final class Key {
        final long id;
        final byte[] secret;
        long highestSeq = -1;
        /** Bit i set: sequence number highestSeq - 1 - i was accepted (a window of 64 for reordering). */
        long window;
        long minDelay = Long.MAX_VALUE;

        Key(long id, byte[] secret) {
            this.id = id;
            this.secret = secret.clone();
        }
    }

    Heartbeats(Supplier<NotifierSettings> config) {
        this(config, System::nanoTime);
    }

    Heartbeats(Supplier<NotifierSettings> config, LongSupplier nanos) {
        this.config = config;
        this.nanos = nanos;
        this.tx = Threads.scheduled("switchover-notifier-heartbeat-tx");
    }

    /**
     * Binds the UDP socket on {@code tcp}'s address and port (same number as the notifier) and starts sending and
     * receiving when heartbeats are on; rebinds when the address changed; closes the socket when they are off.
     * A port that cannot be bound is logged and heartbeats stay off: the links work as before.
     */
    synchronized void apply(InetSocketAddress tcp) {
        if (closed) {
            return;
        }
        HeartbeatSettings h = config.get().heartbeats();
        if (!h.enabled() || tcp == null) {
            stopChannel();
            stopSending();
            return;
        }
        InetSocketAddress want = tcp;
        try {
            if (channel == null || !want.equals(channel.getLocalAddress())) {
                stopChannel();
                DatagramChannel ch = DatagramChannel.open();
                try {
                    ch.bind(want);
                } catch (IOException e) {
                    ch.close();
                    throw e;
                }
                channel = ch;
                Thread t = Threads.factory("switchover-notifier-heartbeat-rx").newThread(() -> receive(ch));
                rx = t;
                t.start();
                LOG.info("Heartbeats: listening for the peer's UDP heartbeats on {}", ch.getLocalAddress());
            }
        } catch (IOException e) {
            LOG.error("Heartbeats: cannot bind UDP {} ({}); no heartbeats until the notifier is reconfigured", want,
                    e.toString());
            stopChannel();
            stopSending();
            return;
        }
        if (sending == null || sendingEvery != h.intervalMillis()) {
            stopSending();
            sendingEvery = h.intervalMillis();
            sending = tx.scheduleAtFixedRate(Threads.logging(this::sendOne, LOG, "heartbeat send failed"),
                    0, h.intervalMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** @return a fresh random key id and key for a new main connection, as the HEARTBEAT_KEY payload */
    static byte[] newKeyPayload() {
        byte[] p = new byte[KEY_PAYLOAD];
        RANDOM.nextBytes(p);
        return p;
    }

    /**
     * Installs a key handed over a TLS main link for signing and accepting: the peer's key on the accepting side, or
     * ours once the peer took it.
     *
     * @param payload key id (8 bytes) and key (32 bytes)
     * @return null when installed, otherwise why not (answered to the peer as a rejection)
     */
    String install(byte[] payload) {
        return take(payload, true);
    }

    /**
     * Accepts heartbeats under a key we are about to hand over, before the peer has it, so its first heartbeats
     * under the new key count; we sign with it only once the peer answered ({@link #install}).
     *
     * @return null when taken, otherwise why not
     */
    String expect(byte[] payload) {
        return take(payload, false);
    }

    private String take(byte[] payload, boolean sign) {
        if (!config.get().heartbeats().enabled()) {
            return "heartbeats are off on node " + config.get().node() + " (heartbeat.interval.ms = 0)";
        }
        if (payload == null || payload.length != KEY_PAYLOAD) {
            return "heartbeat key must be " + KEY_PAYLOAD + " bytes, got " + (payload == null ? 0 : payload.length);
        }
        ByteBuffer b = ByteBuffer.wrap(payload);
        long id = b.getLong();
        byte[] secret = new byte[KEY_BYTES];
        b.get(secret);
        boolean fresh;
        synchronized (this) {
            Key c = current;
            fresh = c == null || c.id != id;
            if (fresh) {
                previous = c;
                current = new Key(id, secret);
            }
            if (sign) {
                signing = current;
            }
        }
        if (sign) {
            LOG.info("Heartbeats: key {} in force for this main connection", Long.toHexString(id));
        }
        return null;
    }

    /** @return the peer's heartbeats as seen now */
    PeerHeartbeat status() {
        HeartbeatSettings h = config.get().heartbeats();
        if (!h.enabled()) {
            return PeerHeartbeat.OFF;
        }
        long last = lastAcceptedNanos;
        long age = last < 0 ? -1 : Math.max(0, (nanos.getAsLong() - last) / 1_000_000L);
        return new PeerHeartbeat(h.timeoutMillis(), age, accepted.get(), rejected.get());
    }

    /** @return rejected datagrams per reason, for tests and the status */
    Map<String, Long> rejectedByReason() {
        Map<String, Long> m = new TreeMap<>();
        rejectedBy.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    /** @return the key in force, null before the first; for tests */
    Key currentKey() {
        return current;
    }

    long sentCount() {
        return sent.get();
    }

    /** @return the UDP address bound, null when none */
    synchronized InetSocketAddress boundAddress() {
        try {
            return channel == null ? null : (InetSocketAddress) channel.getLocalAddress();
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        stopSending();
        stopChannel();
        tx.shutdownNow();
    }

    // ---------------------------------------------------------------------------------------------- sending

    private void stopSending() {
        if (sending != null) {
            sending.cancel(false);
            sending = null;
        }
    }

    private void sendOne() {
        DatagramChannel ch;
        Key k = signing;
        synchronized (this) {
            ch = channel;
        }
        if (ch == null || k == null) {
            return; // no key yet: nothing the peer could check
        }
        NotifierSettings c = config.get();
        InetSocketAddress to = new InetSocketAddress(c.peerHost(), c.peerPort());
        if (to.isUnresolved()) {
            return;
        }
        try {
            if (txMac == null || txMacKey != k.id) {
                txMac = mac(k);
                txMacKey = k.id;
            }
            ByteBuffer b = encode(txMac, c.node(), k.id, ++sequence, nanos.getAsLong() / 1_000_000L);
            ch.send(b, to);
            sent.incrementAndGet();
        } catch (ClosedChannelException e) {
            // closing or rebinding: the next tick uses the new channel
        } catch (IOException e) {
            reject("send failed", "to " + to + ": " + e.getMessage(), false);
        }
    }

    /** @return the 46-byte datagram, flipped for sending */
    static ByteBuffer encode(Mac mac, NodeId sender, long keyId, long seq, long millis) {
        ByteBuffer b = ByteBuffer.allocate(LENGTH);
        b.putInt(MAGIC).put(VERSION).put((byte) sender.name().charAt(0)).putLong(keyId).putLong(seq).putLong(millis);
        mac.update(b.array(), 0, SIGNED);
        b.put(mac.doFinal(), 0, MAC_BYTES);
        b.flip();
        return b;
    }

    static Mac mac(Key k) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(k.secret, "HmacSHA256"));
            return m;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    // ---------------------------------------------------------------------------------------------- receiving

    private synchronized void stopChannel() {
        DatagramChannel ch = channel;
        channel = null;
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException e) {
                LOG.debug("closing the heartbeat socket", e);
            }
        }
        if (rx != null) {
            rx.interrupt();
            rx = null;
        }
    }

    private void receive(DatagramChannel ch) {
        ByteBuffer buf = ByteBuffer.allocate(512);
        while (ch.isOpen()) {
            buf.clear();
            SocketAddress from;
            try {
                from = ch.receive(buf);
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                reject("receive failed", e.getMessage(), false);
                continue;
            }
            buf.flip();
            try {
                examine(buf, from);
            } catch (RuntimeException e) {
                reject("internal error", e.toString(), true);
            }
        }
    }

    /** Checks one datagram; package-private for the tests. Receiver thread only. */
    void examine(ByteBuffer buf, SocketAddress from) {
        long now = nanos.getAsLong();
        HeartbeatSettings h = config.get().heartbeats();
        if (now - windowStartNanos >= 1_000_000_000L) {
            windowStartNanos = now;
            windowCount = 0;
        }
        if (++windowCount > h.maxPerSecond()) {
            reject("flood", "more than " + h.maxPerSecond() + " datagrams/s (heartbeat.max.rate); dropped unread",
                    true);
            return;
        }
        int n = buf.remaining();
        if (n != LENGTH) {
            reject("bad length", n + " bytes from " + from + ", a heartbeat has " + LENGTH, true);
            return;
        }
        byte[] d = new byte[LENGTH];
        buf.get(d);
        ByteBuffer b = ByteBuffer.wrap(d);
        if (b.getInt() != MAGIC || b.get() != VERSION) {
            reject("bad magic or version", "from " + from, true);
            return;
        }
        NotifierSettings c = config.get();
        char sender = (char) b.get();
        if (sender != c.node().peer().name().charAt(0)) {
            reject("wrong sender", "from " + from + " names node '" + printable(sender) + "', the peer is "
                    + c.node().peer(), true);
            return;
        }
        long keyId = b.getLong();
        Key k = current;
        if (k == null || k.id != keyId) {
            Key p = previous;
            k = p != null && p.id == keyId ? p : null;
        }
        if (k == null) {
            reject("unknown key", "from " + from + ", key " + Long.toHexString(keyId), true);
            return;
        }
        if (rxMac == null || rxMacKey != k.id) {
            rxMac = mac(k);
            rxMacKey = k.id;
        }
        rxMac.update(d, 0, SIGNED);
        byte[] want = rxMac.doFinal();
        if (!MessageDigest.isEqual(java.util.Arrays.copyOf(want, MAC_BYTES),
                java.util.Arrays.copyOfRange(d, SIGNED, LENGTH))) {
            reject("bad MAC", "from " + from + " under key " + Long.toHexString(keyId), true);
            return;
        }
        long seq = b.getLong();
        long sentMillis = b.getLong();
        // reordering by jitter is normal: a sequence number up to 64 below the highest counts once
        long behind = k.highestSeq - seq;
        if (seq < 0 || behind == 0 || behind > 64 || behind > 0 && (k.window & (1L << (behind - 1))) != 0) {
            reject("replayed", "from " + from + ": sequence " + seq + ", highest so far " + k.highestSeq, true);
            return;
        }
        long delay = now / 1_000_000L - sentMillis;
        if (k.minDelay != Long.MAX_VALUE && delay - k.minDelay > h.staleMillis()) {
            mark(k, seq);
            reject("stale", "from " + from + ": " + (delay - k.minDelay) + " ms later than the fastest heartbeat"
                    + " (heartbeat.stale.ms " + h.staleMillis() + ")", true);
            return;
        }
        mark(k, seq);
        k.minDelay = Math.min(k.minDelay, delay);
        lastAcceptedNanos = now;
        accepted.incrementAndGet();
    }

    private static void mark(Key k, long seq) {
        long behind = k.highestSeq - seq;
        if (behind < 0) {
            long shift = -behind;
            k.window = shift >= 64 ? 0 : k.window << shift;
            if (k.highestSeq >= 0 && shift <= 64) {
                k.window |= 1L << (shift - 1);
            }
            k.highestSeq = seq;
        } else {
            k.window |= 1L << (behind - 1);
        }
    }

    private void reject(String reason, String detail, boolean counted) {
        if (counted) {
            rejected.incrementAndGet();
        }
        long n = rejectedBy.computeIfAbsent(reason, r -> new AtomicLong()).incrementAndGet();
        long now = nanos.getAsLong() / 1_000_000L;
        Long last = lastLogged.get(reason);
        if (last == null || now - last >= LOG_EVERY_MILLIS) {
            long before = loggedCount.getOrDefault(reason, 0L);
            lastLogged.put(reason, now);
            loggedCount.put(reason, n);
            LOG.warn("Heartbeat datagram rejected: {} ({}); {} rejected for this reason since the last such line, {}"
                    + " in all", reason, detail, n - before, n);
        }
    }

    private static String printable(char c) {
        return c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\x%02x", (int) c);
    }
}
