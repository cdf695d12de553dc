package org.switchover.monitor.module.internal;

import java.nio.ByteBuffer;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.switchover.api.ServerParameters;
import org.switchover.api.log.Journal;
import org.switchover.api.monitor.ModuleMonitorListener;
import org.switchover.api.notifier.EventIds;
import org.switchover.api.notifier.Link;
import org.switchover.api.notifier.Notifier;
import org.switchover.api.notifier.Response;
import org.switchover.api.time.Cancellable;
import org.switchover.api.time.Scheduler;
import org.switchover.support.monitor.InFlightRequest;

/**
 * The module monitor's ping loop (spec section 4, DECISIONS.md "Timing of pings"): one ping of the monitored module
 * at a time over the notifier, the error count per connection, the main → auxiliary fallback to a live connection,
 * the restart limits, and SYSTEM_OK / MODULE_DOWN to the listener. Confined to the module monitor's scheduler
 * thread: every method is called there.
 */
final class ModulePingLoop {

    private final Scheduler scheduler;
    private final Journal journal;
    private final Logger log;
    private final Supplier<ModuleMonitorSettings> settings;
    private final Supplier<Notifier> notifier;
    private final ModuleMonitorListener events;
    private final InFlightRequest inflight;
    private final RestartTracker restarts = new RestartTracker();
    private volatile String status = "module monitor not started";

    private boolean running;
    private Link link = Link.MAIN;
    private int errors;
    private Cancellable nextPing;
    private long nextPingBase;
    private boolean nextPingIsRetry;
    private boolean warnedNoNotifier;

    /**
     * @param scheduler the module monitor's scheduler
     * @param journal the module monitor's journal
     * @param log for failures that are not decisions
     * @param settings the parameters in force
     * @param notifier the local notifier, null while there is none
     * @param events receives SYSTEM_OK and MODULE_DOWN (the listeners' fan-out)
     */
    ModulePingLoop(Scheduler scheduler, Journal journal, Logger log, Supplier<ModuleMonitorSettings> settings,
                   Supplier<Notifier> notifier, ModuleMonitorListener events) {
        this.scheduler = scheduler;
        this.journal = journal;
        this.log = log;
        this.settings = settings;
        this.notifier = notifier;
        this.events = events;
        this.inflight = new InFlightRequest(scheduler, log);
    }

    /** @return the status line, readable from any thread */
    String status() {
        return status;
    }

    void start() {
        if (running) {
            return;
        }
        running = true;
        ModuleMonitorSettings s = settings.get();
        errors = 0;
        link = s.preferred();
        journal.info("Module monitor started: pinging the {} module over {} every {} ms", s.moduleName(), link,
                s.timeoutMillis());
        ping();
        refreshStatus();
    }

    void halt(String why) {
        if (!running) {
            return;
        }
        running = false;
        if (nextPing != null) {
            nextPing.cancel();
            nextPing = null;
        }
        inflight.cancel();
        journal.info("Module monitor {}", why);
        refreshStatus();
    }

    void applySettings(ModuleMonitorSettings old, ModuleMonitorSettings now) {
        if (!running) {
            refreshStatus();
            return;
        }
        if (errors == 0 && link == old.preferred()) {
            link = now.preferred();
        }
        if (nextPing != null) {
            long oldDelay = nextPingIsRetry ? old.retryDelayMillis() : old.timeoutMillis();
            long newDelay = nextPingIsRetry ? now.retryDelayMillis() : now.timeoutMillis();
            if (oldDelay != newDelay) {
                nextPing.cancel();
                long due = nextPingBase + newDelay;
                nextPing = scheduler.schedule(this::ping, due - scheduler.nowMillis());
                journal.info("Ping {} changed from {} ms to {} ms; next ping due in {} ms",
                        nextPingIsRetry ? "retry delay" : "period", oldDelay, newDelay,
                        Math.max(0L, due - scheduler.nowMillis()));
            }
        }
        refreshStatus();
    }

    private void ping() {
        nextPing = null;
        if (!running) {
            return;
        }
        ModuleMonitorSettings s = settings.get();
        Notifier n = notifier.get();
        if (n == null) {
            // No local notifier is a problem of this node, not evidence against the primary: do not count it.
            if (!warnedNoNotifier) {
                journal.warn("No notifier service: cannot ping the {} module; trying again every {} ms",
                        s.moduleName(), s.timeoutMillis());
                warnedNoNotifier = true;
            }
            scheduleNext(s.timeoutMillis(), false);
            return;
        }
        warnedNoNotifier = false;
        inflight.send(n, link, EventIds.MODULE_PING, s.timeoutMillis(), this::onOutcome);
    }

    private void onOutcome(Link used, Response response) {
        ModuleMonitorSettings s = settings.get();
        String detail = response.detail() == null || response.detail().isEmpty() ? "" : " (" + response.detail() + ")";
        switch (response.outcome()) {
            case REPLY -> {
                byte[] body = response.payload();
                if (body == null || body.length != Long.BYTES) {
                    failure(s, used, "got a reply without a valid incarnation id ("
                            + (body == null ? 0 : body.length) + " bytes, 8 expected)", false);
                } else {
                    success(s, used, ByteBuffer.wrap(body).getLong());
                }
            }
            case REJECTED -> failure(s, used, "was rejected" + detail, true);
            case TIMEOUT -> failure(s, used, "got no reply within " + s.timeoutMillis() + " ms" + detail, false);
            case CONNECTION_LOST -> failure(s, used, "lost its connection" + detail, false);
            case CANCELLED -> {
                // Not ours (we cancel only when stopping): keep the loop alive without counting it.
                journal.info("Ping of the {} module over {} was cancelled by the notifier{}; next ping in {} ms",
                        s.moduleName(), used, detail, s.timeoutMillis());
                scheduleNext(s.timeoutMillis(), false);
            }
            default -> throw new IllegalStateException("unknown outcome " + response.outcome());
        }
        refreshStatus();
    }

    private void success(ModuleMonitorSettings s, Link used, long incarnation) {
        int hadErrors = errors;
        errors = 0;
        link = s.preferred();
        RestartTracker.Observation o = restarts.observe(incarnation, scheduler.nowMillis(),
                s.restartsPeriodMillis());
        if (hadErrors > 0 || used != s.preferred()) {
            journal.info("Reply from the {} module over {} (incarnation {}): error count reset, back on {}",
                    s.moduleName(), used, incarnation, link);
        } else {
            journal.debug("Reply from the {} module over {} (incarnation {}); next ping in {} ms",
                    s.moduleName(), used, incarnation, s.timeoutMillis());
        }
        scheduleNext(s.timeoutMillis(), false);
        if (o.restarted()) {
            boolean tooManyInARow = o.sequential() > s.maxSequentialRestarts();
            boolean tooManyInWindow = o.inWindow() > s.maxRestarts();
            if (tooManyInARow || tooManyInWindow) {
                String why = tooManyInARow
                        ? String.format("the %s module restarted on %d consecutive replies (%s = %d)",
                                s.moduleName(), o.sequential(), ServerParameters.SWITCHOVER_MAX_SEQUENTIAL_RESTARTS,
                                s.maxSequentialRestarts())
                        : String.format("the %s module restarted %d times within %d s (%s = %d)",
                                s.moduleName(), o.inWindow(), s.restartsPeriodS(),
                                ServerParameters.SWITCHOVER_MAX_RESTARTS, s.maxRestarts());
                restarts.resetSequential();
                journal.warn("Module restarting too often: {}; signalling that the module is down", why);
                events.moduleRestartingTooOften(why);
                return;
            }
            journal.info("The {} module restarted (new incarnation {}): {} restart(s) within {} s, {} in a row",
                    s.moduleName(), incarnation, o.inWindow(), s.restartsPeriodS(), o.sequential());
        }
        events.systemOk(incarnation);
    }

    private void failure(ModuleMonitorSettings s, Link used, String what, boolean rejected) {
        errors++;
        int max = s.maxFailures();
        long delay = rejected ? s.timeoutMillis() : s.retryDelayMillis();
        String next = rejected ? "next ping after the regular period of " + delay + " ms"
                : "retry in " + delay + " ms";
        if (errors < max) {
            journal.warn("Ping of the {} module over {} {}: error count {} within maximum {}; {}",
                    s.moduleName(), used, what, errors, max, next);
            scheduleNext(delay, !rejected);
            return;
        }
        Link alternate = s.alternate();
        if (link == s.preferred() && linkActive(alternate)) {
            journal.warn("Ping of the {} module over {} {}: maximum error count {} reached on {}; error count "
                    + "reset, trying the alternate connection {}; {}", s.moduleName(), used, what, max, link,
                    alternate, next);
            errors = 0;
            link = alternate;
            scheduleNext(delay, !rejected);
            return;
        }
        String why = link == s.preferred()
                ? String.format("%d pings of the %s module failed on %s and the alternate connection %s is not up",
                        max, s.moduleName(), link, alternate)
                : String.format("%d pings of the %s module failed on %s and %d more on the alternate %s",
                        max, s.moduleName(), s.preferred(), max, link);
        journal.warn("Ping of the {} module over {} {}: maximum error count {} reached; signalling that the "
                + "module is down ({})", s.moduleName(), used, what, max, why);
        errors = 0;
        link = s.preferred();
        scheduleNext(delay, !rejected);
        events.moduleDown(why);
    }

    private boolean linkActive(Link l) {
        Notifier n = notifier.get();
        try {
            return n != null && n.status(l).isActive();
        } catch (RuntimeException e) {
            log.warn("Could not read the status of the {} connection", l, e);
            return false;
        }
    }

    private void scheduleNext(long delayMillis, boolean retry) {
        if (nextPing != null) {
            nextPing.cancel();
        }
        nextPingBase = scheduler.nowMillis();
        nextPingIsRetry = retry;
        nextPing = scheduler.schedule(this::ping, delayMillis);
    }

    void refreshStatus() {
        ModuleMonitorSettings s = settings.get();
        long now = scheduler.nowMillis();
        Long last = restarts.lastIncarnation();
        status = String.format("%s monitor %s: connection %s, errors %d/%d, incarnation %s, restarts %d in %d s",
                s.moduleName(), running ? "running" : "stopped", link, errors, s.maxFailures(),
                last == null ? "none yet" : last.toString(), restarts.inWindow(now, s.restartsPeriodMillis()),
                s.restartsPeriodS());
    }
}
