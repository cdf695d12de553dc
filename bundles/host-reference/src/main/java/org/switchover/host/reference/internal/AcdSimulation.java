package org.switchover.host.reference.internal;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

import org.switchover.api.interaction.CallbackContent;
import org.switchover.api.interaction.Channel;
import org.switchover.api.interaction.Interaction;
import org.switchover.api.interaction.InteractionContent;
import org.switchover.api.interaction.InteractionState;
import org.switchover.api.interaction.MailContent;
import org.switchover.api.interaction.QueueRef;
import org.switchover.api.interaction.RestoreIssue;
import org.switchover.api.interaction.Transcript;
import org.switchover.support.interaction.MemoryInteractionSource;

/**
 * The reference host's ACD, simulated: interactions of every channel in workgroup and user queues, worked on by
 * agents, with one in-memory source per channel. Interactions live only while this node is primary (the
 * host takes work only there); when the node stops being primary the live copy is discarded silently (no release
 * is reported: the interactions live on as the new primary's restored shadows). Ids are {@code <node>-<start>-<n>},
 * unique across restarts and across both nodes. Thread-safe: every change of one interaction is made under the lock
 * of its channel, so its listeners see the changes in order; the check that the host takes work is made under that
 * lock too, and stopping takes each channel's lock, so once {@link #accepting(boolean) accepting(false)} returned no
 * change is in progress and none follows (a controlled hand-over relies on it: the changes reported until then are
 * the last ones).
 */
final class AcdSimulation {

    private final String idPrefix;
    private final AtomicLong counter = new AtomicLong();
    private final Map<Channel, Source> sources = new EnumMap<>(Channel.class);
    private volatile boolean accepting;
    private volatile List<Interaction> heldAtStop = List.of();

    AcdSimulation(String node, long startMillis) {
        this.idPrefix = node + "-" + Long.toString(startMillis, 36) + "-";
        for (Channel c : Channel.values()) {
            sources.put(c, new Source(c));
        }
    }

    /** The interactions of one channel. */
    final class Source extends MemoryInteractionSource {
        private final AtomicLong restored = new AtomicLong();

        Source(Channel channel) {
            super(channel);
        }

        /** A change of the host's work: refused unless the host takes work, checked under the channel's lock. */
        synchronized Interaction work(String id, UnaryOperator<Interaction> change) {
            requireAccepting();
            return put(id, change);
        }

        /** A release, checked as {@link #work}. */
        synchronized boolean end(String id) {
            requireAccepting();
            return release(id);
        }

        /** Stops: once the changes in progress are done, @return the live interactions, then discards them. */
        synchronized List<Interaction> stop() {
            List<Interaction> held = new ArrayList<>(live().values());
            live().clear();
            return held;
        }

        @Override
        protected List<RestoreIssue> restored(List<Interaction> interactions) {
            restored.addAndGet(interactions.size());
            // queued interactions go back to distribution and callbacks are armed by the simulated ACD at once:
            // nothing the simulation cannot keep
            return List.of();
        }

        long restoredCount() {
            return restored.get();
        }
    }

    Source source(Channel c) {
        return sources.get(c);
    }

    /**
     * Starts (primary) or stops taking work; stopping waits for the changes in progress (each channel's lock), then
     * discards the live copy without reporting releases.
     *
     * @return when stopping, the interactions the host held when it stopped (also kept for {@link #heldAtStop()})
     */
    List<Interaction> accepting(boolean on) {
        accepting = on;
        if (on) {
            return List.of();
        }
        List<Interaction> held = new ArrayList<>();
        sources.values().forEach(s -> held.addAll(s.stop()));
        heldAtStop = List.copyOf(held);
        return heldAtStop;
    }

    /** @return the interactions the host held when it last stopped taking work (empty before the first stop) */
    List<Interaction> heldAtStop() {
        return heldAtStop;
    }

    boolean accepting() {
        return accepting;
    }

    private void requireAccepting() {
        if (!accepting) {
            throw new IllegalStateException("this node is not primary: the host takes no interactions here");
        }
    }

    /** @return a fresh interaction id */
    String newId() {
        return idPrefix + counter.incrementAndGet();
    }

    /**
     * Creates an interaction: queued on a workgroup, or connected to an agent when {@code queue} is a user queue.
     *
     * @param id its id ({@link #newId()} for a new one)
     * @param text first text: the subject of a mail, the first line of a conversation, the number of a callback
     */
    Interaction create(Channel c, String id, QueueRef queue, String text, long nowMillis) {
        requireAccepting();
        InteractionState state = queue.isUser() ? InteractionState.CONNECTED : InteractionState.QUEUED;
        String agent = queue.isUser() ? queue.name() : "";
        InteractionContent content = switch (c) {
            case MAIL -> new MailContent(Map.of("Subject", text, "From", "customer@example.com"), text,
                    "<p>" + text + "</p>", List.of(new MailContent.Attachment("order.pdf", "application/pdf", 2048,
                            "store:" + id + "/1", false)));
            case CALLBACK -> new CallbackContent(text, nowMillis + 15 * 60_000, 0);
            default -> new Transcript(List.of(Transcript.Entry.text(nowMillis, "customer", text)));
        };
        Interaction i = new Interaction(id, c, state, queue, agent, nowMillis, 0, Map.of("origin", "reference-host"),
                content);
        return sources.get(c).work(id, old -> i);
    }

    /** Assigns an interaction to an agent's user queue: connected to the agent. */
    Optional<Interaction> assign(String id, String agent) {
        requireAccepting();
        return change(id, i -> i.routed(InteractionState.CONNECTED, QueueRef.user(agent), agent));
    }

    /** Moves an interaction to another state (and keeps queue and agent). */
    Optional<Interaction> state(String id, InteractionState state) {
        requireAccepting();
        return change(id, i -> i.routed(state, i.queue(), i.agent()));
    }

    /** Appends a transcript entry (chat, SMS, social) or a callback attempt. */
    Optional<Interaction> say(String id, Transcript.Entry entry) {
        requireAccepting();
        return change(id, i -> {
            if (i.content() instanceof Transcript t) {
                return i.withContent(t.with(entry));
            }
            if (i.content() instanceof CallbackContent cb) {
                return i.withContent(new CallbackContent(cb.number(), cb.requestedMillis(), cb.attempts() + 1));
            }
            return i;
        });
    }

    private Optional<Interaction> change(String id, UnaryOperator<Interaction> f) {
        for (Source s : sources.values()) {
            if (s.live().containsKey(id)) {
                return Optional.ofNullable(s.work(id, old -> old == null ? null : f.apply(old)));
            }
        }
        return Optional.empty();
    }

    /** Releases (deallocates) an interaction. */
    boolean release(String id) {
        requireAccepting();
        for (Source s : sources.values()) {
            if (s.end(id)) {
                return true;
            }
        }
        return false;
    }

    /** @return the interaction with that id, any channel */
    Optional<Interaction> find(String id) {
        for (Source s : sources.values()) {
            Interaction i = s.live().get(id);
            if (i != null) {
                return Optional.of(i);
            }
        }
        return Optional.empty();
    }

    /** @return every live interaction, by channel then id */
    List<Interaction> all() {
        List<Interaction> out = new ArrayList<>();
        sources.values().forEach(s -> out.addAll(s.live().values()));
        return out;
    }
}
