package org.switchover.api.interaction;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Read-only view of the interactions a node holds as its active resources, for the console's page and REST: on the
 * primary the host's live interactions of each recovered channel, on the backup the shadows replicated from the
 * primary. Registered by the Interaction Recovery Service while it runs. Thread-safe; answers from what is held
 * locally, never asks the network.
 *
 * @since 2.2
 */
@ProviderType
public interface ActiveResources {

    /** Largest page {@link #page} returns, whatever limit is asked for. */
    int MAX_PAGE = 500;

    /**
     * @param channel the channel
     * @param afterId "" for the first page, else the last id of the previous page
     * @param limit at most this many (capped at {@link #MAX_PAGE})
     * @return the channel's active resources whose id sorts after {@code afterId}, in id order; empty when the
     *     channel is not recovered on this node
     */
    List<Interaction> page(Channel channel, String afterId, int limit);

    /**
     * @param channel the channel
     * @param id the interaction's id
     * @return the interaction, when this node holds it as an active resource of that channel
     */
    Optional<Interaction> find(Channel channel, String id);
}
