package org.switchover.notifier.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StreamBacklogTest {

    private static StreamBacklog filled(int capacity, int messages) {
        StreamBacklog b = new StreamBacklog(capacity);
        for (int i = 1; i <= messages; i++) {
            assertEquals(i, b.append(new byte[] {(byte) i}));
        }
        return b;
    }

    @Test
    void sameIdInsideTheBacklogResumesAfterThePosition() {
        StreamBacklog b = filled(10, 25); // keeps 16..25
        assertEquals(16, b.oldest());
        StreamBacklog.Decision d = b.decide("e1", "e1", 15);
        assertTrue(d.resume());
        assertEquals(16, d.nextSeq());
        assertTrue(b.decide("e1", "e1", 25).resume(), "a follower at the head resumes with nothing to send");
        assertEquals(26, b.decide("e1", "e1", 25).nextSeq());
    }

    @Test
    void otherIdOrPositionOutsideTheBacklogResyncs() {
        StreamBacklog b = filled(10, 25);
        StreamBacklog.Decision gone = b.decide("e1", "e1", 14);
        assertFalse(gone.resume(), "message 15 has left the backlog");
        assertEquals(25, gone.head());
        assertEquals(26, gone.nextSeq());
        assertFalse(b.decide("e2", "e1", 20).resume(), "other replication id");
        assertFalse(b.decide("e1", "", 0).resume(), "a follower with nothing must resynchronise");
        assertFalse(b.decide("e1", "e1", 30).resume(), "a follower ahead of the publisher");
    }

    @Test
    void anEmptyBacklogResumesAFollowerOfTheSameIdAtZero() {
        StreamBacklog b = new StreamBacklog(5);
        assertTrue(b.decide("e1", "e1", 0).resume());
        assertFalse(b.decide("e1", "e1", 3).resume());
    }

    @Test
    void readingBehindTheBacklogIsAnOverrun() {
        StreamBacklog b = filled(4, 10); // keeps 7..10
        StreamBacklog.Slice s = b.read(5, 10);
        assertTrue(s.overrun());
        assertTrue(s.payloads().isEmpty());
        StreamBacklog.Slice ok = b.read(8, 2);
        assertFalse(ok.overrun());
        assertEquals(2, ok.payloads().size());
        assertEquals(8, ok.payloads().get(0)[0]);
        StreamBacklog.Slice end = b.read(11, 10);
        assertFalse(end.overrun());
        assertTrue(end.payloads().isEmpty());
    }

    @Test
    void resizingKeepsTheNewestMessages() {
        StreamBacklog b = filled(10, 12); // 3..12
        b.resize(4);
        assertEquals(9, b.oldest());
        assertEquals(12, b.read(12, 1).payloads().get(0)[0]);
        b.resize(8);
        b.append(new byte[] {13});
        assertEquals(9, b.oldest());
        assertEquals(13, b.read(13, 1).payloads().get(0)[0]);
        assertEquals(5, b.size());
    }
}
