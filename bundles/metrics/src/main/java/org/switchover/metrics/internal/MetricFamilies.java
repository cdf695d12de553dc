package org.switchover.metrics.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.switchover.api.SwitchoverState;
import org.switchover.api.notifier.ConnectionStatus;
import org.switchover.api.notifier.LinkStatus;
import org.switchover.api.notifier.NotifierCounters;
import org.switchover.api.status.NodeStatus;
import org.switchover.api.status.PeerReachability;
import org.switchover.api.status.RecoveryChannelStatus;
import org.switchover.api.status.ReplicationFigures;

import io.prometheus.client.Collector.MetricFamilySamples;
import io.prometheus.client.CounterMetricFamily;
import io.prometheus.client.GaugeMetricFamily;

/**
 * Turns one status snapshot into metric families, the single source of both the Prometheus text and the JMX
 * attributes. Every label value comes from a bounded set: enum names, link and channel keys, the switch reason
 * classes of {@link SwitchCounts}, the subsystems that registered {@link ReplicationFigures}, and the notifier's KPI
 * keys (which the notifier caps). Families of the KPI counters appear only while their option is on.
 */
final class MetricFamilies {

    /** Prefix of every family. */
    static final String PREFIX = "switchover_";
    /** Prefix of the KPI families (reference 001), grouped apart in JMX. */
    static final String KPI = PREFIX + "kpi_";
    /** Prefix of the replication families, grouped apart in JMX. */
    static final String REPLICATION = PREFIX + "replication_";

    private MetricFamilies() {
    }

    /**
     * @param status the node's status
     * @param switches role changes counted so far, by {@link SwitchCounts.Key}
     * @param kpi the notifier's KPI counters; null when no notifier runs
     * @param figures the figures of the subsystems that registered them
     * @return the families, in a stable order
     */
    static List<MetricFamilySamples> of(NodeStatus status, Map<SwitchCounts.Key, Long> switches, NotifierCounters kpi,
                                        Collection<ReplicationFigures> figures) {
        List<MetricFamilySamples> out = new ArrayList<>();
        pair(status, switches, out);
        links(status, out);
        replication(status, figures, out);
        if (kpi != null) {
            kpi(kpi, out);
        }
        return out;
    }

    private static void pair(NodeStatus s, Map<SwitchCounts.Key, Long> switches, List<MetricFamilySamples> out) {
        GaugeMetricFamily info = new GaugeMetricFamily(PREFIX + "node_info",
                "This node's letter and release (always 1)", List.of("node", "version"));
        info.addMetric(List.of(s.node() == null ? "" : s.node().name(), s.version()), 1);
        out.add(info);

        GaugeMetricFamily state = new GaugeMetricFamily(PREFIX + "state",
                "This node's switchover state (1 for the current state, 0 for the others)", List.of("state"));
        for (SwitchoverState st : SwitchoverState.values()) {
            state.addMetric(List.of(st.name()), st == s.state() ? 1 : 0);
        }
        out.add(state);
        out.add(new GaugeMetricFamily(PREFIX + "primary", "1 while this node is PRIMARY", bit(
                s.state() == SwitchoverState.PRIMARY)));
        out.add(new GaugeMetricFamily(PREFIX + "epoch", "The persisted epoch, raised by every switch", s.epoch()));

        CounterMetricFamily sw = new CounterMetricFamily(PREFIX + "switches",
                "Role changes of this node since its metrics started, by the role taken and the reason's class",
                List.of("role", "reason"));
        switches.forEach((k, n) -> sw.addMetric(List.of(k.role(), k.reason()), n));
        out.add(sw);

        GaugeMetricFamily peer = new GaugeMetricFamily(PREFIX + "peer_state",
                "The peer's state as shown now (UNREACHABLE once a query failed, UNKNOWN before its first answer)",
                List.of("state"));
        String shown = s.peer().shownState();
        for (SwitchoverState st : SwitchoverState.values()) {
            peer.addMetric(List.of(st.name()), st.name().equals(shown) ? 1 : 0);
        }
        peer.addMetric(List.of(PeerReachability.UNREACHABLE.name()),
                PeerReachability.UNREACHABLE.name().equals(shown) ? 1 : 0);
        peer.addMetric(List.of("UNKNOWN"), "UNKNOWN".equals(shown) ? 1 : 0);
        out.add(peer);
        out.add(new GaugeMetricFamily(PREFIX + "peer_reachable", "1 while the peer answers its state queries",
                bit(s.peer().reachability() == PeerReachability.REACHABLE)));
        if (s.peer().lastAnswerAgeMillis() >= 0) {
            out.add(new GaugeMetricFamily(PREFIX + "peer_answer_age_seconds",
                    "Age of the peer's last answer (its last known state)", seconds(s.peer().lastAnswerAgeMillis())));
        }
        out.add(new GaugeMetricFamily(PREFIX + "automatic_switch",
                "1 while this node would switch by itself if the primary failed", bit(s.automaticSwitch())));
        out.add(new GaugeMetricFamily(PREFIX + "manual_switch_only", "1 while manual-switch-only mode is in force",
                bit(s.manualSwitchOnly())));
        out.add(new GaugeMetricFamily(PREFIX + "warnings", "Switch warnings in force", s.warnings().size()));
    }

    private static void links(NodeStatus s, List<MetricFamilySamples> out) {
        GaugeMetricFamily status = new GaugeMetricFamily(PREFIX + "link_status",
                "Status of each notifier connection (1 for the current status, 0 for the others)",
                List.of("link", "status"));
        GaugeMetricFamily up = new GaugeMetricFamily(PREFIX + "link_up", "1 while the connection is Active",
                List.of("link"));
        GaugeMetricFamily attempt = new GaugeMetricFamily(PREFIX + "link_reconnect_attempt",
                "The reconnect attempt in progress (0 while connected)", List.of("link"));
        for (LinkStatus l : List.of(s.main(), s.aux())) {
            String link = l.link().name().toLowerCase(java.util.Locale.ROOT);
            for (ConnectionStatus c : ConnectionStatus.values()) {
                status.addMetric(List.of(link, c.label()), c == l.status() ? 1 : 0);
            }
            up.addMetric(List.of(link), bit(l.isActive()));
            attempt.addMetric(List.of(link), l.reconnectAttempt());
        }
        out.add(status);
        out.add(up);
        out.add(attempt);
    }

    private static void replication(NodeStatus s, Collection<ReplicationFigures> figures,
                                    List<MetricFamilySamples> out) {
        List<String> labels = List.of("subsystem", "channel");
        GaugeMetricFamily lag = new GaugeMetricFamily(REPLICATION + "lag_seconds",
                "On a backup, the replication lag of the last change applied, per subsystem (and recovery channel)",
                labels);
        GaugeMetricFamily maxLag = new GaugeMetricFamily(REPLICATION + "max_lag_seconds",
                "On a backup, the largest recovery lag since the last full synchronisation, per channel", labels);
        GaugeMetricFamily backlog = new GaugeMetricFamily(REPLICATION + "backlog",
                "Changes waiting to be shipped, applied or written, per subsystem", List.of("subsystem"));
        GaugeMetricFamily shadows = new GaugeMetricFamily(PREFIX + "recovery_shadows",
                "On a backup, the shadow interactions of each recovery channel", List.of("channel"));
        GaugeMetricFamily live = new GaugeMetricFamily(PREFIX + "recovery_live",
                "On a primary, the live interactions of each recovery channel", List.of("channel"));
        for (RecoveryChannelStatus c : s.recovery()) {
            if (c.lagMillis() >= 0) {
                lag.addMetric(List.of("recovery", c.channel()), seconds(c.lagMillis()));
            }
            if (c.maxLagMillis() >= 0) {
                maxLag.addMetric(List.of("recovery", c.channel()), seconds(c.maxLagMillis()));
            }
            if (c.shadows() >= 0) {
                shadows.addMetric(List.of(c.channel()), c.shadows());
            }
            if (c.live() >= 0) {
                live.addMetric(List.of(c.channel()), c.live());
            }
        }
        for (ReplicationFigures f : figures) {
            String name = f.subsystem();
            if (f.lagMillis() >= 0) {
                lag.addMetric(List.of(name, ""), seconds(f.lagMillis()));
            }
            if (f.backlog() >= 0) {
                backlog.addMetric(List.of(name), f.backlog());
            }
        }
        out.add(lag);
        out.add(maxLag);
        out.add(backlog);
        out.add(shadows);
        out.add(live);
    }

    private static void kpi(NotifierCounters kpi, List<MetricFamilySamples> out) {
        if (kpi.requestCountersEnabled()) {
            out.add(counter(KPI + "requests", "Requests received from the peer, per request type"
                    + " (collect-request-counters)", "request_type", kpi.requestsReceived()));
        }
        if (kpi.errorCountersEnabled()) {
            out.add(counter(KPI + "errors", "Protocol errors, per error type (collect-error-counters)",
                    "error_type", kpi.protocolErrors()));
        }
        if (kpi.espErrorCountersEnabled()) {
            out.add(counter(KPI + "esp_errors", "Error answers sent to the peer, per original request type"
                    + " (collect-esp-error-counters)", "request_type", kpi.errorsByRequestType()));
        }
    }

    private static CounterMetricFamily counter(String name, String help, String label, Map<String, Long> counts) {
        CounterMetricFamily f = new CounterMetricFamily(name, help, List.of(label));
        counts.forEach((k, n) -> f.addMetric(List.of(k), n));
        return f;
    }

    private static double bit(boolean b) {
        return b ? 1 : 0;
    }

    private static double seconds(long millis) {
        return millis / 1000.0;
    }
}
