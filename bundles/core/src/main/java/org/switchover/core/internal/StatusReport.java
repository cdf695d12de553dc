package org.switchover.core.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;

import org.switchover.api.Role;
import org.switchover.api.log.Journal;
import org.switchover.api.notifier.Link;
import org.switchover.api.notifier.LinkStatus;
import org.switchover.api.status.NodeStatus;
import org.switchover.api.status.PeerStatus;
import org.switchover.api.status.RecoveryChannelStatus;
import org.switchover.api.status.RecoveryStatusContributor;
import org.switchover.api.status.ReplicationFigures;
import org.switchover.api.status.ReplicationStatus;
import org.switchover.api.status.StatusSection;
import org.switchover.api.status.StatusSectionContributor;

/**
 * Fills the API's one status model from the machine's {@link Snapshot}: the only place where the core's internal
 * picture becomes what the views (the console's shell, control endpoint, page) show.
 */
final class StatusReport {
    /** How many of the last audit lines the status carries. */
    static final int RECENT_AUDIT = 5;

    private StatusReport() {
    }

    /**
     * @param s the machine's picture
     * @param nowMillis the machine's scheduler time now: ages are worked out against it, not against the time of
     *     the picture (a quiet machine publishes no picture for minutes)
     * @param links live link statuses from the notifier (null answers or failures fall back to the picture's)
     * @param monitorLine the monitors' own status lines, empty when none is registered
     * @param warnings the switch warnings in force
     * @param journal the machine's journal, oldest first (its last audit lines are kept)
     * @param recovery the Interaction Recovery Service's channels, empty when it does not run
     */
    static NodeStatus of(Snapshot s, long nowMillis, Function<Link, LinkStatus> links, String monitorLine, List<String> warnings,
                         List<Journal.Entry> journal, List<RecoveryChannelStatus> recovery) {
        return of(s, nowMillis, links, monitorLine, warnings, journal, recovery, List.of());
    }

    /** The status with other bundles' sections ({@link NodeStatus#sections()}). */
    static NodeStatus of(Snapshot s, long nowMillis, Function<Link, LinkStatus> links, String monitorLine,
                         List<String> warnings, List<Journal.Entry> journal, List<RecoveryChannelStatus> recovery,
                         List<StatusSection> sections) {
        return of(s, nowMillis, links, monitorLine, warnings, journal, recovery, sections, List.of());
    }

    /** The status with the replicated subsystems' figures ({@link NodeStatus#replication()}). */
    static NodeStatus of(Snapshot s, long nowMillis, Function<Link, LinkStatus> links, String monitorLine,
                         List<String> warnings, List<Journal.Entry> journal, List<RecoveryChannelStatus> recovery,
                         List<StatusSection> sections, List<ReplicationStatus> replication) {
        long now = Math.max(nowMillis, s.nowMillis());
        PeerStatus peer = peer(s, nowMillis);
        List<String> audit = journal.stream().filter(Journal.Entry::audit).map(Journal.Entry::text).toList();
        return new NodeStatus(s.node(), s.nodeError(), s.state(), s.epoch(), s.version(), peer,
                live(links, Link.MAIN, s.main()), live(links, Link.AUX, s.aux()), s.manualSwitchOnly(),
                s.forceBackup(), s.primaryConfirmed(), s.monitorsRunning(), monitorLine,
                s.reconnectDueMillis() < 0 ? -1L : Math.max(0L, s.reconnectDueMillis() - now),
                s.pendingSwitch(), s.lastDecision(), s.lastSwitchReason(), warnings,
                audit.subList(Math.max(0, audit.size() - RECENT_AUDIT), audit.size()), recovery, sections,
                replication);
    }

    /**
     * The peer as the status shows it: its last answer with that answer's age, and the verdict of the last query - a
     * failed query makes the peer UNREACHABLE at once, whatever it said before.
     */
    static PeerStatus peer(Snapshot s, long nowMillis) {
        long now = Math.max(nowMillis, s.nowMillis());
        Wire.StateInfo p = s.peer();
        boolean asked = !(s.peerSeenMillis() == 0 && p == null && s.peerFailure().isEmpty());
        return new PeerStatus(s.node() == null ? null : s.node().peer(), s.peerAddress(),
                p == null ? null : p.state(), p == null ? 0L : p.epoch(), p == null ? "" : p.version(),
                asked ? now - s.peerSeenMillis() : -1L, s.peerFailure(),
                PeerStatus.verdict(p != null, asked, s.peerFailure()), p == null ? -1L : now - s.peerAnsweredMillis());
    }

    /**
     * The monitors' line from the same truth as the rest of the status: the primary monitor's own line only while
     * the core wants it running and it says it runs - a monitor the core has stopped (manual switch only, another
     * role, a halt) would otherwise show what it saw when it stopped; then the line says it is not running and why.
     * The module monitor's line says itself whether it runs.
     *
     * @param s the machine's picture
     * @param primary the primary monitor's line, null when no primary monitor is registered
     * @param primaryRunning the registered primary monitor says it runs
     * @param module the module monitor's line, null when none is registered
     * @return the lines joined by "; "; empty when no monitor is registered and none is wanted
     */
    static String monitorLine(Snapshot s, String primary, boolean primaryRunning, String module) {
        String p;
        if (s.monitorsRunning() && primary != null && primaryRunning) {
            p = primary;
        } else if (s.monitorsRunning()) {
            p = "primary monitor wanted, not running yet";
        } else if (primary != null || module != null) {
            p = "primary monitor not running (" + whyNoMonitor(s) + ")";
        } else {
            p = "";
        }
        String m = module == null ? "" : module;
        return p.isEmpty() || m.isEmpty() ? p + m : p + "; " + m;
    }

    private static String whyNoMonitor(Snapshot s) {
        if (s.state().role() != Role.BACKUP) {
            return "not a backup";
        }
        if (s.state().isUpgrade()) {
            return "upgrade state: manual switch only";
        }
        if (s.manualSwitchOnly()) {
            return "manual switch only";
        }
        return s.primaryConfirmed() ? "stopped by the state machine" : "no primary seen yet";
    }

    /**
     * @param contributors the registered recovery status contributors (one runs: the recovery bundle's)
     * @param warn receives a message and the failure of a contributor that failed (it is left out, the status is
     *     still built)
     * @return every contributor's channels
     */
    static List<RecoveryChannelStatus> recovery(List<RecoveryStatusContributor> contributors,
                                                BiConsumer<String, String> warn) {
        List<RecoveryChannelStatus> out = new ArrayList<>();
        for (RecoveryStatusContributor c : contributors) {
            try {
                List<RecoveryChannelStatus> channels = c.recoveryStatus();
                if (channels != null) {
                    out.addAll(channels);
                }
            } catch (RuntimeException e) {
                warn.accept("A recovery status contributor failed ({}); its channels are left out of the status",
                        e.toString());
            }
        }
        return out;
    }

    /**
     * @param contributors the registered section contributors
     * @param warn receives a message and the failure of a contributor that failed (its section is left out)
     * @return every contributor's section, in the contributors' order
     */
    static List<StatusSection> sections(List<StatusSectionContributor> contributors, BiConsumer<String, String> warn) {
        List<StatusSection> out = new ArrayList<>();
        for (StatusSectionContributor c : contributors) {
            try {
                StatusSection section = c.statusSection();
                if (section != null) {
                    out.add(section);
                }
            } catch (RuntimeException e) {
                warn.accept("A status section contributor failed ({}); its section is left out of the status",
                        e.toString());
            }
        }
        return out;
    }

    /**
     * @return the figures of every registered {@link ReplicationFigures}; one that fails is logged and left out (a
     *     broken subsystem must not block the status)
     */
    static List<ReplicationStatus> replication(List<ReplicationFigures> figures, BiConsumer<String, String> warn) {
        List<ReplicationStatus> out = new ArrayList<>();
        for (ReplicationFigures f : figures) {
            try {
                out.add(ReplicationStatus.of(f));
            } catch (RuntimeException e) {
                warn.accept("Replication figures failed ({}); they are left out of the status", e.toString());
            }
        }
        return out;
    }

    private static LinkStatus live(Function<Link, LinkStatus> links, Link l, LinkStatus fallback) {
        try {
            LinkStatus ls = links.apply(l);
            return ls != null ? ls : fallback;
        } catch (RuntimeException e) {
            return fallback;
        }
    }
}
