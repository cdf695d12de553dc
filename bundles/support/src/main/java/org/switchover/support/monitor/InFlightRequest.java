package org.switchover.support.monitor;

import java.time.Duration;

import org.slf4j.Logger;
import org.switchover.api.notifier.Link;
import org.switchover.api.notifier.Notifier;
import org.switchover.api.notifier.PendingRequest;
import org.switchover.api.notifier.Response;
import org.switchover.api.notifier.ResponseOutcome;
import org.switchover.api.time.Cancellable;
import org.switchover.api.time.Scheduler;

/**
 * The one notifier request a monitor has in flight (a ping of the primary's notifier or of its module), guarded so
 * that its outcome arrives exactly once, on the monitor's scheduler thread: the notifier's answer, or TIMEOUT when
 * the notifier reports nothing within the request's timeout plus {@link #GUARD_MILLIS}, or CONNECTION_LOST when it
 * could not be sent. An outcome that arrives after {@link #cancel()} or after a newer {@link #send} is dropped, so a
 * stopped monitor never acts on a stale answer.
 *
 * <p>Confined to the scheduler's thread, like the monitor that owns it; only the notifier's callback crosses over,
 * and it just posts to the scheduler.
 */
public final class InFlightRequest {

    /** Extra wait after a request's own timeout before the monitor stops waiting for the notifier's outcome. */
    public static final long GUARD_MILLIS = 1000L;

    /** Receives the single outcome of a request. */
    @FunctionalInterface
    public interface Outcome {
        /** @param link the connection the request went over @param response its outcome */
        void handle(Link link, Response response);
    }

    private final Scheduler scheduler;
    private final Logger log;
    private long seq;
    private Pending current;

    private static final class Pending {
        final long id;
        final Link link;
        final Outcome then;
        PendingRequest request;
        Cancellable guard = () -> { };

        Pending(long id, Link link, Outcome then) {
            this.id = id;
            this.link = link;
            this.then = then;
        }
    }

    /**
     * @param scheduler the owning monitor's scheduler; outcomes are delivered on it
     * @param log where a failed send is logged
     */
    public InFlightRequest(Scheduler scheduler, Logger log) {
        this.scheduler = scheduler;
        this.log = log;
    }

    /**
     * Sends an empty-bodied request to every peer ({@code "*"}); a request still in flight is cancelled first.
     *
     * @param notifier the local notifier
     * @param link the connection to use
     * @param eventId the request's event id
     * @param timeoutMillis the request's timeout in ms
     * @param then gets exactly one outcome, unless cancelled or superseded
     */
    public void send(Notifier notifier, Link link, String eventId, long timeoutMillis, Outcome then) {
        cancel();
        Pending p = new Pending(++seq, link, then);
        current = p;
        try {
            p.request = notifier.send(link, "*", eventId, new byte[0], Duration.ofMillis(timeoutMillis));
        } catch (RuntimeException e) {
            log.warn("Sending '{}' over {} failed", eventId, link, e);
            Response lost = Response.of(ResponseOutcome.CONNECTION_LOST, "send failed: " + e);
            scheduler.execute(() -> deliver(p, lost, false));
            return;
        }
        p.guard = scheduler.schedule(() -> deliver(p, Response.of(ResponseOutcome.TIMEOUT,
                "the notifier reported no outcome within the timeout"), true), timeoutMillis + GUARD_MILLIS);
        p.request.response().whenComplete((r, ex) -> {
            Response resp = r != null ? r : Response.of(ResponseOutcome.CONNECTION_LOST, String.valueOf(ex));
            scheduler.execute(() -> deliver(p, resp, false));
        });
    }

    /** Cancels the request in flight, if any; its outcome will not be delivered. */
    public void cancel() {
        Pending p = current;
        current = null;
        if (p != null) {
            p.guard.cancel();
            if (p.request != null) {
                p.request.cancel();
            }
        }
    }

    /** @return true while a request waits for its outcome */
    public boolean pending() {
        return current != null;
    }

    private void deliver(Pending p, Response response, boolean guardFired) {
        if (current != p) {
            return; // a stale answer: cancelled, or the monitor has moved on
        }
        current = null;
        p.guard.cancel();
        if (guardFired && p.request != null) {
            p.request.cancel();
        }
        p.then.handle(p.link, response);
    }
}
