package org.switchover.notifier.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.api.NodeId;
import org.switchover.api.notifier.ConnectionStatus;
import org.switchover.api.notifier.Link;

/**
 * The accepting side of the logon: checks the HELLO of an inbound connection, keeps the peer's logged-on MAIN and
 * AUX connections, and logs and counts refusals, authentication failures and protocol errors. Thread-safe.
 */
final class LogonGate {

    private static final Logger LOG = LoggerFactory.getLogger(LogonGate.class);

    private final Supplier<NotifierSettings> config;
    private final Counters counters;
    private final StatusBoard board;
    private final Map<Link, Connection> inbound = new ConcurrentHashMap<>();

    LogonGate(Supplier<NotifierSettings> config, Counters counters, StatusBoard board) {
        this.config = config;
        this.counters = counters;
        this.board = board;
    }

    /** @return the peer's logged-on connection for {@code link}, or null. */
    Connection active(Link link) {
        Connection in = inbound.get(link);
        return in != null && in.isActive() ? in : null;
    }

    /** @return why the logon must be refused, or null to accept it. */
    String check(Message.Hello h) {
        if (h.protocol() != Message.PROTOCOL) {
            return "protocol " + h.protocol() + " is not supported; this node speaks protocol " + Message.PROTOCOL;
        }
        NodeId peerNode;
        try {
            peerNode = NodeId.parse(h.node());
        } catch (IllegalArgumentException e) {
            return "invalid node letter '" + h.node() + "' (expected A or B)";
        }
        NodeId self = config.get().node();
        if (peerNode == self) {
            return "peer announces node " + peerNode + ", the same letter as this node; one of the two must be "
                    + "configured as node " + self.peer();
        }
        if (!NotifierEngine.ONCE_LINK.equals(h.link()) && !Link.MAIN.name().equals(h.link())
                && !Link.AUX.name().equals(h.link())) {
            return "unknown link kind '" + h.link() + "' (expected MAIN, AUX or ONCE)";
        }
        return null;
    }

    void refused(String peer, String reason) {
        counters.protocolError("logon-refused");
        LOG.warn("Refused notifier logon from {}: {}", peer, reason);
    }

    void authenticationFailure(String peer, String reason) {
        counters.protocolError("authentication-failure");
        LOG.warn("authentication failure from {}: {}", peer, reason);
    }

    void protocolError(String peer, String type, String reason) {
        counters.protocolError(type);
        LOG.warn("Notifier protocol error from {} ({}): {}; connection closed", peer, type, reason);
    }

    /**
     * An inbound connection logged on. Event loop.
     *
     * @return true when it is a MAIN link
     */
    boolean accepted(Connection c, Message.Hello h) {
        Link link = c.link();
        if (link == null) {
            LOG.debug("One-shot notifier connection from {} ({}/{})", c.peer(), h.node(), h.link());
            return false;
        }
        LOG.info("Accepted notifier logon from {}: node {}, link {}, release {}", c.peer(), h.node(), h.link(),
                h.version());
        Connection old = inbound.put(link, c);
        if (old != null && old != c) {
            old.close("replaced by a newer " + link + " connection from the peer");
        }
        board.inbound(link, ConnectionStatus.ACTIVE, "", c.peer());
        return link == Link.MAIN;
    }

    /** A connection ended; forgets it when it was the peer's logged-on link. Event loop. */
    void ended(Connection c, String why) {
        Link link = c.link();
        if (c.role() == Connection.Role.INBOUND && link != null && inbound.remove(link, c)) {
            LOG.info("Inbound notifier connection {} from {} closed: {}", link, c.peer(), why);
            board.inbound(link, ConnectionStatus.NOT_CONNECTED, "connection closed: " + why, c.peer());
        }
    }
}
