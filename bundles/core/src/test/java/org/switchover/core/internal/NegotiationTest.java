package org.switchover.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.switchover.core.internal.Negotiation.Mode.BACKUP;
import static org.switchover.core.internal.Negotiation.Mode.ERROR;
import static org.switchover.core.internal.Negotiation.Mode.PRIMARY;
import static org.switchover.core.internal.Negotiation.Mode.UPGRADE_HIGHER;
import static org.switchover.core.internal.Negotiation.Mode.UPGRADE_LOWER;
import static org.switchover.core.internal.Negotiation.Mode.WAIT;

import org.junit.jupiter.api.Test;
import org.switchover.api.NodeId;
import org.switchover.api.SwitchoverState;

/** The negotiation matrix (spec section 7.1), as a pure function. */
class NegotiationTest {

    private static Wire.StateInfo peer(NodeId n, SwitchoverState s, long epoch, String version) {
        return new Wire.StateInfo(n, s, epoch, version, false);
    }

    private static Negotiation.Decision decide(NodeId self, String version, long epoch, boolean force,
                                               Wire.StateInfo peer) {
        return Negotiation.decide(self, version, epoch, force, peer, "CONNECTION_LOST: refused", 1, 10);
    }

    @Test
    void peerPrimarySameReleaseGivesBackup() {
        Negotiation.Decision d = decide(NodeId.B, "1.0.0", 0, false, peer(NodeId.A, SwitchoverState.PRIMARY, 3,
                "1.0"));
        assertEquals(BACKUP, d.mode());
        assertTrue(d.primaryConfirmed());
    }

    @Test
    void releasesAreComparedSemantically() {
        assertEquals(UPGRADE_HIGHER, decide(NodeId.B, "1.10", 0, false,
                peer(NodeId.A, SwitchoverState.PRIMARY, 3, "1.9")).mode());
        assertEquals(UPGRADE_LOWER, decide(NodeId.B, "1.9", 0, false,
                peer(NodeId.A, SwitchoverState.PRIMARY, 3, "1.10")).mode());
        assertTrue(Versions.compare("2.0.0-rc1", "2.0.0") < 0);
        assertEquals(0, Versions.compare("1.0", "1.0.0"));
        assertTrue(Versions.compare("10.0", "9.99") > 0);
    }

    @Test
    void unreachableOrUnverifiablePeerGivesFailSafePrimaryAfterTheDiscoveryQueries() {
        // a silent peer may just be starting: A asks 3 times, B 6 times, then the node starts fail-safe primary
        for (int q = 1; q < Negotiation.DISCOVERY_QUERIES_A; q++) {
            assertEquals(WAIT, Negotiation.decide(NodeId.A, "1.0.0", 0, false, null, "refused", q, 10).mode());
        }
        assertEquals(PRIMARY, Negotiation.decide(NodeId.A, "1.0.0", 0, false, null, "refused",
                Negotiation.DISCOVERY_QUERIES_A, 10).mode());
        assertEquals(WAIT, Negotiation.decide(NodeId.B, "1.0.0", 0, false, null, "refused",
                Negotiation.DISCOVERY_QUERIES_A, 10).mode(), "B waits longer than A, so A is primary first");
        Negotiation.Decision d = Negotiation.decide(NodeId.B, "1.0.0", 0, false, null, "refused",
                Negotiation.DISCOVERY_QUERIES_B, 10);
        assertEquals(PRIMARY, d.mode());
        assertTrue(d.reason().contains("fail-safe"));
        Negotiation.Decision forced = decide(NodeId.B, "1.0.0", 0, true, null);
        assertEquals(BACKUP, forced.mode());
        assertFalse(forced.primaryConfirmed(), "a forced backup never switches automatically without a primary");
    }

    @Test
    void bothStartingHigherEpochWinsAndATieGoesToA() {
        assertEquals(PRIMARY, decide(NodeId.B, "1", 5, false, peer(NodeId.A, SwitchoverState.INIT, 3, "1")).mode());
        assertEquals(WAIT, decide(NodeId.A, "1", 3, false, peer(NodeId.B, SwitchoverState.INIT, 5, "1")).mode());
        assertEquals(PRIMARY, decide(NodeId.A, "1", 4, false, peer(NodeId.B, SwitchoverState.INIT, 4, "1")).mode());
        assertEquals(WAIT, decide(NodeId.B, "1", 4, false, peer(NodeId.A, SwitchoverState.INIT, 4, "1")).mode());
        // bounded: after the last attempt the waiting node takes the role fail-safe
        assertEquals(PRIMARY, Negotiation.decide(NodeId.B, "1", 4, false, peer(NodeId.A, SwitchoverState.INIT, 4,
                "1"), "", 10, 10).mode());
        // a peer starting as forced backup never competes
        assertEquals(PRIMARY, decide(NodeId.B, "1", 0, false,
                new Wire.StateInfo(NodeId.A, SwitchoverState.INIT, 9, "1", true)).mode());
    }

    @Test
    void peerBackupOrStaleLeavesTheRoleToThisNode() {
        for (SwitchoverState s : new SwitchoverState[] {SwitchoverState.BACKUP, SwitchoverState.RECONNECTING,
                SwitchoverState.UPGRADE_HIGHER, SwitchoverState.INACTIVE, SwitchoverState.STOPPING,
                SwitchoverState.ERROR}) {
            assertEquals(PRIMARY, decide(NodeId.A, "1", 0, false, peer(NodeId.B, s, 2, "1")).mode(), s.name());
            assertEquals(BACKUP, decide(NodeId.A, "1", 0, true, peer(NodeId.B, s, 2, "1")).mode(), s.name());
        }
    }

    @Test
    void aPeerWithTheSameLetterIsAnError() {
        assertEquals(ERROR, decide(NodeId.A, "1", 0, false, peer(NodeId.A, SwitchoverState.PRIMARY, 2, "1")).mode());
    }
}
