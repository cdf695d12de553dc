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
 * @param replication {@code switchover.replication.mode}, {@code .sync.timeout.ms}, {@code .sync.resume.ms}: whether
 *     a write waits for the backup, the longest wait before degrading, how long the backup must keep up before a
 *     degraded pair is synchronous again
 */
record DsSyncSettings(Duration requestTimeout, boolean configAdminReplication, List<String> higherExclusions,
        List<String> lowerPaths, Map<String, Set<String>> attributeExceptions, SyncReplication.Settings replication) {

    private static final Logger LOG = LoggerFactory.getLogger(DsSyncSettings.class);

    /** The defaults, before any configuration was read. */
    static final DsSyncSettings DEFAULTS = new DsSyncSettings(Duration.ofSeconds(120), true, List.of(), List.of(),
            Map.of(), SyncReplication.Settings.DEFAULTS);

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
                SyncReplication.Settings.read(r, previous.replication(), malformed -> LOG.error(
                        "{}; keeping the previous value {}", malformed, previous.replicationMode())));
    }

    /** @return {@code switchover.replication.mode} */
    SyncReplication.Mode replicationMode() {
        return replication.mode();
    }

    /** @return {@code switchover.replication.sync.timeout.ms} */
    long syncTimeoutMillis() {
        return replication.timeoutMillis();
    }

    /** @return {@code switchover.replication.sync.resume.ms} */
    long syncResumeMillis() {
        return replication.resumeMillis();
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
