package org.switchover.monitor.primary.internal;

import java.util.List;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.switchover.api.NodeId;
import org.switchover.api.NodeIdentity;
import org.switchover.api.log.Journal;
import org.switchover.api.notifier.Link;
import org.switchover.api.notifier.LinkStatus;
import org.switchover.api.notifier.Notifier;
import org.switchover.api.notifier.PeerHeartbeat;
import org.switchover.api.time.Scheduler;

/**
 * What the parts of one primary monitor share: its scheduler thread and journal, the parameters in force, the local
 * notifier and the node identity. Every part runs on the scheduler's thread only.
 *
 * @param scheduler the monitor's scheduler
 * @param journal its decisions, logged and kept for status and tests
 * @param log for failures that are not decisions
 * @param settings the parameters in force
 * @param notifier the local notifier, null while there is none
 * @param identity this node and its peer
 * @param work identifies the current diagnosis or ping-set sequence
 */
record MonitorContext(Scheduler scheduler, Journal journal, Logger log, Supplier<PrimaryMonitorSettings> settings,
                      Supplier<Notifier> notifier, NodeIdentity identity, WorkToken work) {

    /** @return the two connections as the local notifier reports them now */
    Connections connections() {
        return new Connections(linkUp(Link.MAIN), linkUp(Link.AUX));
    }

    /** @return whether the notifier reports {@code l} active */
    boolean linkUp(Link l) {
        Notifier n = notifier.get();
        if (n == null) {
            return false;
        }
        try {
            LinkStatus st = n.status(l);
            return st != null && st.isActive();
        } catch (RuntimeException e) {
            log.warn("Could not read the status of the {} connection", l, e);
            return false;
        }
    }

    /** @return the primary's UDP heartbeats as the local notifier sees them now; OFF without a notifier */
    PeerHeartbeat heartbeat() {
        Notifier n = notifier.get();
        if (n == null) {
            return PeerHeartbeat.OFF;
        }
        try {
            PeerHeartbeat h = n.heartbeat();
            return h == null ? PeerHeartbeat.OFF : h;
        } catch (RuntimeException e) {
            log.warn("Could not read the primary's heartbeats", e);
            return PeerHeartbeat.OFF;
        }
    }

    /** @return this node's letter */
    NodeId node() {
        return identity.node();
    }

    /** @return the primary's machine: the peer's {@code Server X Address}, else its {@code SwitchoverServer X} */
    String primaryHost() {
        return identity.connectAddress(identity.peer());
    }

    /** @return the NetTest addresses of this node's letter */
    List<String> netTests() {
        return settings.get().netTests(identity.node());
    }

    /** Identifies the current diagnosis or ping-set sequence; continuations of older ones are dropped. */
    static final class WorkToken {
        private long current;

        /** @return a new token; every older one stops being current */
        long renew() {
            return ++current;
        }

        /** @return the token of the sequence under way */
        long current() {
            return current;
        }

        boolean isCurrent(long token) {
            return token == current;
        }
    }
}
