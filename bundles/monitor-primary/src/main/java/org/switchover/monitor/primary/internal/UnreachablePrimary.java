package org.switchover.monitor.primary.internal;

import java.util.function.BooleanSupplier;

import org.switchover.api.ServerParameters;
import org.switchover.api.monitor.MonitorSignal;
import org.switchover.api.time.Cancellable;

/**
 * The additional ping sets for a primary found unreachable (spec section 5.5.5, DECISIONS.md "Unreachable primary",
 * A3-A5, V8): up to {@code Switchover Unreachable Primary Ping Count} sets, {@code ... Ping Delay} apart, each up to
 * {@link #ECHOES_PER_SET} echoes. A set that reaches the primary posts NOTIFIER_DOWN and ends the sets; when they are
 * used up PRIMARY_UNREACHABLE is posted again, the "sets used up" trigger of the switch. Runs only while the monitor
 * stays in its connection-problem mode. Confined to the monitor's scheduler thread.
 */
final class UnreachablePrimary {

    /** ICMP echoes in one ping set to the primary's machine; the set stops at the first reply. */
    static final int ECHOES_PER_SET = 3;

    private final MonitorContext ctx;
    private final NetworkChecks checks;
    private final Reports reports;
    private final BooleanSupplier inTrouble;
    private Cancellable setTimer;
    private int setsDone;

    /**
     * @param ctx the monitor's shared parts
     * @param checks sends the echoes
     * @param reports where the follow-up reports go
     * @param inTrouble whether the monitor is still in its connection-problem mode
     */
    UnreachablePrimary(MonitorContext ctx, NetworkChecks checks, Reports reports, BooleanSupplier inTrouble) {
        this.ctx = ctx;
        this.checks = checks;
        this.reports = reports;
        this.inTrouble = inTrouble;
    }

    /** Plans the sets after a first PRIMARY_UNREACHABLE (none with count -1). */
    void start() {
        PrimaryMonitorSettings s = ctx.settings().get();
        int planned = s.unreachableSets();
        if (planned < 0) {
            ctx.journal().info("{} is -1: the unreachable primary alone never causes a switch; the reconnect timer "
                    + "decides", ServerParameters.SWITCHOVER_UNREACHABLE_PRIMARY_PING_COUNT);
            return;
        }
        setsDone = 0;
        long token = ctx.work().renew();
        ctx.journal().info("Primary unreachable: {} additional ping set(s), {} s apart", planned,
                s.unreachableDelayS());
        setTimer = ctx.scheduler().schedule(() -> runSet(token), s.unreachableDelayS() * 1000L);
    }

    /** Ends the sets (connections restored, or the monitor stopped). */
    void cancel() {
        if (setTimer != null) {
            setTimer.cancel();
            setTimer = null;
        }
    }

    private void runSet(long token) {
        setTimer = null;
        if (!inTrouble.getAsBoolean() || !ctx.work().isCurrent(token)) {
            return;
        }
        PrimaryMonitorSettings s = ctx.settings().get();
        int planned = s.unreachableSets();
        setsDone++;
        checks.echoPrimary(token, ECHOES_PER_SET, r -> {
            if (!inTrouble.getAsBoolean()) {
                return;
            }
            if (r.reached()) {
                ctx.journal().info("Ping set {} reached the primary's address [{}]: '{}'; its notifier is down",
                        setsDone, r.address(), NetworkCheck.PRIMARY_REACHED);
                reports.networkStatus = reports.networkStatus + ", " + NetworkCheck.PRIMARY_REACHED;
                reports.primaryConnectionStatus = "notifier down";
                reports.post(MonitorSignal.NOTIFIER_DOWN, Determination.REASON_NOTIFIER, "the primary's machine "
                        + "answered ping set " + setsDone + " after being unreachable; its notifier does not answer");
            } else if (planned >= 0 && setsDone >= planned) {
                ctx.journal().warn("Primary's address [{}] still unreachable after {} additional ping set(s)",
                        r.address(), setsDone);
                reports.post(MonitorSignal.PRIMARY_UNREACHABLE, Determination.REASON_NOTIFIER, "primary connection "
                        + "status 'primary unreachable'; no answer to " + setsDone + " additional ping set(s) "
                        + s.unreachableDelayS() + " s apart");
            } else if (planned >= 0) {
                ctx.journal().info("Ping set {} of {}: primary's address [{}] still unreachable; next set in {} s",
                        setsDone, planned, r.address(), s.unreachableDelayS());
                setTimer = ctx.scheduler().schedule(() -> runSet(token), s.unreachableDelayS() * 1000L);
            }
        });
    }
}
