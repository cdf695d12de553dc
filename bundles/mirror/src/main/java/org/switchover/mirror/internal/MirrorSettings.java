package org.switchover.mirror.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.switchover.api.ServerParameters;
import org.switchover.api.SwitchoverState;
import org.switchover.api.config.ConfigReader;

/**
 * One snapshot of the mirror's parameters (PID {@value MirrorComponent#PID}, {@link MirrorComponent.Config}), already
 * parsed: the one place they are parsed. Immutable.
 *
 * @param continuous roots mirrored all the time: Resource Path, I3Tables Path, then CustomMirrorDir
 * @param handler Handler Path (copied once when the backup starts)
 * @param initial InitialMirrorDir (copied once when the backup starts)
 * @param exceptions extensions never mirrored (MirrorExceptions)
 * @param upgradeLower the only roots mirrored in Upgrade Lower (Custom Upgrade File Synchronization Directories)
 * @param upgradeLowerExceptions extensions left out in Upgrade Lower (Custom Upgrade File Synchronization
 *     Exceptions; MirrorExceptions when not set)
 * @param upgradeHigherExclusions directories not mirrored in Upgrade Higher (Switchover Upgrade Higher File
 *     Exclusions): a continuous root equal to or below one of them is left out
 * @param mapper configured path to this node's directory
 * @param healthIntervalS File Monitor health check interval (s), 0 = off
 * @param healthTimeoutS File Monitor health check timeout (s)
 * @param writeRetryS Mirror Write Retry Interval (s): how often the backup tries again what its disk refused
 */
record MirrorSettings(List<MirrorRoot> continuous, List<MirrorRoot> handler, List<MirrorRoot> initial,
                Extensions exceptions, List<MirrorRoot> upgradeLower, Extensions upgradeLowerExceptions,
                List<MirrorRoot> upgradeHigherExclusions, PathMapper mapper, int healthIntervalS, int healthTimeoutS,
                int writeRetryS) {

    static final MirrorSettings NONE = new MirrorSettings(List.of(), List.of(), List.of(), Extensions.NONE, List.of(),
            Extensions.NONE, List.of(), PathMapper.IDENTITY, 60, 10, 10);

    /**
     * Reads the parameters, keeping {@code previous} numbers where the new ones are malformed or out of range.
     *
     * @param r the configuration of {@link MirrorComponent.Config}
     * @param warn receives a line for each value not used as written (too long a list, a malformed mapping)
     */
    static MirrorSettings from(ConfigReader r, MirrorSettings previous, Consumer<String> warn) {
        List<MirrorRoot> continuous = new ArrayList<>();
        continuous.addAll(MirrorRoot.parseSingle(r.text("resource_path")));
        continuous.addAll(MirrorRoot.parseSingle(r.text("i3tables_path")));
        for (MirrorRoot root : MirrorRoot.parseList(ServerParameters.CUSTOMMIRRORDIR, r.text("custom_mirror_dir"),
                warn)) {
            if (continuous.stream().noneMatch(c -> c.path().equals(root.path()))) {
                continuous.add(root);
            }
        }
        List<MirrorRoot> handler = new ArrayList<>(MirrorRoot.parseSingle(r.text("handler_path")));
        List<MirrorRoot> initial = new ArrayList<>(MirrorRoot.parseList(ServerParameters.INITIALMIRRORDIR,
                r.text("initial_mirror_dir"), warn));
        handler.removeIf(a -> continuous.stream().anyMatch(c -> c.path().equals(a.path())));
        initial.removeIf(a -> continuous.stream().anyMatch(c -> c.path().equals(a.path()))
                || handler.stream().anyMatch(h -> h.path().equals(a.path())));
        Extensions exceptions = Extensions.parse(r.text("mirror_exceptions"));
        String lowerExceptions = r.text("custom_upgrade_file_synchronization_exceptions");
        return new MirrorSettings(List.copyOf(continuous), List.copyOf(handler), List.copyOf(initial), exceptions,
                MirrorRoot.parseList(ServerParameters.CUSTOM_UPGRADE_FILE_SYNCHRONIZATION_DIRECTORIES,
                        r.text("custom_upgrade_file_synchronization_directories"), warn),
                lowerExceptions.isEmpty() ? exceptions : Extensions.parse(lowerExceptions),
                MirrorRoot.parseList(ServerParameters.SWITCHOVER_UPGRADE_HIGHER_FILE_EXCLUSIONS,
                        r.text("switchover_upgrade_higher_file_exclusions"), warn),
                PathMapper.of(nodeLocal(r, "mirror_root_map"), nodeLocal(r, "mirror_base_dir"), warn),
                r.integer("switchover_file_monitor_health_check_interval", previous.healthIntervalS()),
                r.integer("switchover_file_monitor_health_check_timeout", previous.healthTimeoutS()),
                r.integer("mirror_write_retry_interval", previous.writeRetryS()));
    }

    /** A node-local path value, with {@code ${switchover.home}} and the like expanded (the demo pair uses it). */
    private static String nodeLocal(ConfigReader r, String method) {
        return ConfigReader.expand(r.text(method), ConfigReader::systemValue);
    }

    /**
     * What the backup mirrors in one state (spec section 7.2): everything as backup; in Upgrade Higher everything
     * but the excluded directories and the handlers; in Upgrade Lower only the opted-in directories.
     *
     * @param continuous roots followed continuously
     * @param atStart roots copied once at start
     * @param exceptions extensions left out
     */
    record Plan(List<MirrorRoot> continuous, List<MirrorRoot> atStart, Extensions exceptions) {

        /** @return the followed root with this path, or null. */
        MirrorRoot find(String path) {
            return continuous.stream().filter(r -> r.path().equals(path)).findFirst().orElse(null);
        }
    }

    Plan plan(SwitchoverState state) {
        if (state == SwitchoverState.UPGRADE_LOWER) {
            return new Plan(upgradeLower, List.of(), upgradeLowerExceptions);
        }
        if (state == SwitchoverState.UPGRADE_HIGHER) {
            List<MirrorRoot> kept = new ArrayList<>();
            for (MirrorRoot r : continuous) {
                if (upgradeHigherExclusions.stream().noneMatch(x -> isAtOrBelow(r.path(), x.path()))) {
                    kept.add(r);
                }
            }
            List<MirrorRoot> initialKept = initial.stream()
                    .filter(r -> upgradeHigherExclusions.stream().noneMatch(x -> isAtOrBelow(r.path(), x.path())))
                    .toList();
            return new Plan(List.copyOf(kept), initialKept, exceptions);
        }
        List<MirrorRoot> atStart = new ArrayList<>(handler);
        atStart.addAll(initial);
        return new Plan(continuous, List.copyOf(atStart), exceptions);
    }

    private static boolean isAtOrBelow(String path, String dir) {
        String p = path.replace('\\', '/');
        String d = dir.replace('\\', '/');
        return p.equalsIgnoreCase(d) || p.toLowerCase().startsWith(d.toLowerCase() + "/");
    }

    /** @return every root this node may serve as primary. */
    List<MirrorRoot> all() {
        List<MirrorRoot> out = new ArrayList<>(continuous);
        out.addAll(handler);
        out.addAll(initial);
        out.addAll(upgradeLower);
        return out;
    }

    /** @return the configured root with this path (continuous first), or null. */
    MirrorRoot find(String path) {
        for (MirrorRoot r : all()) {
            if (r.path().equals(path)) {
                return r;
            }
        }
        return null;
    }
}
