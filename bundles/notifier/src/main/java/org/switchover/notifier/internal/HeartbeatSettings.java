package org.switchover.notifier.internal;

/**
 * Parameters of the UDP heartbeats ({@link Heartbeats}), from the notifier PID.
 *
 * @param intervalMillis {@code heartbeat.interval.ms}: how often this node sends its peer a heartbeat; 0 = off (no
 *     UDP socket, no key exchange, {@code PeerHeartbeat.OFF})
 * @param timeoutMillis {@code heartbeat.timeout.ms}: how long one heartbeat counts as proof that the peer runs
 * @param staleMillis {@code heartbeat.stale.ms}: a datagram that took this much longer than the fastest one seen
 *     under its key is stale (held back or replayed late) and does not count
 * @param maxPerSecond {@code heartbeat.max.rate}: datagrams examined per second; the rest are dropped unread
 */
public record HeartbeatSettings(int intervalMillis, int timeoutMillis, int staleMillis, int maxPerSecond) {

    /** The documented defaults: off; when switched on, 1 s timeout, 1 s staleness, 200 datagrams/s. */
    public static final HeartbeatSettings DEFAULT = new HeartbeatSettings(0, 1000, 1000, 200);

    /** Checks what would otherwise break the sender or the receiver. */
    public HeartbeatSettings {
        if (intervalMillis < 0 || timeoutMillis < 1 || staleMillis < 1 || maxPerSecond < 1) {
            throw new IllegalArgumentException("heartbeat settings must be positive (interval 0 = off): interval "
                    + intervalMillis + " ms, timeout " + timeoutMillis + " ms, stale " + staleMillis
                    + " ms, max rate " + maxPerSecond + "/s");
        }
    }

    /** @return true when heartbeats are sent and received */
    public boolean enabled() {
        return intervalMillis > 0;
    }
}
