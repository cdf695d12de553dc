package org.switchover.notifier.internal;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.api.NodeId;
import org.switchover.api.notifier.ConnectionStatus;
import org.switchover.api.notifier.EventIds;
import org.switchover.api.notifier.Link;
import org.switchover.api.notifier.LinkStatus;
import org.switchover.api.notifier.Notifier;
import org.switchover.api.notifier.NotifierCounters;
import org.switchover.api.notifier.PendingRequest;
import org.switchover.api.notifier.Request;
import org.switchover.api.notifier.RequestHandler;
import org.switchover.api.notifier.Response;
import org.switchover.api.notifier.ResponseOutcome;
import org.switchover.api.notifier.StreamListener;
import org.switchover.api.notifier.StreamPosition;
import org.switchover.api.notifier.StreamPublisher;
import org.switchover.api.notifier.StreamSubscription;
import org.switchover.api.time.Scheduler;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;

/**
 * The notifier without OSGi: listener, MAIN/AUX links, requests, streams, counters. Create it with a
 * {@link NotifierConfig}, a {@link Scheduler} (timeouts and reconnects), a handler lookup (event id to handler,
 * null when none) and a status callback; then {@link #start()}; {@link #close()} when done. Thread-safe.
 *
 * <p>Threads: {@code switchover-notifier-io-<n>} (network), {@code switchover-notifier-events-<n>} (status
 * callbacks and request completions, one at a time, in order), {@code switchover-notifier-handler-<n>} (request
 * handlers, {@code handler.threads} of them), {@code switchover-notifier-stream-<n>} (one per subscription).
 */
public final class NotifierEngine implements Notifier, NotifierCounters, AutoCloseable {

    /** Link name of a one-shot connection in the logon. */
    static final String ONCE_LINK = "ONCE";

    private static final Logger LOG = LoggerFactory.getLogger(NotifierEngine.class);
    private static final int IO_THREADS = 2;
    private static final int HANDLER_QUEUE = 10_000;

    private volatile NotifierConfig config;
    private final Scheduler scheduler;
    private final Function<String, RequestHandler> handlers;
    private final Counters counters = new Counters();
    private final TlsContexts tls = new TlsContexts();
    private final StatusBoard board;
    private final EventLoopGroup group;
    private final ThreadPoolExecutor events;
    private final ThreadPoolExecutor handlerPool;
    private final NamedThreads streamThreads = new NamedThreads("switchover-notifier-stream");
    private final Map<Link, OutgoingLink> outgoing = new EnumMap<>(Link.class);
    private final Map<Link, Connection> inbound = new ConcurrentHashMap<>();
    private final Map<String, PublishedStream> streams = new ConcurrentHashMap<>();
    private final Map<String, SubscriptionImpl> subscriptions = new ConcurrentHashMap<>();
    private final Set<Channel> channels = ConcurrentHashMap.newKeySet();
    private final AtomicLong requestIds = new AtomicLong();
    private Channel server;
    private boolean peerLinksOpen;
    private volatile boolean closed;

    /**
     * @param config the configuration
     * @param scheduler clock and timer for request timeouts and reconnect attempts; owned by the caller
     * @param handlers event id to handler, or null when there is none
     * @param statusListener told about every change of a link's effective status, in order, without locks held;
     *     may be null
     */
    public NotifierEngine(NotifierConfig config, Scheduler scheduler, Function<String, RequestHandler> handlers,
                          Consumer<LinkStatus> statusListener) {
        this.config = Objects.requireNonNull(config, "config");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.handlers = Objects.requireNonNull(handlers, "handlers");
        Consumer<LinkStatus> listener = statusListener == null ? s -> { } : statusListener;
        counters.configure(config.collectRequestCounters(), config.collectErrorCounters());
        events = new ThreadPoolExecutor(1, 1, 0L, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                new NamedThreads("switchover-notifier-events"));
        handlerPool = new ThreadPoolExecutor(config.handlerThreads(), config.handlerThreads(), 30L, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(HANDLER_QUEUE), new NamedThreads("switchover-notifier-handler"));
        board = new StatusBoard(scheduler, events, s -> {
            try {
                listener.accept(s);
            } catch (RuntimeException e) {
                LOG.error("Link status listener failed on {}", s, e);
            }
        });
        group = new MultiThreadIoEventLoopGroup(IO_THREADS, new NamedThreads("switchover-notifier-io"),
                NioIoHandler.newFactory());
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
            server = bind(config);
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
    public void reconfigure(NotifierConfig next) {
        Objects.requireNonNull(next, "next");
        NotifierConfig old;
        synchronized (this) {
            old = config;
            config = next;
        }
        counters.configure(next.collectRequestCounters(), next.collectErrorCounters());
        resizeHandlers(next.handlerThreads());
        if (next.streamBacklogSize() != old.streamBacklogSize()) {
            for (PublishedStream ps : streams.values()) {
                PublisherImpl p = ps.publisher;
                if (p != null) {
                    p.backlog.resize(next.streamBacklogSize());
                }
            }
        }
        if (!Objects.equals(next.listenHost(), old.listenHost()) || next.listenPort() != old.listenPort()) {
            rebind(old, next);
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
        Channel s;
        synchronized (this) {
            s = server;
            server = null;
        }
        if (s != null) {
            s.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        subscriptions.values().forEach(SubscriptionImpl::shutdown);
        subscriptions.clear();
        for (PublishedStream ps : streams.values()) {
            PublisherImpl p = ps.publisher;
            if (p != null) {
                p.close();
            }
        }
        for (Channel ch : List.copyOf(channels)) {
            ch.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        group.shutdownGracefully(0, 200, TimeUnit.MILLISECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        handlerPool.shutdownNow();
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
        synchronized (this) {
            if (server != null && server.localAddress() instanceof InetSocketAddress a) {
                return address(a);
            }
        }
        NotifierConfig c = config;
        return (c.listenHost() == null ? "0.0.0.0" : c.listenHost()) + ":" + c.listenPort();
    }

    /** @return the port actually bound (useful with port 0), or the configured one before {@link #start()}. */
    public synchronized int boundPort() {
        if (server != null && server.localAddress() instanceof InetSocketAddress a) {
            return a.getPort();
        }
        return config.listenPort();
    }

    @Override
    public PendingRequest send(Link link, String objectId, String eventId, byte[] payload, Duration timeout) {
        Objects.requireNonNull(link, "link");
        PendingRequestImpl p = new PendingRequestImpl(requestIds.incrementAndGet(), events);
        Message.Request r = new Message.Request(objectId == null ? "*" : objectId, Objects.requireNonNull(eventId,
                "eventId"), p.requestId(), config.node() + "/" + link, payload == null ? Message.EMPTY : payload);
        String tooBig = checkSize(r);
        if (tooBig != null) {
            p.finish(Response.of(ResponseOutcome.REJECTED, tooBig));
            return p;
        }
        Connection c = closed ? null : activeConnection(link);
        if (c == null) {
            LinkStatus s = board.status(link);
            String why = closed ? "notifier is closed" : "link " + link + " is not active (" + s.status().label()
                    + (s.detail().isEmpty() ? "" : ": " + s.detail()) + ")";
            p.finish(Response.of(ResponseOutcome.CONNECTION_LOST, why));
            return p;
        }
        armTimeout(p, timeout);
        c.sendRequest(p, r);
        return p;
    }

    @Override
    public PendingRequest sendOnce(String objectId, String eventId, byte[] payload, Duration timeout) {
        PendingRequestImpl p = new PendingRequestImpl(requestIds.incrementAndGet(), events);
        Message.Request r = new Message.Request(objectId == null ? "*" : objectId, Objects.requireNonNull(eventId,
                "eventId"), p.requestId(), config.node() + "/" + ONCE_LINK,
                payload == null ? Message.EMPTY : payload);
        String tooBig = checkSize(r);
        if (tooBig != null) {
            p.finish(Response.of(ResponseOutcome.REJECTED, tooBig));
            return p;
        }
        if (closed) {
            p.finish(Response.of(ResponseOutcome.CONNECTION_LOST, "notifier is closed"));
            return p;
        }
        armTimeout(p, timeout);
        new OneShot(this, p, r).start();
        return p;
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
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(replicationId, "replicationId");
        PublishedStream ps = streams.computeIfAbsent(stream, PublishedStream::new);
        int maxPayload = maxPayload(new Message.Data(stream, replicationId, Long.MAX_VALUE, Message.EMPTY));
        PublisherImpl[] self = new PublisherImpl[1];
        PublisherImpl p = new PublisherImpl(ps, replicationId, config.streamBacklogSize(), events,
                () -> maxPayload(new Message.Data(stream, replicationId, Long.MAX_VALUE, Message.EMPTY)),
                () -> {
                    synchronized (ps) {
                        if (ps.publisher == self[0]) {
                            ps.publisher = null;
                        }
                    }
                });
        self[0] = p;
        PublisherImpl old;
        synchronized (ps) {
            old = ps.publisher;
            ps.publisher = p;
        }
        if (old != null) {
            old.close();
        }
        LOG.debug("Publishing stream '{}' under replication id '{}' (payloads up to {} bytes)", stream,
                replicationId, maxPayload);
        ps.wakeAll();
        return p;
    }

    @Override
    public StreamSubscription follow(String stream, StreamPosition from, StreamListener listener) {
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(listener, "listener");
        SubscriptionImpl s = new SubscriptionImpl(this, stream, from, listener, streamThreads);
        SubscriptionImpl old = subscriptions.put(stream, s);
        if (old != null) {
            old.close();
        }
        if (closed) {
            s.shutdown();
            return s;
        }
        s.refresh();
        return s;
    }

    // ------------------------------------------------------------------------------------------ counters

    /** @return the KPI counters. */
    public NotifierCounters counters() {
        return counters;
    }

    @Override
    public Map<String, Long> requestsReceived() {
        return counters.requestsReceived();
    }

    @Override
    public Map<String, Long> protocolErrors() {
        return counters.protocolErrors();
    }

    @Override
    public boolean requestCountersEnabled() {
        return counters.requestCountersEnabled();
    }

    @Override
    public boolean errorCountersEnabled() {
        return counters.errorCountersEnabled();
    }

    // ------------------------------------------------------------------------------------------ internals

    NotifierConfig config() {
        return config;
    }

    Scheduler scheduler() {
        return scheduler;
    }

    StatusBoard board() {
        return board;
    }

    TlsContexts tls() {
        return tls;
    }

    /** Bounds the TLS handshake and the logon of every connection. */
    long logonTimeoutMillis() {
        return Math.max(5000L, 2 * config.connectTimeout().toMillis());
    }

    /** @return the logged-on connection for {@code link}, outgoing preferred, or null. */
    Connection activeConnection(Link link) {
        Connection c = outgoing.get(link).current();
        if (c != null && c.isActive()) {
            return c;
        }
        Connection in = inbound.get(link);
        return in != null && in.isActive() ? in : null;
    }

    /** Opens a TLS connection for {@code c}; failures end up in {@code c}'s owner. */
    void connect(NotifierConfig cfg, SslContext tlsContext, Connection c) {
        String host = cfg.peerHost();
        int port = cfg.peerPort();
        Bootstrap b = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                        cfg.connectTimeout().toMillis()))
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 * 1024, 1024 * 1024))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        SslHandler ssl = tlsContext.newHandler(ch.alloc(), host, port);
                        initPipeline(ch, ssl, c);
                    }
                });
        try {
            b.connect(host, port).addListener((ChannelFutureListener) f -> {
                if (!f.isSuccess()) {
                    c.connectFailed(f.cause());
                }
            });
        } catch (RuntimeException e) {
            // e.g. the event loop is shutting down
            c.connectFailed(e);
        }
    }

    private void initPipeline(SocketChannel ch, SslHandler ssl, Connection c) {
        ssl.setHandshakeTimeoutMillis(logonTimeoutMillis());
        ch.pipeline()
                .addLast("tls", ssl)
                .addLast("frames", new FrameDecoder(() -> config.maxFrameBytes()))
                .addLast("encoder", FrameEncoder.INSTANCE)
                .addLast("connection", c);
        channels.add(ch);
        ch.closeFuture().addListener(f -> channels.remove(ch));
    }

    private Channel bind(NotifierConfig cfg) {
        ServerBootstrap sb = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(256 * 1024, 1024 * 1024))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        SslContext ctx;
                        try {
                            ctx = tls.server(config);
                        } catch (TlsContexts.TlsUnavailable e) {
                            LOG.warn("Refusing notifier connection from {}: {}", address(ch.remoteAddress()),
                                    e.getMessage());
                            ch.close();
                            return;
                        }
                        initPipeline(ch, ctx.newHandler(ch.alloc()), new Connection(NotifierEngine.this,
                                Connection.Role.INBOUND, null, null, address(ch.remoteAddress())));
                    }
                });
        String host = cfg.listenHost();
        ChannelFuture f = host == null ? sb.bind(cfg.listenPort()) : sb.bind(host, cfg.listenPort());
        String where = (host == null ? "*" : host) + ":" + cfg.listenPort();
        if (!f.awaitUninterruptibly(10, TimeUnit.SECONDS)) {
            f.cancel(false);
            throw new IllegalStateException("notifier cannot listen on " + where + ": bind timed out");
        }
        if (!f.isSuccess()) {
            throw new IllegalStateException("notifier cannot listen on " + where + ": "
                    + Connection.describe(f.cause()), f.cause());
        }
        return f.channel();
    }

    private void rebind(NotifierConfig old, NotifierConfig next) {
        synchronized (this) {
            if (closed || server == null) {
                return;
            }
            int boundBefore = boundPort();
            NotifierConfig.Builder back = old.toBuilder();
            NotifierConfig previous = (old.node() == NodeId.A ? back.portA(boundBefore) : back.portB(boundBefore))
                    .build();
            server.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
            try {
                server = bind(next);
                LOG.info("Notifier listener moved to {}", listenAddress());
            } catch (IllegalStateException e) {
                LOG.error("{}; going back to the previous address", e.getMessage());
                try {
                    server = bind(previous);
                } catch (IllegalStateException again) {
                    server = null;
                    LOG.error("{}; the notifier is not listening now", again.getMessage());
                }
            }
        }
    }

    private void resizeHandlers(int n) {
        if (n == handlerPool.getCorePoolSize()) {
            return;
        }
        if (n > handlerPool.getMaximumPoolSize()) {
            handlerPool.setMaximumPoolSize(n);
            handlerPool.setCorePoolSize(n);
        } else {
            handlerPool.setCorePoolSize(n);
            handlerPool.setMaximumPoolSize(n);
        }
    }

    private void armTimeout(PendingRequestImpl p, Duration timeout) {
        long ms = Math.max(1L, timeout == null ? 30_000L : timeout.toMillis());
        p.timeout(scheduler.schedule(() -> p.finish(Response.of(ResponseOutcome.TIMEOUT,
                "no answer within " + ms + " ms")), ms));
    }

    private String checkSize(Message m) {
        int max = maxPayload(m);
        int len = m.payload().length;
        return len > max ? "not sent: payload of " + len + " bytes exceeds the frame limit (max.frame.bytes "
                + config.maxFrameBytes() + ")" : null;
    }

    /** @return the largest payload a frame of this kind (and header) can carry under the current limit. */
    private int maxPayload(Message headerOnly) {
        return config.maxFrameBytes() - 4 - MessageCodec.header(headerOnly).length;
    }

    // ------------------------------------------------------------------------------------------ callbacks

    /** A request arrived on a logged-on connection. Event loop. */
    void onRequest(Connection c, Message.Request r) {
        counters.requestReceived(r.eid());
        if (EventIds.NOTIFIER_PING.equals(r.eid())) {
            // The notifier answers its own ping at once: it tells the peer this notifier is alive.
            c.send(new Message.Response(r.rid(), Message.Response.REPLY, "", Message.EMPTY));
            return;
        }
        RequestHandler h;
        try {
            h = handlers.apply(r.eid());
        } catch (RuntimeException e) {
            LOG.error("Handler lookup for event id '{}' failed", r.eid(), e);
            h = null;
        }
        if (h == null) {
            counters.protocolError("rejected-no-handler");
            c.send(new Message.Response(r.rid(), Message.Response.REJECTED,
                    "no handler for event id '" + r.eid() + "'", Message.EMPTY));
            return;
        }
        Request req = new Request(r.oid(), r.eid(), r.rid(), c.peerLabel(), r.payload());
        RequestHandler handler = h;
        try {
            handlerPool.execute(() -> runHandler(c, handler, req));
        } catch (RejectedExecutionException e) {
            counters.protocolError("rejected-overloaded");
            c.send(new Message.Response(r.rid(), Message.Response.REJECTED,
                    "notifier handler queue is full (" + HANDLER_QUEUE + " requests waiting)", Message.EMPTY));
        }
    }

    private void runHandler(Connection c, RequestHandler h, Request req) {
        CompletionStage<byte[]> stage;
        try {
            stage = h.handle(req);
        } catch (RuntimeException | LinkageError e) {
            reject(c, req, e);
            return;
        }
        if (stage == null) {
            reject(c, req, new IllegalStateException("handler for '" + req.eventId() + "' returned no answer"));
            return;
        }
        stage.whenComplete((body, err) -> {
            if (err != null) {
                reject(c, req, err);
                return;
            }
            byte[] b = body == null ? Message.EMPTY : body;
            Message.Response ok = new Message.Response(req.requestId(), Message.Response.REPLY, "", b);
            if (b.length > maxPayload(ok)) {
                reject(c, req, new IllegalStateException("reply of " + b.length
                        + " bytes exceeds the frame limit (max.frame.bytes " + config.maxFrameBytes() + ")"));
                return;
            }
            c.send(ok);
        });
    }

    private void reject(Connection c, Request req, Throwable err) {
        Throwable e = err;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        String detail = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getName()
                : e.getMessage();
        counters.protocolError("rejected-handler-failed");
        LOG.debug("Handler for '{}' failed on request {} from {}: {}", req.eventId(), req.requestId(),
                req.senderId(), detail);
        c.send(new Message.Response(req.requestId(), Message.Response.REJECTED, detail, Message.EMPTY));
    }

    /** @return why the logon must be refused, or null to accept it. */
    String checkLogon(Message.Hello h) {
        if (h.protocol() != Message.PROTOCOL) {
            return "protocol " + h.protocol() + " is not supported; this node speaks protocol " + Message.PROTOCOL;
        }
        NodeId peerNode;
        try {
            peerNode = NodeId.parse(h.node());
        } catch (IllegalArgumentException e) {
            return "invalid node letter '" + h.node() + "' (expected A or B)";
        }
        NodeId self = config.node();
        if (peerNode == self) {
            return "peer announces node " + peerNode + ", the same letter as this node; one of the two must be "
                    + "configured as node " + self.peer();
        }
        if (!ONCE_LINK.equals(h.link()) && !Link.MAIN.name().equals(h.link()) && !Link.AUX.name().equals(h.link())) {
            return "unknown link kind '" + h.link() + "' (expected MAIN, AUX or ONCE)";
        }
        return null;
    }

    void logonRefused(String peer, String reason) {
        counters.protocolError("logon-refused");
        LOG.warn("Refused notifier logon from {}: {}", peer, reason);
    }

    void authenticationFailure(String peer, String reason) {
        counters.protocolError("authentication-failure");
        LOG.warn("authentication failure from {}: {}", peer, reason);
    }

    void protocolError(String peer, String type, String reason) {
        counters.protocolError(type);
        LOG.warn("Notifier protocol error from {} ({}): {}; connection closed", peer, type, reason);
    }

    /** An inbound connection logged on. Event loop. */
    void inboundActive(Connection c, Message.Hello h) {
        Link link = c.link();
        if (link == null) {
            LOG.debug("One-shot notifier connection from {} ({}/{})", c.peer(), h.node(), h.link());
            return;
        }
        LOG.info("Accepted notifier logon from {}: node {}, link {}, release {}", c.peer(), h.node(), h.link(),
                h.version());
        Connection old = inbound.put(link, c);
        if (old != null && old != c) {
            old.close("replaced by a newer " + link + " connection from the peer");
        }
        board.inbound(link, ConnectionStatus.ACTIVE, "", c.peer());
        if (link == Link.MAIN) {
            subscriptions.values().forEach(SubscriptionImpl::refresh);
        }
    }

    /** One of our links logged on. Event loop. */
    void outgoingActive(Connection c) {
        if (c.link() == Link.MAIN) {
            subscriptions.values().forEach(SubscriptionImpl::refresh);
        }
    }

    /** A connection ended. Event loop. */
    void connectionEnded(Connection c, String why, boolean wasActive) {
        Link link = c.link();
        if (c.role() == Connection.Role.INBOUND && link != null && inbound.remove(link, c)) {
            LOG.info("Inbound notifier connection {} from {} closed: {}", link, c.peer(), why);
            board.inbound(link, ConnectionStatus.NOT_CONNECTED, "connection closed: " + why, c.peer());
        }
        if (wasActive && link == Link.MAIN) {
            for (SubscriptionImpl s : subscriptions.values()) {
                s.connectionClosed(c);
                s.refresh();
            }
        }
    }

    FollowerSession attachFollower(Connection c, String stream) {
        PublishedStream ps = streams.computeIfAbsent(stream, PublishedStream::new);
        FollowerSession fs = new FollowerSession(ps, c);
        ps.sessions.add(fs);
        return fs;
    }

    void detachFollower(FollowerSession fs) {
        fs.detach();
        fs.stream.sessions.remove(fs);
    }

    void onStreamData(Message.Data d) {
        SubscriptionImpl s = subscriptions.get(d.stream());
        if (s != null) {
            s.onData(d);
        }
    }

    void onStreamResync(Message.Resync r) {
        SubscriptionImpl s = subscriptions.get(r.stream());
        if (s != null) {
            s.onResync(r);
        }
    }

    void subscriptionClosed(SubscriptionImpl s) {
        subscriptions.remove(s.stream(), s);
    }

    /** @return {@code host:port} of a socket address, without a resolved-name prefix. */
    static String address(SocketAddress a) {
        if (a instanceof InetSocketAddress i) {
            String host = i.getAddress() != null ? i.getAddress().getHostAddress() : i.getHostString();
            return host + ":" + i.getPort();
        }
        return String.valueOf(a);
    }
}
