package org.switchover.api.notifier;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard service told about every change of a connection's status. Called on a notifier thread, without locks
 * held, in the order the changes happened; must not block.
 */
@ConsumerType
public interface LinkStatusListener {

    /** @param status the new status of one link */
    void statusChanged(LinkStatus status);
}
