package org.switchover.api;

import java.nio.file.Path;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Who this node is and where its pair lives: the node letter, both members' host names, addresses and ports, this
 * node's release and data directory. Published as a service by one component that reads the node PID
 * ({@value #PID}); every other component takes its identity from this service instead of reading that PID. The
 * service exists only while the node PID names a valid letter: a node without it takes no role.
 */
@ProviderType
public interface NodeIdentity {

    /** The node-identity PID; the same on both nodes except {@code node}. */
    String PID = "org.switchover.node";

    /** @return this node's letter */
    NodeId node();

    /** @return the other member's letter */
    default NodeId peer() {
        return node().peer();
    }

    /** @return the host name of {@code n} ({@code SwitchoverServer A/B}) */
    String host(NodeId n);

    /** @return the IP address for {@code n}'s switchover traffic ({@code Server A/B Address}), "" when none is set */
    String address(NodeId n);

    /** @return the notifier / virtual-switch TCP port of {@code n} */
    int port(NodeId n);

    /** @return the address to connect to {@code n}: its address when set, else its host name */
    default String connectAddress(NodeId n) {
        String a = address(n);
        return a.isEmpty() ? host(n) : a;
    }

    /** @return this node's release ({@code Switchover Version}), compared with the peer's for the upgrade states */
    String release();

    /** @return this node's data directory (absolute, normalised): epoch, control token, stores, positions */
    Path dataDir();
}
