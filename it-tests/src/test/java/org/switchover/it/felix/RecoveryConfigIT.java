package org.switchover.it.felix;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

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
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;
import org.switchover.api.SwitchoverStatus;
import org.switchover.api.status.RecoveryChannelStatus;
import org.switchover.it.support.Repo;

/**
 * Interaction recovery in one Felix framework (node A alone, primary fail-safe): each channel's parameter set and
 * removed through ConfigAdmin starts and stops that channel live — its recovery channel service appears,
 * enables, disables and goes, and the recovery service publishes the channel or stops — with no bundle stopped or
 * started; a channel bundle taken away leaves the other channels working.
 */
@RunWith(PaxExam.class)
@ExamFactory(NativeTestContainerFactory.class)
public class RecoveryConfigIT {

    /** PID → property key → enabling value, in the documented forms. */
    private static final Map<String, String[]> CHANNELS = new LinkedHashMap<>();

    static {
        CHANNELS.put("mail", new String[] {"org.switchover.recovery.mail", "mail.interaction.recovery.enabled", "1"});
        CHANNELS.put("chat", new String[] {"org.switchover.recovery.chat", "chat.interaction.recovery.enabled", "Yes"});
        CHANNELS.put("callback", new String[] {"org.switchover.recovery.callback",
            "callback.interaction.recovery.enabled", "3"});
        CHANNELS.put("sms", new String[] {"org.switchover.recovery.sms", "sms.interaction.recovery.enabled", "yes"});
        CHANNELS.put("social_conversation", new String[] {"org.switchover.recovery.socialconversation",
            "socialconversation.interaction.recovery.enabled", "7"});
        CHANNELS.put("direct_message", new String[] {"org.switchover.recovery.directmessage",
            "directmessage.interaction.recovery.enabled", "1"});
    }

    @Inject
    private BundleContext context;

    @Inject
    private ConfigurationAdmin configAdmin;

    @Configuration
    public Option[] config() throws IOException {
        Path dir = Repo.freshDir("recovery-config-it");
        return options(
                FelixOptions.testDir(dir),
                FelixOptions.platform(),
                FelixOptions.switchoverBundles(),
                composite(FelixOptions.reactorBundle("recovery", "org.switchover.recovery"),
                        FelixOptions.reactorBundle("recovery-mail", "org.switchover.recovery.mail"),
                        FelixOptions.reactorBundle("recovery-chat", "org.switchover.recovery.chat"),
                        FelixOptions.reactorBundle("recovery-callback", "org.switchover.recovery.callback"),
                        FelixOptions.reactorBundle("recovery-sms", "org.switchover.recovery.sms"),
                        FelixOptions.reactorBundle("recovery-social", "org.switchover.recovery.social")));
    }

    @Test
    public void eachChannelStartsAndStopsWithItsParameterWithoutARestart() throws Exception {
        configureNodeA();
        await("recovery status as primary").atMost(60, TimeUnit.SECONDS)
                .until(() -> status().startsWith("Interaction recovery (primary)"));
        List<String> bundleEvents = new CopyOnWriteArrayList<>();
        BundleListener listener = e -> {
            if (e.getBundle().getSymbolicName().startsWith("org.switchover.")
                    && (e.getType() == BundleEvent.STOPPED || e.getType() == BundleEvent.STARTED)) {
                bundleEvents.add(e.getBundle().getSymbolicName() + " " + e.getType());
            }
        };
        context.addBundleListener(listener);

        for (Map.Entry<String, String[]> c : CHANNELS.entrySet()) {
            String channel = c.getKey();
            String[] p = c.getValue();
            assertTrue(status(), status().contains(channel + ": not configured"));
            org.osgi.service.cm.Configuration cfg = configAdmin.getConfiguration(p[0], "?");
            cfg.update(props(p[1], "0"));
            awaitLine(channel + ": disabled");
            cfg.update(props(p[1], p[2]));
            awaitLine(channel + ": enabled, primary, 0 live");
            assertEquals("the host's source and the channel bundle's service", 2, context.getServiceReferences(
                    (String) null, "(switchover.interaction.channel=" + channel + ")").length);
            cfg.update(props(p[1], "0"));
            awaitLine(channel + ": disabled");
            cfg.delete();
            awaitLine(channel + ": not configured");
            cfg = configAdmin.getConfiguration(p[0], "?");
            cfg.update(props(p[1], p[2]));
            awaitLine(channel + ": enabled, primary");
        }
        assertEquals("no bundle stopped or started", List.of(), bundleEvents);

        // a channel bundle taken away: the others keep working
        Bundle sms = bundle("org.switchover.recovery.sms");
        sms.stop();
        awaitLine("sms: not configured");
        for (String channel : List.of("mail", "chat", "callback", "social_conversation", "direct_message")) {
            assertTrue(status(), status().contains(channel + ": enabled, primary"));
        }
        context.removeBundleListener(listener);

        // the same figures reach the core's status model (the status JSON's "recovery" object) through the
        // recovery bundle's RecoveryStatusContributor service
        SwitchoverStatus core = context.getService(context.getServiceReference(SwitchoverStatus.class));
        List<RecoveryChannelStatus> recovery = core.report().recovery();
        assertEquals(recovery.toString(), List.copyOf(CHANNELS.keySet()),
                recovery.stream().map(RecoveryChannelStatus::channel).toList());
        for (RecoveryChannelStatus c : recovery) {
            if (c.channel().equals("sms")) {
                assertEquals(RecoveryChannelStatus.notConfigured("sms"), c);
            } else {
                assertTrue(c.toString(), c.enabled() && c.side().equals("primary") && c.live() == 0);
            }
        }
        bundle("org.switchover.recovery").stop();
        assertEquals("no recovery bundle: no recovery figures", List.of(), core.report().recovery());
    }

    private static Dictionary<String, Object> props(String key, String value) {
        Dictionary<String, Object> d = new Hashtable<>();
        d.put(key, value);
        return d;
    }

    private void awaitLine(String text) {
        await(text).atMost(30, TimeUnit.SECONDS).pollInterval(100, TimeUnit.MILLISECONDS)
                .until(() -> status().contains(text));
    }


    private Bundle bundle(String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (b.getSymbolicName().equals(symbolicName)) {
                return b;
            }
        }
        throw new AssertionError("no bundle " + symbolicName);
    }

    /** @return the output of {@code switchover:recovery-status}, through the command service's {@code _main} */
    private String status() throws Exception {
        ServiceReference<?>[] refs = context.getServiceReferences((String) null,
                "(osgi.command.function=recovery-status)");
        if (refs == null) {
            return "";
        }
        Object commands = context.getService(refs[0]);
        Method main = commands.getClass().getMethod("_main", String[].class);
        return (String) main.invoke(commands, (Object) new String[] {"recovery-status"});
    }

    private void configureNodeA() throws IOException {
        int ownPort;
        int peerPort;
        try (ServerSocket own = new ServerSocket(0); ServerSocket peer = new ServerSocket(0)) {
            ownPort = own.getLocalPort();
            peerPort = peer.getLocalPort();
        }
        Path certs = Path.of(System.getProperty("it.certs"));
        Path dir = Path.of(System.getProperty("it.dir"));
        Dictionary<String, Object> node = new Hashtable<>();
        node.put("node", "A");
        node.put("server.a.address", "127.0.0.1");
        node.put("server.b.address", "127.0.0.1");
        node.put("switchover.port.a", ownPort);
        node.put("switchover.port.b", peerPort);
        node.put("data.dir", dir.resolve("data").toString());
        configAdmin.getConfiguration("org.switchover.node", "?").update(node);
        Dictionary<String, Object> core = new Hashtable<>();
        core.put("switchover.reconnect.timeout", 2);
        core.put("negotiation.retry.delay.ms", 200);
        configAdmin.getConfiguration("org.switchover.core", "?").update(core);
        Dictionary<String, Object> notifier = new Hashtable<>();
        notifier.put("tls.keystore", certs.resolve("group/node-A.p12").toString());
        notifier.put("tls.truststore", certs.resolve("group/group-trust.p12").toString());
        configAdmin.getConfiguration("org.switchover.notifier", "?").update(notifier);
    }
}
