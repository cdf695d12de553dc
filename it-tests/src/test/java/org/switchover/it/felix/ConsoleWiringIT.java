package org.switchover.it.felix;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.ExamFactory;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.nat.internal.NativeTestContainerFactory;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;
import org.switchover.it.support.Repo;

/**
 * The console bundle inside Felix with the whole product and the Gogo runtime, node A alone: the bundle is active,
 * its component satisfied, the {@code switchover:status/switch/restart} commands are registered and run in Gogo, the
 * control endpoint of {@code bin/switchoverctl} answers from the node's data directory, and its own PID
 * ({@code org.switchover.console}, metatype matching {@code config-admin/org.switchover.console.cfg}) switches the
 * endpoint off and on live.
 */
@RunWith(PaxExam.class)
@ExamFactory(NativeTestContainerFactory.class)
public class ConsoleWiringIT {

    private static final String CONSOLE = "org.switchover.console";

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
        Path dir = Repo.freshDir("switchover-console-it");
        return options(
                FelixOptions.testDir(dir),
                FelixOptions.platform(),
                mavenBundle("org.apache.felix", "org.apache.felix.gogo.runtime").versionAsInProject(),
                FelixOptions.switchoverBundles(),
                FelixOptions.reactorBundle("console", CONSOLE));
    }

    @Test
    public void consoleIsActiveItsCommandsRunInGogoAndItsEndpointAnswers() throws Exception {
        Path data = configureNodeA();

        Bundle console = Arrays.stream(context.getBundles()).filter(b -> b.getSymbolicName().equals(CONSOLE))
                .findFirst().orElseThrow();
        await("console bundle ACTIVE").atMost(30, TimeUnit.SECONDS).until(console::getState, s -> s == Bundle.ACTIVE);
        ComponentDescriptionDTO d = scr.getComponentDescriptionDTO(console, CONSOLE);
        assertNotNull("the console component " + CONSOLE, d);
        await("console component ACTIVE").atMost(30, TimeUnit.SECONDS).until(() -> {
            Collection<ComponentConfigurationDTO> c = scr.getComponentConfigurationDTOs(d);
            return c.size() == 1 && c.iterator().next().state == ComponentConfigurationDTO.ACTIVE;
        });

        // the commands are registered the Gogo way, by the console bundle (other bundles add their own commands to
        // the switchover scope: ds-status, mirror-status...)
        List<ServiceReference<?>> commands = Arrays.stream(context.getServiceReferences((String) null,
                "(osgi.command.scope=switchover)")).filter(r -> r.getBundle().equals(console)).toList();
        assertEquals("one switchover command service of the console", 1, commands.size());
        assertEquals(Set.of("status", "switch", "restart", "passwordhash"),
                Set.of((String[]) commands.get(0).getProperty("osgi.command.function")));

        // and run in Gogo: the status of node A, which takes PRIMARY fail-safe (its peer is down)
        CommandProcessor gogo = context.getService(context.getServiceReference(CommandProcessor.class));
        await("switchover:status shows node A as PRIMARY").atMost(30, TimeUnit.SECONDS)
                .until(() -> gogo(gogo, "switchover:status"), s -> s.contains("Node        : A")
                        && s.contains("Role        : PRIMARY"));

        // the control endpoint: port and token in the data directory, a status request answered
        String reply = await("control endpoint").atMost(30, TimeUnit.SECONDS).until(() -> status(data),
                r -> r.contains("\"ok\":true"));
        assertTrue(reply, reply.contains("\"node\":\"A\"") && reply.contains("\"state\":\"PRIMARY\""));

        // its own PID: metatype as shipped, and the endpoint goes off and comes back live
        assertEquals(cfgKeys(CONSOLE), metatypeKeys(console));
        org.osgi.service.cm.Configuration cfg = configAdmin.getConfiguration(CONSOLE, "?");
        Dictionary<String, Object> off = new Hashtable<>();
        off.put("control.enabled", "false");
        cfg.update(off);
        await("control files removed").atMost(10, TimeUnit.SECONDS)
                .until(() -> !Files.exists(data.resolve("control.port")) && !Files.exists(data.resolve("control.token")));
        Dictionary<String, Object> on = new Hashtable<>();
        on.put("control.enabled", "true");
        cfg.update(on);
        await("control endpoint back").atMost(10, TimeUnit.SECONDS).until(() -> status(data),
                r -> r.contains("\"ok\":true"));
    }

    private Path configureNodeA() throws IOException {
        int ownPort;
        int peerPort;
        try (ServerSocket own = new ServerSocket(0); ServerSocket peer = new ServerSocket(0)) {
            ownPort = own.getLocalPort();
            peerPort = peer.getLocalPort(); // closed again: nothing listens there, the peer is "down"
        }
        Path certs = Path.of(System.getProperty("it.certs"));
        Path data = Path.of(System.getProperty("it.dir")).resolve("data");
        Dictionary<String, Object> node = new Hashtable<>();
        node.put("node", "A");
        node.put("server.a.address", "127.0.0.1");
        node.put("server.b.address", "127.0.0.1");
        node.put("switchover.port.a", ownPort);
        node.put("switchover.port.b", peerPort);
        node.put("data.dir", data.toString());
        configAdmin.getConfiguration("org.switchover.node", "?").update(node);
        Dictionary<String, Object> notifier = new Hashtable<>();
        notifier.put("tls.keystore", certs.resolve("group/node-A.p12").toString());
        notifier.put("tls.truststore", certs.resolve("group/group-trust.p12").toString());
        configAdmin.getConfiguration("org.switchover.notifier", "?").update(notifier);
        return data;
    }

    private static String gogo(CommandProcessor gogo, String line) throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        try (CommandSession session = gogo.createSession(new ByteArrayInputStream(new byte[0]), out, out)) {
            Object result = session.execute(line);
            out.print(result);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    /** One status request to the control endpoint, as bin/switchoverctl sends it; "" while there is none. */
    private static String status(Path data) {
        try {
            int port = Integer.parseInt(Files.readString(data.resolve("control.port")).strip());
            String token = Files.readString(data.resolve("control.token")).strip();
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                s.setSoTimeout(10_000);
                s.getOutputStream().write(("{\"token\":\"" + token + "\",\"cmd\":\"status\"}\n")
                        .getBytes(StandardCharsets.UTF_8));
                s.shutdownOutput();
                return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private Set<String> metatypeKeys(Bundle console) {
        MetaTypeInformation info = metaType.getMetaTypeInformation(console);
        assertEquals(List.of(CONSOLE), List.of(info.getPids()));
        Set<String> keys = new TreeSet<>();
        for (AttributeDefinition ad : info.getObjectClassDefinition(CONSOLE, null)
                .getAttributeDefinitions(ObjectClassDefinition.ALL)) {
            keys.add(ad.getID());
        }
        return keys;
    }

    private static Set<String> cfgKeys(String pid) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(Repo.root().resolve("config-admin").resolve(pid + ".cfg"),
                StandardCharsets.ISO_8859_1)) {
            p.load(r);
        }
        return new TreeSet<>(p.stringPropertyNames());
    }
}
