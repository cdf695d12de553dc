package org.switchover.support.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;

import org.junit.jupiter.api.Test;

class RepeatedNamesTest {

    private static byte[] texts(List<String> values) {
        return WireWriter.encode(w -> {
            for (String v : values) {
                w.text(v);
            }
        });
    }

    @Test
    void aShortAsciiValueReadTwiceIsOneStringAndEveryValueReadsBackEqual() throws Exception {
        String longer = "x".repeat(RepeatedNames.MAX_LENGTH + 1);
        List<String> values = List.of("customer", "agent-7", "customer", "Zoë", "Zoë", longer, longer, "", "");
        RepeatedNames names = new RepeatedNames();
        WireReader r = new WireReader(texts(values), "test");
        String[] read = new String[values.size()];
        for (int k = 0; k < read.length; k++) {
            read[k] = r.text("v" + k, 1000, names);
            assertEquals(values.get(k), read[k], "value " + k);
        }
        r.end();
        assertSame(read[0], read[2], "short ASCII shared");
        assertSame(read[7], read[8], "the empty string too");
        assertNotSame(read[3], read[4], "non-ASCII is decoded each time, not cached");
        assertNotSame(read[5], read[6], "longer than the limit is not cached");
    }

    @Test
    void slotsThatCollideStillAnswerTheRightValue() throws Exception {
        RepeatedNames names = new RepeatedNames();
        // far more distinct names than slots: every answer must still be the value read
        for (int round = 0; round < 2; round++) {
            for (int k = 0; k < 5 * RepeatedNames.SLOTS; k++) {
                String v = "name-" + k;
                WireReader r = new WireReader(texts(List.of(v)), "test");
                assertEquals(v, r.text("v", 100, names));
            }
        }
    }

    @Test
    void aBoundIsStillEnforcedWithTheCache() {
        WireReader r = new WireReader(texts(List.of("customer")), "test");
        org.junit.jupiter.api.Assertions.assertThrows(MalformedMessageException.class,
                () -> r.text("party", 3, new RepeatedNames()));
    }
}
