package org.switchover.monitor.primary.internal;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

import org.switchover.api.NodeId;
import org.switchover.api.NodeIdentity;

/** A node identity a test sets: node letter, host names and addresses of both members. */
final class TestIdentity implements NodeIdentity {

    private volatile NodeId node;
    private final Map<NodeId, String> hosts = new EnumMap<>(Map.of(NodeId.A, "localhost", NodeId.B, "localhost"));
    private final Map<NodeId, String> addresses = new EnumMap<>(Map.of(NodeId.A, "", NodeId.B, ""));

    TestIdentity(NodeId node) {
        this.node = node;
    }

    /** Node {@code node}; its peer answers at {@code peerAddress}. */
    static TestIdentity watching(NodeId node, String peerAddress) {
        return new TestIdentity(node).address(node.peer(), peerAddress);
    }

    synchronized TestIdentity node(NodeId n) {
        node = n;
        return this;
    }

    synchronized TestIdentity host(NodeId n, String host) {
        hosts.put(n, host);
        return this;
    }

    synchronized TestIdentity address(NodeId n, String address) {
        addresses.put(n, address);
        return this;
    }

    @Override
    public NodeId node() {
        return node;
    }

    @Override
    public synchronized String host(NodeId n) {
        return hosts.get(n);
    }

    @Override
    public synchronized String address(NodeId n) {
        return addresses.get(n);
    }

    @Override
    public int port(NodeId n) {
        return 0;
    }

    @Override
    public String release() {
        return "test";
    }

    @Override
    public Path dataDir() {
        return Path.of("target");
    }
}
