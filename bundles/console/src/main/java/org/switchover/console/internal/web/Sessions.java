package org.switchover.console.internal.web;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The page's login sessions: a random id (the cookie) per login, each with its own CSRF token that every POST must
 * carry. Idle sessions expire; at most {@value #MAX_SESSIONS} live at once (the oldest is dropped), so a client that
 * logs in again and again cannot grow memory. Thread-safe.
 */
final class Sessions {

    /** The session cookie's name. */
    static final String COOKIE = "SWITCHOVER_SESSION";
    static final int MAX_SESSIONS = 256;

    /** One login. */
    record Session(String id, Users.User user, String csrf) {
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final LongSupplier clockMillis;
    private volatile long idleMillis;
    private final Map<String, Entry> sessions = new LinkedHashMap<>(16, 0.75f, true);

    private record Entry(Session session, long lastUsed) {
    }

    /**
     * @param idleMillis a session unused this long is gone
     * @param clockMillis monotonic time in ms
     */
    Sessions(long idleMillis, LongSupplier clockMillis) {
        this.idleMillis = idleMillis;
        this.clockMillis = clockMillis;
    }

    void idleMillis(long millis) {
        this.idleMillis = millis;
    }

    /** @return a new session for {@code user} */
    synchronized Session create(Users.User user) {
        Session s = new Session(token(), user, token());
        sessions.put(s.id(), new Entry(s, clockMillis.getAsLong()));
        if (sessions.size() > MAX_SESSIONS) {
            Iterator<String> oldest = sessions.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        return s;
    }

    /** @return the live session of this id (its idle time starts again), if any */
    synchronized Optional<Session> get(String id) {
        if (id == null || id.length() != 64) {
            return Optional.empty();
        }
        Entry e = sessions.get(id);
        long now = clockMillis.getAsLong();
        if (e == null) {
            return Optional.empty();
        }
        if (now - e.lastUsed() > idleMillis) {
            sessions.remove(id);
            return Optional.empty();
        }
        sessions.put(id, new Entry(e.session(), now));
        return Optional.of(e.session());
    }

    synchronized void remove(String id) {
        if (id != null) {
            sessions.remove(id);
        }
    }

    /** Drops every session (the users changed). */
    synchronized void clear() {
        sessions.clear();
    }

    synchronized int size() {
        return sessions.size();
    }

    private static String token() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
