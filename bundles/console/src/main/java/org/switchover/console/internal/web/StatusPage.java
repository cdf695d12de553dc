package org.switchover.console.internal.web;

import java.time.Instant;
import java.util.List;

import org.switchover.api.Role;
import org.switchover.api.interaction.Channel;
import org.switchover.api.interaction.Interaction;
import org.switchover.api.notifier.ConnectionStatus;
import org.switchover.api.notifier.LinkStatus;
import org.switchover.api.status.NodeStatus;
import org.switchover.api.status.RecoveryChannelStatus;
import org.switchover.api.status.ReplicationStatus;
import org.switchover.api.warning.SwitchWarning;
import org.switchover.console.internal.StatusView;

/**
 * The console's HTML pages, rendered on the server from the one status model (the same {@link NodeStatus} the shell
 * and {@code switchoverctl} print; the peer line is {@link StatusView#peerLine}'s): the status page, the switch
 * questions, the table of active resources and one interaction's details. Every value is escaped ({@link Html}).
 * No script but the small inline auto-refresh, which carries the response's CSP nonce.
 */
final class StatusPage {
    private StatusPage() {
    }

    /** Seconds between automatic refreshes. */
    static final int REFRESH_SECONDS = 10;

    private static final String CSS = """
            body{font-family:sans-serif;margin:1.5em;color:#222}table{border-collapse:collapse;margin:.5em 0}
            td,th{border:1px solid #bbb;padding:.3em .6em;text-align:left}th{background:#eee}
            .st{font-weight:bold;padding:.2em .5em;border-radius:3px}
            .st-ACTIVE{background:#2e7d32;color:#fff}.st-NOT_CONNECTED{background:#f9d71c;color:#222}
            .st-AUTHENTICATION_FAILURE,.st-NOTIFIER_CONNECTION_FAILURE{background:#c62828;color:#fff}
            .st-WAITING_FOR_CLIENT{background:#90a4ae;color:#222}
            .warn{color:#b71c1c;font-weight:bold}.role{font-size:1.3em;font-weight:bold}
            form.inline{display:inline}small{color:#666}""";

    /** @return a whole page around {@code body} */
    static String frame(String title, String nonce, String body, boolean autoRefresh) {
        StringBuilder b = new StringBuilder(4096);
        b.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .append(Html.esc(title)).append("</title>");
        if (autoRefresh) {
            // without script the plain refresh reloads the page; with script, the checkbox below decides
            b.append("<noscript><meta http-equiv=\"refresh\" content=\"").append(REFRESH_SECONDS)
                    .append("\"></noscript>");
        }
        b.append("<style nonce=\"").append(nonce).append("\">").append(CSS).append("</style></head><body>")
                .append(body);
        if (autoRefresh) {
            b.append("<script nonce=\"").append(nonce).append("\">(function(){var c=document.getElementById('auto');")
                    .append("c.checked=localStorage.getItem('switchover.auto')!=='off';")
                    .append("c.onchange=function(){localStorage.setItem('switchover.auto',c.checked?'on':'off');};")
                    .append("setInterval(function(){if(c.checked){location.reload();}},")
                    .append(REFRESH_SECONDS * 1000).append(");})();</script>");
        }
        return b.append("</body></html>").toString();
    }

    /** What the viewer may do, for the page's controls. */
    record Viewer(String name, boolean mayControl, boolean admin, String csrf) {
    }

    /** @return the status page's body */
    static String status(NodeStatus s, Viewer v) {
        StringBuilder b = new StringBuilder(4096);
        header(b, s, v);
        b.append("<p class=\"role\" id=\"role\">").append(s.role()).append("</p>");
        b.append("<table id=\"node\"><tr><th>Node</th><th>Role</th><th>State</th><th>Epoch</th><th>Release</th></tr>")
                .append("<tr><td>").append(Html.esc(s.node() == null ? "?" : s.node().name())).append("</td><td>")
                .append(s.role()).append("</td><td id=\"state\">").append(s.state()).append("</td><td>")
                .append(s.epoch()).append("</td><td>").append(Html.esc(s.version())).append("</td></tr></table>");
        if (!s.error().isEmpty()) {
            b.append("<p class=\"warn\">Error: ").append(Html.esc(s.error())).append("</p>");
        }
        b.append("<p>Peer: <span id=\"peer\">").append(Html.esc(StatusView.peerLine(s.peer()))).append("</span>");
        if (!s.peer().lastQueryFailure().isEmpty()) {
            b.append("<br><small>last query failed: ").append(Html.esc(s.peer().lastQueryFailure())).append("</small>");
        }
        b.append("</p><h2>Notifier connections</h2><table id=\"connections\"><tr><th>Id</th><th>Peer host</th>")
                .append("<th>Connection status</th><th>Reconnect attempt</th></tr>");
        connection(b, "MAIN", s.main());
        connection(b, "AUX", s.aux());
        b.append("</table>");
        b.append("<p>Accepts sessions: <b id=\"accepts\">").append(Html.esc(acceptsSessions(s))).append("</b></p>");
        warnings(b, s.warnings());
        b.append("<p>Last switch reason: <span id=\"reason\">")
                .append(Html.esc(s.lastSwitchReason().isEmpty() ? "none yet" : s.lastSwitchReason()))
                .append("</span><br>Last decision: ").append(Html.esc(s.lastDecision())).append("<br>Monitors: ")
                .append(Html.esc(s.monitorLine().isEmpty() ? "not running" : s.monitorLine())).append("</p>");
        resources(b, s);
        if (v.mayControl()) {
            b.append("<h2>Manual switch</h2><form method=\"post\" action=\"switch\" id=\"switch-form\">")
                    .append(csrf(v)).append("<input type=\"hidden\" name=\"step\" value=\"ask\">");
            if (v.admin()) {
                b.append("<label><input type=\"checkbox\" name=\"immediate\" value=\"true\"> Immediate</label> ");
            }
            b.append("<button type=\"submit\" id=\"switch\">Switch&hellip;</button></form>");
        } else {
            b.append("<p><small>Switching needs the remote-control right.</small></p>");
        }
        return b.toString();
    }

    private static void header(StringBuilder b, NodeStatus s, Viewer v) {
        b.append("<h1>Switchover node ").append(Html.esc(s.node() == null ? "?" : s.node().name())).append("</h1>")
                .append("<p><small>Signed in as <span id=\"user\">").append(Html.esc(v.name())).append("</span> ")
                .append("<form class=\"inline\" method=\"post\" action=\"logout\">").append(csrf(v))
                .append("<button type=\"submit\">Sign out</button></form> ")
                .append("<label><input type=\"checkbox\" id=\"auto\" checked> Auto-refresh every ")
                .append(REFRESH_SECONDS).append(" s</label> <a href=\"./\">Refresh</a></small></p>");
    }

    private static void connection(StringBuilder b, String id, LinkStatus l) {
        ConnectionStatus st = l.status();
        String detail = l.detail() == null ? "" : l.detail();
        b.append("<tr><td>").append(id).append("</td><td>").append(Html.esc(l.peer() == null ? "" : l.peer()))
                .append("</td><td><span class=\"st st-").append(st.name()).append("\" id=\"conn-")
                .append(id.toLowerCase(java.util.Locale.ROOT)).append("\" data-status=\"").append(st.name())
                .append('"');
        if (!detail.isEmpty()) {
            b.append(" title=\"").append(Html.esc(detail)).append('"');
        }
        b.append('>').append(Html.esc(st.label())).append("</span></td><td>")
                .append(l.reconnectAttempt() > 0 ? Integer.toString(l.reconnectAttempt()) : "").append("</td></tr>");
    }

    /** @return whether this node takes new sessions, and why not */
    static String acceptsSessions(NodeStatus s) {
        if (s.role() == Role.PRIMARY) {
            return "Yes";
        }
        return "No (" + (s.role() == Role.BACKUP ? "backup" : "role " + s.role()) + ", state " + s.state() + ")";
    }

    private static void warnings(StringBuilder b, List<String> warnings) {
        if (warnings.isEmpty()) {
            return;
        }
        b.append("<ul id=\"warnings\">");
        for (String w : warnings) {
            b.append("<li class=\"warn\">WARNING: ").append(Html.esc(w)).append("</li>");
        }
        b.append("</ul>");
    }

    private static void resources(StringBuilder b, NodeStatus s) {
        b.append("<h2>Active resources and replication</h2><table id=\"resources\"><tr><th>Channel</th>")
                .append("<th>Side</th><th>Active resources</th><th>Sync</th><th>Lag (ms)</th></tr>");
        int rows = 0;
        for (RecoveryChannelStatus c : s.recovery()) {
            if (!c.configured() || !c.enabled()) {
                continue;
            }
            rows++;
            int n = "primary".equals(c.side()) ? c.live() : c.shadows();
            String what = "primary".equals(c.side()) ? " live" : "backup".equals(c.side()) ? (n == 1 ? " shadow" : " shadows") : "";
            b.append("<tr><td>").append(Html.esc(c.channel())).append("</td><td>").append(Html.esc(c.side()))
                    .append("</td><td><a class=\"res\" href=\"resources?channel=").append(Html.url(c.channel()))
                    .append("\">").append(n < 0 ? "-" : n + what).append("</a></td><td>").append(Html.esc(c.sync()))
                    .append("</td><td>").append(c.lagMillis() < 0 ? "" : Long.toString(c.lagMillis()))
                    .append("</td></tr>");
        }
        if (rows == 0) {
            b.append("<tr><td colspan=\"5\">No interaction channel is recovered on this node.</td></tr>");
        }
        b.append("</table>");
        b.append("<table id=\"replication\"><tr><th>Replicated subsystem</th><th>Lag (ms)</th><th>Backlog</th></tr>");
        for (ReplicationStatus r : s.replication()) {
            b.append("<tr data-subsystem=\"").append(Html.esc(r.subsystem())).append("\"><td>")
                    .append(Html.esc(r.subsystem())).append("</td><td>")
                    .append(r.lagMillis() < 0 ? "-" : Long.toString(r.lagMillis())).append("</td><td>")
                    .append(r.backlog() < 0 ? "-" : Long.toString(r.backlog())).append("</td></tr>");
        }
        if (s.replication().isEmpty()) {
            b.append("<tr><td colspan=\"3\">No replicated subsystem reports figures on this node.</td></tr>");
        }
        b.append("</table>");
    }

    /** @return the first switch question, exactly as the shell asks it */
    static String confirm(Viewer v, boolean immediate) {
        return "<h1>Manual switch</h1><p id=\"question\">Are you sure you want the backup to take over as primary?</p>"
                + "<form method=\"post\" action=\"switch\">" + csrf(v)
                + "<input type=\"hidden\" name=\"step\" value=\"confirmed\">" + immediateField(immediate)
                + "<button type=\"submit\" id=\"yes\">Yes</button> <a href=\"./\" id=\"no\">No</a></form>";
    }

    /** @return the second question: the warnings in force and the switch warning's question */
    static String warningsQuestion(Viewer v, List<String> warnings, boolean immediate) {
        StringBuilder b = new StringBuilder("<h1>Manual switch</h1>");
        warnings(b, warnings);
        return b.append("<p id=\"question\">").append(Html.esc(SwitchWarning.QUESTION))
                .append(" Switch anyway?</p><form method=\"post\" action=\"switch\">").append(csrf(v))
                .append("<input type=\"hidden\" name=\"step\" value=\"accepted\">").append(immediateField(immediate))
                .append("<button type=\"submit\" id=\"yes\">Yes</button> <a href=\"./\" id=\"no\">No</a></form>")
                .toString();
    }

    /** @return the outcome page */
    static String outcome(String title, String text) {
        return "<h1>" + Html.esc(title) + "</h1><p id=\"outcome\">" + Html.esc(text)
                + "</p><p><a href=\"./\" id=\"back\">Back to the status</a></p>";
    }

    /** @return the table of one channel's active resources */
    static String resourceTable(Channel c, List<Interaction> page, int limit) {
        StringBuilder b = new StringBuilder("<h1>Active resources: ").append(Html.esc(c.key()))
                .append("</h1><p><a href=\"./\">Back to the status</a></p><table id=\"interactions\"><tr><th>Id</th>")
                .append("<th>State</th><th>Queue</th><th>Agent</th><th>Created</th></tr>");
        for (Interaction i : page) {
            b.append("<tr><td><a class=\"interaction\" href=\"resources/").append(Html.url(c.key())).append('/')
                    .append(Html.url(i.id())).append("\">").append(Html.esc(i.id())).append("</a></td><td>")
                    .append(i.state()).append("</td><td>").append(Html.esc(i.queue())).append("</td><td>")
                    .append(Html.esc(i.agent())).append("</td><td>").append(Instant.ofEpochMilli(i.createdMillis()))
                    .append("</td></tr>");
        }
        b.append("</table>");
        if (page.size() >= limit) {
            b.append("<p><a id=\"next\" href=\"resources?channel=").append(Html.url(c.key())).append("&after=")
                    .append(Html.url(page.get(page.size() - 1).id())).append("\">Next page</a></p>");
        }
        return b.toString();
    }

    /** @return one interaction's details */
    static String details(Interaction i) {
        StringBuilder b = new StringBuilder("<h1>Interaction ").append(Html.esc(i.id()))
                .append("</h1><p><a href=\"../../resources?channel=").append(Html.url(i.channel().key()))
                .append("\">Back to the table</a></p><table id=\"details\">");
        row(b, "Id", i.id());
        row(b, "Channel", i.channel().key());
        row(b, "State", i.state());
        row(b, "Queue", i.queue());
        row(b, "Agent", i.agent());
        row(b, "Created", Instant.ofEpochMilli(i.createdMillis()));
        row(b, "Version", i.version());
        i.attributes().forEach((k, val) -> row(b, "Attribute " + k, val));
        row(b, "Content", i.content());
        return b.append("</table>").toString();
    }

    private static void row(StringBuilder b, String name, Object value) {
        b.append("<tr><th>").append(Html.esc(name)).append("</th><td>").append(Html.esc(value)).append("</td></tr>");
    }

    /** @return the login form, with an error line when {@code error} is not empty */
    static String login(String error) {
        return "<h1>Switchover console</h1>" + (error.isEmpty() ? "" : "<p class=\"warn\" id=\"error\">"
                + Html.esc(error) + "</p>") + "<form method=\"post\" action=\"login\">"
                + "<label>User <input name=\"user\" id=\"login-user\" autocomplete=\"username\"></label> "
                + "<label>Password <input type=\"password\" name=\"password\" id=\"login-password\""
                + " autocomplete=\"current-password\"></label> <button type=\"submit\" id=\"login\">Sign in</button>"
                + "</form>";
    }

    private static String csrf(Viewer v) {
        return "<input type=\"hidden\" name=\"csrf\" value=\"" + Html.esc(v.csrf()) + "\">";
    }

    private static String immediateField(boolean immediate) {
        return immediate ? "<input type=\"hidden\" name=\"immediate\" value=\"true\">" : "";
    }
}
