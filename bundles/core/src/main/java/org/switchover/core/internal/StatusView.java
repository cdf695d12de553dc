package org.switchover.core.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.switchover.api.log.Journal;

import org.switchover.api.notifier.Link;
import org.switchover.api.notifier.LinkStatus;

/** Renders a {@link Snapshot} for the shell (text) and the control endpoint (a JSON-ready map). */
final class StatusView {
    private StatusView() {
    }

    /**
     * @param s the machine's picture
     * @param links live link statuses (null entries allowed)
     * @param monitorLine the primary monitor's status line, or null when there is none
     */
    static Map<String, Object> toMap(Snapshot s, Function<Link, LinkStatus> links, String monitorLine) {
        return toMap(s, links, monitorLine, List.of());
    }

    /**
     * @param s the machine's picture
     * @param links live link statuses (null entries allowed)
     * @param monitorLine the primary monitor's status line, or null when there is none
     * @param warnings the switch warnings in force (the {@code warnings} array, always present)
     */
    static Map<String, Object> toMap(Snapshot s, Function<Link, LinkStatus> links, String monitorLine,
                                     List<String> warnings) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("node", s.node() == null ? "" : s.node().name());
        m.put("role", s.state().role().name());
        m.put("state", s.state().name());
        m.put("epoch", s.epoch());
        m.put("version", s.version());
        Map<String, Object> peer = new LinkedHashMap<>();
        peer.put("node", s.node() == null ? "" : s.node().peer().name());
        peer.put("address", s.peerAddress());
        if (s.peer() != null) {
            peer.put("state", s.peer().state().name());
            peer.put("epoch", s.peer().epoch());
            peer.put("version", s.peer().version());
        } else {
            peer.put("state", "UNKNOWN");
        }
        peer.put("lastQuerySecondsAgo", s.peerSeenMillis() == 0 && s.peer() == null && s.peerFailure().isEmpty()
                ? null : (s.nowMillis() - s.peerSeenMillis()) / 1000);
        peer.put("lastQueryFailure", s.peerFailure());
        m.put("peer", peer);
        LinkStatus main = link(links, Link.MAIN, s.main());
        LinkStatus aux = link(links, Link.AUX, s.aux());
        Map<String, Object> conns = new LinkedHashMap<>();
        conns.put("main", main.status().name());
        conns.put("aux", aux.status().name());
        m.put("connections", conns);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("main", linkMap(main));
        details.put("aux", linkMap(aux));
        m.put("connectionDetails", details);
        m.put("manualSwitchOnly", s.manualSwitchOnly());
        m.put("forceBackup", s.forceBackup());
        m.put("automaticSwitch", s.state().role() == org.switchover.api.Role.BACKUP && !s.state().isUpgrade()
                && !s.manualSwitchOnly() && s.primaryConfirmed());
        Map<String, Object> mon = new LinkedHashMap<>();
        mon.put("primaryMonitorWanted", s.monitorsRunning());
        mon.put("status", monitorLine == null ? "" : monitorLine);
        m.put("monitors", mon);
        m.put("reconnectTimerSecondsLeft", s.reconnectDueMillis() < 0 ? null
                : Math.max(0, s.reconnectDueMillis() - s.nowMillis()) / 1000.0);
        m.put("pendingSwitch", s.pendingSwitch());
        m.put("lastDecision", s.lastDecision());
        m.put("lastSwitchReason", s.lastSwitchReason());
        if (!s.nodeError().isEmpty()) {
            m.put("error", s.nodeError());
        }
        m.put("warnings", List.copyOf(warnings));
        return m;
    }

    private static LinkStatus link(Function<Link, LinkStatus> links, Link l, LinkStatus fallback) {
        try {
            LinkStatus ls = links.apply(l);
            return ls != null ? ls : fallback;
        } catch (RuntimeException e) {
            return fallback;
        }
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

    /** @return a few lines for the shell. */
    @SuppressWarnings("unchecked")
    static String toText(Snapshot s, Function<Link, LinkStatus> links, String monitorLine,
                         List<Journal.Entry> recentAudit) {
        return toText(s, links, monitorLine, recentAudit, List.of());
    }

    /** @return a few lines for the shell, the switch warnings in force first after the node line. */
    @SuppressWarnings("unchecked")
    static String toText(Snapshot s, Function<Link, LinkStatus> links, String monitorLine,
                         List<Journal.Entry> recentAudit, List<String> warnings) {
        Map<String, Object> m = toMap(s, links, monitorLine, warnings);
        Map<String, Object> peer = (Map<String, Object>) m.get("peer");
        Map<String, Object> det = (Map<String, Object>) m.get("connectionDetails");
        StringBuilder b = new StringBuilder();
        b.append(String.format("Node        : %s (release %s)%n", m.get("node"), m.get("version")));
        if (m.containsKey("error")) {
            b.append(String.format("Error       : %s%n", m.get("error")));
        }
        for (String w : warnings) {
            b.append(String.format("WARNING     : %s%n", w));
        }
        b.append(String.format("Role        : %s   State: %s   Epoch: %s%n", m.get("role"), m.get("state"),
                m.get("epoch")));
        b.append(String.format("Peer        : %s at %s, %s%s%n", peer.get("node"), peer.get("address"),
                peer.get("state"), peer.containsKey("epoch") ? " (epoch " + peer.get("epoch") + ", release "
                        + peer.get("version") + ")" : ""));
        if (!String.valueOf(peer.get("lastQueryFailure")).isEmpty()) {
            b.append(String.format("              last query failed: %s%n", peer.get("lastQueryFailure")));
        }
        b.append(String.format("MAIN        : %s%n", linkLine((Map<String, Object>) det.get("main"))));
        b.append(String.format("AUX         : %s%n", linkLine((Map<String, Object>) det.get("aux"))));
        if (s.state().role() == org.switchover.api.Role.BACKUP) {
            b.append(String.format("Mode        : %s%s%n", Boolean.TRUE.equals(m.get("automaticSwitch"))
                    ? "automatic switch" : "no automatic switch", s.manualSwitchOnly() ? " (manual switch only)"
                    : s.state().isUpgrade() ? " (upgrade state: manual switch only)"
                    : !s.primaryConfirmed() ? " (no primary seen yet)" : ""));
        }
        b.append(String.format("Monitors    : %s%n", monitorLine == null || monitorLine.isEmpty()
                ? (s.monitorsRunning() ? "primary monitor wanted, not registered" : "not running") : monitorLine));
        if (m.get("reconnectTimerSecondsLeft") != null) {
            b.append(String.format("Reconnect   : timer fires in %s s%n", m.get("reconnectTimerSecondsLeft")));
        }
        if (!s.pendingSwitch().isEmpty()) {
            b.append(String.format("Pending     : switch (%s) deferred until the host has started%n",
                    s.pendingSwitch()));
        }
        b.append(String.format("Decision    : %s%n", s.lastDecision()));
        b.append(String.format("Last reason : %s%n", s.lastSwitchReason()));
        if (!recentAudit.isEmpty()) {
            b.append("Recent audit:\n");
            for (Journal.Entry e : recentAudit) {
                b.append("  ").append(e.text()).append('\n');
            }
        }
        return b.toString();
    }

    private static String linkLine(Map<String, Object> l) {
        String detail = String.valueOf(l.get("detail"));
        int attempt = (Integer) l.get("reconnectAttempt");
        return l.get("label") + (String.valueOf(l.get("peer")).isEmpty() ? "" : " to " + l.get("peer"))
                + (detail.isEmpty() ? "" : " - " + detail) + (attempt > 0 ? " (reconnect attempt " + attempt + ")" : "");
    }
}
