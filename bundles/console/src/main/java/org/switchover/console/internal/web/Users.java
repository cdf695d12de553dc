package org.switchover.console.internal.web;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The console's users, parsed from the console configuration's {@code web.users}: entries separated by commas or
 * white space, each {@code <name>:<rights>:<hash>} where rights are {@code remote-control} and/or {@code admin} joined
 * by {@code +} (or {@code -} for a user who may only look) and the hash is a {@link PasswordHash}. A broken entry is
 * reported and left out; the others load. Immutable but for a small cache of recent successful logins (an HMAC of
 * name and password under a per-process key), so that REST clients sending HTTP Basic on every call do not pay the
 * slow hash each time. Thread-safe.
 */
final class Users {

    /** What a user may do beyond looking. */
    enum Right {
        /** Switch from the page or over REST (the reference's Remote Control right). */
        REMOTE_CONTROL("remote-control"),
        /** Also the immediate switch. */
        ADMIN("admin");

        private final String word;

        Right(String word) {
            this.word = word;
        }

        String word() {
            return word;
        }
    }

    /** One user. */
    record User(String name, Set<Right> rights, String hash) {
        /** @return whether the user may switch (an administrator may too) */
        boolean mayControl() {
            return rights.contains(Right.REMOTE_CONTROL) || rights.contains(Right.ADMIN);
        }

        boolean admin() {
            return rights.contains(Right.ADMIN);
        }
    }

    /** How long a successful login is remembered for HTTP Basic (ms). */
    private static final long CACHE_MILLIS = 300_000;
    private static final int MAX_NAME = 64;
    private static final int CACHE_MAX = 256;

    private final Map<String, User> users;
    private final List<String> problems;
    private final LongSupplier clockMillis;
    private final byte[] cacheKey = new byte[32];
    private final Map<String, Long> verified = new ConcurrentHashMap<>();

    private Users(Map<String, User> users, List<String> problems, LongSupplier clockMillis) {
        this.users = users;
        this.problems = problems;
        this.clockMillis = clockMillis;
        new SecureRandom().nextBytes(cacheKey);
    }

    /** @return the users of {@code text} (see the class comment); problems are in {@link #problems()} */
    static Users parse(String text, LongSupplier clockMillis) {
        Map<String, User> out = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        int n = 0;
        for (String entry : (text == null ? "" : text).trim().split("[,\\s]+")) {
            if (entry.isEmpty()) {
                continue;
            }
            n++;
            try {
                User u = parseEntry(entry);
                if (out.putIfAbsent(u.name(), u) != null) {
                    problems.add("web.users entry " + n + ": user '" + u.name() + "' is listed twice; the first kept");
                }
            } catch (IllegalArgumentException e) {
                problems.add("web.users entry " + n + " left out: " + e.getMessage());
            }
        }
        return new Users(Collections.unmodifiableMap(out), List.copyOf(problems), clockMillis);
    }

    private static User parseEntry(String entry) {
        int a = entry.indexOf(':');
        int b = a < 0 ? -1 : entry.indexOf(':', a + 1);
        if (a <= 0 || b < 0) {
            throw new IllegalArgumentException("expected <name>:<rights>:<hash>");
        }
        String name = entry.substring(0, a);
        if (name.length() > MAX_NAME || !name.matches("[A-Za-z0-9._@-]+")) {
            throw new IllegalArgumentException("a user name is 1 to " + MAX_NAME
                    + " letters, digits or . _ @ -, got '" + HealthChecks.printable(name) + "'");
        }
        Set<Right> rights = EnumSet.noneOf(Right.class);
        String rightsText = entry.substring(a + 1, b);
        if (!rightsText.equals("-")) {
            for (String r : rightsText.split("\\+", -1)) {
                rights.add(right(r));
            }
        }
        String hash = entry.substring(b + 1);
        PasswordHash.check(hash);
        return new User(name, Collections.unmodifiableSet(rights), hash);
    }

    private static Right right(String word) {
        for (Right r : Right.values()) {
            if (r.word().equals(word.toLowerCase(Locale.ROOT))) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown right '" + HealthChecks.printable(word)
                + "' (remote-control, admin, or - for none)");
    }

    /** @return why entries were left out, one sentence each (no hashes in them) */
    List<String> problems() {
        return problems;
    }

    int size() {
        return users.size();
    }

    /**
     * @param name the user name given
     * @param password the password given
     * @return the user when the name is known and the password matches
     */
    Optional<User> authenticate(String name, String password) {
        User u = name == null ? null : users.get(name);
        if (u == null || password == null || password.length() > 1024) {
            return Optional.empty();
        }
        String key = cacheKey(name, password);
        Long until = verified.get(key);
        long now = clockMillis.getAsLong();
        if (until != null && until > now) {
            return Optional.of(u);
        }
        if (!PasswordHash.verify(u.hash(), password.toCharArray())) {
            return Optional.empty();
        }
        if (verified.size() >= CACHE_MAX) {
            verified.clear();
        }
        verified.put(key, now + CACHE_MILLIS);
        return Optional.of(u);
    }

    private String cacheKey(String name, String password) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(cacheKey, "HmacSHA256"));
            byte[] d = mac.doFinal((name + '\0' + password).getBytes(StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(d);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** @return whether two secrets are equal, compared in constant time */
    static boolean sameSecret(String a, String b) {
        return a != null && b != null && MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8),
                b.getBytes(StandardCharsets.UTF_8));
    }
}
