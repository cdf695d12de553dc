package org.switchover.it.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * TLS material for system tests, made once per JVM with the product's own {@code bin/switchover-certs}: the pair's
 * server group under {@code group/} (authority, trust store, nodes A and B) and a foreign authority under
 * {@code other/} with a node B of its own.
 */
public final class Certs {
    private static Path dir;

    private Certs() {
    }

    /** @return the folder holding {@code group/} and {@code other/}. */
    public static synchronized Path dir() {
        if (dir == null) {
            try {
                Path d = Files.createTempDirectory(Repo.target(), "certs-");
                script(d.resolve("group"), "group");
                script(d.resolve("group"), "node", "A");
                script(d.resolve("group"), "node", "B");
                script(d.resolve("other"), "group");
                script(d.resolve("other"), "node", "B");
                dir = d;
            } catch (IOException e) {
                throw new IllegalStateException("cannot create a certificate folder", e);
            }
        }
        return dir;
    }

    public static Path groupTrust() {
        return dir().resolve("group/group-trust.p12");
    }

    public static Path node(String letter) {
        return dir().resolve("group/node-" + letter + ".p12");
    }

    public static Path foreignNodeB() {
        return dir().resolve("other/node-B.p12");
    }

    /** Runs {@code bin/switchover-certs <target> args...}, bounded to 60 s; fails on a non-zero exit. */
    public static void script(Path target, String... args) {
        List<String> cmd = new ArrayList<>(List.of("bash", Repo.root().resolve("bin/switchover-certs").toString(),
                target.toString()));
        cmd.addAll(List.of(args));
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            // the stores get the password the tests (and the shipped notifier configuration) use; without it the
            // script gives every store a random password of its own
            pb.environment().put("SWITCHOVER_CERT_PASSWORD", "changeit");
            Process p = pb.start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("switchover-certs did not finish within 60 s: " + cmd);
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException("switchover-certs failed (" + p.exitValue() + "): " + out);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + cmd, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
