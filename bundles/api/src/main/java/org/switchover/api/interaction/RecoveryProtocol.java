package org.switchover.api.interaction;

/**
 * Names of the recovery protocol between the two nodes and of the service properties of the recovery services.
 */
public final class RecoveryProtocol {
    private RecoveryProtocol() {
    }

    /** String: prefix of the numbered notifier stream of one channel ({@code recovery.mail}, {@code recovery.chat}...). */
    public static final String STREAM_PREFIX = "recovery.";

    /**
     * Event id of the backup's request for one page of a channel's snapshot during a full synchronisation; the
     * answer's last page is the completion marker carrying the counts.
     */
    public static final String SNAPSHOT = "Recovery Snapshot";

    /** Service property, String: the {@link Channel#key()} an {@link InteractionSource} or {@link RecoveryChannel} serves. */
    public static final String CHANNEL_PROPERTY = "switchover.interaction.channel";

    /**
     * The documented replication delay (ms): a change the primary acknowledged to the host at least this long before
     * the primary fails is held by a backup that was in sync, and is restored at the promotion.
     */
    public static final long REPLICATION_DELAY_MILLIS = 2000;

    /** @return the name of the numbered stream carrying {@code channel}'s changes */
    public static String stream(Channel channel) {
        return STREAM_PREFIX + channel.key();
    }
}
