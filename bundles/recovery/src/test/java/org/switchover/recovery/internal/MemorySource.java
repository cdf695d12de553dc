package org.switchover.recovery.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.switchover.api.interaction.Channel;
import org.switchover.api.interaction.Interaction;
import org.switchover.api.interaction.InteractionListener;
import org.switchover.api.interaction.InteractionSource;
import org.switchover.api.interaction.RestoreIssue;

/** A host's source of one channel for tests: a sorted map, listeners told synchronously. */
final class MemorySource implements InteractionSource {

    private final Channel channel;
    final Map<String, Interaction> live = new ConcurrentSkipListMap<>();
    private final List<InteractionListener> listeners = new CopyOnWriteArrayList<>();
    final List<Interaction> restored = new ArrayList<>();
    final List<RestoreIssue> issues = new ArrayList<>();

    MemorySource(Channel channel) {
        this.channel = channel;
    }

    void put(Interaction i) {
        Interaction old = live.get(i.id());
        Interaction v = i.atVersion(old == null ? 1 : old.version() + 1);
        live.put(i.id(), v);
        listeners.forEach(l -> l.changed(v));
    }

    void remove(String id) {
        Interaction old = live.remove(id);
        if (old != null) {
            listeners.forEach(l -> l.removed(id, old.version() + 1));
        }
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
        List<Interaction> out = new ArrayList<>();
        for (Interaction i : ((ConcurrentSkipListMap<String, Interaction>) live).tailMap(afterId, false).values()) {
            if (out.size() == limit) {
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
    public List<RestoreIssue> restore(List<Interaction> interactions) {
        restored.addAll(interactions);
        interactions.forEach(i -> live.put(i.id(), i));
        return issues;
    }
}
