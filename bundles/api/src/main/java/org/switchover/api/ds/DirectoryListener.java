package org.switchover.api.ds;

import org.osgi.annotation.versioning.ConsumerType;

/** Receives the changes of a {@link DirectoryStore}, see {@link DirectoryStore#addListener}. */
@ConsumerType
public interface DirectoryListener {
    /** One committed change. Must be quick; must not write to the store. */
    void changed(DirectoryChange change);

    /**
     * One write call ({@link DirectoryStore#put}, {@link DirectoryStore#delete} or a batch {@link
     * DirectoryStore#write}) that changed something has been announced to every listener: called once per such call,
     * on the writing thread, after the store's write lock is released and before the call returns to its caller
     * (so other writers go on meanwhile). A replicating listener may block here, bounded in time, until its replica
     * confirms the write: that is how synchronous replication holds back the confirmation to the host. Must not
     * write to the store. The default does nothing.
     *
     * @param lastChangeNumber the change number of the call's last change
     * @since 1.2
     */
    default void written(long lastChangeNumber) {
    }
}
