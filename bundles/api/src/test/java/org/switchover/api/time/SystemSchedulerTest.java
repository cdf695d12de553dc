package org.switchover.api.time;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class SystemSchedulerTest {

    /**
     * The scheduler's thread is made on its first task, on the caller's thread. In a node that caller is often a
     * Gogo shell command, and Gogo keeps the command session's System.err in an inheritable thread-local: a thread
     * that inherited it logged into the closed session (the DS sync "degraded" audit lines were lost that way).
     */
    @Test
    void theThreadInheritsNoInheritableThreadLocalOfTheThreadThatMadeIt() throws Exception {
        InheritableThreadLocal<String> session = new InheritableThreadLocal<>();
        session.set("the caller's shell session");
        SystemScheduler s = new SystemScheduler("test-scheduler");
        try {
            CompletableFuture<String> seen = new CompletableFuture<>();
            s.execute(() -> seen.complete(String.valueOf(session.get())));
            assertEquals("null", seen.get(10, TimeUnit.SECONDS));
        } finally {
            s.shutdown();
            session.remove();
        }
    }
}
