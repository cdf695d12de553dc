package org.switchover.it.felix;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
import org.osgi.service.cm.ConfigurationAdmin;
import org.switchover.api.notifier.Notifier;
import org.switchover.it.support.Repo;

/**
 * The notifier inside a real Felix framework, configured through a real ConfigAdmin: a changed
 * {@code Switchover Notifier Reconnect Delay} takes effect without restarting the bundle or the component, and an
 * out-of-range value is clamped with a WARN naming the parameter, the bad value and the value used.
 */
@RunWith(PaxExam.class)
@ExamFactory(NativeTestContainerFactory.class)
public class NotifierConfigIT {

    @Inject
    private BundleContext context;

    @Inject
    private ConfigurationAdmin configAdmin;

    @Configuration
    public Option[] config() throws IOException {
        Path dir = Repo.freshDir("notifier-config-it");
        return options(
                FelixOptions.testDir(dir),
                FelixOptions.platform(),
                FelixOptions.notifierLibraries(),
                FelixOptions.reactorBundle("api", "org.switchover.api"),
                FelixOptions.reactorBundle("notifier", "org.switchover.notifier"));
    }

    @Test
    public void reconnectDelayChangesLiveAndOutOfRangeValuesAreClamped() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort(); // nothing listens there once the socket is closed: the peer is "down"
        }
        Path certs = Path.of(System.getProperty("it.certs"));
        Dictionary<String, Object> node = new Hashtable<>();
        node.put("node", "B");
        node.put("server.a.address", "127.0.0.1");
        node.put("server.b.address", "127.0.0.1");
        node.put("switchover.port.a", closedPort);
        node.put("switchover.port.b", 0);
        configAdmin.getConfiguration("org.switchover.node", "?").update(node);
        Dictionary<String, Object> notifier = new Hashtable<>();
        notifier.put("tls.keystore", certs.resolve("group/node-B.p12").toString());
        notifier.put("tls.truststore", certs.resolve("group/group-trust.p12").toString());
        notifier.put("peer.links.open.on.start", true);
        notifier.put("switchover.notifier.reconnect.delay", 5);
        org.osgi.service.cm.Configuration notifierConfig =
                configAdmin.getConfiguration("org.switchover.notifier", "?");
        notifierConfig.update(notifier);

        ServiceReference<Notifier> ref = await("notifier service").atMost(30, TimeUnit.SECONDS)
                .until(() -> context.getServiceReference(Notifier.class), r -> r != null);
        Notifier service = context.getService(ref);
        long serviceId = (Long) ref.getProperty(Constants.SERVICE_ID);
        Bundle bundle = ref.getBundle();
        long bundleModified = bundle.getLastModified();
        assertEquals(Duration.ofSeconds(5), service.reconnectDelay());

        // a new value in range: taken live, and the reconnect attempts follow it
        notifier.put("switchover.notifier.reconnect.delay", 7);
        notifierConfig.update(notifier);
        await().atMost(10, TimeUnit.SECONDS).until(() -> service.reconnectDelay().equals(Duration.ofSeconds(7)));
        List<Long> gaps = attemptGaps(3, Duration.ofSeconds(40));
        for (long gap : gaps.subList(1, gaps.size())) {
            assertTrue("attempts must be about 7 s apart, were " + gaps, gap >= 6_000 && gap <= 10_000);
        }

        // below the documented range: clamped to 5 with a WARN
        notifier.put("switchover.notifier.reconnect.delay", 2);
        notifierConfig.update(notifier);
        await().atMost(10, TimeUnit.SECONDS).until(() -> service.reconnectDelay().equals(Duration.ofSeconds(5)));
        await().atMost(10, TimeUnit.SECONDS).until(() -> log().lines().anyMatch(l -> l.contains("WARN")
                && l.contains("Switchover Notifier Reconnect Delay") && l.contains(" 2 ") && l.contains("using 5")));

        // above it: clamped to 60
        notifier.put("switchover.notifier.reconnect.delay", 600);
        notifierConfig.update(notifier);
        await().atMost(10, TimeUnit.SECONDS).until(() -> service.reconnectDelay().equals(Duration.ofSeconds(60)));
        assertTrue(log().lines().anyMatch(l -> l.contains("WARN") && l.contains("Switchover Notifier Reconnect Delay")
                && l.contains(" 600 ") && l.contains("using 60")));

        // all without restarting the bundle or re-registering the service
        ServiceReference<Notifier> now = context.getServiceReference(Notifier.class);
        assertEquals(serviceId, now.getProperty(Constants.SERVICE_ID));
        assertEquals(Bundle.ACTIVE, bundle.getState());
        assertEquals(bundleModified, bundle.getLastModified());
        context.ungetService(ref);
    }

    /** Watches the log for new "attempt #n" lines and returns the gaps (ms) between the times they appeared. */
    private static List<Long> attemptGaps(int count, Duration limit) {
        Pattern attempt = Pattern.compile("attempt #(\\d+)");
        List<Long> seenAt = new ArrayList<>();
        int[] last = {lastAttempt(attempt)};
        long start = System.nanoTime();
        await().atMost(limit).pollInterval(Duration.ofMillis(25)).until(() -> {
            int n = lastAttempt(attempt);
            if (n > last[0]) {
                last[0] = n;
                seenAt.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            }
            return seenAt.size() > count;
        });
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < seenAt.size(); i++) {
            gaps.add(seenAt.get(i) - seenAt.get(i - 1));
        }
        return gaps;
    }

    private static int lastAttempt(Pattern attempt) {
        Matcher m = attempt.matcher(log());
        int n = 0;
        while (m.find()) {
            n = Integer.parseInt(m.group(1));
        }
        return n;
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
