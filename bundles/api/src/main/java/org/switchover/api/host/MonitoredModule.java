package org.switchover.api.host;

import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * The module whose health decides a switch (the reference's TsServer or IP), provided by the host on each node and
 * pinged by the backup through the notifier. Registered with the service property {@link #MODULE_NAME}.
 */
@ConsumerType
public interface MonitoredModule {

    /** Service property, String: the module's name, {@link #TS_SERVER} or {@link #IP}. */
    String MODULE_NAME = "module.name";
    /** Module name of the telephony server. */
    String TS_SERVER = "TsServer";
    /** Module name of the interaction processor. */
    String IP = "IP";

    /**
     * Answers a ping. A running module completes the stage with its incarnation id, a number that stays the same
     * for one run of the module and changes when it restarts. A stopped module completes exceptionally at once; a
     * hung module may never complete (callers apply their own timeout). Must not block the caller.
     *
     * @return the incarnation id
     */
    CompletionStage<Long> ping();
}
