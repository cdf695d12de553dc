package org.switchover.notifier.internal;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.api.NodeId;
import org.switchover.api.NodeIdentity;
import org.switchover.api.ServerParameters;
import org.switchover.api.config.ConfigReader;
import org.switchover.api.notifier.Notifier;

/**
 * Publishes this node's {@link NodeIdentity} from the node PID: the one place that reads it. It lives in the notifier
 * bundle because every node runs the notifier and the notifier is the first user of the identity (bind address,
 * ports, peer names, release sent at logon). Without a valid node letter there is no service, so nothing that needs
 * the identity starts: a node without it takes no role. A changed identity re-registers the service, which restarts
 * its users.
 */
@Component(name = NodeIdentity.PID, configurationPid = NodeIdentity.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = NodeIdentityComponent.Config.class)
public final class NodeIdentityComponent implements NodeIdentity {

    private static final Logger LOG = LoggerFactory.getLogger(NodeIdentityComponent.class);

    /** Identity of this node and of the pair; both nodes carry the same values except {@code node}. */
    @ObjectClassDefinition(id = NodeIdentity.PID, name = "Switchover Node",
            description = "Identity of this node and of the pair. Both nodes of a pair carry the same values except"
                    + " 'Node'.")
    public @interface Config {

        @AttributeDefinition(name = "Node",
                description = "This node's letter (A or B). Required: a node without it takes no role.",
                options = {@Option(label = "A", value = "A"), @Option(label = "B", value = "B")})
        String node();

        @AttributeDefinition(name = ServerParameters.SWITCHOVERSERVER_A,
                description = "Host name of node A (the node meant to be primary first); the same on both nodes.")
        String switchover_server_a() default "localhost";

        @AttributeDefinition(name = ServerParameters.SWITCHOVERSERVER_B,
                description = "Host name of node B (the node meant to be backup first); the same on both nodes.")
        String switchover_server_b() default "localhost";

        @AttributeDefinition(name = ServerParameters.SERVER_A_ADDRESS, required = false,
                description = "IP address for node A's switchover traffic (bind on A, connect to A). Empty = use"
                        + " SwitchoverServer A to connect and bind all interfaces.")
        String server_a_address() default "";

        @AttributeDefinition(name = ServerParameters.SERVER_B_ADDRESS, required = false,
                description = "IP address for node B's switchover traffic (bind on B, connect to B). Empty = use"
                        + " SwitchoverServer B to connect and bind all interfaces.")
        String server_b_address() default "";

        @AttributeDefinition(name = "Switchover Port A", min = "1", max = "65535",
                description = "Notifier / virtual-switch TCP port of node A.")
        int switchover_port_a() default Notifier.DEFAULT_PORT;

        @AttributeDefinition(name = "Switchover Port B", min = "1", max = "65535",
                description = "Notifier / virtual-switch TCP port of node B.")
        int switchover_port_b() default Notifier.DEFAULT_PORT;

        @AttributeDefinition(name = "Data Directory",
                description = "Directory of this node's data: epoch, control token, stores and mirrors (path;"
                        + " ${switchover.home} is the node directory). A change applies at the next start unless"
                        + " the node has no role yet.")
        String data_dir() default "${switchover.home}/data";

        @AttributeDefinition(name = "Switchover Version",
                description = "Release of this node, compared with the peer's to choose the upgrade states.")
        String switchover_version() default "1.0.0";
    }

    private final NodeId node;
    private final Map<NodeId, String> hosts = new EnumMap<>(NodeId.class);
    private final Map<NodeId, String> addresses = new EnumMap<>(NodeId.class);
    private final Map<NodeId, Integer> ports = new EnumMap<>(NodeId.class);
    private final String release;
    private final Path dataDir;

    /**
     * @param context for the framework properties that {@code data.dir} may use ({@code ${switchover.home}})
     * @param props the node PID's properties
     * @throws IllegalArgumentException naming the bad value when the node letter is missing or wrong
     */
    @Activate
    public NodeIdentityComponent(BundleContext context, Map<String, Object> props) {
        this(props, key -> {
            String v = context.getProperty(key);
            return v != null ? v : ConfigReader.systemValue(key);
        });
    }

    NodeIdentityComponent(Map<String, ?> props, Function<String, String> lookup) {
        Consumer<String> warn = LOG::warn;
        ConfigReader r = new ConfigReader(Config.class, props, warn);
        String letter = r.isSet("node") ? r.text("node") : "";
        try {
            node = NodeId.parse(letter);
        } catch (IllegalArgumentException e) {
            LOG.error("Node identity ({}): 'node' must be A or B, got '{}'; this node takes no role until it is set",
                    NodeIdentity.PID, letter);
            throw e;
        }
        hosts.put(NodeId.A, r.text("switchover_server_a"));
        hosts.put(NodeId.B, r.text("switchover_server_b"));
        addresses.put(NodeId.A, r.text("server_a_address"));
        addresses.put(NodeId.B, r.text("server_b_address"));
        ports.put(NodeId.A, port(r, "switchover_port_a"));
        ports.put(NodeId.B, port(r, "switchover_port_b"));
        release = r.text("switchover_version");
        dataDir = ConfigReader.dataDir(r.text("data_dir"), lookup, warn);
        LOG.info("Node identity: node {}, A {}:{}, B {}:{}, release {}, data {}", node, connectAddress(NodeId.A),
                ports.get(NodeId.A), connectAddress(NodeId.B), ports.get(NodeId.B), release, dataDir);
    }

    /**
     * A port above the range is clamped like any number; one below 1 is no port at all and clamping it would bind
     * port 1, so it is named in a WARN and the default port is used.
     */
    private static int port(ConfigReader r, String method) {
        String key = ConfigReader.key(method);
        long p = r.number(method, key, Notifier.DEFAULT_PORT, Long.MIN_VALUE, Long.MAX_VALUE);
        if (p < 1) {
            LOG.warn("Parameter '{}': {} is not a TCP port (1..65535); using {}", key, p, Notifier.DEFAULT_PORT);
            return Notifier.DEFAULT_PORT;
        }
        return r.integer(method, Notifier.DEFAULT_PORT);
    }

    @Override
    public NodeId node() {
        return node;
    }

    @Override
    public String host(NodeId n) {
        return hosts.get(n);
    }

    @Override
    public String address(NodeId n) {
        return addresses.get(n);
    }

    @Override
    public int port(NodeId n) {
        return ports.get(n);
    }

    @Override
    public String release() {
        return release;
    }

    @Override
    public Path dataDir() {
        return dataDir;
    }
}
