package org.switchover.it.karaf;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.maven;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;
import static org.ops4j.pax.exam.CoreOptions.options;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.features;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.keepRuntimeFolder;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.ExamFactory;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.karaf.container.internal.KarafTestContainerFactory;
import org.ops4j.pax.exam.karaf.options.LogLevelOption.LogLevel;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.util.tracker.ServiceTracker;
import org.switchover.api.SwitchoverState;
import org.switchover.api.SwitchoverStatus;
import org.switchover.api.notifier.NotifierCounters;
import org.switchover.it.support.Certs;
import org.switchover.it.support.Repo;

/**
 * The product in a real Apache Karaf 4.4 distribution: {@code feature:install switchover} from the feature repository
 * the features module generates with {@code file:} URLs of the reactor's jars (so nothing needs {@code mvn install}),
 * every switchover bundle Active, node A alone takes PRIMARY, the metrics answer over HTTP through Pax Web, and an
 * edit of a {@code .cfg} file in Karaf's {@code etc/} changes a parameter live (a KPI family appears in the metrics).
 */
@RunWith(PaxExam.class)
@ExamFactory(KarafTestContainerFactory.class)
public class KarafFeatureIT {

    /** Every bundle of the {@code switchover} feature (features/src/main/feature/feature.xml). */
    static final Set<String> FEATURE_BUNDLES = Set.of("org.switchover.api", "org.switchover.notifier",
            "org.switchover.core", "org.switchover.console", "org.switchover.metrics", "org.switchover.monitor.module",
            "org.switchover.monitor.primary", "org.switchover.dssync", "org.switchover.mirror",
            "org.switchover.host.reference", "org.switchover.recovery", "org.switchover.recovery.mail",
            "org.switchover.recovery.chat", "org.switchover.recovery.callback", "org.switchover.recovery.sms",
            "org.switchover.recovery.social", "org.switchover.tracker");

    private static final String NOTIFIER_PID = "org.switchover.notifier";

    @Inject
    private BundleContext context;

    @Inject
    private ConfigurationAdmin configAdmin;

    @Configuration
    public Option[] config() throws IOException {
        Path root = Repo.root();
        Path featureXml = root.resolve("features/target/feature-verify/feature.xml");
        if (!Files.isRegularFile(featureXml)) {
            throw new IllegalStateException("feature repository not built: " + featureXml);
        }
        Path dir = Repo.freshDir("switchover-karaf-it");
        Path certs = Certs.dir().resolve("group");
        int[] ports = freePorts(5);
        List<Option> o = new ArrayList<>(List.of(
                karafDistributionConfiguration()
                        .frameworkUrl(maven("org.apache.karaf", "apache-karaf", System.getProperty("karaf.version"))
                                .type("tar.gz"))
                        .unpackDirectory(dir.resolve("karaf").toFile())
                        .useDeployFolder(false),
                keepRuntimeFolder(),
                configureConsole().ignoreLocalConsole().ignoreRemoteShell(),
                logLevel(LogLevel.WARN),
                // this run's own ports: other tests (and other Karafs) may run on the machine at the same time
                editConfigurationFilePut("etc/org.apache.karaf.shell.cfg", "sshPort", String.valueOf(ports[0])),
                editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiRegistryPort",
                        String.valueOf(ports[1])),
                editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiServerPort",
                        String.valueOf(ports[2])),
                editConfigurationFilePut("etc/org.ops4j.pax.web.cfg", "org.osgi.service.http.port",
                        String.valueOf(ports[3])),
                editConfigurationFilePut("etc/system.properties", "it.http.port", String.valueOf(ports[3])),
                // Karaf resolves the libraries (mvn: URLs) from the local repository Maven filled
                editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.localRepository",
                        System.getProperty("org.ops4j.pax.url.mvn.localRepository", "")),
                // node A alone: its peer's port has nothing listening, so it takes PRIMARY fail-safe
                editConfigurationFilePut("etc/org.switchover.node.cfg", "node", "A"),
                editConfigurationFilePut("etc/org.switchover.node.cfg", "server.a.address", "127.0.0.1"),
                editConfigurationFilePut("etc/org.switchover.node.cfg", "server.b.address", "127.0.0.1"),
                editConfigurationFilePut("etc/org.switchover.node.cfg", "switchover.port.a", String.valueOf(ports[4])),
                editConfigurationFilePut("etc/org.switchover.node.cfg", "switchover.port.b",
                        String.valueOf(freePorts(1)[0])),
                editConfigurationFilePut("etc/org.switchover.node.cfg", "data.dir", dir.resolve("data").toString()),
                editConfigurationFilePut("etc/" + NOTIFIER_PID + ".cfg", "tls.keystore",
                        certs.resolve("node-A.p12").toString()),
                editConfigurationFilePut("etc/" + NOTIFIER_PID + ".cfg", "tls.truststore",
                        certs.resolve("group-trust.p12").toString()),
                editConfigurationFilePut("etc/" + NOTIFIER_PID + ".cfg", "collect-request-counters", "false"),
                mavenBundle("org.hamcrest", "hamcrest").versionAsInProject(),
                mavenBundle("org.awaitility", "awaitility").versionAsInProject(),
                features(featureXml.toUri().toString(), "switchover")));
        return options(o.toArray(new Option[0]));
    }

    @Test
    public void featureInstallsEveryBundleActiveAndAnEtcEditChangesAParameterLive() throws Exception {
        await("every switchover bundle ACTIVE").atMost(60, TimeUnit.SECONDS)
                .until(() -> notActive().isEmpty());
        assertEquals(FEATURE_BUNDLES, switchoverBundles());

        SwitchoverStatus status = service(SwitchoverStatus.class);
        await("node A takes PRIMARY").atMost(60, TimeUnit.SECONDS).until(status::state,
                s -> s == SwitchoverState.PRIMARY);

        // a parameter changed by editing etc/org.switchover.notifier.cfg, as an operator does
        NotifierCounters counters = service(NotifierCounters.class);
        assertTrue("request counters start off as configured", !counters.requestCountersEnabled());
        // the metrics through Pax Web: the pair's gauges, and no KPI family while its option is off
        String before = await("metrics answer through Pax Web").atMost(60, TimeUnit.SECONDS)
                .until(() -> http("GET"), r -> r.startsWith("200 ") && r.contains("switchover_epoch"));
        assertTrue(before, before.contains("switchover_state{state=\"PRIMARY\",} 1.0"));
        assertTrue(before, !before.contains("switchover_kpi_"));
        assertTrue("hostile method refused", http("DELETE").startsWith("405 "));

        // the load balancers' health URLs through Pax Web: the lone primary passes primary and live, not backup
        String primary = await("health answers through Pax Web").atMost(60, TimeUnit.SECONDS)
                .until(() -> http("GET", "/switchover/health/primary"), r -> !r.isEmpty());
        assertTrue(primary, primary.startsWith("200 primary: role PRIMARY"));
        String live = http("GET", "/switchover/health/live");
        assertTrue(live, live.startsWith("200 live: role PRIMARY"));
        String backup = http("GET", "/switchover/health/backup?lag=1000");
        assertTrue(backup, backup.startsWith("503 not backup: role PRIMARY"));
        assertTrue("HEAD without a body", http("HEAD", "/switchover/health/primary").equals("200 "));
        String badLag = http("GET", "/switchover/health/backup?lag=soon");
        assertTrue(badLag, badLag.startsWith("400 lag must be a whole number of milliseconds"));
        // the same three checks as Felix Health Check services, the HC bundles Active
        for (String hc : List.of("org.apache.felix.healthcheck.api", "org.apache.felix.healthcheck.core")) {
            Bundle b = Arrays.stream(context.getBundles()).filter(x -> hc.equals(x.getSymbolicName())).findFirst()
                    .orElseThrow(() -> new AssertionError(hc + " not installed"));
            assertEquals(hc + " Active", Bundle.ACTIVE, b.getState());
        }
        await("three Felix health checks tagged switchover").atMost(30, TimeUnit.SECONDS).until(() -> {
            org.osgi.framework.ServiceReference<?>[] refs = context.getServiceReferences(
                    "org.apache.felix.hc.api.HealthCheck", "(hc.tags=switchover)");
            return refs != null && refs.length == 3;
        });
        setInEtc(NOTIFIER_PID, "collect-request-counters", "true");
        await("the edit reaches the notifier").atMost(30, TimeUnit.SECONDS)
                .until(counters::requestCountersEnabled);
        String after = http("GET");
        assertTrue(after, after.contains("# TYPE switchover_kpi_requests_total counter"));
        assertEquals("true", String.valueOf(configAdmin.getConfiguration(NOTIFIER_PID, "?").getProperties()
                .get("collect-request-counters")));
        setInEtc(NOTIFIER_PID, "collect-request-counters", "false");
        await("and back").atMost(30, TimeUnit.SECONDS).until(() -> !counters.requestCountersEnabled());
    }

    /** One request to the metrics URL on Karaf's HTTP port: "status body", or "" when nothing answers yet. */
    private static String http(String method) {
        return http(method, "/switchover/metrics");
    }

    /** One request to {@code path} on Karaf's HTTP port: "status body", or "" when nothing answers yet. */
    private static String http(String method, String path) {
        try {
            java.net.HttpURLConnection c = (java.net.HttpURLConnection) new java.net.URL("http://127.0.0.1:"
                    + System.getProperty("it.http.port") + path).openConnection();
            c.setRequestMethod(method);
            c.setConnectTimeout(5000);
            c.setReadTimeout(10_000);
            int code = c.getResponseCode();
            java.io.InputStream in = code < 400 ? c.getInputStream() : c.getErrorStream();
            String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return code + " " + body;
        } catch (IOException e) {
            return "";
        }
    }

    private Set<String> switchoverBundles() {
        return Arrays.stream(context.getBundles()).map(Bundle::getSymbolicName)
                .filter(n -> n != null && n.startsWith("org.switchover."))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** @return the feature's bundles that are missing or not ACTIVE, with their state */
    private List<String> notActive() {
        List<String> out = new ArrayList<>();
        for (String name : FEATURE_BUNDLES) {
            Bundle b = Arrays.stream(context.getBundles()).filter(x -> name.equals(x.getSymbolicName())).findFirst()
                    .orElse(null);
            if (b == null || b.getState() != Bundle.ACTIVE) {
                out.add(name + (b == null ? " missing" : " state " + b.getState()));
            }
        }
        return out;
    }

    private <T> T service(Class<T> type) throws InterruptedException {
        ServiceTracker<T, T> t = new ServiceTracker<>(context, type, null);
        t.open();
        T s = t.waitForService(TimeUnit.SECONDS.toMillis(60));
        if (s == null) {
            throw new AssertionError("no " + type.getName() + " service within 60 s");
        }
        return s;
    }

    /** Sets {@code key=value} in {@code etc/<pid>.cfg}, written to a temporary name and moved into place. */
    static void setInEtc(String pid, String key, String value) throws IOException {
        Path etc = Path.of(System.getProperty("karaf.etc"));
        Path cfg = etc.resolve(pid + ".cfg");
        List<String> lines = new ArrayList<>();
        boolean found = false;
        for (String line : Files.readAllLines(cfg, StandardCharsets.UTF_8)) {
            if (line.strip().startsWith(key + " ") || line.strip().startsWith(key + "=")) {
                lines.add(key + " = " + value);
                found = true;
            } else {
                lines.add(line);
            }
        }
        if (!found) {
            lines.add(key + " = " + value);
        }
        Path tmp = etc.resolve(pid + ".cfg.tmp");
        Files.write(tmp, lines, StandardCharsets.UTF_8);
        Files.move(tmp, cfg, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static int[] freePorts(int n) throws IOException {
        int[] ports = new int[n];
        List<ServerSocket> open = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0);
                open.add(s);
                ports[i] = s.getLocalPort();
            }
        } finally {
            for (ServerSocket s : open) {
                s.close();
            }
        }
        return ports;
    }
}
