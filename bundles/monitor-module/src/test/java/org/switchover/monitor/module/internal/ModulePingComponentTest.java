package org.switchover.monitor.module.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

import org.junit.jupiter.api.Test;
import org.switchover.api.host.MonitoredModule;
import org.switchover.api.notifier.EventIds;
import org.switchover.api.notifier.Request;
import org.switchover.testing.VirtualScheduler;

class ModulePingComponentTest {

    /** A module that is running with an id, stopped, or hung. */
    static final class Module implements MonitoredModule {
        volatile String state = "RUNNING";
        volatile long id = 0x0102030405060708L;

        @Override
        public CompletionStage<Long> ping() {
            return switch (state) {
                case "RUNNING" -> CompletableFuture.completedFuture(id);
                case "STOPPED" -> CompletableFuture.failedFuture(new IllegalStateException("module stopped"));
                default -> new CompletableFuture<>();
            };
        }
    }

    private final VirtualScheduler clock = new VirtualScheduler();
    private ModulePingComponent handler;
    private final Request request = new Request("*", EventIds.MODULE_PING, 1, "B/MAIN", new byte[0]);

    private static String failure(CompletionStage<byte[]> stage) {
        CompletableFuture<byte[]> f = stage.toCompletableFuture();
        assertTrue(f.isCompletedExceptionally(), "expected a failed answer");
        try {
            f.get();
            throw new AssertionError();
        } catch (ExecutionException e) {
            return e.getCause().getMessage();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void runningModuleAnswersWithItsIncarnationAsEightBytesBigEndian() throws Exception {
        handler = new ModulePingComponent(new HashMap<>(), clock);
        Module m = new Module();
        handler.addModule(m, Map.of(MonitoredModule.MODULE_NAME, "TsServer"));
        byte[] body = handler.handle(request).toCompletableFuture().get();
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, body);
        m.id = -5L;
        assertEquals(-5L, ByteBuffer.wrap(handler.handle(request).toCompletableFuture().get()).getLong());
    }

    @Test
    void noModuleOfTheConfiguredNameFailsTheAnswer() {
        handler = new ModulePingComponent(new HashMap<>(), clock);
        handler.addModule(new Module(), Map.of(MonitoredModule.MODULE_NAME, "IP"));
        assertTrue(failure(handler.handle(request)).contains("no monitored module named 'TsServer'"));
    }

    @Test
    void moduleIsChosenBySwitchoverMonitoring() throws Exception {
        handler = new ModulePingComponent(new HashMap<>(Map.of("switchover.monitoring", "IP")), clock);
        Module ts = new Module();
        ts.state = "STOPPED";
        Module ip = new Module();
        ip.id = 99;
        handler.addModule(ts, Map.of(MonitoredModule.MODULE_NAME, "TsServer"));
        handler.addModule(ip, Map.of(MonitoredModule.MODULE_NAME, "IP"));
        assertEquals(99L, ByteBuffer.wrap(handler.handle(request).toCompletableFuture().get()).getLong());
        handler.removeModule(ip);
        assertTrue(failure(handler.handle(request)).contains("no monitored module named 'IP'"));
    }

    @Test
    void stoppedModuleFailsTheAnswer() {
        handler = new ModulePingComponent(new HashMap<>(), clock);
        Module m = new Module();
        m.state = "STOPPED";
        handler.addModule(m, Map.of(MonitoredModule.MODULE_NAME, "TsServer"));
        assertTrue(failure(handler.handle(request)).contains("not running"));
    }

    @Test
    void hungModuleIsHeldOnlyForTheModuleTimeoutAndTheNumberWaitingIsBounded() {
        handler = new ModulePingComponent(new HashMap<>(Map.of("switchover.ts.timeout", 10)), clock);
        Module m = new Module();
        m.state = "HUNG";
        handler.addModule(m, Map.of(MonitoredModule.MODULE_NAME, "TsServer"));
        CompletableFuture<byte[]> first = handler.handle(request).toCompletableFuture();
        clock.advance(10_999);
        assertFalse(first.isDone(), "no answer while the pinger still waits");
        clock.advance(1);
        assertTrue(failure(first).contains("did not answer within 11000 ms"));
        assertEquals(0, handler.outstanding());

        for (int i = 0; i < ModulePingComponent.MAX_OUTSTANDING; i++) {
            handler.handle(request);
        }
        assertTrue(failure(handler.handle(request)).contains("too many module pings"));
        clock.advance(11_000);
        assertEquals(0, handler.outstanding());
    }
}
