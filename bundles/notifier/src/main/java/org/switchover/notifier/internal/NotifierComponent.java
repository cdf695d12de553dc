package org.switchover.notifier.internal;

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
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.api.NodeIdentity;
import org.switchover.api.config.ConfigReader;
import org.switchover.api.ServerParameters;
import org.switchover.api.notifier.Link;
import org.switchover.api.notifier.LinkStatus;
import org.switchover.api.notifier.LinkStatusListener;
import org.switchover.api.notifier.Notifier;
import org.switchover.api.notifier.NotifierCounters;
import org.switchover.api.notifier.PeerHeartbeat;
import org.switchover.api.notifier.PendingRequest;
import org.switchover.api.notifier.RequestHandler;
import org.switchover.api.notifier.StreamListener;
import org.switchover.api.notifier.StreamPosition;
import org.switchover.api.notifier.StreamPublisher;
import org.switchover.api.notifier.StreamSubscription;
import org.switchover.api.time.Cancellable;
import org.switchover.api.time.SystemScheduler;

/**
 * The notifier as a DS component: builds the {@link NotifierSettings} from its own PID and the node's
 * {@link NodeIdentity}, owns the {@link NotifierEngine} and its scheduler thread, tracks the {@link RequestHandler}
 * and {@link LinkStatusListener} whiteboards, and applies changes of its PID live. A changed node identity
 * re-registers that service, which restarts this component with the new identity.
 */
@Component(name = NotifierComponent.PID, configurationPid = NotifierComponent.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        // immediate: the port must be listening (and the peer links open when so configured) from activation on,
        // not from the first use of the service
        immediate = true,
        service = {Notifier.class, NotifierCounters.class})
@Designate(ocd = NotifierComponent.Config.class)
public final class NotifierComponent implements Notifier, CountersView {

    /** The notifier's PID. */
    static final String PID = "org.switchover.notifier";

    private static final Logger LOG = LoggerFactory.getLogger(NotifierComponent.class);

    /** Notifier settings, PID {@code org.switchover.notifier}. */
    @ObjectClassDefinition(id = PID, name = "Switchover Notifier",
            description = "Node-to-node messaging: listener, main and auxiliary connections, mutual TLS, streams")
    public @interface Config {
        @AttributeDefinition(name = ServerParameters.SWITCHOVER_NOTIFIER_RECONNECT_DELAY, min = "5", max = "60",
                description = "Reconnect delay (s): wait before each new connection attempt")
        int switchover_notifier_reconnect_delay() default 5;

        @AttributeDefinition(name = "Max Frame Bytes", min = "65536", max = "1073741824",
                description = "Largest frame accepted (bytes); more than the largest message of"
                        + " any bundle (mirror sends file chunks of 1 MiB and batches of up to 4 MiB)")
        int max_frame_bytes() default 8388608;

        @AttributeDefinition(name = "Stream Backlog Size", min = "1", max = "10000000",
                description = "Stream backlog (messages) kept for followers that resume")
        int stream_backlog_size() default 100000;

        @AttributeDefinition(name = "Collect Request Counters", description = "Count requests received per event id")
        boolean collect$_$request$_$counters() default false;

        @AttributeDefinition(name = "Collect Error Counters", description = "Count protocol errors per type")
        boolean collect$_$error$_$counters() default false;

        @AttributeDefinition(name = "Collect ESP Error Counters",
                description = "Count error answers sent to the peer per original request type (event id)")
        boolean collect$_$esp$_$error$_$counters() default false;

        @AttributeDefinition(name = "TLS Keystore", description = "PKCS12 file with this node's key and chain (path)")
        String tls_keystore() default "${switchover.home}/etc/tls/node.p12";

        @AttributeDefinition(name = "TLS Keystore Password", type = AttributeType.PASSWORD)
        String tls_keystore_password() default "changeit";

        @AttributeDefinition(name = "TLS Truststore",
                description = "PKCS12 file with the server-group CA certificate only (path)")
        String tls_truststore() default "${switchover.home}/etc/tls/group-trust.p12";

        @AttributeDefinition(name = "TLS Truststore Password", type = AttributeType.PASSWORD)
        String tls_truststore_password() default "changeit";

        @AttributeDefinition(name = "Connect Timeout", min = "100", max = "600000",
                description = "TCP connect timeout (ms)")
        int connect_timeout_ms() default 3000;

        @AttributeDefinition(name = "Handler Threads", min = "1", max = "256",
                description = "Threads running request handlers (count)")
        int handler_threads() default 4;

        @AttributeDefinition(name = "Open Peer Links On Start",
                description = "Open the main and auxiliary connections at activation instead of when the node "
                        + "becomes backup")
        boolean peer_links_open_on_start() default false;

        @AttributeDefinition(name = "Max Connections Per Address", min = "2", max = "4096",
                description = "Connections (count) open at once from one source address, TLS handshake"
                        + " included; more are closed at once")
        int max_connections_per_address() default 16;

        @AttributeDefinition(name = "Max Connections Per Peer", min = "2", max = "4096",
                description = "Connections (count) open at once with one peer certificate (subject); more"
                        + " are closed right after the TLS handshake")
        int max_connections_per_peer() default 8;

        @AttributeDefinition(name = "Frame Timeout", min = "1000", max = "3600000",
                description = "Time (ms) a frame may stay half-received; then the connection is closed")
        int frame_timeout_ms() default 30000;

        @AttributeDefinition(name = "Output Pause Bytes", min = "65536", max = "1073741824",
                description = "Bytes waiting to be sent to a peer at which the notifier stops"
                        + " reading from it, until half of them are sent (a peer that does not read its replies"
                        + " cannot make it buffer more)")
        int output_pause_bytes() default 4194304;

        @AttributeDefinition(name = "Max Subscriptions", min = "1", max = "4096",
                description = "Distinct streams (count) one connection may follow; one more closes it")
        int max_subscriptions() default 64;

        @AttributeDefinition(name = "Heartbeat Interval", min = "0", max = "10000",
                description = "Heartbeat interval (ms): how often this node sends its peer an authenticated UDP"
                        + " heartbeat on the notifier's port number, keyed per main connection over TLS; they let the"
                        + " backup's monitors tell a stalled link from a stopped primary. 0 = off.")
        int heartbeat_interval_ms() default 0;

        @AttributeDefinition(name = "Heartbeat Timeout", min = "100", max = "600000",
                description = "Heartbeat timeout (ms): how long one heartbeat from the peer proves its process runs;"
                        + " while it does, the primary monitor does not count failed pings and the reconnect timer"
                        + " waits. Heartbeats only ever delay a verdict.")
        int heartbeat_timeout_ms() default 1000;

        @AttributeDefinition(name = "Heartbeat Stale", min = "10", max = "600000",
                description = "Heartbeat staleness (ms): a heartbeat delayed this much more than the fastest one"
                        + " under its key is rejected as stale.")
        int heartbeat_stale_ms() default 1000;

        @AttributeDefinition(name = "Heartbeat Max Rate", min = "10", max = "100000",
                description = "Heartbeat datagrams examined per second; more are dropped unread (a flood).")
        int heartbeat_max_rate() default 200;
    }

    private final HandlerRegistry handlers = new HandlerRegistry();
    private final List<LinkStatusListener> statusListeners = new CopyOnWriteArrayList<>();
    /** Static and mandatory: a new identity restarts the component. */
    @Reference
    private NodeIdentity identity;
    private SystemScheduler scheduler;
    private NotifierEngine engine;
    private Cancellable listenRetry;

    @Activate
    void activate(Map<String, Object> props) {
        NotifierSettings c = settings(props, identity, null);
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
        NotifierSettings c;
        try {
            c = settings(props, identity, engine.config());
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

    /** @return the settings of the notifier PID's properties and the node identity; see NotifierSettings#from */
    static NotifierSettings settings(Map<String, ?> props, NodeIdentity identity, NotifierSettings previous) {
        return NotifierSettings.from(new ConfigReader(Config.class, props, LOG::warn), identity, previous);
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

    @Override
    public PeerHeartbeat heartbeat() {
        return engine.heartbeat();
    }
}
