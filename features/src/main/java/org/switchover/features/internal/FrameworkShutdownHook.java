package org.switchover.features.internal;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.launch.Framework;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops the OSGi framework when the JVM is asked to shut down (SIGTERM, SIGINT), so every component deactivates:
 * sockets close, threads end, stores flush. The bnd launcher of the standalone node installs no such hook and would
 * otherwise let the JVM exit with the framework still running. Only part of the standalone runtime
 * (features/switchover.bndrun); Karaf handles its own shutdown.
 */
@Component(name = "org.switchover.features.shutdown", service = {}, immediate = true)
public final class FrameworkShutdownHook {

    /** Longest wait for the framework to stop before the JVM goes down anyway. */
    static final long STOP_TIMEOUT_MS = 30_000L;

    private static final Logger LOG = LoggerFactory.getLogger(FrameworkShutdownHook.class);

    private final Thread hook;

    @Activate
    public FrameworkShutdownHook(BundleContext context) {
        Bundle system = context.getBundle(0L);
        hook = new Thread(() -> stop(system), "switchover-features-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    @Deactivate
    void deactivate() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The JVM is already running the hook that is stopping us: nothing to remove.
            LOG.debug("JVM shutdown in progress; hook stays", shuttingDown);
        }
    }

    /** @return the registered hook thread (tests run it directly instead of shutting the JVM down) */
    Thread hook() {
        return hook;
    }

    private static void stop(Bundle system) {
        if ((system.getState() & (Bundle.ACTIVE | Bundle.STARTING)) == 0) {
            return;
        }
        LOG.info("JVM shutting down: stopping the OSGi framework");
        try {
            system.stop();
            if (system instanceof Framework) {
                int type = ((Framework) system).waitForStop(STOP_TIMEOUT_MS).getType();
                LOG.info("OSGi framework stopped (event type {})", type);
            }
        } catch (BundleException | RuntimeException e) {
            LOG.error("Stopping the OSGi framework failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("Interrupted while waiting for the OSGi framework to stop");
        }
    }
}
