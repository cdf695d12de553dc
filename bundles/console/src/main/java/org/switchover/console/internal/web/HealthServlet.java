package org.switchover.console.internal.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.switchover.api.status.NodeStatus;

/**
 * The load balancers' health endpoints under {@code /switchover/health/}: {@code primary}, {@code backup[?lag=ms]}
 * and {@code live}. GET answers 200 or 503 with one line of text; HEAD and OPTIONS answer the same status without a
 * body; any other method is 405. No authentication: a load balancer asks these.
 */
final class HealthServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final String ALLOW = "GET, HEAD, OPTIONS";

    private final transient Supplier<NodeStatus> status;

    HealthServlet(Supplier<NodeStatus> status) {
        this.status = status;
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String method = req.getMethod();
        boolean body = "GET".equals(method);
        if (!body && !"HEAD".equals(method) && !"OPTIONS".equals(method)) {
            resp.setHeader("Allow", ALLOW);
            send(resp, 405, "method " + HealthChecks.printable(method) + " not allowed; use " + ALLOW, true);
            return;
        }
        resp.setHeader("Cache-Control", "no-store");
        if ("OPTIONS".equals(method)) {
            resp.setHeader("Allow", ALLOW);
        }
        String path = req.getPathInfo() == null ? "" : req.getPathInfo();
        HealthChecks.Result r;
        try {
            r = check(path, req.getParameter("lag"));
        } catch (IllegalArgumentException e) {
            send(resp, 400, e.getMessage(), body);
            return;
        }
        if (r == null) {
            send(resp, 404, "no health check '" + HealthChecks.printable(path)
                    + "'; known: /switchover/health/primary, /switchover/health/backup[?lag=ms],"
                    + " /switchover/health/live", body);
            return;
        }
        send(resp, r.ok() ? 200 : 503, r.text(), body);
    }

    /** @return the result of the check named by the path, or null when there is no such check */
    private HealthChecks.Result check(String path, String lag) {
        return switch (path) {
            case "/primary" -> HealthChecks.primary(status.get());
            case "/backup" -> {
                long limit = HealthChecks.parseLag(lag); // a bad value is a 400 before the status is built
                yield HealthChecks.backup(status.get(), limit);
            }
            case "/live" -> HealthChecks.live(status.get());
            default -> null;
        };
    }

    private static void send(HttpServletResponse resp, int code, String text, boolean body) throws IOException {
        resp.setStatus(code);
        resp.setContentType("text/plain;charset=utf-8");
        if (body) {
            byte[] b = (text + "\n").getBytes(StandardCharsets.UTF_8);
            resp.setContentLength(b.length);
            resp.getOutputStream().write(b);
        } else {
            resp.setContentLength(0);
        }
    }
}
