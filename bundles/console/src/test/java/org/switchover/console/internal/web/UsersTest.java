package org.switchover.console.internal.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Password hashes, the users' configuration, rights and the refusal reasons. */
class UsersTest {

    private static String opsHash;
    private static String rootHash;

    @BeforeAll
    static void hashes() {
        opsHash = PasswordHash.hash("ops-secret".toCharArray());
        rootHash = PasswordHash.hash("root-secret".toCharArray());
    }

    @Test
    void aHashIsSaltedSlowAndVerifies() {
        String again = PasswordHash.hash("ops-secret".toCharArray());
        assertFalse(again.equals(opsHash), "a fresh salt each time");
        String[] parts = opsHash.split(":");
        assertEquals("pbkdf2-sha256", parts[0]);
        assertTrue(Integer.parseInt(parts[1]) >= 100_000, opsHash);
        assertTrue(PasswordHash.verify(opsHash, "ops-secret".toCharArray()));
        assertFalse(PasswordHash.verify(opsHash, "ops-secreT".toCharArray()));
        assertFalse(PasswordHash.verify(opsHash, "".toCharArray()));
    }

    @Test
    void brokenHashesAreRefusedNamingTheProblem() {
        assertThrows(IllegalArgumentException.class, () -> PasswordHash.check("plain"));
        assertThrows(IllegalArgumentException.class, () -> PasswordHash.check("md5:1:a:b"));
        IllegalArgumentException few = assertThrows(IllegalArgumentException.class,
                () -> PasswordHash.check(opsHash.replace(":210000:", ":1000:")));
        assertTrue(few.getMessage().contains("iterations"), few.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PasswordHash.check("pbkdf2-sha256:210000:!!:??"));
        assertThrows(IllegalArgumentException.class, () -> PasswordHash.check(null));
    }

    @Test
    void usersRightsAndBrokenEntries() {
        AtomicLong clock = new AtomicLong();
        Users u = Users.parse("ops:remote-control:" + opsHash + ", root:remote-control+admin:" + rootHash
                + "\n viewer:-:" + opsHash + ", bad:superuser:" + opsHash + ", <b>:admin:" + opsHash
                + ", nohash:admin:xyz, ops:admin:" + rootHash, clock::get);
        assertEquals(3, u.size());
        assertEquals(4, u.problems().size(), u.problems().toString());
        assertTrue(u.problems().get(0).contains("unknown right 'superuser'"), u.problems().toString());
        assertTrue(u.problems().stream().noneMatch(p -> p.contains(opsHash.split(":")[3])), "no hash in a problem");
        Users.User ops = u.authenticate("ops", "ops-secret").orElseThrow();
        assertTrue(ops.mayControl());
        assertFalse(ops.admin());
        assertTrue(u.authenticate("root", "root-secret").orElseThrow().admin());
        Users.User viewer = u.authenticate("viewer", "ops-secret").orElseThrow();
        assertFalse(viewer.mayControl());
        assertTrue(u.authenticate("ops", "wrong").isEmpty());
        assertTrue(u.authenticate("nobody", "ops-secret").isEmpty());
        assertTrue(u.authenticate(null, null).isEmpty());

        assertEquals("user 'viewer' does not hold the remote-control right", ConsoleServlet.refusal(viewer, false));
        assertEquals("the immediate switch is reserved to administrators; user 'ops' is not one",
                ConsoleServlet.refusal(ops, true));
        assertNull(ConsoleServlet.refusal(ops, false));
        assertNull(ConsoleServlet.refusal(u.authenticate("root", "root-secret").orElseThrow(), true));
    }

    @Test
    void aRememberedLoginStillChecksThePassword() {
        Users u = Users.parse("ops:remote-control:" + opsHash, () -> 0L);
        assertTrue(u.authenticate("ops", "ops-secret").isPresent());
        assertTrue(u.authenticate("ops", "ops-secret").isPresent(), "from the cache");
        assertTrue(u.authenticate("ops", "ops-secret2").isEmpty(), "another password is never taken from the cache");
    }
}
