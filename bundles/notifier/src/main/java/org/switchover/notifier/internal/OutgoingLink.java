package org.switchover.notifier.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.api.notifier.ConnectionStatus;
import org.switchover.api.notifier.Link;

import io.netty.handler.ssl.SslContext;

/**
 * Our MAIN or AUX connection to the peer: one connection attempt at a time, driven by a {@link Reconnector},
 * status reported to the {@link StatusBoard}.
 */
final class OutgoingLink implements Connection.Owner {

    private static final Logger LOG = LoggerFactory.getLogger(OutgoingLink.class);

    private final NotifierEngine engine;
    private final Link link;
    private final Reconnector reconnector;
    private volatile Connection current;
    private volatile String peer = "";

    OutgoingLink(NotifierEngine engine, Link link) {
        this.engine = engine;
        this.link = link;
        this.reconnector = new Reconnector(engine.scheduler, () -> engine.config().reconnectDelay().toMillis(),
                this::attempt);
    }

    void open() {
        reconnector.start();
    }

    void close(String why) {
        reconnector.stop();
        Connection c = current;
        current = null;
        if (c != null) {
            c.close(why);
        }
        engine.board.outgoing(link, ConnectionStatus.NOT_CONNECTED, why, peer, 0);
    }

    /** @return the connection of the attempt in progress or the established one; may be null. */
    Connection current() {
        return current;
    }

    private void attempt(int n) {
        NotifierSettings cfg = engine.config();
        peer = cfg.peerAddress();
        SslContext tls;
        try {
            tls = engine.tls.client(cfg);
        } catch (TlsContexts.TlsUnavailable e) {
            ended(null, ConnectionStatus.AUTHENTICATION_FAILURE, e.getMessage(), false);
            return;
        }
        Connection c = new Connection(engine, Connection.Role.OUTGOING, link, this, peer);
        current = c;
        LOG.debug("Connecting notifier link {} to {} (attempt #{})", link, peer, n);
        engine.connect(cfg, tls, c);
    }

    @Override
    public void tlsUp(Connection c) {
        if (c == current) {
            engine.board.outgoing(link, ConnectionStatus.WAITING_FOR_CLIENT, "", peer, reconnector.attempts());
        }
    }

    @Override
    public void active(Connection c) {
        if (c != current || !reconnector.running()) {
            c.close("link no longer wanted");
            return;
        }
        reconnector.succeeded();
        engine.board.outgoing(link, ConnectionStatus.ACTIVE, "", peer, 0);
    }

    @Override
    public void ended(Connection c, ConnectionStatus status, String detail, boolean wasActive) {
        if (c != null && c != current) {
            return;
        }
        current = null;
        if (!reconnector.running()) {
            return;
        }
        if (wasActive) {
            LOG.warn("Lost connection to notifier {} ({}): {}", peer, link, detail);
            engine.board.outgoing(link, ConnectionStatus.NOT_CONNECTED, "connection lost: " + detail, peer, 0);
            reconnector.lost();
        } else {
            int n = reconnector.failed();
            LOG.warn("Connection to notifier {} ({}) failed; attempt #{}", peer, link, n);
            engine.board.outgoing(link, status, detail, peer, n);
        }
    }
}
