package org.switchover.monitor.module.testing;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

import org.switchover.api.notifier.ConnectionStatus;
import org.switchover.api.notifier.Link;
import org.switchover.api.notifier.Response;
import org.switchover.api.notifier.ResponseOutcome;
import org.switchover.api.time.Scheduler;
import org.switchover.testing.MemoryNotifier;

/**
 * The primary as the monitors' tests script it: a {@link MemoryNotifier} with both links up whose requests are
 * answered per event id (reply, reject, no answer, lost connection, or a notifier that never ends the request),
 * on virtual time. The monitors are wired to {@link #notifier()}; every request is recorded there.
 */
public final class ScriptedPrimary {

    /** What the primary does with one request. */
    public record Answer(ResponseOutcome outcome, byte[] payload, long delayMillis, boolean silent) {
        /** Replies with an 8-byte big-endian incarnation id. */
        public static Answer incarnation(long id) {
            return new Answer(ResponseOutcome.REPLY, ByteBuffer.allocate(8).putLong(id).array(), 0, false);
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

        CompletionStage<Response> stage(MemoryNotifier n) {
            if (silent) {
                return null;
            }
            if (outcome == ResponseOutcome.TIMEOUT) {
                return new CompletableFuture<>(); // the notifier's own timeout ends it
            }
            Response r = outcome == ResponseOutcome.REPLY ? new Response(outcome, payload, "")
                    : Response.of(outcome, "scripted " + outcome);
            return delayMillis > 0 ? n.later(delayMillis, r) : CompletableFuture.completedFuture(r);
        }
    }

    /** Decides the answer to one request. */
    @FunctionalInterface
    public interface Script {
        Answer answer(Link link, long nowMillis, int index);
    }

    private final MemoryNotifier notifier;
    private final Map<String, Script> scripts = new ConcurrentHashMap<>();

    /** @param clock the test's virtual time */
    public ScriptedPrimary(Scheduler clock) {
        notifier = new MemoryNotifier(clock);
        notifier.bothLinks(ConnectionStatus.ACTIVE);
        notifier.responder((s, i) -> scripts.getOrDefault(s.eventId(), (l, t, x) -> Answer.reject())
                .answer(s.link(), s.atMillis(), i).stage(notifier));
    }

    /** @return the local notifier the monitors use */
    public MemoryNotifier notifier() {
        return notifier;
    }

    /** Sets how requests of one event id are answered. */
    public ScriptedPrimary on(String eventId, Script script) {
        scripts.put(eventId, script);
        return this;
    }

    /** Answers every request of one event id the same way. */
    public ScriptedPrimary always(String eventId, Answer answer) {
        return on(eventId, (l, t, i) -> answer);
    }

    /** Sets a connection's status. */
    public ScriptedPrimary link(Link link, ConnectionStatus s) {
        notifier.setLink(link, s, 0);
        return this;
    }

    /** @return requests of one event id, in order */
    public List<MemoryNotifier.Sent> sent(String eventId) {
        return notifier.sent(eventId);
    }

    /** @return send times (ms) of one event id */
    public List<Long> sendTimes(String eventId) {
        return notifier.sendTimes(eventId);
    }
}
