package org.switchover.api.interaction;

import org.switchover.api.notifier.EventIds;

/**
 * Service properties of the recovery services, the replication delay and the stream name of a channel (the event
 * ids and stream prefix of the recovery protocol are in {@link EventIds}).
 */
public final class RecoveryProtocol {
    private RecoveryProtocol() {
    }

    /** Service property, String: the {@link Channel#key()} an {@link InteractionSource} or {@link RecoveryChannel} serves. */
    public static final String CHANNEL_PROPERTY = "switchover.interaction.channel";

    /**
     * The documented replication delay (ms): a change the primary acknowledged to the host at least this long before
     * the primary fails is held by a backup that was in sync, and is restored at the promotion.
     */
    public static final long REPLICATION_DELAY_MILLIS = 2000;

    /** @return the name of the numbered stream carrying {@code channel}'s changes */
    public static String stream(Channel channel) {
        return EventIds.RECOVERY_STREAM_PREFIX + channel.key();
    }
}
