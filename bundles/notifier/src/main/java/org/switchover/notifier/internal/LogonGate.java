package org.switchover.notifier.internal;

import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.api.NodeId;
import org.switchover.api.notifier.ConnectionStatus;
import org.switchover.api.notifier.Link;
import org.switchover.api.notifier.Response;
import org.switchover.api.notifier.ResponseOutcome;
import org.switchover.support.log.LogText;
import org.switchover.support.log.RateLimitedLog;

/**
 * The accepting side of the logon: checks the HELLO of an inbound connection (protocol, node letter, link kind, and
 * that the certificate is for the node letter claimed), admits it to its link without ever replacing a live one,
 * keeps the peer's logged-on MAIN and AUX connections, and logs and counts refusals, authentication failures and
 * protocol errors. Every such line can be caused from outside at will, so each kind is written at most once per
 * {@value #WARN_PERIOD_MILLIS} ms per key with a count of the repeats held back, and text the peer chose (its HELLO
 * fields, its certificate subject) is escaped with {@link LogText}. Thread-safe.
 */
final class LogonGate {

    /** How long a connection holding a link has to answer a ping when a second logon asks for the link. */
    static final long PROBE_MILLIS = 2000;

    private static final Logger LOG = LoggerFactory.getLogger(LogonGate.class);
    private static final Logger AUDIT = LoggerFactory.getLogger("org.switchover.audit");
    /** At most one line per kind (and source, for connection limits) in this period. */
    static final long WARN_PERIOD_MILLIS = 60_000L;

    private final RateLimitedLog warnings;
    private final RateLimitedLog audits;

    private final Supplier<NotifierSettings> config;
    private final Counters counters;
    private final StatusBoard board;
    private final BiFunction<Connection, Long, CompletionStage<Response>> ping;
    private final Map<Link, Connection> inbound = new ConcurrentHashMap<>();
    private final ConnectionCounts perAddress = new ConnectionCounts();
    private final ConnectionCounts perPeer = new ConnectionCounts();

    /**
     * @param ping sends the notifier ping on a connection with a timeout (ms); the stage ends with its response
     */
    LogonGate(Supplier<NotifierSettings> config, Counters counters, StatusBoard board,
              BiFunction<Connection, Long, CompletionStage<Response>> ping) {
        this(config, counters, board, ping, () -> System.nanoTime() / 1_000_000L);
    }

    /** @param clock monotonic milliseconds for the log limiters (tests pass virtual time) */
    LogonGate(Supplier<NotifierSettings> config, Counters counters, StatusBoard board,
              BiFunction<Connection, Long, CompletionStage<Response>> ping, LongSupplier clock) {
        this.config = config;
        this.counters = counters;
        this.board = board;
        this.ping = ping;
        this.warnings = new RateLimitedLog(LOG::warn, WARN_PERIOD_MILLIS, clock, 1000);
        this.audits = new RateLimitedLog(AUDIT::warn, WARN_PERIOD_MILLIS, clock, 1000);
    }

    /**
     * Logs a WARN about an inbound connection that someone outside can repeat at will: at most one line per
     * {@code key} and period, the repeats counted. Arguments the peer chose must already be escaped.
     */
    void warnLimited(String key, String pattern, Object... args) {
        warnings.log(key, pattern, args);
    }

    /** @return the peer's logged-on connection for {@code link}, or null. */
    Connection active(Link link) {
        Connection in = inbound.get(link);
        return in != null && in.isActive() ? in : null;
    }

    /**
     * @param h the peer's logon
     * @param cert the certificate the peer presented in the TLS handshake
     * @return why the logon must be refused, or null when it may go on to {@link #admit}
     */
    String check(Message.Hello h, X509Certificate cert) {
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
        return PeerCertificates.mismatch(cert, peerNode);
    }

    /**
     * Decides whether a checked MAIN or AUX logon may take its link. With no live link it takes it at once. While
     * another connection holds the link, that one is asked for a ping: if it answers, the newcomer is refused (a
     * second logon never replaces a live link); if it does not answer within {@link #PROBE_MILLIS}, it is closed and
     * the newcomer takes its place (the peer came back before this node noticed the old connection had died). Both
     * outcomes leave an audit line naming the certificate subject.
     *
     * @param c the inbound connection, its link known
     * @param h its logon
     * @param subject the subject of its certificate
     * @param decided called once, on any thread: null to accept, else the reason to refuse
     */
    void admit(Connection c, Message.Hello h, String subject, Consumer<String> decided) {
        Link link = c.link();
        if (link == null) {
            decided.accept(null);
            return;
        }
        Connection old;
        synchronized (this) {
            old = inbound.get(link);
            if (old == null || old.isClosed()) {
                inbound.put(link, c);
                old = null;
            }
        }
        if (old == null) {
            decided.accept(null);
            return;
        }
        if (!old.isActive()) {
            decided.accept(secondLogon(c, h, subject, old, "another " + link + " logon is being admitted"));
            return;
        }
        Connection live = old;
        ping.apply(live, PROBE_MILLIS).whenComplete((r, e) -> {
            if (r != null && r.outcome() == ResponseOutcome.REPLY) {
                decided.accept(secondLogon(c, h, subject, live, "the live " + link + " link from " + live.peer()
                        + " still answers"));
                return;
            }
            boolean taken;
            synchronized (this) {
                taken = inbound.replace(link, live, c) || inbound.putIfAbsent(link, c) == null;
            }
            if (!taken) {
                decided.accept(secondLogon(c, h, subject, live, "another " + link + " logon took the link first"));
                return;
            }
            AUDIT.info("Notifier {} link of node {} from {} did not answer within {} ms; replaced by the logon from "
                    + "{} (certificate '{}')", link, h.node(), live.peer(), PROBE_MILLIS, c.peer(),
                    LogText.escape(subject));
            live.close("replaced by a newer " + link + " connection from the peer (the old one did not answer)");
            decided.accept(null);
        });
    }

    private String secondLogon(Connection c, Message.Hello h, String subject, Connection live, String why) {
        audits.log("second-logon " + h.link() + " " + subject, "Refused a second notifier {} logon as node {} from {}"
                + " (certificate '{}'): {}", h.link(), h.node(), c.peer(), LogText.escape(subject), why);
        return "node " + h.node() + " already has a live " + h.link() + " link (" + why + ")";
    }

    /**
     * A connection from {@code address} was accepted on the listener. Event loop.
     *
     * @return false when that address already has {@code Max Connections Per Address} open (counted, logged)
     */
    boolean openedFrom(String address) {
        int max = config.get().limits().connectionsPerAddress();
        if (perAddress.acquire(address, max)) {
            return true;
        }
        limitReached("address " + address, "source address " + address + " already has " + max
                + " notifier connections open (Max Connections Per Address)");
        return false;
    }

    void closedFrom(String address) {
        perAddress.release(address);
    }

    /**
     * An inbound connection finished its TLS handshake with a certificate of {@code subject}. Event loop.
     *
     * @return false when that certificate already has {@code Max Connections Per Peer} open (counted, logged)
     */
    boolean openedBy(String subject, String peer) {
        int max = config.get().limits().connectionsPerPeer();
        if (perPeer.acquire(subject, max)) {
            return true;
        }
        limitReached("subject " + subject, "certificate '" + LogText.escape(subject) + "' (from " + peer
                + ") already has " + max + " notifier connections open (Max Connections Per Peer)");
        return false;
    }

    void closedBy(String subject) {
        perPeer.release(subject);
    }

    private void limitReached(String key, String why) {
        counters.protocolError("connection-limit");
        if (!warnings.log("limit " + key, "Closing a new notifier connection: {} (logged once a minute per source)",
                why)) {
            LOG.debug("Closing a new notifier connection: {}", why);
        }
    }

    /** A logon was refused: counted, logged, and on the audit log with the certificate subject. */
    void refused(String peer, String subject, String reason) {
        counters.protocolError("logon-refused");
        String why = LogText.escape(reason);
        warnings.log("logon-refused", "Refused notifier logon from {}: {}", peer, why);
        audits.log("logon-refused " + subject, "Notifier logon from {} refused (certificate '{}'): {}", peer,
                LogText.escape(subject), why);
    }

    void authenticationFailure(String peer, String reason) {
        counters.protocolError("authentication-failure");
        warnings.log("authentication-failure", "authentication failure from {}: {}", peer, LogText.escape(reason));
    }

    /** A TLS handshake from {@code peer} was cut off midway: expected when a node starts, stops or resumes. */
    void handshakeCut(String peer, String reason) {
        counters.protocolError("handshake-cut");
        LOG.info("TLS handshake from {} cut off before it completed: {}", peer, LogText.escape(reason));
    }

    void protocolError(String peer, String type, String reason) {
        counters.protocolError(type);
        warnings.log("protocol " + type, "Notifier protocol error from {} ({}): {}; connection closed", peer, type,
                LogText.escape(reason));
    }

    /**
     * An inbound connection logged on. Event loop.
     *
     * @return true when it is a MAIN link
     */
    boolean accepted(Connection c, Message.Hello h) {
        Link link = c.link();
        if (link == null) {
            LOG.debug("One-shot notifier connection from {} ({}/{})", c.peer(), LogText.escape(h.node()),
                    LogText.escape(h.link()));
            return false;
        }
        LOG.info("Accepted notifier logon from {}: node {}, link {}, release {}", c.peer(), h.node(), h.link(),
                LogText.escape(h.version()));
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
