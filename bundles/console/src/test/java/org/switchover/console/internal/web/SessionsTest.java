package org.switchover.console.internal.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** Login sessions: random ids and CSRF tokens, idle expiry, a bound on their number, hostile cookie values. */
class SessionsTest {

    private static final Users.User OPS = new Users.User("ops", EnumSet.of(Users.Right.REMOTE_CONTROL), "x");

    @Test
    void sessionsExpireWhenIdleAndAreBounded() {
        AtomicLong clock = new AtomicLong();
        Sessions s = new Sessions(1000, clock::get);
        Sessions.Session a = s.create(OPS);
        assertEquals(64, a.id().length());
        assertNotEquals(a.id(), a.csrf());
        clock.set(900);
        assertTrue(s.get(a.id()).isPresent(), "used within the idle time");
        clock.set(1800);
        assertTrue(s.get(a.id()).isPresent(), "the idle time restarted at the last use");
        clock.set(2801);
        assertFalse(s.get(a.id()).isPresent(), "idle too long");

        Sessions.Session first = s.create(OPS);
        for (int i = 0; i < Sessions.MAX_SESSIONS; i++) {
            s.create(OPS);
        }
        assertEquals(Sessions.MAX_SESSIONS, s.size());
        assertFalse(s.get(first.id()).isPresent(), "the oldest is dropped");
    }

    @Test
    void hostileCookieValuesFindNothing() {
        Sessions s = new Sessions(60_000, () -> 0L);
        Sessions.Session a = s.create(OPS);
        for (String bad : new String[] {null, "", "x".repeat(100_000), a.id().toUpperCase(), a.id() + "0",
            "../../etc/passwd", a.csrf()}) {
            assertFalse(s.get(bad).isPresent(), String.valueOf(bad).length() + " chars");
        }
        assertFalse(Users.sameSecret(a.csrf(), null));
        assertFalse(Users.sameSecret(a.csrf(), a.csrf().substring(1)));
        assertTrue(Users.sameSecret(a.csrf(), new String(a.csrf().toCharArray())));
    }
}
