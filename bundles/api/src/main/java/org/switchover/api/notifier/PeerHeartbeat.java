package org.switchover.api.notifier;

/**
 * What the notifier knows, at one moment, about the peer's authenticated UDP heartbeats: small datagrams each node
 * sends to its peer beside the TCP links, keyed per main connection over TLS (README, "Fast failover"). They travel
 * without head-of-line blocking, so under heavy packet loss they still arrive while a TCP link stalls in
 * retransmission back-off. Monitors use them only to <em>delay</em> a verdict ("the peer's process still runs"),
 * never to take a role. Since 2.3.
 *
 * @param timeoutMillis how long (ms) one heartbeat counts as proof that the peer runs ({@code heartbeat.timeout.ms});
 *     0 = heartbeats are off and prove nothing
 * @param ageMillis how long ago (ms) the last authenticated heartbeat from the peer arrived; -1 when none arrived
 *     under the current key
 * @param accepted heartbeats accepted since the notifier started
 * @param rejected datagrams rejected since the notifier started (garbage, wrong MAC, replayed, stale, flood)
 */
public record PeerHeartbeat(long timeoutMillis, long ageMillis, long accepted, long rejected) {

    /** Heartbeats off (or a notifier without them): nothing is proven. */
    public static final PeerHeartbeat OFF = new PeerHeartbeat(0, -1, 0, 0);

    /** @return true when heartbeats are on. */
    public boolean enabled() {
        return timeoutMillis > 0;
    }

    /** @return true when heartbeats are on and one arrived within the timeout: the peer's process runs. */
    public boolean fresh() {
        return enabled() && ageMillis >= 0 && ageMillis <= timeoutMillis;
    }

    /**
     * @return true when heartbeats are on, at least one arrived under the current key, and none within the
     *     timeout: the peer fell silent.
     */
    public boolean silent() {
        return enabled() && ageMillis > timeoutMillis;
    }

    /** @return how much longer (ms) the last heartbeat keeps the peer fresh; 0 when it does not. */
    public long freshForMillis() {
        return fresh() ? timeoutMillis - ageMillis : 0;
    }

    /** @return a short text for logs: {@code "last heartbeat 120 ms ago"}, {@code "no heartbeat"}, {@code "off"}. */
    public String describe() {
        if (!enabled()) {
            return "heartbeats off";
        }
        return ageMillis < 0 ? "no heartbeat from the peer yet" : "last heartbeat " + ageMillis + " ms ago";
    }
}
