package org.switchover.monitor.primary.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@link NetworkProbe} by {@link InetAddress#isReachable(int)}: an ICMP echo when the process may send one (the
 * runtime runs as root), otherwise the JDK's TCP fallback. Resolution and the wait run on one owned daemon thread
 * ({@code switchover-primary-monitor-2}) so the monitor's own thread never blocks.
 */
final class IcmpProbe implements NetworkProbe, AutoCloseable {

    private final ExecutorService pool = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(null, r, "switchover-primary-monitor-2", 0, false);
        t.setDaemon(true);
        return t;
    });

    @Override
    public CompletionStage<Result> ping(String host, int timeoutMillis) {
        return CompletableFuture.supplyAsync(() -> {
            InetAddress address;
            try {
                address = InetAddress.getByName(host);
            } catch (UnknownHostException e) {
                return new Result(false, host, "cannot resolve '" + host + "'");
            }
            try {
                boolean ok = address.isReachable(timeoutMillis);
                return new Result(ok, address.getHostAddress(),
                        ok ? "" : "no echo reply within " + timeoutMillis + " ms");
            } catch (IOException e) {
                return new Result(false, address.getHostAddress(), "echo failed: " + e.getMessage());
            }
        }, pool);
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
