package org.switchover.dssync.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.api.time.Cancellable;
import org.switchover.api.time.Scheduler;

/**
 * DS sync's primary part after the primary role ended, until the backup has what it published. The role condition
 * goes before the host's last writes are through: a write committed just before (its sync-mode wait for the
 * backup's acknowledgement still running) or just after it (the host's store does not ask for the role) is on this
 * part's stream, and closing the stream with the role released such a write as confirmed while the backup had not
 * applied it, and dropped what was published but not yet sent. The backup then took over without it, and this node,
 * once it followed the new primary, copied the older tree over its own (fault harness seed 6748226892438024993: a
 * load confirmed "synchronously" just before a controlled hand-off was older on the surviving node).
 *
 * <p>So the part keeps publishing after the role (under its replication id; no new publisher for an epoch change),
 * and the controlled hand-over ({@link #handOver}, the work of DS sync's
 * {@link org.switchover.api.HandOverParticipant}) waits until the backup acknowledged the stream's head, then closes
 * it. Without a hand-over (a demotion, a split brain healed) it closes {@link #KEEP_MILLIS} after the role ended, or
 * when the node takes a role again. Confined to the roles component's control thread.
 */
final class LeavingPrimary {

    private static final Logger LOG = LoggerFactory.getLogger(LeavingPrimary.class);
    /** How long the part keeps publishing after the role ended when no hand-over closes it first (ms). */
    static final long KEEP_MILLIS = 10_000;

    private final Scheduler timers;
    private final Executor control;
    private DsSyncPrimary side;
    private Cancellable bound;

    /**
     * @param timers the hand-over's bound and {@link #KEEP_MILLIS}
     * @param control runs a task on the roles component's control thread
     */
    LeavingPrimary(Scheduler timers, Executor control) {
        this.timers = timers;
        this.control = control;
    }

    /** The primary role ended: {@code p} keeps publishing until the backup has its stream (control thread). */
    void add(DsSyncPrimary p) {
        close("a newer primary part left the role");
        p.leaveRole();
        side = p;
        LOG.info("DS sync: the primary role ended; the stream stays open until the backup has acknowledged what it"
                + " carries (head {}, acknowledged {})", p.head(), p.acknowledged());
        bound = timers.schedule(() -> post(() -> {
            if (side == p) {
                close("no hand-over closed it within " + KEEP_MILLIS / 1000 + " s of the end of the role");
            }
        }), KEEP_MILLIS);
    }

    /** @return whether a part is leaving */
    boolean active() {
        return side != null;
    }

    /** Closes the leaving part, if any, saying why (control thread). */
    void close(String why) {
        DsSyncPrimary p = side;
        if (p == null) {
            return;
        }
        side = null;
        if (bound != null) {
            bound.cancel();
            bound = null;
        }
        long head = p.head();
        long acked = p.acknowledged();
        if (acked < head) {
            LOG.warn("DS sync: stream of the former primary part closed ({}) with messages {}-{} not acknowledged by"
                    + " the backup: the changes they carry may be missing on the new primary until its next full"
                    + " compare with this node", why, acked + 1, head);
        } else {
            LOG.info("DS sync: stream of the former primary part closed ({}); the backup acknowledged every message"
                    + " (head {})", why, head);
        }
        p.close();
    }

    /**
     * The controlled hand-over on the old primary, once its host stopped taking work (control thread): completes once
     * the backup acknowledged the head of the leaving stream (which is then closed), or at 4/5 of the budget with a
     * warning naming the messages not acknowledged (the stream then stays open until {@link #KEEP_MILLIS}, in case
     * they still land before the backup takes over).
     *
     * @param budgetMillis how long the core waits at most for its participants (ms)
     * @return one line for the core's hand-over log line
     */
    CompletableFuture<String> handOver(long budgetMillis) {
        DsSyncPrimary p = side;
        if (p == null) {
            return CompletableFuture.completedFuture("DS sync: no stream to hand over");
        }
        long t0 = timers.nowMillis();
        long head = p.head();
        CompletableFuture<String> done = new CompletableFuture<>();
        long wait = Math.max(1, budgetMillis * 4 / 5);
        Cancellable timer = timers.schedule(() -> post(() -> finish(done, p, head, t0, wait)), wait);
        done.whenComplete((x, e) -> timer.cancel());
        p.whenAcknowledged(head).whenComplete((x, e) -> post(() -> finish(done, p, head, t0, wait)));
        return done;
    }

    /** Runs {@code task} on the control thread; nothing once DS sync stopped (the part was closed with it). */
    private void post(Runnable task) {
        try {
            control.execute(task);
        } catch (RejectedExecutionException e) {
            LOG.debug("DS sync: control thread stopped; {}", e.toString());
        }
    }

    private void finish(CompletableFuture<String> done, DsSyncPrimary p, long head, long t0, long wait) {
        if (done.isDone()) {
            return;
        }
        long ms = timers.nowMillis() - t0;
        long acked = p.acknowledged();
        if (acked >= head) {
            if (side == p) {
                close("handed over");
            }
            done.complete("DS sync: the backup applied every change up to the stream's head " + head + " after the"
                    + " host stopped, in " + ms + " ms");
            return;
        }
        LOG.warn("DS sync: the backup had not acknowledged every message {} ms into the hand-over (its share of the"
                + " budget: {} ms): messages {}-{} not acknowledged; the changes they carry may be missing on the new"
                + " primary (the stream stays open up to {} s after the role in case they land before it takes"
                + " over)", ms, wait, acked + 1, head, KEEP_MILLIS / 1000);
        done.complete("DS sync: NOT ACKNOWLEDGED within " + ms + " ms: messages " + (acked + 1) + "-" + head);
    }
}
