package org.switchover.console.internal.web;

import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

import org.apache.felix.hc.api.HealthCheck;
import org.apache.felix.hc.api.Result;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.switchover.api.status.NodeStatus;

/**
 * The load balancers' three checks as Felix Health Check services, so that the Felix HC servlet, its JMX beans and
 * the Gogo {@code hc:exec} answer exactly what {@code /switchover/health/*} answers: each service asks the same
 * {@link HealthChecks} function of the same status. Tags: {@code switchover} on all three, plus
 * {@code switchover-primary}, {@code switchover-backup} or {@code switchover-live}. The backup check has no query
 * string: it passes on a backup whatever its lag (the URL's {@code lag} limit is the load balancer's own choice).
 *
 * <p>This class is the only one that touches {@code org.apache.felix.hc.api} (an optional import): the console loads
 * it only when Felix Health Check is present, and goes on without it otherwise.
 */
public final class FelixHealthChecks implements AutoCloseable {

    /** Tag shared by the three checks ({@code hc:exec -t switchover}). */
    public static final String TAG = "switchover";

    private final List<ServiceRegistration<HealthCheck>> registrations = new ArrayList<>();

    public FelixHealthChecks(BundleContext context, Supplier<NodeStatus> status) {
        register(context, "primary", s -> HealthChecks.primary(s), status);
        register(context, "backup", s -> HealthChecks.backup(s, -1), status);
        register(context, "live", HealthChecks::live, status);
    }

    private void register(BundleContext context, String name, Function<NodeStatus, HealthChecks.Result> check,
                          Supplier<NodeStatus> status) {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put(HealthCheck.NAME, "Switchover " + name);
        p.put(HealthCheck.TAGS, new String[] {TAG, TAG + "-" + name});
        p.put(HealthCheck.MBEAN_NAME, "switchover-" + name);
        registrations.add(context.registerService(HealthCheck.class, () -> execute(check, status), p));
    }

    /** @return OK when the check passes, CRITICAL otherwise, with the endpoint's one line as the message */
    static Result execute(Function<NodeStatus, HealthChecks.Result> check, Supplier<NodeStatus> status) {
        HealthChecks.Result r;
        try {
            r = check.apply(status.get());
        } catch (RuntimeException e) {
            return new Result(Result.Status.HEALTH_CHECK_ERROR, "the status could not be read: " + e, e);
        }
        return new Result(r.ok() ? Result.Status.OK : Result.Status.CRITICAL, r.text());
    }

    @Override
    public void close() {
        for (ServiceRegistration<HealthCheck> r : registrations) {
            try {
                r.unregister();
            } catch (IllegalStateException e) {
                // already gone with the bundle
            }
        }
        registrations.clear();
    }
}
