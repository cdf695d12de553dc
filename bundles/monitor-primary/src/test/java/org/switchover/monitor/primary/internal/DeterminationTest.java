package org.switchover.monitor.primary.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.switchover.api.monitor.MonitorSignal.MODULE_DOWN;
import static org.switchover.api.monitor.MonitorSignal.NETWORK_DOWN;
import static org.switchover.api.monitor.MonitorSignal.NOTIFIER_DOWN;
import static org.switchover.api.monitor.MonitorSignal.PRIMARY_UNREACHABLE;
import static org.switchover.monitor.primary.internal.NetworkCheck.GATEWAY_REACHED;
import static org.switchover.monitor.primary.internal.NetworkCheck.GATEWAY_UNREACHABLE;
import static org.switchover.monitor.primary.internal.NetworkCheck.NETTEST_REACHED;
import static org.switchover.monitor.primary.internal.NetworkCheck.NETTEST_UNAVAILABLE;
import static org.switchover.monitor.primary.internal.NetworkCheck.NETTEST_UNREACHABLE;
import static org.switchover.monitor.primary.internal.NetworkCheck.PRIMARY_REACHED;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.switchover.api.monitor.MonitorSignal;

/** The determination table of DECISIONS.md, row by row, without any scheduler. */
class DeterminationTest {

    private static final Connections BOTH = new Connections(true, true);
    private static final Connections MAIN_ONLY = new Connections(true, false);
    private static final Connections NONE = new Connections(false, false);

    private static NetworkCheck net(String... statuses) {
        List<String> s = new ArrayList<>(List.of(statuses));
        return new NetworkCheck(s, NetworkCheck.local(s), s.contains(PRIMARY_REACHED), "10.0.0.9");
    }

    private static MonitorSignal signal(boolean modulePath, Connections c, NetworkCheck n) {
        return Determination.determine(modulePath, c, n).signal();
    }

    private static void assertVerdict(Determination.Verdict v, MonitorSignal signal, String reason, String status,
                                      boolean connectionProblem) {
        assertEquals(signal, v.signal());
        assertEquals(reason, v.reason());
        assertEquals(status, v.primaryConnectionStatus());
        assertEquals(connectionProblem, v.connectionProblem());
    }

    @Test
    void localNetworkIsBadOnAnyFailureGoodOnAReachAndUnknownWithoutChecks() {
        assertEquals(NetworkCheck.Local.GOOD, net(GATEWAY_REACHED, NETTEST_UNAVAILABLE, PRIMARY_REACHED).local());
        assertEquals(NetworkCheck.Local.GOOD, net(NETTEST_REACHED, NetworkCheck.PRIMARY_UNREACHABLE).local());
        assertEquals(NetworkCheck.Local.BAD, net(GATEWAY_REACHED, NETTEST_UNREACHABLE, PRIMARY_REACHED).local());
        assertEquals(NetworkCheck.Local.BAD, net(GATEWAY_UNREACHABLE, NETTEST_REACHED, PRIMARY_REACHED).local());
        assertEquals(NetworkCheck.Local.UNKNOWN, net(NETTEST_UNAVAILABLE, PRIMARY_REACHED).local());
    }

    @Test
    void modulePathWithBothConnectionsUpAndAReachablePrimaryIsModuleDown() {
        assertVerdict(Determination.determine(true, BOTH, net(GATEWAY_REACHED, NETTEST_UNAVAILABLE,
                PRIMARY_REACHED)), MODULE_DOWN, "TS Ping Failure", "monitored module down", false);
        assertEquals(MODULE_DOWN, signal(true, BOTH, net(NETTEST_UNAVAILABLE, PRIMARY_REACHED)), "local unknown");
    }

    @Test
    void modulePathWithOneConnectionOrABadNetworkIsAConnectionProblem() {
        assertEquals(NOTIFIER_DOWN, signal(true, MAIN_ONLY, net(NETTEST_UNAVAILABLE, PRIMARY_REACHED)));
        assertEquals(NOTIFIER_DOWN, signal(true, BOTH, net(NETTEST_UNREACHABLE, PRIMARY_REACHED)));
        assertEquals(NETWORK_DOWN, signal(true, BOTH, net(NETTEST_UNAVAILABLE, NetworkCheck.PRIMARY_UNREACHABLE)));
    }

    @Test
    void pingPathIsNeverModuleDown() {
        assertVerdict(Determination.determine(false, BOTH, net(GATEWAY_REACHED, NETTEST_UNAVAILABLE,
                PRIMARY_REACHED)), NOTIFIER_DOWN, "Loss of Connection to Notifier", "notifier down", true);
    }

    @Test
    void anUnreachablePrimaryIsPrimaryUnreachableOnlyWhenTheOwnNetworkIsShownGood() {
        assertEquals(PRIMARY_UNREACHABLE, signal(false, NONE, net(GATEWAY_REACHED, NETTEST_UNAVAILABLE,
                NetworkCheck.PRIMARY_UNREACHABLE)));
        assertEquals(NETWORK_DOWN, signal(false, NONE, net(GATEWAY_UNREACHABLE, NETTEST_UNAVAILABLE,
                NetworkCheck.PRIMARY_UNREACHABLE)));
        assertEquals(NETWORK_DOWN, signal(false, NONE, net(NETTEST_UNAVAILABLE, NetworkCheck.PRIMARY_UNREACHABLE)),
                "V7: the own network cannot be shown good with the defaults");
        assertEquals("network down", Determination.determine(false, NONE, net(NETTEST_UNAVAILABLE,
                NetworkCheck.PRIMARY_UNREACHABLE)).primaryConnectionStatus());
    }
}
