package org.switchover.it.support;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parameter sets for system tests, as per-PID overrides of the {@code config-admin/*.cfg} defaults (for
 * {@link SwitchoverNode#create}).
 *
 * <h2>Fast profile</h2>
 * Detection and switching in seconds instead of tens of seconds, every value inside its documented range:
 * <table>
 * <caption>fast profile</caption>
 * <tr><th>PID</th><th>key</th><th>fast</th><th>default</th></tr>
 * <tr><td>org.switchover.core</td><td>switchover.reconnect.timeout</td><td>2 s</td><td>30 s</td></tr>
 * <tr><td>org.switchover.core</td><td>peer.query.interval</td><td>1 s</td><td>3 s</td></tr>
 * <tr><td>org.switchover.core</td><td>negotiation.retry.delay.ms</td><td>300</td><td>1000</td></tr>
 * <tr><td>org.switchover.monitor.primary</td><td>switchover.primary.monitor.ping.delay</td><td>1 s</td>
 *     <td>0 = half the TS timeout</td></tr>
 * <tr><td>org.switchover.monitor.primary</td><td>switchover.primary.monitor.timeout</td><td>1 s</td>
 *     <td>0 = half the TS timeout</td></tr>
 * <tr><td>org.switchover.monitor.primary</td><td>switchover.primary.monitor.retry.count</td><td>1</td><td>2</td></tr>
 * <tr><td>org.switchover.monitor.module</td><td>switchover.ts.timeout</td><td>5 s (the minimum)</td><td>10 s</td></tr>
 * <tr><td>org.switchover.monitor.module</td><td>switchover.max.ts.failures</td><td>1</td><td>2</td></tr>
 * <tr><td>org.switchover.monitor.module</td><td>switchover.ts.failure.retry.delay</td><td>1 s</td><td>1 s</td></tr>
 * <tr><td>org.switchover.notifier</td><td>switchover.notifier.reconnect.delay</td><td>5 s (the minimum)</td>
 *     <td>5 s</td></tr>
 * </table>
 * With it a dead primary is detected within about 1 + 2 × 1 s and switched 2 s later; a stopped module is reported
 * after one rejected ping on each connection (5 s apart).
 */
public final class Profiles {
    private Profiles() {
    }

    /** @return the fast profile (a fresh, mutable copy) */
    public static Map<String, Map<String, String>> fast() {
        Map<String, Map<String, String>> p = new LinkedHashMap<>();
        p.put("org.switchover.core", new LinkedHashMap<>(Map.of(
                "switchover.reconnect.timeout", "2",
                "peer.query.interval", "1",
                "negotiation.retry.delay.ms", "300")));
        p.put("org.switchover.monitor.primary", new LinkedHashMap<>(Map.of(
                "switchover.primary.monitor.ping.delay", "1",
                "switchover.primary.monitor.timeout", "1",
                "switchover.primary.monitor.retry.count", "1")));
        p.put("org.switchover.monitor.module", new LinkedHashMap<>(Map.of(
                "switchover.ts.timeout", "5",
                "switchover.max.ts.failures", "1",
                "switchover.ts.failure.retry.delay", "1")));
        p.put("org.switchover.notifier", new LinkedHashMap<>(Map.of(
                "switchover.notifier.reconnect.delay", "5")));
        return p;
    }

    /** @return the config-admin defaults: no overrides */
    public static Map<String, Map<String, String>> defaults() {
        return new LinkedHashMap<>();
    }

    /** @return {@code profile} with {@code key=value} of {@code pid} added or replaced */
    public static Map<String, Map<String, String>> with(Map<String, Map<String, String>> profile, String pid,
                                                        String key, String value) {
        profile.computeIfAbsent(pid, k -> new LinkedHashMap<>()).put(key, value);
        return profile;
    }
}
