package org.switchover.notifier.internal;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.api.NodeId;

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
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The network side of the notifier: the Netty event loops ({@code switchover-notifier-io-*}), the listening socket
 * and its rebinding, outgoing TLS connections, and the pipeline every connection gets. Knows nothing of links,
 * requests or streams: each channel ends in a {@link Connection}. Thread-safe.
 */
final class Transport {

    private static final Logger LOG = LoggerFactory.getLogger(Transport.class);
    private static final int IO_THREADS = 2;

    private final Supplier<NotifierSettings> config;
    private final TlsContexts tls;
    private final Function<String, Connection> inbound;
    private final LogonGate logons;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(IO_THREADS,
            new DefaultThreadFactory("switchover-notifier-io", true), NioIoHandler.newFactory());
    private final Set<Channel> channels = ConcurrentHashMap.newKeySet();
    private Channel server;

    /**
     * @param config the configuration in force
     * @param tls the TLS contexts
     * @param inbound a new inbound connection for a remote address
     * @param logons counts the connections per source address
     */
    Transport(Supplier<NotifierSettings> config, TlsContexts tls, Function<String, Connection> inbound,
              LogonGate logons) {
        this.config = config;
        this.tls = tls;
        this.inbound = inbound;
        this.logons = logons;
    }

    /** Bounds the TLS handshake and the logon of every connection. */
    static long logonTimeoutMillis(NotifierSettings cfg) {
        return Math.max(5000L, 2 * cfg.connectTimeout().toMillis());
    }

    /** Binds the listener; a second call while listening does nothing. */
    synchronized void listen() {
        if (server == null) {
            server = bind(config.get());
        }
    }

    /** @return the bound address, or null when not listening. */
    synchronized InetSocketAddress boundAddress() {
        return server != null && server.localAddress() instanceof InetSocketAddress a ? a : null;
    }

    /** Opens a TLS connection for {@code c}; failures end up in {@code c}'s owner. */
    void connect(NotifierSettings cfg, SslContext tlsContext, Connection c) {
        String host = cfg.peerHost();
        int port = cfg.peerPort();
        Bootstrap b = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                        cfg.connectTimeout().toMillis()))
                .handler(initializer(ch -> initPipeline(ch, tlsContext.newHandler(ch.alloc(), host, port), c)));
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

    private static ChannelInitializer<SocketChannel> initializer(Consumer<SocketChannel> init) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                init.accept(ch);
            }
        };
    }

    /** A peer connected to the listener. */
    private void accepted(SocketChannel ch) {
        String from = ch.remoteAddress() == null ? "?" : ch.remoteAddress().getAddress().getHostAddress();
        if (!logons.openedFrom(from)) {
            ch.close();
            return;
        }
        ch.closeFuture().addListener(f -> logons.closedFrom(from));
        SslContext ctx;
        try {
            ctx = tls.server(config.get());
        } catch (TlsContexts.TlsUnavailable e) {
            logons.warnLimited("tls-unavailable", "Refusing notifier connection from {}: {}",
                    address(ch.remoteAddress()), e.getMessage());
            ch.close();
            return;
        }
        initPipeline(ch, ctx.newHandler(ch.alloc()), inbound.apply(address(ch.remoteAddress())));
    }

    private void initPipeline(SocketChannel ch, SslHandler ssl, Connection c) {
        NotifierSettings cfg = config.get();
        ch.config().setKeepAlive(true);
        ch.config().setTcpNoDelay(true);
        // Reading from a peer pauses while this much waits to be sent to it (see Connection): the write buffer
        // turns unwritable there, and stream sending pauses at the same point.
        int pause = cfg.limits().outputPauseBytes();
        ch.config().setWriteBufferWaterMark(new WriteBufferWaterMark(pause / 2, pause));
        ssl.setHandshakeTimeoutMillis(logonTimeoutMillis(cfg));
        ch.pipeline()
                .addLast("tls", ssl)
                .addLast("frames", new FrameDecoder(
                        // before the logon is answered a frame is a HELLO: nothing big is buffered for a stranger
                        () -> c.isActive() ? config.get().maxFrameBytes() : Limits.LOGON_FRAME_BYTES,
                        () -> config.get().limits().frameTimeout().toMillis()))
                .addLast("encoder", FrameEncoder.INSTANCE)
                .addLast("connection", c);
        channels.add(ch);
        ch.closeFuture().addListener(f -> channels.remove(ch));
    }

    private Channel bind(NotifierSettings cfg) {
        ServerBootstrap sb = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(initializer(this::accepted));
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

    /** Moves the listener to {@code next}'s address; back to the previous one when that fails. */
    synchronized void rebind(NotifierSettings old, NotifierSettings next) {
        if (server == null) {
            return;
        }
        int boundBefore = ((InetSocketAddress) server.localAddress()).getPort();
        NotifierSettings.Builder back = old.toBuilder();
        NotifierSettings previous = (old.node() == NodeId.A ? back.portA(boundBefore) : back.portB(boundBefore))
                .build();
        server.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        try {
            server = bind(next);
            LOG.info("Notifier listener moved to {}", address(server.localAddress()));
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

    /** Stops listening, closes every channel and ends the event loops. */
    void close() {
        Channel s;
        synchronized (this) {
            s = server;
            server = null;
        }
        if (s != null) {
            s.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        for (Channel ch : List.copyOf(channels)) {
            ch.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        group.shutdownGracefully(0, 200, TimeUnit.MILLISECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
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
