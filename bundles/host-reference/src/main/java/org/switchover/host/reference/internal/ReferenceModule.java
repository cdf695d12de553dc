package org.switchover.host.reference.internal;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.concurrent.CompletionStage;

import org.osgi.annotation.bundle.Capability;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.api.ParameterRange;
import org.switchover.api.host.MonitoredModule;

/**
 * The reference host's monitored module. It publishes {@link MonitoredModule} with the configured
 * {@code module.name} and lets the shell commands stop, hang and restart it.
 *
 * <p>The {@code MonitoredModule} service is registered by hand rather than by DS: DS would copy any configured
 * {@code module.name} into the service properties, including a misspelt one, while a bad value here must be refused
 * and the previous name kept.
 */
// Declares the hand-registered service for the resolver, as DS would have done.
@Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=\"org.switchover.api.host.MonitoredModule\"",
        uses = MonitoredModule.class)
@Component(name = ReferenceModule.PID, service = ModuleControl.class, immediate = true)
@Designate(ocd = ReferenceModule.Config.class)
public final class ReferenceModule implements ModuleControl {

    /** Configuration PID shared with {@link ReferenceHostStartup}. */
    public static final String PID = "org.switchover.host.reference";

    /** Largest start-up time accepted, in seconds. */
    static final int MAX_STARTUP_SECONDS = 3600;

    @ObjectClassDefinition(name = "Switchover reference host",
            description = "The simulated monitored module and start-up phase of the reference host")
    public @interface Config {

        @AttributeDefinition(name = "Module name",
                description = "Name under which the module is published (TsServer or IP)",
                options = {@Option(value = MonitoredModule.TS_SERVER, label = MonitoredModule.TS_SERVER),
                        @Option(value = MonitoredModule.IP, label = MonitoredModule.IP)})
        String module_name() default MonitoredModule.TS_SERVER;

        @AttributeDefinition(name = "Host start-up time (s)",
                description = "How long the host reports itself as starting after activation (s)")
        int startup_seconds() default 0;
    }

    private static final Logger LOG = LoggerFactory.getLogger(ReferenceModule.class);

    private final SimulatedModule module;
    private final ServiceRegistration<MonitoredModule> registration;

    @Activate
    public ReferenceModule(BundleContext context, Config config) {
        String name = validName(config.module_name(), MonitoredModule.TS_SERVER);
        module = new SimulatedModule(name);
        MonitoredModule service = new MonitoredModule() {
            @Override
            public CompletionStage<Long> ping() {
                return module.ping();
            }

            @Override
            public String toString() {
                return "MonitoredModule[" + module.status().line() + "]";
            }
        };
        registration = context.registerService(MonitoredModule.class, service, properties(name));
        LOG.info("Reference host module published: {}", module.status().line());
    }

    @Modified
    void modified(Config config) {
        String current = module.status().name();
        String name = validName(config.module_name(), current);
        if (!name.equals(current)) {
            module.rename(name);
            registration.setProperties(properties(name));
            LOG.info("Reference host module renamed {} -> {}", current, name);
        }
    }

    @Deactivate
    void deactivate() {
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyGone) {
            LOG.debug("MonitoredModule already unregistered", alreadyGone);
        }
        LOG.info("Reference host module withdrawn: {}", module.status().line());
    }

    @Override
    public SimulatedModule module() {
        return module;
    }

    /** Start-up seconds of a configuration, clamped to 0..{@value #MAX_STARTUP_SECONDS}. */
    static int startupSeconds(Config config) {
        return ParameterRange.clamp("Host start-up time", config.startup_seconds(), 0, MAX_STARTUP_SECONDS,
                LOG::warn);
    }

    private static String validName(String configured, String fallback) {
        String trimmed = configured == null ? "" : configured.trim();
        if (MonitoredModule.TS_SERVER.equalsIgnoreCase(trimmed)) {
            return MonitoredModule.TS_SERVER;
        }
        if (MonitoredModule.IP.equalsIgnoreCase(trimmed)) {
            return MonitoredModule.IP;
        }
        LOG.error("Configuration {}: module.name '{}' is neither {} nor {}; keeping {}", PID, configured,
                MonitoredModule.TS_SERVER, MonitoredModule.IP, fallback);
        return fallback;
    }

    private static Dictionary<String, Object> properties(String name) {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(MonitoredModule.MODULE_NAME, name);
        props.put("service.description", "Switchover reference host module " + name);
        return props;
    }
}
