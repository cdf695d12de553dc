package org.switchover.console.internal.web;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Salted slow password hashes for the console's users: PBKDF2 with HMAC-SHA256 from the JDK, written
 * {@code pbkdf2-sha256:<iterations>:<salt>:<hash>} (salt and hash in unpadded URL-safe Base64, so the text holds no
 * ':', ',', '=' or space and fits a {@code .cfg} value). Produced by {@code switchover:passwordhash}.
 */
public final class PasswordHash {
    private PasswordHash() {
    }

    /** The scheme word that starts every hash. */
    static final String SCHEME = "pbkdf2-sha256";
    /** Iterations of a new hash. */
    static final int ITERATIONS = 210_000;
    /** Fewest iterations a configured hash may have. */
    static final int MIN_ITERATIONS = 100_000;
    /** Most iterations a configured hash may have (a verification must stay well under a second). */
    static final int MAX_ITERATIONS = 2_000_000;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 256;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    /** @return a new hash of {@code password} with a fresh random salt */
    public static String hash(char[] password) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return SCHEME + ":" + ITERATIONS + ":" + B64.encodeToString(salt) + ":"
                + B64.encodeToString(derive(password, salt, ITERATIONS));
    }

    /**
     * @param stored a hash in this class's form
     * @param password the password to check
     * @return true when the password matches (compared in constant time)
     * @throws IllegalArgumentException when {@code stored} is not a valid hash (see {@link #check})
     */
    static boolean verify(String stored, char[] password) {
        Parsed p = parse(stored);
        return MessageDigest.isEqual(p.hash, derive(password, p.salt, p.iterations));
    }

    /**
     * @param stored a configured hash
     * @throws IllegalArgumentException naming what is wrong: not four ':'-separated parts, another scheme, iterations
     *     out of range, salt or hash not Base64 or of the wrong size
     */
    static void check(String stored) {
        parse(stored);
    }

    private record Parsed(int iterations, byte[] salt, byte[] hash) {
    }

    private static Parsed parse(String stored) {
        String[] parts = stored == null ? new String[0] : stored.split(":", -1);
        if (parts.length != 4 || !SCHEME.equals(parts[0])) {
            throw new IllegalArgumentException("the password hash must read " + SCHEME
                    + ":<iterations>:<salt>:<hash> (make one with switchover:passwordhash)");
        }
        int iterations;
        try {
            iterations = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            iterations = -1;
        }
        if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("the password hash's iterations must be from " + MIN_ITERATIONS
                    + " to " + MAX_ITERATIONS + ", got '" + HealthChecks.printable(parts[1]) + "'");
        }
        byte[] salt;
        byte[] hash;
        try {
            salt = Base64.getUrlDecoder().decode(parts[2]);
            hash = Base64.getUrlDecoder().decode(parts[3]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the password hash's salt or hash is not URL-safe Base64");
        }
        if (salt.length < 8 || hash.length != HASH_BITS / 8) {
            throw new IllegalArgumentException("the password hash needs a salt of at least 8 bytes and a hash of "
                    + HASH_BITS / 8 + " bytes");
        }
        return new Parsed(iterations, salt, hash);
    }

    private static byte[] derive(char[] password, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, HASH_BITS);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is not available in this JVM", e);
        } finally {
            spec.clearPassword();
        }
    }
}
