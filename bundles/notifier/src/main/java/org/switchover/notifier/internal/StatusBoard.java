package org.switchover.notifier.internal;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.api.notifier.ConnectionStatus;
import org.switchover.api.notifier.Link;
import org.switchover.api.notifier.LinkStatus;
import org.switchover.api.time.Scheduler;

/**
 * The one place that holds connection statuses. Each link has an outgoing status (our connection to the peer) and
 * an inbound one (the peer's connection to us); the <em>effective</em> status is the outgoing one while the peer
 * links are open, otherwise the inbound one. Every change of the effective status (or of its detail) is logged at
 * INFO and handed to the listener through the delivery executor, which must run tasks one at a time in order: the
 * task is queued while the lock is held, so deliveries keep the order of the changes, and the listener itself runs
 * without any lock.
 */
public final class StatusBoard {

    private static final Logger LOG = LoggerFactory.getLogger(StatusBoard.class);

    /** Which side opened the connection. */
    public enum Side { OUTGOING, INBOUND }

    private final Scheduler clock;
    private final Executor delivery;
    private final Consumer<LinkStatus> listener;
    private final Map<Link, LinkStatus> outgoing = new EnumMap<>(Link.class);
    private final Map<Link, LinkStatus> inbound = new EnumMap<>(Link.class);
    private final Map<Link, LinkStatus> effective = new EnumMap<>(Link.class);
    private boolean peerLinksOpen;

    /**
     * @param clock gives the time a status began
     * @param delivery runs listener calls one at a time, in order
     * @param listener told about every effective change
     */
    public StatusBoard(Scheduler clock, Executor delivery, Consumer<LinkStatus> listener) {
        this.clock = clock;
        this.delivery = delivery;
        this.listener = listener;
        for (Link l : Link.values()) {
            outgoing.put(l, LinkStatus.notConnected(l));
            inbound.put(l, LinkStatus.notConnected(l));
            effective.put(l, LinkStatus.notConnected(l));
        }
    }

    /** Sets the status of our connection on {@code link}. */
    public synchronized void outgoing(Link link, ConnectionStatus status, String detail, String peer, int attempt) {
        outgoing.put(link, next(outgoing.get(link), status, detail, peer, attempt));
        publish(link);
    }

    /** Sets the status of the peer's connection to us on {@code link}. */
    public synchronized void inbound(Link link, ConnectionStatus status, String detail, String peer) {
        inbound.put(link, next(inbound.get(link), status, detail, peer, 0));
        publish(link);
    }

    /** Switches the effective source between outgoing (open) and inbound (closed). */
    public synchronized void peerLinksOpen(boolean open) {
        peerLinksOpen = open;
        for (Link l : Link.values()) {
            publish(l);
        }
    }

    /** @return the effective status of {@code link}. */
    public synchronized LinkStatus status(Link link) {
        return effective.get(link);
    }

    /** @return the status of one side of {@code link}. */
    public synchronized LinkStatus status(Link link, Side side) {
        return side == Side.OUTGOING ? outgoing.get(link) : inbound.get(link);
    }

    private LinkStatus next(LinkStatus old, ConnectionStatus status, String detail, String peer, int attempt) {
        String d = detail == null ? "" : detail;
        String p = peer == null ? old.peer() : peer;
        long since = old.status() == status ? old.sinceMillis() : clock.nowMillis();
        return new LinkStatus(old.link(), status, d, p, since, attempt);
    }

    private void publish(Link link) {
        LinkStatus now = (peerLinksOpen ? outgoing : inbound).get(link);
        LinkStatus before = effective.get(link);
        effective.put(link, now);
        // A new status is always news; within one status only a new, non-empty explanation is.
        if (before.status() == now.status() && (now.detail().isEmpty() || before.detail().equals(now.detail()))) {
            return;
        }
        String side = peerLinksOpen ? "outgoing" : "inbound";
        if (now.detail().isEmpty()) {
            LOG.info("Notifier link {} ({}, peer {}): {} -> {}", link, side, peerText(now), before.status().label(),
                    now.status().label());
        } else {
            LOG.info("Notifier link {} ({}, peer {}): {} -> {}: {}", link, side, peerText(now),
                    before.status().label(), now.status().label(), now.detail());
        }
        delivery.execute(() -> listener.accept(now));
    }

    private static String peerText(LinkStatus s) {
        return s.peer().isEmpty() ? "unknown" : s.peer();
    }
}
