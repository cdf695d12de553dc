package org.switchover.notifier.internal;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.api.notifier.EventIds;
import org.switchover.api.notifier.Link;
import org.switchover.api.notifier.Request;
import org.switchover.api.notifier.RequestHandler;

import org.switchover.support.Threads;

/**
 * Requests that arrive from the peer: the notifier's own ping is answered at once on the event loop, everything
 * else runs its handler on the pool {@code switchover-notifier-handler-*} ({@code handler.threads} threads, a
 * bounded queue); a missing handler, a full queue, a failed handler and a reply over the frame limit are answered
 * with REJECTED and counted.
 */
final class RequestDispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(RequestDispatcher.class);
    private static final int HANDLER_QUEUE = 10_000;

    private final Supplier<NotifierSettings> config;
    private final Function<String, RequestHandler> handlers;
    /** Installs a heartbeat key handed over a main link: null when taken, otherwise why not. */
    private final Function<byte[], String> heartbeatKeys;
    private final Counters counters;
    private final ThreadPoolExecutor pool;

    RequestDispatcher(Supplier<NotifierSettings> config, Function<String, RequestHandler> handlers, Counters counters,
                      Function<byte[], String> heartbeatKeys) {
        this.heartbeatKeys = heartbeatKeys;
        this.config = config;
        this.handlers = handlers;
        this.counters = counters;
        int n = config.get().handlerThreads();
        pool = new ThreadPoolExecutor(n, n, 30L, TimeUnit.SECONDS, new ArrayBlockingQueue<>(HANDLER_QUEUE),
                Threads.factory("switchover-notifier-handler"));
    }

    /** Changes the number of handler threads. */
    void resize(int n) {
        if (n == pool.getCorePoolSize()) {
            return;
        }
        if (n > pool.getMaximumPoolSize()) {
            pool.setMaximumPoolSize(n);
            pool.setCorePoolSize(n);
        } else {
            pool.setCorePoolSize(n);
            pool.setMaximumPoolSize(n);
        }
    }

    void shutdown() {
        pool.shutdownNow();
    }

    /** A request arrived on a logged-on connection. Event loop. */
    void onRequest(Connection c, Message.Request r) {
        counters.requestReceived(r.eid());
        if (EventIds.NOTIFIER_PING.equals(r.eid())) {
            // The notifier answers its own ping at once: it tells the peer this notifier is alive.
            c.send(new Message.Response(r.rid(), Message.Response.REPLY, "", Message.EMPTY));
            return;
        }
        if (EventIds.HEARTBEAT_KEY.equals(r.eid())) {
            // only over a logged-on main link: the key must come from the authenticated peer on its own link
            String refused = c.link() != Link.MAIN ? "heartbeat keys are taken over the main link only"
                    : heartbeatKeys.apply(r.payload());
            if (refused != null) {
                counters.requestRefused(r.eid());
            }
            c.send(new Message.Response(r.rid(), refused == null ? Message.Response.REPLY
                    : Message.Response.REJECTED, refused == null ? "" : refused, Message.EMPTY));
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
            counters.requestRefused(r.eid());
            c.send(new Message.Response(r.rid(), Message.Response.REJECTED,
                    "no handler for event id '" + r.eid() + "'", Message.EMPTY));
            return;
        }
        Request req = new Request(r.oid(), r.eid(), r.rid(), c.peerLabel(), r.payload());
        RequestHandler handler = h;
        try {
            pool.execute(() -> run(c, handler, req));
        } catch (RejectedExecutionException e) {
            counters.protocolError("rejected-overloaded");
            counters.requestRefused(r.eid());
            c.send(new Message.Response(r.rid(), Message.Response.REJECTED,
                    "notifier handler queue is full (" + HANDLER_QUEUE + " requests waiting)", Message.EMPTY));
        }
    }

    private void run(Connection c, RequestHandler h, Request req) {
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
            int maxFrame = config.get().maxFrameBytes();
            if (b.length > MessageCodec.maxPayload(maxFrame, ok)) {
                reject(c, req, new IllegalStateException("reply of " + b.length
                        + " bytes exceeds the frame limit (max.frame.bytes " + maxFrame + ")"));
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
        counters.requestRefused(req.eventId());
        LOG.debug("Handler for '{}' failed on request {} from {}: {}", req.eventId(), req.requestId(),
                req.senderId(), detail);
        c.send(new Message.Response(req.requestId(), Message.Response.REJECTED, detail, Message.EMPTY));
    }
}
