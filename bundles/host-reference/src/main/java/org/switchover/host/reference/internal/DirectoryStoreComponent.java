package org.switchover.host.reference.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
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
 */
@Component(name = "org.switchover.host.reference.ds", service = DirectoryStore.class, immediate = true,
        configurationPid = {"org.switchover.node", "org.switchover.host.reference.ds"})
public final class DirectoryStoreComponent implements DirectoryStore {

    private static final Logger LOG = LoggerFactory.getLogger(DirectoryStoreComponent.class);
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([^}]+)}");

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
        Path dir = resolve(r.text("data_dir"), context::getProperty).resolve("ds");
        this.store = new MvDirectoryStore(dir);
    }

    static Path resolve(String text, java.util.function.Function<String, String> lookup) {
        String t = text == null || text.isBlank() ? "${switchover.home}/data" : text.trim();
        Matcher m = VARIABLE.matcher(t);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String v = lookup.apply(m.group(1));
            if (v == null) {
                LOG.warn("Property '{}' used in data.dir '{}' is not set; using the working directory", m.group(1), t);
                v = ".";
            }
            m.appendReplacement(out, Matcher.quoteReplacement(v));
        }
        m.appendTail(out);
        return Paths.get(out.toString()).toAbsolutePath().normalize();
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
    public AutoCloseable addListener(DirectoryListener listener) {
        return store.addListener(listener);
    }
}
