package org.switchover.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.switchover.api.SwitchResult;
import org.switchover.api.SwitchoverState;

/**
 * Switch warnings (the backup's "file replication from the primary has stopped", spec sections 8 and 13.1) in the
 * machine: a manual switch refused until they are accepted, and written into the audit line of a switch that happens
 * despite them. The views (status, control endpoint, {@code bin/switchoverctl}, the shell command): the console's
 * SwitchWarningsTest.
 */
class SwitchWarningsTest {

    static final String WARNING = "This backup's copy of the primary's files may be stale: file replication from"
            + " the primary has stopped (File Monitor health check failed: no answer within 1 s)";

    @TempDir
    Path nodeDir;

    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private Harness h;

    private void startBackup() {
        h = new Harness(nodeDir.resolve("data"), "B");
        h.startAsBackup();
        h.machine.warnings(() -> List.copyOf(warnings));
    }

    private String auditReason() {
        return h.find("Switch reason: Manual Switchover").text();
    }

    // ---- the machine (the SwitchoverControl service; forwarded requests: PairTest) ----

    @Test
    void theMachineRefusesAManualSwitchWhileAWarningIsNotAccepted() {
        startBackup();
        warnings.add(WARNING);
        CompletableFuture<SwitchResult> f = h.machine.requestSwitch(true, "api");
        h.run();
        SwitchResult r = f.getNow(null);
        assertNotNull(r);
        assertFalse(r.switched(), r.toString());
        assertEquals(SwitchResult.Mode.NONE, r.mode());
        assertTrue(r.detail().contains(WARNING) && r.detail().contains(StateMachine.WARNING_QUESTION), r.detail());
        assertEquals(SwitchoverState.BACKUP, h.state());
        assertEquals(0, h.epoch(), "nothing changed");

        CompletableFuture<SwitchResult> accepted = h.machine.requestSwitch(true, "api", true);
        h.run();
        assertTrue(accepted.getNow(null).switched());
        assertEquals(SwitchoverState.PRIMARY, h.state());
        assertTrue(auditReason().contains("requested by api; switched despite the warnings: " + WARNING),
                auditReason());
    }

    @Test
    void withoutWarningsNothingChangesAndTheAuditLineHasNoWarning() {
        startBackup();
        CompletableFuture<SwitchResult> f = h.machine.requestSwitch(true, "api");
        h.run();
        assertTrue(f.getNow(null).switched());
        assertFalse(auditReason().contains("despite"), auditReason());
    }

    @Test
    void aFailingWarningSourceDoesNotBlockTheSwitch() {
        startBackup();
        h.machine.warnings(() -> {
            throw new IllegalStateException("broken source");
        });
        CompletableFuture<SwitchResult> f = h.machine.requestSwitch(true, "api");
        h.run();
        assertTrue(f.getNow(null).switched(), String.valueOf(f.getNow(null)));
    }
}
