package org.switchover.core.internal;

import java.nio.file.Path;

import org.switchover.api.NodeId;

/**
 * Everything the state machine is configured with, as one immutable value. Built by the DS component from the
 * {@code org.switchover.node} and {@code org.switchover.core} configurations (already clamped), or by tests.
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
        long forwardTimeoutMillis) {

    /** @return the settings every parameter at its default, for node {@code node} ("A", "B" or anything else). */
    static Builder builder(String node, Path dataDir) {
        return new Builder(node, dataDir);
    }

    /** @return a builder starting from these settings. */
    Builder toBuilder() {
        Builder b = new Builder(node == null ? "" : node.name(), dataDir);
        b.nodeError = nodeError;
        b.version = version;
        b.peerAddress = peerAddress;
        b.reconnectTimeoutMillis = reconnectTimeoutMillis;
        b.reconnectMaxAttempts = reconnectMaxAttempts;
        b.manualSwitchOnly = manualSwitchOnly;
        b.forceBackup = forceBackup;
        b.netTestHalts = netTestHalts;
        b.negotiationTimeoutMillis = negotiationTimeoutMillis;
        b.negotiationRetryMillis = negotiationRetryMillis;
        b.negotiationMaxAttempts = negotiationMaxAttempts;
        b.startupMaxMillis = startupMaxMillis;
        b.peerQueryMillis = peerQueryMillis;
        b.discontinueIntervalMillis = discontinueIntervalMillis;
        b.discontinueMaxAttempts = discontinueMaxAttempts;
        b.watchdogMillis = watchdogMillis;
        b.reconnectProbeMillis = reconnectProbeMillis;
        b.prepareTimeoutMillis = prepareTimeoutMillis;
        b.forwardTimeoutMillis = forwardTimeoutMillis;
        return b;
    }

    /** Mutable builder; defaults are the documented ones. */
    static final class Builder {
        private NodeId node;
        private String nodeError = "";
        private String version = "1.0.0";
        private String peerAddress = "";
        private Path dataDir;
        private long reconnectTimeoutMillis = 30_000L;
        private int reconnectMaxAttempts;
        private boolean manualSwitchOnly;
        private boolean forceBackup;
        private boolean netTestHalts = true;
        private long negotiationTimeoutMillis = 10_000L;
        private long negotiationRetryMillis = 1_000L;
        private int negotiationMaxAttempts = 10;
        private long startupMaxMillis = 600_000L;
        private long peerQueryMillis = 3_000L;
        private long discontinueIntervalMillis = 1_000L;
        private int discontinueMaxAttempts = 600;
        private long watchdogMillis = 5_000L;
        private long reconnectProbeMillis = 2_000L;
        private long prepareTimeoutMillis = 5_000L;
        private long forwardTimeoutMillis = 30_000L;

        private Builder(String node, Path dataDir) {
            node(node);
            this.dataDir = dataDir;
        }

        Builder node(String text) {
            try {
                node = NodeId.parse(text);
                nodeError = "";
            } catch (IllegalArgumentException e) {
                node = null;
                nodeError = "configuration 'node' of PID org.switchover.node must be A or B, got '"
                        + (text == null ? "" : text) + "': the roles cannot be determined";
            }
            return this;
        }

        Builder version(String v) {
            version = v == null || v.isBlank() ? "1.0.0" : v.trim();
            return this;
        }

        Builder peerAddress(String v) {
            peerAddress = v;
            return this;
        }

        Builder dataDir(Path v) {
            dataDir = v;
            return this;
        }

        Builder reconnectTimeoutMillis(long v) {
            reconnectTimeoutMillis = v;
            return this;
        }

        Builder reconnectMaxAttempts(int v) {
            reconnectMaxAttempts = v;
            return this;
        }

        Builder manualSwitchOnly(boolean v) {
            manualSwitchOnly = v;
            return this;
        }

        Builder forceBackup(boolean v) {
            forceBackup = v;
            return this;
        }

        Builder netTestHalts(boolean v) {
            netTestHalts = v;
            return this;
        }

        Builder negotiation(long timeoutMillis, long retryMillis, int maxAttempts) {
            negotiationTimeoutMillis = timeoutMillis;
            negotiationRetryMillis = retryMillis;
            negotiationMaxAttempts = maxAttempts;
            return this;
        }

        Builder startupMaxMillis(long v) {
            startupMaxMillis = v;
            return this;
        }

        Builder peerQueryMillis(long v) {
            peerQueryMillis = v;
            return this;
        }

        Builder discontinue(long intervalMillis, int maxAttempts) {
            discontinueIntervalMillis = intervalMillis;
            discontinueMaxAttempts = maxAttempts;
            return this;
        }

        Builder watchdogMillis(long v) {
            watchdogMillis = v;
            return this;
        }

        Builder reconnectProbeMillis(long v) {
            reconnectProbeMillis = v;
            return this;
        }

        Builder prepareTimeoutMillis(long v) {
            prepareTimeoutMillis = v;
            return this;
        }

        Builder forwardTimeoutMillis(long v) {
            forwardTimeoutMillis = v;
            return this;
        }

        CoreSettings build() {
            return new CoreSettings(node, nodeError, version, peerAddress, dataDir, reconnectTimeoutMillis,
                    reconnectMaxAttempts, manualSwitchOnly, forceBackup, netTestHalts, negotiationTimeoutMillis,
                    negotiationRetryMillis, negotiationMaxAttempts, startupMaxMillis, peerQueryMillis,
                    discontinueIntervalMillis, discontinueMaxAttempts, watchdogMillis, reconnectProbeMillis,
                    prepareTimeoutMillis, forwardTimeoutMillis);
        }
    }
}
