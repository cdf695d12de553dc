package org.switchover.console.internal.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.api.interaction.ActiveResources;
import org.switchover.api.interaction.Channel;
import org.switchover.api.interaction.Interaction;
import org.switchover.support.log.LogText;
import org.switchover.support.log.RateLimitedLog;

/**
 * The console under {@code /switchover/}: the status page, login/logout, the switch questions, the active resources
 * and their details (session cookie, CSRF token on every POST), and the REST API under {@code /switchover/api/}
 * ({@link RestApi}, HTTP Basic). Only over HTTPS: a plain HTTP request is refused with 403. Every switch and every
 * refused switch is an audit line with the user's name.
 */
final class ConsoleServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    static final Logger AUDIT = LoggerFactory.getLogger("org.switchover.audit");
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleServlet.class);
    /** Largest form body accepted (bytes). */
    static final int MAX_FORM = 8192;
    private static final int PAGE = 100;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final transient Backend backend;
    private final transient WebAccess access;
    private final transient RestApi api;
    private final transient RateLimitedLog refusals = RateLimitedLog.perPeriod(LOG::warn, 10_000);

    ConsoleServlet(Backend backend, WebAccess access) {
        this.backend = backend;
        this.access = access;
        this.api = new RestApi(backend, access, refusals);
        api.servlet(this);
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setHeader("Cache-Control", "no-store");
        resp.setHeader("X-Content-Type-Options", "nosniff");
        resp.setHeader("X-Frame-Options", "DENY");
        resp.setHeader("Referrer-Policy", "no-referrer");
        String path = req.getPathInfo() == null ? "" : req.getPathInfo();
        if (!req.isSecure()) {
            refusals.log("plain", "Console refused a plain HTTP request for {}", LogText.escape(path));
            Responses.text(resp, 403, "the console answers over HTTPS only");
            return;
        }
        try {
            if (path.startsWith("/api/") || path.equals("/api")) {
                api.handle(req, resp, path.substring(4));
                return;
            }
            page(req, resp, path);
        } catch (BadRequest e) {
            Responses.text(resp, e.code, e.getMessage());
        }
    }

    private void page(HttpServletRequest req, HttpServletResponse resp, String path) throws IOException {
        String method = req.getMethod();
        switch (path) {
            case "" -> resp.sendRedirect(req.getRequestURI() + "/");
            case "/login" -> {
                if ("POST".equals(method)) {
                    login(req, resp);
                } else if (allow(resp, method, "GET")) {
                    html(resp, 200, "Switchover login", StatusPage.login(""), false);
                }
            }
            case "/logout" -> {
                if (allow(resp, method, "POST")) {
                    Optional<Sessions.Session> s = posted(req, resp);
                    s.ifPresent(x -> access.sessions().remove(x.id()));
                    resp.addHeader("Set-Cookie", Sessions.COOKIE + "=; Path=/switchover; Max-Age=0; HttpOnly; Secure;"
                            + " SameSite=Strict");
                    resp.sendRedirect("login");
                }
            }
            case "/switch" -> {
                if (allow(resp, method, "POST")) {
                    posted(req, resp).ifPresent(s -> switchStep(req, resp, s));
                }
            }
            default -> {
                if (!allow(resp, method, "GET")) {
                    return;
                }
                Optional<Sessions.Session> s = session(req);
                if (s.isEmpty()) {
                    resp.sendRedirect(req.getContextPath() + "/switchover/login");
                    return;
                }
                get(req, resp, path, s.get());
            }
        }
    }

    private void get(HttpServletRequest req, HttpServletResponse resp, String path, Sessions.Session s)
            throws IOException {
        if (path.equals("/")) {
            html(resp, 200, "Switchover status", StatusPage.status(backend.status().get(), viewer(s)), true);
        } else if (path.equals("/resources")) {
            Channel c = channel(req.getParameter("channel"));
            String after = RestApi.id(req.getParameter("after"), true);
            html(resp, 200, "Active resources", StatusPage.resourceTable(c, resources().page(c, after, PAGE), PAGE),
                    false);
        } else if (path.startsWith("/resources/")) {
            String[] parts = path.substring("/resources/".length()).split("/", 2);
            Channel c = channel(parts[0]);
            String id = RestApi.id(parts.length > 1 ? parts[1] : "", false);
            Optional<Interaction> i = resources().find(c, id);
            if (i.isEmpty()) {
                throw new BadRequest(404, "no active resource " + HealthChecks.printable(id) + " on channel " + c.key()
                        + " on this node");
            }
            html(resp, 200, "Interaction", StatusPage.details(i.get()), false);
        } else {
            throw new BadRequest(404, "no page " + HealthChecks.printable(path)
                    + " here; the status is at /switchover/");
        }
    }

    private ActiveResources resources() {
        ActiveResources r = backend.resources().get();
        if (r == null) {
            throw new BadRequest(503, "the interaction recovery service does not run on this node");
        }
        return r;
    }

    static Channel channel(String text) {
        if (text == null || text.length() > 40) {
            throw new BadRequest(400, "name a channel: mail, chat, callback, sms, social_conversation or"
                    + " direct_message");
        }
        try {
            return Channel.parse(text);
        } catch (IllegalArgumentException e) {
            throw new BadRequest(404, "no channel '" + HealthChecks.printable(text) + "' (mail, chat, callback, sms,"
                    + " social_conversation, direct_message)");
        }
    }

    private void login(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        checkForm(req);
        String user = req.getParameter("user");
        String password = req.getParameter("password");
        Optional<Users.User> u = access.users().authenticate(user, password);
        if (u.isEmpty()) {
            refusals.log("login", "Console: failed login for user '{}' from {}", LogText.escape(user),
                    req.getRemoteAddr());
            html(resp, 401, "Switchover login", StatusPage.login("Unknown user or wrong password."), false);
            return;
        }
        Sessions.Session s = access.sessions().create(u.get());
        LOG.info("Console: user '{}' signed in from {}", LogText.escape(user), req.getRemoteAddr());
        resp.addHeader("Set-Cookie", Sessions.COOKIE + "=" + s.id() + "; Path=/switchover; HttpOnly; Secure;"
                + " SameSite=Strict");
        resp.sendRedirect("./");
    }

    /** @return the session of a POST whose CSRF token matches; otherwise answers 401/403 and returns empty */
    private Optional<Sessions.Session> posted(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        checkForm(req);
        Optional<Sessions.Session> s = session(req);
        if (s.isEmpty()) {
            refusals.log("nosession", "Console refused a POST to {} without a session", LogText.escape(
                    req.getPathInfo()));
            html(resp, 401, "Switchover login", StatusPage.login("Please sign in."), false);
            return Optional.empty();
        }
        if (!Users.sameSecret(s.get().csrf(), req.getParameter("csrf"))) {
            refusals.log("csrf", "Console refused a POST to {} by '{}': missing or wrong CSRF token",
                    LogText.escape(req.getPathInfo()), LogText.escape(s.get().user().name()));
            Responses.text(resp, 403, "refused: the form's CSRF token is missing or wrong; reload the page");
            return Optional.empty();
        }
        return s;
    }

    private void switchStep(HttpServletRequest req, HttpServletResponse resp, Sessions.Session s) {
        try {
            String step = String.valueOf(req.getParameter("step"));
            boolean immediate = "true".equals(req.getParameter("immediate"));
            Users.User u = s.user();
            StatusPage.Viewer v = viewer(s);
            String refusal = refusal(u, immediate);
            if (refusal != null) {
                AUDIT.warn("Console: switch refused for user '{}' (page): {}", LogText.escape(u.name()), refusal);
                html(resp, 403, "Switch refused", StatusPage.outcome("Switch refused", refusal), false);
                return;
            }
            switch (step) {
                case "ask" -> html(resp, 200, "Manual switch", StatusPage.confirm(v, immediate), false);
                case "confirmed", "accepted" -> {
                    boolean accept = step.equals("accepted");
                    List<String> now = backend.warnings().get();
                    if (!accept && !now.isEmpty()) {
                        html(resp, 200, "Manual switch", StatusPage.warningsQuestion(v, now, immediate), false);
                        return;
                    }
                    Map<String, Object> r = runSwitch(u, immediate, accept, "page");
                    boolean ok = Boolean.TRUE.equals(r.get("ok"));
                    html(resp, ok ? 200 : 409, "Manual switch", StatusPage.outcome(ok ? "Switched" : "Not switched",
                            RestApi.outcomeText(r)), false);
                }
                default -> Responses.text(resp, 400, "unknown switch step '" + HealthChecks.printable(step) + "'");
            }
        } catch (IOException e) {
            LOG.debug("Console: writing a switch page failed: {}", e.toString());
        }
    }

    /** @return why {@code u} may not switch this way, or null when it may */
    static String refusal(Users.User u, boolean immediate) {
        if (!u.mayControl()) {
            return "user '" + u.name() + "' does not hold the remote-control right";
        }
        if (immediate && !u.admin()) {
            return "the immediate switch is reserved to administrators; user '" + u.name() + "' is not one";
        }
        return null;
    }

    /** Runs a switch for {@code u} and writes its audit lines. */
    Map<String, Object> runSwitch(Users.User u, boolean immediate, boolean accept, String via) {
        String by = "console " + via + " user '" + LogText.escape(u.name()) + "'";
        AUDIT.info("Console: switch requested by {} (immediate={}, warnings accepted={})", by, immediate, accept);
        Map<String, Object> r = backend.switcher().run(immediate, by, accept);
        if (Boolean.TRUE.equals(r.get("ok"))) {
            AUDIT.info("Console: switch by {} done: {}", by, LogText.escape(RestApi.outcomeText(r)));
        } else {
            AUDIT.warn("Console: switch by {} refused: {}", by, LogText.escape(RestApi.outcomeText(r)));
        }
        return r;
    }

    private Optional<Sessions.Session> session(HttpServletRequest req) {
        javax.servlet.http.Cookie[] cookies = req.getCookies();
        if (cookies == null) {
            return Optional.empty();
        }
        for (javax.servlet.http.Cookie c : cookies) {
            if (Sessions.COOKIE.equals(c.getName())) {
                return access.sessions().get(c.getValue());
            }
        }
        return Optional.empty();
    }

    private static StatusPage.Viewer viewer(Sessions.Session s) {
        return new StatusPage.Viewer(s.user().name(), s.user().mayControl(), s.user().admin(), s.csrf());
    }

    private static void checkForm(HttpServletRequest req) {
        long len = req.getContentLengthLong();
        if (len > MAX_FORM) {
            throw new BadRequest(413, "form body of " + len + " bytes exceeds " + MAX_FORM);
        }
        if (len < 0 && "POST".equals(req.getMethod())) {
            throw new BadRequest(411, "a form needs a Content-Length");
        }
        String type = req.getContentType();
        if (len > 0 && (type == null || !type.startsWith("application/x-www-form-urlencoded"))) {
            throw new BadRequest(415, "a form must be application/x-www-form-urlencoded");
        }
    }

    private static boolean allow(HttpServletResponse resp, String method, String allowed) throws IOException {
        if (allowed.equals(method) || ("GET".equals(allowed) && "HEAD".equals(method))) {
            return true;
        }
        resp.setHeader("Allow", allowed);
        Responses.text(resp, 405, "method " + HealthChecks.printable(method) + " not allowed here; use " + allowed);
        return false;
    }

    private static void html(HttpServletResponse resp, int code, String title, String body, boolean refresh)
            throws IOException {
        byte[] n = new byte[16];
        RANDOM.nextBytes(n);
        String nonce = Base64.getEncoder().encodeToString(n);
        resp.setHeader("Content-Security-Policy", "default-src 'none'; style-src 'nonce-" + nonce + "'; script-src"
                + " 'nonce-" + nonce + "'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
        resp.setStatus(code);
        resp.setContentType("text/html;charset=utf-8");
        byte[] b = StatusPage.frame(title, nonce, body, refresh).getBytes(StandardCharsets.UTF_8);
        resp.setContentLength(b.length);
        resp.getOutputStream().write(b);
    }

    /** A request refused with a status code and a reason for the body. */
    static final class BadRequest extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int code;

        BadRequest(int code, String message) {
            super(message);
            this.code = code;
        }
    }
}
