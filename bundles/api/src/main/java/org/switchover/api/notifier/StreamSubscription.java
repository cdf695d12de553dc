package org.switchover.api.notifier;

import org.osgi.annotation.versioning.ProviderType;

/** A follower's live subscription to a stream; survives connection losses by resuming. */
@ProviderType
public interface StreamSubscription extends AutoCloseable {

    /** @return the position after the last applied message. */
    StreamPosition position();

    /** @return true while messages are flowing (the main link is active and the subscription accepted). */
    boolean isLive();

    /** Stops following. */
    @Override
    void close();
}
