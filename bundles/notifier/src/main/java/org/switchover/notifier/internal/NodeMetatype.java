package org.switchover.notifier.internal;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;
import org.switchover.api.ServerParameters;
import org.switchover.api.notifier.Notifier;

/**
 * Carries the metatype of the shared node-identity PID {@code org.switchover.node}. Every component that reads that
 * PID (notifier, core, both monitors) takes it next to its own PID, and bnd accepts {@code @Designate} only on a
 * component with exactly one PID, so this empty single-PID component designates {@link Config} for it.
 *
 * <p>It lives in the notifier bundle because every node runs the notifier and the notifier is the first reader of
 * the identity (bind address, ports, peer names, release sent at logon). The readers keep their own defaults; the
 * ones below are the same values.
 */
@Component(name = NodeMetatype.PID + ".metatype", configurationPid = NodeMetatype.PID, service = {})
@Designate(ocd = NodeMetatype.Config.class)
public final class NodeMetatype {

    /** The node-identity PID shared by the switchover components. */
    public static final String PID = "org.switchover.node";

    /** Identity of this node and of the pair; both nodes carry the same values except {@code node}. */
    @ObjectClassDefinition(id = PID, name = "Switchover Node",
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
                description = "Notifier / virtual-switch TCP port of node A (1-65535).")
        int switchover_port_a() default Notifier.DEFAULT_PORT;

        @AttributeDefinition(name = "Switchover Port B", min = "1", max = "65535",
                description = "Notifier / virtual-switch TCP port of node B (1-65535).")
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
}
