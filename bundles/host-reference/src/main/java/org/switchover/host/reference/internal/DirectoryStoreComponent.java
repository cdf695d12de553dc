package org.switchover.host.reference.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.api.config.ConfigReader;
import org.switchover.api.ds.DirectoryEntry;
import org.switchover.api.ds.DirectoryListener;
import org.switchover.api.ds.DirectoryStore;

/**
 * The reference host's configuration tree: a durable {@link DirectoryStore} in {@code ${data.dir}/ds/}. It reads
 * {@code data.dir} from the shared node PID; a change of it reactivates the component (the store moves to the new
 * directory; this component has no {@code @Modified} on purpose, a store cannot change its file under its users).
 * It waits for the node configuration: opening a store before the node knows its data directory would create one in
 * the working directory.
 */
@Component(name = "org.switchover.host.reference.ds", service = DirectoryStore.class, immediate = true,
        configurationPid = "org.switchover.node", configurationPolicy = ConfigurationPolicy.REQUIRE)
public final class DirectoryStoreComponent implements DirectoryStore {

    private static final Logger LOG = LoggerFactory.getLogger(DirectoryStoreComponent.class);

    /** The keys read from the node PID. */
    @ObjectClassDefinition(name = "Switchover reference host directory store")
    public @interface Config {
        @AttributeDefinition(name = "Data Directory", description = "Node data directory; the store lives in ds/")
        String data_dir() default "${switchover.home}/data";
    }

    private final MvDirectoryStore store;

    @Activate
    public DirectoryStoreComponent(BundleContext context, Map<String, Object> props) throws IOException {
        ConfigReader r = new ConfigReader(Config.class, props, LOG::warn);
        Path dir = ConfigReader.dataDir(r.text("data_dir"), context::getProperty, LOG::warn).resolve("ds");
        this.store = new MvDirectoryStore(dir);
    }


    @Deactivate
    void deactivate() {
        store.close();
    }

    @Override
    public Optional<DirectoryEntry> get(String path) {
        return store.get(path);
    }

    @Override
    public long put(DirectoryEntry entry) {
        return store.put(entry);
    }

    @Override
    public long delete(String path) {
        return store.delete(path);
    }

    @Override
    public long write(List<org.switchover.api.ds.DirectoryWrite> writes) {
        return store.write(writes);
    }

    @Override
    public long changeNumber() {
        return store.changeNumber();
    }

    @Override
    public int size() {
        return store.size();
    }

    @Override
    public List<ChildNode> children(String path) {
        return store.children(path);
    }

    @Override
    public byte[] subtreeHash(String path) {
        return store.subtreeHash(path);
    }

    @Override
    public int count(String path) {
        return store.count(path);
    }

    @Override
    public List<DirectoryEntry> entries(String path) {
        return store.entries(path);
    }

    @Override
    public List<DirectoryEntry> entries(String path, String after, int limit) {
        return store.entries(path, after, limit);
    }

    @Override
    public AutoCloseable addListener(DirectoryListener listener) {
        return store.addListener(listener);
    }
}
