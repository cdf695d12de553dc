package org.switchover.support.interaction;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

import org.switchover.api.interaction.Channel;
import org.switchover.api.interaction.Interaction;
import org.switchover.api.interaction.InteractionListener;
import org.switchover.api.interaction.InteractionSource;
import org.switchover.api.interaction.RestoreIssue;

/**
 * A host's source of one channel kept in memory: the live interactions sorted by id, listeners told synchronously of
 * every change (under this source's lock, so in order), versions counted up by one per change. Used by the reference
 * host's simulated ACD and by the recovery service's tests.
 */
public class MemoryInteractionSource implements InteractionSource {

    private final Channel channel;
    private final ConcurrentSkipListMap<String, Interaction> live = new ConcurrentSkipListMap<>();
    private final List<InteractionListener> listeners = new CopyOnWriteArrayList<>();

    public MemoryInteractionSource(Channel channel) {
        this.channel = channel;
    }

    @Override
    public Channel channel() {
        return channel;
    }

    @Override
    public AutoCloseable addListener(InteractionListener l) {
        listeners.add(l);
        return () -> listeners.remove(l);
    }

    @Override
    public List<Interaction> page(String afterId, int limit) {
        List<Interaction> out = new ArrayList<>(Math.min(limit, 1024));
        for (Interaction i : live.tailMap(afterId, false).values()) {
            if (out.size() >= limit) {
                break;
            }
            out.add(i);
        }
        return out;
    }

    @Override
    public int count() {
        return live.size();
    }

    @Override
    public synchronized List<RestoreIssue> restore(List<Interaction> interactions) {
        for (Interaction i : interactions) {
            live.put(i.id(), i);
        }
        return restored(interactions);
    }

    /** Called after {@code interactions} were restored; @return what could not be kept (nothing by default) */
    protected List<RestoreIssue> restored(List<Interaction> interactions) {
        return List.of();
    }

    /**
     * Changes one interaction and tells the listeners.
     *
     * @param change from the current interaction ({@code null} when absent) to the new one ({@code null}: no change)
     * @return the interaction stored, at the next version, or {@code null} when {@code change} made none
     */
    public synchronized Interaction put(String id, UnaryOperator<Interaction> change) {
        Interaction old = live.get(id);
        Interaction now = change.apply(old);
        if (now == null) {
            return null;
        }
        now = now.atVersion(old == null ? 1 : old.version() + 1);
        live.put(id, now);
        for (InteractionListener l : listeners) {
            l.changed(now);
        }
        return now;
    }

    /** Removes one interaction and tells the listeners; @return whether it was there */
    public synchronized boolean release(String id) {
        Interaction old = live.remove(id);
        if (old == null) {
            return false;
        }
        for (InteractionListener l : listeners) {
            l.removed(id, old.version() + 1);
        }
        return true;
    }

    /** @return the live interactions by id (the map itself) */
    public ConcurrentNavigableMap<String, Interaction> live() {
        return live;
    }
}
