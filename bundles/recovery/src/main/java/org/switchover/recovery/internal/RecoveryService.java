package org.switchover.recovery.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.api.interaction.Channel;
import org.switchover.api.interaction.Interaction;
import org.switchover.api.interaction.RecoveryChannel;
import org.switchover.api.notifier.EventIds;
import org.switchover.api.notifier.Link;
import org.switchover.api.notifier.Notifier;
import org.switchover.api.notifier.Request;
import org.switchover.api.notifier.Response;
import org.switchover.api.status.RecoveryChannelStatus;
import org.switchover.api.time.Scheduler;
import org.switchover.support.RoleBinding.Role;
import org.switchover.support.log.LogText;
import org.switchover.support.log.RateLimitedLog;

/**
 * The Interaction Recovery Service without OSGi: which channels are enabled (the channel bundles' {@link
 * RecoveryChannel} services), which role this node plays, and per channel the primary side (publishing) or the backup
 * side (shadows). The role and channel methods run on one control thread (the component's); {@link #handle},
 * {@link #warning} and {@link #status} may be called from any thread and read the current sides only.
 *
 * <p>On becoming primary, a channel's backup side is promoted before the channel starts publishing: when its full
 * synchronisation completed, every shadow goes through the channel's promotion rule and into the host's source
 * with its id and creation time; what could not be kept goes into the {@link RecoveryReport}. A channel whose
 * synchronisation had not completed is not promoted (its partial shadows are discarded and the report says so):
 * promoting a partly synchronised copy would resurrect stale state.
 */
final class RecoveryService {

    private static final Logger LOG = LoggerFactory.getLogger(RecoveryService.class);
    /** Refusals a peer can repeat at will: one WARN per kind a minute, the rest counted. */
    private final RateLimitedLog refusals = RateLimitedLog.perPeriod(LOG::warn, 60_000L);
    private static final Duration PAGE_TIMEOUT = Duration.ofSeconds(30);
    /** At a promotion, the longest wait for the shadow observers to take the changes applied before it (ms). */
    static final long OBSERVERS_WAIT_MILLIS = 5000;

    /** Waits between two looks at the streams' quiet (ms); tests replace it. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    private final Notifier notifier;
    private final LongSupplier epoch;
    private final LongSupplier clock;
    private final Consumer<RecoveryReport> reports;
    private final long quietMillis;
    private final long maxWaitMillis;
    // changed on the control thread only; the maps are concurrent so that other threads may read them
    private final Map<Channel, RecoveryChannel> channels = new EnumMap<>(Channel.class);
    private final Map<Channel, ChannelPrimary> primaries = new ConcurrentHashMap<>();
    private final Map<Channel, ChannelBackup> backups = new ConcurrentHashMap<>();
    private final LeavingSides leaving;
    /** Per enabled channel while this node does not publish it: the side listening for a take-over (control thread). */
    private final Map<Channel, ChannelPrimary> starting = new EnumMap<>(Channel.class);
    private final Map<Channel, String> backupFilters = new EnumMap<>(Channel.class);
    private volatile Role role = Role.NONE;
    private volatile RecoveryReport lastReport;
    private volatile long syncPageDelayMillis;
    private volatile Sleeper sleeper = Thread::sleep;
    private final ShadowObservers observers = new ShadowObservers();

    private volatile RecoveryReplication replication = RecoveryReplication.ASYNC;
    /** Whether the core's primary condition is registered now (read on the host's threads); tests replace it. */
    private volatile BooleanSupplier primaryCondition = () -> role == Role.PRIMARY;

    /**
     * @param notifier the node's notifier
     * @param epoch the node's current epoch (part of the replication id)
     * @param clock wall clock (ms), given to the promotion rules
     * @param reports receives each promotion's report (log it, write it)
     * @param quietMillis before a promotion, how long the streams must have been quiet (the tail of a controlled
     *     hand-off still arriving); 0 for none
     * @param maxWaitMillis the longest wait for that quiet
     */
    RecoveryService(Notifier notifier, LongSupplier epoch, LongSupplier clock, Consumer<RecoveryReport> reports,
            long quietMillis, long maxWaitMillis) {
        this(notifier, epoch, clock, reports, quietMillis, maxWaitMillis, null, Runnable::run);
    }

    /**
     * @param timers the timers of a controlled hand-over and of the streams left open after the primary role
     *     ({@link LeavingSides}); {@code null}: none (those streams close at the next role or hand-over)
     * @param control runs a task on the control thread (the timers' tasks and the acknowledgements go through it)
     */
    RecoveryService(Notifier notifier, LongSupplier epoch, LongSupplier clock, Consumer<RecoveryReport> reports,
            long quietMillis, long maxWaitMillis, Scheduler timers, Executor control) {
        this.leaving = new LeavingSides(timers, control);
        this.notifier = notifier;
        this.epoch = epoch;
        this.clock = clock;
        this.reports = reports;
        this.quietMillis = quietMillis;
        this.maxWaitMillis = maxWaitMillis;
    }

    /** Sets the replication mode's source (before the first role; the component's configuration). */
    void replication(RecoveryReplication r) {
        this.replication = r;
    }

    /**
     * Sets where the host's threads read whether this node is primary (the role conditions themselves, before the
     * control thread is told): a change the host makes then, while the channel is not yet published, degrades
     * synchronous replication at once (see {@link ChannelPrimary#starting}).
     */
    void primaryCondition(BooleanSupplier primary) {
        this.primaryCondition = primary;
    }

    /** A channel's service appeared or its properties changed (control thread). */
    void channel(RecoveryChannel c) {
        channels.put(c.channel(), c);
        reconcile();
    }

    /** A channel's service went away (control thread). */
    void channelGone(RecoveryChannel c) {
        if (channels.get(c.channel()) == c) {
            channels.remove(c.channel());
        }
        reconcile();
    }

    /** The role changed (control thread). */
    void role(Role r) {
        role = r;
        reconcile();
    }

    Role role() {
        return role;
    }

    private RecoveryChannel enabled(Channel c) {
        RecoveryChannel rc = channels.get(c);
        return rc != null && rc.enabled() ? rc : null;
    }

    private void reconcile() {
        Role r = role;
        if (r == Role.PRIMARY && !backups.isEmpty()) {
            promote();
        }
        for (Channel c : Channel.values()) {
            RecoveryChannel rc = enabled(c);
            ChannelPrimary p = primaries.get(c);
            ChannelBackup b = backups.get(c);
            boolean wantPrimary = rc != null && r == Role.PRIMARY;
            boolean wantBackup = rc != null && r == Role.BACKUP;
            ChannelPrimary gone = leaving.get(c);
            if (gone != null && (r != Role.NONE || !sameChannel(gone, rc))) {
                leaving.close(c, r != Role.NONE ? "this node is now " + r.name().toLowerCase(Locale.ROOT)
                        : "the channel was disabled or changed");
            }
            if (p != null && (!wantPrimary || p.binding() != rc || !p.filterName().equals(rc.filterName()))) {
                primaries.remove(c);
                if (r == Role.NONE && sameChannel(p, rc)) {
                    // only the role went: the host's last changes still go out (issue 11 b), see LeavingSides
                    leaving.add(p);
                } else {
                    p.close();
                }
                p = null;
            }
            ChannelPrimary s = starting.get(c);
            if (s != null && (rc == null || s.binding() != rc || !s.filterName().equals(rc.filterName()))) {
                starting.remove(c).close();
                s = null;
            }
            if (wantPrimary && p == null) {
                String id = epoch.getAsLong() + "-" + UUID.randomUUID().toString().substring(0, 8);
                starting.remove(c);
                p = s != null ? s : ChannelPrimary.starting(rc, replication, () -> true);
                p.open(notifier, id);
                primaries.put(c, p);
            } else if (rc != null && p == null && s == null) {
                // listens from now on: the host may take work before this thread hears of a take-over
                starting.put(c, ChannelPrimary.starting(rc, replication, () -> primaryCondition.getAsBoolean()));
            }
            if (b != null && rc == null) {
                backups.remove(c).drop();
                backupFilters.remove(c);
                b = null;
            } else if (b != null && wantBackup && !rc.filterName().equals(backupFilters.get(c))) {
                LOG.info("Interaction recovery: {} filter is now '{}': shadows dropped, resynchronising", c.key(),
                        rc.filterName());
                backups.remove(c).drop();
                b = null;
            }
            if (wantBackup) {
                if (b == null) {
                    b = new ChannelBackup(c, notifier, this::fetch, observers);
                    backups.put(c, b);
                }
                backupFilters.put(c, rc.filterName());
                b.follow();
            } else if (b != null) {
                b.pause();
            }
        }
    }

    private static boolean sameChannel(ChannelPrimary p, RecoveryChannel rc) {
        return rc != null && p.binding() == rc && p.filterName().equals(rc.filterName());
    }

    /**
     * The old primary's part of a controlled hand-over, once its host stopped taking work (control thread): see
     * {@link LeavingSides#handOver}.
     *
     * @param budgetMillis how long the core waits at most (ms)
     * @return completes with the line for the core's log once the backup acknowledged every stream's head, or with
     *     what it had not acknowledged at 4/5 of the budget
     */
    CompletableFuture<String> handOver(long budgetMillis) {
        return leaving.handOver(budgetMillis);
    }

    /** Promotes every channel's shadows into the host (control thread, on becoming primary). */
    private void promote() {
        // the tail of the stream (the last changes of a controlled hand-off) is applied while the sides still
        // follow: pausing first would drop what the subscriptions had received but not yet applied, so an
        // interaction released just before the hand-off would be promoted live again (issue 14, TrackerSystemIT)
        awaitQuiet();
        backups.values().forEach(ChannelBackup::pause);
        RecoveryReport report = new RecoveryReport(clock.getAsLong());
        for (Channel c : Channel.values()) {
            ChannelBackup b = backups.remove(c);
            backupFilters.remove(c);
            if (b == null) {
                continue;
            }
            RecoveryChannel rc = enabled(c);
            if (rc == null) {
                report.summary(c, "disabled: " + b.size() + " shadows discarded");
            } else if (b.sync() != ChannelBackup.Sync.COMPLETE) {
                report.summary(c, "NOT PROMOTED: its synchronisation was " + b.sync().name().toLowerCase()
                        + "; " + b.size() + " partial shadows discarded (the interactions requeue from the host's"
                        + " own sources, as without recovery)");
                LOG.warn("Interaction recovery: {} not promoted: synchronisation {} ({} partial shadows discarded)",
                        c.key(), b.sync(), b.size());
            } else {
                if (!observers.promoted(c, OBSERVERS_WAIT_MILLIS)) {
                    LOG.warn("Interaction recovery: the shadow observers did not take the {} changes within {} ms;"
                            + " promoting anyway (an observer may see the host's changes of a restored interaction"
                            + " before its promotion)", c.key(), OBSERVERS_WAIT_MILLIS);
                }
                ChannelPromotion.promote(rc, b, report, clock, ChannelPromotion.BATCH);
            }
        }
        lastReport = report;
        reports.accept(report);
    }

    /** Waits until no backup side got a message for {@code quietMillis} (bounded by {@code maxWaitMillis}). */
    private void awaitQuiet() {
        if (quietMillis <= 0) {
            return;
        }
        long start = System.nanoTime();
        while (true) {
            long newest = 0;
            for (ChannelBackup b : backups.values()) {
                newest = Math.max(newest, b.lastMessageNanos());
            }
            long now = System.nanoTime();
            if (now - newest >= TimeUnit.MILLISECONDS.toNanos(quietMillis)
                    || now - start >= TimeUnit.MILLISECONDS.toNanos(maxWaitMillis)) {
                return;
            }
            try {
                sleeper.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Test-only: how {@link #awaitQuiet} waits between two looks (lets a test deliver a stream's tail then). */
    void sleeper(Sleeper s) {
        sleeper = s;
    }

    /** Test-only: waits this long (ms) before asking for each snapshot page, so a full sync can be watched. */
    void syncPageDelay(long millis) {
        syncPageDelayMillis = millis;
    }

    private RecoveryWire.Page fetch(RecoveryWire.PageRequest request) throws Exception {
        long delay = syncPageDelayMillis;
        if (delay > 0) {
            Thread.sleep(delay);
        }
        Response r;
        try {
            r = notifier.send(Link.MAIN, "*", EventIds.RECOVERY_SNAPSHOT, RecoveryWire.pageRequest(request),
                    PAGE_TIMEOUT).response().toCompletableFuture()
                    .get(PAGE_TIMEOUT.toMillis() + 5000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IOException("snapshot page of " + request.channel().key() + " got no answer within "
                    + PAGE_TIMEOUT.toSeconds() + " s");
        }
        if (!r.isReply()) {
            throw new IOException("snapshot page of " + request.channel().key() + " ended " + r.outcome() + ": "
                    + r.detail());
        }
        return RecoveryWire.page(r.payload());
    }

    /** Answers the backup's snapshot page request (any thread). */
    CompletionStage<byte[]> handle(Request request) {
        try {
            RecoveryWire.PageRequest p = RecoveryWire.pageRequest(request.payload());
            ChannelPrimary side = primaries.get(p.channel());
            if (side == null) {
                throw new IOException("this node does not publish " + p.channel().key()
                        + " (not primary, or the channel is not enabled here)");
            }
            return CompletableFuture.completedFuture(side.page(p.afterId(), p.limit()));
        } catch (IOException | RuntimeException e) {
            refusals.log("snapshot request", "Interaction recovery: refused snapshot request from {}: {}",
                    LogText.escape(request.senderId()), LogText.escape(e.getMessage()));
            return CompletableFuture.failedFuture(e);
        }
    }

    /** @return the switch warning while this node is backup and an enabled channel's sync is not complete */
    Optional<String> warning() {
        if (role == Role.PRIMARY) {
            // in sync mode: the channels whose synchronous replication degraded
            List<String> degraded = new ArrayList<>();
            for (ChannelPrimary p : primaries.values()) {
                p.syncWarning().ifPresent(degraded::add);
            }
            degraded.sort(null);
            return degraded.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", degraded));
        }
        if (role != Role.BACKUP) {
            return Optional.empty();
        }
        List<String> behind = new ArrayList<>();
        for (ChannelBackup b : backups.values()) {
            if (b.sync() != ChannelBackup.Sync.COMPLETE) {
                behind.add(b.channel().key() + " (" + b.sync().name().toLowerCase() + ", " + b.size()
                        + " shadows so far)");
            }
        }
        if (behind.isEmpty()) {
            return Optional.empty();
        }
        behind.sort(null);
        return Optional.of("Interaction recovery is not in sync for " + String.join(", ", behind)
                + ": those interactions would not be recovered by a switch now");
    }

    /** @return per channel: enabled, side, shadows or live count, sync state, lag; then the last promotion */
    String status() {
        StringBuilder b = new StringBuilder("Interaction recovery (" + role.name().toLowerCase() + ")\n");
        for (Channel c : Channel.values()) {
            RecoveryChannel rc = channels.get(c);
            b.append(c.key()).append(": ");
            if (rc == null) {
                b.append("not configured\n");
                continue;
            }
            if (!rc.enabled()) {
                b.append("disabled\n");
                continue;
            }
            ChannelPrimary p = primaries.get(c);
            ChannelBackup k = backups.get(c);
            ChannelPrimary l = leaving.get(c);
            b.append("enabled, ").append(p != null ? p.describe() : k != null ? k.describe()
                    : l != null ? "leaving the primary role, " + l.describe() : "idle").append('\n');
        }
        RecoveryReport r = lastReport;
        b.append("last promotion: ").append(r == null ? "none" : r.headline());
        return b.toString();
    }

    /** @return per channel, the figures of the status model (the status JSON's {@code recovery} object) */
    List<RecoveryChannelStatus> recoveryStatus() {
        List<RecoveryChannelStatus> out = new ArrayList<>();
        for (Channel c : Channel.values()) {
            RecoveryChannel rc = channels.get(c);
            if (rc == null) {
                out.add(RecoveryChannelStatus.notConfigured(c.key()));
                continue;
            }
            boolean on = rc.enabled();
            ChannelPrimary p = on ? primaries.get(c) : null;
            ChannelBackup k = on ? backups.get(c) : null;
            if (p != null) {
                out.add(new RecoveryChannelStatus(c.key(), true, true, "primary", p.live(), -1, -1, "", -1L, -1L,
                        p.filterName()));
            } else if (k != null) {
                out.add(new RecoveryChannelStatus(c.key(), true, true, "backup", -1, k.size(), k.primaryLive(),
                        k.sync().name().toLowerCase(Locale.ROOT), k.lagMillis(), k.lagMillis() < 0 ? -1L : k.maxLagMillis(),
                        rc.filterName()));
            } else {
                out.add(new RecoveryChannelStatus(c.key(), true, on, on ? "idle" : "", -1, -1, -1, "", -1L, -1L,
                        on ? rc.filterName() : ""));
            }
        }
        return out;
    }

    /**
     * @return the channel's active resources after {@code afterId} in id order, at most {@code limit}: the host's live
     *     interactions on the primary, the shadows on the backup, none when the channel is not recovered here
     */
    List<Interaction> activeResources(Channel c, String afterId, int limit) {
        ChannelPrimary p = primaries.get(c);
        if (p != null) {
            return p.binding().source().page(afterId, limit);
        }
        ChannelBackup k = backups.get(c);
        return k == null ? List.of() : k.shadowPage(afterId, limit);
    }

    /** @return one active resource of the channel by id (see {@link #activeResources}) */
    Optional<Interaction> activeResource(Channel c, String id) {
        ChannelPrimary p = primaries.get(c);
        if (p != null) {
            List<Interaction> page = p.binding().source().page(predecessor(id), 1);
            return page.isEmpty() || !page.get(0).id().equals(id) ? Optional.empty() : Optional.of(page.get(0));
        }
        ChannelBackup k = backups.get(c);
        return k == null ? Optional.empty() : k.shadow(id);
    }

    /** @return the greatest string sorting before {@code id} as far as a page's "after" test can tell */
    private static String predecessor(String id) {
        if (id.isEmpty()) {
            return "";
        }
        char last = id.charAt(id.length() - 1);
        return last == 0 ? id.substring(0, id.length() - 1)
                : id.substring(0, id.length() - 1) + (char) (last - 1) + Character.MAX_VALUE;
    }

    /** @return the per-channel figures for tests and the status JSON */
    Map<Channel, ChannelBackup> backupSides() {
        return backups;
    }

    Map<Channel, ChannelPrimary> primarySides() {
        return primaries;
    }

    RecoveryReport lastReport() {
        return lastReport;
    }

    /** @return the {@link org.switchover.api.interaction.ShadowObserver}s the backup sides tell (any thread) */
    ShadowObservers observers() {
        return observers;
    }

    /** Stops every side (control thread); shadows are dropped. */
    void close() {
        observers.close();
        leaving.closeAll("the recovery service stops");
        primaries.values().forEach(ChannelPrimary::close);
        primaries.clear();
        starting.values().forEach(ChannelPrimary::close);
        starting.clear();
        backups.values().forEach(ChannelBackup::drop);
        backups.clear();
    }
}
