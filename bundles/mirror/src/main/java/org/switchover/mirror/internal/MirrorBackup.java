package org.switchover.mirror.internal;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.api.notifier.EventIds;
import org.switchover.api.notifier.Notifier;
import org.switchover.api.notifier.StreamListener;
import org.switchover.api.notifier.StreamPosition;
import org.switchover.api.notifier.StreamSubscription;
import org.switchover.api.time.Cancellable;
import org.switchover.api.time.Scheduler;
import org.switchover.support.log.LogText;
import org.switchover.support.log.RateLimitedLog;

/**
 * The backup's side of directory mirroring, created when this node starts following and {@link #close() closed}
 * when it stops: follows stream {@value EventIds#MIRROR_STREAM} (each change message brings its path in line with the
 * primary), compares every continuous root when the stream cannot resume, copies the Handler Path and
 * InitialMirrorDir once at start (retried until done), runs the {@link FileMonitorHealthCheck}, and every Mirror Write
 * Retry Interval compares again the paths this node's disk refused ({@link WriteFailures}) until they are written.
 *
 * <p>Driven on the mirror's control thread; changes are applied on the notifier's subscription thread. Every write
 * to the local tree happens under one lock.
 */
final class MirrorBackup implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MirrorBackup.class);
    /** Refusals a peer can repeat at will: one WARN per kind a minute, the rest counted. */
    private final RateLimitedLog refusals = RateLimitedLog.perPeriod(LOG::warn, 60_000L);
    /** Pause before the start-up copy is tried again when the primary could not be asked. */
    static final long START_RETRY_MILLIS = 5000;
    /** More refused paths than this under one root are retried with one comparison of the whole root. */
    static final int RETRY_PATHS_PER_ROOT = 32;

    private final Scheduler control;
    private final Follower follower;
    private final Supplier<MirrorSettings.Plan> plan;
    private final FileMonitorHealthCheck health;
    private final Clock wallClock;
    private final ReentrantLock applyLock = new ReentrantLock();
    private final StreamSubscription subscription;
    private Cancellable startTask;
    private Cancellable retryTask;
    /** Roots the primary does not have, logged once (INFO) until the primary has them again. */
    private final Set<MirrorRoot> missingOnPrimary = new HashSet<>();
    private boolean startCopyDone;
    private boolean closed;

    /**
     * Starts following, schedules the start-up copy and starts the health check.
     *
     * @param plan what this backup mirrors in its current state
     * @param wallClock the backup's lag figure: the time a change is applied minus the primary's time of it
     */
    MirrorBackup(Notifier notifier, Scheduler control, Follower follower, Supplier<MirrorSettings.Plan> plan,
            FileMonitorHealthCheck health, MirrorSettings settings, Clock wallClock) {
        this.control = control;
        this.follower = follower;
        this.plan = plan;
        this.health = health;
        this.wallClock = wallClock;
        this.subscription = notifier.follow(EventIds.MIRROR_STREAM, StreamPosition.NONE, new Listener());
        this.startTask = control.schedule(this::startCopy, 0);
        health.start(settings.healthIntervalS(), settings.healthTimeoutS());
        follower.failures.period(settings.writeRetryS());
        this.retryTask = control.schedule(this::retryFailed, settings.writeRetryS() * 1000L);
        LOG.info("Mirror: following the primary's changes");
    }

    /** @return the subscription to the primary's stream */
    StreamSubscription subscription() {
        return subscription;
    }

    /** Handler Path and InitialMirrorDir: copied once when this node starts as backup, retried until done. */
    private void startCopy() {
        if (closed || startCopyDone) {
            return;
        }
        try {
            MirrorSettings.Plan p = plan.get();
            for (MirrorRoot r : p.atStart()) {
                syncLogged(r, "", p.exceptions());
            }
            startCopyDone = true;
        } catch (IOException e) {
            LOG.warn("Mirror: the start-up copy could not finish ({}); trying again in {} s", e.getMessage(),
                    START_RETRY_MILLIS / 1000);
            startTask = control.schedule(this::startCopy, START_RETRY_MILLIS);
        }
    }

    /**
     * New parameters: roots this backup now follows and did not before are compared at once; a changed health
     * interval or timeout restarts the check.
     *
     * @param was the plan under the previous parameters, in the current state
     */
    void settingsChanged(MirrorSettings before, MirrorSettings now, MirrorSettings.Plan was) {
        MirrorSettings.Plan p = plan.get();
        for (MirrorRoot r : p.continuous()) {
            if (!was.continuous().contains(r)) {
                try {
                    syncLogged(r, "", p.exceptions());
                } catch (IOException e) {
                    LOG.warn("Mirror: new root {} not copied yet: {}", r, e.getMessage());
                }
            }
        }
        if (before.healthIntervalS() != now.healthIntervalS() || before.healthTimeoutS() != now.healthTimeoutS()) {
            health.start(now.healthIntervalS(), now.healthTimeoutS());
        }
        if (before.writeRetryS() != now.writeRetryS()) {
            follower.failures.period(now.writeRetryS());
            retryTask.cancel();
            retryTask = control.schedule(this::retryFailed, now.writeRetryS() * 1000L);
        }
    }

    /**
     * On the control thread every Mirror Write Retry Interval: compares again each path this node's disk refused
     * (many under one root: the whole root, once), so that what was refused is written once the disk lets it. Roots
     * no longer mirrored in the current state are forgotten.
     */
    private void retryFailed() {
        if (closed) {
            return;
        }
        WriteFailures failures = follower.failures;
        retryTask = control.schedule(this::retryFailed, failures.periodMillis());
        MirrorSettings.Plan p = plan.get();
        List<MirrorRoot> mirrored = new ArrayList<>(p.continuous());
        mirrored.addAll(p.atStart());
        failures.retain(mirrored);
        Map<MirrorRoot, List<String>> byRoot = new LinkedHashMap<>();
        for (WriteFailures.Key k : failures.keys()) {
            byRoot.computeIfAbsent(k.root(), r -> new ArrayList<>()).add(k.path());
        }
        retry:
        for (Map.Entry<MirrorRoot, List<String>> e : byRoot.entrySet()) {
            List<String> paths = e.getValue().size() > RETRY_PATHS_PER_ROOT ? List.of("") : e.getValue();
            for (String path : paths) {
                if (!path.isEmpty() && !failures.keys().contains(new WriteFailures.Key(e.getKey(), path))) {
                    continue; // written meanwhile by a comparison of a directory above it
                }
                try {
                    syncLogged(e.getKey(), path, p.exceptions());
                } catch (Follower.TransferBroken b) {
                    // the primary cannot be asked now: the next round tries again
                    LOG.info("Mirror: retry of the changes not written yet stopped: {}", b.getMessage());
                    break retry;
                } catch (IOException refusedByPrimary) {
                    LOG.info("Mirror: {}/{} not retried now: {}", e.getKey(), path, refusedByPrimary.getMessage());
                }
            }
        }
        long heldBack = failures.takeHeldBack();
        failures.summary().ifPresent(s -> LOG.warn("Mirror: {}{}", s, heldBack == 0 ? ""
                : " (" + heldBack + " repeated failure(s) since the last summary not logged one by one)"));
    }

    private void syncLogged(MirrorRoot root, String scope, Extensions exceptions) throws IOException {
        applyLock.lock();
        try {
            String what = follower.sync(root, scope, exceptions);
            if (!what.isEmpty() && !"in step".equals(what)) {
                LOG.info("Mirror: {}{}: {}", root, scope.isEmpty() ? "" : "/" + scope, what);
            }
            if (scope.isEmpty() && missingOnPrimary.remove(root)) {
                LOG.info("Mirror: root {} exists on the primary now and is mirrored", root);
            }
        } catch (Follower.TransferBroken e) {
            throw e;
        } catch (IOException e) {
            if (Server.isMissingRoot(e.getMessage())) {
                // expected: the shipped roots need not all exist (a Linux primary has no D:\I3\IC\...); what this
                // backup could not write under it has nothing to catch up with any more
                follower.failures.forget(root);
                if (missingOnPrimary.add(root)) {
                    LOG.info("Mirror: root {} does not exist on the primary; left alone here until it does", root);
                }
                return;
            }
            if (scope.isEmpty()) {
                LOG.warn("Mirror: root {} not mirrored: {}", root, e.getMessage());
                return;
            }
            throw e;
        } finally {
            applyLock.unlock();
        }
    }

    /** Applies the primary's stream on the notifier's subscription thread. */
    private final class Listener implements StreamListener {
        @Override
        public void onMessage(String replicationId, long sequence, byte[] payload) throws Exception {
            Wire.Change c;
            try {
                c = Wire.change(payload);
            } catch (IOException | IllegalArgumentException e) {
                refusals.log("malformed change", "Mirror: change message {} is malformed and ignored: {}", sequence,
                        LogText.escape(e.getMessage()));
                return;
            }
            MirrorSettings.Plan p = plan.get();
            MirrorRoot root = p.find(c.root());
            if (root == null) {
                LOG.debug("Mirror: change under {} ignored: not mirrored continuously here in this state",
                        c.root());
                return;
            }
            try {
                syncLogged(root, c.scope(), p.exceptions());
            } catch (Follower.TransferBroken e) {
                throw e;
            } catch (IOException e) {
                LOG.info("Mirror: {} under {} not applied now: {}", c.scope(), c.root(), e.getMessage());
            }
            if (c.seenMillis() > 0) {
                follower.lastLagMillis = wallClock.millis() - c.seenMillis();
            }
        }

        @Override
        public void onResync(String replicationId, long headSequence) throws Exception {
            LOG.info("Mirror: comparing every continuously mirrored root with the primary (replication id {})",
                    replicationId);
            MirrorSettings.Plan p = plan.get();
            for (MirrorRoot r : p.continuous()) {
                syncLogged(r, "", p.exceptions());
            }
        }
    }

    /** Stops following and the health check. */
    @Override
    public void close() {
        closed = true;
        startTask.cancel();
        retryTask.cancel();
        health.stop();
        follower.failures.clear();
        subscription.close();
        LOG.info("Mirror: stopped following the primary");
    }
}
