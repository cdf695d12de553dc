package org.switchover.console.internal;

import java.util.concurrent.CompletableFuture;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.api.time.Cancellable;
import org.switchover.api.time.Scheduler;

/**
 * Keeps the control endpoint of {@code bin/switchoverctl} running while it is enabled. A start that fails - the data
 * directory's disk full or read-only, a loopback port refused - is logged with its cause and tried again every
 * {@link #RETRY_MILLIS} until it works or the endpoint is turned off: a node that came up while its disk was full
 * becomes reachable again once space is back, without a restart. The first failure is an ERROR, a still failing
 * endpoint is reported again every {@link #REPORT_EVERY} attempts (once a minute), and the start that finally works
 * says how many attempts failed before it.
 *
 * <p>All state lives on the scheduler's thread; {@link #enable} and {@link #close} may be called from any thread.
 */
final class ControlStarter {

    private static final Logger LOG = LoggerFactory.getLogger(ControlStarter.class);
    /** The pause between two attempts to start a failed endpoint. */
    static final long RETRY_MILLIS = 5_000L;
    /** A failing endpoint is logged again after this many attempts. */
    static final int REPORT_EVERY = 12;

    /** Starts one endpoint; what it returns stops it. */
    interface Starter {
        AutoCloseable start() throws Exception;
    }

    private final Scheduler scheduler;
    private final Starter starter;
    private final String where;
    private boolean wanted;
    private AutoCloseable running;
    private Cancellable retry;
    private int failures;

    /** @param where the directory the endpoint writes its port and token files to, for the log lines */
    ControlStarter(Scheduler scheduler, Starter starter, String where) {
        this.scheduler = scheduler;
        this.starter = starter;
        this.where = where;
    }

    /** Starts (and keeps trying to start) or stops the endpoint. */
    void enable(boolean on) {
        scheduler.execute(() -> {
            wanted = on;
            if (on) {
                attempt();
            } else {
                stop();
            }
        });
    }

    /** Stops the endpoint and every retry; the answer completes once it is stopped. */
    CompletableFuture<Void> close() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        scheduler.execute(() -> {
            wanted = false;
            stop();
            done.complete(null);
        });
        return done;
    }

    private void attempt() {
        if (!wanted || running != null) {
            return;
        }
        retry = null;
        try {
            running = starter.start();
        } catch (Exception e) {
            failures++;
            if (failures == 1) {
                LOG.error("The control endpoint could not start in {}: {}; bin/switchoverctl will not reach this node"
                        + " until it does (trying again every {} s)", where, e.toString(), RETRY_MILLIS / 1000);
            } else if (failures % REPORT_EVERY == 0) {
                LOG.error("The control endpoint still cannot start in {} after {} attempts: {}", where, failures,
                        e.toString());
            }
            retry = scheduler.schedule(this::attempt, RETRY_MILLIS);
            return;
        }
        if (failures > 0) {
            LOG.info("The control endpoint started in {} after {} failed attempts", where, failures);
        }
        failures = 0;
    }

    private void stop() {
        if (retry != null) {
            retry.cancel();
            retry = null;
        }
        failures = 0;
        if (running != null) {
            try {
                running.close();
            } catch (Exception e) {
                LOG.warn("Stopping the control endpoint: {}", e.toString());
            }
            running = null;
        }
    }

    /** @return whether the endpoint runs now (for tests; read on the scheduler's thread) */
    boolean running() {
        return running != null;
    }
}
