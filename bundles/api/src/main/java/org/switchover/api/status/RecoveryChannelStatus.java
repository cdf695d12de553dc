package org.switchover.api.status;

/**
 * One channel of the Interaction Recovery Service on this node, as {@code switchover:recovery-status} shows it and
 * the {@code recovery} object of the status JSON carries it. Figures that do not apply to the side this node plays
 * are -1 (texts empty).
 *
 * @param channel the channel's key ({@code mail}, {@code chat}, {@code callback}, {@code sms},
 *     {@code social_conversation}, {@code direct_message})
 * @param configured the channel's bundle runs with its PID configured
 * @param enabled the channel is enabled by its documented parameter
 * @param side {@code primary} (publishing), {@code backup} (shadows), {@code idle} (enabled, no role yet) or empty
 *     (not configured or disabled)
 * @param live the primary's live interactions of the channel; -1 on a backup
 * @param shadows the backup's shadows; -1 on a primary
 * @param primaryLive on a backup, the primary's live count in its last message or snapshot page; -1 when unknown
 * @param sync on a backup, where the full synchronisation stands: {@code waiting}, {@code syncing},
 *     {@code complete} or {@code failed}; empty otherwise
 * @param lagMillis on a backup, the replication lag of the last applied change (ms); -1 when none
 * @param maxLagMillis on a backup, the largest lag since the last full synchronisation (ms); -1 otherwise
 * @param filter the channel's shadow filter in words (the mail filter); empty when none applies
 */
public record RecoveryChannelStatus(String channel, boolean configured, boolean enabled, String side, int live,
                                    int shadows, int primaryLive, String sync, long lagMillis, long maxLagMillis,
                                    String filter) {

    /** Normalises null texts to empty. */
    public RecoveryChannelStatus {
        side = side == null ? "" : side;
        sync = sync == null ? "" : sync;
        filter = filter == null ? "" : filter;
    }

    /** @return a channel whose bundle does not run or whose PID is not configured */
    public static RecoveryChannelStatus notConfigured(String channel) {
        return new RecoveryChannelStatus(channel, false, false, "", -1, -1, -1, "", -1L, -1L, "");
    }
}
