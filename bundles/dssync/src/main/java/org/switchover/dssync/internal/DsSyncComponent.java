package org.switchover.dssync.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.api.NodeIdentity;
import org.switchover.api.ServerParameters;
import org.switchover.api.SwitchoverState;
import org.switchover.api.config.ConfigReader;
import org.switchover.api.log.Journal;
import org.switchover.api.warning.SwitchWarning;
import org.switchover.support.replication.SyncReplication;

/**
 * DS sync's configuration (PID {@value #PID}) and status: holds the current {@link DsSyncSettings} (every value is
 * read live: the primary and backup parts ask on each use) and this node's state directory (from
 * {@link NodeIdentity}). Also the place where the active part (primary or backup) reports what it is doing, and the
 * shell command {@code switchover:ds-status} that shows it (role part, stream position, progress of the last full
 * compare: compared, transferred, remaining, rate), dispatched through Gogo's {@code _main} convention (the name
 * contains '-').
 */
@Component(name = DsSyncComponent.PID, service = {DsSyncComponent.class, SwitchWarning.class}, immediate = true,
        configurationPid = DsSyncComponent.PID,
        property = {"osgi.command.scope=switchover", "osgi.command.function=ds-status"})
@Designate(ocd = DsSyncComponent.Config.class)
public final class DsSyncComponent implements SwitchWarning {

    static final String PID = "org.switchover.dssync";
    private static final Logger LOG = LoggerFactory.getLogger(DsSyncComponent.class);
    private static final Logger AUDIT = LoggerFactory.getLogger(Journal.AUDIT_LOGGER);

    /** DS sync parameters, PID {@code org.switchover.dssync}. */
    @ObjectClassDefinition(id = PID, name = "Switchover DS sync",
            description = "Replication of the configuration tree from the primary to the backup")
    public @interface Config {
        @AttributeDefinition(name = ServerParameters.SWITCHOVER_DS_REQUEST_TIMEOUT, min = "1", max = "3600",
                description = "Timeout of each DS request the backup sends to the primary during a full compare (s)")
        int switchover_ds_request_timeout() default 120;

        @AttributeDefinition(name = ServerParameters.SWITCHOVER_UPGRADE_HIGHER_DS_EXCLUSIONS, required = false,
                description = "Upgrade Higher only: DS paths (';'-separated, recursive) not replicated, in addition"
                        + " to the built-in handler, phone and install-script entries")
        String switchover_upgrade_higher_ds_exclusions() default "";

        @AttributeDefinition(name = ServerParameters.CUSTOM_UPGRADE_SYNCHRONIZATION_DIRECTORIES, required = false,
                description = "Upgrade Lower only: DS paths (';'-separated, recursive) replicated in addition to the"
                        + " built-in ${CONFIG}/Users, /Passwords, /Workgroups, /Roles, /Default User,"
                        + " ${SERVER}/Workstations and ${CONFIG}/ProcessAutomation")
        String custom_upgrade_synchronization_directories() default "";

        @AttributeDefinition(name = ServerParameters.CUSTOM_UPGRADE_ATTRIBUTE_EXCEPTIONS, required = false,
                description = "Upgrade Lower only: attributes left as the backup has them,"
                        + " Class(attr, attr);Class(attr)")
        String custom_upgrade_attribute_exceptions() default "";

        @AttributeDefinition(name = "Replicate ConfigAdmin",
                description = "Replicate the switchover configurations (except node-local keys) from the primary to"
                        + " the backup through the directory tree (node-local: each node decides whether it takes"
                        + " the primary's configuration)")
        boolean configadmin_replication() default true;

        @AttributeDefinition(name = "Replication Mode", options = {
                @Option(label = "async: a change is confirmed to the host once committed locally", value = "async"),
                @Option(label = "sync: a change is confirmed once the backup has made it durable", value = "sync")},
                description = "async: the primary confirms a DS change to the host as soon as it is committed"
                        + " locally (a kill -9 of the primary can lose what the backup had not yet received)."
                        + " sync: the host's write returns only after the backup acknowledged it (committed to its"
                        + " own store); a backup that does not answer within the Synchronous Replication Timeout"
                        + " degrades the pair to async (switch warning, audit line) until it has caught up")
        String switchover_replication_mode() default "async";

        @AttributeDefinition(name = "Synchronous Replication Timeout", min = "50", max = "600000",
                description = "Sync mode: the longest a DS write waits for the backup's acknowledgement before"
                        + " the pair degrades to async (ms)")
        long switchover_replication_sync_timeout_ms() default 5000;

        @AttributeDefinition(name = "Synchronous Replication Resume Hold", min = "0", max = "3600000",
                description = "Sync mode, degraded: how long the backup must keep acknowledging every probe within"
                        + " the Synchronous Replication Timeout before the pair is synchronous again (ms; 0 = at the"
                        + " first probe answered in time). Keeps a backup that only just keeps up from flipping the"
                        + " pair between synchronous and degraded")
        long switchover_replication_sync_resume_ms() default 10000;
    }

    private final Path stateDir;
    private volatile DsSyncSettings settings = DsSyncSettings.DEFAULTS;
    private volatile Supplier<String> activity = () -> "idle (neither primary nor backup)";
    private volatile Supplier<Optional<String>> warning = Optional::empty;

    @Activate
    public DsSyncComponent(@Reference NodeIdentity identity, Map<String, Object> props) {
        this(identity.dataDir(), props);
    }

    /** @param dataDir this node's data directory ({@link NodeIdentity#dataDir()}) */
    DsSyncComponent(Path dataDir, Map<String, Object> props) {
        this.stateDir = dataDir.resolve("dssync");
        configure(props);
    }

    @Modified
    void configure(Map<String, Object> props) {
        DsSyncSettings before = settings;
        settings = DsSyncSettings.from(new ConfigReader(Config.class, props, LOG::warn), before);
        LOG.info("DS sync: request timeout {} s, replication mode {} (sync timeout {} ms), data directory {}",
                settings.requestTimeout().toSeconds(), settings.replicationMode().name().toLowerCase(Locale.ROOT),
                settings.syncTimeoutMillis(), stateDir.getParent());
        if (before != DsSyncSettings.DEFAULTS && before.replicationMode() != settings.replicationMode()) {
            AUDIT.info("DS sync: replication mode {} -> {} (parameter switchover.replication.mode): {}",
                    before.replicationMode().name().toLowerCase(Locale.ROOT),
                    settings.replicationMode().name().toLowerCase(Locale.ROOT),
                    settings.replicationMode() == SyncReplication.Mode.SYNC
                            ? "a change is confirmed to the host once the backup has made it durable"
                            : "changes are confirmed without waiting for the backup");
        }
    }

    /** @return {@code switchover.replication.mode} */
    SyncReplication.Mode replicationMode() {
        return settings.replicationMode();
    }

    /** @return {@code switchover.replication.sync.resume.ms} */
    long syncResumeMillis() {
        return settings.syncResumeMillis();
    }

    /** @return {@code switchover.replication.sync.timeout.ms} */
    long syncTimeoutMillis() {
        return settings.syncTimeoutMillis();
    }

    /** The primary part's synchronous replication reports its warning here. */
    void warningSource(Supplier<Optional<String>> source) {
        warning = source == null ? Optional::empty : source;
    }

    @Override
    public Optional<String> warning() {
        return warning.get();
    }

    /** @return what a backup in {@code state} takes from the primary */
    ReplicationFilter filterFor(SwitchoverState state) {
        return settings.filterFor(state);
    }

    /** @return the clamped {@code Switchover DS Request Timeout} */
    Duration requestTimeout() {
        return settings.requestTimeout();
    }

    /** @return whether the ConfigAdmin adapter works */
    boolean configAdminReplication() {
        return settings.configAdminReplication();
    }

    /** @return {@code ${data.dir}/dssync} */
    Path stateDir() {
        return stateDir;
    }

    /** The active part reports itself here. */
    synchronized void activity(Supplier<String> a) {
        activity = a;
    }

    /** The part that reported {@code a} stops; the status goes back to idle unless another part took over. */
    synchronized void clearActivity(Supplier<String> a) {
        if (activity == a) {
            activity = () -> "idle (neither primary nor backup)";
        }
    }

    /** @return the status lines for the shell */
    String status() {
        return "DS sync: " + activity.get() + "\nDS request timeout: " + settings.requestTimeout().toSeconds() + " s"
                + "\nreplication mode: " + settings.replicationMode().name().toLowerCase(Locale.ROOT)
                + " (sync timeout " + settings.syncTimeoutMillis() + " ms)";
    }

    /** {@code switchover:ds-status}; @return the status lines */
    public String _main(String... args) {
        return status();
    }
}
