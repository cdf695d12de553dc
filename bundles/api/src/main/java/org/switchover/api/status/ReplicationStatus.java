package org.switchover.api.status;

import java.util.Objects;

/**
 * One replicated subsystem's figures in the node's status, as its {@link ReplicationFigures} reported them when the
 * status was built. Immutable.
 *
 * @param subsystem the subsystem's key ({@code dssync}, {@code mirror}, {@code tracker}...)
 * @param lagMillis on a backup, the lag (ms) of the last change it applied; -1 when not applicable or none yet
 * @param backlog changes waiting to be shipped, applied or written (messages, files, rows); -1 when not applicable
 * @since 1.4
 */
public record ReplicationStatus(String subsystem, long lagMillis, long backlog) {

    /** Checks the key; negative figures become -1 (not applicable). */
    public ReplicationStatus {
        Objects.requireNonNull(subsystem, "subsystem");
        lagMillis = Math.max(-1L, lagMillis);
        backlog = Math.max(-1L, backlog);
    }

    /** @return the figures of {@code f} now */
    public static ReplicationStatus of(ReplicationFigures f) {
        return new ReplicationStatus(f.subsystem(), f.lagMillis(), f.backlog());
    }
}
