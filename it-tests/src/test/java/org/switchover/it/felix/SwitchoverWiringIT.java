package org.switchover.it.felix;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.io.IOException;
import java.io.Reader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.ExamFactory;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.nat.internal.NativeTestContainerFactory;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.UnsatisfiedReferenceDTO;
import org.osgi.service.condition.Condition;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;
import org.switchover.api.RoleConditions;
import org.switchover.api.ServerParameters;
import org.switchover.api.SwitchoverState;
import org.switchover.api.SwitchoverStatus;
import org.switchover.api.Topics;
import org.switchover.api.ds.DirectoryStore;
import org.switchover.api.notifier.RequestHandler;
import org.switchover.it.support.Repo;

/**
 * The whole product inside one Felix framework with SCR, ConfigAdmin, EventAdmin and Metatype, configured the way an
 * operator does it (through ConfigAdmin): node A alone, its peer's port closed.
 *
 * <p>Checks the wiring an operator relies on: every bundle starts, every component is satisfied (a failure names
 * the component and what it waits for), the node takes the PRIMARY role fail-safe and announces it (condition
 * service, EventAdmin), DS sync serves as primary with the switchover configurations in the replicated tree,
 * Metatype describes every switchover PID under the documented parameter names and with
 * exactly the keys of the shipped {@code config-admin/*.cfg}, and a changed reconnect timeout is taken live.
 */
@RunWith(PaxExam.class)
@ExamFactory(NativeTestContainerFactory.class)
public class SwitchoverWiringIT {

    private static final String NODE = "org.switchover.node";
    private static final String NOTIFIER = "org.switchover.notifier";
    private static final String CORE = "org.switchover.core";
    private static final String MODULE = "org.switchover.monitor.module";
    private static final String PRIMARY = "org.switchover.monitor.primary";
    private static final String HOST = "org.switchover.host.reference";
    private static final String DSSYNC = "org.switchover.dssync";
    private static final String MIRROR = "org.switchover.mirror";

    /** Every configuration PID of the product, each with a default file under {@code config-admin/}. */
    private static final List<String> PIDS = List.of(NODE, NOTIFIER, CORE, MODULE, PRIMARY, HOST, DSSYNC, MIRROR);

    /** The DS components the product ships; each must be satisfied once the node is configured. */
    private static final List<String> COMPONENTS = List.of(NOTIFIER, NODE, CORE, MODULE, MODULE + ".ping", PRIMARY,
            HOST, HOST + ".startup", HOST + ".commands", DSSYNC, DSSYNC + ".roles", DSSYNC + ".configadmin", MIRROR);

    @Inject
    private BundleContext context;

    @Inject
    private ConfigurationAdmin configAdmin;

    @Inject
    private ServiceComponentRuntime scr;

    @Inject
    private MetaTypeService metaType;

    @Configuration
    public Option[] config() throws IOException {
        Path dir = Repo.freshDir("switchover-wiring-it");
        return options(
                FelixOptions.testDir(dir),
                FelixOptions.platform(),
                FelixOptions.switchoverBundles());
    }

    @Test
    public void nodeAloneWiresUpTakesPrimaryFailSafeAndDescribesItsParameters() throws Exception {
        List<Event> roleEvents = new CopyOnWriteArrayList<>();
        Hashtable<String, Object> topics = new Hashtable<>();
        topics.put(EventConstants.EVENT_TOPIC, new String[] {Topics.ROLE_COMMENCE, Topics.ROLE_DISCONTINUE});
        ServiceRegistration<EventHandler> handler =
                context.registerService(EventHandler.class, roleEvents::add, topics);
        try {
            configureNodeA();

            assertEveryBundleActive();
            assertEveryComponentSatisfied();

            ServiceReference<SwitchoverStatus> statusRef = await("SwitchoverStatus service").atMost(30, TimeUnit.SECONDS)
                    .until(() -> context.getServiceReference(SwitchoverStatus.class), r -> r != null);
            SwitchoverStatus status = context.getService(statusRef);
            await("node A becomes PRIMARY").atMost(30, TimeUnit.SECONDS)
                    .until(status::state, s -> s == SwitchoverState.PRIMARY);
            assertTrue("the role must be taken fail-safe (peer unreachable), reason was: " + status.lastSwitchReason(),
                    status.lastSwitchReason().contains("fail-safe"));
            assertTrue("the epoch is raised on entering PRIMARY", status.epoch() >= 1);

            Collection<ServiceReference<Condition>> conditions =
                    context.getServiceReferences(Condition.class, RoleConditions.PRIMARY_FILTER);
            assertEquals("one switchover.primary condition", 1, conditions.size());
            assertTrue("no switchover.backup condition on a primary",
                    context.getServiceReferences(Condition.class, RoleConditions.BACKUP_FILTER).isEmpty());

            await("ROLE_COMMENCE posted").atMost(10, TimeUnit.SECONDS)
                    .until(() -> roleEvents.stream().anyMatch(e -> e.getTopic().equals(Topics.ROLE_COMMENCE)));
            Event commence = roleEvents.stream().filter(e -> e.getTopic().equals(Topics.ROLE_COMMENCE))
                    .findFirst().orElseThrow();
            assertEquals("PRIMARY", commence.getProperty(Topics.KEY_STATE));
            assertEquals("A", commence.getProperty("node"));
            assertTrue(String.valueOf(commence.getProperty(Topics.KEY_REASON)).contains("fail-safe"));

            // the primary's DS sync part answers the backup's compare requests
            await("DS sync primary registered as request handler").atMost(10, TimeUnit.SECONDS)
                    .until(() -> !context.getServiceReferences(RequestHandler.class,
                            "(" + RequestHandler.EVENT_ID + "=dssync.node)").isEmpty());
            // and the switchover configurations are in the replicated tree (ConfigAdmin adapter, on by default)
            ServiceReference<DirectoryStore> storeRef = context.getServiceReference(DirectoryStore.class);
            DirectoryStore store = context.getService(storeRef);
            await("the core's configuration in the directory tree").atMost(10, TimeUnit.SECONDS)
                    .until(() -> store.get("${SWITCHOVER}/ConfigAdmin/" + CORE).isPresent());
            assertTrue("node identity stays node-local",
                    store.get("${SWITCHOVER}/ConfigAdmin/" + NODE).isEmpty());
            context.ungetService(storeRef);

            assertMetatypeDescribesEveryPid();

            reconnectTimeoutChangesLive(statusRef, status);

            assertFalse("no ROLE_DISCONTINUE in this run: " + roleEvents,
                    roleEvents.stream().anyMatch(e -> e.getTopic().equals(Topics.ROLE_DISCONTINUE)));
            context.ungetService(statusRef);
        } finally {
            handler.unregister();
        }
    }

    // ------------------------------------------------------------------ configuration

    private void configureNodeA() throws IOException {
        int ownPort;
        int peerPort;
        try (ServerSocket own = new ServerSocket(0); ServerSocket peer = new ServerSocket(0)) {
            ownPort = own.getLocalPort();
            peerPort = peer.getLocalPort(); // closed again below: nothing listens there, the peer is "down"
        }
        Path certs = Path.of(System.getProperty("it.certs"));
        Path dir = Path.of(System.getProperty("it.dir"));

        Dictionary<String, Object> node = new Hashtable<>();
        node.put("node", "A");
        node.put("switchover.server.a", "localhost");
        node.put("switchover.server.b", "localhost");
        node.put("server.a.address", "127.0.0.1");
        node.put("server.b.address", "127.0.0.1");
        node.put("switchover.port.a", ownPort);
        node.put("switchover.port.b", peerPort);
        node.put("data.dir", dir.resolve("data").toString());
        node.put("switchover.version", "1.0.0");
        configAdmin.getConfiguration(NODE, "?").update(node);

        Dictionary<String, Object> core = new Hashtable<>();
        core.put("switchover.reconnect.timeout", 30);
        core.put("negotiation.retry.delay.ms", 200);
        configAdmin.getConfiguration(CORE, "?").update(core);

        Dictionary<String, Object> notifier = new Hashtable<>();
        notifier.put("tls.keystore", certs.resolve("group/node-A.p12").toString());
        notifier.put("tls.truststore", certs.resolve("group/group-trust.p12").toString());
        configAdmin.getConfiguration(NOTIFIER, "?").update(notifier);
    }

    // ------------------------------------------------------------------ bundles and components

    private void assertEveryBundleActive() {
        List<String> switchover = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            if (b.getSymbolicName().startsWith("org.switchover.")) {
                switchover.add(b.getSymbolicName());
            }
        }
        assertEquals("every org.switchover bundle installed",
                new TreeSet<>(List.of("org.switchover.api", NOTIFIER, CORE, MODULE, PRIMARY, HOST, DSSYNC, MIRROR)),
                new TreeSet<>(switchover));
        await("every bundle ACTIVE").atMost(30, TimeUnit.SECONDS).untilAsserted(() -> {
            List<String> notActive = new ArrayList<>();
            for (Bundle b : context.getBundles()) {
                boolean fragment = (b.adapt(BundleRevision.class).getTypes() & BundleRevision.TYPE_FRAGMENT) != 0;
                // slf4j-simple is provisioned unstarted on purpose (FelixOptions): slf4j-api only loads its classes
                // and so is h2: the reference host's directory store uses its MVStore classes, not its JDBC driver
                boolean unstarted = (b.getSymbolicName().equals("slf4j.simple")
                        || b.getSymbolicName().equals("com.h2database")) && b.getState() == Bundle.RESOLVED;
                if (!fragment && !unstarted && b.getState() != Bundle.ACTIVE) {
                    notActive.add(b.getSymbolicName() + " " + b.getVersion() + " state " + b.getState());
                }
            }
            assertTrue("bundles not ACTIVE: " + notActive, notActive.isEmpty());
        });
    }

    private void assertEveryComponentSatisfied() {
        Bundle[] ours = Arrays.stream(context.getBundles())
                .filter(b -> b.getSymbolicName().startsWith("org.switchover.")).toArray(Bundle[]::new);
        await("every switchover component satisfied or active").atMost(30, TimeUnit.SECONDS).untilAsserted(() -> {
            Map<String, String> problems = new LinkedHashMap<>();
            Set<String> seen = new TreeSet<>();
            for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs(ours)) {
                seen.add(d.name);
                if (!scr.isComponentEnabled(d)) {
                    problems.put(d.name, "disabled");
                    continue;
                }
                Collection<ComponentConfigurationDTO> configs = scr.getComponentConfigurationDTOs(d);
                if (configs.isEmpty()) {
                    problems.put(d.name, "no component configuration (policy " + d.configurationPolicy + ", PIDs "
                            + Arrays.toString(d.configurationPid) + ")");
                }
                for (ComponentConfigurationDTO c : configs) {
                    if (c.state != ComponentConfigurationDTO.SATISFIED && c.state != ComponentConfigurationDTO.ACTIVE
                            && !waitsOnlyForRoleConditions(c)) {
                        problems.put(d.name, describe(c));
                    }
                }
            }
            assertTrue("components missing: " + missing(seen), seen.containsAll(COMPONENTS));
            assertTrue("components not satisfied: " + problems, problems.isEmpty());
        });
    }

    /** A role-gated component (the primary monitor on this primary node) waits for its role's condition. */
    private static boolean waitsOnlyForRoleConditions(ComponentConfigurationDTO c) {
        return c.state == ComponentConfigurationDTO.UNSATISFIED_REFERENCE && c.unsatisfiedReferences != null
                && Arrays.stream(c.unsatisfiedReferences).allMatch(r -> r.target != null
                        && r.target.contains(RoleConditions.CONDITION_ID + "=switchover."));
    }

        private static Set<String> missing(Set<String> seen) {
        Set<String> m = new TreeSet<>(COMPONENTS);
        m.removeAll(seen);
        return m;
    }

    private static String describe(ComponentConfigurationDTO c) {
        String state = switch (c.state) {
            case ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION -> "UNSATISFIED_CONFIGURATION";
            case ComponentConfigurationDTO.UNSATISFIED_REFERENCE -> "UNSATISFIED_REFERENCE";
            case ComponentConfigurationDTO.FAILED_ACTIVATION -> "FAILED_ACTIVATION";
            default -> "state " + c.state;
        };
        String refs = c.unsatisfiedReferences == null ? "" : Arrays.stream(c.unsatisfiedReferences)
                .map(SwitchoverWiringIT::describe).collect(Collectors.joining(", ", " waiting for [", "]"));
        return state + refs + (c.failure == null ? "" : " failure: " + c.failure);
    }

    private static String describe(UnsatisfiedReferenceDTO r) {
        return r.name + (r.target == null ? "" : " " + r.target);
    }

    // ------------------------------------------------------------------ metatype

    private void assertMetatypeDescribesEveryPid() throws IOException {
        Map<String, ObjectClassDefinition> ocds = new LinkedHashMap<>();
        Map<String, List<String>> designators = new LinkedHashMap<>();
        for (Bundle b : context.getBundles()) {
            MetaTypeInformation info = metaType.getMetaTypeInformation(b);
            if (info == null) {
                continue;
            }
            for (String pid : info.getPids()) {
                designators.computeIfAbsent(pid, k -> new ArrayList<>()).add(b.getSymbolicName());
                ocds.put(pid, info.getObjectClassDefinition(pid, null));
            }
        }
        for (String pid : PIDS) {
            assertNotNull("Metatype has no ObjectClassDefinition for " + pid + " (designated: " + designators.keySet()
                    + ")", ocds.get(pid));
            assertEquals("exactly one bundle designates " + pid, 1, designators.get(pid).size());
            Map<String, String> names = attributeNames(ocds.get(pid));
            assertEquals("the metatype of " + pid + " and config-admin/" + pid + ".cfg must list the same keys",
                    cfgKeys(pid), new TreeSet<>(names.keySet()));
        }
        assertEquals(List.of(NOTIFIER), designators.get(NODE));

        // the documented parameter names are what operators see (a sample per PID, and the brief's spot checks)
        Map<String, Map<String, String>> documented = new LinkedHashMap<>();
        documented.put(NODE, Map.of(
                "switchover.server.a", ServerParameters.SWITCHOVERSERVER_A,
                "switchover.server.b", ServerParameters.SWITCHOVERSERVER_B,
                "server.a.address", ServerParameters.SERVER_A_ADDRESS,
                "server.b.address", ServerParameters.SERVER_B_ADDRESS));
        documented.put(NOTIFIER, Map.of(
                "switchover.notifier.reconnect.delay", ServerParameters.SWITCHOVER_NOTIFIER_RECONNECT_DELAY));
        documented.put(CORE, Map.of(
                "switchover.reconnect.timeout", ServerParameters.SWITCHOVER_RECONNECT_TIMEOUT,
                "switchover.reconnect.delay", ServerParameters.SWITCHOVER_RECONNECT_DELAY));
        Map<String, String> module = new LinkedHashMap<>();
        module.put("switchover.ts.timeout", ServerParameters.SWITCHOVER_TS_TIMEOUT);
        module.put("switchover.ts.failure.retry.delay", ServerParameters.SWITCHOVER_TS_FAILURE_RETRY_DELAY);
        module.put("switchover.max.ts.failures", ServerParameters.SWITCHOVER_MAX_TS_FAILURES);
        module.put("switchover.ping.on.aux.connection", ServerParameters.SWITCHOVER_PING_ON_AUX_CONNECTION);
        module.put("switchover.max.restarts", ServerParameters.SWITCHOVER_MAX_RESTARTS);
        module.put("switchover.max.restarts.period", ServerParameters.SWITCHOVER_MAX_RESTARTS_PERIOD);
        module.put("switchover.max.sequential.restarts", ServerParameters.SWITCHOVER_MAX_SEQUENTIAL_RESTARTS);
        module.put("switchover.monitoring", ServerParameters.SWITCHOVER_MONITORING);
        module.put("switchover.ip.timeout", ServerParameters.SWITCHOVER_IP_TIMEOUT);
        module.put("switchover.ip.retry.delay", ServerParameters.SWITCHOVER_IP_RETRY_DELAY);
        documented.put(MODULE, module);
        Map<String, String> primary = new LinkedHashMap<>();
        primary.put("switchover.primary.monitor.ping.delay", ServerParameters.SWITCHOVER_PRIMARY_MONITOR_PING_DELAY);
        primary.put("switchover.primary.monitor.timeout", ServerParameters.SWITCHOVER_PRIMARY_MONITOR_TIMEOUT);
        primary.put("switchover.primary.monitor.retry.count", ServerParameters.SWITCHOVER_PRIMARY_MONITOR_RETRY_COUNT);
        primary.put("switchover.primary.monitor.retry.ping.delay",
                ServerParameters.SWITCHOVER_PRIMARY_MONITOR_RETRY_PING_DELAY);
        primary.put("switchover.disable.gateway.ping", ServerParameters.SWITCHOVER_DISABLE_GATEWAY_PING);
        primary.put("switchover.nettest.a", ServerParameters.SWITCHOVER_NETTEST_A);
        primary.put("switchover.nettest.b", ServerParameters.SWITCHOVER_NETTEST_B);
        primary.put("switchover.nettest.timeout", ServerParameters.SWITCHOVER_NETTEST_TIMEOUT);
        primary.put("switchover.unreachable.primary.ping.count",
                ServerParameters.SWITCHOVER_UNREACHABLE_PRIMARY_PING_COUNT);
        primary.put("switchover.unreachable.primary.ping.delay",
                ServerParameters.SWITCHOVER_UNREACHABLE_PRIMARY_PING_DELAY);
        documented.put(PRIMARY, primary);
        for (Map.Entry<String, Map<String, String>> pid : documented.entrySet()) {
            Map<String, String> names = attributeNames(ocds.get(pid.getKey()));
            for (Map.Entry<String, String> e : pid.getValue().entrySet()) {
                assertEquals(pid.getKey() + " / " + e.getKey(), e.getValue(), names.get(e.getKey()));
            }
        }
        assertEquals("Switchover TS Timeout", attributeNames(ocds.get(MODULE)).get("switchover.ts.timeout"));
        assertEquals("Switchover Notifier Reconnect Delay",
                attributeNames(ocds.get(NOTIFIER)).get("switchover.notifier.reconnect.delay"));
        assertEquals("Switchover Reconnect Timeout",
                attributeNames(ocds.get(CORE)).get("switchover.reconnect.timeout"));
        assertEquals("SwitchoverServer A", attributeNames(ocds.get(NODE)).get("switchover.server.a"));
    }

    /** @return attribute id (property key) to attribute name. */
    private static Map<String, String> attributeNames(ObjectClassDefinition ocd) {
        Map<String, String> names = new LinkedHashMap<>();
        for (AttributeDefinition ad : ocd.getAttributeDefinitions(ObjectClassDefinition.ALL)) {
            names.put(ad.getID(), ad.getName());
        }
        return names;
    }

    /** @return the keys of the shipped default file {@code config-admin/<pid>.cfg}. */
    private static Set<String> cfgKeys(String pid) throws IOException {
        Path cfg = Repo.root().resolve("config-admin").resolve(pid + ".cfg");
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(cfg, StandardCharsets.ISO_8859_1)) {
            p.load(r);
        }
        return new TreeSet<>(p.stringPropertyNames());
    }

    // ------------------------------------------------------------------ live reconfiguration

    private void reconnectTimeoutChangesLive(ServiceReference<SwitchoverStatus> statusRef, SwitchoverStatus status)
            throws Exception {
        Bundle coreBundle = statusRef.getBundle();
        long bundleModified = coreBundle.getLastModified();
        Object serviceId = statusRef.getProperty(Constants.SERVICE_ID);
        long epoch = status.epoch();
        ComponentDescriptionDTO coreDescription = scr.getComponentDescriptionDTO(coreBundle, CORE);
        long componentId = activeConfiguration(coreDescription).id;

        org.osgi.service.cm.Configuration coreConfig = configAdmin.getConfiguration(CORE, "?");
        Dictionary<String, Object> props = coreConfig.getProperties();
        props.put("switchover.reconnect.timeout", 45);
        coreConfig.update(props);

        // the state machine itself reports the value it now uses
        await("the core takes the new reconnect timeout").atMost(10, TimeUnit.SECONDS).until(() -> log().lines()
                .anyMatch(l -> l.contains("Reconnect timeout is now 45 s")));
        ComponentConfigurationDTO now = activeConfiguration(coreDescription);
        assertEquals(45, ((Number) now.properties.get("switchover.reconnect.timeout")).intValue());

        // below the documented minimum: clamped with a WARN naming the parameter
        props.put("switchover.reconnect.timeout", -5);
        coreConfig.update(props);
        await("a negative reconnect timeout is clamped").atMost(10, TimeUnit.SECONDS).until(() -> log().lines()
                .anyMatch(l -> l.contains("WARN") && l.contains(ServerParameters.SWITCHOVER_RECONNECT_TIMEOUT)
                        && l.contains("-5") && l.contains("using 0")));
        await().atMost(10, TimeUnit.SECONDS).until(() -> log().lines()
                .anyMatch(l -> l.contains("Reconnect timeout is now 0 s")));

        // all without restarting the bundle, re-activating the component or re-negotiating the role
        assertEquals(componentId, activeConfiguration(coreDescription).id);
        assertEquals(serviceId, context.getServiceReference(SwitchoverStatus.class).getProperty(Constants.SERVICE_ID));
        assertEquals(Bundle.ACTIVE, coreBundle.getState());
        assertEquals(bundleModified, coreBundle.getLastModified());
        assertEquals(SwitchoverState.PRIMARY, status.state());
        assertEquals(epoch, status.epoch());
    }

    private ComponentConfigurationDTO activeConfiguration(ComponentDescriptionDTO d) {
        Collection<ComponentConfigurationDTO> configs = scr.getComponentConfigurationDTOs(d);
        assertEquals("one configuration of " + d.name, 1, configs.size());
        ComponentConfigurationDTO c = configs.iterator().next();
        if (c.state != ComponentConfigurationDTO.ACTIVE) {
            fail(d.name + " is not active: " + describe(c));
        }
        return c;
    }

    private static String log() {
        try {
            Path p = Path.of(System.getProperty("it.log"));
            return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
