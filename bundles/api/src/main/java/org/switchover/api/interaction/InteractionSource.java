package org.switchover.api.interaction;

import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * The host's interactions of one channel, registered by the host as a service with the property
 * {@link RecoveryProtocol#CHANNEL_PROPERTY} set to the channel's {@link Channel#key() key}. Thread-safe.
 */
@ConsumerType
public interface InteractionSource {

    /** @return the channel this source serves */
    Channel channel();

    /**
     * Adds a change listener.
     *
     * @param listener told about every change from now on
     * @return closing it removes the listener
     */
    AutoCloseable addListener(InteractionListener listener);

    /**
     * A page of the live interactions in id order, for a full synchronisation: the interactions whose id sorts
     * after {@code afterId}, at most {@code limit} of them. Each is a consistent version; pages need not be one
     * snapshot (changes made meanwhile also reach the change feed).
     *
     * @param afterId "" for the first page, else the last id of the previous page
     * @param limit at most this many
     * @return the page, in id order
     */
    List<Interaction> page(String afterId, int limit);

    /** @return how many interactions of this channel are live */
    int count();

    /**
     * Makes the given interactions live, each with its id, creation time, queue, agent and content as given
     * (promotion at a switch). An interaction whose id is already live is replaced. Interactions in a workgroup
     * queue in state {@link InteractionState#QUEUED} are handed to distribution; callbacks are armed for their
     * requested time.
     *
     * @param interactions the interactions to restore
     * @return what the host could not keep, per interaction (empty when everything was kept)
     */
    List<RestoreIssue> restore(List<Interaction> interactions);
}
