package org.switchover.mirror.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.switchover.api.SwitchoverState;
import org.switchover.api.SwitchoverStatus;
import org.switchover.api.notifier.StreamSubscription;

/**
 * The text of {@code switchover:mirror-status}: the role, the roots and where they are on this node, and for the
 * side that runs its own figures (the backup's stream, pending work, last change, lag, copies and health; the
 * primary's file monitor and stream). Stateless.
 */
final class MirrorStatus {

    private MirrorStatus() {
    }

    /** What the status shows of a running node; the sides are null when they do not run. */
    record View(MirrorSettings settings, boolean primaryCondition, boolean backupCondition, SwitchoverStatus status,
            MirrorPrimary primary, MirrorBackup backup, Follower follower, FileMonitorHealthCheck health) {
    }

    static String text(View v) {
        MirrorSettings s = v.settings();
        StringBuilder b = new StringBuilder();
        String role = v.primaryCondition() ? "primary (serving)" : v.backupCondition() ? "backup (following)" : "idle";
        b.append("Mirror: ").append(role).append('\n');
        appendRoots(b, "Continuous roots", s.continuous(), s);
        List<MirrorRoot> atStart = new ArrayList<>(s.handler());
        atStart.addAll(s.initial());
        appendRoots(b, "Copied at backup start", atStart, s);
        b.append("Exceptions: ").append(s.exceptions().toString().isEmpty() ? "none" : s.exceptions()).append('\n');
        if (v.backupCondition()) {
            appendBackup(b, v);
        } else if (v.primaryCondition()) {
            MirrorPrimary p = v.primary();
            b.append(p == null ? "File monitor: stopped\n" : p.status());
        }
        return b.toString();
    }

    private static void appendBackup(StringBuilder b, View v) {
        SwitchoverStatus st = v.status();
        if (st != null && st.state() != SwitchoverState.BACKUP && st.state() != SwitchoverState.RECONNECTING) {
            MirrorSettings.Plan plan = v.settings().plan(st.state());
            b.append("State ").append(st.state()).append(": following ").append(plan.continuous())
                    .append(", exceptions ").append(plan.exceptions()).append('\n');
        }
        StreamSubscription sub = v.backup() == null ? null : v.backup().subscription();
        b.append("Stream: ").append(sub != null && sub.isLive() ? "live" : "not live");
        if (sub != null) {
            b.append(", position ").append(sub.position().sequence());
        }
        b.append('\n');
        Follower f = v.follower();
        // changes in progress plus the changes this node's disk refused (kept until written)
        b.append("Pending: ").append(f.pending.get() + f.failures.count()).append('\n');
        b.append("Last change applied: ").append(f.lastApplied);
        if (f.lastAppliedMillis > 0) {
            b.append(" at ").append(Instant.ofEpochMilli(f.lastAppliedMillis));
        }
        b.append('\n');
        b.append("Lag: ").append(f.lastLagMillis < 0 ? "n/a" : f.lastLagMillis + " ms").append('\n');
        b.append("Last full comparison: ").append(f.lastCompare).append('\n');
        b.append("Copied: ").append(f.filesFetched.get()).append(" file(s), ").append(f.bytesFetched.get())
                .append(" bytes; deleted: ").append(f.deleted.get()).append('\n');
        java.util.Optional<String> refused = f.failures.summary();
        b.append("Health: ").append(refused.map(r -> "not ok: " + r + "; File Monitor check: ").orElse(""))
                .append(v.health().describe()).append('\n');
    }

    private static void appendRoots(StringBuilder b, String title, List<MirrorRoot> roots, MirrorSettings s) {
        b.append(title).append(':');
        if (roots.isEmpty()) {
            b.append(" none");
        }
        b.append('\n');
        for (MirrorRoot r : roots) {
            Path local = s.mapper().local(r.path());
            b.append("  ").append(r).append(" -> ").append(local == null ? "(not on this node)" : local.toString())
                    .append(local != null && Files.isDirectory(local) ? "" : " (missing)").append('\n');
        }
    }
}
