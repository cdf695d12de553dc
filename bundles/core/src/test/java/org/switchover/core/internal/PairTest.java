package org.switchover.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.switchover.api.SwitchoverState.BACKUP;
import static org.switchover.api.SwitchoverState.ERROR;
import static org.switchover.api.SwitchoverState.INACTIVE;
import static org.switchover.api.SwitchoverState.PRIMARY;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.switchover.api.SwitchResult;
import org.switchover.api.SwitchoverState;
import org.switchover.api.monitor.MonitorReport;
import org.switchover.api.monitor.MonitorSignal;
import org.switchover.api.notifier.EventIds;

/**
 * Two cores talking to each other on one virtual clock: negotiation at start, controlled and uncontrolled manual
 * switches, stale on a higher epoch, split brain, a stopped (SIGSTOP) old primary.
 */
class PairTest {

    @TempDir
    Path dir;

    private Pair pair() {
        return new Pair(dir.resolve("A"), dir.resolve("B"));
    }

    /** A primary, B backup with the links up. */
    private Pair running() {
        return pair().running();
    }

    private static void assertStates(Pair p, SwitchoverState a, SwitchoverState b) {
        assertEquals(a, p.a.state());
        assertEquals(b, p.b.state());
    }

    /** The partition heals: {@code millis} later the nodes are in these states, and never both primary for 30 s. */
    private static void healThenExpect(Pair p, long millis, SwitchoverState a, SwitchoverState b) {
        p.partitioned = false;
        p.advance(millis);
        assertStates(p, a, b);
        neverBothPrimaryAfter(p, 30_000);
    }

    private static void neverBothPrimaryAfter(Pair p, long millis) {
        p.advance(millis);
        neverBothPrimary(p);
    }

    private static void neverBothPrimary(Pair p) {
        assertFalse(p.a.state() == PRIMARY && p.b.state() == PRIMARY, "both nodes are PRIMARY");
    }

    @Test
    void bothStartingAtOnceWithEqualEpochsMakeAPrimary() {
        Pair p = pair();
        p.startBoth(p.b, p.a);
        p.advance(5_000);
        assertStates(p, PRIMARY, BACKUP);
    }

    @Test
    void bothStartingTheHigherPersistedEpochWins() throws Exception {
        Pair p = pair();
        new EpochStore(dir.resolve("A/core")).store(2);
        new EpochStore(dir.resolve("B/core")).store(4);
        p.startBoth(p.a, p.b);
        p.advance(5_000);
        assertStates(p, BACKUP, PRIMARY);
        assertEquals(5, p.b.epoch());
    }

    @Test
    void controlledManualSwitch() {
        Pair p = running();
        long t0 = p.clock.nowMillis();
        CompletableFuture<SwitchResult> f = p.requestSwitch(p.b, false, "operator");
        SwitchResult r = f.getNow(null);
        assertNotNull(r);
        assertTrue(r.switched());
        assertEquals(SwitchResult.Mode.CONTROLLED, r.mode());
        assertStates(p, INACTIVE, PRIMARY);
        assertEquals(p.a.epoch() + 1, p.b.epoch());
        assertEquals(t0, p.b.find("Switch Initiated").atMillis(), "no waiting when the primary answers at once");
        assertTrue(p.b.find("Switch reason: Manual Switchover").text().contains("controlled: primary A stopped"));
        assertNotNull(p.a.find("controlled hand-off"));
        // the old primary announced the end of its role before the new one took over
        assertTrue(p.a.find("State PRIMARY -> INACTIVE").atMillis() <= p.b.find("State BACKUP -> PRIMARY").atMillis());
        assertEquals(1, p.b.notifier.sent(EventIds.PREPARE_SWITCH).size());
        assertEquals("MAIN", p.b.notifier.sent(EventIds.PREPARE_SWITCH).get(0).channel());
        neverBothPrimaryAfter(p, 10_000);
        assertTrue(p.b.notifier.sent(EventIds.DISCONTINUE).size() <= 1, "DISCONTINUE acknowledged at once");
    }

    @Test
    void theOldPrimaryAcknowledgesAHandOffOnlyOnceItsParticipantsFinished() {
        Pair p = running();
        CompletableFuture<String> persisted = new CompletableFuture<>();
        p.a.machine.handOverParticipants(() -> List.of(budget -> persisted));
        long t0 = p.clock.nowMillis();
        CompletableFuture<SwitchResult> f = p.requestSwitch(p.b, false, "operator");
        assertEquals(INACTIVE, p.a.state(), "A stopped taking work at once");
        assertEquals(BACKUP, p.b.state(), "B waits for the acknowledgement");
        p.advance(800);
        assertEquals(BACKUP, p.b.state());
        persisted.complete("tracker: 42 rows written");
        p.run();
        assertEquals(SwitchResult.Mode.CONTROLLED, f.getNow(null).mode());
        assertStates(p, INACTIVE, PRIMARY);
        assertTrue(p.b.find("State BACKUP -> PRIMARY").atMillis() >= t0 + 800);
        assertTrue(p.a.find("acknowledged after").text().contains("tracker: 42 rows written"));
    }

    @Test
    void aParticipantThatHangsHoldsTheHandOffUpOnlyForItsBudget() {
        Pair p = running();
        p.a.machine.handOverParticipants(() -> List.of(budget -> new CompletableFuture<>()));
        long budget = p.a.machine.handOverBudgetMillis();
        assertTrue(budget > 0 && budget < p.a.machine.settings().prepareTimeoutMillis());
        CompletableFuture<SwitchResult> f = p.requestSwitch(p.b, false, "operator");
        p.advance(budget - 1);
        assertEquals(BACKUP, p.b.state());
        p.advance(2);
        p.run();
        assertEquals(SwitchResult.Mode.CONTROLLED, f.getNow(null).mode(), "still a controlled switch");
        assertStates(p, INACTIVE, PRIMARY);
        assertTrue(p.a.find("acknowledged after").text().contains("did not finish within " + budget + " ms"));
    }

    @Test
    void uncontrolledManualSwitchWhenThePrimaryIsUnreachableThenTheOldPrimaryGoesStale() {
        Pair p = running();
        p.partitioned = true;
        p.linksDown();
        p.run();
        CompletableFuture<SwitchResult> f = p.requestSwitch(p.b, false, "operator");
        assertEquals(SwitchResult.Mode.UNCONTROLLED, f.getNow(null).mode());
        assertEquals(PRIMARY, p.b.state());
        assertTrue(p.b.find("Switch reason: Manual Switchover").text().contains("uncontrolled"));
        assertEquals(PRIMARY, p.a.state(), "A cannot be told while the partition lasts");
        p.advance(20_000);
        healThenExpect(p, 1_000, INACTIVE, PRIMARY); // the WAN link is back
    }

    @Test
    void immediateManualSwitchSkipsTheHandOff() {
        Pair p = running();
        CompletableFuture<SwitchResult> f = p.requestSwitch(p.b, true, "operator");
        assertEquals(SwitchResult.Mode.UNCONTROLLED, f.getNow(null).mode());
        assertTrue(p.b.notifier.sent(EventIds.PREPARE_SWITCH).isEmpty());
        assertEquals(PRIMARY, p.b.state());
        assertEquals(INACTIVE, p.a.state(), "the DISCONTINUE that follows the switch reaches A at once");
    }

    @Test
    void aSwitchRequestedOnThePrimaryIsForwardedToTheBackup() {
        Pair p = running();
        CompletableFuture<SwitchResult> f = p.requestSwitch(p.a, false, "operator on A");
        SwitchResult r = f.getNow(null);
        assertNotNull(r, "the forwarded request completes");
        assertTrue(r.switched(), r.toString());
        assertEquals(SwitchResult.Mode.CONTROLLED, r.mode());
        assertStates(p, INACTIVE, PRIMARY);
        assertEquals(1, p.a.notifier.sent(EventIds.REQUEST_SWITCH).size());
    }

    @Test
    void aForwardedSwitchIsCheckedAgainstTheBackupsWarnings() {
        Pair p = running();
        p.b.machine.warnings(() -> List.of("file replication from the primary has stopped (test)"));
        CompletableFuture<SwitchResult> refused = p.requestSwitch(p.a, false, "operator on A");
        SwitchResult r = refused.getNow(null);
        assertNotNull(r, "the forwarded request completes");
        assertFalse(r.switched(), r.toString());
        assertTrue(r.detail().contains("file replication from the primary has stopped")
                && r.detail().contains(StateMachine.WARNING_QUESTION), r.detail());
        assertEquals(PRIMARY, p.a.state());

        CompletableFuture<SwitchResult> accepted = p.requestSwitch(p.a, false, "operator on A", true);
        assertTrue(accepted.getNow(null).switched(), String.valueOf(accepted.getNow(null)));
        assertEquals(PRIMARY, p.b.state());
        assertTrue(p.b.find("Switch reason: Manual Switchover").text()
                .contains("despite the warnings: file replication from the primary has stopped"),
                p.b.find("Switch reason: Manual Switchover").text());
    }

    @Test
    void aStoppedOldPrimaryGoesStaleRightAfterItContinues() {
        Pair p = running();
        long epochA = p.a.epoch();
        p.freezeA(); // SIGSTOP: A answers nothing, its timers do not run
        // B's primary monitor gives up on A's notifier
        p.b.machine.report(new MonitorReport(MonitorSignal.NOTIFIER_DOWN, "Loss of Connection to Notifier",
                "no answer to 3 pings; both connections up; PrimaryReached"));
        p.advance(30_000);
        assertEquals(PRIMARY, p.b.state());
        assertEquals(epochA + 1, p.b.epoch());
        p.advance(30_000);
        int resent = p.b.notifier.sent(EventIds.DISCONTINUE).size();
        assertTrue(resent >= 30, "DISCONTINUE re-sent every second while A is stopped: " + resent);
        p.thawA(); // SIGCONT
        p.run();
        assertEquals(INACTIVE, p.a.state(), "stale as soon as it runs again");
        assertEquals(PRIMARY, p.b.state());
        p.advance(5_000);
        int after = p.b.notifier.sent(EventIds.DISCONTINUE).size();
        p.advance(5_000);
        assertEquals(after, p.b.notifier.sent(EventIds.DISCONTINUE).size(), "re-sending stopped once acknowledged");
    }

    @Test
    void aPrimaryThatContinuesAfterASuspensionAsksItsPeerBeforeItReportsItsState() {
        Pair p = running();
        p.freezeA(); // SIGSTOP
        p.partitioned = true; // and B's DISCONTINUE does not reach A (its delivery is not guaranteed)
        p.b.machine.report(new MonitorReport(MonitorSignal.NOTIFIER_DOWN, "Loss of Connection to Notifier",
                "no answer to 2 pings; both connections up; PrimaryReached"));
        p.advance(31_000); // the reconnect timeout (30 s)
        assertEquals(PRIMARY, p.b.state());
        p.partitioned = false;
        p.thawA(); // SIGCONT
        // A status request that arrives the moment A continues: the last published picture is stale ...
        assertEquals(PRIMARY, p.a.machine.snapshot().state());
        CompletableFuture<Snapshot> status = p.a.machine.verifiedSnapshot();
        p.run();
        // ... the one the status displays show comes after A asked its peer
        assertEquals(INACTIVE, status.getNow(null).state());
        assertEquals(INACTIVE, p.a.state());
        assertTrue(p.a.machine.journal().entries().stream().anyMatch(e -> e.text().startsWith("This primary ran")),
                "the suspension is logged");
    }

    @Test
    void aPrimaryThatContinuesAfterASuspensionStaysPrimaryWhenThePeerIsGone() {
        Pair p = running();
        p.freezeA();
        p.partitioned = true;
        p.advance(5_000);
        p.thawA();
        CompletableFuture<Snapshot> status = p.a.machine.verifiedSnapshot();
        p.run();
        assertEquals(PRIMARY, status.getNow(null).state(), "no answer: the primary keeps its role");
        p.advance(5_000);
        assertEquals(PRIMARY, p.a.state());
    }

    @Test
    void aPrimaryOnTimeDoesNotAskExtra() {
        Pair p = running();
        int before = p.a.notifier.sent(EventIds.STATE_QUERY).size();
        p.advance(9_500);
        // the periodic peer query (every 3 s) only
        assertEquals(3, p.a.notifier.sent(EventIds.STATE_QUERY).size() - before);
        CompletableFuture<Snapshot> status = p.a.machine.verifiedSnapshot();
        p.run();
        assertEquals(PRIMARY, status.getNow(null).state());
        assertFalse(p.a.machine.journal().entries().stream().anyMatch(e -> e.text().startsWith("This primary ran")));
    }

    @Test
    void splitBrainWithEqualEpochsBYields() {
        Pair p = pair();
        p.partitioned = true;
        p.startBoth(p.a, p.b);
        p.advance(6_000); // both ask their silent peer a few times before the fail-safe start
        assertStates(p, PRIMARY, PRIMARY);
        assertEquals(p.a.epoch(), p.b.epoch());
        healThenExpect(p, 3_000, PRIMARY, INACTIVE);
    }

    @Test
    void aStaleNodeRestartsAsBackup() {
        Pair p = running();
        p.requestSwitch(p.b, false, "operator");
        assertEquals(INACTIVE, p.a.state());
        p.a.machine.restart("operator");
        p.run();
        assertStates(p, BACKUP, PRIMARY);
        // and the pair can switch back
        p.linksUp();
        CompletableFuture<SwitchResult> back = p.requestSwitch(p.a, false, "operator");
        assertEquals(SwitchResult.Mode.CONTROLLED, back.getNow(null).mode());
        assertStates(p, PRIMARY, INACTIVE);
        assertTrue(p.a.epoch() > p.b.epoch() - 1);
    }

    @Test
    void aSwitchWhoseEpochCannotBeStoredDoesNotMakeAPrimary() throws Exception {
        Pair p = running();
        Path core = dir.resolve("B/core");
        Files.createDirectories(core.resolve("epoch.tmp")); // blocks the temporary file
        CompletableFuture<SwitchResult> f = p.requestSwitch(p.b, true, "operator");
        assertFalse(f.getNow(null).switched());
        assertStates(p, PRIMARY, ERROR);
        neverBothPrimary(p);
    }

    @Test
    void aStaleNodeRestartingDuringAPartitionIsResolvedWhenThePartitionHeals() {
        Pair p = running();
        p.requestSwitch(p.b, false, "operator");
        // A restarts while B cannot be reached: it takes the role fail-safe...
        p.partitioned = true;
        p.a.machine.restart("operator");
        p.advance(3_000); // A asks its silent peer a few times before the fail-safe start
        assertEquals(PRIMARY, p.a.state());
        // ...and as soon as the two can talk again exactly one of them stays primary.
        p.partitioned = false;
        neverBothPrimaryAfter(p, 3_000);
        assertEquals(1, (p.a.state() == PRIMARY ? 1 : 0) + (p.b.state() == PRIMARY ? 1 : 0));
    }
}
