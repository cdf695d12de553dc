package org.switchover.metrics.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.switchover.api.NodeId;
import org.switchover.api.SwitchoverState;
import org.switchover.api.notifier.NotifierCounters;
import org.switchover.api.status.NodeStatus;
import org.switchover.api.status.ReplicationFigures;

import io.prometheus.client.exporter.common.TextFormat;

class MetricFamiliesTest {

    /** KPI counters with each family switched on or off as given. */
    private static NotifierCounters kpi(boolean requests, boolean errors, boolean esp) {
        return new NotifierCounters() {
            @Override
            public Map<String, Long> requestsReceived() {
                return requests ? Map.of("Notifier Ping", 7L) : Map.of();
            }

            @Override
            public Map<String, Long> protocolErrors() {
                return errors ? Map.of("malformed-frame", 2L) : Map.of();
            }

            @Override
            public Map<String, Long> errorsByRequestType() {
                return esp ? Map.of("Mirror \"Chunk\"\n", 3L) : Map.of();
            }

            @Override
            public boolean requestCountersEnabled() {
                return requests;
            }

            @Override
            public boolean errorCountersEnabled() {
                return errors;
            }

            @Override
            public boolean espErrorCountersEnabled() {
                return esp;
            }
        };
    }

    private static final ReplicationFigures TRACKER = new ReplicationFigures() {
        @Override
        public String subsystem() {
            return "tracker";
        }

        @Override
        public long lagMillis() {
            return -1;
        }

        @Override
        public long backlog() {
            return 42;
        }
    };

    private static String text(NotifierCounters kpi, SwitchCounts switches) throws Exception {
        NodeStatus s = NodeStatus.basic(NodeId.A, SwitchoverState.PRIMARY, 5, "TS Ping Failure");
        StringWriter w = new StringWriter();
        TextFormat.write004(w, Collections.enumeration(MetricFamilies.of(s, switches.snapshot(), kpi,
                List.of(TRACKER))));
        return w.toString();
    }

    @Test
    void pairGaugesAndCountersInTheTextFormat() throws Exception {
        SwitchCounts sw = new SwitchCounts();
        sw.stateChanged("INIT", "BACKUP", "switchover service started");
        sw.stateChanged("BACKUP", "PRIMARY", "TS Ping Failure: module down since 10:00");
        sw.stateChanged("PRIMARY", "PRIMARY", "TS Ping Failure");
        sw.stateChanged("RECONNECTING", "BACKUP", "whatever");
        String t = text(kpi(false, false, false), sw);
        assertTrue(t.contains("switchover_state{state=\"PRIMARY\",} 1.0"), t);
        assertTrue(t.contains("switchover_state{state=\"BACKUP\",} 0.0"), t);
        assertTrue(t.contains("switchover_epoch 5.0"), t);
        assertTrue(t.contains("switchover_switches_total{role=\"PRIMARY\",reason=\"TS Ping Failure\",} 1.0"), t);
        assertTrue(t.contains("switchover_switches_total{role=\"BACKUP\",reason=\"Start\",} 1.0"), t);
        assertFalse(t.contains("whatever"), "no free text in labels");
        assertTrue(t.contains("switchover_link_status{link=\"main\",status=\"Not Connected\",} 1.0"), t);
        assertTrue(t.contains("switchover_link_up{link=\"aux\",} 0.0"), t);
        assertTrue(t.contains("switchover_peer_state{state=\"UNKNOWN\",} 1.0"), t);
        assertTrue(t.contains("switchover_replication_backlog{subsystem=\"tracker\",} 42.0"), t);
        assertFalse(t.contains("switchover_kpi_"), "every KPI family off: none shown\n" + t);
    }

    @Test
    void eachKpiFamilyAppearsOnlyWhileItsOptionIsOn() throws Exception {
        String req = text(kpi(true, false, false), new SwitchCounts());
        assertTrue(req.contains("switchover_kpi_requests_total{request_type=\"Notifier Ping\",} 7.0"), req);
        assertFalse(req.contains("switchover_kpi_errors") || req.contains("switchover_kpi_esp_errors"), req);
        String all = text(kpi(true, true, true), new SwitchCounts());
        assertTrue(all.contains("switchover_kpi_errors_total{error_type=\"malformed-frame\",} 2.0"), all);
        // a hostile event id is escaped, never breaks the format
        assertTrue(all.contains("switchover_kpi_esp_errors_total{request_type=\"Mirror \\\"Chunk\\\"\\n\",} 3.0"),
                all);
        assertFalse(text(null, new SwitchCounts()).contains("switchover_kpi_"), "no notifier: no KPI families");
    }

    @Test
    void jmxGroupsHoldTheSameSamples() {
        NodeStatus s = NodeStatus.basic(NodeId.B, SwitchoverState.BACKUP, 3, "");
        var families = MetricFamilies.of(s, Map.of(), kpi(true, false, false), List.of(TRACKER));
        Map<String, Double> pair = MetricsMBeans.attributes(families, "Pair");
        assertEquals(3.0, pair.get("switchover_epoch"));
        assertEquals(1.0, pair.get("switchover_state{state=\"BACKUP\"}"));
        assertEquals(42.0, MetricsMBeans.attributes(families, "Replication")
                .get("switchover_replication_backlog{subsystem=\"tracker\"}"));
        assertEquals(Map.of("switchover_kpi_requests_total{request_type=\"Notifier Ping\"}", 7.0),
                MetricsMBeans.attributes(families, "Kpi"));
        assertTrue(MetricsMBeans.attributes(MetricFamilies.of(s, Map.of(), kpi(false, false, false), List.of()),
                "Kpi").isEmpty());
    }
}
