package org.switchover.api.monitor;

import org.osgi.annotation.versioning.ConsumerType;

/** Receives the module monitor's SYSTEM_OK and MODULE_DOWN events (the primary monitor provides it). */
@ConsumerType
public interface ModuleMonitorListener {

    /** A ping reply arrived and the module is not restarting too often. @param incarnation the module's id */
    void systemOk(long incarnation);

    /** The error limit on the auxiliary connection or a restart limit was reached. @param why for the log */
    void moduleDown(String why);

    /**
     * The module answers, but it restarted more often than {@code Switchover Max Restarts} (within
     * {@code Switchover Max Restarts Period}) or {@code Switchover Max Sequential Restarts} allow. The module
     * monitor calls this instead of {@link #moduleDown(String)} in that case. By default it is reported as
     * module down; a listener that confirms a module-down by pinging the module itself (the primary monitor)
     * overrides it, because here an answer does not mean the module is well. Called on the module monitor's
     * thread; must not block.
     *
     * @param why for the log
     * @since 1.1
     */
    default void moduleRestartingTooOften(String why) {
        moduleDown(why);
    }

    /**
     * The module monitor's timing changed (its configuration was modified). Called on the module monitor's or the
     * configuration thread; must not block. Nothing by default.
     *
     * @param timing the timing now in force
     * @since 2.0
     */
    default void timingChanged(ModuleTiming timing) {
    }
}
