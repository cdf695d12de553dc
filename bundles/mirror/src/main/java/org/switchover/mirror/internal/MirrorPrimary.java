package org.switchover.mirror.internal;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.api.notifier.MirrorMessages;
import org.switchover.api.notifier.Notifier;
import org.switchover.api.notifier.StreamPublisher;
import org.switchover.api.time.Scheduler;

/**
 * The primary's side of directory mirroring, created when this node starts serving and {@link #close() closed} when
 * it stops: publishes every change the {@link FileMonitor} reports on stream {@value MirrorMessages#STREAM}
 * (replication id = the primary's epoch), answers the File Monitor health check, and carries out the operator's
 * {@code switchover:mirror-monitor} actions. The manifest and chunk requests are answered by {@link Server}, which
 * needs no state of this side.
 *
 * <p>Created and driven on the mirror's control thread; {@link #answerHealth()} and the status getters may be called
 * from any thread.
 */
final class MirrorPrimary implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MirrorPrimary.class);
    /** How long the health answer waits for the file monitor's turn before it gives up. */
    static final long HEALTH_ANSWER_MILLIS = PrimaryRequests.REQUEST_TIMEOUT.toMillis();

    private final StreamPublisher publisher;
    private final VfsFiles files;
    private final Clock wallClock;
    /** A new thread (or, in tests, virtual time) for each monitor started: monitor number to scheduler. */
    private final Function<Integer, Scheduler> monitorThreads;
    private int monitors;
    private MirrorSettings settings;
    private volatile FileMonitor monitor; // written on the control thread; read by the health answer too
    private Scheduler monitorThread;

    /**
     * Starts publishing under {@code replicationId} and starts the file monitor.
     *
     * @param wallClock stamps each change with the time it was seen (the backup's lag figure)
     * @param monitorThreads gives the scheduler of the n-th file monitor; closed with {@link #stopped} when the
     *     monitor stops
     */
    MirrorPrimary(Notifier notifier, String replicationId, MirrorSettings settings, VfsFiles files, Clock wallClock,
            Function<Integer, Scheduler> monitorThreads) {
        this.files = files;
        this.wallClock = wallClock;
        this.monitorThreads = monitorThreads;
        this.settings = settings;
        this.publisher = notifier.publish(MirrorMessages.STREAM, replicationId);
        startMonitor();
        LOG.info("Mirror: serving {} continuously mirrored root(s) under replication id {}",
                settings.continuous().size(), replicationId);
    }

    /** @return the replication id this side publishes under */
    String replicationId() {
        return publisher.replicationId();
    }

    private void startMonitor() {
        List<FileMonitor.Watched> roots = new ArrayList<>();
        MirrorSettings s = settings;
        for (MirrorRoot r : s.continuous()) {
            Path dir = s.mapper().local(r.path());
            if (dir != null) {
                roots.add(new FileMonitor.Watched(r, dir)); // a missing directory is watched once it appears
            } else {
                LOG.info("Mirror root {} has no place on this node (map it with {} or {}); not watched", r,
                        MirrorComponent.ROOT_MAP, MirrorComponent.BASE_DIR);
            }
        }
        monitorThread = monitorThreads.apply(++monitors);
        monitor = new FileMonitor(roots, c -> publisher.publish(Wire.change(stamped(c))), files, monitorThread);
    }

    private void stopMonitor() {
        FileMonitor m = monitor;
        if (m != null) {
            m.close();
            monitor = null;
        }
        if (monitorThread != null) {
            stopped(monitorThread);
            monitorThread = null;
        }
    }

    /** Stops the scheduler of a monitor that stopped (a {@link org.switchover.api.time.SystemScheduler}'s thread). */
    private static void stopped(Scheduler s) {
        if (s instanceof org.switchover.api.time.SystemScheduler system) {
            system.shutdown();
        }
    }

    private Wire.Change stamped(Wire.Change c) {
        return new Wire.Change(c.root(), c.recursive(), c.scope(), wallClock.millis());
    }

    /** Asks the backup to compare a whole root: what changed there while nothing watched it is unknown. */
    private void publishWhole(MirrorRoot r) {
        publisher.publish(Wire.change(stamped(new Wire.Change(r.path(), r.recursive(), "", 0L))));
    }

    /** New parameters: a changed set of roots restarts the monitor; roots new to it are compared whole. */
    void settingsChanged(MirrorSettings before, MirrorSettings now) {
        settings = now;
        boolean rootsChanged = !before.continuous().equals(now.continuous())
                || !Objects.equals(before.exceptions().toString(), now.exceptions().toString())
                || before.mapper() != now.mapper();
        if (!rootsChanged) {
            return;
        }
        stopMonitor();
        startMonitor();
        for (MirrorRoot r : now.continuous()) {
            if (!before.continuous().contains(r)) {
                publishWhole(r);
            }
        }
    }

    /**
     * The File Monitor health answer: the monitor itself must take a turn (see {@link FileMonitor#ping()}), so a
     * stopped monitor fails at once and a hung one does not answer (the backup's timeout decides). Bounded here
     * too, so that a hung monitor does not pile up open answers.
     */
    CompletionStage<byte[]> answerHealth() {
        FileMonitor m = monitor;
        if (m == null) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("the file monitor is not running"));
        }
        int roots = settings.continuous().size();
        return m.ping().orTimeout(HEALTH_ANSWER_MILLIS, TimeUnit.MILLISECONDS)
                .handle((ok, e) -> {
                    if (e != null) {
                        Throwable t = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                        throw new IllegalArgumentException(t instanceof TimeoutException
                                ? "the file monitor did not answer" : t.getMessage());
                    }
                    return ("file monitor running, watching " + roots + " root(s)").getBytes(StandardCharsets.UTF_8);
                });
    }

    /**
     * One of {@code stop|start|hang|status} of {@code switchover:mirror-monitor}, on the control thread.
     *
     * @return what happened, for the shell
     */
    String monitorAction(String action) {
        switch (action) {
            case "stop" -> {
                if (monitor == null) {
                    return "The file monitor is already stopped.";
                }
                stopMonitor();
                LOG.warn("Mirror: the file monitor was stopped by the operator; changes are not replicated and the "
                        + "backup's health check will report it");
                return "File monitor stopped. Changes are not replicated until switchover:mirror-monitor start.";
            }
            case "hang" -> {
                if (monitor == null) {
                    return "The file monitor is stopped; start it first.";
                }
                monitor.hang(true);
                LOG.warn("Mirror: the file monitor was stalled by the operator (hang); it reports nothing and "
                        + "answers no health check");
                return "File monitor stalled: it reports no change and answers no health check until "
                        + "switchover:mirror-monitor start.";
            }
            case "start" -> {
                if (monitor != null && monitor.isAlive()) {
                    if (!monitor.isHung()) {
                        return "The file monitor is already running.";
                    }
                    monitor.hang(false);
                    LOG.info("Mirror: the file monitor was released by the operator");
                    return "File monitor released; it reports the changes it saw meanwhile.";
                }
                stopMonitor();
                startMonitor();
                settings.continuous().forEach(this::publishWhole);
                LOG.info("Mirror: the file monitor was restarted by the operator; the backup compares every root");
                return "File monitor started; the backup compares every continuously mirrored root.";
            }
            default -> {
                return "File monitor: " + monitorState();
            }
        }
    }

    /** @return running, hung (stalled) or stopped */
    String monitorState() {
        FileMonitor m = monitor;
        return m == null || !m.isAlive() ? "stopped" : m.isHung() ? "hung (stalled)" : "running";
    }

    /** @return the status lines of this side for {@code switchover:mirror-status} */
    String status() {
        return "File monitor: " + monitorState() + "\nStream: head " + publisher.headSequence() + ", acknowledged "
                + publisher.acknowledgedSequence() + "\n";
    }

    /** Stops the file monitor and the stream. */
    @Override
    public void close() {
        stopMonitor();
        publisher.close();
    }
}
