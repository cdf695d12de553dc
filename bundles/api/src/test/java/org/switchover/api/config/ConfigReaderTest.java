package org.switchover.api.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ConfigReaderTest {

    @interface Config {
        int switchover_ts_timeout() default 10;

        boolean switchover_ping_on_aux_connection() default false;

        String switchover_monitoring() default "TsServer";
    }

    private final List<String> warnings = new ArrayList<>();

    private ConfigReader reader(Map<String, ?> props) {
        return new ConfigReader(Config.class, props, warnings::add);
    }

    @Test
    void methodNamesMapToPropertyKeysByTheDsRules() {
        assertEquals("switchover.ts.timeout", ConfigReader.key("switchover_ts_timeout"));
        assertEquals("collect-request-counters", ConfigReader.key("collect$_$request$_$counters"));
        assertEquals("a$b", ConfigReader.key("a$$b"));
    }

    @Test
    void documentedBooleansAreAcceptedInAnyCase() {
        assertEquals(Boolean.TRUE, ConfigReader.parseBool(" YES "));
        assertEquals(Boolean.TRUE, ConfigReader.parseBool("1"));
        assertEquals(Boolean.FALSE, ConfigReader.parseBool("no"));
        assertEquals(Boolean.FALSE, ConfigReader.parseBool("0"));
        assertEquals(Boolean.FALSE, ConfigReader.parseBool("False"));
        assertNull(ConfigReader.parseBool("maybe"));
    }

    @Test
    void absentKeysTakeTheDeclaredDefaults() {
        ConfigReader r = reader(Map.of());
        assertEquals(10, r.integer("switchover_ts_timeout", "Switchover TS Timeout", 99, 5, 60));
        assertFalse(r.bool("switchover_ping_on_aux_connection", "Switchover Ping on Aux Connection", true));
        assertEquals("TsServer", r.text("switchover_monitoring"));
        assertTrue(warnings.isEmpty());
    }

    @Test
    void stringsFromCfgFilesAreParsedAndRangesClamped() {
        ConfigReader r = reader(Map.of("switchover.ts.timeout", " 70 ", "switchover.ping.on.aux.connection", "Yes"));
        assertEquals(60, r.integer("switchover_ts_timeout", "Switchover TS Timeout", 10, 5, 60));
        assertTrue(r.bool("switchover_ping_on_aux_connection", "Switchover Ping on Aux Connection", false));
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).contains("Switchover TS Timeout") && warnings.get(0).contains("70")
                && warnings.get(0).contains("using 60"), warnings.get(0));
    }

    @Test
    void malformedValuesAreNamedAndThePreviousValueIsKept() {
        ConfigReader r = reader(Map.of("switchover.ts.timeout", "ten", "switchover.ping.on.aux.connection",
                new String[] {"perhaps"}));
        assertEquals(15, r.integer("switchover_ts_timeout", "Switchover TS Timeout", 15, 5, 60));
        assertTrue(r.bool("switchover_ping_on_aux_connection", "Switchover Ping on Aux Connection", true));
        assertEquals(2, warnings.size());
        assertTrue(warnings.get(0).contains("'Switchover TS Timeout' (switchover.ts.timeout): 'ten'"),
                warnings.get(0));
        assertTrue(warnings.get(1).contains("perhaps") && warnings.get(1).contains("keeping Yes"), warnings.get(1));
    }

    @Test
    void variablesAreExpandedAndUnknownOnesStayAsWritten() {
        assertEquals("/srv/a/data", ConfigReader.expand("${switchover.home}/data",
                k -> k.equals("switchover.home") ? "/srv/a" : null));
        assertEquals("${nope}/x/${y", ConfigReader.expand("${nope}/x/${y", k -> null));
    }
}
