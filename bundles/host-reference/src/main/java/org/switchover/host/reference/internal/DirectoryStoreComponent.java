package org.switchover.host.reference.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

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
public final class DirectoryStoreComponent extends MvDirectoryStore {

    private static final Logger LOG = LoggerFactory.getLogger(DirectoryStoreComponent.class);

    /** The keys read from the node PID. */
    @ObjectClassDefinition(name = "Switchover reference host directory store")
    public @interface Config {
        @AttributeDefinition(name = "Data Directory", description = "Node data directory; the store lives in ds/")
        String data_dir() default "${switchover.home}/data";
    }

    @Activate
    public DirectoryStoreComponent(BundleContext context, Map<String, Object> props) throws IOException {
        super(directory(context, props));
    }

    private static Path directory(BundleContext context, Map<String, Object> props) {
        ConfigReader r = new ConfigReader(Config.class, props, LOG::warn);
        return ConfigReader.dataDir(r.text("data_dir"), context::getProperty, LOG::warn).resolve("ds");
    }

    @Deactivate
    void deactivate() {
        close();
    }
}
