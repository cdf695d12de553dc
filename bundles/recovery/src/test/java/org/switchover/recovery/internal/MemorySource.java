package org.switchover.recovery.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.switchover.api.interaction.Channel;
import org.switchover.api.interaction.Interaction;
import org.switchover.api.interaction.RestoreIssue;
import org.switchover.support.interaction.MemoryInteractionSource;

/** A host's source of one channel for tests: the shared in-memory source, recording what it restored. */
final class MemorySource extends MemoryInteractionSource {

    final Map<String, Interaction> live = live();
    final List<Interaction> restored = new ArrayList<>();
    final List<RestoreIssue> issues = new ArrayList<>();

    MemorySource(Channel channel) {
        super(channel);
    }

    void put(Interaction i) {
        put(i.id(), old -> i);
    }

    void remove(String id) {
        release(id);
    }

    @Override
    protected List<RestoreIssue> restored(List<Interaction> interactions) {
        restored.addAll(interactions);
        return issues;
    }
}
