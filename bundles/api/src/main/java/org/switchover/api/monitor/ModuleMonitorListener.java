package org.switchover.api.monitor;

import org.osgi.annotation.versioning.ConsumerType;

/** Receives the module monitor's SYSTEM_OK and MODULE_DOWN events (the primary monitor provides it). */
@ConsumerType
public interface ModuleMonitorListener {

    /** A ping reply arrived and the module is not restarting too often. @param incarnation the module's id */
    void systemOk(long incarnation);

    /** The error limit on the auxiliary connection or a restart limit was reached. @param why for the log */
    void moduleDown(String why);
}
