package org.switchover.mirror.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * One snapshot of the mirror's parameters, already parsed. Immutable.
 *
 * @param continuous roots mirrored all the time: Resource Path, I3Tables Path, then CustomMirrorDir
 * @param atStart roots copied once when the backup starts: Handler Path, then InitialMirrorDir
 * @param exceptions extensions never mirrored (MirrorExceptions)
 * @param mapper configured path to this node's directory
 * @param healthIntervalS File Monitor health check interval (s), 0 = off
 * @param healthTimeoutS File Monitor health check timeout (s)
 */
record Settings(List<MirrorRoot> continuous, List<MirrorRoot> atStart, Extensions exceptions, PathMapper mapper,
                int healthIntervalS, int healthTimeoutS) {

    static final Settings NONE = new Settings(List.of(), List.of(), Extensions.NONE, PathMapper.IDENTITY, 60, 10);

    /** @return every root this node may serve, continuous ones first. */
    List<MirrorRoot> all() {
        List<MirrorRoot> out = new ArrayList<>(continuous);
        out.addAll(atStart);
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

    /** @return whether the root is mirrored continuously. */
    boolean isContinuous(String path) {
        return continuous.stream().anyMatch(r -> r.path().equals(path));
    }
}
