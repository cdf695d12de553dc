package org.switchover.notifier.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificates for the tests, made once per JVM by running {@code bin/switchover-certs}: the server group in
 * {@code group/} (CA, trust store, node A and node B) and a foreign group in {@code other/} (its own CA and trust
 * store, and a node B signed by it), and in {@code fuzz/} a certificate of our authority for {@code switchover-fuzz}.
 */
final class TestCerts {

    /** Result of one script run. */
    record Run(int exit, String output) {
    }

    static final Path ROOT = repoRoot();
    static final Path SCRIPT = ROOT.resolve("bin").resolve("switchover-certs");
    /** The password every test store gets (given to the script, which otherwise picks a random one per store). */
    static final String PASSWORD = "changeit";
    private static Path dir;

    private TestCerts() {
    }

    static synchronized Path dir() {
        if (dir == null) {
            try {
                Path d = Files.createTempDirectory("switchover-certs-test");
                String group = d.resolve("group").toString();
                String otherCa = d.resolve("other-ca").toString();
                // keytool runs are slow to start: run independent ones side by side
                parallel(List.of(List.of(group, "group"), List.of(otherCa, "group")));
                parallel(List.of(List.of(group, "node", "A"), List.of(group, "node", "B"),
                        List.of(d.resolve("other").toString(), "node", "B", "--ca", otherCa),
                        List.of(d.resolve("fuzz").toString(), "node", "B", "--ca", group, "--cn",
                                "switchover-fuzz")));
                dir = d;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return dir;
    }

    static Path groupTrust() {
        return dir().resolve("group").resolve("group-trust.p12");
    }

    static Path node(String letter) {
        return dir().resolve("group").resolve("node-" + letter + ".p12");
    }

    /** @return a key store signed by our group authority, but for {@code CN=switchover-fuzz}, not for a node. */
    static Path fuzzNodeB() {
        return dir().resolve("fuzz").resolve("node-B.p12");
    }

    static Path foreignNodeB() {
        return dir().resolve("other").resolve("node-B.p12");
    }

    /** @return the trust store of the foreign group (its CA lives in {@code other-ca/}). */
    static Path foreignTrust() {
        return dir().resolve("other-ca").resolve("group-trust.p12");
    }

    /** @return the PKCS12 store at {@code p}, opened with the tests' password. */
    static KeyStore load(Path p) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        return ks;
    }

    private static void parallel(List<List<String>> runs) {
        List<java.util.concurrent.CompletableFuture<Run>> all = new ArrayList<>();
        for (List<String> args : runs) {
            all.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> run(args.toArray(String[]::new))));
        }
        all.forEach(f -> check(f.join()));
    }

    /** Runs the script with {@code args} and the tests' password; bounded to 180 s (keytool starts slowly). */
    static Run run(String... args) {
        return run(PASSWORD, args);
    }

    /** Runs the script with {@code args} and no given password: every store gets a random one. */
    static Run runWithRandomPasswords(String... args) {
        return run(null, args);
    }

    private static Run run(String password, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("bash");
        cmd.add(SCRIPT.toString());
        cmd.addAll(List.of(args));
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            if (password == null) {
                pb.environment().remove("SWITCHOVER_CERT_PASSWORD");
            } else {
                pb.environment().put("SWITCHOVER_CERT_PASSWORD", password);
            }
            Process p = pb.start();
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("switchover-certs did not finish in 180 s: " + cmd);
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return new Run(p.exitValue(), out);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + cmd, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void check(Run r) {
        if (r.exit() != 0) {
            throw new IllegalStateException("switchover-certs failed: " + r.output());
        }
    }

    private static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        for (int i = 0; i < 10 && p != null; i++, p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("bin").resolve("switchover-certs"))) {
                return p;
            }
        }
        throw new IllegalStateException("bin/switchover-certs not found above " + Path.of("").toAbsolutePath());
    }
}
