package org.switchover.api.interaction;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Sees the interactions the recovery service shadows on the backup, so that a bundle can follow the same events on
 * the backup as it follows on the primary through the {@link InteractionSource} change feeds (the tracker does).
 * Registered as a whiteboard service; the recovery service calls every registered observer, after the shadow was
 * stored, on one thread of its own that is not the stream's (so a slow observer delays observers, never the
 * shadows), in the order the changes were applied.
 */
@ConsumerType
public interface ShadowObserver {

    /**
     * A shadow was stored: a change from the primary's stream, or a page entry of a full synchronisation.
     *
     * @param now the interaction's whole state (a replica may see one version twice, or a lower one after a higher
     *     one when a synchronisation page and the stream overlap: keep the highest version)
     */
    void changed(Interaction now);

    /**
     * The primary released the interaction.
     *
     * @param channel its channel
     * @param id its id
     * @param version its version at release
     */
    void removed(Channel channel, String id, long version);

    /**
     * A full synchronisation of the channel starts: the shadows are reloaded from the primary, and an interaction
     * the observer knows of that is not in the pages ended while the backup did not follow.
     *
     * @param channel the channel
     */
    default void syncStarted(Channel channel) {
    }

    /**
     * The full synchronisation of the channel completed: every live interaction of the channel was passed to
     * {@link #changed} since {@link #syncStarted}.
     *
     * @param channel the channel
     */
    default void syncCompleted(Channel channel) {
    }

    /**
     * The channel's shadows were promoted into the host (this node became primary). Every change applied to the
     * shadows before the promotion has been passed to {@link #changed} / {@link #removed} before this call and none
     * follows it: the interactions the observer holds as live for the channel are the ones restored into the host
     * (the host's own change feed reports what becomes of them from now on). Called on the observers' thread; the
     * recovery service restores the shadows into the host only after this call returned.
     *
     * @param channel the channel
     * @since 2.3
     */
    default void promoted(Channel channel) {
    }
}
