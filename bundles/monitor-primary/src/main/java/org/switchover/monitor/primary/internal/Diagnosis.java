package org.switchover.monitor.primary.internal;

import java.nio.ByteBuffer;

import org.switchover.api.monitor.MonitorSignal;
import org.switchover.api.notifier.EventIds;
import org.switchover.api.notifier.Link;
import org.switchover.api.notifier.Notifier;
import org.switchover.api.notifier.ResponseOutcome;
import org.switchover.support.monitor.InFlightRequest;

/**
 * The diagnosis of spec section 5.5 (DECISIONS.md "Diagnosis", "Module-down path", "Determination"): after the
 * ping loop's last retry, or on the module monitor's MODULE_DOWN (first up to {@link #MODULE_CONFIRMATION_PINGS}
 * pings of the module over the main connection), the connection check and the {@link NetworkChecks}, then the
 * {@link Determination}, which it posts and acts on: a connection problem puts the ping loop into its
 * connection-problem mode and, for an unreachable primary, starts the {@link UnreachablePrimary} ping sets.
 * Confined to the monitor's scheduler thread.
 */
final class Diagnosis {

    /** Pings the module gets from this monitor before the module monitor's MODULE_DOWN is believed. */
    static final int MODULE_CONFIRMATION_PINGS = 2;

    private final MonitorContext ctx;
    private final Reports reports;
    private final PingLoop loop;
    private final NetworkChecks checks;
    private final ModuleMonitorSupervisor supervisor;
    private final UnreachablePrimary unreachable;
    private final InFlightRequest confirmation;

    /**
     * @param ctx the monitor's shared parts
     * @param reports where reports go and the status line is kept
     * @param loop the ping loop, which waits while the diagnosis runs
     * @param supervisor the module monitor's supervision
     * @param probe the echo probe of the network checks
     * @param gateways this machine's gateways, for the gateway check
     */
    Diagnosis(MonitorContext ctx, Reports reports, PingLoop loop, ModuleMonitorSupervisor supervisor,
              NetworkProbe probe, GatewaySource gateways) {
        this.ctx = ctx;
        this.reports = reports;
        this.loop = loop;
        this.supervisor = supervisor;
        this.checks = new NetworkChecks(ctx, probe, gateways, loop::refresh);
        this.unreachable = new UnreachablePrimary(ctx, checks, reports, loop::inTrouble);
        this.confirmation = new InFlightRequest(ctx.scheduler(), ctx.log());
    }

    /** The ping path: connection check, network checks, determination. @param trigger for the log */
    void afterFailedPings(String trigger) {
        long token = loop.beginDiagnosis();
        ctx.journal().info("Connection check: {}", ctx.connections().describe());
        checks.check(token, net -> determined(false, net, trigger));
        loop.refresh();
    }

    /**
     * The module monitor's MODULE_DOWN. Only while pinging normally: otherwise the connection analysis under way
     * decides.
     *
     * @param why the module monitor's reason
     * @param restarting the module restarts too often: it answers, so pinging it proves nothing
     */
    void moduleDown(String why, boolean restarting) {
        supervisor.eventSeen();
        Mode mode = loop.mode();
        if (mode != Mode.WATCHING) {
            ctx.journal().info("Module monitor reports the module down ({}) while the primary monitor is {}; {}", why,
                    mode.name().toLowerCase(), mode == Mode.STOPPED ? "ignored" : "the connection analysis decides");
            return;
        }
        PrimaryMonitorSettings s = ctx.settings().get();
        ctx.journal().warn("Module monitor reports the {} module not responding ({}); {}", s.moduleName(), why,
                ctx.connections().describe());
        long token = loop.beginDiagnosis();
        if (restarting) {
            ctx.journal().info("The {} module restarts too often; its answers prove nothing: checking connections",
                    s.moduleName());
            moduleNotConfirmed(token, why);
        } else {
            ctx.journal().info("Sending up to {} ping(s) to the {} module over the main connection",
                    MODULE_CONFIRMATION_PINGS, s.moduleName());
            confirmModule(token, 1, why);
        }
        loop.refresh();
    }

    /** Stops the confirmation pings and the ping sets. */
    void cancel() {
        confirmation.cancel();
        unreachable.cancel();
    }

    private void confirmModule(long token, int n, String why) {
        PrimaryMonitorSettings s = ctx.settings().get();
        Notifier no = ctx.notifier().get();
        if (no == null) {
            ctx.journal().warn("No notifier service: cannot ping the {} module", s.moduleName());
            moduleNotConfirmed(token, why);
            return;
        }
        confirmation.send(no, Link.MAIN, EventIds.MODULE_PING, s.timeoutMillis(), (link, r) -> {
            if (!ctx.work().isCurrent(token)) {
                return;
            }
            if (r.isReply() && r.payload() != null && r.payload().length == Long.BYTES) {
                long id = ByteBuffer.wrap(r.payload()).getLong();
                ctx.journal().info("The {} module answered ping {} (incarnation {}): the module is up, no error; "
                        + "restarting the module monitor", s.moduleName(), n, id);
                supervisor.restart();
                loop.resumeWatching();
                reports.post(MonitorSignal.MODULE_UP, "Module answers again",
                        "the " + s.moduleName() + " module answered the primary monitor's ping " + n);
            } else if (n < MODULE_CONFIRMATION_PINGS) {
                confirmModule(token, n + 1, why);
            } else if (r.outcome() != ResponseOutcome.REJECTED && ctx.heartbeat().fresh()) {
                // no answer at all while the primary's heartbeats arrive: a stalled link or a hung module
                ctx.journal().info("No reply from the {} module after {} ping(s) ({}) while the primary's heartbeats"
                        + " arrive ({}): asking its notifier whether the link works", s.moduleName(), n,
                        r.outcome(), ctx.heartbeat().describe());
                linkCheck(token, no, why);
            } else {
                ctx.journal().warn("No reply from the {} module after {} ping(s) over the main connection ({}); "
                        + "checking connections", s.moduleName(), n, r.outcome());
                moduleNotConfirmed(token, why);
            }
            loop.refresh();
        });
    }

    /**
     * The module did not answer while heartbeats arrive: when the primary's notifier answers, the link works and the
     * module is down; when it does not either, the link stalls (issue 13: loss stalls TCP for seconds) and this is no
     * module verdict - the module monitor goes on and reports again if the module really is down.
     */
    private void linkCheck(long token, Notifier no, String why) {
        PrimaryMonitorSettings s = ctx.settings().get();
        confirmation.send(no, Link.MAIN, EventIds.NOTIFIER_PING, s.timeoutMillis(), (link, r) -> {
            if (!ctx.work().isCurrent(token)) {
                return;
            }
            if (r.isReply()) {
                ctx.journal().warn("The notifier on the primary answers but the {} module does not: checking"
                        + " connections", s.moduleName());
                moduleNotConfirmed(token, why);
            } else {
                ctx.journal().warn("The notifier on the primary does not answer either ({}) while its heartbeats"
                        + " arrive: the link stalls, no module verdict; restarting the module monitor",
                        r.outcome());
                supervisor.restart();
                loop.resumeWatching();
            }
            loop.refresh();
        });
    }

    private void moduleNotConfirmed(long token, String why) {
        checks.check(token, net -> determined(true, net, why));
    }

    private void determined(boolean modulePath, NetworkCheck net, String trigger) {
        PrimaryMonitorSettings s = ctx.settings().get();
        Connections c = ctx.connections();
        reports.networkStatus = net.describe();
        reports.connectionStatus = c.describe();
        String detail = "connections: " + c.describe() + "; network: " + net.describe() + "; trigger: " + trigger;
        Determination.Verdict v = Determination.determine(modulePath, c, net);
        reports.primaryConnectionStatus = v.primaryConnectionStatus();
        if (!v.connectionProblem()) {
            ctx.journal().warn("The {} module does not answer while {} and the network is good: primary connection "
                    + "status '{}'", s.moduleName(), c.describe(), v.primaryConnectionStatus());
            loop.resumeWatching();
            reports.post(v.signal(), v.reason(), "primary connection status '" + v.primaryConnectionStatus() + "' ("
                    + s.moduleName() + "); " + detail);
            return;
        }
        ctx.journal().warn("Connection problem ({}): primary connection status '{}'", detail,
                v.primaryConnectionStatus());
        loop.enterTrouble();
        reports.post(v.signal(), v.reason(), "primary connection status '" + v.primaryConnectionStatus() + "'; "
                + detail);
        if (v.signal() == MonitorSignal.PRIMARY_UNREACHABLE) {
            unreachable.start();
        }
    }
}
