package org.switchover.it.felix;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.ops4j.pax.exam.Option;
import org.switchover.it.support.Certs;

/**
 * Provisioning for Pax Exam tests in a native Felix framework: the OSGi services our bundles need, the libraries,
 * and our bundles straight from their reactor {@code target/} folders (they are not in the local repository during
 * {@code mvn verify}).
 */
public final class FelixOptions {
    private FelixOptions() {
    }

    /** @return the repository root, passed by failsafe as {@code switchover.root}. */
    public static Path root() {
        String r = System.getProperty("switchover.root");
        if (r == null) {
            throw new IllegalStateException("system property switchover.root is not set (run through Maven failsafe)");
        }
        return Path.of(r);
    }

    /** @return a reactor bundle by its folder under {@code bundles/} and its symbolic name. */
    public static Option reactorBundle(String folder, String symbolicName) {
        Path jar = root().resolve("bundles").resolve(folder).resolve("target")
                .resolve(symbolicName + "-" + System.getProperty("switchover.version") + ".jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("bundle not built: " + jar);
        }
        return bundle(jar.toUri().toString());
    }

    /**
     * The per-test properties every Felix test passes into the framework: the test certificates ({@code it.certs}),
     * a fresh working directory ({@code it.dir}) and the framework's log file in it ({@code it.log}).
     */
    public static Option testDir(Path dir) throws IOException {
        String log = dir.resolve("felix.log").toString();
        return composite(systemProperty("it.certs").value(Certs.dir().toString()),
                systemProperty("it.dir").value(dir.toString()),
                systemProperty("org.slf4j.simpleLogger.logFile").value(log),
                systemProperty("it.log").value(log));
    }

    /** @return the OSGi services and libraries every test framework needs. */
    public static Option platform() {
        return composite(
                systemProperty("org.slf4j.simpleLogger.showDateTime").value("true"),
                mavenBundle("org.slf4j", "slf4j-api").versionAsInProject(),
                mavenBundle("org.slf4j", "slf4j-simple").versionAsInProject().noStart(),
                mavenBundle("org.osgi", "org.osgi.util.function").versionAsInProject(),
                mavenBundle("org.osgi", "org.osgi.util.promise").versionAsInProject(),
                mavenBundle("org.osgi", "org.osgi.service.component").versionAsInProject(),
                mavenBundle("org.osgi", "org.osgi.service.log").versionAsInProject(),
                mavenBundle("org.apache.felix", "org.apache.felix.scr").versionAsInProject(),
                mavenBundle("org.apache.felix", "org.apache.felix.configadmin").versionAsInProject(),
                mavenBundle("org.apache.felix", "org.apache.felix.eventadmin").versionAsInProject(),
                mavenBundle("org.apache.felix", "org.apache.felix.metatype").versionAsInProject(),
                junitBundles(),
                mavenBundle("org.hamcrest", "hamcrest").versionAsInProject(),
                mavenBundle("org.awaitility", "awaitility").versionAsInProject());
    }

    /**
     * @return every org.switchover bundle of the reactor with the libraries they need (Netty, Jackson, Commons VFS) - the
     *     application part of the runtime's run set ({@code features/switchover.bndrun}) without the shell and
     *     FileInstall. The core's {@code org.osgi.service.condition} comes from the Felix system bundle (OSGi R8).
     */
    public static Option switchoverBundles() {
        return composite(
                notifierLibraries(),
                reactorBundle("api", "org.switchover.api"),
                reactorBundle("notifier", "org.switchover.notifier"),
                // the reference host uses H2 only as a library (MVStore); its JDBC driver activator is not needed
                mavenBundle("com.h2database", "h2").versionAsInProject().noStart(),
                reactorBundle("host-reference", "org.switchover.host.reference"),
                reactorBundle("monitor-module", "org.switchover.monitor.module"),
                reactorBundle("monitor-primary", "org.switchover.monitor.primary"),
                reactorBundle("core", "org.switchover.core"),
                reactorBundle("dssync", "org.switchover.dssync"),
                mavenBundle("org.apache.commons", "commons-vfs2").versionAsInProject(),
                mavenBundle("commons-io", "commons-io").versionAsInProject(),
                mavenBundle("org.apache.commons", "commons-lang3").versionAsInProject(),
                mavenBundle("commons-logging", "commons-logging").versionAsInProject(),
                reactorBundle("mirror", "org.switchover.mirror"));
    }

    /** @return Netty and Jackson, the notifier's libraries. */
    public static Option notifierLibraries() {
        return composite(
                mavenBundle("io.netty", "netty-common").versionAsInProject(),
                mavenBundle("io.netty", "netty-buffer").versionAsInProject(),
                mavenBundle("io.netty", "netty-resolver").versionAsInProject(),
                mavenBundle("io.netty", "netty-transport").versionAsInProject(),
                mavenBundle("io.netty", "netty-transport-native-unix-common").versionAsInProject(),
                mavenBundle("io.netty", "netty-codec-base").versionAsInProject(),
                mavenBundle("io.netty", "netty-handler").versionAsInProject(),
                mavenBundle("com.fasterxml.jackson.core", "jackson-core").versionAsInProject(),
                mavenBundle("com.fasterxml.jackson.core", "jackson-annotations").versionAsInProject(),
                mavenBundle("com.fasterxml.jackson.core", "jackson-databind").versionAsInProject());
    }
}
