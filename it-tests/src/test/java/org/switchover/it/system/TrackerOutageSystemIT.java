package org.switchover.it.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.switchover.it.support.ChaosProxy;
import org.switchover.it.support.PostgresSchema;
import org.switchover.it.support.Profiles;
import org.switchover.it.support.Repo;
import org.switchover.it.support.SwitchoverNode;

/**
 * A PostgreSQL outage of 30 s on the primary under traffic: the tracker reaches the database through a TCP proxy the
 * test controls ({@link ChaosProxy}: connections in flight reset, new ones refused), so the shared server is never
 * stopped. While it lasts the status shows the error and a growing backlog and the node keeps taking interactions;
 * after it every interaction is in the database once.
 */
class TrackerOutageSystemIT {

    private static final Duration OUTAGE = Duration.ofSeconds(30);
    private SwitchoverNode a;
    private SwitchoverNode b;

    @AfterEach
    void stop() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    @Test
    void aThirtySecondOutageLosesNoRowAndTheBacklogDrains() throws Exception {
        Path dir = Repo.freshDir("tracker-outage");
        try (PostgresSchema db = PostgresSchema.create("tracker_it");
                ChaosProxy proxy = new ChaosProxy(5432)) {
            Connection admin = db.admin();
            String schema = db.name();
            Map<String, Map<String, String>> profile = RecoveryPair.profile();
            Profiles.with(profile, "org.switchover.tracker", "tracker.database.url", db.url("127.0.0.1:" + proxy.port())
                    + "&connectTimeout=5&socketTimeout=10");
            Profiles.with(profile, "org.switchover.tracker", "tracker.database.user", "postgres");
            Profiles.with(profile, "org.switchover.tracker", "tracker.database.password", "not-logged-7391");
            int[] ports = SwitchoverNode.freePorts();
            a = SwitchoverNode.create(dir, "A", ports, profile);
            b = SwitchoverNode.create(dir, "B", ports, profile);
            SwitchoverNode.startPair(a, b);
            a.shellOk("host:interaction-lifecycle before 300 300");
            awaitRows(admin, schema, "before", 300);

            int mark = a.logMark();
            proxy.refuse(true);
            proxy.cut();
            long t0 = System.nanoTime();
            CompletableFuture<SwitchoverNode.CtlResult> load = CompletableFuture.supplyAsync(
                    () -> a.shell("host:interaction-lifecycle during 3000 120"));
            await("the outage shows").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        JsonNode t = RecoveryPair.status(a).path("tracker");
                        return t.path("backlogBytes").asLong() > 0 && !t.path("lastError").asText().isEmpty();
                    });
            JsonNode during = RecoveryPair.status(a).path("tracker");
            System.out.println("TRACKER during the outage: " + during);
            long left = OUTAGE.toNanos() - (System.nanoTime() - t0);
            Thread.sleep(Math.max(0, left / 1_000_000));
            assertEquals(0, count(admin, schema, "during"), "nothing reached the database during the outage");
            proxy.refuse(false);
            long back = System.nanoTime();
            String out = load.get().out();
            assertTrue(out.startsWith("lifecycle during: 3000 created, 3000 released"), out);
            awaitRows(admin, schema, "during", 3000);
            System.out.printf("TRACKER outage of %d s under traffic: %s; backlog drained %d ms after the database"
                    + " returned; status %s%n", OUTAGE.toSeconds(), out, (System.nanoTime() - back) / 1_000_000,
                    RecoveryPair.status(a).path("tracker"));
            String log = a.logSince(mark);
            assertTrue(log.contains("Tracker: the database did not take the rows"), "the outage is logged");
            assertTrue(!log.contains("not-logged-7391"), "the password is never logged");
            assertEquals("primary", a.state().toLowerCase(java.util.Locale.ROOT));
        }
    }

    private static void awaitRows(Connection c, String schema, String prefix, int n) {
        await(n + " " + prefix + " interactions in the database").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> count(c, schema, prefix) == n);
    }

    private static long count(Connection c, String schema, String prefix) throws Exception {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(DISTINCT interaction_id)"
                + " FROM " + schema + ".interaction_summary WHERE interaction_id LIKE '" + prefix + "-%'")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
