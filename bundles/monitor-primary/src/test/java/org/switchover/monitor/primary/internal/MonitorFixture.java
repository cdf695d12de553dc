package org.switchover.monitor.primary.internal;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.switchover.api.NodeId;
import org.switchover.api.log.Journal;
import org.switchover.api.monitor.ModuleMonitor;
import org.switchover.api.notifier.EventIds;
import org.switchover.monitor.module.testing.ScriptedPrimary;
import org.switchover.testing.VirtualScheduler;

/**
 * What the primary monitor's tests share (they extend it; a test that needs a second, fresh set creates one): virtual
 * time, a scripted primary and probe, the state machine's input, and node A watching the primary B at
 * {@link #PRIMARY} with one gateway.
 */
class MonitorFixture {

    static final String NPING = EventIds.NOTIFIER_PING;
    static final String MPING = EventIds.MODULE_PING;
    static final String PRIMARY = "172.17.112.171";
    static final String GATEWAY = "172.17.112.1";

    final VirtualScheduler clock = new VirtualScheduler();
    final ScriptedPrimary notifier = new ScriptedPrimary(clock);
    final ScriptedProbe probe = new ScriptedProbe(clock);
    final RecordingSink sink = new RecordingSink(clock);
    final TestIdentity identity = TestIdentity.watching(NodeId.A, PRIMARY);
    List<String> gateways = List.of(GATEWAY);

    /**
     * A primary monitor wired to this fixture as DS would wire it, not yet activated.
     *
     * @param moduleMonitor the module monitor service, or null for none
     */
    PrimaryMonitorComponent primaryMonitor(ModuleMonitor moduleMonitor) {
        PrimaryMonitorComponent m = new PrimaryMonitorComponent(clock, probe, () -> gateways);
        m.identity = identity;
        m.notifier = notifier.notifier();
        m.sink = sink;
        if (moduleMonitor != null) {
            m.bindModuleMonitor(moduleMonitor);
        }
        return m;
    }

    /** The monitoring condition appears: DS activates the monitor, which starts pinging. */
    PrimaryMonitorComponent activate(PrimaryMonitorComponent m, Map<String, Object> config) {
        m.activate(new HashMap<>(config));
        clock.runDue();
        return m;
    }

    static List<String> texts(PrimaryMonitorComponent m) {
        return m.journal().stream().map(Journal.Entry::text).toList();
    }
}
