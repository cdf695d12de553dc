package org.switchover.monitor.module.testing;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

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
import org.switchover.testing.VirtualScheduler;

/**
 * A notifier for tests on virtual time: requests are answered per script (reply, reject, timeout, lost
 * connection, or never), outcomes are delivered through the {@link VirtualScheduler}, every request is recorded.
 */
public final class FakeNotifier implements Notifier {

    /** What the peer does with one request. */
    public record Answer(ResponseOutcome outcome, byte[] payload, long delayMillis, boolean silent) {
        /** Replies with an 8-byte big-endian incarnation id after {@code delayMillis}. */
        public static Answer incarnation(long id, long delayMillis) {
            return new Answer(ResponseOutcome.REPLY, ByteBuffer.allocate(8).putLong(id).array(), delayMillis, false);
        }

        public static Answer incarnation(long id) {
            return incarnation(id, 0);
        }

        public static Answer reply(byte[] body) {
            return new Answer(ResponseOutcome.REPLY, body, 0, false);
        }

        public static Answer reject() {
            return new Answer(ResponseOutcome.REJECTED, new byte[0], 0, false);
        }

        /** No answer: the request ends TIMEOUT when its timeout elapses. */
        public static Answer timeout() {
            return new Answer(ResponseOutcome.TIMEOUT, new byte[0], -1, false);
        }

        public static Answer lost(long delayMillis) {
            return new Answer(ResponseOutcome.CONNECTION_LOST, new byte[0], delayMillis, false);
        }

        /** A broken notifier that never ends the request. */
        public static Answer never() {
            return new Answer(null, new byte[0], 0, true);
        }
    }

    /** Decides the answer to one request. */
    @FunctionalInterface
    public interface Script {
        Answer answer(Link link, long nowMillis, int index);
    }

    /** One request as sent. */
    public record Sent(long atMillis, Link link, String eventId, Duration timeout) {
    }

    private final VirtualScheduler clock;
    private final Map<Link, ConnectionStatus> status = new EnumMap<>(Link.class);
    private final Map<String, Script> scripts = new ConcurrentHashMap<>();
    private final Map<String, Integer> counts = new ConcurrentHashMap<>();
    private final List<Sent> sent = new ArrayList<>();
    private long ids;

    public FakeNotifier(VirtualScheduler clock) {
        this.clock = clock;
        status.put(Link.MAIN, ConnectionStatus.ACTIVE);
        status.put(Link.AUX, ConnectionStatus.ACTIVE);
    }

    /** Sets how requests of one event id are answered. */
    public FakeNotifier on(String eventId, Script script) {
        scripts.put(eventId, script);
        return this;
    }

    /** Answers every request of one event id the same way. */
    public FakeNotifier always(String eventId, Answer answer) {
        return on(eventId, (l, t, i) -> answer);
    }

    public synchronized FakeNotifier link(Link link, ConnectionStatus s) {
        status.put(link, s);
        return this;
    }

    /** @return requests of one event id, in order. */
    public synchronized List<Sent> sent(String eventId) {
        return sent.stream().filter(s -> s.eventId().equals(eventId)).toList();
    }

    /** @return send times (ms) of one event id. */
    public List<Long> sendTimes(String eventId) {
        return sent(eventId).stream().map(Sent::atMillis).toList();
    }

    @Override
    public String listenAddress() {
        return "127.0.0.1:3633";
    }

    @Override
    public PendingRequest send(Link link, String objectId, String eventId, byte[] payload, Duration timeout) {
        long now = clock.nowMillis();
        CompletableFuture<Response> response = new CompletableFuture<>();
        long id;
        boolean up;
        synchronized (this) {
            id = ++ids;
            sent.add(new Sent(now, link, eventId, timeout));
            up = status.get(link) == ConnectionStatus.ACTIVE;
        }
        int index = counts.merge(eventId, 1, Integer::sum) - 1;
        if (!up) {
            clock.schedule(() -> response.complete(Response.of(ResponseOutcome.CONNECTION_LOST, link + " is down")), 0);
        } else {
            Script script = scripts.getOrDefault(eventId, (l, t, i) -> Answer.reject());
            Answer a = script.answer(link, now, index);
            if (!a.silent()) {
                if (a.outcome() == ResponseOutcome.TIMEOUT || a.delayMillis() >= timeout.toMillis()) {
                    clock.schedule(() -> response.complete(Response.of(ResponseOutcome.TIMEOUT, "no answer")),
                            timeout.toMillis());
                } else if (a.outcome() == ResponseOutcome.REPLY) {
                    clock.schedule(() -> response.complete(new Response(ResponseOutcome.REPLY, a.payload(), "")),
                            a.delayMillis());
                } else {
                    clock.schedule(() -> response.complete(Response.of(a.outcome(), "scripted " + a.outcome())),
                            a.delayMillis());
                }
            }
        }
        return new PendingRequest() {
            @Override
            public long requestId() {
                return id;
            }

            @Override
            public CompletionStage<Response> response() {
                return response;
            }

            @Override
            public void cancel() {
                response.complete(Response.of(ResponseOutcome.CANCELLED, "cancelled"));
            }
        };
    }

    @Override
    public PendingRequest sendOnce(String objectId, String eventId, byte[] payload, Duration timeout) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Duration reconnectDelay() {
        return Duration.ofSeconds(5);
    }

    @Override
    public synchronized LinkStatus status(Link link) {
        ConnectionStatus s = status.get(link);
        return new LinkStatus(link, s, "", "127.0.0.1:3633", 0L, 0);
    }

    @Override
    public void openPeerLinks() {
    }

    @Override
    public void closePeerLinks() {
    }

    @Override
    public boolean peerLinksOpen() {
        return true;
    }

    @Override
    public StreamPublisher publish(String stream, String replicationId) {
        throw new UnsupportedOperationException();
    }

    @Override
    public StreamSubscription follow(String stream, StreamPosition from, StreamListener listener) {
        throw new UnsupportedOperationException();
    }
}
