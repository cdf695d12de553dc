package org.switchover.recovery.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.switchover.api.interaction.Channel;
import org.switchover.api.interaction.Interaction;
import org.switchover.api.interaction.InteractionState;
import org.switchover.api.interaction.QueueRef;
import org.switchover.api.interaction.RestoreIssue;
import org.switchover.api.interaction.Transcript;
import org.switchover.api.notifier.StreamListener;
import org.switchover.support.interaction.MemoryInteractionSource;
import org.switchover.testing.MemoryNotifier;
import org.switchover.testing.VirtualScheduler;

/** A promotion in batches: every shadow restored or reported once, whatever the host does with one batch. */
class ChannelPromotionTest {

    private static final long T0 = 1_700_000_000_000L;
    private static final int SHADOWS = 3 * ShadowStore.CHUNK + 35;
    private static final int BATCH = ShadowStore.CHUNK;

    /** A host that records each restore call, refuses its second one and has something to say about one id. */
    private static final class Host extends MemoryInteractionSource {
        final List<Integer> calls = new ArrayList<>();

        Host() {
            super(Channel.CHAT);
        }

        @Override
        public synchronized List<RestoreIssue> restore(List<Interaction> interactions) {
            calls.add(interactions.size());
            if (calls.size() == 2) {
                throw new IllegalStateException("host busy");
            }
            return super.restore(interactions);
        }

        @Override
        protected List<RestoreIssue> restored(List<Interaction> interactions) {
            List<RestoreIssue> issues = new ArrayList<>();
            for (Interaction i : interactions) {
                if (i.id().equals("c007") || i.id().equals("c127")) {
                    issues.add(new RestoreIssue(i.id(), "agent " + i.agent() + " not logged on: requeued"));
                }
            }
            return issues;
        }
    }

    private static Interaction chat(int n) {
        List<Transcript.Entry> entries = new ArrayList<>();
        entries.add(new Transcript.Entry(T0, "system", Transcript.Kind.STATUS, "alice joined", true));
        entries.add(Transcript.Entry.text(T0 + 1, "customer", "line of " + n));
        return new Interaction(String.format("c%03d", n), Channel.CHAT, InteractionState.CONNECTED,
                QueueRef.user("alice"), "alice", T0 - n, 3, Map.of("lang", "en"), new Transcript(entries));
    }

    @Test
    void everyShadowIsRestoredOrReportedOnceOverSeveralBatchesAndARefusedBatchIsNamed() throws Exception {
        ChannelBackup side = new ChannelBackup(Channel.CHAT, MemoryNotifier.pair(new VirtualScheduler()).b(), r -> {
            throw new AssertionError("no sync");
        });
        StreamListener l = side;
        for (int n = 0; n < SHADOWS; n++) {
            l.onMessage("r", n + 1, RecoveryWire.change(new RecoveryWire.Change(0, n + 1, chat(n).id(), 3,
                    InteractionCodec.encode(chat(n)))));
        }
        // a shadow whose encoding carries a version and nothing readable after it
        l.onMessage("r", SHADOWS + 1, RecoveryWire.change(new RecoveryWire.Change(0, SHADOWS + 1, "broken", 3,
                new byte[] {0, 0, 0, 0, 0, 0, 0, 3, 99})));
        Host host = new Host();
        RecoveryReport report = new RecoveryReport(T0);

        ChannelPromotion.promote(new TestChannel(Channel.CHAT, host), side, report, () -> T0, BATCH);

        assertEquals(4, host.calls.size(),
                SHADOWS + 1 + " shadows in batches of " + BATCH + ", one unreadable: " + host.calls);
        assertEquals(SHADOWS, host.calls.stream().mapToInt(Integer::intValue).sum());
        int refused = host.calls.get(1);
        assertEquals(SHADOWS - refused, host.live().size(), "the batches after the refused one are restored");
        assertEquals(SHADOWS - refused, report.restored());
        Map<String, RecoveryReport.Line> byId = new HashMap<>();
        for (RecoveryReport.Line line : report.lines()) {
            assertTrue(byId.put(line.id(), line) == null, "one line per interaction: " + line);
        }
        assertEquals(SHADOWS + 1, byId.size(), report.text());
        assertTrue(byId.get("broken").lost().get(0).startsWith("shadow unreadable"), report.text());
        Set<String> notRestored = new HashSet<>();
        for (RecoveryReport.Line line : report.lines()) {
            if (line.action().equals("NOT RESTORED")) {
                notRestored.add(line.id());
                assertTrue(line.lost().get(0).contains("host busy"), line.toString());
            } else if (!line.id().equals("broken")) {
                assertTrue(host.live().containsKey(line.id()), line.toString());
                assertEquals(chat(Integer.parseInt(line.id().substring(1))), host.live().get(line.id()),
                        "id, creation time, state, agent, transcript kept");
            }
        }
        assertEquals(refused, notRestored.size());
        String summary = report.summaries().get(Channel.CHAT);
        assertTrue(summary.contains("promoted " + (SHADOWS - refused) + " shadows")
                && summary.contains("RESTORE FAILED for " + refused + " interactions"), summary);
        for (String id : List.of("c007", "c127")) {
            RecoveryReport.Line line = byId.get(id);
            if (!notRestored.contains(id)) {
                assertEquals(List.of("1 generated status message kept as history only (not sent again)",
                        "agent alice not logged on: requeued"), line.lost(), "the host's issue joins the rule's");
            }
        }
        List<RecoveryReport.Line> plain = report.lines().stream()
                .filter(line -> line.action().startsWith("stays") && line.lost().size() == 1).toList();
        assertTrue(plain.size() >= 2, report.text());
        assertSame(plain.get(0).action(), plain.get(1).action(), "equal report texts are held once");
        assertSame(plain.get(0).lost(), plain.get(1).lost());
    }
}
