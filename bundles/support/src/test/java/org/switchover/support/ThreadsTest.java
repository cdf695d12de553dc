package org.switchover.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class ThreadsTest {

    /** As SystemSchedulerTest: an executor's thread made on a shell command's thread must not log into its session. */
    @Test
    void threadsInheritNoInheritableThreadLocalOfTheThreadThatMadeThem() throws Exception {
        InheritableThreadLocal<String> session = new InheritableThreadLocal<>();
        session.set("the caller's shell session");
        ExecutorService e = Threads.single("test-threads");
        try {
            Future<String> seen = e.submit(() -> String.valueOf(session.get()) + " on " + Thread.currentThread().getName());
            assertEquals("null on test-threads-1", seen.get(10, TimeUnit.SECONDS));
        } finally {
            e.shutdownNow();
            session.remove();
        }
    }
}
