package org.switchover.console.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.switchover.api.Role;
import org.switchover.api.notifier.LinkStatus;
import org.switchover.api.status.NodeStatus;
import org.switchover.api.status.PeerStatus;
import org.switchover.api.status.RecoveryChannelStatus;
import org.switchover.api.status.ReplicationStatus;
import org.switchover.api.status.StatusSection;

/**
 * Renders the one status model: as a JSON-ready map (the control endpoint's {@code status}, printed by
 * {@code switchoverctl status --json}) and as a few lines of text ({@code switchover:status}). Both read the same
 * {@link NodeStatus}; nothing here asks anything else.
 */
public final class StatusView {
    private StatusView() {
    }

    /** @return the status object without a console page ({@code "console":{"url":null}}) */
    static Map<String, Object> toMap(NodeStatus s) {
        return toMap(s, null);
    }

    /**
     * @param s the status
     * @param consoleUrl the base URL of this node's console page, null when it serves none
     * @return the status object, field order as clients have always seen it; {@code console} last
     */
    public static Map<String, Object> toMap(NodeStatus s, String consoleUrl) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("node", s.node() == null ? "" : s.node().name());
        m.put("role", s.role().name());
        m.put("state", s.state().name());
        m.put("epoch", s.epoch());
        m.put("version", s.version());
        m.put("peer", peerMap(s.peer()));
        Map<String, Object> conns = new LinkedHashMap<>();
        conns.put("main", s.main().status().name());
        conns.put("aux", s.aux().status().name());
        m.put("connections", conns);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("main", linkMap(s.main()));
        details.put("aux", linkMap(s.aux()));
        m.put("connectionDetails", details);
        m.put("manualSwitchOnly", s.manualSwitchOnly());
        m.put("forceBackup", s.forceBackup());
        m.put("automaticSwitch", s.automaticSwitch());
        Map<String, Object> mon = new LinkedHashMap<>();
        mon.put("primaryMonitorWanted", s.monitorsWanted());
        mon.put("status", s.monitorLine());
        m.put("monitors", mon);
        m.put("reconnectTimerSecondsLeft", s.reconnectMillisLeft() < 0 ? null : s.reconnectMillisLeft() / 1000.0);
        m.put("pendingSwitch", s.pendingSwitch());
        m.put("lastDecision", s.lastDecision());
        m.put("lastSwitchReason", s.lastSwitchReason());
        if (!s.error().isEmpty()) {
            m.put("error", s.error());
        }
        m.put("warnings", s.warnings());
        m.put("recovery", recoveryMap(s.recovery()));
        Map<String, Object> replication = new LinkedHashMap<>();
        for (ReplicationStatus r : s.replication()) {
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("lagMillis", r.lagMillis() < 0 ? null : r.lagMillis());
            figures.put("backlog", r.backlog() < 0 ? null : r.backlog());
            replication.put(r.subsystem(), figures);
        }
        m.put("replication", replication);
        for (StatusSection section : s.sections()) {
            m.putIfAbsent(section.name(), section.figures());
        }
        Map<String, Object> console = new LinkedHashMap<>();
        console.put("url", consoleUrl);
        m.put("console", console);
        return m;
    }

    /**
     * @return the Interaction Recovery Service's channels keyed by channel; figures that do not apply to the side
     *         this node plays are null; an empty object when the recovery bundle does not run
     */
    private static Map<String, Object> recoveryMap(List<RecoveryChannelStatus> channels) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (RecoveryChannelStatus c : channels) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("configured", c.configured());
            m.put("enabled", c.enabled());
            m.put("side", c.side());
            m.put("live", c.live() < 0 ? null : c.live());
            m.put("shadows", c.shadows() < 0 ? null : c.shadows());
            m.put("primaryLive", c.primaryLive() < 0 ? null : c.primaryLive());
            m.put("sync", c.sync());
            m.put("lagMillis", c.lagMillis() < 0 ? null : c.lagMillis());
            m.put("maxLagMillis", c.maxLagMillis() < 0 ? null : c.maxLagMillis());
            m.put("filter", c.filter());
            out.put(c.channel(), m);
        }
        return out;
    }

    /**
     * The peer: {@code state} is the state shown as the peer's now ({@link PeerStatus#shownState()}:
     * {@code UNREACHABLE} once a query failed); {@code lastKnownState} with {@code lastAnswerSecondsAgo} is what it
     * last said and how long ago; epoch and version are from that last answer.
     */
    private static Map<String, Object> peerMap(PeerStatus p) {
        Map<String, Object> peer = new LinkedHashMap<>();
        peer.put("node", p.node() == null ? "" : p.node().name());
        peer.put("address", p.address());
        peer.put("state", p.shownState());
        if (p.known()) {
            peer.put("epoch", p.epoch());
            peer.put("version", p.version());
        }
        peer.put("lastQuerySecondsAgo", p.lastQueryAgeMillis() < 0 ? null : p.lastQueryAgeMillis() / 1000);
        peer.put("lastQueryFailure", p.lastQueryFailure());
        peer.put("reachability", p.reachability().name());
        peer.put("lastKnownState", p.known() ? p.state().name() : null);
        peer.put("lastAnswerSecondsAgo", p.lastAnswerAgeMillis() < 0 ? null : p.lastAnswerAgeMillis() / 1000.0);
        peer.put("lastAnswerMillisAgo", p.lastAnswerAgeMillis() < 0 ? null : p.lastAnswerAgeMillis());
        return peer;
    }

    /**
     * @return the peer in words: its state now with the age of the answer, or UNREACHABLE with what it last said and
     *         when ("last seen PRIMARY 12 s ago"), never a last known state as the current one
     */
    public static String peerLine(PeerStatus p) {
        String who = (p.node() == null ? "" : p.node().name()) + " at " + p.address() + ", ";
        String last = p.known() ? p.state().name() + " " + seconds(p.lastAnswerAgeMillis()) + " ago (epoch "
                + p.epoch() + ", release " + p.version() + ")" : "";
        return switch (p.reachability()) {
            case REACHABLE -> who + p.shownState() + " (epoch " + p.epoch() + ", release " + p.version()
                    + "; answered " + seconds(p.lastAnswerAgeMillis()) + " ago)";
            case UNREACHABLE -> who + "UNREACHABLE (" + (p.known() ? "last seen " + last : "never answered")
                    + "; last query " + seconds(p.lastQueryAgeMillis()) + " ago)";
            case UNKNOWN -> who + "UNKNOWN (" + (p.known() ? "last seen " + last : "not asked yet") + ")";
        };
    }

    private static String seconds(long millis) {
        return millis < 0 ? "?" : millis < 10_000 ? String.format(Locale.ROOT, "%.1f s", millis / 1000.0) : millis / 1000 + " s";
    }

    private static Map<String, Object> linkMap(LinkStatus ls) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", ls.status().name());
        m.put("label", ls.status().label());
        m.put("detail", ls.detail());
        m.put("peer", ls.peer());
        m.put("reconnectAttempt", ls.reconnectAttempt());
        return m;
    }

    /** @return a few lines for the shell, the switch warnings in force first after the node line. */
    static String toText(NodeStatus s) {
        PeerStatus peer = s.peer();
        StringBuilder b = new StringBuilder();
        b.append(String.format("Node        : %s (release %s)%n", s.node() == null ? "" : s.node().name(),
                s.version()));
        if (!s.error().isEmpty()) {
            b.append(String.format("Error       : %s%n", s.error()));
        }
        for (String w : s.warnings()) {
            b.append(String.format("WARNING     : %s%n", w));
        }
        b.append(String.format("Role        : %s   State: %s   Epoch: %s%n", s.role(), s.state(), s.epoch()));
        b.append(String.format("Peer        : %s%n", peerLine(peer)));
        if (!peer.lastQueryFailure().isEmpty()) {
            b.append(String.format("              last query failed: %s%n", peer.lastQueryFailure()));
        }
        b.append(String.format("MAIN        : %s%n", linkLine(s.main())));
        b.append(String.format("AUX         : %s%n", linkLine(s.aux())));
        if (s.role() == Role.BACKUP) {
            b.append(String.format("Mode        : %s%s%n", s.automaticSwitch() ? "automatic switch"
                    : "no automatic switch", s.manualSwitchOnly() ? " (manual switch only)"
                    : s.state().isUpgrade() ? " (upgrade state: manual switch only)"
                    : !s.primaryConfirmed() ? " (no primary seen yet)" : ""));
        }
        b.append(String.format("Monitors    : %s%n", s.monitorLine().isEmpty()
                ? (s.monitorsWanted() ? "primary monitor wanted, not registered" : "not running") : s.monitorLine()));
        if (s.reconnectMillisLeft() >= 0) {
            b.append(String.format("Reconnect   : timer fires in %s s%n", s.reconnectMillisLeft() / 1000.0));
        }
        if (!s.pendingSwitch().isEmpty()) {
            b.append(String.format("Pending     : switch (%s) deferred until the host has started%n",
                    s.pendingSwitch()));
        }
        b.append(String.format("Decision    : %s%n", s.lastDecision()));
        b.append(String.format("Last reason : %s%n", s.lastSwitchReason()));
        for (ReplicationStatus r : s.replication()) {
            b.append(String.format("%-12s: lag %s, backlog %s%n", "Replication " + r.subsystem(),
                    r.lagMillis() < 0 ? "n/a" : r.lagMillis() + " ms", r.backlog() < 0 ? "n/a" : r.backlog()));
        }
        for (StatusSection section : s.sections()) {
            StringBuilder figures = new StringBuilder();
            section.figures().forEach((k, v) -> figures.append(figures.length() == 0 ? "" : ", ").append(k)
                    .append(' ').append(v));
            b.append(String.format("%-12s: %s%n", capitalised(section.name()), figures));
        }
        List<String> audit = s.recentAudit();
        if (!audit.isEmpty()) {
            b.append("Recent audit:\n");
            for (String line : audit) {
                b.append("  ").append(line).append('\n');
            }
        }
        return b.toString();
    }

    private static String capitalised(String name) {
        return name.isEmpty() ? name : Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }

    private static String linkLine(LinkStatus l) {
        int attempt = l.reconnectAttempt();
        String peer = l.peer() == null ? "" : l.peer();
        String detail = l.detail() == null ? "" : l.detail();
        return l.status().label() + (peer.isEmpty() ? "" : " to " + peer) + (detail.isEmpty() ? "" : " - " + detail)
                + (attempt > 0 ? " (reconnect attempt " + attempt + ")" : "");
    }
}
