package org.switchover.recovery.internal;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.switchover.api.interaction.Channel;
import org.switchover.api.interaction.InteractionSource;
import org.switchover.api.interaction.RecoveryChannel;
import org.switchover.api.interaction.ShadowFilter;

/** A channel binding for tests: enabled and filter set by the test; the shared promotion rules. */
record TestChannel(Channel channel, InteractionSource source, AtomicBoolean on, AtomicReference<ShadowFilter> filter)
        implements RecoveryChannel {

    TestChannel(Channel channel, InteractionSource source) {
        this(channel, source, new AtomicBoolean(true), new AtomicReference<>(ShadowFilter.ALL));
    }

    @Override
    public boolean enabled() {
        return on.get();
    }

    @Override
    public ShadowFilter newFilter() {
        return filter.get();
    }

    @Override
    public String filterName() {
        return filter.get().toString();
    }
}
