package org.switchover.metrics.internal;

import java.io.IOException;
import java.io.StringWriter;
import java.util.Collections;
import java.util.List;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.support.log.LogText;
import org.switchover.support.log.RateLimitedLog;

import io.prometheus.client.Collector.MetricFamilySamples;
import io.prometheus.client.exporter.common.TextFormat;

/**
 * {@code /switchover/metrics} on the OSGi HTTP whiteboard: the metric families in the Prometheus text format
 * (version 0.0.4). GET and HEAD only (OPTIONS names them, anything else is 405); the query string is ignored, so no
 * request can select, enlarge or alter the answer.
 */
@Component(service = Servlet.class, property = {
        "osgi.http.whiteboard.servlet.pattern=" + MetricsServlet.PATH,
        "osgi.http.whiteboard.servlet.name=switchover-metrics"})
public class MetricsServlet extends HttpServlet {

    /** The URL path of the metrics. */
    public static final String PATH = "/switchover/metrics";
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(MetricsServlet.class);
    private static final String ALLOW = "GET, HEAD, OPTIONS";

    private final transient RateLimitedLog failures = RateLimitedLog.perPeriod(LOG::warn, 60_000);

    @Reference
    private transient MetricsSource source;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        List<MetricFamilySamples> families;
        try {
            families = source.collect();
        } catch (RuntimeException e) {
            failures.log("collect", "Metrics not available: {}", LogText.escape(String.valueOf(e)));
            plain(resp, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "metrics not available: the status could not"
                    + " be read (see the node's log)\n");
            return;
        }
        StringWriter w = new StringWriter();
        TextFormat.write004(w, Collections.enumeration(families));
        resp.setStatus(HttpServletResponse.SC_OK);
        resp.setContentType(TextFormat.CONTENT_TYPE_004);
        resp.setHeader("Cache-Control", "no-store");
        byte[] body = w.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        resp.setContentLength(body.length);
        resp.getOutputStream().write(body);
    }

    @Override
    protected void doOptions(HttpServletRequest req, HttpServletResponse resp) {
        resp.setHeader("Allow", ALLOW);
        resp.setContentLength(0);
        resp.setStatus(HttpServletResponse.SC_OK);
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException,
            javax.servlet.ServletException {
        String m = req.getMethod();
        if ("GET".equals(m) || "HEAD".equals(m) || "OPTIONS".equals(m)) {
            super.service(req, resp);
            return;
        }
        resp.setHeader("Allow", ALLOW);
        plain(resp, HttpServletResponse.SC_METHOD_NOT_ALLOWED, "method not allowed on " + PATH + "; allowed: "
                + ALLOW + "\n");
    }

    private static void plain(HttpServletResponse resp, int code, String text) throws IOException {
        byte[] body = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        resp.setStatus(code);
        resp.setContentType("text/plain; charset=utf-8");
        resp.setContentLength(body.length);
        resp.getOutputStream().write(body);
    }
}
