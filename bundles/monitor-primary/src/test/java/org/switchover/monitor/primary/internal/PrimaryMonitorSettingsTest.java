package org.switchover.monitor.primary.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.switchover.api.config.ConfigReader;

/** The millisecond forms of the ping delay and timeout (issue 13's sub-second profile) and their precedence. */
class PrimaryMonitorSettingsTest {

    private static PrimaryMonitorSettings read(Map<String, Object> props) {
        Map<String, Object> translated = new HashMap<>();
        props.forEach((k, v) -> translated.put(ConfigReader.key(k), v));
        return PrimaryMonitorSettings.from(new ConfigReader(PrimaryMonitorComponent.Config.class, translated,
                w -> { }), PrimaryMonitorSettings.DEFAULTS);
    }

    @Test
    void millisecondKeysReplaceTheSecondsParametersWhenSet() {
        PrimaryMonitorSettings s = read(Map.of("switchover_primary_monitor_ping_delay", 1,
                "switchover_primary_monitor_timeout", 1, "switchover_primary_monitor_ping_delay_ms", 250,
                "switchover_primary_monitor_timeout_ms", 500));
        assertEquals(250, s.pingDelayMillis());
        assertEquals(500, s.timeoutMillis());
    }

    @Test
    void withoutThemTheDocumentedParametersDecide() {
        PrimaryMonitorSettings s = read(Map.of("switchover_primary_monitor_ping_delay", 2,
                "switchover_primary_monitor_timeout", 3));
        assertEquals(2_000, s.pingDelayMillis());
        assertEquals(3_000, s.timeoutMillis());
        PrimaryMonitorSettings d = read(Map.of());
        assertEquals(d.module().timeoutMillis() / 2, d.pingDelayMillis(), "0 = half the module timeout");
        assertEquals(d.module().timeoutMillis() / 2, d.timeoutMillis());
    }

    @Test
    void outOfRangeMillisecondsAreClamped() {
        PrimaryMonitorSettings s = read(Map.of("switchover_primary_monitor_timeout_ms", 9_999_999,
                "switchover_primary_monitor_ping_delay_ms", -5));
        assertEquals(300_000, s.timeoutMillis());
        assertEquals(s.module().timeoutMillis() / 2, s.pingDelayMillis(), "clamped to 0 = not set");
    }
}
