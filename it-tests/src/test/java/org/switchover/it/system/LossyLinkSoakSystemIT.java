package org.switchover.it.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.switchover.it.support.LossyLink;
import org.switchover.it.support.Profiles;
import org.switchover.it.support.Repo;
import org.switchover.it.support.SwitchoverNode;

/**
 * Issue 13's soak: a pair with the {@linkplain Profiles#fast() fast profile} whose every connection - both
 * directions, links and one-shot queries - and every UDP heartbeat runs through a {@link LossyLink} with 30 % loss
 * and 100 ± 50 ms one-way delay ({@code -Dfailover.soak.udp.loss.to.a / .to.b} make the datagrams' loss asymmetric), for {@code -Dfailover.soak.seconds} (600) seconds: zero switches. Counts and prints the backup's reconnect
 * periods, link losses and the relay's figures ({@code SOAK} lines in the failsafe output). Runs under
 * {@code -Psoak} only:
 *
 * <pre>
 * mvn -B verify -Psoak -pl it-tests -am -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dit.test=LossyLinkSoakSystemIT [-Dfailover.soak.seconds=600]
 * </pre>
 */
class LossyLinkSoakSystemIT {

    private static final int SECONDS = Integer.getInteger("failover.soak.seconds", 600);
    private static final double LOSS = Double.parseDouble(System.getProperty("failover.soak.loss", "0.30"));
    /** Loss of the datagrams (heartbeats) towards A and towards B; asymmetric when they differ. */
    private static final double UDP_LOSS_TO_A = Double.parseDouble(System.getProperty("failover.soak.udp.loss.to.a",
            String.valueOf(LOSS)));
    private static final double UDP_LOSS_TO_B = Double.parseDouble(System.getProperty("failover.soak.udp.loss.to.b",
            String.valueOf(LOSS)));
    private static final Duration START = Duration.ofSeconds(180);

    @Test
    void thirtyPercentLossAndJitterCauseNoSwitch() throws Exception {
        int[] ports = SwitchoverNode.freePorts();
        Path dir = Repo.freshDir("lossy-soak");
        long seed = Long.getLong("failover.soak.seed", System.nanoTime());
        try (LossyLink toA = new LossyLink(ports[0], LOSS, UDP_LOSS_TO_A, 100, 50, seed);
             LossyLink toB = new LossyLink(ports[1], LOSS, UDP_LOSS_TO_B, 100, 50, seed + 1);
             // each node listens on its own port and reaches its peer through the relay
             SwitchoverNode a = SwitchoverNode.create(dir, "A", new int[] {ports[0], toB.port()}, Profiles.fast());
             SwitchoverNode b = SwitchoverNode.create(dir, "B", new int[] {toA.port(), ports[1]}, Profiles.fast())) {
            System.out.printf("SOAK lossy link: %.0f %% loss (datagrams to A %.0f %%, to B %.0f %%), 100 +- 50 ms one"
                    + " way, RTO %d ms, seed %d, %d s%n", LOSS * 100, UDP_LOSS_TO_A * 100, UDP_LOSS_TO_B * 100,
                    toA.rtoMillis(), seed, SECONDS);
            a.start();
            a.awaitState("PRIMARY", START);
            b.start();
            await("B backup, both links active, monitors running").atMost(START)
                    .pollInterval(Duration.ofMillis(500)).until(() -> {
                        JsonNode s = b.quickStatus();
                        return s != null && "BACKUP".equals(s.path("state").asText())
                                && "ACTIVE".equals(s.path("connections").path("main").asText())
                                && "ACTIVE".equals(s.path("connections").path("aux").asText())
                                && s.path("automaticSwitch").asBoolean();
                    });
            int markA = a.logMark();
            int markB = b.logMark();
            long start = System.currentTimeMillis();
            long end = start + SECONDS * 1000L;
            int samples = 0;
            int notBackup = 0;
            String worst = "";
            while (System.currentTimeMillis() < end && samples < SECONDS * 2 + 10) {
                Thread.sleep(1_000);
                samples++;
                String sb = b.state();
                if (!"BACKUP".equals(sb)) {
                    notBackup++;
                    worst = sb;
                    if ("PRIMARY".equals(sb)) {
                        break;
                    }
                }
            }
            String logB = b.logSince(markB);
            String logA = a.logSince(markA);
            int switches = count(logB, "org\\.switchover\\.audit - State \\S+ -> PRIMARY");
            int reconnecting = count(logB, "org\\.switchover\\.audit - State BACKUP -> RECONNECTING");
            int restored = count(logB, "connections to the primary re-established");
            int lost = count(logB, "Lost connection to notifier");
            int aLeft = count(logA, "org\\.switchover\\.audit - State PRIMARY -> ");
            System.out.printf("SOAK lossy link after %d s: %d switches, %d reconnect periods (%d restored), %d link"
                            + " losses, B not BACKUP in %d of %d samples%s; A left PRIMARY %d times%n",
                    (System.currentTimeMillis() - start) / 1000, switches, reconnecting, restored, lost, notBackup,
                    samples, worst.isEmpty() ? "" : " (seen " + worst + ")", aLeft);
            System.out.println("SOAK relay to A: " + toA.stats());
            System.out.println("SOAK relay to B: " + toB.stats());
            System.out.println("SOAK heartbeats to A: " + toA.udp().stats());
            System.out.println("SOAK heartbeats to B: " + toB.udp().stats());
            int notCounted = count(logB, "the failure is not counted");
            int held = count(logB, "Reconnect period of [0-9.]+ s is over but the primary's heartbeats arrive");
            System.out.printf("SOAK B: %d ping stalls not counted thanks to heartbeats, %d reconnect timers held%n",
                    notCounted, held);
            assertEquals(0, switches, "no switch under loss and jitter; B's audit lines:\n" + audit(logB));
            assertEquals(0, aLeft, "A stays primary; A's audit lines:\n" + audit(logA));
            assertEquals("PRIMARY", a.state());
            assertTrue(samples >= SECONDS / 2, "sampled: " + samples);
        }
    }

    private static int count(String log, String regex) {
        Matcher m = Pattern.compile(regex).matcher(log);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    private static String audit(String log) {
        StringBuilder b = new StringBuilder();
        for (String line : log.split("\n")) {
            if (line.contains("org.switchover.audit")) {
                b.append(line).append('\n');
            }
        }
        return b.toString();
    }
}
