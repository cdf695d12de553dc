package org.switchover.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.switchover.api.notifier.ConnectionStatus;
import org.switchover.api.notifier.Link;
import org.switchover.api.notifier.LinkStatus;
import org.switchover.api.notifier.LinkStatusListener;
import org.switchover.api.notifier.Notifier;
import org.switchover.api.notifier.PeerHeartbeat;
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

/**
 * An in-memory notifier for unit tests, on the test's {@link Scheduler} (virtual time). One class serves the three
 * ways tests use a notifier:
 * <ul>
 * <li>a <b>scripted</b> node ({@code new MemoryNotifier(scheduler)} with a {@link #responder}): every request is
 * recorded ({@link #sent}) and answered by the script, possibly later on the scheduler;</li>
 * <li>a <b>pair</b> ({@link #pair}): requests sent by one node are answered by the {@link #handle handlers} of the
 * other, streams published on one are followed on the other;</li>
 * <li>a <b>loopback</b> ({@link #loopback}): one object plays both nodes.</li>
 * </ul>
 * Like the real notifier: a request on a link that is not ACTIVE ends CONNECTION_LOST at once; one that is not
 * answered within its timeout ends TIMEOUT; a handler's failure ends REJECTED; no handler for the event id ends
 * REJECTED; a follower resumes after its position when the publisher still has it under the same replication id,
 * otherwise it is told to resynchronise. Stream delivery is synchronous (the caller's thread runs the listener and
 * its flush). Link statuses are set by the test and reported to the {@link #onLinkStatus listeners}.
 */
public final class MemoryNotifier implements Notifier {

    /**
     * One request as sent.
     *
     * @param channel "MAIN", "AUX" or "ONCE" (a {@link #sendOnce})
     */
    public record Sent(long atMillis, String channel, String objectId, String eventId, byte[] payload,
                       Duration timeout) {
        /** @return the payload as UTF-8 text */
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** @return the link it went on, null for a {@link #sendOnce} */
        public Link link() {
            return channel.equals("ONCE") ? null : Link.valueOf(channel);
        }
    }

    /** Answers a request in scripted mode. */
    @FunctionalInterface
    public interface Responder {
        /**
         * @param request the request
         * @param index how many requests of the same event id came before this one
         * @return the answer (it may complete later), or null for a broken notifier that never ends the request,
         *     not even by its timeout
         */
        CompletionStage<Response> answer(Sent request, int index);
    }

    /** Two connected in-memory nodes. */
    public record Pair(MemoryNotifier a, MemoryNotifier b) {
    }

    private final Scheduler scheduler;
    private MemoryNotifier peer;
    private Responder responder;
    private final AtomicLong ids = new AtomicLong();
    private final List<Sent> sent = new ArrayList<>();
    private final Map<String, Integer> counts = new HashMap<>();
    private final Map<String, RequestHandler> handlers = new HashMap<>();
    private final Map<Link, LinkStatus> links = new EnumMap<>(Link.class);
    private final List<LinkStatusListener> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, Publisher> publishers = new HashMap<>();
    private final Map<String, List<Subscription>> followers = new HashMap<>();
    private boolean linksOpen;
    private boolean autoConnect = true;
    private int openCount;
    private int closeCount;
    private Duration reconnectDelay = Duration.ofSeconds(5);

    /**
     * A scripted node whose links start NOT_CONNECTED and become ACTIVE when opened; without a responder every
     * request ends CONNECTION_LOST ("unreachable").
     */
    private volatile Supplier<PeerHeartbeat> heartbeats = () -> PeerHeartbeat.OFF;

    public MemoryNotifier(Scheduler scheduler) {
        this.scheduler = scheduler;
        links.put(Link.MAIN, LinkStatus.notConnected(Link.MAIN));
        links.put(Link.AUX, LinkStatus.notConnected(Link.AUX));
    }

    /** @return two nodes whose links are ACTIVE, each answering the other's requests with its handlers */
    public static Pair pair(Scheduler scheduler) {
        MemoryNotifier a = new MemoryNotifier(scheduler);
        MemoryNotifier b = new MemoryNotifier(scheduler);
        a.peer = b;
        b.peer = a;
        a.bothLinks(ConnectionStatus.ACTIVE);
        b.bothLinks(ConnectionStatus.ACTIVE);
        return new Pair(a, b);
    }

    /** @return one node that is its own peer, links ACTIVE: requests go to its own handlers, streams to itself */
    public static MemoryNotifier loopback(Scheduler scheduler) {
        MemoryNotifier n = new MemoryNotifier(scheduler);
        n.peer = n;
        n.bothLinks(ConnectionStatus.ACTIVE);
        return n;
    }

    /** @return a completed reply */
    public static CompletionStage<Response> reply(byte[] body) {
        return CompletableFuture.completedFuture(new Response(ResponseOutcome.REPLY, body, ""));
    }

    /** @return a completed non-reply outcome */
    public static CompletionStage<Response> outcome(ResponseOutcome o, String detail) {
        return CompletableFuture.completedFuture(Response.of(o, detail));
    }

    /** @return {@code response} delivered {@code delayMillis} from now on the scheduler */
    public CompletionStage<Response> later(long delayMillis, Response response) {
        CompletableFuture<Response> f = new CompletableFuture<>();
        scheduler.schedule(() -> f.complete(response), delayMillis);
        return f;
    }

    /** Answers requests by script (scripted mode; overrides the peer's handlers). */
    public synchronized MemoryNotifier responder(Responder r) {
        this.responder = r;
        return this;
    }

    /** Answers every request of one event id the same way; other event ids keep the previous responder. */
    public synchronized MemoryNotifier always(String eventId, CompletionStage<Response> answer) {
        Responder previous = responder;
        responder = (s, i) -> s.eventId().equals(eventId) ? answer
                : previous != null ? previous.answer(s, i) : outcome(ResponseOutcome.REJECTED, "no handler");
        return this;
    }

    /** Registers this node's handler for requests the peer sends with {@code eventId}. */
    public synchronized MemoryNotifier handle(String eventId, RequestHandler handler) {
        handlers.put(eventId, handler);
        return this;
    }

    /** Adds a listener told about every link status change. */
    public MemoryNotifier onLinkStatus(LinkStatusListener listener) {
        listeners.add(listener);
        return this;
    }

    /** Whether opening the peer links makes both ACTIVE at once (a reachable peer); default true. */
    public synchronized MemoryNotifier autoConnect(boolean on) {
        autoConnect = on;
        return this;
    }

    /** Sets the reconnect delay reported by {@link #reconnectDelay()}. */
    public synchronized MemoryNotifier reconnectDelay(Duration d) {
        reconnectDelay = d;
        return this;
    }

    /** Sets a link's status and tells the listeners. */
    public void setLink(Link link, ConnectionStatus status, int attempt) {
        setLinkDetail(link, status, "", attempt);
    }

    /** Sets a link's status with a detail (e.g. why a reconnect attempt failed) and tells the listeners. */
    public void setLinkDetail(Link link, ConnectionStatus status, String detail, int attempt) {
        LinkStatus ls = new LinkStatus(link, status, detail, "peer:3633", scheduler.nowMillis(), attempt);
        synchronized (this) {
            links.put(link, ls);
        }
        for (LinkStatusListener l : listeners) {
            l.statusChanged(ls);
        }
    }

    /** Sets both links' status. */
    public void bothLinks(ConnectionStatus status) {
        setLink(Link.MAIN, status, 0);
        setLink(Link.AUX, status, 0);
    }

    /** @return every request sent, in order */
    public synchronized List<Sent> sent() {
        return List.copyOf(sent);
    }

    /** @return the requests sent with {@code eventId}, in order */
    public synchronized List<Sent> sent(String eventId) {
        return sent.stream().filter(s -> s.eventId().equals(eventId)).toList();
    }

    /** @return the send times (ms) of the requests with {@code eventId} */
    public List<Long> sendTimes(String eventId) {
        return sent(eventId).stream().map(Sent::atMillis).toList();
    }

    /** @return how often the peer links were opened / closed */
    public synchronized int openCount() {
        return openCount;
    }

    /** @return how often the peer links were closed */
    public synchronized int closeCount() {
        return closeCount;
    }

    @Override
    public String listenAddress() {
        return "127.0.0.1:" + DEFAULT_PORT;
    }

    @Override
    public PendingRequest send(Link link, String objectId, String eventId, byte[] payload, Duration timeout) {
        Sent s = record(link.name(), objectId, eventId, payload, timeout);
        if (!status(link).isActive()) {
            return pending(CompletableFuture.completedFuture(Response.of(ResponseOutcome.CONNECTION_LOST,
                    link + " is not active")));
        }
        return dispatch(s);
    }

    @Override
    public PendingRequest sendOnce(String objectId, String eventId, byte[] payload, Duration timeout) {
        return dispatch(record("ONCE", objectId, eventId, payload, timeout));
    }

    private synchronized Sent record(String channel, String objectId, String eventId, byte[] payload,
                                     Duration timeout) {
        Sent s = new Sent(scheduler.nowMillis(), channel, objectId, eventId, payload, timeout);
        sent.add(s);
        return s;
    }

    private PendingRequest dispatch(Sent s) {
        CompletionStage<Response> answer;
        Responder r;
        MemoryNotifier p;
        int index;
        synchronized (this) {
            r = responder;
            p = peer;
            index = counts.merge(s.eventId(), 1, Integer::sum) - 1;
        }
        if (r != null) {
            answer = r.answer(s, index);
        } else if (p != null) {
            answer = p.answerFromPeer(s, ids.get() + 1);
        } else {
            answer = outcome(ResponseOutcome.CONNECTION_LOST, "unreachable");
        }
        CompletableFuture<Response> out = new CompletableFuture<>();
        if (answer == null) {
            return pending(out); // a broken notifier: never ends
        }
        scheduler.schedule(() -> out.complete(Response.of(ResponseOutcome.TIMEOUT, "no answer within "
                + s.timeout().toMillis() + " ms")), s.timeout().toMillis());
        answer.whenComplete((resp, ex) -> out.complete(ex != null
                ? Response.of(ResponseOutcome.REJECTED, String.valueOf(ex)) : resp));
        return pending(out);
    }

    private CompletionStage<Response> answerFromPeer(Sent s, long requestId) {
        RequestHandler h;
        synchronized (this) {
            h = handlers.get(s.eventId());
        }
        if (h == null) {
            return outcome(ResponseOutcome.REJECTED, "no handler for event id '" + s.eventId() + "'");
        }
        Request req = new Request(s.objectId(), s.eventId(), requestId, "peer/" + s.channel(), s.payload());
        CompletableFuture<Response> f = new CompletableFuture<>();
        try {
            h.handle(req).whenComplete((body, ex) -> f.complete(ex != null
                    ? Response.of(ResponseOutcome.REJECTED, String.valueOf(ex.getMessage()))
                    : new Response(ResponseOutcome.REPLY, body, "")));
        } catch (RuntimeException e) {
            f.complete(Response.of(ResponseOutcome.REJECTED, String.valueOf(e.getMessage())));
        }
        return f;
    }

    private PendingRequest pending(CompletableFuture<Response> f) {
        return new Pending(ids.incrementAndGet(), f);
    }

    /** A request in flight; cancelling it ends it as CANCELLED unless it already ended. */
    private record Pending(long requestId, CompletableFuture<Response> future) implements PendingRequest {
        @Override
        public CompletionStage<Response> response() {
            return future;
        }

        @Override
        public void cancel() {
            future.complete(Response.of(ResponseOutcome.CANCELLED, "cancelled"));
        }
    }

    /** Scripts the peer's UDP heartbeats this notifier reports ({@link PeerHeartbeat#OFF} by default). */
    public MemoryNotifier heartbeats(Supplier<PeerHeartbeat> source) {
        heartbeats = source;
        return this;
    }

    @Override
    public PeerHeartbeat heartbeat() {
        return heartbeats.get();
    }

    @Override
    public synchronized Duration reconnectDelay() {
        return reconnectDelay;
    }

    @Override
    public synchronized LinkStatus status(Link link) {
        return links.get(link);
    }

    @Override
    public void openPeerLinks() {
        boolean connect;
        synchronized (this) {
            linksOpen = true;
            openCount++;
            connect = autoConnect;
        }
        if (connect) {
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
        Publisher p = new Publisher(stream, replicationId);
        Publisher old;
        List<Subscription> subs;
        MemoryNotifier follower = followerSide();
        synchronized (this) {
            old = publishers.put(stream, p);
        }
        if (old != null) {
            old.close();
        }
        synchronized (follower) {
            subs = List.copyOf(follower.followers.getOrDefault(stream, List.of()));
        }
        for (Subscription s : subs) {
            s.start(p);
        }
        return p;
    }

    @Override
    public StreamSubscription follow(String stream, StreamPosition from, StreamListener listener) {
        Subscription s = new Subscription(stream, from, listener);
        synchronized (this) {
            followers.computeIfAbsent(stream, k -> new ArrayList<>()).add(s);
        }
        MemoryNotifier publisherSide = followerSide();
        Publisher p;
        synchronized (publisherSide) {
            p = publisherSide.publishers.get(stream);
        }
        if (p != null && !p.closed) {
            s.start(p);
        }
        return s;
    }

    /** The node on the other end of a stream: the peer, or this node for a scripted one. */
    private MemoryNotifier followerSide() {
        synchronized (this) {
            return peer != null ? peer : this;
        }
    }

    private final class Publisher implements StreamPublisher {
        private final String stream;
        private final String replicationId;
        private final List<byte[]> messages = new ArrayList<>();
        private final List<Map.Entry<Long, CompletableFuture<Long>>> waiting = new ArrayList<>();
        private long acknowledged;
        private volatile boolean closed;

        Publisher(String stream, String replicationId) {
            this.stream = stream;
            this.replicationId = replicationId;
        }

        @Override
        public String stream() {
            return stream;
        }

        @Override
        public String replicationId() {
            return replicationId;
        }

        @Override
        public long publish(byte[] payload) {
            long seq;
            synchronized (this) {
                messages.add(payload);
                seq = messages.size();
            }
            MemoryNotifier follower = followerSide();
            List<Subscription> subs;
            synchronized (follower) {
                subs = List.copyOf(follower.followers.getOrDefault(stream, List.of()));
            }
            for (Subscription s : subs) {
                s.deliver(this, seq, payload);
            }
            return seq;
        }

        synchronized byte[] message(long seq) {
            return messages.get((int) seq - 1);
        }

        @Override
        public synchronized long headSequence() {
            return messages.size();
        }

        @Override
        public synchronized long acknowledgedSequence() {
            return acknowledged;
        }

        void acknowledge(long seq) {
            List<CompletableFuture<Long>> done = new ArrayList<>();
            synchronized (this) {
                acknowledged = Math.max(acknowledged, seq);
                waiting.removeIf(e -> {
                    if (e.getKey() <= acknowledged) {
                        done.add(e.getValue());
                        return true;
                    }
                    return false;
                });
            }
            done.forEach(f -> f.complete(seq));
        }

        @Override
        public synchronized CompletionStage<Long> whenAcknowledged(long sequence) {
            if (acknowledged >= sequence) {
                return CompletableFuture.completedFuture(acknowledged);
            }
            CompletableFuture<Long> f = new CompletableFuture<>();
            waiting.add(Map.entry(sequence, f));
            return f;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private final class Subscription implements StreamSubscription {
        private final String stream;
        private final StreamListener listener;
        private volatile StreamPosition position;
        private volatile Publisher source;
        private volatile boolean live;
        private volatile boolean closed;

        Subscription(String stream, StreamPosition from, StreamListener listener) {
            this.stream = stream;
            this.position = from;
            this.listener = listener;
        }

        synchronized void start(Publisher p) {
            if (closed) {
                return;
            }
            source = p;
            try {
                long head = p.headSequence();
                long from = position.sequence();
                if (!p.replicationId().equals(position.replicationId()) || from > head) {
                    listener.flush();
                    listener.onResync(p.replicationId(), head);
                    position = new StreamPosition(p.replicationId(), head);
                    from = head;
                    // as the real subscription: a finished resynchronisation acknowledges the head it was told
                    p.acknowledge(head);
                }
                live = true;
                for (long s = from + 1; s <= p.headSequence() && live; s++) {
                    apply(p, s, p.message(s));
                }
            } catch (Exception e) {
                live = false;
            }
        }

        synchronized void deliver(Publisher p, long seq, byte[] payload) {
            if (live && !closed && p == source && seq == position.sequence() + 1) {
                apply(p, seq, payload);
            }
        }

        private void apply(Publisher p, long seq, byte[] payload) {
            try {
                listener.onMessage(p.replicationId(), seq, payload);
                // synchronous delivery: the queue is empty after each message, so each one is flushed
                listener.flush();
                position = new StreamPosition(p.replicationId(), seq);
                p.acknowledge(seq);
            } catch (Exception e) {
                live = false;
            }
        }

        @Override
        public StreamPosition position() {
            return position;
        }

        @Override
        public boolean isLive() {
            return live;
        }

        @Override
        public void close() {
            closed = true;
            live = false;
            MemoryNotifier self = MemoryNotifier.this;
            synchronized (self) {
                List<Subscription> subs = self.followers.get(stream);
                if (subs != null) {
                    subs.remove(this);
                }
            }
        }
    }
}
