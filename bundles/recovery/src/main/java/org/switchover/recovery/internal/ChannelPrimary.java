package org.switchover.recovery.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.api.interaction.Channel;
import org.switchover.api.interaction.Interaction;
import org.switchover.api.interaction.InteractionListener;
import org.switchover.api.interaction.InteractionSource;
import org.switchover.api.interaction.RecoveryChannel;
import org.switchover.api.interaction.RecoveryProtocol;
import org.switchover.api.interaction.ShadowFilter;
import org.switchover.api.notifier.Notifier;
import org.switchover.api.notifier.StreamPublisher;
import org.switchover.support.replication.SyncReplication;

/**
 * The primary's side of one channel: publishes every change the host's source reports (and the filter admits) on
 * the channel's numbered stream, and answers the backup's snapshot pages from the live source. The change is put on
 * the stream on the host's thread, right after the host committed it; publishing never blocks on the network. In
 * synchronous mode ({@link RecoveryReplication}) the host's thread then waits, outside every lock, until the backup
 * has applied the change or {@link SyncReplication} released it (its bound, a degrade, the stream closing).
 *
 * <p>A side is made {@linkplain #starting starting} while the node does not publish the channel, and listens to the
 * host from then on: the host takes work as soon as the core's primary condition is registered, while the node's
 * promotion (the stream's quiet, the shadow observers, the restore) still runs on the recovery's own thread before
 * the side {@linkplain #open opens}. A change the host makes in between (the primary condition registered) cannot
 * be acknowledged by any backup: in synchronous mode the channel degrades at once, with its audit line and warning
 * ({@link SyncReplication#awaitUnreplicated}), and the host's thread returns once that is recorded. It does not wait
 * for the side to open: the host calls with its source's lock held, which the promotion's restore needs. The
 * change reaches the backup with its full synchronisation, as every live interaction does. Before, such a change was
 * confirmed at once with no listener at all: no wait, no degrade, and lost with the node. A change reported while the
 * node is not primary is not replicated (the host takes no work there).
 */
final class ChannelPrimary implements InteractionListener {

    private static final Logger LOG = LoggerFactory.getLogger(ChannelPrimary.class);

    private final RecoveryChannel channel;
    private final InteractionSource source;
    private final ShadowFilter filter;
    private final String filterName;
    private final Object lock = new Object();
    private final AtomicLong published = new AtomicLong();
    private final BooleanSupplier primary;
    private final AtomicLong beforeOpen = new AtomicLong();
    // under lock
    private StreamPublisher publisher;
    private boolean closed;
    private final AutoCloseable registration;
    private final SyncReplication sync;
    /** The primary role ended: a change is still published, but the host's thread no longer waits for the backup. */
    private volatile boolean leaving;

    ChannelPrimary(RecoveryChannel channel, Notifier notifier, String replicationId) {
        this(channel, notifier, replicationId, RecoveryReplication.ASYNC);
    }

    ChannelPrimary(RecoveryChannel channel, Notifier notifier, String replicationId, RecoveryReplication replication) {
        this(channel, replication, () -> true);
        open(notifier, replicationId);
    }

    private ChannelPrimary(RecoveryChannel channel, RecoveryReplication replication, BooleanSupplier primary) {
        this.channel = channel;
        this.primary = primary;
        this.sync = replication.gate(channel.channel());
        this.source = channel.source();
        this.filter = channel.newFilter();
        this.filterName = channel.filterName();
        registration = source.addListener(this);
    }

    /**
     * @param primary whether the core's primary condition is registered (read on the host's thread): a change the
     *     host reports before {@link #open} degrades synchronous replication only then
     * @return a side that listens to the host but does not publish yet
     */
    static ChannelPrimary starting(RecoveryChannel channel, RecoveryReplication replication, BooleanSupplier primary) {
        return new ChannelPrimary(channel, replication, primary);
    }

    /** Starts publishing under {@code replicationId}, each change as the host reports it. */
    void open(Notifier notifier, String replicationId) {
        synchronized (lock) {
            if (closed || publisher != null) {
                throw new IllegalStateException(channel.channel().key() + " side is " + (closed ? "closed" : "open"));
            }
            publisher = notifier.publish(RecoveryProtocol.stream(channel.channel()), replicationId);
        }
        LOG.info("Interaction recovery: publishing {} changes on stream '{}' under replication id {} ({}; {} live)",
                channel.channel().key(), RecoveryProtocol.stream(channel.channel()), replicationId, filterName,
                source.count());
        long before = beforeOpen.get();
        if (before > 0) {
            LOG.info("Interaction recovery: {} {} changes the host made while this node was taking over reach the"
                    + " backup with its full synchronisation", before, channel.channel().key());
        }
    }

    Channel channel() {
        return channel.channel();
    }

    RecoveryChannel binding() {
        return channel;
    }

    String filterName() {
        return filterName;
    }

    @Override
    public void changed(Interaction now) {
        if (!filter.admits(now)) {
            return;
        }
        send(new RecoveryWire.Change(micros(), source.count(), now.id(), now.version(), InteractionCodec.encode(now)));
    }

    @Override
    public void removed(String id, long version) {
        filter.forget(id);
        send(new RecoveryWire.Change(micros(), source.count(), id, version, null));
    }

    private void send(RecoveryWire.Change c) {
        byte[] payload = RecoveryWire.change(c);
        StreamPublisher pub;
        long seq;
        synchronized (lock) {
            if (closed) {
                return;
            }
            pub = publisher;
            if (pub == null) {
                seq = -1;
            } else {
                seq = pub.publish(payload);
                published.incrementAndGet();
            }
        }
        if (pub == null) {
            // not published yet: only a node taking over may see the host change something
            if (primary.getAsBoolean()) {
                beforeOpen.incrementAndGet();
                if (sync != null) {
                    sync.awaitUnreplicated("a " + channel.channel().key() + " change was made while this node was"
                            + " taking over, before the channel was published (no backup can have it)");
                }
            }
            return;
        }
        if (sync != null && !leaving) {
            sync.awaitConfirmed(pub, seq);
        }
    }

    /**
     * The primary role ended (control thread): the stream stays open, but a host change waiting for the backup in
     * synchronous mode is let go now and none waits after: the host stops taking work under its channel's lock, which
     * such a wait holds (up to the synchronous timeout), and a controlled hand-over waits for the backup anyway.
     */
    void leaveRole() {
        leaving = true;
        if (sync != null) {
            sync.close();
        }
    }

    /** @return the synchronous replication warning of this channel, if degraded */
    java.util.Optional<String> syncWarning() {
        return sync == null ? java.util.Optional.empty() : sync.warning();
    }

    private static long micros() {
        return System.currentTimeMillis() * 1000;
    }

    /**
     * @return one snapshot page, encoded: the admitted interactions after {@code afterId}, in id order, at most
     *     {@code limit} of them and no more than about {@link RecoveryWire#PAGE_BYTES} (at least one)
     */
    byte[] page(String afterId, int limit) {
        List<Interaction> got = source.page(afterId, limit);
        List<Interaction> admitted = new ArrayList<>(got.size());
        int bytes = 0;
        int read = 0;
        for (Interaction i : got) {
            if (bytes >= RecoveryWire.PAGE_BYTES) {
                break;
            }
            read++;
            if (filter.admits(i)) {
                admitted.add(i);
                bytes += 4 + InteractionCodec.sizeHint(i);
            }
        }
        boolean last = got.size() < limit && read == got.size();
        // a page the filter thinned out or the byte budget cut still tells the backup where to go on
        String next = read == 0 ? afterId : got.get(read - 1).id();
        return RecoveryWire.page(admitted, last, source.count(), next);
    }

    /** @return the status words of this side */
    String describe() {
        synchronized (lock) {
            if (publisher == null) {
                return "primary, stopped";
            }
            return "primary, " + source.count() + " live, " + published.get() + " changes published (head "
                    + publisher.headSequence() + ", acknowledged " + publisher.acknowledgedSequence() + "), "
                    + filterName + (sync == null ? "" : "; " + sync.describe());
        }
    }

    /** @return the sequence number of the newest change published, 0 when none or once stopped */
    long head() {
        synchronized (lock) {
            return publisher == null ? 0 : publisher.headSequence();
        }
    }

    /** @return the newest change the backup acknowledged (applied), 0 when none or once stopped */
    long acknowledged() {
        synchronized (lock) {
            return publisher == null ? 0 : publisher.acknowledgedSequence();
        }
    }

    /**
     * @param sequence a change published on this side's stream
     * @return completes once the backup acknowledged (applied) {@code sequence}; fails when this side stopped first
     */
    CompletionStage<Long> whenAcknowledged(long sequence) {
        StreamPublisher pub;
        synchronized (lock) {
            pub = publisher;
        }
        if (pub == null) {
            return CompletableFuture.failedFuture(new IllegalStateException(
                    "the " + channel.channel().key() + " stream was already closed"));
        }
        return pub.whenAcknowledged(sequence);
    }

    /** @return how many live interactions the source holds */
    int live() {
        return source.count();
    }

    void close() {
        try {
            registration.close();
        } catch (Exception e) {
            LOG.warn("Interaction recovery: could not remove the {} listener", channel.channel().key(), e);
        }
        boolean wasOpen;
        synchronized (lock) {
            closed = true;
            wasOpen = publisher != null;
            if (publisher != null) {
                publisher.close();
                publisher = null;
            }
        }
        if (sync != null) {
            sync.close();
        }
        if (wasOpen) {
            LOG.info("Interaction recovery: stopped publishing {} after {} changes", channel.channel().key(),
                    published.get());
        }
    }
}
