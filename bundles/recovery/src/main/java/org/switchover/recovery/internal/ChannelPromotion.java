package org.switchover.recovery.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.api.interaction.Channel;
import org.switchover.api.interaction.Interaction;
import org.switchover.api.interaction.Promotion;
import org.switchover.api.interaction.RecoveryChannel;
import org.switchover.api.interaction.RestoreIssue;

/**
 * The promotion of one channel's shadows into the host: decoded, put through the channel's promotion rule and
 * restored batch by batch, so what a batch needs only on the way (the encoded copy, the shadow before the rule, the
 * rule's working lists) is garbage before the next batch is decoded, and a collection during the promotion copies
 * little besides the restored interactions the host keeps. Every shadow gets a report line: its action and what it
 * lost, or why it was not restored. Runs on the control thread.
 */
final class ChannelPromotion {

    private static final Logger LOG = LoggerFactory.getLogger(ChannelPromotion.class);
    /** Shadows decoded, ruled and restored together. */
    static final int BATCH = 2048;

    private final RecoveryChannel rc;
    private final Channel channel;
    private final RecoveryReport report;
    private final LongSupplier clock;
    private int restored;
    private int lossy;
    private int refused;
    private RuntimeException refusal;

    private ChannelPromotion(RecoveryChannel rc, RecoveryReport report, LongSupplier clock) {
        this.rc = rc;
        this.channel = rc.channel();
        this.report = report;
        this.clock = clock;
    }

    /**
     * Promotes every shadow of {@code b} into the host of {@code rc} and reports it in {@code report}.
     *
     * @param batch shadows per batch
     * @param clock wall clock (ms), given to the promotion rule
     */
    static void promote(RecoveryChannel rc, ChannelBackup b, RecoveryReport report, LongSupplier clock, int batch) {
        new ChannelPromotion(rc, report, clock).run(b, batch);
    }

    private void run(ChannelBackup b, int batch) {
        long t0 = System.nanoTime();
        long now = clock.getAsLong();
        // decoding and the channel's rule (thread-safe, as a RecoveryChannel is) run in parallel within a batch
        b.shadows(batch, shadow -> rule(shadow, now),
                (id, why) -> report.add(channel, id, "not restored", List.of(why)), this::restore);
        report.restored(restored);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        String refusedText = refused == 0 ? "" : "; RESTORE FAILED for " + refused + " interactions: " + refusal;
        report.summary(channel, "promoted " + restored + " shadows in " + ms + " ms; " + lossy
                + " with something not kept" + refusedText);
        LOG.info("Interaction recovery: {} promoted: {} interactions restored with their ids and creation times in"
                + " {} ms; {} with something not kept{}", channel.key(), restored, ms, lossy, refusedText);
    }

    /** @return the channel's promotion of {@code shadow}; a rule that fails restores the shadow as it is */
    private Promotion rule(Interaction shadow, long now) {
        try {
            return rc.promote(shadow, now);
        } catch (RuntimeException e) {
            LOG.error("Interaction recovery: the {} promotion rule failed for {}; restored as shadowed",
                    channel.key(), shadow.id(), e);
            return new Promotion(shadow, "restored as shadowed (rule failed: " + e + ")", List.of());
        }
    }

    /** Restores one batch and reports each of its interactions. */
    private void restore(List<Promotion> batch) {
        if (batch.isEmpty()) {
            return;
        }
        List<Interaction> interactions = new ArrayList<>(batch.size());
        for (Promotion p : batch) {
            interactions.add(p.restored());
        }
        List<RestoreIssue> issues;
        try {
            issues = rc.source().restore(interactions);
        } catch (RuntimeException e) {
            LOG.error("Interaction recovery: the host refused to restore {} {} interactions", batch.size(),
                    channel.key(), e);
            refused += batch.size();
            refusal = e;
            List<String> why = List.of("the host refused the restore: " + e);
            for (Promotion p : batch) {
                report.add(channel, p.restored().id(), "NOT RESTORED", why);
            }
            return;
        }
        Map<String, List<String>> more = new HashMap<>();
        for (RestoreIssue i : issues) {
            more.computeIfAbsent(i.interactionId(), k -> new ArrayList<>(2)).add(i.what());
        }
        for (Promotion p : batch) {
            String id = p.restored().id();
            List<String> extra = more.isEmpty() ? null : more.remove(id);
            List<String> lost = p.lost();
            if (extra != null) {
                lost = new ArrayList<>(lost);
                lost.addAll(extra);
            }
            line(id, p.action(), lost);
        }
        // what the host reports about an interaction it was not given in this batch is kept too
        more.forEach((id, what) -> line(id, "restored", what));
        restored += batch.size();
    }

    private void line(String id, String action, List<String> lost) {
        report.add(channel, id, action, lost);
        if (!lost.isEmpty()) {
            lossy++;
        }
    }
}
