package org.switchover.features.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;

import org.apache.felix.framework.FrameworkFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;

class FrameworkShutdownHookTest {

    @TempDir
    Path storage;

    private Framework framework;

    @AfterEach
    void stopFramework() throws Exception {
        if (framework != null && framework.getState() == Bundle.ACTIVE) {
            framework.stop();
            framework.waitForStop(10_000);
        }
    }

    @Test
    void runningTheHookStopsTheFramework() throws Exception {
        framework = startFramework();
        FrameworkShutdownHook shutdown = new FrameworkShutdownHook(framework.getBundleContext());
        try {
            shutdown.hook().run();
            assertEquals(Bundle.RESOLVED, framework.getState(), "the framework is stopped when the hook returns");
        } finally {
            shutdown.deactivate();
        }
    }

    @Test
    void deactivationUnregistersTheHook() throws Exception {
        framework = startFramework();
        FrameworkShutdownHook shutdown = new FrameworkShutdownHook(framework.getBundleContext());
        shutdown.deactivate();
        // Registered hooks cannot be listed; removing it again tells whether it was still registered.
        assertFalse(Runtime.getRuntime().removeShutdownHook(shutdown.hook()));
    }

    @Test
    void theHookDoesNothingOnAStoppedFramework() throws Exception {
        framework = startFramework();
        FrameworkShutdownHook shutdown = new FrameworkShutdownHook(framework.getBundleContext());
        try {
            framework.stop();
            framework.waitForStop(10_000);
            shutdown.hook().run();
            assertTrue((framework.getState() & (Bundle.RESOLVED | Bundle.INSTALLED)) != 0);
        } finally {
            shutdown.deactivate();
        }
    }

    private Framework startFramework() throws Exception {
        Framework fw = new FrameworkFactory().newFramework(Map.of(
                Constants.FRAMEWORK_STORAGE, storage.toString(),
                Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT));
        fw.start();
        return fw;
    }
}
