package org.switchover.notifier.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.api.NodeId;
import org.switchover.api.config.ConfigReader;
import org.switchover.api.ServerParameters;
import org.switchover.api.notifier.Link;
import org.switchover.api.notifier.LinkStatus;
import org.switchover.api.notifier.LinkStatusListener;
import org.switchover.api.notifier.Notifier;
import org.switchover.api.notifier.NotifierCounters;
import org.switchover.api.notifier.PendingRequest;
import org.switchover.api.notifier.RequestHandler;
import org.switchover.api.notifier.StreamListener;
import org.switchover.api.notifier.StreamPosition;
import org.switchover.api.notifier.StreamPublisher;
import org.switchover.api.notifier.StreamSubscription;
import org.switchover.api.time.Cancellable;
import org.switchover.api.time.SystemScheduler;

/**
 * The notifier as a DS component: maps configuration to a {@link NotifierConfig}, owns the {@link NotifierEngine}
 * and its scheduler thread, tracks the {@link RequestHandler} and {@link LinkStatusListener} whiteboards, and applies
 * configuration changes live.
 */
@Component(name = "org.switchover.notifier",
        configurationPid = {"org.switchover.node", "org.switchover.notifier"},
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        // immediate: the port must be listening (and the peer links open when so configured) from activation on,
        // not from the first use of the service
        immediate = true,
        service = {Notifier.class, NotifierCounters.class})
public final class NotifierComponent implements Notifier, CountersView {

    private static final Logger LOG = LoggerFactory.getLogger(NotifierComponent.class);

    /**
     * Node identity, PID {@code org.switchover.node}, shared with the other components of the node (its metatype is
     * designated by the bundle that owns node identity; this component only reads it).
     */
    public @interface Node {
        @AttributeDefinition(name = "Node", description = "This node's letter: A or B")
        String node() default "";

        @AttributeDefinition(name = ServerParameters.SWITCHOVERSERVER_A, description = "Host name of node A")
        String switchover_server_a() default "localhost";

        @AttributeDefinition(name = ServerParameters.SWITCHOVERSERVER_B, description = "Host name of node B")
        String switchover_server_b() default "localhost";

        @AttributeDefinition(name = ServerParameters.SERVER_A_ADDRESS, required = false,
                description = "IP address to bind/connect for A; empty = use the server name, bind all interfaces")
        String server_a_address() default "";

        @AttributeDefinition(name = ServerParameters.SERVER_B_ADDRESS, required = false,
                description = "IP address to bind/connect for B; empty = use the server name, bind all interfaces")
        String server_b_address() default "";

        @AttributeDefinition(name = "Switchover Port A", description = "Notifier / virtual-switch TCP port of A")
        int switchover_port_a() default Notifier.DEFAULT_PORT;

        @AttributeDefinition(name = "Switchover Port B", description = "Notifier / virtual-switch TCP port of B")
        int switchover_port_b() default Notifier.DEFAULT_PORT;

        @AttributeDefinition(name = "Switchover Version", description = "Release of this node, sent at logon")
        String switchover_version() default "1.0.0";
    }

    /** Notifier settings, PID {@code org.switchover.notifier}. */
    @ObjectClassDefinition(name = "Switchover Notifier", pid = "org.switchover.notifier",
            description = "Node-to-node messaging: listener, main and auxiliary connections, mutual TLS, streams")
    public @interface Config {
        @AttributeDefinition(name = ServerParameters.SWITCHOVER_NOTIFIER_RECONNECT_DELAY,
                description = "Reconnect delay (s), 5..60: wait before each new connection attempt")
        int switchover_notifier_reconnect_delay() default 5;

        @AttributeDefinition(name = "Max Frame Bytes", description = "Largest frame accepted (bytes)")
        int max_frame_bytes() default 16777216;

        @AttributeDefinition(name = "Stream Backlog Size",
                description = "Stream backlog (messages) kept for followers that resume")
        int stream_backlog_size() default 100000;

        @AttributeDefinition(name = "Collect Request Counters", description = "Count requests received per event id")
        boolean collect$_$request$_$counters() default false;

        @AttributeDefinition(name = "Collect Error Counters", description = "Count protocol errors per type")
        boolean collect$_$error$_$counters() default false;

        @AttributeDefinition(name = "TLS Keystore", description = "PKCS12 file with this node's key and chain (path)")
        String tls_keystore() default "${switchover.home}/etc/tls/node.p12";

        @AttributeDefinition(name = "TLS Keystore Password", type = AttributeType.PASSWORD)
        String tls_keystore_password() default "changeit";

        @AttributeDefinition(name = "TLS Truststore",
                description = "PKCS12 file with the server-group CA certificate only (path)")
        String tls_truststore() default "${switchover.home}/etc/tls/group-trust.p12";

        @AttributeDefinition(name = "TLS Truststore Password", type = AttributeType.PASSWORD)
        String tls_truststore_password() default "changeit";

        @AttributeDefinition(name = "Connect Timeout", description = "TCP connect timeout (ms)")
        int connect_timeout_ms() default 3000;

        @AttributeDefinition(name = "Handler Threads", description = "Threads running request handlers (count)")
        int handler_threads() default 4;

        @AttributeDefinition(name = "Open Peer Links On Start",
                description = "Open the main and auxiliary connections at activation instead of when the node "
                        + "becomes backup")
        boolean peer_links_open_on_start() default false;
    }

    private final HandlerRegistry handlers = new HandlerRegistry();
    private final List<LinkStatusListener> statusListeners = new CopyOnWriteArrayList<>();
    private SystemScheduler scheduler;
    private NotifierEngine engine;
    private Cancellable listenRetry;

    @Activate
    void activate(Map<String, Object> props) {
        NotifierConfig c = map(props, null);
        scheduler = new SystemScheduler("switchover-notifier-1");
        engine = new NotifierEngine(c, scheduler, handlers::lookup, this::statusChanged);
        try {
            engine.start();
        } catch (IllegalStateException e) {
            LOG.error("{}; retrying every {} s", e.getMessage(), c.reconnectDelay().toSeconds());
            scheduleListenRetry();
        }
    }

    @Modified
    void modified(Map<String, Object> props) {
        NotifierConfig c;
        try {
            c = map(props, engine.config());
        } catch (IllegalArgumentException e) {
            LOG.error("Notifier configuration refused, previous settings stay in force: {}", e.getMessage());
            return;
        }
        engine.reconfigure(c);
    }

    @Deactivate
    void deactivate() {
        synchronized (this) {
            if (listenRetry != null) {
                listenRetry.cancel();
            }
        }
        engine.close();
        scheduler.shutdown();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, service = RequestHandler.class)
    void bindHandler(RequestHandler h, Map<String, Object> props) {
        List<String> ids = HandlerRegistry.eventIds(props.get(RequestHandler.EVENT_ID));
        if (ids.isEmpty()) {
            LOG.warn("RequestHandler service {} has no {} property; it will not receive requests",
                    props.get(Constants.SERVICE_ID), RequestHandler.EVENT_ID);
        }
        handlers.put(serviceId(props), ranking(props), ids, h);
    }

    void updatedHandler(RequestHandler h, Map<String, Object> props) {
        bindHandler(h, props);
    }

    void unbindHandler(RequestHandler h, Map<String, Object> props) {
        handlers.remove(serviceId(props));
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, service = LinkStatusListener.class)
    void bindStatusListener(LinkStatusListener l) {
        statusListeners.add(l);
    }

    void unbindStatusListener(LinkStatusListener l) {
        statusListeners.remove(l);
    }

    private void statusChanged(LinkStatus s) {
        for (LinkStatusListener l : statusListeners) {
            try {
                l.statusChanged(s);
            } catch (RuntimeException e) {
                LOG.error("LinkStatusListener {} failed on {}", l, s, e);
            }
        }
    }

    private synchronized void scheduleListenRetry() {
        listenRetry = scheduler.schedule(() -> {
            try {
                engine.start();
                LOG.info("Notifier is listening now on {}", engine.listenAddress());
            } catch (IllegalStateException e) {
                LOG.error("{}; retrying in {} s", e.getMessage(), engine.reconnectDelay().toSeconds());
                scheduleListenRetry();
            }
        }, engine.reconnectDelay().toMillis());
    }

    /**
     * Maps the raw configuration (both PIDs merged) to the engine's. Numbers out of the documented range are clamped
     * with a WARN naming the parameter; a malformed value is named in a WARN and the previous value (the default at
     * activation) is kept.
     *
     * @param props the component properties
     * @param previous the configuration in force, or null at activation
     * @throws IllegalArgumentException naming the problem when the node letter is not A or B
     */
    static NotifierConfig map(Map<String, ?> props, NotifierConfig previous) {
        ConfigReader n = new ConfigReader(Node.class, props, LOG::warn);
        ConfigReader c = new ConfigReader(Config.class, props, LOG::warn);
        NotifierConfig was = previous != null ? previous : NotifierConfig.builder().build();
        NodeId node = NodeId.parse(n.text("node"));
        int delay = c.integer("switchover_notifier_reconnect_delay",
                ServerParameters.SWITCHOVER_NOTIFIER_RECONNECT_DELAY, (int) was.reconnectDelay().toSeconds(), 5, 60);
        return NotifierConfig.builder()
                .node(node)
                .serverA(n.text("switchover_server_a"))
                .serverB(n.text("switchover_server_b"))
                .addressA(n.text("server_a_address"))
                .addressB(n.text("server_b_address"))
                .portA(port(n, "switchover_port_a", was.portA()))
                .portB(port(n, "switchover_port_b", was.portB()))
                .version(n.text("switchover_version"))
                .reconnectDelay(Duration.ofSeconds(delay))
                .maxFrameBytes(c.integer("max_frame_bytes", "max.frame.bytes", was.maxFrameBytes(), 4096, 1 << 30))
                .streamBacklogSize(c.integer("stream_backlog_size", "stream.backlog.size", was.streamBacklogSize(),
                        1, 10_000_000))
                .collectRequestCounters(c.bool("collect$_$request$_$counters", "collect-request-counters",
                        was.collectRequestCounters()))
                .collectErrorCounters(c.bool("collect$_$error$_$counters", "collect-error-counters",
                        was.collectErrorCounters()))
                .keystore(Path.of(expand(c.text("tls_keystore"))))
                .keystorePassword(c.text("tls_keystore_password"))
                .truststore(Path.of(expand(c.text("tls_truststore"))))
                .truststorePassword(c.text("tls_truststore_password"))
                .connectTimeout(Duration.ofMillis(c.integer("connect_timeout_ms", "connect.timeout.ms",
                        (int) was.connectTimeout().toMillis(), 100, 600_000)))
                .handlerThreads(c.integer("handler_threads", "handler.threads", was.handlerThreads(), 1, 256))
                .peerLinksOpenOnStart(c.bool("peer_links_open_on_start", "peer.links.open.on.start",
                        was.peerLinksOpenOnStart()))
                .build();
    }

    /** A TCP port 1..65535; anything else is named in a WARN and the previous port is kept (never bind port 1). */
    private static int port(ConfigReader r, String method, int previous) {
        String key = ConfigReader.key(method);
        long p = r.number(method, key, previous, Long.MIN_VALUE, Long.MAX_VALUE);
        if (p < 1 || p > 65535) {
            LOG.warn("Parameter '{}': {} is not a TCP port (1..65535); keeping {}", key, p, previous);
            return previous;
        }
        return (int) p;
    }

    /**
     * Expands {@code ${name}} from system properties, then the environment ({@code switchover.home} also from
     * {@code SWITCHOVER_HOME}); an unknown name stays as written, so the error about the file names it.
     */
    static String expand(String text) {
        return ConfigReader.expand(text, ConfigReader::systemValue);
    }

    private static long serviceId(Map<String, Object> props) {
        Object id = props.get(Constants.SERVICE_ID);
        return id instanceof Number n ? n.longValue() : System.identityHashCode(props);
    }

    private static int ranking(Map<String, Object> props) {
        Object r = props.get(Constants.SERVICE_RANKING);
        return r instanceof Integer i ? i : 0;
    }

    // ------------------------------------------------------------------ delegation

    @Override
    public String listenAddress() {
        return engine.listenAddress();
    }

    @Override
    public PendingRequest send(Link link, String objectId, String eventId, byte[] payload, Duration timeout) {
        return engine.send(link, objectId, eventId, payload, timeout);
    }

    @Override
    public PendingRequest sendOnce(String objectId, String eventId, byte[] payload, Duration timeout) {
        return engine.sendOnce(objectId, eventId, payload, timeout);
    }

    @Override
    public Duration reconnectDelay() {
        return engine.reconnectDelay();
    }

    @Override
    public LinkStatus status(Link link) {
        return engine.status(link);
    }

    @Override
    public void openPeerLinks() {
        engine.openPeerLinks();
    }

    @Override
    public void closePeerLinks() {
        engine.closePeerLinks();
    }

    @Override
    public boolean peerLinksOpen() {
        return engine.peerLinksOpen();
    }

    @Override
    public StreamPublisher publish(String stream, String replicationId) {
        return engine.publish(stream, replicationId);
    }

    @Override
    public StreamSubscription follow(String stream, StreamPosition from, StreamListener listener) {
        return engine.follow(stream, from, listener);
    }

    @Override
    public NotifierCounters counters() {
        return engine.counters();
    }
}
