package org.switchover.host.reference.internal;

import java.io.IOException;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.switchover.api.NodeIdentity;
import org.switchover.api.ds.DirectoryStore;

/**
 * The reference host's configuration tree: a durable {@link DirectoryStore} in {@code <data dir>/ds/}, the data
 * directory of the node's {@link NodeIdentity}. A changed identity re-registers that service and so reactivates
 * this component (the store moves to the new directory; a store cannot change its file under its users). It waits
 * for the identity: opening a store before the node knows its data directory would create one in the working
 * directory.
 */
@Component(name = "org.switchover.host.reference.ds", service = DirectoryStore.class, immediate = true,
        configurationPolicy = ConfigurationPolicy.IGNORE)
public final class DirectoryStoreComponent extends MvDirectoryStore {

    @Activate
    public DirectoryStoreComponent(@Reference NodeIdentity identity) throws IOException {
        super(identity.dataDir().resolve("ds"));
    }

    @Deactivate
    void deactivate() {
        close();
    }
}
