package org.switchover.api.status;

import java.util.Objects;
import java.util.function.LongSupplier;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * The figures of one replicated subsystem that the node's metrics show: its replication lag and its backlog. A
 * subsystem (configuration-tree sync, directory mirror, tracker...) registers one as a service while it runs; the
 * metrics bundle reads every registered one at each scrape, so a subsystem that lands later only registers its own.
 *
 * <p>Called from any thread while metrics are collected: answer at once from figures already known, never block or
 * ask the network.
 *
 * @since 1.3
 */
@ConsumerType
public interface ReplicationFigures {

    /**
     * @return the subsystem's key, the value of the {@code subsystem} label: lower-case letters, digits, {@code -}
     *     or {@code _} (e.g. {@code dssync}, {@code mirror}, {@code tracker})
     */
    String subsystem();

    /** @return on a backup, the lag (ms) of the last change it applied; -1 when not applicable or none yet */
    long lagMillis();

    /** @return changes waiting to be shipped, applied or written (messages, files, rows); -1 when not applicable */
    long backlog();

    /**
     * @param subsystem the key (see {@link #subsystem()})
     * @param lagMillis answers {@link #lagMillis()}; must answer at once
     * @param backlog answers {@link #backlog()}; must answer at once
     * @return figures reading the two suppliers at each call
     * @since 1.4
     */
    static ReplicationFigures of(String subsystem, LongSupplier lagMillis, LongSupplier backlog) {
        Objects.requireNonNull(subsystem, "subsystem");
        Objects.requireNonNull(lagMillis, "lagMillis");
        Objects.requireNonNull(backlog, "backlog");
        return new ReplicationFigures() {
            @Override
            public String subsystem() {
                return subsystem;
            }

            @Override
            public long lagMillis() {
                return lagMillis.getAsLong();
            }

            @Override
            public long backlog() {
                return backlog.getAsLong();
            }

            @Override
            public String toString() {
                return "ReplicationFigures[" + subsystem + "]";
            }
        };
    }
}
