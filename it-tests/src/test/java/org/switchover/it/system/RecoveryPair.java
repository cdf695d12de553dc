package org.switchover.it.system;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import org.switchover.it.support.Profiles;
import org.switchover.it.support.SwitchoverNode;

/**
 * What the interaction recovery system tests share: the profile with every channel enabled through its documented
 * parameter, and the per-channel figures read from the {@code recovery} object of the status JSON (the same figures
 * {@code switchover:recovery-status} prints).
 */
final class RecoveryPair {

    static final Duration SYNC = Duration.ofSeconds(60);
    static final int CHANNELS = 6;

    private RecoveryPair() {
    }

    /** @return the fast profile, a patient primary monitor, and the six channels enabled */
    static Map<String, Map<String, String>> profile() {
        Map<String, Map<String, String>> p = Profiles.fastPatient();
        // the recovery streams share the main link with the primary monitor's pings: on a busy test machine a 1 s
        // ping timeout with one retry was seen to trip during the load (a failover nobody asked for)
        Profiles.with(p, "org.switchover.monitor.primary", "switchover.primary.monitor.timeout", "5");
        Profiles.with(p, "org.switchover.monitor.primary", "switchover.primary.monitor.retry.count", "3");
        Profiles.with(p, "org.switchover.monitor.module", "switchover.max.ts.failures", "3");
        Profiles.with(p, "org.switchover.recovery.mail", "mail.interaction.recovery.enabled", "1");
        Profiles.with(p, "org.switchover.recovery.chat", "chat.interaction.recovery.enabled", "1");
        Profiles.with(p, "org.switchover.recovery.callback", "callback.interaction.recovery.enabled", "2");
        Profiles.with(p, "org.switchover.recovery.sms", "sms.interaction.recovery.enabled", "Yes");
        Profiles.with(p, "org.switchover.recovery.socialconversation",
                "socialconversation.interaction.recovery.enabled", "5");
        Profiles.with(p, "org.switchover.recovery.directmessage", "directmessage.interaction.recovery.enabled",
                "1");
        return p;
    }

    /** @return the node's status JSON (straight from its control endpoint), or an empty object when it is down */
    static JsonNode status(SwitchoverNode n) {
        JsonNode s = n.quickStatus();
        return s == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : s;
    }

    /** @return channel to live count, for the channels this node publishes as primary */
    static Map<String, Integer> live(JsonNode status) {
        return figures(status, "primary", null, "live");
    }

    /** @return channel to shadows, for the channels whose full synchronisation completed on this backup */
    static Map<String, Integer> syncedShadows(JsonNode status) {
        return figures(status, "backup", "complete", "shadows");
    }

    private static Map<String, Integer> figures(JsonNode status, String side, String sync, String field) {
        Map<String, Integer> out = new TreeMap<>();
        status.path("recovery").fields().forEachRemaining(e -> {
            JsonNode c = e.getValue();
            if (side.equals(c.path("side").asText()) && (sync == null || sync.equals(c.path("sync").asText()))) {
                out.put(e.getKey(), c.path(field).asInt());
            }
        });
        return out;
    }

    /**
     * Waits until every channel's synchronisation completed on the backup and its shadows equal the primary's live
     * count (read from both nodes' status JSON), then prints the backup's {@code switchover:recovery-status}.
     */
    static void awaitInSync(SwitchoverNode backup, SwitchoverNode primary, String when) {
        await("recovery in sync " + when).atMost(SYNC).pollInterval(Duration.ofMillis(500)).until(() -> {
            Map<String, Integer> live = live(status(primary));
            return live.size() == CHANNELS && live.equals(syncedShadows(status(backup)));
        });
        System.out.println("RECOVERY in sync " + when + ":\n" + backup.shellOk("switchover:recovery-status"));
    }

    /**
     * Waits until the node that took over finished promoting its shadows (the audit line that ends a promotion, logged
     * since {@code mark}): the role changes first, the promotion of every channel follows on the recovery thread.
     */
    static void awaitPromoted(SwitchoverNode n, int mark) {
        await("promotion finished on " + n).atMost(SYNC).pollInterval(Duration.ofMillis(100))
                .until(() -> n.logSince(mark).contains("Interaction recovery: promotion at"));
    }

    /** @return how many interactions whose id starts with {@code prefix} the node's host holds */
    static int count(SwitchoverNode n, String prefix) {
        Matcher m = Pattern.compile("total=(\\d+)").matcher(n.shellOk("host:interaction-count " + prefix));
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    /** @return the sum of the live counts of every channel this primary publishes (0 when it does not answer) */
    static int liveTotal(SwitchoverNode primary) {
        return live(status(primary)).values().stream().mapToInt(Integer::intValue).sum();
    }
}
