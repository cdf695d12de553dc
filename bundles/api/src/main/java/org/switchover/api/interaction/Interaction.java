package org.switchover.api.interaction;

import java.util.Map;
import java.util.Objects;

/**
 * One interaction as the host holds it at one version. Immutable; a change is a new object with a higher
 * {@link #version()}.
 *
 * @param id the host's interaction id, stable for the interaction's whole life and kept by a promotion
 * @param channel its channel
 * @param state where it stands in the ACD
 * @param queue the queue it sits in
 * @param agent the agent working on it or alerted, "" when none
 * @param createdMillis when it was first created (ms since the epoch); kept by a promotion, so duration and time in
 *     queue do not restart
 * @param version the host's change number of this interaction, raised by every change (a replica keeps the highest)
 * @param attributes the host's free-form attributes
 * @param content the channel content; its type matches the channel ({@link MailContent} for mail,
 *     {@link CallbackContent} for callbacks, a {@link Transcript} otherwise)
 */
public record Interaction(String id, Channel channel, InteractionState state, QueueRef queue, String agent,
                          long createdMillis, long version, Map<String, String> attributes,
                          InteractionContent content) {

    public Interaction {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(queue, "queue");
        Objects.requireNonNull(agent, "agent");
        Objects.requireNonNull(content, "content");
        attributes = Map.copyOf(attributes);
        boolean fits = switch (channel) {
            case MAIL -> content instanceof MailContent;
            case CALLBACK -> content instanceof CallbackContent;
            default -> content instanceof Transcript;
        };
        if (!fits) {
            throw new IllegalArgumentException("interaction " + id + ": " + channel + " cannot carry "
                    + content.getClass().getSimpleName());
        }
    }

    /** @return a copy in another state, queue and agent (same version: the host raises it when it stores one) */
    public Interaction routed(InteractionState newState, QueueRef newQueue, String newAgent) {
        return new Interaction(id, channel, newState, newQueue, newAgent, createdMillis, version, attributes, content);
    }

    /** @return a copy with other content */
    public Interaction withContent(InteractionContent newContent) {
        return new Interaction(id, channel, state, queue, agent, createdMillis, version, attributes, newContent);
    }

    /** @return a copy at another version */
    public Interaction atVersion(long newVersion) {
        return new Interaction(id, channel, state, queue, agent, createdMillis, newVersion, attributes, content);
    }
}
