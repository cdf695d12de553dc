package org.switchover.notifier.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

import org.switchover.api.NodeId;
import org.switchover.api.NodeIdentity;
import org.switchover.api.config.ConfigReader;

/**
 * Everything the {@link NotifierEngine} needs to know, as one immutable value. The OSGi component builds it with
 * {@link #from} from the node's {@link NodeIdentity} and its own {@code org.switchover.notifier} configuration
 * (clamping documented ranges); a plain-JVM harness builds it with {@link #builder()}. No range checks here beyond what would break the engine,
 * so tests may use short delays.
 *
 * @param node this node's letter
 * @param serverA host name of A ({@code switchover.server.a})
 * @param serverB host name of B ({@code switchover.server.b})
 * @param addressA IP of A ({@code server.a.address}), empty = use the host name / bind all interfaces
 * @param addressB IP of B ({@code server.b.address}), empty likewise
 * @param portA notifier port of A; 0 binds an ephemeral port (tests)
 * @param portB notifier port of B
 * @param version this node's release, sent in the logon
 * @param reconnectDelay wait between connection attempts
 * @param maxFrameBytes largest frame accepted (length field value)
 * @param streamBacklogSize messages a publisher keeps for resuming followers
 * @param collectRequestCounters request KPI family on
 * @param collectErrorCounters protocol-error KPI family on
 * @param collectEspErrorCounters KPI family of error answers per original request type on
 * @param keystore PKCS12 with this node's key and chain
 * @param keystorePassword its password
 * @param truststore PKCS12 with the server-group CA certificate only
 * @param truststorePassword its password
 * @param connectTimeout TCP connect timeout; also bounds the TLS handshake and the logon
 * @param handlerThreads size of the request-handler pool
 * @param peerLinksOpenOnStart open the peer links when the engine starts
 * @param limits what one peer may cost (connections, half-received frames, unread output, subscriptions)
 * @param heartbeats the UDP heartbeats beside the links (off by default)
 */
public record NotifierSettings(NodeId node, String serverA, String serverB, String addressA, String addressB,
                             int portA, int portB, String version, Duration reconnectDelay, int maxFrameBytes,
                             int streamBacklogSize, boolean collectRequestCounters, boolean collectErrorCounters,
                             boolean collectEspErrorCounters, Path keystore, String keystorePassword, Path truststore,
                             String truststorePassword, Duration connectTimeout, int handlerThreads,
                             boolean peerLinksOpenOnStart, Limits limits, HeartbeatSettings heartbeats) {

    /** Checks what would otherwise break the engine. */
    public NotifierSettings {
        Objects.requireNonNull(node, "node");
        serverA = blankToDefault(serverA, "localhost");
        serverB = blankToDefault(serverB, "localhost");
        addressA = addressA == null ? "" : addressA.trim();
        addressB = addressB == null ? "" : addressB.trim();
        version = blankToDefault(version, "1.0.0");
        checkPort("switchover.port.a", portA);
        checkPort("switchover.port.b", portB);
        Objects.requireNonNull(reconnectDelay, "reconnectDelay");
        if (reconnectDelay.isNegative()) {
            throw new IllegalArgumentException("reconnect delay must not be negative: " + reconnectDelay);
        }
        if (maxFrameBytes < 64) {
            throw new IllegalArgumentException("max.frame.bytes must be at least 64, got " + maxFrameBytes);
        }
        if (streamBacklogSize < 1) {
            throw new IllegalArgumentException("stream.backlog.size must be at least 1, got " + streamBacklogSize);
        }
        Objects.requireNonNull(keystore, "keystore");
        Objects.requireNonNull(truststore, "truststore");
        keystorePassword = keystorePassword == null ? "" : keystorePassword;
        truststorePassword = truststorePassword == null ? "" : truststorePassword;
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connect.timeout.ms must be positive, got " + connectTimeout);
        }
        if (handlerThreads < 1) {
            throw new IllegalArgumentException("handler.threads must be at least 1, got " + handlerThreads);
        }
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(heartbeats, "heartbeats");
    }

    /**
     * The settings of the notifier PID (read with the ranges and names of {@link NotifierComponent.Config}) and the
     * node identity. A number out of its documented range is clamped with a WARN naming the parameter; a malformed
     * value is named in a WARN and the previous value (the default at activation) is kept.
     *
     * @param c reader over the notifier PID's properties
     * @param identity this node's identity
     * @param previous the settings in force, or null at activation
     * @return the settings
     */
    static NotifierSettings from(ConfigReader c, NodeIdentity identity, NotifierSettings previous) {
        NotifierSettings was = previous != null ? previous : builder().build();
        return builder()
                .node(identity.node())
                .serverA(identity.host(NodeId.A))
                .serverB(identity.host(NodeId.B))
                .addressA(identity.address(NodeId.A))
                .addressB(identity.address(NodeId.B))
                .portA(identity.port(NodeId.A))
                .portB(identity.port(NodeId.B))
                .version(identity.release())
                .reconnectDelay(Duration.ofSeconds(c.integer("switchover_notifier_reconnect_delay",
                        (int) was.reconnectDelay().toSeconds())))
                .maxFrameBytes(c.integer("max_frame_bytes", was.maxFrameBytes()))
                .streamBacklogSize(c.integer("stream_backlog_size", was.streamBacklogSize()))
                .collectRequestCounters(c.bool("collect$_$request$_$counters", was.collectRequestCounters()))
                .collectErrorCounters(c.bool("collect$_$error$_$counters", was.collectErrorCounters()))
                .collectEspErrorCounters(c.bool("collect$_$esp$_$error$_$counters", was.collectEspErrorCounters()))
                .keystore(Path.of(expand(c.text("tls_keystore"))))
                .keystorePassword(c.text("tls_keystore_password"))
                .truststore(Path.of(expand(c.text("tls_truststore"))))
                .truststorePassword(c.text("tls_truststore_password"))
                .connectTimeout(Duration.ofMillis(c.integer("connect_timeout_ms",
                        (int) was.connectTimeout().toMillis())))
                .handlerThreads(c.integer("handler_threads", was.handlerThreads()))
                .peerLinksOpenOnStart(c.bool("peer_links_open_on_start", was.peerLinksOpenOnStart()))
                .limits(new Limits(c.integer("max_connections_per_address", was.limits().connectionsPerAddress()),
                        c.integer("max_connections_per_peer", was.limits().connectionsPerPeer()),
                        Duration.ofMillis(c.integer("frame_timeout_ms", (int) was.limits().frameTimeout().toMillis())),
                        c.integer("output_pause_bytes", was.limits().outputPauseBytes()),
                        c.integer("max_subscriptions", was.limits().subscriptionsPerConnection())))
                .heartbeats(new HeartbeatSettings(c.integer("heartbeat_interval_ms", was.heartbeats().intervalMillis()),
                        c.integer("heartbeat_timeout_ms", was.heartbeats().timeoutMillis()),
                        c.integer("heartbeat_stale_ms", was.heartbeats().staleMillis()),
                        c.integer("heartbeat_max_rate", was.heartbeats().maxPerSecond())))
                .build();
    }

    /**
     * Expands {@code ${name}} from system properties, then the environment ({@code switchover.home} also from
     * {@code SWITCHOVER_HOME}); an unknown name stays as written, so the error about the file names it.
     */
    static String expand(String text) {
        return ConfigReader.expand(text, ConfigReader::systemValue);
    }

    /** @return the host this node binds to, or null for all interfaces. */
    public String listenHost() {
        String a = node == NodeId.A ? addressA : addressB;
        return a.isEmpty() ? null : a;
    }

    /** @return the port this node listens on. */
    public int listenPort() {
        return node == NodeId.A ? portA : portB;
    }

    /** @return the host to connect to for the peer: its address when set, else its server name. */
    public String peerHost() {
        NodeId p = node.peer();
        String address = p == NodeId.A ? addressA : addressB;
        return address.isEmpty() ? (p == NodeId.A ? serverA : serverB) : address;
    }

    /** @return the peer's notifier port. */
    public int peerPort() {
        return node.peer() == NodeId.A ? portA : portB;
    }

    /** @return {@code peerHost():peerPort()}. */
    public String peerAddress() {
        return peerHost() + ":" + peerPort();
    }

    /** @return a builder preset with this configuration. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** @return a builder with the documented defaults (node A, ports 3633, TLS files under the working dir). */
    public static Builder builder() {
        return new Builder();
    }

    private static String blankToDefault(String s, String dflt) {
        return s == null || s.isBlank() ? dflt : s.trim();
    }

    private static void checkPort(String name, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(name + " must be 0..65535, got " + port);
        }
    }

    /** Mutable builder; every setter returns the builder. */
    public static final class Builder {
        private NodeId node = NodeId.A;
        private String serverA = "localhost";
        private String serverB = "localhost";
        private String addressA = "";
        private String addressB = "";
        private int portA = 3633;
        private int portB = 3633;
        private String version = "1.0.0";
        private Duration reconnectDelay = Duration.ofSeconds(5);
        private int maxFrameBytes = 8 * 1024 * 1024;
        private int streamBacklogSize = 100_000;
        private boolean collectRequestCounters;
        private boolean collectErrorCounters;
        private boolean collectEspErrorCounters;
        private Path keystore = Path.of("etc", "tls", "node.p12");
        private String keystorePassword = "changeit";
        private Path truststore = Path.of("etc", "tls", "group-trust.p12");
        private String truststorePassword = "changeit";
        private Duration connectTimeout = Duration.ofMillis(3000);
        private int handlerThreads = 4;
        private boolean peerLinksOpenOnStart;
        private Limits limits = Limits.DEFAULT;
        private HeartbeatSettings heartbeats = HeartbeatSettings.DEFAULT;

        Builder() {
        }

        Builder(NotifierSettings c) {
            node = c.node;
            serverA = c.serverA;
            serverB = c.serverB;
            addressA = c.addressA;
            addressB = c.addressB;
            portA = c.portA;
            portB = c.portB;
            version = c.version;
            reconnectDelay = c.reconnectDelay;
            maxFrameBytes = c.maxFrameBytes;
            streamBacklogSize = c.streamBacklogSize;
            collectRequestCounters = c.collectRequestCounters;
            collectErrorCounters = c.collectErrorCounters;
            collectEspErrorCounters = c.collectEspErrorCounters;
            keystore = c.keystore;
            keystorePassword = c.keystorePassword;
            truststore = c.truststore;
            truststorePassword = c.truststorePassword;
            connectTimeout = c.connectTimeout;
            handlerThreads = c.handlerThreads;
            peerLinksOpenOnStart = c.peerLinksOpenOnStart;
            limits = c.limits;
            heartbeats = c.heartbeats;
        }

        public Builder node(NodeId v) {
            node = v;
            return this;
        }

        public Builder serverA(String v) {
            serverA = v;
            return this;
        }

        public Builder serverB(String v) {
            serverB = v;
            return this;
        }

        public Builder addressA(String v) {
            addressA = v;
            return this;
        }

        public Builder addressB(String v) {
            addressB = v;
            return this;
        }

        public Builder portA(int v) {
            portA = v;
            return this;
        }

        public Builder portB(int v) {
            portB = v;
            return this;
        }

        public Builder version(String v) {
            version = v;
            return this;
        }

        public Builder reconnectDelay(Duration v) {
            reconnectDelay = v;
            return this;
        }

        public Builder maxFrameBytes(int v) {
            maxFrameBytes = v;
            return this;
        }

        public Builder streamBacklogSize(int v) {
            streamBacklogSize = v;
            return this;
        }

        public Builder collectRequestCounters(boolean v) {
            collectRequestCounters = v;
            return this;
        }

        public Builder collectErrorCounters(boolean v) {
            collectErrorCounters = v;
            return this;
        }

        public Builder collectEspErrorCounters(boolean v) {
            collectEspErrorCounters = v;
            return this;
        }

        public Builder keystore(Path v) {
            keystore = v;
            return this;
        }

        public Builder keystorePassword(String v) {
            keystorePassword = v;
            return this;
        }

        public Builder truststore(Path v) {
            truststore = v;
            return this;
        }

        public Builder truststorePassword(String v) {
            truststorePassword = v;
            return this;
        }

        public Builder connectTimeout(Duration v) {
            connectTimeout = v;
            return this;
        }

        public Builder handlerThreads(int v) {
            handlerThreads = v;
            return this;
        }

        public Builder peerLinksOpenOnStart(boolean v) {
            peerLinksOpenOnStart = v;
            return this;
        }

        public Builder limits(Limits v) {
            limits = v;
            return this;
        }

        public Builder heartbeats(HeartbeatSettings v) {
            heartbeats = v;
            return this;
        }

        /** @return the configuration; IllegalArgumentException when a value would break the engine */
        public NotifierSettings build() {
            return new NotifierSettings(node, serverA, serverB, addressA, addressB, portA, portB, version,
                    reconnectDelay, maxFrameBytes, streamBacklogSize, collectRequestCounters, collectErrorCounters,
                    collectEspErrorCounters, keystore, keystorePassword, truststore, truststorePassword,
                    connectTimeout, handlerThreads, peerLinksOpenOnStart, limits, heartbeats);
        }
    }
}
