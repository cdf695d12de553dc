package org.switchover.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.switchover.api.NodeId;
import org.switchover.api.RoleConditions;
import org.switchover.api.SwitchoverState;
import org.switchover.api.Topics;

/** EventAdmin topics and role conditions as a role-gated component would see them. */
class OsgiRoleOutputsTest {

    private final List<String> log = new ArrayList<>();

    private BundleContext context() {
        return (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {BundleContext.class},
                (p, m, args) -> {
                    if (m.getName().equals("registerService")) {
                        Dictionary<?, ?> props = (Dictionary<?, ?>) args[2];
                        String id = String.valueOf(props.get(RoleConditions.CONDITION_ID));
                        log.add("+" + id);
                        return Proxy.newProxyInstance(getClass().getClassLoader(),
                                new Class<?>[] {ServiceRegistration.class}, (p2, m2, a2) -> {
                                    if (m2.getName().equals("unregister")) {
                                        log.add("-" + id);
                                    }
                                    return null;
                                });
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
    }

    private EventAdmin eventAdmin() {
        return new EventAdmin() {
            @Override
            public void postEvent(Event event) {
                log.add(event.getTopic().substring(Topics.PREFIX.length()) + ":" + event.getProperty(Topics.KEY_STATE)
                        + ":" + event.getProperty(Topics.KEY_EPOCH));
            }

            @Override
            public void sendEvent(Event event) {
                throw new AssertionError("events are posted asynchronously");
            }
        };
    }

    @Test
    void conditionsFollowTheRoleAndTopicsAnnounceIt() {
        EventAdmin ea = eventAdmin();
        OsgiRoleOutputs out = new OsgiRoleOutputs(context(), () -> ea, () -> NodeId.B);
        out.stateChanged(SwitchoverState.INIT, SwitchoverState.BACKUP, "peer primary", 0);
        out.stateChanged(SwitchoverState.BACKUP, SwitchoverState.RECONNECTING, "notifier down", 0);
        out.stateChanged(SwitchoverState.RECONNECTING, SwitchoverState.PRIMARY, "Loss of Connection to Notifier", 6);
        out.stateChanged(SwitchoverState.PRIMARY, SwitchoverState.INACTIVE, "peer took over", 6);
        out.close();
        assertEquals(List.of(
                "+switchover.backup", "state/CHANGED:BACKUP:0",
                "state/CHANGED:RECONNECTING:0",
                "-switchover.backup", "+switchover.primary", "role/COMMENCE:PRIMARY:6", "state/CHANGED:PRIMARY:6",
                "-switchover.primary", "role/DISCONTINUE:INACTIVE:6", "state/CHANGED:INACTIVE:6"), log);
    }

    @Test
    void closeWithdrawsTheConditions() {
        OsgiRoleOutputs out = new OsgiRoleOutputs(context(), () -> null, () -> NodeId.A);
        out.stateChanged(SwitchoverState.INIT, SwitchoverState.PRIMARY, "fail-safe", 1);
        out.close();
        out.stateChanged(SwitchoverState.PRIMARY, SwitchoverState.STOPPING, "shutdown", 1);
        assertEquals(List.of("+switchover.primary", "-switchover.primary"), log);
        // a late announcement after close registers nothing again
        out.stateChanged(SwitchoverState.INIT, SwitchoverState.PRIMARY, "late", 2);
        out.monitoring(true);
        assertTrue(log.stream().filter(l -> l.startsWith("+")).count() == 1, log.toString());
    }

    @Test
    void theMonitoringConditionIsRaisedAndDroppedOnRequestAndWithdrawnOnClose() {
        OsgiRoleOutputs out = new OsgiRoleOutputs(context(), () -> null, () -> NodeId.B);
        out.monitoring(true);
        out.monitoring(true); // raised once only
        out.monitoring(false);
        out.monitoring(false);
        out.monitoring(true);
        out.close();
        assertEquals(List.of("+switchover.monitoring", "-switchover.monitoring", "+switchover.monitoring",
                "-switchover.monitoring"), log);
        assertEquals("switchover.monitoring", RoleConditions.MONITORING);
    }
}
