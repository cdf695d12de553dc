package org.switchover.it.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.switchover.it.support.Console;
import org.switchover.it.support.Metrics;
import org.switchover.it.support.Profiles;
import org.switchover.it.support.Repo;
import org.switchover.it.support.SwitchoverNode;

/**
 * The console's web side on a real pair of runtime processes, asked with {@code curl} as a load balancer and a
 * script would: the health endpoints (primary 200 on the primary and 503 on the backup, swapped within a second of a
 * switch; the backup endpoint honouring {@code lag}; HEAD and OPTIONS without a body), the REST status equal to
 * {@code switchoverctl status --json} with its {@code console} object, the REST switch with its 401/403/400 refusals,
 * and hostile requests.
 */
class ConsoleSystemIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START = Duration.ofSeconds(90);
    private final List<SwitchoverNode> nodes = new ArrayList<>();

    @AfterEach
    void stopNodes() {
        nodes.forEach(SwitchoverNode::close);
    }

    private static Map<String, Map<String, String>> profile() {
        Map<String, Map<String, String>> p = RecoveryPair.profile();
        Profiles.with(p, "org.switchover.console", "web.users", Console.users());
        return p;
    }

    @Test
    void healthEndpointsRestStatusAndTheRestSwitch() throws Exception {
        int[] ports = SwitchoverNode.freePorts();
        Path dir = Repo.freshDir("console-system");
        SwitchoverNode a = SwitchoverNode.create(dir, "A", ports, profile());
        SwitchoverNode b = SwitchoverNode.create(dir, "B", ports, profile());
        nodes.add(a);
        nodes.add(b);
        a.start();
        a.awaitState("PRIMARY", START);
        b.start();
        b.awaitBackupLinked(START, "main");
        String ha = a.consoleUrl() + "health/";
        String hb = b.consoleUrl() + "health/";
        await("A's console answers").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> Console.status(ha + "live") == 200);

        // the load balancer's view
        assertEquals(200, Console.status(ha + "primary"));
        assertEquals(503, Console.status(hb + "primary"));
        assertEquals(503, Console.status(ha + "backup"));
        assertEquals(200, Console.status(hb + "backup"));
        assertEquals(200, Console.status(hb + "live"));
        Console.Reply head = Console.curl(hb + "primary", "-I");
        assertEquals(503, head.code(), head.headers());
        assertTrue(head.headers().contains("Content-Length: 0"), "HEAD has no body: " + head.headers());
        Console.Reply options = Console.curl(ha + "primary", "-X", "OPTIONS");
        assertEquals(200, options.code());
        assertEquals("", options.body(), "OPTIONS has no body");
        assertTrue(options.headers().contains("Content-Length: 0"), options.headers());
        assertTrue(options.headers().contains("Allow: GET, HEAD, OPTIONS"), options.headers());

        metricsUnderTraffic(a, b, ports[0]);
        felixHealthChecksAgree(a, b);

        // the backup endpoint honours lag: an interaction replicated gives the backup a measured lag
        a.shellOk("host:interaction-create chat user:alice hello");
        await("a replication lag on B").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> maxLag(b.quickStatus()) >= 0);
        long lag = maxLag(b.quickStatus());
        System.out.printf("CONSOLE backup replication lag %d ms (%s)%n", lag, b.quickStatus().path("replication"));
        assertEquals(200, Console.status(hb + "backup?lag=" + lag));
        assertEquals(200, Console.status(hb + "backup?lag=60000"));
        if (lag > 0) {
            Console.Reply lagging = Console.curl(hb + "backup?lag=" + (lag - 1));
            assertEquals(503, lagging.code(), lagging.body());
            assertTrue(lagging.body().startsWith("backup lagging"), lagging.body());
        }
        Console.Reply badLag = Console.curl(hb + "backup?lag=soon");
        assertEquals(400, badLag.code());
        assertTrue(badLag.body().startsWith("lag must be a whole number of milliseconds"), badLag.body());
        assertEquals(404, Console.status(hb + "..%2f..%2fetc%2fpasswd"));
        assertEquals(405, Console.curl(hb + "primary", "-X", "DELETE").code());

        // REST status: exactly switchoverctl status --json, with the console object
        String api = b.consoleUrl() + "api/";
        assertEquals(401, Console.status(api + "status"));
        Console.Reply wrong = Console.curl(api + "status", "-u", "ops:wrong");
        assertEquals(401, wrong.code());
        assertTrue(wrong.headers().contains("WWW-Authenticate: Basic"), wrong.headers());
        assertTrue(JSON.readTree(wrong.body()).path("error").asText().startsWith("authentication required"));
        JsonNode rest = JSON.readTree(Console.curl(api + "status", "-u", "viewer:" + Console.PASSWORD).body());
        SwitchoverNode.CtlResult ctl = b.ctl("status", "--json");
        assertEquals(0, ctl.exit(), ctl.err());
        JsonNode cli = JSON.readTree(ctl.out());
        assertEquals(fieldNames(cli), fieldNames(rest), "the same object");
        for (String f : List.of("node", "role", "state", "epoch", "version", "connections", "console")) {
            assertEquals(cli.path(f), rest.path(f), f);
        }
        assertEquals(b.consoleUrl(), rest.path("console").path("url").asText());

        // REST switch refusals: no right, immediate without admin, bad bodies, wrong method
        Console.Reply noRight = Console.curl(api + "switch", "-u", "viewer:" + Console.PASSWORD, "-X", "POST",
                "-H", "Content-Type: application/json", "--data", "{\"confirmed\":true}");
        assertEquals(403, noRight.code(), noRight.body());
        assertTrue(noRight.body().contains("does not hold the remote-control right"), noRight.body());
        Console.Reply notAdmin = Console.curl(api + "switch", "-u", "ops:" + Console.PASSWORD, "-X", "POST",
                "-H", "Content-Type: application/json", "--data", "{\"confirmed\":true,\"immediate\":true}");
        assertEquals(403, notAdmin.code(), notAdmin.body());
        for (String bad : List.of("{\"confirmed\":\"yes\"}", "{", "[]", "{\"confirmed\":true,\"force\":1}",
                "{\"immediate\":false}")) {
            Console.Reply r = Console.curl(api + "switch", "-u", "ops:" + Console.PASSWORD, "-X", "POST",
                    "-H", "Content-Type: application/json", "--data", bad);
            assertEquals(400, r.code(), bad + " -> " + r.body());
        }
        assertEquals(415, Console.curl(api + "switch", "-u", "ops:" + Console.PASSWORD, "-X", "POST",
                "--data", "confirmed=true").code());
        assertEquals(413, Console.curl(api + "switch", "-u", "ops:" + Console.PASSWORD, "-X", "POST",
                "-H", "Content-Type: application/json", "--data", "{\"confirmed\":true,\"x\":\""
                        + "y".repeat(10_000) + "\"}").code());
        assertEquals(405, Console.curl(api + "switch", "-u", "ops:" + Console.PASSWORD).code());
        assertEquals("BACKUP", b.state(), "nothing switched");
        assertTrue(b.logSince(0).contains("switch refused for user 'viewer' (REST)"), "audited with the name");

        // the interactions: the shadow on B, and its details; hostile ids only miss
        JsonNode list = JSON.readTree(Console.curl(api + "interactions?channel=chat", "-u",
                "viewer:" + Console.PASSWORD).body());
        assertEquals(1, list.path("interactions").size(), list.toString());
        String id = list.path("interactions").get(0).path("id").asText();
        Console.Reply one = Console.curl(api + "interactions/chat/" + id, "-u", "viewer:" + Console.PASSWORD);
        assertEquals(200, one.code(), one.body());
        assertEquals(id, JSON.readTree(one.body()).path("id").asText());
        assertEquals(404, Console.curl(api + "interactions/chat/..%2F..%2Fetc%2Fpasswd", "-u",
                "viewer:" + Console.PASSWORD).code());
        assertEquals(404, Console.curl(api + "interactions/fax/1", "-u", "viewer:" + Console.PASSWORD).code());

        // the switch over REST, then the health endpoints swap within a second
        Console.Reply sw = Console.curl(api + "switch", "-u", "ops:" + Console.PASSWORD, "-X", "POST",
                "-H", "Content-Type: application/json", "--data", "{\"confirmed\":true}");
        long switchedAt = System.currentTimeMillis();
        assertEquals(200, sw.code(), sw.body());
        assertTrue(JSON.readTree(sw.body()).path("result").path("switched").asBoolean(), sw.body());
        await("health swapped").atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(50))
                .until(() -> Console.status(hb + "primary") == 200 && Console.status(ha + "primary") == 503);
        System.out.printf("CONSOLE health endpoints swapped %d ms after the REST switch answered%n",
                System.currentTimeMillis() - switchedAt);
        assertTrue(b.logSince(0).contains("switch requested by console REST user 'ops'"), "audited with the name");
        assertFalse(Console.curl(hb + "primary").body().isEmpty());

        pageFlowSwitchesBack(a, b, id);
    }

    /**
     * The page on A (stale after the hand-off, then restarted into the backup): plain requests are sent to the
     * login, a viewer sees the page but may not switch, a POST without the CSRF token is refused, the drill-down
     * reaches the shadow's details, and ops switches back through the two steps of the page.
     */
    private void pageFlowSwitchesBack(SwitchoverNode a, SwitchoverNode b, String id) throws Exception {
        // the old primary went stale at the hand-off; a restart makes it negotiate and come back as the backup
        a.shellOk("switchover:restart");
        await("A backup with both links active").atMost(START).pollInterval(Duration.ofMillis(200)).until(() -> {
            JsonNode s = a.quickStatus();
            return s != null && "BACKUP".equals(s.path("state").asText())
                    && "ACTIVE".equals(s.path("connections").path("main").asText())
                    && "ACTIVE".equals(s.path("connections").path("aux").asText());
        });
        String page = a.consoleUrl();
        Path jar = Repo.freshDir("console-cookies").resolve("jar");
        String j = jar.toString();
        Console.Reply anonymous = Console.curl(page);
        assertEquals(302, anonymous.code());
        assertTrue(anonymous.headers().contains("/switchover/login"), anonymous.headers());
        Console.Reply badLogin = Console.curl(page + "login", "--data", "user=ops&password=nope");
        assertEquals(401, badLogin.code());
        assertTrue(badLogin.body().contains("Unknown user or wrong password."), badLogin.body());

        Console.Reply viewerLogin = Console.curl(page + "login", "-c", j, "--data",
                "user=viewer&password=" + Console.PASSWORD);
        assertEquals(302, viewerLogin.code(), viewerLogin.body());
        assertTrue(viewerLogin.headers().matches("(?s).*Set-Cookie: SWITCHOVER_SESSION=[0-9a-f]{64}; Path=/switchover;"
                + " HttpOnly; Secure; SameSite=Strict.*"), viewerLogin.headers());
        Console.Reply viewerPage = Console.curl(page, "-b", j);
        assertEquals(200, viewerPage.code());
        assertTrue(viewerPage.body().contains("data-status=\"ACTIVE\">Active</span>"), viewerPage.body());
        assertTrue(viewerPage.body().contains("Switching needs the remote-control right."), viewerPage.body());
        String viewerCsrf = csrf(viewerPage.body());
        Console.Reply refused = Console.curl(page + "switch", "-b", j, "--data", "step=confirmed&csrf=" + viewerCsrf);
        assertEquals(403, refused.code(), refused.body());
        assertTrue(a.logSince(0).contains("switch refused for user 'viewer' (page)"), "audited with the name");
        Console.Reply noCsrf = Console.curl(page + "switch", "-b", j, "--data", "step=confirmed");
        assertEquals(403, noCsrf.code(), noCsrf.body());
        assertTrue(noCsrf.body().contains("CSRF"), noCsrf.body());
        assertEquals(403, Console.curl(page + "switch", "-b", j, "--data", "step=confirmed&csrf=" + "0".repeat(64))
                .code());
        assertEquals(401, Console.curl(page + "switch", "-b", "SWITCHOVER_SESSION=" + "a".repeat(64), "--data",
                "step=confirmed&csrf=x").code());

        // drill-down: the table of shadows, then one interaction
        Console.Reply table = Console.curl(page + "resources?channel=chat", "-b", j);
        assertEquals(200, table.code(), table.body());
        assertTrue(table.body().contains("href=\"resources/chat/" + id + "\""), table.body());
        Console.Reply details = Console.curl(page + "resources/chat/" + id, "-b", j);
        assertEquals(200, details.code(), details.body());
        assertTrue(details.body().contains("<h1>Interaction " + id + "</h1>"), details.body());
        assertEquals(404, Console.curl(page + "resources/chat/%3Cscript%3E", "-b", j).code());

        // ops switches back through the page's two steps
        Console.curl(page + "login", "-c", j, "--data", "user=ops&password=" + Console.PASSWORD);
        String csrf = csrf(Console.curl(page, "-b", j).body());
        Console.Reply ask = Console.curl(page + "switch", "-b", j, "--data", "step=ask&csrf=" + csrf);
        assertEquals(200, ask.code(), ask.body());
        assertTrue(ask.body().contains("Are you sure you want the backup to take over as primary?"), ask.body());
        Console.Reply done = Console.curl(page + "switch", "-b", j, "--data", "step=confirmed&csrf=" + csrf);
        assertEquals(200, done.code(), done.body());
        assertTrue(done.body().contains("Switched ("), done.body());
        await("health swapped back").atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(50)).until(() ->
                Console.status(a.consoleUrl() + "health/primary") == 200
                        && Console.status(b.consoleUrl() + "health/primary") == 503);
        assertTrue(a.logSince(0).contains("switch requested by console page user 'ops'"), "audited with the name");
    }

    /**
     * The metrics endpoint of both nodes, scraped as Prometheus would: the pair's gauges; no KPI family while its
     * option is off (the default); the options switched on live by a .cfg edit, their families appearing and counting
     * the pings, the replicated interactions' requests and a hostile connection; switched off again, gone. Then
     * hostile requests to the endpoint itself.
     */
    private void metricsUnderTraffic(SwitchoverNode a, SwitchoverNode b, int notifierPortA) throws Exception {
        String ma = a.consoleUrl() + "metrics";
        String mb = b.consoleUrl() + "metrics";
        Metrics.Scrape a0 = Metrics.scrape(ma);
        Metrics.Scrape b0 = Metrics.scrape(mb);
        assertEquals(1.0, a0.sum("switchover_primary"), a0.text());
        assertEquals(0.0, b0.sum("switchover_primary"), b0.text());
        assertEquals(2.0, b0.sum("switchover_link_up"), "both of B's links up: " + b0.text());
        assertTrue(a0.hasFamily("switchover_epoch") && a0.sum("switchover_epoch") >= 1, a0.text());
        for (String kpi : KPI_FAMILIES) {
            assertFalse(a0.hasFamily(kpi), kpi + " is off by default on A");
            assertFalse(b0.hasFamily(kpi), kpi + " is off by default on B");
        }

        // the three options on, live, through the .cfg FileInstall watches
        Map<String, String> on = Map.of("collect-request-counters", "true", "collect-error-counters", "true",
                "collect-esp-error-counters", "true");
        a.configure("org.switchover.notifier", on);
        b.configure("org.switchover.notifier", on);
        await("A's KPI families on").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
                .until(() -> KPI_FAMILIES.stream().allMatch(Metrics.scrape(ma)::hasFamily));
        await("B's KPI families on").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
                .until(() -> KPI_FAMILIES.stream().allMatch(Metrics.scrape(mb)::hasFamily));
        Metrics.Scrape a1 = Metrics.scrape(ma);
        Metrics.Scrape b1 = Metrics.scrape(mb);

        // traffic: mail interactions created on the primary, replicated to the backup as shadows
        int created = 5;
        List<String> mails = new ArrayList<>();
        for (int k = 0; k < created; k++) {
            mails.add(a.shellOk("host:interaction-create mail sales unassigned metrics question " + k).trim());
        }
        // and a hostile connection to A's notifier: plain text where TLS is expected
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", notifierPortA)) {
            s.setSoTimeout(5000);
            s.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            try {
                s.getInputStream().read(new byte[256]);
            } catch (java.io.IOException ignored) {
                // the notifier closes or resets the connection: either is fine
            }
        }
        await("A's counters moving").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> {
            Metrics.Scrape m = Metrics.scrape(ma);
            return m.sum(KPI_REQUESTS) > a1.sum(KPI_REQUESTS) && m.sum(KPI_ERRORS) > a1.sum(KPI_ERRORS)
                    && m.sum("switchover_recovery_live") >= a1.sum("switchover_recovery_live") + created;
        });
        await("B's counters moving").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> {
            Metrics.Scrape m = Metrics.scrape(mb);
            return m.sum(KPI_REQUESTS) > b1.sum(KPI_REQUESTS)
                    && m.sum("switchover_recovery_shadows") >= b1.sum("switchover_recovery_shadows") + created
                    && m.hasFamily("switchover_replication_lag_seconds");
        });
        Metrics.Scrape a2 = Metrics.scrape(ma);
        Metrics.Scrape b2 = Metrics.scrape(mb);
        System.out.printf("CONSOLE metrics: A kpi requests %.0f -> %.0f, errors %.0f -> %.0f, live %.0f -> %.0f;"
                        + " B kpi requests %.0f -> %.0f, shadows %.0f -> %.0f%n",
                a1.sum(KPI_REQUESTS), a2.sum(KPI_REQUESTS), a1.sum(KPI_ERRORS), a2.sum(KPI_ERRORS),
                a1.sum("switchover_recovery_live"), a2.sum("switchover_recovery_live"), b1.sum(KPI_REQUESTS),
                b2.sum(KPI_REQUESTS), b1.sum("switchover_recovery_shadows"), b2.sum("switchover_recovery_shadows"));
        assertTrue(a2.text().contains(KPI_ERRORS + "{error_type=\"not-tls\""), "the hostile connection counted by"
                + " its type: " + a2.text());

        // the traffic ends: released on A, gone from B (the rest of the test switches with one chat interaction)
        for (String id : mails) {
            a.shellOk("host:interaction-release " + id);
        }
        await("the mails released on B").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> Metrics.scrape(mb).sum("switchover_recovery_shadows") == b1.sum(
                        "switchover_recovery_shadows"));

        // off again: the families disappear
        Map<String, String> off = Map.of("collect-request-counters", "false", "collect-error-counters", "false",
                "collect-esp-error-counters", "false");
        a.configure("org.switchover.notifier", off);
        b.configure("org.switchover.notifier", off);
        for (String url : List.of(ma, mb)) {
            await("KPI families off at " + url).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
                    .until(() -> KPI_FAMILIES.stream().noneMatch(Metrics.scrape(url)::hasFamily));
        }

        // hostile requests to the endpoint: other methods refused, the query string cannot alter the answer
        for (String method : List.of("POST", "PUT", "DELETE", "PATCH", "TRACE")) {
            Console.Reply r = Console.curl(ma, "-X", method, "--data", "x=1");
            assertEquals(405, r.code(), method + " -> " + r.body());
            assertTrue(r.headers().contains("Allow: GET, HEAD, OPTIONS"), r.headers());
        }
        Console.Reply head = Console.curl(ma, "-I");
        assertEquals(200, head.code(), head.headers());
        Console.Reply options = Console.curl(ma, "-X", "OPTIONS");
        assertEquals(200, options.code());
        assertEquals("", options.body());
        Metrics.Scrape queried = Metrics.scrape(ma + "?name[]=switchover_kpi_requests&collect-request-counters=true&x="
                + "%00%0d%0a".repeat(50));
        assertFalse(queried.hasFamily(KPI_REQUESTS), "a query cannot switch a family on");
        assertEquals(Metrics.scrape(ma).samples().keySet(), queried.samples().keySet(), "the query is ignored");
        assertEquals(404, Console.status(a.consoleUrl() + "metrics/..%2f..%2fetc%2fpasswd"));
        assertEquals(200, Console.status(ha(a) + "live"), "still serving");
    }

    /**
     * The same checks through Felix Health Check's Gogo command: the verdict and the line of each node's
     * {@code hc:exec} equal the health URL's status and body.
     */
    private void felixHealthChecksAgree(SwitchoverNode a, SwitchoverNode b) {
        for (SwitchoverNode n : List.of(a, b)) {
            for (String check : List.of("primary", "backup", "live")) {
                Console.Reply url = Console.curl(n.consoleUrl() + "health/" + check);
                String hc = n.shellOk("hc:exec switchover-" + check);
                System.out.printf("CONSOLE %s hc:exec switchover-%s -> %s%n", n.letter(), check, hc.trim());
                String line = url.body().trim();
                assertTrue(hc.contains(line), "hc:exec shows the endpoint's line '" + line + "': " + hc);
                if (url.code() == 200) {
                    assertTrue(hc.contains("OK") && !hc.contains("CRITICAL"), n.letter() + " " + check + ": " + hc);
                } else {
                    assertEquals(503, url.code());
                    assertTrue(hc.contains("CRITICAL"), n.letter() + " " + check + ": " + hc);
                }
            }
            String all = n.shellOk("hc:exec switchover");
            for (String check : List.of("primary", "backup", "live")) {
                assertTrue(all.contains("Switchover " + check), all);
            }
        }
    }

    private static final String KPI_REQUESTS = "switchover_kpi_requests_total";
    private static final String KPI_ERRORS = "switchover_kpi_errors_total";
    // simpleclient 0.16 names a counter family with its _total suffix, in the # TYPE line as in the samples
    private static final List<String> KPI_FAMILIES = List.of(KPI_REQUESTS, KPI_ERRORS,
            "switchover_kpi_esp_errors_total");

    private static String ha(SwitchoverNode n) {
        return n.consoleUrl() + "health/";
    }

    private static String csrf(String html) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("name=\"csrf\" value=\"([0-9a-f]{64})\"")
                .matcher(html);
        assertTrue(m.find(), "a CSRF token in the page: " + html);
        return m.group(1);
    }

    private static long maxLag(JsonNode status) {
        long max = -1;
        if (status == null) {
            return max;
        }
        // the endpoint's rule: the largest lag of the recovery channels and of the other replicated subsystems
        for (String group : List.of("recovery", "replication")) {
            for (JsonNode c : status.path(group)) {
                if (c.path("lagMillis").isNumber()) {
                    max = Math.max(max, c.path("lagMillis").asLong());
                }
            }
        }
        return max;
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
