package org.switchover.it.support;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS material for system tests, made once per JVM with the product's own {@code bin/switchover-certs}: the pair's
 * server group under {@code group/} (authority, trust store, nodes A and B), a foreign authority under
 * {@code other/} with a node B of its own, and under {@code probe/} a certificate of the pair's authority named
 * {@code switchover-probe} (an authenticated third party).
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
                // a third party's certificate from the pair's own authority, named for neither node
                script(d.resolve("probe"), "node", "A", "--ca", d.resolve("group").toString(), "--cn",
                        "switchover-probe");
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

    /** @return a key store signed by the pair's authority for {@code CN=switchover-probe} (neither A nor B) */
    public static Path probe() {
        return dir().resolve("probe/node-A.p12");
    }

    public static Path foreignNodeB() {
        return dir().resolve("other/node-B.p12");
    }

    /**
     * @return a TLS 1.3 client context presenting {@code keystore} (password {@code changeit}) and trusting the pair's
     *     authority, for tests that talk to a notifier port directly
     */
    public static SSLContext clientContext(Path keystore) throws Exception {
        char[] pw = "changeit".toCharArray();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, pw);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, pw);
        KeyStore ts = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(groupTrust())) {
            ts.load(in, pw);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        SSLContext ctx = SSLContext.getInstance("TLSv1.3");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
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
