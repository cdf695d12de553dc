package org.switchover.it.faults;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Interaction traffic of one {@link FaultRun}: the reference host's interaction commands over the control endpoint,
 * on whichever node is primary. The run's {@value #CHATS} chat interactions are created on the primary
 * ({@code host:interaction-create chat ...}), then lines are said in them round robin ({@code host:interaction-say
 * <id> h <n>}, {@code n} the pair's growing counter). A change counts as acknowledged like a DS write: its node was
 * PRIMARY with the same epoch in the monitor's samples before and after the command, and the command answered the
 * interaction's line (not {@code error: ...}). After the run every acknowledged line must be in the transcript the
 * surviving primary shows ({@code host:interaction-show <id>}), and every acknowledged create must exist there. The
 * run's interactions are released at its end, so transcripts do not grow over a soak.
 */
final class InteractionTraffic {

    static final int CHATS = 4;
    private static final Pattern LINE = Pattern.compile("(?m)^\\s+\\d+ h TEXT (\\d+)\\s*$");
    private static final Pattern ID = Pattern.compile("^(\\S+)$");

    /** An interaction change the primary confirmed; {@code n} is -1 for the create. */
    record Change(String id, long n, String node, long sentAt, long confirmedAt) {
    }

    /** Acknowledged and lost interaction changes after the run. */
    record Count(int confirmed, int lost, int lostUnexplained, List<Change> lostChanges) {
    }

    private final FaultRun run;
    private final FaultPair pair;
    private final String tag;
    private final java.util.concurrent.atomic.AtomicLong counter;
    private final List<String> ids = Collections.synchronizedList(new ArrayList<>());
    private final List<Change> changes = Collections.synchronizedList(new ArrayList<>());

    InteractionTraffic(FaultRun run, FaultPair pair, long seed, java.util.concurrent.atomic.AtomicLong counter) {
        this.run = run;
        this.pair = pair;
        this.tag = "fr" + Long.toHexString(seed);
        this.counter = counter;
    }

    /** The writer's loop, until the run stops it. */
    void write() {
        int i = 0;
        while (run.running()) {
            String target = run.primaryNow();
            FaultRun.View before = run.viewOf(target);
            if (before == null || !before.primary()) {
                FaultRun.sleep(20);
                continue;
            }
            long sentAt = System.currentTimeMillis();
            if (ids.size() < CHATS) {
                String out = pair.shell(target, "host:interaction-create chat service " + tag, 5000);
                long confirmedAt = System.currentTimeMillis();
                Matcher m = out == null ? null : ID.matcher(out.trim());
                if (m != null && m.matches() && !out.startsWith("error")) {
                    String id = m.group(1);
                    ids.add(id);
                    if (run.stillPrimaryAfter(target, before.epoch(), confirmedAt)) {
                        changes.add(new Change(id, -1, target, sentAt, confirmedAt));
                    }
                } else {
                    FaultRun.sleep(20);
                }
                continue;
            }
            String id = ids.get(i++ % ids.size());
            long n = counter.incrementAndGet();
            String out = pair.shell(target, "host:interaction-say " + id + " h " + n, 5000);
            long confirmedAt = System.currentTimeMillis();
            if (out == null || out.startsWith("error") || !out.startsWith(id)) {
                FaultRun.sleep(20);
                continue;
            }
            if (run.stillPrimaryAfter(target, before.epoch(), confirmedAt)) {
                changes.add(new Change(id, n, target, sentAt, confirmedAt));
            }
            FaultRun.sleep(10);
        }
    }

    /**
     * Compares the acknowledged changes with what the surviving primary {@code letter} holds.
     *
     * @return the count, or null when the primary does not answer
     */
    Count check(String letter, java.util.function.Predicate<Change> explained) {
        List<Change> cs;
        synchronized (changes) {
            cs = new ArrayList<>(changes);
        }
        java.util.Map<String, Set<Long>> held = new java.util.HashMap<>();
        List<String> known;
        synchronized (ids) {
            known = new ArrayList<>(ids);
        }
        for (String id : known) {
            String show = pair.shell(letter, "host:interaction-show " + id, 5000);
            if (show == null) {
                return null;
            }
            Set<Long> lines = new HashSet<>();
            if (!show.startsWith("error")) {
                lines.add(-1L);
                Matcher m = LINE.matcher(show);
                while (m.find()) {
                    lines.add(Long.parseLong(m.group(1)));
                }
            }
            held.put(id, lines);
        }
        int lost = 0;
        int unexplained = 0;
        List<Change> lostChanges = new ArrayList<>();
        for (Change c : cs) {
            if (held.getOrDefault(c.id(), Set.of()).contains(c.n())) {
                continue;
            }
            lost++;
            if (!explained.test(c)) {
                unexplained++;
                lostChanges.add(c);
            }
        }
        return new Count(cs.size(), lost, unexplained, lostChanges);
    }

    /** Releases the run's interactions on the primary {@code letter} (best effort: the next run makes its own). */
    void release(String letter) {
        List<String> known;
        synchronized (ids) {
            known = new ArrayList<>(ids);
        }
        for (String id : known) {
            pair.shell(letter, "host:interaction-release " + id, 5000);
        }
    }
}
