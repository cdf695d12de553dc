package org.switchover.core.internal;

import java.util.HashMap;
import java.util.Hashtable;
import java.util.Map;
import java.util.function.Supplier;

import org.osgi.annotation.bundle.Capability;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.condition.Condition;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.api.NodeId;
import org.switchover.api.Role;
import org.switchover.api.RoleConditions;
import org.switchover.api.SwitchoverState;
import org.switchover.api.Topics;

/**
 * Announces state changes in the framework: EventAdmin topics (posted asynchronously) and the role conditions.
 * A role condition is withdrawn before the events announcing the end of the role go out, and registered before the
 * events announcing a new role, so that role-gated components never run in the wrong role. The monitoring condition
 * ({@link RoleConditions#MONITORING}) is registered while the backup wants its primary monitor running.
 */
// Declares that this bundle registers Condition services, so that a resolver (Karaf's feature verification, bnd)
// can satisfy the components that require a role condition (the primary monitor requires the monitoring one).
@Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=\"org.osgi.service.condition.Condition\"")
final class OsgiRoleOutputs implements RoleOutputs, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OsgiRoleOutputs.class);

    private final BundleContext context;
    private final Supplier<EventAdmin> eventAdmin;
    private final Supplier<NodeId> node;
    private ServiceRegistration<Condition> primary;
    private ServiceRegistration<Condition> backup;
    private ServiceRegistration<Condition> monitoring;
    private boolean closed;

    OsgiRoleOutputs(BundleContext context, Supplier<EventAdmin> eventAdmin, Supplier<NodeId> node) {
        this.context = context;
        this.eventAdmin = eventAdmin;
        this.node = node;
    }

    @Override
    public void stateChanged(SwitchoverState from, SwitchoverState to, String reason, long epoch) {
        Map<String, Object> payload = new HashMap<>();
        payload.put(Topics.KEY_STATE, to.name());
        payload.put(Topics.KEY_PREVIOUS_STATE, from.name());
        payload.put(Topics.KEY_EPOCH, epoch);
        payload.put(Topics.KEY_REASON, reason == null ? "" : reason);
        NodeId n = node.get();
        payload.put("node", n == null ? "" : n.name());

        if (from == SwitchoverState.PRIMARY && to != SwitchoverState.PRIMARY) {
            setPrimary(false);
            post(Topics.ROLE_DISCONTINUE, payload);
        }
        setBackup(to.role() == Role.BACKUP);
        if (to == SwitchoverState.PRIMARY && from != SwitchoverState.PRIMARY) {
            setPrimary(true);
            post(Topics.ROLE_COMMENCE, payload);
        }
        post(Topics.STATE_CHANGED, payload);
    }

    @Override
    public synchronized void monitoring(boolean on) {
        monitoring = toggle(monitoring, on, RoleConditions.MONITORING);
    }

    private void post(String topic, Map<String, Object> payload) {
        EventAdmin ea = eventAdmin.get();
        if (ea == null) {
            LOG.debug("No EventAdmin: {} not posted", topic);
            return;
        }
        try {
            ea.postEvent(new Event(topic, payload));
        } catch (RuntimeException e) {
            LOG.warn("Posting {} failed: {}", topic, e.toString());
        }
    }

    private synchronized void setPrimary(boolean on) {
        primary = toggle(primary, on, RoleConditions.PRIMARY);
    }

    private synchronized void setBackup(boolean on) {
        backup = toggle(backup, on, RoleConditions.BACKUP);
    }

    private ServiceRegistration<Condition> toggle(ServiceRegistration<Condition> reg, boolean on, String id) {
        if (on && reg == null && !closed) {
            Hashtable<String, Object> props = new Hashtable<>();
            props.put(RoleConditions.CONDITION_ID, id);
            try {
                return context.registerService(Condition.class, Condition.INSTANCE, props);
            } catch (RuntimeException e) {
                LOG.warn("Registering condition {} failed: {}", id, e.toString());
                return null;
            }
        }
        if (!on && reg != null) {
            unregister(reg);
            return null;
        }
        return reg;
    }

    private static void unregister(ServiceRegistration<?> reg) {
        try {
            reg.unregister();
        } catch (IllegalStateException e) {
            // already gone with the bundle
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        primary = toggle(primary, false, RoleConditions.PRIMARY);
        backup = toggle(backup, false, RoleConditions.BACKUP);
        monitoring = toggle(monitoring, false, RoleConditions.MONITORING);
    }
}
