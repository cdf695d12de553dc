package org.switchover.core.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;

import org.switchover.api.notifier.ConnectionStatus;
import org.switchover.api.notifier.Link;
import org.switchover.api.notifier.LinkStatus;
import org.switchover.api.notifier.Notifier;
import org.switchover.api.notifier.PendingRequest;
import org.switchover.api.notifier.Response;
import org.switchover.api.notifier.ResponseOutcome;
import org.switchover.api.notifier.StreamListener;
import org.switchover.api.notifier.StreamPosition;
import org.switchover.api.notifier.StreamPublisher;
import org.switchover.api.notifier.StreamSubscription;
import org.switchover.api.time.VirtualScheduler;

/**
 * A scripted notifier on virtual time: requests go to {@link #responder}, which answers (possibly later); a request
 * that is not answered within its timeout ends TIMEOUT. Link statuses are set by the test and reported to the
 * listener like the real notifier does.
 */
final class FakeNotifier implements Notifier {

    /** One request as sent. @param channel "MAIN", "AUX" or "ONCE" */
    record Sent(long at, String channel, String eventId, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    private final VirtualScheduler scheduler;
    private final AtomicLong ids = new AtomicLong();
    final List<Sent> sent = new ArrayList<>();
    /** Answers requests; default: the peer cannot be reached. */
    volatile Function<Sent, CompletionStage<Response>> responder =
            s -> CompletableFuture.completedFuture(Response.of(ResponseOutcome.CONNECTION_LOST, "unreachable"));
    volatile Consumer<LinkStatus> listener = s -> { };
    private LinkStatus main = LinkStatus.notConnected(Link.MAIN);
    private LinkStatus aux = LinkStatus.notConnected(Link.AUX);
    boolean linksOpen;
    /** When true, opening the peer links makes both ACTIVE at once (a reachable peer). */
    volatile boolean autoConnect = true;
    int openCount;
    int closeCount;

    FakeNotifier(VirtualScheduler scheduler) {
        this.scheduler = scheduler;
    }

    static CompletionStage<Response> reply(byte[] body) {
        return CompletableFuture.completedFuture(new Response(ResponseOutcome.REPLY, body, ""));
    }

    static CompletionStage<Response> outcome(ResponseOutcome o, String detail) {
        return CompletableFuture.completedFuture(Response.of(o, detail));
    }

    @Override
    public String listenAddress() {
        return "127.0.0.1:3633";
    }

    @Override
    public synchronized PendingRequest send(Link link, String objectId, String eventId, byte[] payload,
                                            Duration timeout) {
        if (!status(link).isActive()) {
            sent.add(new Sent(scheduler.nowMillis(), link.name(), eventId, payload));
            return pending(CompletableFuture.completedFuture(Response.of(ResponseOutcome.CONNECTION_LOST,
                    link + " is not active")));
        }
        return dispatch(link.name(), eventId, payload, timeout);
    }

    @Override
    public synchronized PendingRequest sendOnce(String objectId, String eventId, byte[] payload, Duration timeout) {
        return dispatch("ONCE", eventId, payload, timeout);
    }

    private PendingRequest dispatch(String channel, String eventId, byte[] payload, Duration timeout) {
        Sent s = new Sent(scheduler.nowMillis(), channel, eventId, payload);
        sent.add(s);
        CompletableFuture<Response> out = new CompletableFuture<>();
        scheduler.schedule(() -> out.complete(Response.of(ResponseOutcome.TIMEOUT, "no answer")),
                timeout.toMillis());
        responder.apply(s).whenComplete((r, ex) -> out.complete(ex != null
                ? Response.of(ResponseOutcome.REJECTED, String.valueOf(ex)) : r));
        return pending(out);
    }

    private PendingRequest pending(CompletableFuture<Response> f) {
        long id = ids.incrementAndGet();
        return new PendingRequest() {
            @Override
            public long requestId() {
                return id;
            }

            @Override
            public CompletionStage<Response> response() {
                return f;
            }

            @Override
            public void cancel() {
                f.complete(Response.of(ResponseOutcome.CANCELLED, "cancelled"));
            }
        };
    }

    /** Sets a link's status and tells the listener. */
    void setLink(Link link, ConnectionStatus status, int attempt) {
        LinkStatus ls = new LinkStatus(link, status, "", "peer:3633", scheduler.nowMillis(), attempt);
        synchronized (this) {
            if (link == Link.MAIN) {
                main = ls;
            } else {
                aux = ls;
            }
        }
        listener.accept(ls);
    }

    void bothLinks(ConnectionStatus status) {
        setLink(Link.MAIN, status, 0);
        setLink(Link.AUX, status, 0);
    }

    /** @return the requests with this event id. */
    synchronized List<Sent> sent(String eventId) {
        return sent.stream().filter(s -> s.eventId().equals(eventId)).toList();
    }

    @Override
    public Duration reconnectDelay() {
        return Duration.ofSeconds(5);
    }

    @Override
    public synchronized LinkStatus status(Link link) {
        return link == Link.MAIN ? main : aux;
    }

    @Override
    public void openPeerLinks() {
        synchronized (this) {
            linksOpen = true;
            openCount++;
        }
        if (autoConnect) {
            bothLinks(ConnectionStatus.ACTIVE);
        }
    }

    @Override
    public synchronized void closePeerLinks() {
        linksOpen = false;
        closeCount++;
    }

    @Override
    public synchronized boolean peerLinksOpen() {
        return linksOpen;
    }

    @Override
    public StreamPublisher publish(String stream, String replicationId) {
        throw new UnsupportedOperationException("streams are not used by the core");
    }

    @Override
    public StreamSubscription follow(String stream, StreamPosition from, StreamListener listener) {
        throw new UnsupportedOperationException("streams are not used by the core");
    }
}
