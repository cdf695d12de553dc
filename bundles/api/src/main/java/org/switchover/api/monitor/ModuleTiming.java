package org.switchover.api.monitor;

/**
 * The timing the module monitor works with now, for the primary monitor: its defaults (half the module timeout)
 * and its watchdog period derive from it, so that the module monitor's PID is parsed in one place only.
 *
 * @param moduleName the monitored module, {@code TsServer} or {@code IP} ({@code Switchover Monitoring})
 * @param timeoutMillis the module ping timeout and regular period in ms (TS or IP Timeout)
 * @param retryDelayMillis the pause after a failed module ping in ms (TS Failure Retry Delay or IP Retry Delay)
 * @param maxFailures {@code Switchover Max TS Failures}: failed pings per connection
 */
public record ModuleTiming(String moduleName, long timeoutMillis, long retryDelayMillis, int maxFailures) {

    /** The documented defaults: TsServer, 10 s, 1 s, 2 failures. */
    public static final ModuleTiming DEFAULTS = new ModuleTiming("TsServer", 10_000L, 1_000L, 2);
}
