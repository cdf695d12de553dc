package org.switchover.dssync.internal;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.api.ServerParameters;
import org.switchover.api.SwitchoverState;
import org.switchover.api.config.ConfigReader;
import org.switchover.support.replication.SyncReplication;

/**
 * One snapshot of DS sync's parameters (PID {@value DsSyncComponent#PID}, {@link DsSyncComponent.Config}), already
 * parsed: the one place they are parsed. Immutable.
 *
 * @param requestTimeout the clamped {@code Switchover DS Request Timeout}
 * @param configAdminReplication whether the ConfigAdmin adapter works
 * @param higherExclusions Upgrade Higher: DS paths not replicated
 * @param lowerPaths Upgrade Lower: DS paths replicated in addition to the built-in ones
 * @param attributeExceptions Upgrade Lower: attributes left as the backup has them, by class
 * @param replicationMode {@code switchover.replication.mode}: whether a write waits for the backup
 * @param syncTimeoutMillis {@code switchover.replication.sync.timeout.ms}: the longest wait before degrading
 * @param syncResumeMillis {@code switchover.replication.sync.resume.ms}: how long the backup must keep up before a
 *     degraded pair is synchronous again
 */
record DsSyncSettings(Duration requestTimeout, boolean configAdminReplication, List<String> higherExclusions,
        List<String> lowerPaths, Map<String, Set<String>> attributeExceptions, SyncReplication.Mode replicationMode,
        long syncTimeoutMillis, long syncResumeMillis) {

    private static final Logger LOG = LoggerFactory.getLogger(DsSyncSettings.class);

    /** The defaults, before any configuration was read. */
    static final DsSyncSettings DEFAULTS = new DsSyncSettings(Duration.ofSeconds(120), true, List.of(), List.of(),
            Map.of(), SyncReplication.Mode.ASYNC, 5_000L, 10_000L);

    /**
     * Reads the parameters; a malformed value keeps the one in {@code previous} (logged, naming the parameter).
     *
     * @param r the configuration of {@link DsSyncComponent.Config}
     */
    static DsSyncSettings from(ConfigReader r, DsSyncSettings previous) {
        int t = r.integer("switchover_ds_request_timeout", (int) previous.requestTimeout().toSeconds());
        return new DsSyncSettings(Duration.ofSeconds(t),
                r.bool("configadmin_replication", previous.configAdminReplication()),
                parsed(() -> ReplicationFilter.parsePaths(ServerParameters.SWITCHOVER_UPGRADE_HIGHER_DS_EXCLUSIONS,
                        r.text("switchover_upgrade_higher_ds_exclusions")), previous.higherExclusions()),
                parsed(() -> ReplicationFilter.parsePaths(ServerParameters.CUSTOM_UPGRADE_SYNCHRONIZATION_DIRECTORIES,
                        r.text("custom_upgrade_synchronization_directories")), previous.lowerPaths()),
                parsed(() -> ReplicationFilter.parseAttributeExceptions(
                        ServerParameters.CUSTOM_UPGRADE_ATTRIBUTE_EXCEPTIONS,
                        r.text("custom_upgrade_attribute_exceptions")), previous.attributeExceptions()),
                parsed(() -> SyncReplication.Mode.parse(r.text("switchover_replication_mode")),
                        previous.replicationMode()),
                r.number("switchover_replication_sync_timeout_ms", previous.syncTimeoutMillis()),
                r.number("switchover_replication_sync_resume_ms", previous.syncResumeMillis()));
    }

    private static <T> T parsed(Supplier<T> parse, T previous) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            LOG.error("{}; keeping the previous value {}", e.getMessage(), previous);
            return previous;
        }
    }

    /** @return what a backup in {@code state} takes from the primary */
    ReplicationFilter filterFor(SwitchoverState state) {
        if (state == SwitchoverState.UPGRADE_HIGHER) {
            return ReplicationFilter.upgradeHigher(higherExclusions);
        }
        if (state == SwitchoverState.UPGRADE_LOWER) {
            return ReplicationFilter.upgradeLower(lowerPaths, attributeExceptions);
        }
        return ReplicationFilter.FULL;
    }
}
