package org.switchover.monitor.primary.internal;

import java.util.function.Supplier;

import org.switchover.api.monitor.MonitorSignal;
import org.switchover.api.notifier.EventIds;
import org.switchover.api.notifier.Link;
import org.switchover.api.notifier.Notifier;
import org.switchover.api.notifier.PeerHeartbeat;
import org.switchover.api.notifier.Response;
import org.switchover.api.time.Cancellable;
import org.switchover.support.monitor.InFlightRequest;

/**
 * The primary monitor's ping loop (spec section 5.3, DECISIONS.md "Ping loop" and "After a connection problem is
 * posted"), and the owner of the monitor's {@link Mode}: notifier pings over the live connection at the ping delay,
 * retry pings after an unsuccessful one, and after the last retry the {@link Diagnosis}; it enters and leaves the
 * connection-problem mode the diagnosis decides on.
 * After a connection problem it keeps pinging to see the connections come back and posts CONNECTIONS_RESTORED.
 *
 * <p>With the notifier's UDP heartbeats on (issue 13): a failed ping while the primary's heartbeats still arrive is
 * not counted - the link stalls, the primary runs - and the loop pings on; when the heartbeats stop too, or a ping
 * fails after they stopped, the retry pings are skipped and the diagnosis starts (two silent paths say more than a
 * retry would). Heartbeats only ever delay this verdict; without them (off, or none received) nothing changes.
 * Confined to the monitor's scheduler thread.
 */
final class PingLoop {

    private final MonitorContext ctx;
    private final Reports reports;
    private final ModuleMonitorSupervisor supervisor;
    private final Supplier<Diagnosis> diagnosis;
    private final InFlightRequest inflight;
    private Mode mode = Mode.STOPPED;
    private int retries;
    private Cancellable tick;
    private boolean warnedNoNotifier;
    /** A failed ping was not counted because heartbeats arrived; no reply since. */
    private boolean deferred;
    private Cancellable heartbeatCheck;

    /**
     * @param ctx the monitor's shared parts
     * @param reports where reports go and the status line is kept
     * @param supervisor the module monitor's supervision
     * @param diagnosis the diagnosis the loop hands over to after its last retry (created after the loop)
     */
    PingLoop(MonitorContext ctx, Reports reports, ModuleMonitorSupervisor supervisor,
             Supplier<Diagnosis> diagnosis) {
        this.ctx = ctx;
        this.reports = reports;
        this.supervisor = supervisor;
        this.diagnosis = diagnosis;
        this.inflight = new InFlightRequest(ctx.scheduler(), ctx.log());
    }

    Mode mode() {
        return mode;
    }

    boolean inTrouble() {
        return mode == Mode.TROUBLE;
    }

    /** Starts pinging (the first ping at once) and the module monitor. No effect when running. */
    void start() {
        if (mode != Mode.STOPPED) {
            return;
        }
        ctx.work().renew();
        mode = Mode.WATCHING;
        retries = 0;
        PrimaryMonitorSettings s = ctx.settings().get();
        ctx.journal().info("Primary monitor started: pinging the notifier on the primary ({}) every {} ms, "
                + "timeout {} ms, {} retry ping(s)", ctx.primaryHost(), s.pingDelayMillis(), s.timeoutMillis(),
                s.retryCount());
        supervisor.begin();
        sendPing();
        refresh();
    }

    /** Stops everything: pings, diagnosis, ping sets, the module monitor. No effect when stopped. */
    void halt(String why) {
        if (mode == Mode.STOPPED) {
            return;
        }
        mode = Mode.STOPPED;
        ctx.work().renew();
        cancelTick();
        endDeferral();
        diagnosis.get().cancel();
        inflight.cancel();
        supervisor.stop();
        ctx.journal().info("Primary monitor {}", why);
        refresh();
    }

    /** A changed ping delay reschedules the waiting ping. */
    void applySettings(PrimaryMonitorSettings old, PrimaryMonitorSettings now) {
        if (mode != Mode.STOPPED && tick != null && old.pingDelayMillis() != now.pingDelayMillis()
                && (mode == Mode.WATCHING || mode == Mode.TROUBLE) && retries == 0) {
            scheduleTick(now.pingDelayMillis());
            ctx.journal().info("Primary monitor ping delay changed to {} ms", now.pingDelayMillis());
        }
        refresh();
    }

    /** The diagnosis takes over: the loop waits. @return the token of the diagnosis */
    long beginDiagnosis() {
        mode = Mode.DIAGNOSING;
        cancelTick();
        endDeferral();
        inflight.cancel();
        return ctx.work().renew();
    }

    /** The module answered the confirmation pings: back to watching, next ping after the ping delay. */
    void resumeWatching() {
        mode = Mode.WATCHING;
        scheduleTick(ctx.settings().get().pingDelayMillis());
    }

    /** A connection problem was posted: keep pinging to see the connections come back, no new diagnosis. */
    void enterTrouble() {
        mode = Mode.TROUBLE;
        retries = 0;
        endDeferral();
        supervisor.suspend();
        scheduleTick(ctx.settings().get().pingDelayMillis());
    }

    void refresh() {
        reports.refresh(mode, retries);
    }

    private void cancelTick() {
        if (tick != null) {
            tick.cancel();
            tick = null;
        }
    }

    private void scheduleTick(long delayMillis) {
        cancelTick();
        tick = ctx.scheduler().schedule(this::sendPing, delayMillis);
    }

    private void sendPing() {
        tick = null;
        if (mode == Mode.STOPPED || mode == Mode.DIAGNOSING) {
            return;
        }
        // The ping scheduler also serves queued requests to restart the module monitor (section 5.3).
        supervisor.serveQueuedRestart(mode);
        PrimaryMonitorSettings s = ctx.settings().get();
        Notifier n = ctx.notifier().get();
        if (n == null) {
            // A missing local notifier says nothing about the primary: wait for it, count nothing.
            if (!warnedNoNotifier) {
                ctx.journal().warn("No notifier service: cannot ping the primary; trying again every {} ms",
                        s.pingDelayMillis());
                warnedNoNotifier = true;
            }
            scheduleTick(s.pingDelayMillis());
            return;
        }
        warnedNoNotifier = false;
        Connections c = ctx.connections();
        Link link = c.main() || !c.aux() ? Link.MAIN : Link.AUX;
        inflight.send(n, link, EventIds.NOTIFIER_PING, s.timeoutMillis(), this::onOutcome);
    }

    private void onOutcome(Link link, Response r) {
        if (mode == Mode.DIAGNOSING || mode == Mode.STOPPED) {
            return;
        }
        PrimaryMonitorSettings s = ctx.settings().get();
        String detail = r.detail() == null || r.detail().isEmpty() ? "" : " (" + r.detail() + ")";
        switch (r.outcome()) {
            case REPLY -> onReply(link);
            case TIMEOUT -> onFailure(link, "got no reply within " + s.timeoutMillis() + " ms" + detail);
            case REJECTED -> onFailure(link, "was rejected" + detail);
            case CONNECTION_LOST -> {
                if (ctx.linkUp(Link.MAIN)) {
                    // Main is up: the auxiliary dropped or main blipped and is back. A normal ping follows.
                    ctx.journal().info("Notifier ping over {} lost its connection{} but the main connection is up; "
                            + "next ping in {} ms", link, detail, s.pingDelayMillis());
                    scheduleTick(s.pingDelayMillis());
                } else {
                    onFailure(link, "lost its connection" + detail);
                }
            }
            case CANCELLED -> {
                // Ours are never delivered; one the notifier cancelled must not end the loop.
                ctx.journal().info("Notifier ping over {} was cancelled by the notifier; next ping in {} ms", link,
                        s.pingDelayMillis());
                scheduleTick(s.pingDelayMillis());
            }
            default -> throw new IllegalStateException("unknown outcome " + r.outcome());
        }
        refresh();
    }

    private void onReply(Link link) {
        PrimaryMonitorSettings s = ctx.settings().get();
        if (mode == Mode.TROUBLE) {
            Connections c = ctx.connections();
            if (c.both()) {
                ctx.journal().info("The notifier on the primary answers over {} and {}: connections restored", link,
                        c.describe());
                leaveTrouble();
                reports.post(MonitorSignal.CONNECTIONS_RESTORED, "Connections restored",
                        "the notifier on the primary answers and " + c.describe());
            } else {
                ctx.journal().debug("The notifier on the primary answers over {} but {}; still waiting", link,
                        c.describe());
            }
            scheduleTick(s.pingDelayMillis());
            return;
        }
        if (retries > 0) {
            ctx.journal().info("The notifier on the primary answers again over {} after {} retry ping(s)", link,
                    retries);
        }
        if (deferred) {
            ctx.journal().info("The notifier on the primary answers again over {}", link);
            endDeferral();
        }
        retries = 0;
        mode = Mode.WATCHING;
        scheduleTick(s.pingDelayMillis());
    }

    private void onFailure(Link link, String what) {
        PrimaryMonitorSettings s = ctx.settings().get();
        if (mode == Mode.TROUBLE) {
            ctx.journal().debug("Notifier ping over {} {} (connections not restored yet)", link, what);
            scheduleTick(s.pingDelayMillis());
            return;
        }
        PeerHeartbeat hb = ctx.heartbeat();
        if (hb.fresh()) {
            if (!deferred) {
                deferred = true;
                ctx.journal().warn("Notifier ping over {} {}, but the primary's heartbeats arrive ({}): its process"
                        + " runs, the failure is not counted; pinging on", link, what, hb.describe());
            } else {
                ctx.journal().debug("Notifier ping over {} {}; heartbeats arrive ({})", link, what, hb.describe());
            }
            scheduleTick(s.pingDelayMillis());
            scheduleHeartbeatCheck(hb.freshForMillis() + 1);
            return;
        }
        if (hb.silent()) {
            ctx.journal().warn("Notifier ping over {} {} and no heartbeat from the primary within {} ms ({}): no"
                    + " retry pings; checking connections and network", link, what, hb.timeoutMillis(),
                    hb.describe());
            toDiagnosis();
            return;
        }
        if (retries < s.retryCount()) {
            retries++;
            mode = Mode.RETRYING;
            ctx.journal().warn("Notifier ping over {} {}; retry ping {} of {} in {} ms", link, what, retries,
                    s.retryCount(), s.retryPingDelayMillis());
            scheduleTick(s.retryPingDelayMillis());
            return;
        }
        ctx.journal().warn("Notifier ping over {} {}; no reply after {} retry ping(s): checking connections and "
                + "network", link, what, retries);
        toDiagnosis();
    }

    private void toDiagnosis() {
        retries = 0;
        endDeferral();
        // Section 5.5.7: no module-monitor verdict while the connections are being analysed.
        supervisor.stop();
        diagnosis.get().afterFailedPings("the notifier on the primary did not answer");
    }

    private void scheduleHeartbeatCheck(long delayMillis) {
        if (heartbeatCheck != null) {
            heartbeatCheck.cancel();
        }
        heartbeatCheck = ctx.scheduler().schedule(this::heartbeatDeadline, Math.max(1L, delayMillis));
    }

    /** A failed ping was not counted because of heartbeats; see whether they still arrive. */
    private void heartbeatDeadline() {
        heartbeatCheck = null;
        if (!deferred || mode == Mode.STOPPED || mode == Mode.DIAGNOSING || mode == Mode.TROUBLE) {
            return;
        }
        PeerHeartbeat hb = ctx.heartbeat();
        if (hb.fresh()) {
            scheduleHeartbeatCheck(hb.freshForMillis() + 1);
            return;
        }
        ctx.journal().warn("No reply from the notifier on the primary since a failed ping, and no heartbeat within"
                + " {} ms ({}): checking connections and network", hb.timeoutMillis(), hb.describe());
        toDiagnosis();
        refresh();
    }

    private void endDeferral() {
        deferred = false;
        if (heartbeatCheck != null) {
            heartbeatCheck.cancel();
            heartbeatCheck = null;
        }
    }

    private void leaveTrouble() {
        mode = Mode.WATCHING;
        retries = 0;
        ctx.work().renew();
        diagnosis.get().cancel();
        reports.primaryConnectionStatus = "connections restored";
        supervisor.resume();
    }
}
