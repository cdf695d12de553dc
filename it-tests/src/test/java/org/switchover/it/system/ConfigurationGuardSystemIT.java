package org.switchover.it.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.switchover.it.support.Repo;
import org.switchover.it.support.SwitchoverNode;

/**
 * A configuration file that FileInstall cannot store in ConfigAdmin because the node's disk is full (the fault
 * harness's seed 4157278018123558069: a backup restarted onto a full disk came up without its core's configuration
 * and stayed silent). A real node, its data directory (framework cache, ConfigAdmin's store) on a tmpfs the test
 * mounts: the disk filled, a recovery channel's file is dropped into {@code etc/}; the configuration guard names the
 * file in an ERROR, the channel stays off; the ballast deleted, the guard has FileInstall read the file again and the
 * channel turns on, with nobody touching the node. Needs root (mount); the tmpfs is unmounted whatever happens.
 */
class ConfigurationGuardSystemIT {

    private static final String SMS = "org.switchover.recovery.sms.cfg";

    @Test
    void aConfigurationFileThatCouldNotBeStoredOnAFullDiskIsReportedAndAppliedOnceThereIsSpace() throws Exception {
        Path dir = Repo.freshDir("configuration-guard");
        SwitchoverNode a = SwitchoverNode.create(dir, "A", SwitchoverNode.freePorts(), Map.of());
        Path data = a.home().resolve("data");
        Path etcFile = a.home().resolve("etc").resolve(SMS);
        Files.delete(etcFile);
        Files.createDirectories(data);
        run("mount", "-t", "tmpfs", "-o", "size=256m", "tmpfs", data.toString());
        try (a) {
            a.start();
            a.awaitState("PRIMARY", Duration.ofSeconds(90));
            assertFalse(a.status().path("recovery").path("sms").path("enabled").asBoolean(),
                    a.status().path("recovery").toString());
            int mark = a.logMark();

            Path ballast = data.resolve("ballast");
            long filled = fill(ballast);
            Files.writeString(etcFile, "sms.interaction.recovery.enabled=1\n", StandardCharsets.UTF_8);
            long t0 = System.nanoTime();
            // the guard's first check is 10 s after its start, then every 30 s; a file missing twice is reported
            a.awaitLog("ERROR .*Configuration guard: .*/" + SMS.replace(".", "\\.")
                    + " is not applied: .*FileInstall.*asked FileInstall to read it again", Duration.ofSeconds(60));
            System.out.printf("CONFIGGUARD %d MiB of ballast; the file not applied reported %d ms after it was"
                    + " dropped%n", filled >> 20, (System.nanoTime() - t0) / 1_000_000);
            assertFalse(a.status().path("recovery").path("sms").path("enabled").asBoolean(),
                    "the channel stays off while its file is not applied");
            assertEquals("PRIMARY", a.state(), "the node keeps running");

            Files.delete(ballast);
            long t1 = System.nanoTime();
            a.awaitLog("INFO .*Configuration guard: .*/" + SMS.replace(".", "\\.")
                    + " is applied in ConfigAdmin after \\d+ attempts", Duration.ofSeconds(30));
            Awaitility.await("SMS recovery on").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                    .until(() -> a.status().path("recovery").path("sms").path("enabled").asBoolean());
            System.out.printf("CONFIGGUARD applied and the channel on %d ms after the space was freed%n",
                    (System.nanoTime() - t1) / 1_000_000);
            String log = a.logSince(mark);
            assertTrue(log.contains("Failed to install artifact") || log.contains("No space left on device"),
                    "FileInstall's own failure is in the log:\n" + log);
            assertEquals("PRIMARY", a.state());
        } finally {
            run("umount", "-l", data.toString());
        }
    }

    /** Writes 1 MiB chunks until the file system refuses; @return the bytes written */
    private static long fill(Path ballast) {
        long written = 0;
        byte[] chunk = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(ballast)) {
            for (int i = 0; i < 512; i++) {
                out.write(chunk);
                written += chunk.length;
            }
            throw new AssertionError("256 MiB tmpfs took 512 MiB");
        } catch (IOException full) {
            return written;
        }
    }

    private static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", cmd) + " did not finish within 10 s");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", cmd) + " failed (exit " + p.exitValue()
                    + "; this test needs root to mount a tmpfs): " + out);
        }
    }
}
