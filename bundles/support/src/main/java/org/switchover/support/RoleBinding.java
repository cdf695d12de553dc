package org.switchover.support;

import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

import org.switchover.api.RoleConditions;

/**
 * The role a component follows, from the core's role conditions: one place for the bind/unbind bookkeeping every
 * role-gated component needs. The component declares two optional dynamic references to {@code Condition} (targets
 * {@link RoleConditions#PRIMARY_FILTER} and {@link RoleConditions#BACKUP_FILTER}), both bound to the same two methods,
 * which hand the condition's service properties to {@link #bind(Map)} and {@link #unbind(Map)}:
 *
 * <pre>{@code
 * @Component(reference = {
 *     @Reference(name = "primary", service = Condition.class, cardinality = OPTIONAL, policy = DYNAMIC,
 *             target = RoleConditions.PRIMARY_FILTER, bind = "bindRole", unbind = "unbindRole"),
 *     @Reference(name = "backup", ...BACKUP_FILTER...)})
 * ...
 * void bindRole(Map<String, Object> condition) { roles.bind(condition); }
 * void unbindRole(Map<String, Object> condition) { roles.unbind(condition); }
 * }</pre>
 *
 * <p>Each change posts one check to the component's single-threaded executor; there the listener is told the
 * {@link Role} whenever it differs from the one it was told last (primary wins while both conditions are
 * registered). The conditions are optional dynamic references because the core registers them at run time, so no
 * bundle declares them as a capability and a mandatory reference would not resolve in Karaf. The flags themselves may
 * be read from any thread.
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

    private final Executor executor;
    private final Consumer<Role> listener;
    private volatile boolean primary;
    private volatile boolean backup;
    private volatile boolean closed;
    private Role told = Role.NONE; // executor thread only

    /**
     * @param executor the component's single-threaded executor (its actor thread); the listener runs there
     * @param listener told each new role, on {@code executor}
     */
    public RoleBinding(Executor executor, Consumer<Role> listener) {
        this.executor = executor;
        this.listener = listener;
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

    /** Stops telling the listener (the component deactivates); checks already posted do nothing. */
    public void close() {
        closed = true;
    }
}
