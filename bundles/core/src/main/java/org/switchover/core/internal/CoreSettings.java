package org.switchover.core.internal;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;

import org.switchover.api.NodeId;
import org.switchover.api.NodeIdentity;
import org.switchover.api.ParameterRange;
import org.switchover.api.ServerParameters;
import org.switchover.api.config.ConfigReader;
import org.switchover.api.config.Metatype;

/**
 * Everything the state machine is configured with, as one immutable value: the node's identity (the
 * {@link NodeIdentity} service) and the core's own parameters ({@link CoreComponent.Config}), parsed and clamped in
 * {@link #from} - the one place that reads them - or built by tests from the same defaults.
 *
 * @param node this node's letter, or null when the configured value is not A or B
 * @param nodeError why {@code node} is null (empty otherwise)
 * @param version this node's release ({@code switchover.version})
 * @param peerAddress the peer's virtual-switch address, {@code host:port}, for status displays
 * @param dataDir the node's data directory ({@code data.dir})
 * @param reconnectTimeoutMillis the Switchover Reconnect Timeout; 0 = switch at once
 * @param reconnectMaxAttempts reconnect attempts per link before switching; 0 = no limit (the timer decides)
 * @param manualSwitchOnly manual mode: no monitors, no automatic switch
 * @param forceBackup start as backup whatever the peer says
 * @param netTestHalts a backup whose diagnosis says NetTestUnreachable halts instead of switching (legacy rule)
 * @param negotiationTimeoutMillis how long a state query may take
 * @param negotiationRetryMillis pause before asking a starting peer again
 * @param negotiationMaxAttempts bound on asking a starting peer
 * @param startupMaxMillis the node must have decided its role within this time (0 = no limit)
 * @param peerQueryMillis period of the primary's (and an unconfirmed backup's) peer state queries
 * @param discontinueIntervalMillis period of the new primary's DISCONTINUE re-sends
 * @param discontinueMaxAttempts bound on DISCONTINUE re-sends
 * @param watchdogMillis period of the watchdog poll of the primary monitor while Backup
 * @param reconnectProbeMillis period of the reconnect check while Reconnecting
 * @param prepareTimeoutMillis how long the backup waits for the primary to prepare a controlled switch
 * @param forwardTimeoutMillis how long a primary waits for its backup to carry out a forwarded switch request
 * @param refusedConfirmMillis pause between the two refused connections to the primary's notifier port after which
 *     a backup that lost both links switches at once; 0 = off
 */
record CoreSettings(
        NodeId node,
        String nodeError,
        String version,
        String peerAddress,
        Path dataDir,
        long reconnectTimeoutMillis,
        int reconnectMaxAttempts,
        boolean manualSwitchOnly,
        boolean forceBackup,
        boolean netTestHalts,
        long negotiationTimeoutMillis,
        long negotiationRetryMillis,
        int negotiationMaxAttempts,
        long startupMaxMillis,
        long peerQueryMillis,
        long discontinueIntervalMillis,
        int discontinueMaxAttempts,
        long watchdogMillis,
        long reconnectProbeMillis,
        long prepareTimeoutMillis,
        long forwardTimeoutMillis,
        long refusedConfirmMillis) {

    /** Largest reconnect timeout (s) kept: beyond it the milliseconds would overflow the timer. */
    private static final long MAX_RECONNECT_SECONDS = Integer.MAX_VALUE / 1000;

    /**
     * Reads the core's parameters: numbers out of the range of their {@code @AttributeDefinition} are clamped with a
     * WARN naming the parameter; a malformed value is named in a WARN and the previous value kept.
     *
     * @param c the core's configuration ({@link CoreComponent.Config})
     * @param identity this node's identity
     * @param previous the settings in force; null at activation (then a malformed value gives the default)
     * @param manualOption the {@code switchover.manualSwitchOnly} start option is set
     * @param forceOption the {@code switchover.forceBackup} start option is set
     * @param warn where the warnings go
     */
    static CoreSettings from(ConfigReader c, NodeIdentity identity, CoreSettings previous, boolean manualOption,
                             boolean forceOption, Consumer<String> warn) {
        NodeId peer = identity.peer();
        CoreSettings was = previous != null ? previous : defaults(identity.node().name(), identity.dataDir());
        CoreSettings read = read(c, was, warn);
        return read.toBuilder().node(identity.node().name()).version(identity.release())
                .peerAddress(identity.connectAddress(peer) + ":" + identity.port(peer)).dataDir(identity.dataDir())
                .manualSwitchOnly(manualOption || read.manualSwitchOnly).forceBackup(forceOption || read.forceBackup)
                .build();
    }

    /** The core's own parameters from {@code c}; identity fields as in {@code was}. */
    private static CoreSettings read(ConfigReader c, CoreSettings was, Consumer<String> warn) {
        return new CoreSettings(was.node, was.nodeError, was.version, was.peerAddress, was.dataDir,
                reconnectTimeoutMillis(c, was.reconnectTimeoutMillis, warn),
                c.integer("switchover_reconnect_max_attempts", was.reconnectMaxAttempts),
                c.bool("manual_switch_only", was.manualSwitchOnly),
                c.bool("force_backup", was.forceBackup),
                c.bool("nettest_unreachable_halts", was.netTestHalts),
                c.number("negotiation_timeout_ms", was.negotiationTimeoutMillis),
                c.number("negotiation_retry_delay_ms", was.negotiationRetryMillis),
                c.integer("negotiation_max_attempts", was.negotiationMaxAttempts),
                seconds(c, "startup_max_time", was.startupMaxMillis),
                seconds(c, "peer_query_interval", was.peerQueryMillis),
                c.number("discontinue_retry_interval_ms", was.discontinueIntervalMillis),
                c.integer("discontinue_max_attempts", was.discontinueMaxAttempts),
                seconds(c, "watchdog_poll_interval", was.watchdogMillis),
                seconds(c, "reconnect_probe_interval", was.reconnectProbeMillis),
                seconds(c, "prepare_switch_timeout", was.prepareTimeoutMillis),
                seconds(c, "forward_switch_timeout", was.forwardTimeoutMillis),
                c.number("switchover_reconnect_refused_confirm_ms", was.refusedConfirmMillis));
    }

    /**
     * The reconnect timeout in ms: the milliseconds parameter when set (0 or more), otherwise the documented seconds
     * parameter (or its obsolete name).
     */
    private static long reconnectTimeoutMillis(ConfigReader c, long previousMillis, Consumer<String> warn) {
        long seconds = reconnectTimeoutSeconds(c, previousMillis / 1000, warn) * 1000L;
        long ms = c.number("switchover_reconnect_timeout_ms", -1L);
        return ms >= 0 ? ms : seconds;
    }

    /** A parameter configured in seconds, as milliseconds. */
    private static long seconds(ConfigReader c, String method, long previousMillis) {
        return c.number(method, previousMillis / 1000) * 1000L;
    }

    /** The reconnect timeout, or while it is at its default the obsolete switchover.reconnect.delay. */
    private static long reconnectTimeoutSeconds(ConfigReader c, long previous, Consumer<String> warn) {
        long timeout = Math.min(c.number("switchover_reconnect_timeout", previous), MAX_RECONNECT_SECONDS);
        String legacy = c.text("switchover_reconnect_delay");
        if (c.isSet("switchover_reconnect_timeout") || legacy.isEmpty()) {
            return timeout;
        }
        try {
            long min = Metatype.attribute(CoreComponent.Config.class, "switchover_reconnect_timeout").minOr(0);
            timeout = ParameterRange.clamp(ServerParameters.SWITCHOVER_RECONNECT_DELAY, Long.parseLong(legacy), min,
                    MAX_RECONNECT_SECONDS, warn);
            warn.accept(String.format("'%s' is the obsolete name of '%s'; using its value %d s - please rename the"
                            + " property to switchover.reconnect.timeout", ServerParameters.SWITCHOVER_RECONNECT_DELAY,
                    ServerParameters.SWITCHOVER_RECONNECT_TIMEOUT, timeout));
        } catch (NumberFormatException e) {
            warn.accept(String.format("Ignoring the obsolete '%s' = '%s': not a number of seconds",
                    ServerParameters.SWITCHOVER_RECONNECT_DELAY, legacy));
        }
        return timeout;
    }

    /**
     * @return every parameter at the default its {@code @AttributeDefinition} declares, for node {@code node} ("A",
     *         "B" or anything else)
     */
    static CoreSettings defaults(String node, Path dataDir) {
        CoreSettings blank = new CoreSettings(null, "", "1.0.0", "", dataDir, 0, 0, false, false, false, 0, 0, 0, 0, 0,
                0, 0, 0, 0, 0, 0, 0);
        ConfigReader none = new ConfigReader(CoreComponent.Config.class, Map.of(), w -> { });
        return read(none, blank, w -> { }).toBuilder().node(node).build();
    }

    /** @return a builder starting from the declared defaults, for node {@code node} ("A", "B" or anything else). */
    static Builder builder(String node, Path dataDir) {
        return defaults(node, dataDir).toBuilder();
    }

    /** @return a builder starting from these settings. */
    Builder toBuilder() {
        return new Builder(this);
    }

    /** Mutable builder, for the component (identity) and for tests; one line a setter. */
    static final class Builder {
        private NodeId node;
        private String nodeError;
        private String version;
        private String peerAddress;
        private Path dataDir;
        private long reconnectTimeoutMillis;
        private int reconnectMaxAttempts;
        private boolean manualSwitchOnly;
        private boolean forceBackup;
        private boolean netTestHalts;
        private long negotiationTimeoutMillis;
        private long negotiationRetryMillis;
        private int negotiationMaxAttempts;
        private long startupMaxMillis;
        private long peerQueryMillis;
        private long discontinueIntervalMillis;
        private int discontinueMaxAttempts;
        private long watchdogMillis;
        private long reconnectProbeMillis;
        private long prepareTimeoutMillis;
        private long forwardTimeoutMillis;
        private long refusedConfirmMillis;

        private Builder(CoreSettings s) {
            node = s.node;
            nodeError = s.nodeError;
            version = s.version;
            peerAddress = s.peerAddress;
            dataDir = s.dataDir;
            reconnectTimeoutMillis = s.reconnectTimeoutMillis;
            reconnectMaxAttempts = s.reconnectMaxAttempts;
            manualSwitchOnly = s.manualSwitchOnly;
            forceBackup = s.forceBackup;
            netTestHalts = s.netTestHalts;
            negotiation(s.negotiationTimeoutMillis, s.negotiationRetryMillis, s.negotiationMaxAttempts);
            startupMaxMillis = s.startupMaxMillis;
            peerQueryMillis = s.peerQueryMillis;
            discontinue(s.discontinueIntervalMillis, s.discontinueMaxAttempts);
            watchdogMillis = s.watchdogMillis;
            reconnectProbeMillis = s.reconnectProbeMillis;
            prepareTimeoutMillis = s.prepareTimeoutMillis;
            forwardTimeoutMillis = s.forwardTimeoutMillis;
            refusedConfirmMillis = s.refusedConfirmMillis;
        }

        /** Sets the letter; anything but A or B leaves the node unset, with the reason in {@code nodeError}. */
        Builder node(String text) {
            try {
                node = NodeId.parse(text);
                nodeError = "";
            } catch (IllegalArgumentException e) {
                node = null;
                nodeError = "configuration 'node' of PID " + NodeIdentity.PID + " must be A or B, got '"
                        + (text == null ? "" : text) + "': the roles cannot be determined";
            }
            return this;
        }

        Builder peerAddress(String v) { peerAddress = v; return this; }
        Builder dataDir(Path v) { dataDir = v; return this; }
        Builder reconnectTimeoutMillis(long v) { reconnectTimeoutMillis = v; return this; }
        Builder reconnectMaxAttempts(int v) { reconnectMaxAttempts = v; return this; }

        Builder negotiation(long timeoutMillis, long retryMillis, int maxAttempts) {
            negotiationTimeoutMillis = timeoutMillis;
            negotiationRetryMillis = retryMillis;
            negotiationMaxAttempts = maxAttempts;
            return this;
        }

        Builder manualSwitchOnly(boolean v) { manualSwitchOnly = v; return this; }
        Builder forceBackup(boolean v) { forceBackup = v; return this; }
        Builder netTestHalts(boolean v) { netTestHalts = v; return this; }
        Builder startupMaxMillis(long v) { startupMaxMillis = v; return this; }

        Builder discontinue(long intervalMillis, int maxAttempts) {
            discontinueIntervalMillis = intervalMillis;
            discontinueMaxAttempts = maxAttempts;
            return this;
        }

        /** Sets the release; blank means 1.0.0. */
        Builder version(String v) { version = v == null || v.isBlank() ? "1.0.0" : v.trim(); return this; }
        Builder peerQueryMillis(long v) { peerQueryMillis = v; return this; }
        Builder watchdogMillis(long v) { watchdogMillis = v; return this; }
        Builder reconnectProbeMillis(long v) { reconnectProbeMillis = v; return this; }
        Builder prepareTimeoutMillis(long v) { prepareTimeoutMillis = v; return this; }
        Builder forwardTimeoutMillis(long v) { forwardTimeoutMillis = v; return this; }
        Builder refusedConfirmMillis(long v) { refusedConfirmMillis = v; return this; }

        CoreSettings build() {
            return new CoreSettings(node, nodeError, version, peerAddress, dataDir, reconnectTimeoutMillis,
                    reconnectMaxAttempts, manualSwitchOnly, forceBackup, netTestHalts, negotiationTimeoutMillis,
                    negotiationRetryMillis, negotiationMaxAttempts, startupMaxMillis, peerQueryMillis,
                    discontinueIntervalMillis, discontinueMaxAttempts, watchdogMillis, reconnectProbeMillis,
                    prepareTimeoutMillis, forwardTimeoutMillis, refusedConfirmMillis);
        }
    }
}
