package org.switchover.notifier.internal;

import org.switchover.api.notifier.ConnectionStatus;
import org.switchover.api.notifier.Response;
import org.switchover.api.notifier.ResponseOutcome;

import io.netty.handler.ssl.SslContext;

/** One request over a short-lived connection: connect, TLS, logon as ONCE, send, close after the answer. */
final class OneShot implements Connection.Owner {

    private final NotifierEngine engine;
    private final PendingRequestImpl request;
    private final Message.Request message;
    private volatile Connection connection;

    OneShot(NotifierEngine engine, PendingRequestImpl request, Message.Request message) {
        this.engine = engine;
        this.request = request;
        this.message = message;
    }

    void start() {
        NotifierSettings cfg = engine.config();
        SslContext tls;
        try {
            tls = engine.tls.client(cfg);
        } catch (TlsContexts.TlsUnavailable e) {
            request.finish(Response.of(ResponseOutcome.CONNECTION_LOST, "not sent: " + e.getMessage()));
            return;
        }
        Connection c = new Connection(engine, Connection.Role.ONCE, null, this, cfg.peerAddress());
        connection = c;
        request.response().whenComplete((r, e) -> c.close("one-shot request ended"));
        engine.connect(cfg, tls, c);
    }

    @Override
    public void tlsUp(Connection c) {
        // the logon is on its way; the request follows its acceptance
    }

    @Override
    public void active(Connection c) {
        if (!request.isDone()) {
            c.sendRequest(request, message);
        } else {
            c.close("one-shot request ended");
        }
    }

    @Override
    public void ended(Connection c, ConnectionStatus status, String detail, boolean wasActive) {
        String text = switch (status) {
            case AUTHENTICATION_FAILURE -> "authentication failure with " + c.peer() + ": " + detail;
            case NOTIFIER_CONNECTION_FAILURE -> "logon to " + c.peer() + " failed: " + detail;
            default -> wasActive ? "connection to " + c.peer() + " lost: " + detail : detail;
        };
        request.finish(Response.of(ResponseOutcome.CONNECTION_LOST, text));
    }
}
