package org.switchover.api.interaction;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A channel bundle's part of interaction recovery, registered while its channel's configuration exists (the
 * component requires it) with the property {@link RecoveryProtocol#CHANNEL_PROPERTY}. The recovery service follows
 * the registration and its property updates live: {@link #enabled()} turning true starts the channel (full sync on
 * the backup), turning false stops it and drops its shadows; a change of {@link #filterName()} drops the shadows and
 * resynchronises by the new filter. Thread-safe.
 */
@ConsumerType
public interface RecoveryChannel {

    /** @return the channel */
    Channel channel();

    /** @return whether the channel's documented parameter enables recovery */
    boolean enabled();

    /** @return the host's source of this channel's interactions */
    InteractionSource source();

    /** @return a new filter for one publishing run; by default every interaction is shadowed */
    default ShadowFilter newFilter() {
        return ShadowFilter.ALL;
    }

    /** @return a short description of the filter in force ("all interactions"); a change means a resync */
    default String filterName() {
        return ShadowFilter.ALL.toString();
    }

    /**
     * The channel's promotion rule: what the shadow becomes when this node takes over. By default by state, with
     * the whole transcript ({@link Promotion#keepTranscript}).
     *
     * @param shadow the shadow as replicated
     * @param nowMillis the time of the promotion (ms since the epoch)
     * @return the interaction to restore and what it loses
     */
    default Promotion promote(Interaction shadow, long nowMillis) {
        return Promotion.keepTranscript(Promotion.byState(shadow));
    }
}
