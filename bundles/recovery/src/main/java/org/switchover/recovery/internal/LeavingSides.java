package org.switchover.recovery.internal;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.api.interaction.Channel;
import org.switchover.api.time.Cancellable;
import org.switchover.api.time.Scheduler;

/**
 * The primary sides of a node whose primary role just ended. They are not closed with the role: the role condition
 * goes before the host has stopped taking work (the recovery thread and the host hear of it on their own threads),
 * and a stream closed then drops both the host's last changes and what was published but not yet sent to the
 * backup - interactions that then exist only on the old primary (issue 11 b). So a leaving side keeps publishing what
 * its host reports, and at a controlled hand-over ({@link #handOver}, a
 * {@link org.switchover.api.HandOverParticipant}'s work: the core calls it once the host stopped taking work) the
 * acknowledgement waits until the backup acknowledged each stream's head; then the sides close. Without a hand-over
 * (a demotion, a split brain healed) they close {@link #KEEP_MILLIS} after the role ended, or at the next role.
 *
 * <p>Changed on the service's control thread only; {@link #get} may be read from any thread.
 */
final class LeavingSides {

    private static final Logger LOG = LoggerFactory.getLogger(LeavingSides.class);
    /** How long a side keeps publishing after the primary role ended when no hand-over closes it first (ms). */
    static final long KEEP_MILLIS = 10_000;

    private final Map<Channel, ChannelPrimary> sides = new ConcurrentHashMap<>();
    private final Scheduler timers;
    private final Executor control;
    private Cancellable bound;

    /**
     * @param timers the clock and the timers (the hand-over's budget, {@link #KEEP_MILLIS}); {@code null}: no timers,
     *     the sides close at the next role or hand-over only
     * @param control runs a task on the service's control thread
     */
    LeavingSides(Scheduler timers, Executor control) {
        this.timers = timers;
        this.control = control;
    }

    /** The primary role ended: {@code p} keeps publishing until the backup has its changes (control thread). */
    void add(ChannelPrimary p) {
        p.leaveRole();
        ChannelPrimary old = sides.put(p.channel(), p);
        if (old != null && old != p) {
            close(old, "a newer side of the channel left the primary role");
        }
        LOG.info("Interaction recovery: the primary role ended; {} keeps publishing what the host still reports"
                + " until the backup has acknowledged it (head {}, acknowledged {})", p.channel().key(), p.head(),
                p.acknowledged());
        if (bound == null && timers != null) {
            bound = timers.schedule(() -> control.execute(() -> {
                bound = null;
                closeAll("no hand-over closed it within " + KEEP_MILLIS / 1000 + " s of the end of the role");
            }), KEEP_MILLIS);
        }
    }

    /** @return the leaving side of the channel, or {@code null} */
    ChannelPrimary get(Channel c) {
        return sides.get(c);
    }

    boolean isEmpty() {
        return sides.isEmpty();
    }

    /** Closes the channel's leaving side, if any (control thread). */
    void close(Channel c, String why) {
        ChannelPrimary p = sides.remove(c);
        if (p != null) {
            close(p, why);
        }
        if (sides.isEmpty() && bound != null) {
            bound.cancel();
            bound = null;
        }
    }

    /** Closes every leaving side (control thread). */
    void closeAll(String why) {
        for (Channel c : List.copyOf(sides.keySet())) {
            close(c, why);
        }
    }

    private static void close(ChannelPrimary p, String why) {
        long head = p.head();
        long acked = p.acknowledged();
        if (acked < head) {
            LOG.warn("Interaction recovery: {} stream closed ({}) with changes {}-{} not acknowledged by the backup:"
                    + " the interactions they carry may be missing or stale on the new primary", p.channel().key(),
                    why, acked + 1, head);
        } else {
            LOG.info("Interaction recovery: {} stream closed ({}); the backup acknowledged every change (head {})",
                    p.channel().key(), why, head);
        }
        p.close();
    }

    /**
     * The controlled hand-over, on the old primary once its host stopped taking work (control thread): completes once
     * the backup acknowledged the head of every leaving stream (the sides are then closed), or at 4/5 of the budget
     * with a warning naming what is not acknowledged (the sides then keep publishing until {@link #KEEP_MILLIS}, in
     * case the tail still lands before the new primary promotes).
     *
     * @param budgetMillis how long the core waits at most for its participants (ms)
     * @return one line for the core's hand-over log line
     */
    CompletableFuture<String> handOver(long budgetMillis) {
        if (sides.isEmpty()) {
            return CompletableFuture.completedFuture("interaction recovery: no stream to hand over");
        }
        long t0 = now();
        Map<Channel, Long> heads = new EnumMap<>(Channel.class);
        Map<Channel, ChannelPrimary> handed = new LinkedHashMap<>();
        List<CompletableFuture<Long>> acks = new ArrayList<>();
        for (ChannelPrimary p : sides.values()) {
            long head = p.head();
            heads.put(p.channel(), head);
            handed.put(p.channel(), p);
            acks.add(head == 0 ? CompletableFuture.completedFuture(0L) : p.whenAcknowledged(head)
                    .toCompletableFuture());
        }
        CompletableFuture<String> done = new CompletableFuture<>();
        long wait = Math.max(1, budgetMillis * 4 / 5);
        Cancellable timer = timers == null ? null
                : timers.schedule(() -> control.execute(() -> finish(done, handed, heads, t0, wait)), wait);
        if (timer != null) {
            done.whenComplete((x, e) -> timer.cancel());
        }
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new))
                .whenComplete((x, e) -> control.execute(() -> finish(done, handed, heads, t0, wait)));
        return done;
    }

    private void finish(CompletableFuture<String> done, Map<Channel, ChannelPrimary> handed, Map<Channel, Long> heads,
            long t0, long wait) {
        if (done.isDone()) {
            return;
        }
        List<String> acked = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (Map.Entry<Channel, ChannelPrimary> e : handed.entrySet()) {
            long head = heads.get(e.getKey());
            long ack = e.getValue().acknowledged();
            if (ack >= head) {
                acked.add(e.getKey().key() + " " + head);
            } else {
                missing.add(e.getKey().key() + " changes " + (ack + 1) + "-" + head + " (" + (head - ack) + ")");
            }
        }
        long ms = now() - t0;
        if (missing.isEmpty()) {
            for (Map.Entry<Channel, ChannelPrimary> e : handed.entrySet()) {
                if (sides.get(e.getKey()) == e.getValue()) {
                    close(e.getKey(), "handed over");
                }
            }
            done.complete("interaction recovery: the backup applied every change up to each stream's head after"
                    + " the host stopped (" + String.join(", ", acked) + ") in " + ms + " ms");
            return;
        }
        String what = String.join(", ", missing);
        LOG.warn("Interaction recovery: the backup had not acknowledged every change {} ms into the hand-over (its"
                + " share of the budget: {} ms): {} not acknowledged; the interactions they carry may be missing or"
                + " stale on the new primary (the streams stay open up to {} s after the role in case they land"
                + " before its promotion)", ms, wait, what, KEEP_MILLIS / 1000);
        done.complete("interaction recovery: NOT ACKNOWLEDGED within " + ms + " ms: " + what);
    }

    private long now() {
        return timers == null ? System.currentTimeMillis() : timers.nowMillis();
    }
}
