package org.switchover.notifier.internal;

import java.time.Duration;
import java.util.Objects;

/**
 * What one peer may cost this notifier (issue 10: an authenticated peer must not exhaust memory, threads or
 * connections). Each value is a parameter of the notifier PID; see {@link NotifierComponent.Config}.
 *
 * @param connectionsPerAddress connections open at once from one source address, TLS handshake included
 * @param connectionsPerPeer connections open at once with one certificate subject, after the TLS handshake
 * @param frameTimeout how long a frame may stay half-received before its connection is closed
 * @param outputPauseBytes bytes waiting to be sent to a peer at which this notifier stops reading from it (it resumes
 *     below half); also the point where stream sending pauses
 * @param subscriptionsPerConnection distinct stream names one connection may follow
 */
public record Limits(int connectionsPerAddress, int connectionsPerPeer, Duration frameTimeout, int outputPauseBytes,
                     int subscriptionsPerConnection) {

    /** The documented defaults. */
    public static final Limits DEFAULT = new Limits(16, 8, Duration.ofSeconds(30), 4 * 1024 * 1024, 64);

    /** Largest frame accepted before the logon is answered: a HELLO is a few hundred bytes. */
    static final int LOGON_FRAME_BYTES = 64 * 1024;

    /** Checks what would otherwise break the engine. */
    public Limits {
        Objects.requireNonNull(frameTimeout, "frameTimeout");
        if (connectionsPerAddress < 1 || connectionsPerPeer < 1 || subscriptionsPerConnection < 1
                || outputPauseBytes < 1024 || frameTimeout.toMillis() < 1) {
            throw new IllegalArgumentException("notifier limits must be positive (output pause at least 1024 bytes): "
                    + this);
        }
    }
}
