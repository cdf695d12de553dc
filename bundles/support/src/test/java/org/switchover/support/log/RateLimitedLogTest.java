package org.switchover.support.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.slf4j.helpers.MessageFormatter;

class RateLimitedLogTest {

    private final AtomicLong now = new AtomicLong(1_000);
    private final List<String> lines = new ArrayList<>();
    private final List<Object[]> argLists = new ArrayList<>();
    private final RateLimitedLog log = new RateLimitedLog((p, a) -> {
        lines.add(MessageFormatter.arrayFormat(p, a).getMessage());
        argLists.add(a);
    }, 60_000, now::get, 3);

    @Test
    void aFloodBecomesOneLineAndThenACount() {
        for (int i = 0; i < 17_790; i++) {
            log.log("malformed", "Malformed frame from {}: {}", "10.0.0." + (i % 7), "garbage " + i);
        }
        assertEquals(List.of("Malformed frame from 10.0.0.0: garbage 0"), lines);
        assertEquals(17_789, log.suppressed());

        now.addAndGet(59_999);
        assertFalse(log.log("malformed", "Malformed frame from {}: {}", "10.0.0.1", "still inside the period"));
        now.addAndGet(1);
        assertTrue(log.log("malformed", "Malformed frame from {}: {}", "10.0.0.2", "next period"));
        assertEquals("Malformed frame from 10.0.0.2: next period [17790 more like this held back since the last "
                + "such line]", lines.get(1));
        assertEquals(2, log.written());
    }

    @Test
    void keysAreLimitedSeparately() {
        assertTrue(log.log("a", "one"));
        assertTrue(log.log("b", "two"));
        assertFalse(log.log("a", "one again"));
        assertEquals(List.of("one", "two"), lines);
    }

    @Test
    void aSprayOfDistinctKeysSharesTheOverflowKey() {
        for (int i = 0; i < 1000; i++) {
            log.log("10.0.0." + i, "refused {}", i);
        }
        // three remembered keys plus the shared overflow key
        assertEquals(List.of("refused 0", "refused 1", "refused 2", "refused 3"), lines);
        assertEquals(996, log.suppressed());
    }

    @Test
    void keysWhosePeriodIsOverAreForgottenWhenFull() {
        log.log("a", "a");
        log.log("b", "b");
        log.log("c", "c");
        now.addAndGet(60_000);
        assertTrue(log.log("d", "d"));
        assertTrue(log.log("e", "e"));
        assertEquals(List.of("a", "b", "c", "d", "e"), lines);
    }

    @Test
    void aTrailingThrowableStaysLast() {
        IllegalStateException boom = new IllegalStateException("boom");
        log.log("k", "failed on {}", "x", boom);
        log.log("k", "failed on {}", "y", boom);
        now.addAndGet(60_000);
        log.log("k", "failed on {}", "z", boom);
        Object[] last = argLists.get(1);
        assertEquals(3, last.length);
        assertEquals("z", last[0]);
        assertEquals(1L, last[1]);
        assertSame(boom, last[2]);
    }
}
