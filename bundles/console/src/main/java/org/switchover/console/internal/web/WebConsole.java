package org.switchover.console.internal.web;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.function.Consumer;

import javax.servlet.Servlet;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * The console's web side on the OSGi HTTP Whiteboard (javax servlets, served by Felix HTTP Jetty in the standalone
 * runtime and by Pax Web in Karaf): the health endpoints at {@code /switchover/health/*} and the page and REST API
 * at {@code /switchover/*}. Owned by the console component, which passes configuration changes on.
 */
public final class WebConsole implements AutoCloseable {

    /** Health endpoints' servlet pattern. */
    public static final String HEALTH_PATTERN = "/switchover/health/*";

    private final WebAccess access;
    private final ServiceRegistration<Servlet> health;
    private final ServiceRegistration<Servlet> console;
    private final org.osgi.util.tracker.ServiceTracker<Object, Object> runtime;
    private String usersText;

    /**
     * @param context registers the servlets
     * @param backend the node as the web side sees it
     * @param usersText the {@code web.users} value
     * @param idleMillis a login session unused this long ends
     * @param warn told about configuration problems, one sentence each
     */
    public WebConsole(BundleContext context, Backend backend, String usersText, long idleMillis,
                      Consumer<String> warn) {
        this.usersText = usersText;
        Users users = Users.parse(usersText, WebConsole::millis);
        users.problems().forEach(warn);
        this.access = new WebAccess(users, new Sessions(idleMillis, WebConsole::millis));
        this.health = context.registerService(Servlet.class, new HealthServlet(backend.status()),
                props("switchover-health", HEALTH_PATTERN));
        this.console = context.registerService(Servlet.class, new ConsoleServlet(backend, access),
                props("switchover-console", "/switchover", "/switchover/*"));
        // the HTTP runtime names its endpoints; tracked by name so that this bundle needs no HTTP API package
        org.osgi.util.tracker.ServiceTracker<Object, Object> t;
        try {
            t = new org.osgi.util.tracker.ServiceTracker<>(context, context.createFilter(
                    "(objectClass=org.osgi.service.http.runtime.HttpServiceRuntime)"), null);
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        t.open(true);
        this.runtime = t;
    }

    /** @return the console's base URL on the HTTP runtime's first HTTPS endpoint, or null when there is none */
    public String runtimeUrl() {
        org.osgi.framework.ServiceReference<Object> ref = runtime.getServiceReference();
        return ref == null ? null : baseUrl(ref.getProperty("osgi.http.endpoint"));
    }

    /** Applies a configuration change: new users end every session. */
    public void configure(String newUsers, long idleMillis, Consumer<String> warn) {
        access.sessions().idleMillis(idleMillis);
        if (!newUsers.equals(usersText)) {
            usersText = newUsers;
            Users users = Users.parse(newUsers, WebConsole::millis);
            users.problems().forEach(warn);
            access.users(users);
        }
    }

    /** @return the number of users configured */
    public int users() {
        return access.users().size();
    }

    private static Dictionary<String, Object> props(String name, String... patterns) {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put("osgi.http.whiteboard.servlet.name", name);
        p.put("osgi.http.whiteboard.servlet.pattern", patterns.length == 1 ? patterns[0] : patterns);
        return p;
    }

    /**
     * @param endpoints the HTTP runtime's {@code osgi.http.endpoint} property (a String, String[] or list)
     * @return the console's base URL on the first HTTPS endpoint (else the first endpoint), or null when none
     */
    public static String baseUrl(Object endpoints) {
        List<String> all = endpoints instanceof String s ? List.of(s)
                : endpoints instanceof String[] a ? List.of(a)
                : endpoints instanceof java.util.Collection<?> c ? c.stream().map(String::valueOf).toList() : List.of();
        String pick = all.stream().filter(e -> e.startsWith("https:")).findFirst()
                .orElse(all.isEmpty() ? null : all.get(0));
        if (pick == null) {
            return null;
        }
        return (pick.endsWith("/") ? pick : pick + "/") + "switchover/";
    }

    private static long millis() {
        return System.nanoTime() / 1_000_000L;
    }

    @Override
    public void close() {
        runtime.close();
        for (ServiceRegistration<?> r : new ServiceRegistration<?>[] {health, console}) {
            try {
                r.unregister();
            } catch (IllegalStateException e) {
                // already gone with the bundle
            }
        }
    }
}
