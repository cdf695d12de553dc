package org.switchover.api.interaction;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Receives an {@link InteractionSource}'s changes. Called on the host's thread right after the host committed the
 * change, in the order of the changes of each interaction; must not block (the recovery service only queues the
 * change for the network).
 */
@ConsumerType
public interface InteractionListener {

    /** The interaction was created or changed; {@code now} is its whole state after the change. */
    void changed(Interaction now);

    /**
     * The interaction was released (deallocated) and no longer exists.
     *
     * @param id its id
     * @param version its version at release, higher than any it had before
     */
    void removed(String id, long version);
}
