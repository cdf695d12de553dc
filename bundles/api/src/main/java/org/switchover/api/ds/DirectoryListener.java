package org.switchover.api.ds;

import org.osgi.annotation.versioning.ConsumerType;

/** Receives the changes of a {@link DirectoryStore}, see {@link DirectoryStore#addListener}. */
@ConsumerType
public interface DirectoryListener {
    /** One committed change. Must be quick; must not write to the store. */
    void changed(DirectoryChange change);
}
