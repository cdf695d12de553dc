package org.switchover.console.internal.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.switchover.api.SwitchoverState;
import org.switchover.api.notifier.ConnectionStatus;
import org.switchover.api.warning.SwitchWarning;

/** The page renders the one status model, escapes what it shows, and the REST switch body is bound strictly. */
class StatusPageTest {

    private static final StatusPage.Viewer OPS = new StatusPage.Viewer("ops", true, false, "tok");

    @Test
    void connectionStatusesCarryTheReferenceWordsColoursAndDetailTooltip() {
        String page = StatusPage.status(WebFixtures.status(SwitchoverState.BACKUP,
                WebFixtures.link(ConnectionStatus.NOTIFIER_CONNECTION_FAILURE, "logon refused: <epoch>"), List.of(),
                List.of(WebFixtures.backupChannel("mail", 35))), OPS);
        assertTrue(page.contains("class=\"st st-NOTIFIER_CONNECTION_FAILURE\" id=\"conn-main\" data-status="
                + "\"NOTIFIER_CONNECTION_FAILURE\" title=\"logon refused: &lt;epoch&gt;\">Notifier Connection Failure"),
                page);
        assertTrue(page.contains("id=\"conn-aux\" data-status=\"NOT_CONNECTED\">Not Connected"), page);
        assertTrue(page.contains("No (backup, state BACKUP)"), page);
        assertTrue(page.contains("href=\"resources?channel=mail\">4 shadows</a>"), page);
        assertTrue(page.contains("<td>35</td>"), "the lag: " + page);
        assertTrue(page.contains("name=\"csrf\" value=\"tok\""), page);
        assertFalse(page.contains("name=\"immediate\""), "immediate only for administrators");
        String frame = StatusPage.frame("t", "n0nce", page, true);
        assertTrue(frame.contains("<script nonce=\"n0nce\">"), frame);
        assertTrue(frame.contains("<noscript><meta http-equiv=\"refresh\" content=\"10\"></noscript>"), frame);
        for (ConnectionStatus c : ConnectionStatus.values()) {
            assertTrue(frame.contains(".st-" + c.name()), "a colour for " + c);
        }
    }

    @Test
    void theQuestionsAreTheShellsAndEverythingIsEscaped() {
        assertTrue(StatusPage.confirm(OPS, false).contains(
                "Are you sure you want the backup to take over as primary?"));
        String w = StatusPage.warningsQuestion(OPS, List.of("file replication <stopped>"), true);
        assertTrue(w.contains("WARNING: file replication &lt;stopped&gt;"), w);
        assertTrue(w.contains(SwitchWarning.QUESTION + " Switch anyway?"), w);
        assertTrue(w.contains("name=\"immediate\" value=\"true\""), w);
        String login = StatusPage.login("<img src=x onerror=alert(1)>");
        assertFalse(login.contains("<img"), login);
        assertEquals("&lt;a href=&quot;x&quot;&gt;&amp;&#39;?", Html.esc("<a href=\"x\">&'\u0007"));
        assertEquals("a%2Fb%20c", Html.url("a/b c"));
        assertEquals("https://127.0.0.1:8443/switchover/", WebConsole.baseUrl(new String[] {
            "http://127.0.0.1:8080/", "https://127.0.0.1:8443/"}));
        assertEquals("https://h:1/switchover/", WebConsole.baseUrl("https://h:1"));
        assertEquals(null, WebConsole.baseUrl(null));
    }

    @Test
    void theRestSwitchBodyIsBoundStrictly() {
        assertEquals(Map.of("confirmed", true, "immediate", false),
                RestApi.parseSwitch("{\"confirmed\":true,\"immediate\":false}".getBytes(StandardCharsets.UTF_8)));
        for (String bad : List.of("", "[]", "{", "\"x\"", "{\"confirmed\":1}", "{\"confirmed\":\"true\"}",
                "{\"confirmed\":true,\"force\":true}", "{\"confirmed\":null}", "nul")) {
            ConsoleServlet.BadRequest e = assertThrows(ConsoleServlet.BadRequest.class,
                    () -> RestApi.parseSwitch(bad.getBytes(StandardCharsets.UTF_8)), bad);
            assertEquals(400, e.code, bad);
            assertTrue(e.getMessage().startsWith("malformed switch request"), e.getMessage());
        }
        assertEquals(400, assertThrows(ConsoleServlet.BadRequest.class, () -> RestApi.id("a\u0000b", false)).code);
        assertEquals(400, assertThrows(ConsoleServlet.BadRequest.class, () -> RestApi.id("x".repeat(300), false))
                .code);
        assertEquals("../../etc", RestApi.id("../../etc", false), "an id is only ever a lookup key");
        assertEquals(404, assertThrows(ConsoleServlet.BadRequest.class, () -> ConsoleServlet.channel("fax")).code);
        assertEquals(400, assertThrows(ConsoleServlet.BadRequest.class, () -> ConsoleServlet.channel(null)).code);
    }
}
