package org.switchover.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * The console's web side from outside, as an operator or a load balancer sees it: {@code curl} against a node's
 * HTTPS port (the node's certificate is the server group's, not a public one, hence {@code -k}), and users for its
 * {@code web.users} with password hashes in the documented {@code pbkdf2-sha256:<iterations>:<salt>:<hash>} form.
 */
public final class Console {
    private Console() {
    }

    /** Test users: {@code viewer} (no rights), {@code ops} (remote-control), {@code root} (remote-control+admin). */
    public static final String PASSWORD = "s3cret-pass";

    /** @return the {@code web.users} value with the three test users, all with {@link #PASSWORD} */
    public static String users() {
        String h = hash(PASSWORD);
        return "viewer:-:" + h + ", ops:remote-control:" + h + ", root:remote-control+admin:" + h;
    }

    /** @return a PBKDF2-HMAC-SHA256 hash of {@code password} in the console's form */
    public static String hash(String password) {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        int iterations = 120_000;
        try {
            byte[] h = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(
                    new PBEKeySpec(password.toCharArray(), salt, iterations, 256)).getEncoded();
            Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
            return "pbkdf2-sha256:" + iterations + ":" + b64.encodeToString(salt) + ":" + b64.encodeToString(h);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One answer of curl: the HTTP status, the headers and the body. */
    public record Reply(int code, String headers, String body) {
    }

    /**
     * Runs {@code curl -sk} with {@code args} plus a URL, writing headers and body to temporary files.
     *
     * @throws AssertionError when curl is missing or does not finish within 20 s
     */
    public static Reply curl(String url, String... args) {
        Programs.require("curl", "curl");
        try {
            Path dir = Files.createTempDirectory("curl");
            Path head = dir.resolve("h");
            Path body = dir.resolve("b");
            List<String> cmd = new ArrayList<>(List.of("curl", "-sk", "--max-time", "15", "-D", head.toString(),
                    "-o", body.toString(), "-w", "%{http_code}"));
            cmd.addAll(List.of(args));
            cmd.add(url);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("curl " + url + " did not finish within 20 s");
            }
            int code = out.matches("\\d{3}") ? Integer.parseInt(out) : -1;
            Reply r = new Reply(code, Files.exists(head) ? Files.readString(head, StandardCharsets.ISO_8859_1) : "",
                    Files.exists(body) ? Files.readString(body, StandardCharsets.UTF_8) : "");
            Files.deleteIfExists(head);
            Files.deleteIfExists(body);
            Files.deleteIfExists(dir);
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** @return the HTTP status of a GET of {@code url} (-1 when nothing answered) */
    public static int status(String url) {
        return curl(url).code();
    }
}
