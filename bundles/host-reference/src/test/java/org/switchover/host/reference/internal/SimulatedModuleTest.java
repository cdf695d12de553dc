package org.switchover.host.reference.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.PrimitiveIterator;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.switchover.host.reference.internal.SimulatedModule.State;

class SimulatedModuleTest {

    @Test
    void runningModuleAnswersWithItsIncarnationId() throws Exception {
        SimulatedModule m = new SimulatedModule("TsServer");
        long id = m.status().incarnation();
        assertTrue(id > 0, "incarnation id must be positive");
        assertEquals(id, m.ping().toCompletableFuture().getNow(-1L));
        assertEquals(id, m.ping().toCompletableFuture().getNow(-1L), "same id while the module keeps running");
    }

    @Test
    void stoppedModuleFailsAtOnceNamingTheModule() {
        SimulatedModule m = new SimulatedModule("TsServer");
        m.stop();
        CompletableFuture<Long> f = m.ping().toCompletableFuture();
        assertTrue(f.isCompletedExceptionally(), "a stopped module fails the ping at once");
        ExecutionException e = assertThrowsExecution(f::get);
        assertEquals("module TsServer is stopped", e.getCause().getMessage());
    }

    @Test
    void hungModuleNeverAnswersAndRestartDropsThePendingPings() {
        SimulatedModule m = new SimulatedModule("IP");
        long before = m.status().incarnation();
        m.hang();
        CompletableFuture<Long> f = m.ping().toCompletableFuture();
        assertFalse(f.isDone());
        assertEquals(1, m.pendingPings());

        SimulatedModule.Status after = m.restart();
        assertEquals(State.RUNNING, after.state());
        assertNotEquals(before, after.incarnation(), "a restart is a new incarnation");
        assertEquals(0, m.pendingPings(), "pings held by the hang are dropped on restart");
        assertFalse(f.isDone(), "the old incarnation never answers them");
        assertEquals(after.incarnation(), m.ping().toCompletableFuture().getNow(-1L));
    }

    @Test
    void pendingPingsOfAHangAreBounded() {
        SimulatedModule m = new SimulatedModule("TsServer");
        m.hang();
        for (int i = 0; i < SimulatedModule.MAX_PENDING_PINGS + 50; i++) {
            m.ping();
        }
        assertEquals(SimulatedModule.MAX_PENDING_PINGS, m.pendingPings());
    }

    @Test
    void restartNeverReusesThePreviousIdEvenWhenTheSourceRepeatsIt() {
        // The id source offers 7 twice in a row, then a non-positive value, then 9.
        PrimitiveIterator.OfLong ids = LongStream.of(7, 7, 0, -3, 9, 9, 9).iterator();
        SimulatedModule m = new SimulatedModule("TsServer", ids::nextLong);
        assertEquals(7, m.status().incarnation());
        assertEquals(9, m.restart().incarnation());
    }

    @Test
    void startRunsAStoppedModuleUnderANewIdAndLeavesARunningOneAlone() {
        SimulatedModule m = new SimulatedModule("TsServer");
        long first = m.status().incarnation();
        assertEquals(first, m.start().incarnation(), "start on a running module changes nothing");
        m.stop();
        assertEquals(State.STOPPED, m.status().state());
        assertEquals(first, m.status().incarnation(), "a stopped module still shows its last id");
        SimulatedModule.Status started = m.start();
        assertEquals(State.RUNNING, started.state());
        assertNotEquals(first, started.incarnation());
    }

    @Test
    void manyRestartsGiveDistinctConsecutiveIds() {
        SimulatedModule m = new SimulatedModule("TsServer");
        long previous = m.status().incarnation();
        for (int i = 0; i < 100; i++) {
            long next = m.restart().incarnation();
            assertTrue(next > 0);
            assertNotEquals(previous, next);
            previous = next;
        }
    }

    private static ExecutionException assertThrowsExecution(Executable e) {
        return org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, e);
    }
}
