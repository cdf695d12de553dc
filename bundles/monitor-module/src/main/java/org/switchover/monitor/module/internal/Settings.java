package org.switchover.monitor.module.internal;

import org.switchover.api.host.MonitoredModule;
import org.switchover.api.notifier.Link;

/**
 * One consistent set of module-monitor parameters, replaced as a whole on every configuration change.
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
record Settings(String moduleName, int tsTimeoutS, int tsRetryDelayS, int ipTimeoutS, int ipRetryDelayS,
                int maxFailures, boolean pingOnAux, int maxRestarts, int restartsPeriodS,
                int maxSequentialRestarts) {

    static final Settings DEFAULTS = new Settings(MonitoredModule.TS_SERVER, 10, 1, 10, 1, 2, false, 2, 300, 2);

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
