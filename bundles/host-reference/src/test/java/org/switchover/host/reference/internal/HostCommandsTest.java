package org.switchover.host.reference.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.PrimitiveIterator;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;

class HostCommandsTest {

    private final PrimitiveIterator.OfLong ids = LongStream.iterate(101, i -> i + 1).iterator();
    private final SimulatedModule module = new SimulatedModule("TsServer", ids::nextLong);
    private final HostCommands commands = new HostCommands(() -> module);

    @Test
    void eachCommandPrintsTheNewStateAndId() {
        assertEquals("module TsServer RUNNING incarnation 101", commands._main("module"));
        assertEquals("module TsServer STOPPED incarnation 101", commands._main("module-stop"));
        assertEquals("module TsServer RUNNING incarnation 102", commands._main("module-start"));
        assertEquals("module TsServer HUNG incarnation 102", commands._main("module-hang"));
        assertEquals("module TsServer RUNNING incarnation 103", commands._main("module-restart"));
    }

    @Test
    void commandsChangeWhatAPingSees() {
        commands._main("module-stop");
        assertTrue(module.ping().toCompletableFuture().isCompletedExceptionally());
        commands._main("module-hang");
        assertFalse(module.ping().toCompletableFuture().isDone());
        String line = commands._main("module-restart");
        long id = module.ping().toCompletableFuture().getNow(-1L);
        assertTrue(line.endsWith(" " + id), line);
        assertNotEquals(101L, id);
    }

    @Test
    void scopedAndUpperCaseNamesWork() {
        assertEquals("module TsServer STOPPED incarnation 101", commands._main("host:MODULE-STOP"));
    }

    @Test
    void unknownCommandChangesNothing() {
        String line = commands._main("module-explode");
        assertTrue(line.startsWith("unknown command 'module-explode'"), line);
        assertEquals("module TsServer RUNNING incarnation 101", commands._main("module"));
    }
}
