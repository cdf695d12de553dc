package org.switchover.it.system;

import java.io.IOException;

import org.switchover.notifier.internal.NotifierEngine;

/** Public face of {@link PeerHarness} for the benchmarks in another package. */
public final class PeerHarnessAccess implements AutoCloseable {

    private final PeerHarness harness;

    private PeerHarnessAccess(PeerHarness harness) {
        this.harness = harness;
    }

    /** Starts the peer process and the local engine, linked straight to it, with both links active. */
    public static PeerHarnessAccess start(String name, int backlog) throws IOException {
        return new PeerHarnessAccess(new PeerHarness(name, backlog, false));
    }

    /** @return the local node-B engine. */
    public NotifierEngine node() {
        return harness.node;
    }

    /** Sends a control request to the peer and returns the reply text. */
    public String control(String eventId, String payload) {
        return PeerHarness.text(harness.control(eventId, payload));
    }

    @Override
    public void close() {
        harness.close();
    }
}
