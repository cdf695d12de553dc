package org.switchover.monitor.primary.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class IcmpProbeTest {

    @Test
    void loopbackAnswersAndAnUnresolvableNameDoesNot() throws Exception {
        try (IcmpProbe probe = new IcmpProbe()) {
            NetworkProbe.Result local = probe.ping("127.0.0.1", 1000).toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertTrue(local.reached(), local.detail());
            assertEquals("127.0.0.1", local.address());
            NetworkProbe.Result bad = probe.ping("no-such-host.invalid", 1000).toCompletableFuture()
                    .get(30, TimeUnit.SECONDS);
            assertFalse(bad.reached());
            assertTrue(bad.detail().contains("cannot resolve"), bad.detail());
        }
    }
}
