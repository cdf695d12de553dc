package org.switchover.monitor.module.internal;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.api.ServerParameters;
import org.switchover.api.config.ConfigReader;
import org.switchover.api.log.Journal;
import org.switchover.api.monitor.ModuleMonitor;
import org.switchover.api.monitor.ModuleMonitorListener;
import org.switchover.api.monitor.ModuleTiming;
import org.switchover.api.notifier.Notifier;
import org.switchover.api.time.Scheduler;
import org.switchover.support.monitor.MonitorThread;

/**
 * The backup's module monitor (spec section 4): pings the monitored module (TsServer or IP) on the primary through
 * the notifier and reports SYSTEM_OK / MODULE_DOWN to the {@link ModuleMonitorListener} services. The primary
 * monitor starts and stops it.
 *
 * <p>All monitoring state lives in the {@link ModulePingLoop} on one scheduler thread
 * ({@code switchover-module-monitor-1}); the public methods only post work to it. Rules (see DECISIONS.md): a reply
 * resets the error count and the next ping follows one module timeout later; a rejected ping is an error and is
 * re-issued after the regular period; a timeout, a lost connection or a reply without an incarnation id is an error
 * and is retried after the retry delay; reaching the maximum on the first connection moves to the other one when it
 * is up, otherwise (or on the second connection) the module is reported down. A module restarting more often than
 * allowed is reported down too.
 */
@Component(name = ModuleMonitorComponent.PID, configurationPid = ModuleMonitorComponent.PID,
        service = ModuleMonitor.class)
@Designate(ocd = ModuleMonitorComponent.Config.class)
public final class ModuleMonitorComponent implements ModuleMonitor {

    /** Configuration PID (and component name, unchanged since the class was ModuleMonitorImpl). */
    public static final String PID = "org.switchover.monitor.module";

    private static final Logger LOG = LoggerFactory.getLogger(ModuleMonitorComponent.class);

    /** Parameters of the module monitor; the attribute names are the documented server-parameter names. */
    @ObjectClassDefinition(id = PID, name = "Switchover module monitor",
            description = "Pings of the monitored module (TsServer or IP) on the primary, made by the backup.")
    public @interface Config {

        @AttributeDefinition(name = ServerParameters.SWITCHOVER_TS_TIMEOUT, min = "5", max = "60",
                description = "TS timeout (s): how long a module ping may take before it fails, and the pause "
                        + "after a reply before the next ping.")
        int switchover_ts_timeout() default 10;

        @AttributeDefinition(name = ServerParameters.SWITCHOVER_TS_FAILURE_RETRY_DELAY, min = "1", max = "300",
                description = "TS failure retry delay (s): pause after a timed-out, lost or empty ping before the "
                        + "next one.")
        int switchover_ts_failure_retry_delay() default 1;

        @AttributeDefinition(name = ServerParameters.SWITCHOVER_MAX_TS_FAILURES, min = "1", max = "100",
                description = "Max TS failures (count): failed pings per connection; reaching it on the first "
                        + "connection moves to the other one, reaching it there reports the module down.")
        int switchover_max_ts_failures() default 2;

        @AttributeDefinition(name = ServerParameters.SWITCHOVER_PING_ON_AUX_CONNECTION,
                description = "Ping on aux connection (Yes/No, 1/0): Yes pings over the auxiliary connection "
                        + "first and falls back to the main one.")
        String switchover_ping_on_aux_connection() default "0";

        @AttributeDefinition(name = ServerParameters.SWITCHOVER_MAX_RESTARTS, min = "0", max = "100",
                description = "Max restarts (count): module restarts tolerated inside the restart period; one "
                        + "more reports the module down.")
        int switchover_max_restarts() default 2;

        @AttributeDefinition(name = ServerParameters.SWITCHOVER_MAX_RESTARTS_PERIOD, min = "1", max = "86400",
                description = "Max restarts period (s): the sliding window for Max Restarts.")
        int switchover_max_restarts_period() default 300;

        @AttributeDefinition(name = ServerParameters.SWITCHOVER_MAX_SEQUENTIAL_RESTARTS, min = "0", max = "100",
                description = "Max sequential restarts (count): consecutive replies with a new incarnation id "
                        + "tolerated; one more reports the module down.")
        int switchover_max_sequential_restarts() default 2;

        @AttributeDefinition(name = ServerParameters.SWITCHOVER_MONITORING,
                description = "Monitored module name (TsServer or IP).",
                options = {@Option(label = "TsServer", value = "TsServer"), @Option(label = "IP", value = "IP")})
        String switchover_monitoring() default "TsServer";

        @AttributeDefinition(name = ServerParameters.SWITCHOVER_IP_TIMEOUT, min = "5", max = "60",
                description = "IP timeout (s): TS timeout's counterpart when the module is IP.")
        int switchover_ip_timeout() default 10;

        @AttributeDefinition(name = ServerParameters.SWITCHOVER_IP_RETRY_DELAY, min = "1", max = "300",
                description = "IP retry delay (s): TS failure retry delay's counterpart when the module is IP.")
        int switchover_ip_retry_delay() default 1;
    }

    /**
     * Reads this PID; the ping handler reads it too, quietly.
     *
     * @param props the raw configuration
     * @param previous the values in force
     * @param warn receives one line per bad or clamped value
     * @return the new settings
     */
    static ModuleMonitorSettings readSettings(Map<String, ?> props, ModuleMonitorSettings previous,
                                              Consumer<String> warn) {
        return ModuleMonitorSettings.from(new ConfigReader(Config.class, props, warn), previous, warn);
    }

    private final MonitorThread thread;
    private final List<ModuleMonitorListener> listeners = new CopyOnWriteArrayList<>();
    private final ModuleMonitorListener fanOut = new FanOut();
    private volatile ModuleMonitorSettings settings = ModuleMonitorSettings.DEFAULTS;
    private volatile Notifier notifier;
    private volatile Journal journal;
    private volatile ModulePingLoop loop;
    private volatile boolean wanted;

    /** Used by Declarative Services: the component creates its own scheduler thread on activation. */
    public ModuleMonitorComponent() {
        this(null);
    }

    /** @param scheduler the scheduler to run on (tests pass a virtual one); null to own a system one */
    public ModuleMonitorComponent(Scheduler scheduler) {
        this.thread = new MonitorThread(scheduler, "switchover-module-monitor-1");
    }

    @Activate
    public void activate(Map<String, Object> properties) {
        Scheduler s = thread.open();
        journal = new Journal(s, LOG);
        loop = new ModulePingLoop(s, journal, LOG, () -> settings, () -> notifier, fanOut);
        configure(properties);
    }

    @Modified
    public void modified(Map<String, Object> properties) {
        configure(properties);
    }

    @Deactivate
    public void deactivate() {
        wanted = false;
        ModulePingLoop l = loop;
        // Lets the stop cancel the ping in flight before the thread ends.
        thread.close(l == null ? null : () -> l.halt("component deactivated"));
    }

    /** @Activate and @Modified both come here. */
    void configure(Map<String, ?> properties) {
        ModuleMonitorSettings old = settings;
        ModuleMonitorSettings now = readSettings(properties, old, LOG::warn);
        settings = now;
        if (!now.equals(old)) {
            LOG.info("Module monitor parameters: module {}, timeout {} s, retry delay {} s, max failures {}, "
                    + "first connection {}, max restarts {} in {} s, max sequential restarts {}",
                    now.moduleName(), now.timeoutMillis() / 1000, now.retryDelayMillis() / 1000,
                    now.maxFailures(), now.preferred(), now.maxRestarts(), now.restartsPeriodS(),
                    now.maxSequentialRestarts());
        }
        if (!now.timing().equals(old.timing())) {
            fanOut.timingChanged(now.timing());
        }
        Scheduler s = thread.scheduler();
        ModulePingLoop l = loop;
        if (s != null && l != null) {
            s.execute(() -> l.applySettings(old, now));
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public void setNotifier(Notifier n) {
        notifier = n;
    }

    public void unsetNotifier(Notifier n) {
        if (notifier == n) {
            notifier = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            service = ModuleMonitorListener.class)
    public void addListener(ModuleMonitorListener l) {
        listeners.add(l);
    }

    public void removeListener(ModuleMonitorListener l) {
        listeners.remove(l);
    }

    @Override
    public void start() {
        wanted = true;
        post(ModulePingLoop::start);
    }

    @Override
    public void stop() {
        wanted = false;
        post(l -> l.halt("stopped"));
    }

    @Override
    public boolean isRunning() {
        return wanted;
    }

    @Override
    public String statusLine() {
        ModulePingLoop l = loop;
        return l == null ? "module monitor not started" : l.status();
    }

    @Override
    public ModuleTiming timing() {
        return settings.timing();
    }

    /** @return the monitor's recent decisions, oldest first. */
    public List<Journal.Entry> journal() {
        return journal.entries();
    }

    /** @return the parameters in force. */
    ModuleMonitorSettings settings() {
        return settings;
    }

    private void post(Consumer<ModulePingLoop> work) {
        Scheduler s = thread.scheduler();
        ModulePingLoop l = loop;
        if (s != null && l != null) {
            s.execute(() -> work.accept(l));
        }
    }

    /** Delivers each event to every listener; one failing listener does not keep it from the others. */
    private final class FanOut implements ModuleMonitorListener {
        @Override
        public void systemOk(long incarnation) {
            fire("SYSTEM_OK", l -> l.systemOk(incarnation));
        }

        @Override
        public void moduleDown(String why) {
            fire("MODULE_DOWN", l -> l.moduleDown(why));
        }

        @Override
        public void moduleRestartingTooOften(String why) {
            fire("MODULE_DOWN (restarts)", l -> l.moduleRestartingTooOften(why));
        }

        @Override
        public void timingChanged(ModuleTiming timing) {
            fire("a timing change", l -> l.timingChanged(timing));
        }

        private void fire(String what, Consumer<ModuleMonitorListener> event) {
            for (ModuleMonitorListener l : listeners) {
                try {
                    event.accept(l);
                } catch (RuntimeException e) {
                    LOG.error("A module monitor listener failed on {}", what, e);
                }
            }
        }
    }
}
