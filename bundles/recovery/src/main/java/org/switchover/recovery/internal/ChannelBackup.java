package org.switchover.recovery.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.api.interaction.Channel;
import org.switchover.api.interaction.Interaction;
import org.switchover.api.interaction.RecoveryProtocol;
import org.switchover.api.notifier.Notifier;
import org.switchover.api.notifier.StreamListener;
import org.switchover.api.notifier.StreamPosition;
import org.switchover.api.notifier.StreamSubscription;
import org.switchover.support.Threads;
import org.switchover.support.wire.MalformedMessageException;

/**
 * The backup's side of one channel: follows the channel's stream and keeps one shadow per interaction, serialized
 * and off the heap ({@link ShadowStore}). A shadow is replaced only by a higher version, so a snapshot page read after
 * a change and the change's message arriving later converge on the newest state. When the primary cannot resume it
 * (first start, other replication id, position out of the backlog) it runs a full synchronisation: the shadows are
 * dropped and reloaded page by page from the primary's live source; the last page is the completion marker, after
 * which the channel's shadows are promotable.
 */
final class ChannelBackup implements StreamListener {

    private static final Logger LOG = LoggerFactory.getLogger(ChannelBackup.class);
    /** The most interactions a snapshot page request asks for; fewer once pages show how large they are. */
    static final int PAGE_SIZE = 1000;
    private static final int MIN_PAGE_SIZE = 16;

    /** Where the channel's synchronisation stands. */
    enum Sync {
        /** Not yet answered by a primary. */
        WAITING,
        /** A full synchronisation runs: the shadows are not promotable. */
        SYNCING,
        /** The last full synchronisation completed; the stream keeps the shadows current. */
        COMPLETE,
        /** The last full synchronisation failed; it is retried when the subscription is re-established. */
        FAILED
    }

    /** Fetches one snapshot page from the primary. */
    @FunctionalInterface
    interface Pages {
        RecoveryWire.Page fetch(RecoveryWire.PageRequest request) throws Exception;
    }

    private final Channel channel;
    private final Notifier notifier;
    private final Pages pages;
    private final ShadowStore shadows = new ShadowStore();
    private final ShadowObservers observers;
    private volatile Sync sync = Sync.WAITING;
    /** Held while a stream message is applied, and by {@link #pause()}. */
    private final Object applying = new Object();
    /** Set by {@link #pause()}: a message the closed subscription still hands over is not applied. */
    private boolean paused;
    private volatile StreamSubscription subscription;
    private volatile boolean stopped = true;
    private volatile StreamPosition position = StreamPosition.NONE;
    private volatile int primaryLive = -1;
    private volatile long lastMessageNanos;
    private volatile long messages;
    private volatile long lastLagMillis = -1;
    private volatile long maxLagMillis;
    private volatile String lastSync = "none";

    ChannelBackup(Channel channel, Notifier notifier, Pages pages) {
        this(channel, notifier, pages, new ShadowObservers());
    }

    ChannelBackup(Channel channel, Notifier notifier, Pages pages, ShadowObservers observers) {
        this.channel = channel;
        this.notifier = notifier;
        this.pages = pages;
        this.observers = observers;
    }

    Channel channel() {
        return channel;
    }

    /** Follows the stream from where this side stood (a fresh side: from scratch, so a full synchronisation). */
    void follow() {
        if (stopped) {
            stopped = false;
            synchronized (applying) {
                paused = false;
            }
            LOG.info("Interaction recovery: following {} after {}", RecoveryProtocol.stream(channel), position);
            subscription = notifier.follow(RecoveryProtocol.stream(channel), position, this);
        }
    }

    /** Stops following and keeps the shadows and the position (for a promotion, or to resume later). */
    void pause() {
        stopped = true;
        // a message being applied finishes first: a promotion reads the shadows right after this returns
        synchronized (applying) {
            paused = true;
            StreamSubscription s = subscription;
            subscription = null;
            if (s != null) {
                position = s.position();
                s.close();
            }
        }
    }

    /** Stops following and drops the shadows. */
    void drop() {
        pause();
        int n = shadows.size();
        shadows.clear();
        sync = Sync.WAITING;
        position = StreamPosition.NONE;
        LOG.info("Interaction recovery: {} shadows of {} dropped", n, channel.key());
    }

    @Override
    public void onMessage(String replicationId, long sequence, byte[] payload) throws Exception {
        synchronized (applying) {
            if (!paused) {
                apply(replicationId, sequence, payload);
            }
        }
    }

    private void apply(String replicationId, long sequence, byte[] payload) throws Exception {
        RecoveryWire.Change c;
        try {
            c = RecoveryWire.change(payload);
            if (c.removal()) {
                shadows.remove(c.id(), c.version());
                observers.removed(channel, c.id(), c.version());
            } else {
                shadows.keep(c.id(), c.interaction());
                observers.changed(c.interaction());
            }
        } catch (MalformedMessageException e) {
            LOG.error("Interaction recovery: {} message {} of {} is malformed ({}); nothing applied", channel.key(),
                    sequence, replicationId, e.getMessage());
            throw e;
        }
        primaryLive = c.liveCount();
        long lag = Math.max(0, System.currentTimeMillis() - c.publishMicros() / 1000);
        lastLagMillis = lag;
        if (lag > maxLagMillis) {
            maxLagMillis = lag;
        }
        messages++;
        lastMessageNanos = System.nanoTime();
    }

    @Override
    public void onResync(String replicationId, long headSequence) throws Exception {
        long t0 = System.nanoTime();
        sync = Sync.SYNCING;
        int before = shadows.size();
        shadows.clear();
        observers.syncStarted(channel);
        maxLagMillis = 0;
        LOG.info("Interaction recovery: full synchronisation of {} from the primary (replication id {}, head {};"
                + " {} shadows dropped)", channel.key(), replicationId, headSequence, before);
        int received = 0;
        int pageCount = 0;
        RecoveryWire.Page p;
        // one page ahead: the primary reads and encodes the next page while this thread stores the last one
        ExecutorService ahead = Threads.single("switchover-recovery-pages-" + channel.key());
        try {
            int limit = PAGE_SIZE;
            Future<RecoveryWire.Page> next = fetchAhead(ahead, "", limit);
            do {
                if (stopped) {
                    throw new IllegalStateException("the backup side stopped");
                }
                p = page(next);
                pageCount++;
                limit = nextLimit(p, limit);
                next = p.last() ? null : fetchAhead(ahead, p.next(), limit);
                byte[] data = p.data();
                for (int k = 0; k < p.size(); k++) {
                    int at = p.offsets()[k];
                    int n = p.lengths()[k];
                    shadows.keep(InteractionCodec.id(data, at, n), data, at, n);
                    observers.changed(data, at, n);
                }
                received += p.size();
                primaryLive = p.liveCount();
            } while (!p.last());
        } catch (Exception e) {
            sync = Sync.FAILED;
            lastSync = "failed after " + received + " shadows in " + pageCount + " pages: " + e.getMessage();
            LOG.warn("Interaction recovery: full synchronisation of {} failed after {} shadows ({}); it is retried",
                    channel.key(), received, e.getMessage());
            throw e;
        } finally {
            ahead.shutdownNow();
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        lastSync = "complete: " + received + " shadows in " + pageCount + " pages, " + ms + " ms, primary live "
                + p.liveCount();
        sync = Sync.COMPLETE;
        observers.syncCompleted(channel);
        lastMessageNanos = System.nanoTime();
        LOG.info("Interaction recovery: full synchronisation of {} complete: {} shadows received in {} pages in {} ms"
                + " (primary live count {}); continuing with the stream after {}", channel.key(), received, pageCount,
                ms, p.liveCount(), headSequence);
    }

    /**
     * @return how many interactions to ask for next: about what fits the primary's byte budget at the sizes of the
     *     page just received (the primary cuts a page at the budget anyway; asking for more makes the host read
     *     interactions that are thrown away and read again for the next page)
     */
    static int nextLimit(RecoveryWire.Page p, int limit) {
        if (p.size() == 0) {
            return limit;
        }
        long average = Math.max(1, p.data().length / p.size());
        return (int) Math.max(MIN_PAGE_SIZE, Math.min(PAGE_SIZE, RecoveryWire.PAGE_BYTES / average + 1));
    }

    private Future<RecoveryWire.Page> fetchAhead(ExecutorService ahead, String afterId, int limit) {
        RecoveryWire.PageRequest request = new RecoveryWire.PageRequest(channel, afterId, limit);
        return ahead.submit(() -> pages.fetch(request));
    }

    /** @return the fetched page; a failed fetch throws what the fetch threw */
    private static RecoveryWire.Page page(Future<RecoveryWire.Page> fetched) throws Exception {
        try {
            return fetched.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    Sync sync() {
        return sync;
    }

    int size() {
        return shadows.size();
    }

    /** @return nanoTime of the last message or completed synchronisation, 0 when none */
    long lastMessageNanos() {
        return lastMessageNanos;
    }

    /**
     * Decodes every shadow and maps it (collected in one list: tests and small channels).
     *
     * @see #shadows(int, Function, BiConsumer, Consumer)
     */
    <T> List<T> shadows(Function<Interaction, T> map, BiConsumer<String, String> broken) {
        List<T> out = new ArrayList<>(shadows.size());
        shadows(Integer.MAX_VALUE, map, broken, out::addAll);
        return out;
    }

    /**
     * Decodes the shadows and maps them batch by batch (for a promotion, see {@link ShadowStore#forEachBatch}): the
     * decoding and mapping run in parallel, each batch's results reach {@code sink} before the next batch's.
     *
     * @param batch at most this many shadows per batch
     * @param map what becomes of a decoded shadow (the promotion rule); called from several threads at once
     * @param broken receives the id of each shadow that cannot be decoded, with the reason (on the calling thread,
     *     before a batch reaches the sink)
     * @param sink receives what {@code map} made of each batch's shadows, in no particular order (calling thread)
     */
    <T> void shadows(int batch, Function<Interaction, T> map, BiConsumer<String, String> broken,
                     Consumer<List<T>> sink) {
        Queue<String[]> unreadable = new ConcurrentLinkedQueue<>();
        shadows.forEachBatch(batch, (id, encoded, length) -> {
            try {
                return map.apply(InteractionCodec.decode(encoded, 0, length));
            } catch (MalformedMessageException ex) {
                unreadable.add(new String[] {id, "shadow unreadable: " + ex.getMessage()});
                return null;
            }
        }, results -> {
            for (String[] u = unreadable.poll(); u != null; u = unreadable.poll()) {
                broken.accept(u[0], u[1]);
            }
            sink.accept(results);
        });
    }

    /**
     * @return up to {@code limit} shadows whose id sorts after {@code afterId}, in id order (a shadow that cannot be
     *     decoded is left out: the promotion report names it)
     */
    List<Interaction> shadowPage(String afterId, int limit) {
        List<Interaction> out = new ArrayList<>();
        for (String id : shadows.idsAfter(afterId, limit)) {
            shadow(id).ifPresent(out::add);
        }
        return out;
    }

    /** @return the shadow of {@code id}, when there is one that can be decoded */
    java.util.Optional<Interaction> shadow(String id) {
        byte[] encoded = shadows.encoded(id);
        if (encoded == null) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(InteractionCodec.decode(encoded));
        } catch (MalformedMessageException e) {
            return java.util.Optional.empty();
        }
    }

    /** @return the bytes the shadows' encoded forms take */
    long bytes() {
        return shadows.bytes();
    }

    /** @return the status words of this side */
    String describe() {
        StreamSubscription s = subscription;
        int n = shadows.size();
        return "backup, " + n + (n == 1 ? " shadow" : " shadows") + " (primary live "
                + (primaryLive < 0 ? "?" : primaryLive) + "), sync " + sync.name().toLowerCase(java.util.Locale.ROOT) + ", "
                + (s == null ? "not following" : s.isLive() ? "live at " + s.position().sequence() : "not live")
                + ", lag " + (lastLagMillis < 0 ? "-" : lastLagMillis + " ms") + " (max " + maxLagMillis
                + " ms), " + messages + " messages; last full sync " + lastSync;
    }

    /** @return the last lag (ms), -1 when none */
    long lagMillis() {
        return lastLagMillis;
    }

    /** @return the largest lag since the last full synchronisation (ms) */
    long maxLagMillis() {
        return maxLagMillis;
    }

    int primaryLive() {
        return primaryLive;
    }
}
