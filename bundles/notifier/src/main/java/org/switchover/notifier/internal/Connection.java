package org.switchover.notifier.internal;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.api.notifier.ConnectionStatus;
import org.switchover.api.notifier.Link;
import org.switchover.api.notifier.Response;
import org.switchover.api.notifier.ResponseOutcome;
import org.switchover.support.log.LogText;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * One TLS connection with the peer, in either direction, from handshake to close: logon, requests both ways,
 * stream traffic. Runs on its channel's event loop; the few methods other threads call say so.
 */
final class Connection extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(Connection.class);

    /** Who opened the connection and why. */
    enum Role {
        /** Our MAIN or AUX link to the peer. */
        OUTGOING,
        /** Opened by the peer. */
        INBOUND,
        /** Our short-lived connection for one request. */
        ONCE
    }

    private enum State { HANDSHAKE, LOGON, ACTIVE, CLOSED }

    /** Told about the life of an outgoing or one-shot connection. Called on the event loop. */
    interface Owner {
        /** TLS is up and the logon was sent. */
        void tlsUp(Connection c);

        /** The peer accepted the logon. */
        void active(Connection c);

        /**
         * The connection ended (or never came up). Called exactly once.
         *
         * @param status how an attempt that never became active failed
         * @param detail why
         * @param wasActive true when the connection had been logged on
         */
        void ended(Connection c, ConnectionStatus status, String detail, boolean wasActive);
    }

    private final NotifierEngine engine;
    private final Role role;
    private final Owner owner;
    private final Map<Long, PendingRequestImpl> pending = new ConcurrentHashMap<>();
    private final Map<String, FollowerSession> followers = new HashMap<>();
    private volatile State state = State.HANDSHAKE;
    private volatile Link link;
    private volatile String peer;
    private volatile Channel channel;
    private String peerLabel = "?";
    private ConnectionStatus failStatus;
    private String failDetail;
    private boolean wasActive;
    private boolean ended;
    private boolean admitting;
    /** The certificate subject this inbound connection counts against, once its handshake is done. */
    private String countedAs;
    private ScheduledFuture<?> logonTimer;

    Connection(NotifierEngine engine, Role role, Link link, Owner owner, String peer) {
        this.engine = engine;
        this.role = role;
        this.link = link;
        this.owner = owner;
        this.peer = peer;
        if (role != Role.INBOUND) {
            NotifierSettings cfg = engine.config();
            peerLabel = cfg.node().peer() + "/" + (link == null ? NotifierEngine.ONCE_LINK : link.name());
        }
    }

    Role role() {
        return role;
    }

    /** @return MAIN or AUX once known; null for one-shot connections. */
    Link link() {
        return link;
    }

    String peer() {
        return peer;
    }

    Channel channel() {
        return channel;
    }

    /** @return true while logged on. Any thread. */
    boolean isActive() {
        Channel ch = channel;
        return state == State.ACTIVE && ch != null && ch.isActive();
    }

    /** @return true once the connection ended or is about to. Any thread. */
    boolean isClosed() {
        Channel ch = channel;
        return state == State.CLOSED || (ch != null && !ch.isActive());
    }

    /** Writes one message and flushes. Any thread. */
    void send(Message m) {
        Channel ch = channel;
        if (ch != null) {
            ch.writeAndFlush(m, ch.voidPromise());
        }
    }

    /** Sends a request whose answer ends {@code p}. Any thread. */
    void sendRequest(PendingRequestImpl p, Message.Request r) {
        pending.put(p.requestId(), p);
        p.sentOn(this);
        if (state != State.ACTIVE) {
            p.finish(Response.of(ResponseOutcome.CONNECTION_LOST, "connection to " + peer + " closed before the "
                    + "request was sent"));
            return;
        }
        channel.writeAndFlush(r).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                p.finish(Response.of(ResponseOutcome.CONNECTION_LOST, "request could not be written to " + peer
                        + ": " + describe(f.cause())));
            }
        });
    }

    /** Drops a finished request from the pending map. Any thread. */
    void forget(long requestId) {
        pending.remove(requestId);
    }

    /** Closes the connection, remembering why. Any thread. */
    void close(String reason) {
        Channel ch = channel;
        if (ch == null) {
            return;
        }
        ch.eventLoop().execute(() -> {
            fail(ConnectionStatus.NOT_CONNECTED, reason);
            ch.close();
        });
    }

    /** The TCP connect itself failed; the channel never became active. */
    void connectFailed(Throwable cause) {
        failStatus = ConnectionStatus.NOT_CONNECTED;
        failDetail = refusal(cause)
                ? Response.REFUSED_PREFIX + "nothing listens on " + peer + " (" + describe(cause) + ")"
                : "peer " + peer + " unreachable: " + describe(cause);
        end();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        channel = ctx.channel();
        if (role == Role.INBOUND) {
            peer = Transport.address(ctx.channel().remoteAddress());
        }
        long logonMillis = engine.logonTimeoutMillis();
        logonTimer = ctx.executor().schedule(() -> {
            if (state != State.ACTIVE && state != State.CLOSED) {
                String why = state == State.HANDSHAKE ? "TLS handshake" : "logon";
                if (role == Role.INBOUND) {
                    engine.logons.warnLimited("slow " + why, "Closing notifier connection from {}: no {} within {} ms",
                            peer, why, logonMillis);
                }
                fail(state == State.LOGON && role != Role.INBOUND ? ConnectionStatus.NOTIFIER_CONNECTION_FAILURE
                        : ConnectionStatus.NOT_CONNECTED, "no " + why + " within " + logonMillis + " ms");
                ctx.close();
            }
        }, logonMillis, TimeUnit.MILLISECONDS);
        super.channelActive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof SslHandshakeCompletionEvent e) {
            if (e.isSuccess()) {
                state = State.LOGON;
                if (role == Role.INBOUND) {
                    String subject = PeerCertificates.subject(PeerCertificates.leaf(
                            ctx.pipeline().get(SslHandler.class).engine().getSession()));
                    if (!engine.logons.openedBy(subject, peer)) {
                        fail(ConnectionStatus.NOT_CONNECTED, "too many connections with certificate " + subject);
                        state = State.CLOSED;
                        ctx.close();
                        return;
                    }
                    countedAs = subject;
                } else {
                    X509Certificate cert = PeerCertificates.leaf(
                            ctx.pipeline().get(SslHandler.class).engine().getSession());
                    // which of the two the listener is, its refusal of our logon says (a twin gets "same letter")
                    String mismatch = PeerCertificates.notForANode(cert);
                    if (mismatch != null) {
                        failStatus = null;
                        fail(ConnectionStatus.AUTHENTICATION_FAILURE, "peer " + peer + ": " + mismatch);
                        LOG.warn("Notifier connection to {} refused: {}", peer, LogText.escape(mismatch));
                        ctx.close();
                        return;
                    }
                    String linkName = role == Role.ONCE ? NotifierEngine.ONCE_LINK : link.name();
                    NotifierSettings cfg = engine.config();
                    send(new Message.Hello(cfg.node().name(), linkName, Message.PROTOCOL, cfg.version()));
                    owner.tlsUp(this);
                }
            } else {
                tlsFailed(e.cause());
                ctx.close();
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ProtocolError err) {
            protocolError(ctx, err.type(), err.reason());
            return;
        }
        if (state == State.CLOSED) {
            return;
        }
        Message m = (Message) msg;
        if (state == State.LOGON) {
            logon(ctx, m);
            return;
        }
        if (state != State.ACTIVE) {
            protocolError(ctx, ProtocolException.UNEXPECTED_MESSAGE, m.kind() + " before the TLS handshake ended");
            return;
        }
        if (m instanceof Message.Request r) {
            engine.requests.onRequest(this, r);
        } else if (m instanceof Message.Response r) {
            PendingRequestImpl p = pending.remove(r.rid());
            if (p != null) {
                p.finish(r.outcome().equals(Message.Response.REPLY)
                        ? new Response(ResponseOutcome.REPLY, r.payload(), "")
                        : Response.of(ResponseOutcome.REJECTED, r.detail()));
            }
        } else if (m instanceof Message.Subscribe s) {
            FollowerSession fs = followers.get(s.stream());
            int max = engine.config().limits().subscriptionsPerConnection();
            if (fs == null && followers.size() >= max) {
                protocolError(ctx, ProtocolException.TOO_MANY_SUBSCRIPTIONS, "subscription to '"
                        + abbreviate(s.stream()) + "' after " + max + " streams (Max Subscriptions)");
                return;
            }
            if (fs == null) {
                fs = engine.streams.attachFollower(this, s.stream());
                followers.put(s.stream(), fs);
            }
            fs.subscribe(s.replicationId(), s.after());
        } else if (m instanceof Message.Unsubscribe u) {
            FollowerSession fs = followers.remove(u.stream());
            if (fs != null) {
                engine.streams.detachFollower(fs);
            }
        } else if (m instanceof Message.Ack a) {
            FollowerSession fs = followers.get(a.stream());
            if (fs != null) {
                fs.ack(a.seq());
            }
        } else if (m instanceof Message.Data d) {
            engine.streams.onData(d);
        } else if (m instanceof Message.Resync r) {
            engine.streams.onResync(r);
        } else {
            protocolError(ctx, ProtocolException.UNEXPECTED_MESSAGE, m.kind() + " after the logon");
        }
    }

    private void logon(ChannelHandlerContext ctx, Message m) {
        if (role == Role.INBOUND) {
            if (!(m instanceof Message.Hello h)) {
                protocolError(ctx, ProtocolException.UNEXPECTED_MESSAGE, "expected HELLO, got " + m.kind());
                return;
            }
            if (admitting) {
                protocolError(ctx, ProtocolException.UNEXPECTED_MESSAGE, "HELLO before the first one was answered");
                return;
            }
            X509Certificate cert = PeerCertificates.leaf(ctx.pipeline().get(SslHandler.class).engine().getSession());
            String subject = PeerCertificates.subject(cert);
            String refusal = engine.logons.check(h, cert);
            if (refusal != null) {
                refuse(ctx, subject, refusal);
                return;
            }
            link = NotifierEngine.ONCE_LINK.equals(h.link()) ? null : Link.valueOf(h.link());
            peerLabel = h.node() + "/" + h.link();
            admitting = true;
            engine.logons.admit(this, h, subject, reason -> {
                if (ctx.executor().inEventLoop()) {
                    admitted(ctx, h, subject, reason);
                } else {
                    ctx.executor().execute(() -> admitted(ctx, h, subject, reason));
                }
            });
            return;
        }
        if (m instanceof Message.HelloAck) {
            activate();
            owner.active(this);
            if (role == Role.OUTGOING) {
                engine.outgoingActive(this);
            }
        } else if (m instanceof Message.HelloRefused r) {
            fail(ConnectionStatus.NOTIFIER_CONNECTION_FAILURE, "peer refused the logon: " + r.reason());
            ctx.close();
        } else {
            protocolError(ctx, ProtocolException.UNEXPECTED_MESSAGE, "expected HELLO_ACK, got " + m.kind());
        }
    }

    /** The link decision on a checked logon: accept it, or refuse it with {@code reason}. Event loop. */
    private void admitted(ChannelHandlerContext ctx, Message.Hello h, String subject, String reason) {
        if (state != State.LOGON) {
            return; // closed or timed out meanwhile
        }
        if (reason != null) {
            refuse(ctx, subject, reason);
            return;
        }
        activate();
        ctx.writeAndFlush(new Message.HelloAck(), ctx.voidPromise());
        engine.inboundActive(this, h);
    }

    private void refuse(ChannelHandlerContext ctx, String subject, String reason) {
        engine.logons.refused(peer, subject, reason);
        fail(ConnectionStatus.NOTIFIER_CONNECTION_FAILURE, reason);
        ctx.writeAndFlush(new Message.HelloRefused(reason)).addListener(ChannelFutureListener.CLOSE);
        state = State.CLOSED;
    }

    private void activate() {
        state = State.ACTIVE;
        wasActive = true;
        if (logonTimer != null) {
            logonTimer.cancel(false);
        }
    }

    /** @return "B/MAIN" style label of the peer's side, for {@code Request.senderId}. */
    String peerLabel() {
        return peerLabel;
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (role == Role.INBOUND) {
            // A peer that does not read what we send stops being read (its requests would only add replies):
            // buffered output stays near Output Pause Bytes. Only the accepting side pauses, so two nodes that
            // both send a lot can never wait for each other.
            ctx.channel().config().setAutoRead(ctx.channel().isWritable());
        }
        if (ctx.channel().isWritable()) {
            for (FollowerSession fs : followers.values()) {
                fs.pump();
            }
        }
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        SSLException ssl = find(cause, SSLException.class);
        if (ssl != null && state != State.ACTIVE) {
            // With TLS 1.3 the server checks the client's certificate after the client has finished its handshake,
            // so a refused certificate shows up here, as an alert, while waiting for the logon answer.
            tlsFailed(ssl);
        } else if (find(cause, IOException.class) != null || ssl != null) {
            fail(ConnectionStatus.NOT_CONNECTED, describe(cause));
            LOG.debug("Notifier connection with {}: {}", peer, describe(cause));
        } else {
            fail(ConnectionStatus.NOT_CONNECTED, "internal error: " + describe(cause));
            LOG.warn("Notifier connection with {} failed unexpectedly; closing it", peer, cause);
        }
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        end();
        super.channelInactive(ctx);
    }

    private void end() {
        if (ended) {
            return;
        }
        ended = true;
        state = State.CLOSED;
        if (countedAs != null) {
            engine.logons.closedBy(countedAs);
            countedAs = null;
        }
        if (logonTimer != null) {
            logonTimer.cancel(false);
        }
        String why = failDetail != null ? failDetail : "connection closed by the peer";
        for (PendingRequestImpl p : List.copyOf(pending.values())) {
            p.finish(Response.of(ResponseOutcome.CONNECTION_LOST, "connection to " + peer + " lost: " + why));
        }
        pending.clear();
        for (FollowerSession fs : followers.values()) {
            engine.streams.detachFollower(fs);
        }
        followers.clear();
        engine.connectionEnded(this, why, wasActive);
        if (owner != null) {
            ConnectionStatus st = failStatus != null ? failStatus : ConnectionStatus.NOT_CONNECTED;
            owner.ended(this, st, why, wasActive);
        }
    }

    private void tlsFailed(Throwable cause) {
        if (failStatus != null && failStatus != ConnectionStatus.NOT_CONNECTED) {
            return;
        }
        if (find(cause, NotSslRecordException.class) != null) {
            if (role == Role.INBOUND) {
                engine.logons.protocolError(peer, ProtocolException.NOT_TLS, "the bytes received are not TLS");
            }
            fail(ConnectionStatus.NOTIFIER_CONNECTION_FAILURE, "peer " + peer + " does not speak TLS");
            return;
        }
        if (find(cause, SslHandshakeTimeoutException.class) != null) {
            if (role == Role.INBOUND) {
                engine.logons.warnLimited("slow TLS handshake", "Closing notifier connection from {}: TLS handshake "
                        + "did not complete within {} ms", peer, engine.logonTimeoutMillis());
            }
            fail(ConnectionStatus.NOT_CONNECTED, "TLS handshake did not complete: " + describe(cause));
            return;
        }
        if (find(cause, ClosedChannelException.class) != null) {
            fail(ConnectionStatus.NOT_CONNECTED, "connection closed during the TLS handshake");
            return;
        }
        if (TlsFailures.isCutOff(cause)) {
            // Not an authentication failure: the other side stopped or vanished in the middle of the handshake
            // (a node starting or stopping, a process resumed after a pause), or its records arrived truncated.
            if (role == Role.INBOUND && failStatus == null) {
                engine.logons.handshakeCut(peer, describe(cause)); // once: the event and the exception both come here
            }
            fail(ConnectionStatus.NOT_CONNECTED, "TLS handshake cut off: " + describe(cause));
            return;
        }
        String reason = describe(cause);
        if (role == Role.INBOUND) {
            engine.logons.authenticationFailure(peer, reason);
        }
        failStatus = null;
        fail(ConnectionStatus.AUTHENTICATION_FAILURE, reason);
    }

    private void protocolError(ChannelHandlerContext ctx, String type, String reason) {
        engine.logons.protocolError(peer, type, reason);
        fail(ConnectionStatus.NOTIFIER_CONNECTION_FAILURE, "protocol error (" + type + "): " + reason);
        state = State.CLOSED;
        ctx.close();
    }

    private void fail(ConnectionStatus status, String detail) {
        if (failStatus == null) {
            failStatus = status;
            failDetail = detail;
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "...";
    }

    /**
     * A connect the peer's machine answered with a reset (ECONNREFUSED): its port is closed, so its process is gone
     * while the machine is up. A connect timeout (Netty's ConnectTimeoutException is a ConnectException too), an
     * unreachable host or network are not refusals.
     */
    static boolean refusal(Throwable t) {
        for (int i = 0; t != null && i < 10; i++, t = t.getCause()) {
            if (t instanceof java.net.ConnectException && !(t instanceof io.netty.channel.ConnectTimeoutException)) {
                String m = t.getMessage();
                return m != null && m.toLowerCase(java.util.Locale.ROOT).contains("connection refused");
            }
        }
        return false;
    }

    static String describe(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root
                && (root.getMessage() == null || root instanceof io.netty.handler.codec.DecoderException)) {
            root = root.getCause();
        }
        String msg = root.getMessage();
        return msg == null || msg.isBlank() ? root.getClass().getSimpleName() : msg;
    }

    private static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (int i = 0; t != null && i < 10; i++, t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
