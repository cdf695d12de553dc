package org.switchover.recovery.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.switchover.api.interaction.CallbackContent;
import org.switchover.api.interaction.Channel;
import org.switchover.api.interaction.Interaction;
import org.switchover.api.interaction.InteractionState;
import org.switchover.api.interaction.QueueRef;
import org.switchover.support.wire.MalformedMessageException;

/** The off-heap shadow store: newest version wins, removals respect versions, bytes are counted, bad input refused. */
class ShadowStoreTest {

    private static byte[] callback(String id, long version, int attempts) {
        return InteractionCodec.encode(new Interaction(id, Channel.CALLBACK, InteractionState.QUEUED,
                QueueRef.workgroup("w"), "", 1, version, Map.of(), new CallbackContent("+1 555", 9, attempts)));
    }

    private static Map<String, byte[]> contents(ShadowStore store) {
        Map<String, byte[]> out = new HashMap<>();
        store.forEach((id, encoded, length) -> out.put(id, java.util.Arrays.copyOf(encoded, length)));
        return out;
    }

    @Test
    void aShadowIsReplacedOnlyByAnEqualOrHigherVersion() throws Exception {
        ShadowStore store = new ShadowStore();
        byte[] v2 = callback("cb-1", 2, 1);
        store.keep("cb-1", v2);
        store.keep("cb-1", callback("cb-1", 1, 0));
        assertArrayEquals(v2, contents(store).get("cb-1"), "an older version does not replace a newer one");
        byte[] v3 = callback("cb-1", 3, 22);
        store.keep("cb-1", v3);
        assertArrayEquals(v3, contents(store).get("cb-1"));
        assertEquals(1, store.size());
        assertEquals(v3.length, store.bytes());
    }

    @Test
    void aRemovalOfAnOlderVersionKeepsTheNewerShadow() throws Exception {
        ShadowStore store = new ShadowStore();
        byte[] a = callback("a", 5, 1);
        byte[] b = callback("b", 1, 1);
        store.keep("a", a);
        store.keep("b", b);
        store.remove("a", 4);
        store.remove("b", 2);
        store.remove("absent", 9);
        assertEquals(Map.of("a", a.length), Map.of("a", contents(store).get("a").length));
        assertEquals(1, store.size());
        assertEquals(a.length, store.bytes());
        store.clear();
        assertEquals(0, store.size());
        assertEquals(0, store.bytes());
    }

    @Test
    void forEachVisitsEveryShadowOnceWhenItSpreadsOverThreads() throws Exception {
        ShadowStore store = new ShadowStore();
        for (int k = 0; k < 5000; k++) {
            store.keep("cb-" + k, callback("cb-" + k, 1, k % 7));
        }
        Map<String, byte[]> seen = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        store.forEach((id, encoded, length) -> {
            calls.incrementAndGet();
            seen.put(id, java.util.Arrays.copyOf(encoded, length));
        });
        assertEquals(5000, calls.get());
        assertEquals(5000, seen.size());
        assertEquals(4, InteractionCodec.decode(seen.get("cb-4")).content() instanceof CallbackContent c
                ? c.attempts() : -1);
    }

    @Test
    void anEncodingTooShortForAVersionIsRefusedAndChangesNothing() throws Exception {
        ShadowStore store = new ShadowStore();
        store.keep("a", callback("a", 1, 0));
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> store.keep("a", new byte[] {0, 0, 1}));
        assertTrue(e.getMessage().contains("version"), e.getMessage());
        assertEquals(1, InteractionCodec.decode(contents(store).get("a")).version());
    }

    @Test
    void usedUpDirectMemoryIsAClearErrorAndChangesNothing() throws Exception {
        int[] budget = {1};
        ShadowStore store = new ShadowStore(size -> {
            if (budget[0]-- <= 0) {
                throw new OutOfMemoryError("Cannot reserve " + size + " bytes of direct buffer memory");
            }
            return java.nio.ByteBuffer.allocate(size);
        });
        byte[] v1 = callback("cb-1", 1, 0);
        store.keep("cb-1", v1);
        ShadowMemoryFullException e = assertThrows(ShadowMemoryFullException.class,
                () -> store.keep("cb-1", callback("cb-1", 2, 5)));
        assertTrue(e.getMessage().contains("MaxDirectMemorySize") && e.getMessage().contains("1 shadows"),
                e.getMessage());
        assertArrayEquals(v1, contents(store).get("cb-1"), "the shadow held is unchanged");
        assertEquals(v1.length, store.bytes());
    }

    @Test
    void batchesHandEveryShadowOnceOnTheCallingThreadWithWorkersReadingAhead() throws Exception {
        ShadowStore store = new ShadowStore();
        int count = 5_000;
        for (int k = 0; k < count; k++) {
            store.keep("cb-" + k, callback("cb-" + k, 1, k % 7));
        }
        for (int batch : new int[] {1, 100, ShadowStore.CHUNK * 3, count, Integer.MAX_VALUE}) {
            java.util.Set<String> seen = new java.util.HashSet<>();
            java.util.List<Integer> sizes = new java.util.ArrayList<>();
            Thread caller = Thread.currentThread();
            store.forEachBatch(batch, (id, encoded, length) -> {
                try {
                    return InteractionCodec.decode(encoded, 0, length).id().equals(id) ? id : "mismatch " + id;
                } catch (MalformedMessageException e) {
                    throw new AssertionError(e);
                }
            }, results -> {
                assertTrue(Thread.currentThread() == caller, "the sink runs on the calling thread");
                sizes.add(results.size());
                for (String id : results) {
                    assertTrue(seen.add(id), "handed twice: " + id);
                }
            });
            assertEquals(count, seen.size(), "batch " + batch);
            int most = (int) Math.min(count, Math.max(ShadowStore.CHUNK, (long) batch + ShadowStore.CHUNK - 1)
                    / ShadowStore.CHUNK * ShadowStore.CHUNK);
            assertTrue(sizes.stream().allMatch(n -> n <= most), "batch " + batch + ": " + sizes);
        }
    }

    @Test
    void aReaderThatFailsStopsTheReadingWithItsCause() throws Exception {
        ShadowStore store = new ShadowStore();
        for (int k = 0; k < 2_000; k++) {
            store.keep("cb-" + k, callback("cb-" + k, 1, 0));
        }
        java.util.concurrent.atomic.AtomicInteger handed = new java.util.concurrent.atomic.AtomicInteger();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> store.forEachBatch(256,
                (id, encoded, length) -> {
                    if (id.equals("cb-1234")) {
                        throw new IllegalArgumentException("rule broke on " + id);
                    }
                    return id;
                }, results -> handed.addAndGet(results.size())));
        assertTrue(e.getMessage().contains("rule broke on cb-1234"), e.getMessage());
        assertTrue(handed.get() < 2_000, "the batch with the failure is not handed over");
    }
}
