package org.switchover.monitor.primary.internal;

import java.util.concurrent.CompletionStage;

/**
 * Reachability of a machine by ICMP echo, independent of any switchover software. Behind an interface so that tests
 * decide what answers; the real one is {@link IcmpProbe}.
 */
public interface NetworkProbe {

    /** The result of one probe. @param reached an echo reply arrived @param address the address probed @param detail why not */
    record Result(boolean reached, String address, String detail) {
    }

    /**
     * Probes one host. Must not block the caller.
     *
     * @param host host name or address; resolved by the probe
     * @param timeoutMillis how long to wait for the echo reply
     * @return completes with the result (never exceptionally on a network failure)
     */
    CompletionStage<Result> ping(String host, int timeoutMillis);
}
