package org.switchover.notifier.internal;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.api.notifier.EventIds;
import org.switchover.api.notifier.Link;
import org.switchover.api.notifier.LinkStatus;
import org.switchover.api.notifier.Notifier;
import org.switchover.api.notifier.PeerHeartbeat;
import org.switchover.api.notifier.PendingRequest;
import org.switchover.api.notifier.RequestHandler;
import org.switchover.api.notifier.Response;
import org.switchover.api.notifier.ResponseOutcome;
import org.switchover.api.notifier.StreamListener;
import org.switchover.api.notifier.StreamPosition;
import org.switchover.api.notifier.StreamPublisher;
import org.switchover.api.notifier.StreamSubscription;
import org.switchover.api.time.Scheduler;

import io.netty.handler.ssl.SslContext;
import org.switchover.support.Threads;

/**
 * The notifier without OSGi: listener, MAIN/AUX links, requests, streams, counters. Create it with a
 * {@link NotifierSettings}, a {@link Scheduler} (timeouts and reconnects), a handler lookup (event id to handler,
 * null when none) and a status callback; then {@link #start()}; {@link #close()} when done. Thread-safe.
 *
 * <p>The work is split by concern: {@link Transport} (sockets, TLS, event loops), {@link LogonGate} (the accepting
 * side of the logon), {@link OutgoingLink} (our links and their reconnects), {@link RequestDispatcher} (requests
 * from the peer) and {@link StreamHub} (publishers and subscriptions); this class wires them and offers the API.
 *
 * <p>Threads: {@code switchover-notifier-io-*} (network), {@code switchover-notifier-events-*} (status callbacks
 * and request completions, one at a time, in order), {@code switchover-notifier-handler-*} (request handlers,
 * {@code handler.threads} of them), {@code switchover-notifier-stream-*} (one per subscription).
 */
public final class NotifierEngine implements Notifier, CountersView, AutoCloseable {

    /** Link name of a one-shot connection in the logon. */
    static final String ONCE_LINK = "ONCE";

    private static final Logger LOG = LoggerFactory.getLogger(NotifierEngine.class);

    private volatile NotifierSettings config;
    // the parts, read by the connections, links and subscriptions of this engine
    final Scheduler scheduler;
    final TlsContexts tls = new TlsContexts();
    final StatusBoard board;
    final RequestDispatcher requests;
    final StreamHub streams;
    final LogonGate logons;
    private final Counters counters = new Counters();
    private final ThreadPoolExecutor events;
    private final Transport transport;
    private final Heartbeats heartbeats;
    private final Map<Link, OutgoingLink> outgoing = new EnumMap<>(Link.class);
    private final AtomicLong requestIds = new AtomicLong();
    private boolean listening;
    private boolean peerLinksOpen;
    private volatile boolean closed;

    /**
     * @param config the configuration
     * @param scheduler clock and timer for request timeouts and reconnect attempts; owned by the caller
     * @param handlers event id to handler, or null when there is none
     * @param statusListener told about every change of a link's effective status, in order, without locks held;
     *     may be null
     */
    public NotifierEngine(NotifierSettings config, Scheduler scheduler, Function<String, RequestHandler> handlers,
                          Consumer<LinkStatus> statusListener) {
        this.config = Objects.requireNonNull(config, "config");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        Objects.requireNonNull(handlers, "handlers");
        Consumer<LinkStatus> listener = statusListener == null ? s -> { } : statusListener;
        counters.configure(config.collectRequestCounters(), config.collectErrorCounters(),
                config.collectEspErrorCounters());
        events = new ThreadPoolExecutor(1, 1, 0L, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                Threads.factory("switchover-notifier-events"));
        board = new StatusBoard(scheduler, events, s -> {
            try {
                listener.accept(s);
            } catch (RuntimeException e) {
                LOG.error("Link status listener failed on {}", s, e);
            }
        });
        heartbeats = new Heartbeats(this::config);
        requests = new RequestDispatcher(this::config, handlers, counters, heartbeats::install);
        streams = new StreamHub(this, events);
        logons = new LogonGate(this::config, counters, board, this::ping);
        transport = new Transport(this::config, tls,
                peer -> new Connection(this, Connection.Role.INBOUND, null, null, peer), logons);
        for (Link l : Link.values()) {
            outgoing.put(l, new OutgoingLink(this, l));
        }
    }

    /**
     * Binds the listener and, when configured, opens the peer links.
     *
     * @throws IllegalStateException naming the address when the port cannot be bound
     */
    public void start() {
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("notifier is closed");
            }
            transport.listen();
            listening = true;
            tls.warmUp(config);
            heartbeats.apply(transport.boundAddress());
        }
        LOG.info("Notifier of node {} listening on {}", config.node(), listenAddress());
        if (config.peerLinksOpenOnStart()) {
            openPeerLinks();
        }
    }

    /**
     * Applies a new configuration live: delays, counters, pool size, backlog size and frame limit at once; a
     * changed listen address rebinds; a changed peer or node letter reconnects open links; TLS files are re-read by
     * the next connection anyway.
     */
    public void reconfigure(NotifierSettings next) {
        Objects.requireNonNull(next, "next");
        NotifierSettings old;
        synchronized (this) {
            old = config;
            config = next;
        }
        counters.configure(next.collectRequestCounters(), next.collectErrorCounters(),
                next.collectEspErrorCounters());
        requests.resize(next.handlerThreads());
        if (next.streamBacklogSize() != old.streamBacklogSize()) {
            streams.resizeBacklogs(next.streamBacklogSize());
        }
        if (!Objects.equals(next.listenHost(), old.listenHost()) || next.listenPort() != old.listenPort()) {
            synchronized (this) {
                if (!closed && listening) {
                    transport.rebind(old, next);
                }
            }
        }
        if (!next.heartbeats().equals(old.heartbeats()) || !Objects.equals(next.listenHost(), old.listenHost())
                || next.listenPort() != old.listenPort()) {
            synchronized (this) {
                if (!closed && listening) {
                    heartbeats.apply(transport.boundAddress());
                }
            }
        }
        boolean peerChanged = !next.peerAddress().equals(old.peerAddress()) || next.node() != old.node();
        if (peerChanged && peerLinksOpen()) {
            LOG.info("Notifier peer changed from {} to {}; reconnecting the peer links", old.peerAddress(),
                    next.peerAddress());
            closePeerLinks();
            openPeerLinks();
        }
        if (next.peerLinksOpenOnStart() && !old.peerLinksOpenOnStart()) {
            openPeerLinks();
        }
    }

    /** Closes every connection, stops every thread the engine owns. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        closePeerLinks();
        heartbeats.close();
        streams.close();
        transport.close();
        requests.shutdown();
        events.shutdown();
        try {
            if (!events.awaitTermination(2, TimeUnit.SECONDS)) {
                events.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("Notifier of node {} stopped", config.node());
    }

    // ------------------------------------------------------------------------------------------ Notifier API

    @Override
    public String listenAddress() {
        InetSocketAddress a = transport.boundAddress();
        if (a != null) {
            return Transport.address(a);
        }
        NotifierSettings c = config;
        return (c.listenHost() == null ? "0.0.0.0" : c.listenHost()) + ":" + c.listenPort();
    }

    /** @return the port actually bound (useful with port 0), or the configured one before {@link #start()}. */
    public int boundPort() {
        InetSocketAddress a = transport.boundAddress();
        return a != null ? a.getPort() : config.listenPort();
    }

    @Override
    public PendingRequest send(Link link, String objectId, String eventId, byte[] payload, Duration timeout) {
        Objects.requireNonNull(link, "link");
        PendingRequestImpl p = new PendingRequestImpl(requestIds.incrementAndGet(), events);
        Message.Request r = request(objectId, eventId, p, link.name(), payload);
        if (refusedBeforeSending(p, r)) {
            return p;
        }
        Connection c = activeConnection(link);
        if (c == null) {
            LinkStatus s = board.status(link);
            p.finish(Response.of(ResponseOutcome.CONNECTION_LOST, "link " + link + " is not active ("
                    + s.status().label() + (s.detail().isEmpty() ? "" : ": " + s.detail()) + ")"));
            return p;
        }
        armTimeout(p, timeout);
        c.sendRequest(p, r);
        return p;
    }

    @Override
    public PendingRequest sendOnce(String objectId, String eventId, byte[] payload, Duration timeout) {
        PendingRequestImpl p = new PendingRequestImpl(requestIds.incrementAndGet(), events);
        Message.Request r = request(objectId, eventId, p, ONCE_LINK, payload);
        if (refusedBeforeSending(p, r)) {
            return p;
        }
        armTimeout(p, timeout);
        new OneShot(this, p, r).start();
        return p;
    }

    private Message.Request request(String objectId, String eventId, PendingRequestImpl p, String link,
                                    byte[] payload) {
        return new Message.Request(objectId == null ? "*" : objectId, Objects.requireNonNull(eventId, "eventId"),
                p.requestId(), config.node() + "/" + link, payload == null ? Message.EMPTY : payload);
    }

    /** @return true when {@code p} was finished at once: payload over the frame limit, or the notifier closed. */
    private boolean refusedBeforeSending(PendingRequestImpl p, Message.Request r) {
        int maxFrame = config.maxFrameBytes();
        int max = MessageCodec.maxPayload(maxFrame, r);
        if (r.payload().length > max) {
            p.finish(Response.of(ResponseOutcome.REJECTED, "not sent: payload of " + r.payload().length
                    + " bytes exceeds the frame limit (max.frame.bytes " + maxFrame + ")"));
            return true;
        }
        if (closed) {
            p.finish(Response.of(ResponseOutcome.CONNECTION_LOST, "notifier is closed"));
            return true;
        }
        return false;
    }

    @Override
    public Duration reconnectDelay() {
        return config.reconnectDelay();
    }

    @Override
    public LinkStatus status(Link link) {
        return board.status(link);
    }

    /** @return the status of one side of a link, whatever the effective side is. */
    public LinkStatus status(Link link, StatusBoard.Side side) {
        return board.status(link, side);
    }

    @Override
    public void openPeerLinks() {
        synchronized (this) {
            if (peerLinksOpen || closed) {
                return;
            }
            peerLinksOpen = true;
        }
        LOG.info("Opening notifier peer links MAIN and AUX to {}", config.peerAddress());
        board.peerLinksOpen(true);
        for (OutgoingLink l : outgoing.values()) {
            l.open();
        }
    }

    @Override
    public void closePeerLinks() {
        synchronized (this) {
            if (!peerLinksOpen) {
                return;
            }
            peerLinksOpen = false;
        }
        LOG.info("Closing notifier peer links to {}", config.peerAddress());
        for (OutgoingLink l : outgoing.values()) {
            l.close("peer links closed");
        }
        board.peerLinksOpen(false);
    }

    @Override
    public synchronized boolean peerLinksOpen() {
        return peerLinksOpen;
    }

    @Override
    public StreamPublisher publish(String stream, String replicationId) {
        return streams.publish(stream, replicationId);
    }

    @Override
    public StreamSubscription follow(String stream, StreamPosition from, StreamListener listener) {
        return streams.follow(stream, from, listener, closed);
    }

    @Override
    public PeerHeartbeat heartbeat() {
        return heartbeats.status();
    }

    /** @return the heartbeat part, for tests */
    Heartbeats heartbeats() {
        return heartbeats;
    }

    /** @return the KPI counters. */
    @Override
    public Counters counters() {
        return counters;
    }

    // ------------------------------------------------------------------------------------------ internals

    NotifierSettings config() {
        return config;
    }

    /** Bounds the TLS handshake and the logon of every connection. */
    long logonTimeoutMillis() {
        return Transport.logonTimeoutMillis(config);
    }

    /** @return the logged-on connection for {@code link}, outgoing preferred, or null. */
    Connection activeConnection(Link link) {
        Connection c = outgoing.get(link).current();
        if (c != null && c.isActive()) {
            return c;
        }
        return logons.active(link);
    }

    /** Opens a TLS connection for {@code c}; failures end up in {@code c}'s owner. */
    void connect(NotifierSettings cfg, SslContext tlsContext, Connection c) {
        transport.connect(cfg, tlsContext, c);
    }

    /** Sends the notifier ping on {@code c}; the stage ends with the answer, a timeout or the connection's loss. */
    private CompletionStage<Response> ping(Connection c, long timeoutMillis) {
        PendingRequestImpl p = new PendingRequestImpl(requestIds.incrementAndGet(), events);
        armTimeout(p, Duration.ofMillis(timeoutMillis));
        c.sendRequest(p, request("*", EventIds.NOTIFIER_PING, p, String.valueOf(c.link()), null));
        return p.response();
    }

    private void armTimeout(PendingRequestImpl p, Duration timeout) {
        long ms = Math.max(1L, timeout == null ? 30_000L : timeout.toMillis());
        p.timeout(scheduler.schedule(() -> p.finish(Response.of(ResponseOutcome.TIMEOUT,
                "no answer within " + ms + " ms")), ms));
    }

    // ------------------------------------------------------------------------------------------ callbacks

    /** An inbound connection logged on. Event loop. */
    void inboundActive(Connection c, Message.Hello h) {
        if (logons.accepted(c, h)) {
            streams.mainLinkUp();
        }
    }

    /** One of our links logged on. Event loop. */
    void outgoingActive(Connection c) {
        if (c.link() == Link.MAIN) {
            streams.mainLinkUp();
            handOverHeartbeatKey(c);
        }
    }

    /**
     * A new main link of ours: draw a new heartbeat key and hand it to the peer over this TLS link; once the peer
     * took it, sign and accept with it (the peer does the same from its answer on).
     */
    private void handOverHeartbeatKey(Connection c) {
        if (!config.heartbeats().enabled()) {
            return;
        }
        byte[] key = Heartbeats.newKeyPayload();
        heartbeats.expect(key);
        PendingRequestImpl p = new PendingRequestImpl(requestIds.incrementAndGet(), events);
        armTimeout(p, config.connectTimeout());
        c.sendRequest(p, request("*", EventIds.HEARTBEAT_KEY, p, String.valueOf(c.link()), key));
        p.response().thenAccept(r -> {
            if (r.isReply()) {
                heartbeats.install(key);
            } else {
                LOG.warn("Heartbeats: the peer did not take this connection's heartbeat key ({}: {}); heartbeats"
                        + " keep the previous key, if any", r.outcome(), r.detail());
            }
        });
    }

    /** A connection ended. Event loop. */
    void connectionEnded(Connection c, String why, boolean wasActive) {
        logons.ended(c, why);
        if (wasActive && c.link() == Link.MAIN) {
            streams.mainLinkDown(c);
        }
    }
}
