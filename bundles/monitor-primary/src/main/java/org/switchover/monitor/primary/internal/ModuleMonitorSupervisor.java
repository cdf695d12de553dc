package org.switchover.monitor.primary.internal;

import java.util.function.Supplier;

import org.switchover.api.monitor.ModuleMonitor;

/**
 * Supervision of the module monitor (spec sections 5.4 and 5.5.7, DECISIONS.md "Stopping the module monitor" and
 * "Watchdog"): starts, stops and restarts it, queues a restart while there is no {@link ModuleMonitor} service, and
 * answers the state machine's watchdog poll by comparing the time since the module monitor's last event with the
 * longest silence a working one can produce. Confined to the monitor's scheduler thread.
 */
final class ModuleMonitorSupervisor {

    private final MonitorContext ctx;
    private final Supplier<ModuleMonitor> moduleMonitor;
    private boolean restartRequested;
    private boolean trackingSuspended;
    private long lastEventAt;

    /**
     * @param ctx the monitor's shared parts
     * @param moduleMonitor the module monitor service, null while there is none
     */
    ModuleMonitorSupervisor(MonitorContext ctx, Supplier<ModuleMonitor> moduleMonitor) {
        this.ctx = ctx;
        this.moduleMonitor = moduleMonitor;
    }

    /** The primary monitor starts: tracking from now, and the module monitor starts too. */
    void begin() {
        trackingSuspended = false;
        lastEventAt = ctx.scheduler().nowMillis();
        ModuleMonitor mm = moduleMonitor.get();
        if (mm == null) {
            restartRequested = true;
            ctx.journal().info("No module monitor service yet; it will be started when it appears");
            return;
        }
        restartRequested = false;
        mm.start();
    }

    /** A module-monitor event (SYSTEM_OK or MODULE_DOWN) arrived: the watchdog clock restarts. */
    void eventSeen() {
        lastEventAt = ctx.scheduler().nowMillis();
    }

    /** A connection problem: the module monitor stops, the watchdog is suspended until {@link #resume()}. */
    void suspend() {
        trackingSuspended = true;
        stop();
    }

    /** The connections are back: tracking resumes and the module monitor restarts. */
    void resume() {
        trackingSuspended = false;
        restart();
    }

    /** Stops the module monitor and drops a queued restart. */
    void stop() {
        restartRequested = false;
        ModuleMonitor mm = moduleMonitor.get();
        if (mm != null && mm.isRunning()) {
            mm.stop();
            ctx.journal().info("Module monitor stopped");
        }
    }

    /** Restarts the module monitor now, or queues the restart while there is no module monitor service. */
    void restart() {
        ModuleMonitor mm = moduleMonitor.get();
        if (mm == null) {
            restartRequested = true;
            return;
        }
        restartRequested = false;
        mm.stop();
        mm.start();
        lastEventAt = ctx.scheduler().nowMillis();
    }

    /** Serves a queued restart (from the ping loop, or when the service appears) while pinging normally. */
    void serveQueuedRestart(Mode mode) {
        if (restartRequested && (mode == Mode.WATCHING || mode == Mode.RETRYING) && moduleMonitor.get() != null) {
            ctx.journal().info("Serving the queued request to restart the module monitor");
            restart();
        }
    }

    /** The state machine's watchdog poll. */
    void poll(Mode mode) {
        if (mode == Mode.STOPPED) {
            return;
        }
        if (trackingSuspended || (mode != Mode.WATCHING && mode != Mode.RETRYING)) {
            ctx.journal().debug("Watchdog poll: module monitor tracking suspended ({})", mode.name().toLowerCase());
            return;
        }
        ModuleMonitor mm = moduleMonitor.get();
        long now = ctx.scheduler().nowMillis();
        if (mm == null) {
            restartRequested = true;
            ctx.journal().warn("Watchdog poll: no module monitor service; it will be started when it appears");
            return;
        }
        long silent = now - lastEventAt;
        long max = ctx.settings().get().watchdogMaxMillis();
        if (!mm.isRunning()) {
            ctx.journal().warn("Watchdog poll: the module monitor is not running; starting it");
            mm.start();
            lastEventAt = now;
        } else if (silent > max) {
            ctx.journal().warn("Watchdog poll: no module monitor event for {} ms (maximum {} ms); restarting the "
                    + "module monitor", silent, max);
            restart();
            lastEventAt = now;
        } else {
            ctx.journal().debug("Watchdog poll: last module monitor event {} ms ago (maximum {} ms)", silent, max);
        }
    }
}
