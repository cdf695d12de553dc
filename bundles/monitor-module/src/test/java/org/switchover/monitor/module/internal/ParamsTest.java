package org.switchover.monitor.module.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class ParamsTest {

    @Test
    void methodNamesMapToPropertyKeysByTheDsRules() {
        assertEquals("switchover.ts.timeout", Params.key("switchover_ts_timeout"));
        assertEquals("collect-request-counters", Params.key("collect$_$request$_$counters"));
        assertEquals("a$b", Params.key("a$$b"));
    }

    @Test
    void documentedBooleansAreAcceptedInAnyCase() {
        assertEquals(Boolean.TRUE, Params.parseBool(" YES "));
        assertEquals(Boolean.TRUE, Params.parseBool("1"));
        assertEquals(Boolean.FALSE, Params.parseBool("no"));
        assertEquals(Boolean.FALSE, Params.parseBool("0"));
        assertEquals(Boolean.FALSE, Params.parseBool("False"));
        assertNull(Params.parseBool("maybe"));
    }
}
