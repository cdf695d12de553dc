package org.switchover.monitor.primary.internal;

import static org.switchover.monitor.primary.internal.NetworkCheck.GATEWAY_REACHED;
import static org.switchover.monitor.primary.internal.NetworkCheck.GATEWAY_UNREACHABLE;
import static org.switchover.monitor.primary.internal.NetworkCheck.NETTEST_REACHED;
import static org.switchover.monitor.primary.internal.NetworkCheck.NETTEST_UNAVAILABLE;
import static org.switchover.monitor.primary.internal.NetworkCheck.NETTEST_UNREACHABLE;
import static org.switchover.monitor.primary.internal.NetworkCheck.PRIMARY_REACHED;
import static org.switchover.monitor.primary.internal.NetworkCheck.PRIMARY_UNREACHABLE;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import org.switchover.api.ServerParameters;
import org.switchover.api.time.Cancellable;

/**
 * The network check of spec section 5.5.2 (DECISIONS.md "Diagnosis"): gateway → NetTest → the primary's address, in
 * the order of the reference's log, every enabled check every time. Also sends the echo sets of the unreachable
 * primary. Echoes run on the probe's thread; their results come back to the scheduler thread, each bounded by its
 * timeout plus a second, and are dropped once the sequence they belong to is no longer current.
 */
final class NetworkChecks {

    /** Extra wait after a probe's own timeout before the monitor stops waiting for it. */
    static final long GUARD_MILLIS = 1000L;

    /** A check that echoes a list of addresses: its words in the log and its two statuses. */
    private record Check(String address, String nobody, String reached, String unreachable) {
    }

    private static final Check GATEWAY = new Check("local gateway address", "local gateway", GATEWAY_REACHED,
            GATEWAY_UNREACHABLE);
    private static final Check NETTEST = new Check("NetTest address", "NetTest address", NETTEST_REACHED,
            NETTEST_UNREACHABLE);

    private final MonitorContext ctx;
    private final NetworkProbe probe;
    private final GatewaySource gateways;
    private final Runnable afterEcho;

    /**
     * @param ctx the monitor's shared parts
     * @param probe the echo probe
     * @param gateways this machine's gateways
     * @param afterEcho run after each echo result was handled (refreshes the status line)
     */
    NetworkChecks(MonitorContext ctx, NetworkProbe probe, GatewaySource gateways, Runnable afterEcho) {
        this.ctx = ctx;
        this.probe = probe;
        this.gateways = gateways;
        this.afterEcho = afterEcho;
    }

    /** Gateway, then NetTest, then the primary's address; {@code then} gets the result unless {@code token} ends. */
    void check(long token, Consumer<NetworkCheck> then) {
        List<String> statuses = new ArrayList<>();
        checkGateways(token, statuses, () -> checkNetTests(token, statuses, () -> checkPrimary(token, statuses,
                then)));
    }

    private void checkGateways(long token, List<String> statuses, Runnable next) {
        PrimaryMonitorSettings s = ctx.settings().get();
        if (!s.gatewayPing()) {
            ctx.journal().debug("Gateway ping disabled ({}); gateway check skipped",
                    ServerParameters.SWITCHOVER_DISABLE_GATEWAY_PING);
            next.run();
            return;
        }
        List<String> found = gateways.gateways();
        if (found.isEmpty()) {
            ctx.journal().info("No gateway address in the routing table; gateway check skipped");
            next.run();
            return;
        }
        echoCheck(token, found, GATEWAY, statuses, next);
    }

    private void checkNetTests(long token, List<String> statuses, Runnable next) {
        List<String> tests = ctx.netTests();
        if (tests.isEmpty()) {
            ctx.journal().info("No NetTest address configured for node {}: network connection status '{}'",
                    ctx.node(), NETTEST_UNAVAILABLE);
            statuses.add(NETTEST_UNAVAILABLE);
            next.run();
            return;
        }
        echoCheck(token, tests, NETTEST, statuses, next);
    }

    /** Echoes {@code addresses} in turn until one answers; adds the check's reached or unreachable status. */
    private void echoCheck(long token, List<String> addresses, Check check, List<String> statuses, Runnable next) {
        echoEach(token, addresses, 0, ctx.settings().get().netTestTimeoutMillis(), result -> {
            if (result.reached()) {
                ctx.journal().info("Pinged {} [{}]: network connection status '{}'", check.address(),
                        result.address(), check.reached());
                statuses.add(check.reached());
            } else {
                ctx.journal().warn("No {} answered ({}): network connection status '{}'", check.nobody(),
                        String.join(", ", addresses), check.unreachable());
                statuses.add(check.unreachable());
            }
            next.run();
        });
    }

    private void checkPrimary(long token, List<String> statuses, Consumer<NetworkCheck> then) {
        // One plain echo here; the longer ping sets are for a primary already found unreachable (section 5.5.5).
        echoPrimary(token, 1, result -> {
            if (result.reached()) {
                ctx.journal().info("Pinged the primary's address [{}]: network connection status '{}'",
                        result.address(), PRIMARY_REACHED);
                statuses.add(PRIMARY_REACHED);
            } else {
                ctx.journal().warn("The primary's address [{}] does not answer ({}): network connection status "
                        + "'{}'", result.address(), result.detail(), PRIMARY_UNREACHABLE);
                statuses.add(PRIMARY_UNREACHABLE);
            }
            then.accept(new NetworkCheck(List.copyOf(statuses), NetworkCheck.local(statuses), result.reached(),
                    result.address()));
        });
    }

    /** Up to {@code times} echoes to the primary's machine, stopping at the first reply. */
    void echoPrimary(long token, int times, Consumer<NetworkProbe.Result> then) {
        String host = ctx.primaryHost();
        if (host == null || host.isBlank()) {
            then.accept(new NetworkProbe.Result(false, "?", "no address known for the primary"));
            return;
        }
        echoEach(token, Collections.nCopies(times, host), 0, ctx.settings().get().netTestTimeoutMillis(), then);
    }

    /** Probes hosts in order until one answers; {@code then} gets the answering or the last result. */
    private void echoEach(long token, List<String> hosts, int i, int timeoutMillis,
                          Consumer<NetworkProbe.Result> then) {
        echoOnce(token, hosts.get(i), timeoutMillis, r -> {
            if (r.reached() || i + 1 >= hosts.size()) {
                then.accept(r);
            } else {
                echoEach(token, hosts, i + 1, timeoutMillis, then);
            }
        });
    }

    private void echoOnce(long token, String host, int timeoutMillis, Consumer<NetworkProbe.Result> then) {
        boolean[] done = {false};
        Cancellable guard = ctx.scheduler().schedule(() -> {
            if (!done[0]) {
                done[0] = true;
                if (ctx.work().isCurrent(token)) {
                    then.accept(new NetworkProbe.Result(false, host, "no probe result in time"));
                    afterEcho.run();
                }
            }
        }, timeoutMillis + GUARD_MILLIS);
        CompletionStage<NetworkProbe.Result> stage;
        try {
            stage = probe.ping(host, timeoutMillis);
        } catch (RuntimeException e) {
            stage = CompletableFuture.completedFuture(new NetworkProbe.Result(false, host, "probe failed: " + e));
        }
        stage.whenComplete((r, ex) -> ctx.scheduler().execute(() -> {
            if (done[0]) {
                return;
            }
            done[0] = true;
            guard.cancel();
            if (!ctx.work().isCurrent(token)) {
                return;
            }
            then.accept(r != null ? r : new NetworkProbe.Result(false, host, String.valueOf(ex)));
            afterEcho.run();
        }));
    }
}
