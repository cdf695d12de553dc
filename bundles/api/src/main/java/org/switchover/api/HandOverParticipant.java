package org.switchover.api;

import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A component with work to finish on the old primary of a controlled hand-over before the hand-over is
 * acknowledged (the tracker persists the interactions its host reported; interaction recovery waits until the backup
 * has applied every change the host made). The core calls every registered participant after this node stopped
 * taking work (its primary role condition is withdrawn and {@link Topics#ROLE_DISCONTINUE} posted; a host stops
 * changing its interactions before the withdrawal of that condition returns, so what it reported until then is the
 * last) and sends its acknowledgement of the peer's prepare request once every returned stage completed, or when the
 * budget ran out: a participant never holds a switch up longer than that.
 *
 * @since 1.4
 */
@ConsumerType
public interface HandOverParticipant {

    /**
     * Finishes this participant's part of the hand-over. Called on the core's thread: must not block; the work runs
     * elsewhere and completes the returned stage.
     *
     * @param budgetMillis how long the acknowledgement waits at most (ms); work not done by then must stay durable
     *     and say so in its own log
     * @return completes with one line for the core's log (what was done) when the work is finished; an exceptional
     *     completion is logged with its message and does not stop the hand-over
     */
    CompletionStage<String> beforeAcknowledge(long budgetMillis);
}
