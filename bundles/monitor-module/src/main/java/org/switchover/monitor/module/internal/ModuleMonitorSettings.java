package org.switchover.monitor.module.internal;

import java.util.function.Consumer;

import org.switchover.api.ServerParameters;
import org.switchover.api.config.ConfigReader;
import org.switchover.api.host.MonitoredModule;
import org.switchover.api.monitor.ModuleTiming;
import org.switchover.api.notifier.Link;

/**
 * One consistent set of module-monitor parameters (PID {@code org.switchover.monitor.module}), replaced as a whole
 * on every configuration change. The module monitor and the primary's ping handler both read the PID through
 * {@link #from}; the primary monitor gets what it needs as {@link #timing()} from the module monitor service.
 *
 * @param moduleName TsServer or IP ({@code Switchover Monitoring})
 * @param tsTimeoutS {@code Switchover TS Timeout}, s
 * @param tsRetryDelayS {@code Switchover TS Failure Retry Delay}, s
 * @param ipTimeoutS {@code Switchover IP Timeout}, s
 * @param ipRetryDelayS {@code Switchover IP Retry Delay}, s
 * @param maxFailures {@code Switchover Max TS Failures}
 * @param pingOnAux {@code Switchover Ping on Aux Connection}
 * @param maxRestarts {@code Switchover Max Restarts}
 * @param restartsPeriodS {@code Switchover Max Restarts Period}, s
 * @param maxSequentialRestarts {@code Switchover Max Sequential Restarts}
 */
record ModuleMonitorSettings(String moduleName, int tsTimeoutS, int tsRetryDelayS, int ipTimeoutS, int ipRetryDelayS,
                             int maxFailures, boolean pingOnAux, int maxRestarts, int restartsPeriodS,
                             int maxSequentialRestarts) {

    static final ModuleMonitorSettings DEFAULTS =
            new ModuleMonitorSettings(MonitoredModule.TS_SERVER, 10, 1, 10, 1, 2, false, 2, 300, 2);

    /**
     * Reads the parameters, keeping {@code previous} values where the new ones are malformed.
     *
     * @param p a reader over {@link ModuleMonitorComponent.Config} (its warning sink gets bad values)
     * @param previous the values in force
     * @param warn receives the warning about a module name that is neither TsServer nor IP
     * @return the new settings
     */
    static ModuleMonitorSettings from(ConfigReader p, ModuleMonitorSettings previous, Consumer<String> warn) {
        String name = moduleName(p.text("switchover_monitoring"));
        if (name == null) {
            warn.accept(String.format("Parameter '%s' (%s): '%s' is neither TsServer nor IP; keeping %s",
                    ServerParameters.SWITCHOVER_MONITORING, "switchover.monitoring", p.text("switchover_monitoring"),
                    previous.moduleName()));
            name = previous.moduleName();
        }
        // Names and ranges come from the @AttributeDefinition of each parameter (ModuleMonitorComponent.Config).
        return new ModuleMonitorSettings(name,
                p.integer("switchover_ts_timeout", previous.tsTimeoutS()),
                p.integer("switchover_ts_failure_retry_delay", previous.tsRetryDelayS()),
                p.integer("switchover_ip_timeout", previous.ipTimeoutS()),
                p.integer("switchover_ip_retry_delay", previous.ipRetryDelayS()),
                p.integer("switchover_max_ts_failures", previous.maxFailures()),
                p.bool("switchover_ping_on_aux_connection", previous.pingOnAux()),
                p.integer("switchover_max_restarts", previous.maxRestarts()),
                p.integer("switchover_max_restarts_period", previous.restartsPeriodS()),
                p.integer("switchover_max_sequential_restarts", previous.maxSequentialRestarts()));
    }

    boolean ip() {
        return MonitoredModule.IP.equals(moduleName);
    }

    /** @return ping timeout and regular period in ms for the module being monitored. */
    long timeoutMillis() {
        return 1000L * (ip() ? ipTimeoutS : tsTimeoutS);
    }

    /** @return pause after a failed ping in ms for the module being monitored. */
    long retryDelayMillis() {
        return 1000L * (ip() ? ipRetryDelayS : tsRetryDelayS);
    }

    long restartsPeriodMillis() {
        return 1000L * restartsPeriodS;
    }

    /** @return what the primary monitor derives its defaults and its watchdog period from. */
    ModuleTiming timing() {
        return new ModuleTiming(moduleName, timeoutMillis(), retryDelayMillis(), maxFailures);
    }

    /** @return the connection pings use first. */
    Link preferred() {
        return pingOnAux ? Link.AUX : Link.MAIN;
    }

    /** @return the connection tried once the maximum is reached on the preferred one. */
    Link alternate() {
        return pingOnAux ? Link.MAIN : Link.AUX;
    }

    /** Normalises a {@code Switchover Monitoring} value. @return TsServer, IP, or null when it is neither */
    static String moduleName(String text) {
        String t = text == null ? "" : text.trim();
        if (t.equalsIgnoreCase(MonitoredModule.TS_SERVER)) {
            return MonitoredModule.TS_SERVER;
        }
        if (t.equalsIgnoreCase(MonitoredModule.IP)) {
            return MonitoredModule.IP;
        }
        return null;
    }
}
