package org.switchover.recovery.internal;

import org.switchover.api.interaction.Channel;
import org.switchover.api.interaction.Interaction;
import org.switchover.api.interaction.InteractionSource;
import org.switchover.api.interaction.Promotion;
import org.switchover.api.interaction.RecoveryChannel;
import org.switchover.api.interaction.ShadowFilter;

/** A channel binding for tests: enabled and filter set by the test; the shared promotion rules. */
final class TestChannel implements RecoveryChannel {

    private final Channel channel;
    private final InteractionSource source;
    volatile boolean enabled = true;
    volatile ShadowFilter filter = ShadowFilter.ALL;

    TestChannel(Channel channel, InteractionSource source) {
        this.channel = channel;
        this.source = source;
    }

    @Override
    public Channel channel() {
        return channel;
    }

    @Override
    public boolean enabled() {
        return enabled;
    }

    @Override
    public InteractionSource source() {
        return source;
    }

    @Override
    public ShadowFilter newFilter() {
        return filter;
    }

    @Override
    public String filterName() {
        return filter.toString();
    }

    @Override
    public Promotion promote(Interaction shadow, long nowMillis) {
        return Promotion.keepTranscript(Promotion.byState(shadow));
    }
}
