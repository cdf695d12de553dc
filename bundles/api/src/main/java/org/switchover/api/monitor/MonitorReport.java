package org.switchover.api.monitor;

/**
 * One signal from a monitor, with the reason an operator reads in the audit log.
 *
 * @param signal what was determined
 * @param reason the switch reason it would lead to, in the reference's words (e.g. "TS Ping Failure",
 *     "Loss of Connection to Notifier"), or a short cause for non-switch signals
 * @param detail the diagnosis behind it (e.g. "GatewayReached, NetTestUnavailable, PrimaryReached")
 */
public record MonitorReport(MonitorSignal signal, String reason, String detail) {
}
