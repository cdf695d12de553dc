package org.switchover.dssync.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.api.ServerParameters;
import org.switchover.api.SwitchoverState;
import org.switchover.api.config.ConfigReader;

/**
 * Configuration and status of DS sync, PID {@value #PID} (with the node PID for {@code data.dir}). Every value is
 * read live: the primary and backup parts ask this component on each use. Also the place where the active part
 * (primary or backup) reports what it is doing, for {@code switchover:ds-status}.
 */
@Component(name = DsSyncSettings.PID, service = DsSyncSettings.class, immediate = true,
        configurationPid = {"org.switchover.node", DsSyncSettings.PID})
public final class DsSyncSettings {

    static final String PID = "org.switchover.dssync";
    private static final Logger LOG = LoggerFactory.getLogger(DsSyncSettings.class);
    static final int MIN_TIMEOUT_S = 1;
    static final int MAX_TIMEOUT_S = 3600;

    /** DS sync parameters, PID {@code org.switchover.dssync}. */
    @ObjectClassDefinition(name = "Switchover DS sync",
            description = "Replication of the configuration tree from the primary to the backup")
    public @interface Config {
        @AttributeDefinition(name = ServerParameters.SWITCHOVER_DS_REQUEST_TIMEOUT,
                description = "Timeout of each DS request the backup sends to the primary during a full compare"
                        + " (s), 1-3600")
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
    }

    /** The node keys read here (node PID; its metatype is designated by the notifier). */
    @ObjectClassDefinition(name = "node keys read by DS sync")
    @interface Node {
        String data_dir() default "${switchover.home}/data";
    }

    private final Function<String, String> lookup;
    private volatile Duration requestTimeout = Duration.ofSeconds(120);
    private volatile Path dataDir;
    private volatile List<String> higherExclusions = List.of();
    private volatile List<String> lowerPaths = List.of();
    private volatile Map<String, Set<String>> attributeExceptions = Map.of();
    private volatile boolean configAdminReplication = true;
    private volatile Supplier<String> activity = () -> "idle (neither primary nor backup)";

    @Activate
    public DsSyncSettings(BundleContext context, Map<String, Object> props) {
        this.lookup = context::getProperty;
        configure(props);
    }

    DsSyncSettings(Function<String, String> lookup, Map<String, Object> props) {
        this.lookup = lookup;
        configure(props);
    }

    @Modified
    void configure(Map<String, Object> props) {
        ConfigReader r = new ConfigReader(Config.class, props, LOG::warn);
        int t = r.integer("switchover_ds_request_timeout", ServerParameters.SWITCHOVER_DS_REQUEST_TIMEOUT,
                (int) requestTimeout.toSeconds(), MIN_TIMEOUT_S, MAX_TIMEOUT_S);
        requestTimeout = Duration.ofSeconds(t);
        configAdminReplication = r.bool("configadmin_replication", "Replicate ConfigAdmin", configAdminReplication);
        higherExclusions = parsed(() -> ReplicationFilter.parsePaths(
                ServerParameters.SWITCHOVER_UPGRADE_HIGHER_DS_EXCLUSIONS,
                r.text("switchover_upgrade_higher_ds_exclusions")), higherExclusions);
        lowerPaths = parsed(() -> ReplicationFilter.parsePaths(
                ServerParameters.CUSTOM_UPGRADE_SYNCHRONIZATION_DIRECTORIES,
                r.text("custom_upgrade_synchronization_directories")), lowerPaths);
        attributeExceptions = parsed(() -> ReplicationFilter.parseAttributeExceptions(
                ServerParameters.CUSTOM_UPGRADE_ATTRIBUTE_EXCEPTIONS,
                r.text("custom_upgrade_attribute_exceptions")), attributeExceptions);
        dataDir = resolve(new ConfigReader(Node.class, props, LOG::warn).text("data_dir"), lookup);
        LOG.info("DS sync: request timeout {} s, data directory {}", t, dataDir);
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

    static Path resolve(String text, Function<String, String> lookup) {
        return ConfigReader.dataDir(text, lookup, LOG::warn);
    }

    /** @return the clamped {@code Switchover DS Request Timeout} */
    Duration requestTimeout() {
        return requestTimeout;
    }

    /** @return whether the ConfigAdmin adapter works */
    boolean configAdminReplication() {
        return configAdminReplication;
    }

    /** @return {@code ${data.dir}/dssync} */
    Path stateDir() {
        return dataDir.resolve("dssync");
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
        return "DS sync: " + activity.get() + "\nDS request timeout: " + requestTimeout.toSeconds() + " s";
    }
}
