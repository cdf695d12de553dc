package org.switchover.console.internal.web;

import org.switchover.api.Role;
import org.switchover.api.status.NodeStatus;

/**
 * The load balancers' checks, decided from the one status model: {@code primary} passes only on the node that is
 * PRIMARY, {@code backup} only on a BACKUP whose replication lag is within an optional limit, {@code live} whenever
 * the process answers. Pure functions; the servlet and the Felix Health Check services both ask these.
 */
public final class HealthChecks {
    private HealthChecks() {
    }

    /** Largest {@code lag} limit accepted (ms): one day. */
    static final long MAX_LAG_LIMIT = 86_400_000L;

    /**
     * One answer.
     *
     * @param ok the check passes (HTTP 200; 503 otherwise)
     * @param text one line saying why
     */
    public record Result(boolean ok, String text) {
    }

    /** @return passes only while this node is PRIMARY */
    public static Result primary(NodeStatus s) {
        boolean ok = s.role() == Role.PRIMARY;
        return new Result(ok, (ok ? "primary" : "not primary") + ": role " + s.role() + ", state " + s.state()
                + ", epoch " + s.epoch());
    }

    /**
     * @param s the status
     * @param lagLimitMillis the largest replication lag accepted (ms); -1 for no limit
     * @return passes only on a BACKUP whose replication lag (the largest of the replicated subsystems that report
     *     one) is at most {@code lagLimitMillis}
     */
    public static Result backup(NodeStatus s, long lagLimitMillis) {
        if (s.role() != Role.BACKUP) {
            return new Result(false, "not backup: role " + s.role() + ", state " + s.state());
        }
        long lag = lagMillis(s);
        String lagText = lag < 0 ? "no replication lag reported" : "replication lag " + lag + " ms";
        if (lagLimitMillis >= 0 && lag > lagLimitMillis) {
            return new Result(false, "backup lagging: " + lagText + " exceeds " + lagLimitMillis + " ms");
        }
        return new Result(true, "backup: state " + s.state() + ", " + lagText);
    }

    /** @return always passes: the process runs and answers */
    public static Result live(NodeStatus s) {
        return new Result(true, "live: role " + s.role() + ", state " + s.state());
    }

    /** @return the largest replication lag (ms) any replicated subsystem reports in the status; -1 when none does */
    static long lagMillis(NodeStatus s) {
        return s.maxReplicationLagMillis();
    }

    /**
     * @param text the {@code lag} query value, or null when absent
     * @return the limit in ms; -1 when absent
     * @throws IllegalArgumentException naming the bad value when it is not a whole number of ms from 0 to one day
     */
    static long parseLag(String text) {
        if (text == null) {
            return -1;
        }
        String t = text.trim();
        if (t.isEmpty() || t.length() > 12 || !t.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("lag must be a whole number of milliseconds from 0 to " + MAX_LAG_LIMIT
                    + ", got '" + printable(text) + "'");
        }
        long v = Long.parseLong(t);
        if (v > MAX_LAG_LIMIT) {
            throw new IllegalArgumentException("lag must be a whole number of milliseconds from 0 to " + MAX_LAG_LIMIT
                    + ", got " + v);
        }
        return v;
    }

    /** @return at most 40 characters of {@code text}, control characters replaced, for an error body */
    static String printable(String text) {
        String s = text.length() > 40 ? text.substring(0, 40) + "..." : text;
        return s.replaceAll("[\\p{Cntrl}<>&\"']", "?");
    }
}
