package org.switchover.mirror.internal;

import java.util.ArrayList;
import java.util.List;

import org.switchover.api.SwitchoverState;

/**
 * One snapshot of the mirror's parameters, already parsed. Immutable.
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
 */
record Settings(List<MirrorRoot> continuous, List<MirrorRoot> handler, List<MirrorRoot> initial,
                Extensions exceptions, List<MirrorRoot> upgradeLower, Extensions upgradeLowerExceptions,
                List<MirrorRoot> upgradeHigherExclusions, PathMapper mapper, int healthIntervalS, int healthTimeoutS) {

    static final Settings NONE = new Settings(List.of(), List.of(), List.of(), Extensions.NONE, List.of(),
            Extensions.NONE, List.of(), PathMapper.IDENTITY, 60, 10);

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
