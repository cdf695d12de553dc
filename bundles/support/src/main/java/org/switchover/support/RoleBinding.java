package org.switchover.support;

import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;
import org.switchover.api.RoleConditions;

/**
 * The role a component follows, from the core's role conditions: one place for the bookkeeping every role-gated
 * component needs. {@link #track} follows the primary and the backup {@code Condition} services in the registry (the
 * core registers them at run time, so they are tracked rather than declared as a DS reference, which would need a
 * capability no bundle declares); {@link #bind(Map)} and {@link #unbind(Map)} take a condition's service properties
 * directly (tests).
 *
 * <p>Each change posts one check to the component's single-threaded executor; there the listener is told the
 * {@link Role} whenever it differs from the one it was told last (primary wins while both conditions are
 * registered). The flags themselves may be read from any thread.
 */
public final class RoleBinding {

    /** The role a component acts in. */
    public enum Role {
        /** Neither condition registered. */
        NONE,
        /** The primary condition is registered. */
        PRIMARY,
        /** The backup condition is registered and the primary one is not. */
        BACKUP
    }

    /** The OSGi condition service type the core registers its role conditions as. */
    private static final String CONDITION_CLASS = "org.osgi.service.condition.Condition";

    /** Filter of the role conditions: the primary or the backup condition. */
    public static final String TARGET = "(|" + RoleConditions.PRIMARY_FILTER + RoleConditions.BACKUP_FILTER + ")";

    private final Executor executor;
    private final Consumer<Role> listener;
    private volatile boolean primary;
    private volatile boolean backup;
    private volatile boolean closed;
    private volatile ServiceTracker<Object, ServiceReference<Object>> tracker;
    private Role told = Role.NONE; // executor thread only

    /**
     * @param executor the component's single-threaded executor (its actor thread); the listener runs there
     * @param listener told each new role, on {@code executor}
     */
    public RoleBinding(Executor executor, Consumer<Role> listener) {
        this.executor = executor;
        this.listener = listener;
    }

    /**
     * Follows the role conditions of the framework of {@code context} until {@link #close()}: the listener is told the
     * role as it is now (posted at once) and every change after. Called once, at the end of the component's
     * activation.
     *
     * @param context the component's bundle context
     */
    public void track(BundleContext context) {
        ServiceTracker<Object, ServiceReference<Object>> t;
        try {
            t = new ServiceTracker<>(context, FrameworkUtil.createFilter("(&(" + Constants.OBJECTCLASS + "="
                    + CONDITION_CLASS + ")" + TARGET + ")"), null) {
                @Override
                public ServiceReference<Object> addingService(ServiceReference<Object> reference) {
                    bind(properties(reference));
                    return reference;
                }

                @Override
                public void removedService(ServiceReference<Object> reference, ServiceReference<Object> service) {
                    unbind(properties(reference));
                }
            };
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException("role condition filter " + TARGET, e);
        }
        tracker = t;
        t.open(true);
        post();
    }

    private static Map<String, ?> properties(ServiceReference<?> reference) {
        Object id = reference.getProperty(RoleConditions.CONDITION_ID);
        return id == null ? Map.of() : Map.of(RoleConditions.CONDITION_ID, id);
    }

    /** A condition came: its service properties name which. */
    public void bind(Map<String, ?> condition) {
        set(condition, true);
    }

    /** A condition went. */
    public void unbind(Map<String, ?> condition) {
        set(condition, false);
    }

    private void set(Map<String, ?> condition, boolean present) {
        Object id = condition == null ? null : condition.get(RoleConditions.CONDITION_ID);
        if (RoleConditions.PRIMARY.equals(id)) {
            primary = present;
        } else if (RoleConditions.BACKUP.equals(id)) {
            backup = present;
        } else {
            return;
        }
        post();
    }

    /** Posts a check of the role to the executor, e.g. once at activation when nothing has been told yet. */
    public void post() {
        if (closed) {
            return;
        }
        try {
            executor.execute(this::check);
        } catch (RejectedExecutionException e) {
            // the component is going away: its deactivation stops what runs
        }
    }

    private void check() {
        Role now = role();
        if (!closed && now != told) {
            told = now;
            listener.accept(now);
        }
    }

    /** @return the role the conditions give now (primary wins) */
    public Role role() {
        return primary ? Role.PRIMARY : backup ? Role.BACKUP : Role.NONE;
    }

    /** @return whether the primary condition is registered */
    public boolean primary() {
        return primary;
    }

    /** @return whether the backup condition is registered */
    public boolean backup() {
        return backup;
    }

    /** Stops tracking and telling the listener (the component deactivates); checks already posted do nothing. */
    public void close() {
        closed = true;
        ServiceTracker<?, ?> t = tracker;
        if (t != null) {
            t.close();
        }
    }
}
