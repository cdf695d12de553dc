package org.switchover.it.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.switchover.it.support.Browser;
import org.switchover.it.support.Certs;
import org.switchover.it.support.Console;
import org.switchover.it.support.Profiles;
import org.switchover.it.support.Repo;
import org.switchover.it.support.SwitchoverNode;

/**
 * The console's page in headless Chromium against a real pair: login, the connection colours (Active green, Not
 * Connected yellow once the peer is stopped), the auto-refresh showing a role change with no manual reload, the
 * drill-down from the active resources to one interaction, a user without the remote-control right offered no
 * switch, the confirmation and a completed switch, and Authentication Failure in red once the peer presents a
 * certificate of another authority. Screenshots go to {@code target/screenshots/}.
 */
class ConsoleBrowserSystemIT {

    private static final Duration START = Duration.ofSeconds(90);
    private static final String GREEN = "rgb(46, 125, 50)";
    private static final String YELLOW = "rgb(249, 215, 28)";
    private static final String RED = "rgb(198, 40, 40)";
    private static final Path SHOTS = Repo.root().resolve("it-tests/target/screenshots");
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private static void login(Browser br, String url, String user) {
        br.open(url);
        assertTrue(br.eval("location.pathname").endsWith("/switchover/login"), br.eval("location.href"));
        br.navigateBy("document.getElementById('login-user').value='" + user + "';"
                + "document.getElementById('login-password').value='" + Console.PASSWORD + "';"
                + "document.getElementById('login').click();");
        assertEquals(user, br.eval("(document.getElementById('user')||{}).textContent"),
                br.eval("document.body.innerText"));
    }

    private static boolean authFailure(SwitchoverNode n) {
        JsonNode s = n.quickStatus();
        return s != null && "AUTHENTICATION_FAILURE".equals(s.path("connections").path("main").asText());
    }

    private static String colour(Browser br, String id) {
        return br.eval("getComputedStyle(document.getElementById('" + id + "')).backgroundColor");
    }

    @Test
    void statusPageColoursRefreshDrillDownRightsAndSwitch() {
        Map<String, Map<String, String>> p = RecoveryPair.profile();
        Profiles.with(p, "org.switchover.console", "web.users", Console.users());
        int[] ports = SwitchoverNode.freePorts();
        Path dir = Repo.freshDir("console-browser");
        SwitchoverNode a = SwitchoverNode.create(dir, "A", ports, p);
        SwitchoverNode b = SwitchoverNode.create(dir, "B", ports, p);
        open.add(a);
        open.add(b);
        a.start();
        a.awaitState("PRIMARY", START);
        b.start();
        b.awaitBackupLinked(START, "main", "aux");
        String chat = a.shellOk("host:interaction-create chat user:alice hello I need help").trim();
        await("the shadow on B").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> RecoveryPair.status(b).path("recovery").path("chat").path("shadows").asInt() == 1);

        Browser br = Browser.start();
        open.add(0, br);
        // a user without the remote-control right sees the page, but no switch
        login(br, b.consoleUrl(), "viewer");
        assertEquals(GREEN, colour(br, "conn-main"), "Active is green");
        assertEquals("Active", br.eval("document.getElementById('conn-main').textContent"));
        assertEquals("", br.eval("document.getElementById('switch') ? 'switch' : ''"));
        assertTrue(br.eval("document.body.innerText").contains("Switching needs the remote-control right."));
        br.screenshot(SHOTS.resolve("console-backup-viewer.png"));

        // drill-down: active resources -> table -> one interaction
        br.navigateBy("document.querySelector('a.res[href$=\"chat\"]').click();");
        assertTrue(br.eval("document.querySelectorAll('a.interaction').length").equals("1"),
                br.eval("document.body.innerText"));
        br.navigateBy("document.querySelector('a.interaction').click();");
        String h1 = br.eval("document.querySelector('h1').textContent");
        assertTrue(h1.startsWith("Interaction "), h1);
        assertTrue(br.eval("document.body.innerText").contains("alice"), br.eval("document.body.innerText"));
        br.screenshot(SHOTS.resolve("console-interaction.png"));

        // auto-refresh: the primary is killed, B's page turns PRIMARY with its links Not Connected, no reload asked
        br.open(b.consoleUrl());
        assertEquals("BACKUP", br.eval("document.getElementById('role').textContent"));
        a.kill();
        await("the page shows B primary by itself").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500)).until(() -> {
                    try {
                        return "PRIMARY".equals(br.eval("(document.getElementById('role')||{}).textContent"));
                    } catch (AssertionError e) {
                        return false; // the page was reloading
                    }
                });
        assertEquals(YELLOW, colour(br, "conn-main"), "Not Connected is yellow");
        assertEquals("Not Connected", br.eval("document.getElementById('conn-main').textContent"));
        br.screenshot(SHOTS.resolve("console-primary-peer-down.png"));

        // A comes back as the backup; ops switches there through the page's confirmation
        a.start();
        await("A backup").atMost(START).pollInterval(Duration.ofMillis(300)).until(() -> {
            JsonNode s = a.quickStatus();
            return s != null && "BACKUP".equals(s.path("state").asText())
                    && "ACTIVE".equals(s.path("connections").path("main").asText());
        });
        Browser ops = Browser.start();
        open.add(0, ops);
        login(ops, a.consoleUrl(), "ops");
        ops.screenshot(SHOTS.resolve("console-backup-ops.png"));
        ops.navigateBy("document.getElementById('switch').click();");
        assertEquals("Are you sure you want the backup to take over as primary?",
                ops.eval("document.getElementById('question').textContent"));
        ops.screenshot(SHOTS.resolve("console-switch-question.png"));
        ops.navigateBy("document.getElementById('yes').click();");
        String outcome = ops.eval("(document.getElementById('outcome')||{}).textContent");
        assertTrue(outcome.startsWith("Switched ("), ops.eval("document.body.innerText"));
        ops.screenshot(SHOTS.resolve("console-switched.png"));
        a.awaitState("PRIMARY", Duration.ofSeconds(10));

        // B again, now presenting a certificate of another authority: its links to A fail authentication (red)
        b.stop();
        await("B stopped").atMost(Duration.ofSeconds(30)).until(() -> !b.process().isAlive());
        try {
            java.nio.file.Files.copy(Certs.foreignNodeB(), b.home().resolve("etc/tls/node.p12"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        // forced backup, so that B keeps dialling A rather than taking the fail-safe primary role
        b.configure("org.switchover.core", Map.of("force.backup", "true"));
        b.start();
        // whichever side dials the other sees the handshake refused
        await("a link fails authentication").atMost(START).pollInterval(Duration.ofMillis(300))
                .until(() -> authFailure(a) || authFailure(b));
        SwitchoverNode seen = authFailure(a) ? a : b;
        await("the console answers").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> Console.status(seen.consoleUrl() + "health/live") == 200);
        login(br, seen.consoleUrl(), "viewer");
        assertEquals("Authentication Failure", br.eval("document.getElementById('conn-main').textContent"));
        assertEquals(RED, colour(br, "conn-main"), "Authentication Failure is red");
        br.screenshot(SHOTS.resolve("console-authentication-failure.png"));
    }
}
