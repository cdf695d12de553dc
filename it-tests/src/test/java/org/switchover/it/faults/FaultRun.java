package org.switchover.it.faults;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One seeded run of the fault harness on a running {@link FaultPair}: a schedule of faults drawn from the seed (kill -9
 * and restart of the primary or the backup, SIGSTOP/SIGCONT, a link cut and heal, a manual switch, a stop/start of
 * the DS sync or mirror bundle in a running node), applied while writers put DS entries on whichever node is primary
 * and a monitor samples both nodes every {@value #SAMPLE_MILLIS} ms. Faults name roles ("the primary"), not letters,
 * so a seed replays the same schedule whichever node is primary when the run starts. After the schedule everything
 * is healed (link back, nodes continued, dead or INACTIVE nodes restarted, as an operator would) and the run waits
 * for a healthy pair, then counts:
 * <ul>
 * <li>the longest time both nodes claimed PRIMARY once the notifier link had been back for one ping period
 * ({@value #PING_PERIOD_MILLIS} ms, the fast profile's) — goal 0 — and the longest during partitions (reported);</li>
 * <li>acknowledged DS writes lost: a write counts as acknowledged when the node it was sent to said PRIMARY (same
 * epoch) before and after it and answered "put ... change N"; after the run the surviving primary's entry of the
 * key must hold that write's value or a later one. Losses are split by cause: a write confirmed while the primary
 * showed the "degraded to asynchronous" warning, or while a partition let the other node act as primary (both
 * expected), and the rest (in sync mode: goal 0);</li>
 * <li>switches no fault justified (a node entering PRIMARY with no kill, stop, cut or manual switch of the other
 * side in the 30 s before, while the other node was answering and not INACTIVE) — goal 0;</li>
 * <li>a pair that does not become PRIMARY + linked BACKUP with identical trees within 120 s of the heal: stuck
 * (goal 0).</li>
 * </ul>
 */
final class FaultRun {

    static final long SAMPLE_MILLIS = 50;
    static final long PING_PERIOD_MILLIS = 1000;
    static final String DEGRADED = "Synchronous DS replication degraded";
    static final String INTERACTIONS_DEGRADED = "Synchronous interaction replication degraded";
    private static final int KEYS = 64;
    private static final int WRITERS = 2;
    private static final Pattern PUT = Pattern.compile("put (\\S+) change (\\d+)");
    private static final Pattern VALUE = Pattern.compile("v=\\[(\\d+)\\]");
    private static final Pattern T_VALUE = Pattern.compile("t=\\[(\\d+)\\]");
    private static final Pattern LOADED = Pattern.compile("loaded (\\d+) in");
    static final int BULK = 200;
    private static final int BULK_PARENTS = 32;

    /** The faults; FILL_BACKUP_DISK last, so the seeds found before it draw the same schedule without it. */
    enum Kind { KILL_PRIMARY, KILL_BACKUP, STOP_PRIMARY, STOP_BACKUP, CUT_LINK, MANUAL_SWITCH, BUNDLE_RESTART,
        FILL_BACKUP_DISK }

    /** The kinds of the seeds found before the disk fault (their schedules replay only with these). */
    static final List<Kind> CLASSIC = List.of(Kind.KILL_PRIMARY, Kind.KILL_BACKUP, Kind.STOP_PRIMARY,
            Kind.STOP_BACKUP, Kind.CUT_LINK, Kind.MANUAL_SWITCH, Kind.BUNDLE_RESTART);

    /** A fault as it happened. */
    record Fault(Kind kind, String target, long startMillis, long endMillis, String detail) {
        @Override
        public String toString() {
            return kind.name().toLowerCase(Locale.ROOT) + "(" + target + ", " + (endMillis - startMillis) + " ms"
                    + (detail.isEmpty() ? "" : ", " + detail) + ")";
        }
    }

    /** One node in one sample; state null when it did not answer. */
    record View(String state, long epoch, boolean linked, boolean degraded, boolean interactionsDegraded) {
        boolean primary() {
            return "PRIMARY".equals(state);
        }
    }

    record Sample(long at, View a, View b) {
        View of(String letter) {
            return letter.equals("A") ? a : b;
        }
    }

    /** A write the primary confirmed. */
    record Write(long n, String key, String node, long epoch, long sentAt, long confirmedAt) {
    }

    /**
     * A batch load the primary confirmed: {@value #BULK} entries {@code bulk/r<parent>/f0/e<i>} in batches of 100
     * ({@code host:ds-load}), each carrying the node's wall-clock microseconds of its batch in attribute {@code t}.
     */
    record Load(int parent, String node, long sentAtMicros, long sentAt, long confirmedAt) {
    }

    /** What one run found. */
    record Result(long seed, String mode, List<Fault> faults, int confirmed, int lostTotal, int lostDegraded,
            int lostPartition, int lostUnexplained, int loadsConfirmed, int loadsLost, int loadsLostUnexplained,
            long dualAfterLinkBackMillis, long dualDuringPartitionMillis, List<String> unjustifiedSwitches,
            String stuck, long durationMillis, int interactionsConfirmed, int interactionsLost,
            int interactionsLostUnexplained, int confirmedSynchronously) {

        /**
         * @param sync whether DS replication ran in synchronous mode: then an unexplained loss of an acknowledged DS
         *     change is a violation
         * @param interactionsSync whether interaction recovery ran in synchronous mode: then an unexplained loss of
         *     an acknowledged interaction change is a violation
         */
        boolean violates(boolean sync, boolean interactionsSync) {
            return (sync && (lostUnexplained > 0 || loadsLostUnexplained > 0))
                    || (interactionsSync && interactionsLostUnexplained > 0)
                    || dualAfterLinkBackMillis > 0 || !unjustifiedSwitches.isEmpty() || stuck != null;
        }

        String report() {
            return String.format(Locale.ROOT, "FAULTS seed=%d mode=%s faults=%s | acknowledged writes %d (%d while"
                    + " synchronous), lost %d"
                    + " (unexplained %d, while degraded %d, during a partition %d); acknowledged loads of %d entries"
                    + " %d, lost %d (unexplained %d); interactions: acknowledged changes %d, lost %d (unexplained %d)"
                    + " | two PRIMARY after the link was"
                    + " back %d ms: longest %d ms; during partitions: longest %d ms | unjustified switches %d%s |"
                    + " stuck: %s | %d ms", seed, mode, faults, confirmed, confirmedSynchronously, lostTotal, lostUnexplained, lostDegraded,
                    lostPartition, BULK, loadsConfirmed, loadsLost, loadsLostUnexplained, interactionsConfirmed,
                    interactionsLost, interactionsLostUnexplained, PING_PERIOD_MILLIS, dualAfterLinkBackMillis, dualDuringPartitionMillis,
                    unjustifiedSwitches.size(), unjustifiedSwitches.isEmpty() ? "" : " " + unjustifiedSwitches,
                    stuck == null ? "no" : stuck, durationMillis);
        }
    }

    private final FaultPair pair;
    private final long seed;
    private final String mode;
    private final int faultCount;
    private final Random random;
    private final List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
    private final List<Write> writes = Collections.synchronizedList(new ArrayList<>());
    private final List<Load> loads = Collections.synchronizedList(new ArrayList<>());
    private final List<Fault> faults = Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong counter;
    private volatile Sample last;
    private final InteractionTraffic interactions;
    private final StringBuilder phases = new StringBuilder();
    private long phaseAt = System.currentTimeMillis();
    private List<Kind> kinds = List.of(Kind.values());

    /** @param drawn the kinds the schedule draws from (in this order: a seed's schedule depends on it) */
    FaultRun kinds(List<Kind> drawn) {
        this.kinds = List.copyOf(drawn);
        return this;
    }

    private void phase(String name) {
        long now = System.currentTimeMillis();
        phases.append(name).append('=').append(now - phaseAt).append(" ms ");
        phaseAt = now;
    }

    /**
     * @param counter the pair's write counter: values only grow over the runs on one pair, so a value left from an
     *     earlier run never passes for a newer write
     */
    FaultRun(FaultPair pair, long seed, String mode, int faultCount, AtomicLong counter) {
        this.pair = pair;
        this.seed = seed;
        this.mode = mode;
        this.faultCount = faultCount;
        this.random = new Random(seed);
        this.counter = counter;
        this.interactions = new InteractionTraffic(this, pair, seed, counter);
    }

    /** The seeded schedule. */
    Result run() throws Exception {
        return execute(() -> {
            for (int i = 0; i < faultCount; i++) {
                apply(kinds.get(random.nextInt(kinds.size())));
                Thread.sleep(300 + random.nextInt(1500));
            }
        });
    }

    /**
     * Three seconds of writes, the last two also under a heavy unacknowledged load (batches of 500 as fast as the
     * primary takes them, so the stream carries a backlog), then kill -9 of the primary, restarted two seconds later.
     */
    Result killPrimaryOnly() throws Exception {
        return execute(() -> {
            Thread.sleep(1000);
            String p = primaryLetter();
            Thread heavy = new Thread(() -> pair.shell(p, "host:ds-load heavy 5000000 10000000 500", 60_000),
                    "fault-heavy-load");
            heavy.setDaemon(true);
            heavy.start();
            Thread.sleep(2000);
            long t0 = System.currentTimeMillis();
            pair.kill(p);
            Thread.sleep(2000);
            pair.restart(p);
            faults.add(new Fault(Kind.KILL_PRIMARY, p, t0, System.currentTimeMillis(), ""));
            // writes go on against the new primary
            Thread.sleep(3000);
        });
    }

    private interface Schedule {
        void apply() throws Exception;
    }

    private Result execute(Schedule schedule) throws Exception {
        long start = System.currentTimeMillis();
        ExecutorService probes = Executors.newFixedThreadPool(2, daemon("fault-monitor-probe"));
        ExecutorService workers = Executors.newFixedThreadPool(WRITERS + 3, daemon("fault-worker"));
        String stuck;
        try {
            workers.execute(() -> monitor(probes));
            waitFor(() -> last != null, 10_000);
            for (int w = 0; w < WRITERS; w++) {
                workers.execute(this::writer);
            }
            workers.execute(this::loader);
            workers.execute(interactions::write);
            Thread.sleep(500);
            phase("start");
            schedule.apply();
            phase("schedule");
            heal();
            stuck = awaitHealthy(120_000);
            phase("healthy");
            // a last quiet stretch under writes: no switch may happen here
            Thread.sleep(1500);
            phase("quiet");
        } finally {
            running.set(false);
            workers.shutdown();
            workers.awaitTermination(30, TimeUnit.SECONDS);
            workers.shutdownNow();
            probes.shutdownNow();
            phase("drain");
        }
        if (stuck == null) {
            stuck = awaitIdentical(60_000);
        }
        if (stuck != null && stuck.startsWith("trees differ")) {
            // the pair may have switched again after it looked healthy (a stale node does not follow): heal once more
            String again = awaitHealthy(120_000);
            stuck = again != null ? again : awaitIdentical(60_000);
        }
        phase("identical");
        Result r = analyse(stuck, System.currentTimeMillis() - start);
        phase("analyse");
        System.out.println("FAULTS seed=" + seed + " phases " + phases);
        return r;
    }

    // ---------------------------------------------------------------------------------------------------------
    // faults
    // ---------------------------------------------------------------------------------------------------------

    boolean running() {
        return running.get();
    }

    /** @return the letter of the one node the last sample showed PRIMARY, or null */
    String primaryNow() {
        Sample s = last;
        if (s == null || s.a().primary() == s.b().primary()) {
            return null;
        }
        return s.a().primary() ? "A" : "B";
    }

    /** @return the node's view in the last sample, or null */
    View viewOf(String letter) {
        Sample s = last;
        return s == null || letter == null ? null : s.of(letter);
    }

    private String primaryLetter() {
        Sample s = last;
        if (s != null && s.a().primary() && !s.b().primary()) {
            return "A";
        }
        if (s != null && s.b().primary() && !s.a().primary()) {
            return "B";
        }
        if (s != null && s.a().primary() && s.b().primary()) {
            return s.a().epoch() >= s.b().epoch() ? "A" : "B";
        }
        // not the schedule's generator: how often the writers get here depends on timing, and a replay must draw
        // the same faults whatever happened
        return java.util.concurrent.ThreadLocalRandom.current().nextBoolean() ? "A" : "B";
    }

    private void apply(Kind kind) throws InterruptedException {
        // draw every random number of the fault first, so a replay draws the same ones whatever happens
        long hold = 500 + random.nextInt(3500);
        boolean secondBundle = random.nextBoolean();
        boolean onPrimary = random.nextBoolean();
        String p = primaryLetter();
        String bk = FaultPair.other(p);
        long t0 = System.currentTimeMillis();
        String detail = "";
        String target;
        switch (kind) {
            case KILL_PRIMARY:
            case KILL_BACKUP: {
                target = kind == Kind.KILL_PRIMARY ? p : bk;
                pair.kill(target);
                Thread.sleep(hold);
                pair.restart(target);
                break;
            }
            case STOP_PRIMARY:
            case STOP_BACKUP: {
                target = kind == Kind.STOP_PRIMARY ? p : bk;
                pair.sigstop(target);
                Thread.sleep(hold);
                pair.sigcont(target);
                break;
            }
            case CUT_LINK:
                target = "link";
                pair.cutLink();
                Thread.sleep(hold);
                pair.healLink();
                break;
            case FILL_BACKUP_DISK: {
                // the backup's data filesystem full while the writers go on, then freed; a pair without its own
                // filesystems (no root) skips it
                target = bk;
                if (!pair.hasDisks()) {
                    detail = "skipped: no own filesystem";
                    break;
                }
                long bytes = pair.fillDisk(bk);
                Thread.sleep(hold + 1000);
                pair.freeDisk(bk);
                detail = "ballast " + bytes / (1 << 20) + " MiB";
                break;
            }
            case MANUAL_SWITCH: {
                // the backup carries a manual switch out
                target = bk;
                JsonNode r = pair.manualSwitch(bk);
                detail = r == null ? "no answer" : r.path("ok").asBoolean() ? "switched="
                        + r.path("result").path("switched").asText() : "refused: " + r.path("error").asText();
                break;
            }
            default: {
                target = onPrimary ? p : bk;
                String bundle = secondBundle ? "org.switchover.mirror" : "org.switchover.dssync";
                detail = bundle.substring("org.switchover.".length()) + " " + pair.restartBundle(target, bundle,
                        Math.min(hold, 2000));
                break;
            }
        }
        faults.add(new Fault(kind, target, t0, System.currentTimeMillis(), detail));
    }

    /** Link back, nodes continued, dead and INACTIVE nodes (re)started, as an operator would. */
    private void heal() {
        pair.healLink();
        for (String l : List.of("A", "B")) {
            pair.sigcont(l);
        }
        for (String l : List.of("A", "B")) {
            if (!pair.alive(l)) {
                pair.restart(l);
            }
        }
    }

    /** @return null once the pair is PRIMARY + linked BACKUP; otherwise why not */
    private String awaitHealthy(long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        Map<String, Long> restarted = new HashMap<>();
        String seen = "";
        while (System.currentTimeMillis() < deadline) {
            JsonNode sa = pair.status("A", 2000);
            JsonNode sb = pair.status("B", 2000);
            String a = sa == null ? null : sa.path("state").asText();
            String b = sb == null ? null : sb.path("state").asText();
            seen = "A=" + a + " B=" + b;
            if (("PRIMARY".equals(a) && linkedBackup(sb)) || ("PRIMARY".equals(b) && linkedBackup(sa))) {
                return null;
            }
            // a stale former primary needs a restart (by design); a dead process too
            for (String l : List.of("A", "B")) {
                String st = l.equals("A") ? a : b;
                boolean inactive = "INACTIVE".equals(st);
                if ((inactive || !pair.alive(l)) && restarted.getOrDefault(l, 0L) < System.currentTimeMillis() - 30_000) {
                    if (pair.alive(l)) {
                        pair.node(l).stop();
                    }
                    pair.restart(l);
                    restarted.put(l, System.currentTimeMillis());
                }
            }
            Thread.sleep(200);
        }
        return "no PRIMARY + linked BACKUP within " + timeoutMillis / 1000 + " s after the heal (" + seen + ")";
    }

    private static boolean linkedBackup(JsonNode s) {
        return s != null && "BACKUP".equals(s.path("state").asText())
                && "ACTIVE".equals(s.path("connections").path("main").asText());
    }

    /** @return null once both trees hash alike; otherwise what differs */
    private String awaitIdentical(long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        String ha = null;
        String hb = null;
        while (System.currentTimeMillis() < deadline) {
            JsonNode sa = pair.status("A", 2000);
            JsonNode sb = pair.status("B", 2000);
            boolean healthy = (sa != null && "PRIMARY".equals(sa.path("state").asText()) && linkedBackup(sb))
                    || (sb != null && "PRIMARY".equals(sb.path("state").asText()) && linkedBackup(sa));
            if (!healthy) {
                return "trees differ: the pair is not PRIMARY + linked BACKUP any more";
            }
            // both nodes asked at once (the hashes walk the trees: sequential asks doubled every poll)
            CompletableFuture<String> fa = CompletableFuture.supplyAsync(() -> hashes("A"));
            hb = hashes("B");
            ha = fa.join();
            if (!ha.contains("null") && ha.equals(hb)) {
                return null;
            }
            Thread.sleep(100);
        }
        return "trees differ " + timeoutMillis / 1000 + " s after the pair was healthy (A " + ha + ", B " + hb + ")";
    }

    private String hashes(String letter) {
        return pair.shell(letter, "host:ds-hash faults", 5000) + "/" + pair.shell(letter, "host:ds-hash bulk", 5000);
    }

    // ---------------------------------------------------------------------------------------------------------
    // monitor and writers
    // ---------------------------------------------------------------------------------------------------------

    private void monitor(ExecutorService probes) {
        while (running.get()) {
            long at = System.currentTimeMillis();
            CompletableFuture<View> fa = CompletableFuture.supplyAsync(() -> view("A"), probes);
            CompletableFuture<View> fb = CompletableFuture.supplyAsync(() -> view("B"), probes);
            Sample s = new Sample(at, fa.join(), fb.join());
            samples.add(s);
            last = s;
            sleep(SAMPLE_MILLIS);
        }
    }

    private View view(String letter) {
        JsonNode s = pair.isStopped(letter) ? null : pair.status(letter, 800);
        if (s == null) {
            return new View(null, -1, false, false, false);
        }
        boolean degraded = false;
        boolean interactionsDegraded = false;
        for (JsonNode w : s.path("warnings")) {
            degraded |= w.asText().contains(DEGRADED);
            interactionsDegraded |= w.asText().contains(INTERACTIONS_DEGRADED);
        }
        return new View(s.path("state").asText(), s.path("epoch").asLong(-1),
                "ACTIVE".equals(s.path("connections").path("main").asText()), degraded, interactionsDegraded);
    }

    private void writer() {
        while (running.get()) {
            Sample s = last;
            String target = primaryLetter();
            View before = s == null ? null : s.of(target);
            if (before == null || !before.primary()) {
                sleep(20);
                continue;
            }
            long n = counter.incrementAndGet();
            String key = "faults/k" + (n % KEYS);
            long sentAt = System.currentTimeMillis();
            String out = pair.shell(target, "host:ds-put " + key + " Item v=" + n, 5000);
            long confirmedAt = System.currentTimeMillis();
            if (out == null || !PUT.matcher(out).find()) {
                sleep(20);
                continue;
            }
            if (stillPrimaryAfter(target, before.epoch(), confirmedAt)) {
                writes.add(new Write(n, key, target, before.epoch(), sentAt, confirmedAt));
            }
            sleep(5);
        }
    }

    /**
     * The "after" half of an acknowledgement: the first monitor sample whose status request started after the
     * confirmation shows {@code letter} PRIMARY with {@code epoch} (no status request of the writer's own: the
     * monitor samples every {@value #SAMPLE_MILLIS} ms anyway, and each extra request costs the nodes CPU).
     */
    boolean stillPrimaryAfter(String letter, long epoch, long confirmedAt) {
        long deadline = System.currentTimeMillis() + 3000;
        // once the run stops the monitor takes no more samples: a change not yet seen after is not counted
        while (running.get()) {
            Sample s = last;
            if (s != null && s.at() > confirmedAt) {
                View v = s.of(letter);
                return v.primary() && v.epoch() == epoch;
            }
            if (System.currentTimeMillis() >= deadline) {
                return false;
            }
            sleep(10);
        }
        return false;
    }

    private void loader() {
        int j = 0;
        while (running.get()) {
            Sample s = last;
            String target = primaryLetter();
            View before = s == null ? null : s.of(target);
            if (before == null || !before.primary()) {
                sleep(20);
                continue;
            }
            int parent = j++ % BULK_PARENTS;
            long sentAt = System.currentTimeMillis();
            long sentAtMicros = sentAt * 1000;
            String out = pair.shell(target, "host:ds-load bulk/r" + parent + " " + BULK + " 10000000 100", 10_000);
            long confirmedAt = System.currentTimeMillis();
            if (out == null || !LOADED.matcher(out).find()) {
                sleep(20);
                continue;
            }
            if (stillPrimaryAfter(target, before.epoch(), confirmedAt)) {
                loads.add(new Load(parent, target, sentAtMicros, sentAt, confirmedAt));
            }
            sleep(20);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // invariants
    // ---------------------------------------------------------------------------------------------------------

    private Result analyse(String stuck, long duration) {
        List<Sample> ss;
        synchronized (samples) {
            ss = new ArrayList<>(samples);
        }
        List<Fault> fs;
        synchronized (faults) {
            fs = new ArrayList<>(faults);
        }
        // two PRIMARY: split by whether the notifier link had been up for a ping period
        long linkUpSince = -1;
        long afterStart = -1;
        long duringStart = -1;
        long longestAfter = 0;
        long longestDuring = 0;
        for (Sample s : ss) {
            // the link is back only while both nodes answer (a SIGSTOPped node's peer may still show the old
            // connection ACTIVE) and one of them shows its main connection ACTIVE
            boolean linked = s.a().state() != null && s.b().state() != null && (s.a().linked() || s.b().linked());
            if (!linked) {
                linkUpSince = -1;
            } else if (linkUpSince < 0) {
                linkUpSince = s.at();
            }
            boolean dual = s.a().primary() && s.b().primary();
            boolean after = dual && linkUpSince >= 0 && s.at() - linkUpSince >= PING_PERIOD_MILLIS;
            if (after) {
                afterStart = afterStart < 0 ? s.at() : afterStart;
                longestAfter = Math.max(longestAfter, s.at() - afterStart + SAMPLE_MILLIS);
            } else {
                afterStart = -1;
            }
            if (dual && !after) {
                duringStart = duringStart < 0 ? s.at() : duringStart;
                longestDuring = Math.max(longestDuring, s.at() - duringStart + SAMPLE_MILLIS);
            } else {
                duringStart = -1;
            }
        }
        List<String> unjustified = unjustifiedSwitches(ss, fs);
        int lostTotal = 0;
        int lostDegraded = 0;
        int lostPartition = 0;
        int lostUnexplained = 0;
        List<Write> ws;
        synchronized (writes) {
            ws = new ArrayList<>(writes);
        }
        int synchronous = 0;
        for (Write w : ws) {
            synchronous += loggedDegraded(w, DegradedLog.Subsystem.DS) || degradedAround(w, ss) ? 0 : 1;
        }
        if (stuck == null) {
            Map<String, Long> finalValues = finalValues();
            if (finalValues == null) {
                stuck = "cannot read the surviving primary's tree";
            } else {
                for (Write w : ws) {
                    if (w.n() <= finalValues.getOrDefault(w.key(), -1L)) {
                        continue;
                    }
                    lostTotal++;
                    if (duringPartition(w, ss, fs)) {
                        lostPartition++;
                    } else if (degradedAround(w, ss) || loggedDegraded(w, DegradedLog.Subsystem.DS)) {
                        lostDegraded++;
                    } else {
                        lostUnexplained++;
                        System.out.println("FAULTS seed=" + seed + " LOST acknowledged write " + w);
                    }
                }
            }
        }
        int loadsLost = 0;
        int loadsLostUnexplained = 0;
        List<Load> ls;
        synchronized (loads) {
            ls = new ArrayList<>(loads);
        }
        if (stuck == null) {
            // batches are applied in order on the backup: if a load's last entry holds the load's time, the whole
            // load is there. Per parent, a load confirmed after the time the surviving last entry carries is lost.
            Map<Integer, Long> lastT = lastEntryTimes();
            if (lastT == null) {
                stuck = "cannot read the surviving primary's bulk entries";
            } else {
                for (Load l : ls) {
                    if (l.sentAtMicros() <= lastT.getOrDefault(l.parent(), -1L)) {
                        continue;
                    }
                    loadsLost++;
                    Write asWrite = new Write(-1, "bulk/r" + l.parent(), l.node(), -1, l.sentAt(), l.confirmedAt());
                    if (!duringPartition(asWrite, ss, fs) && !degradedAround(asWrite, ss)
                            && !loggedDegraded(asWrite, DegradedLog.Subsystem.DS)) {
                        loadsLostUnexplained++;
                        System.out.println("FAULTS seed=" + seed + " LOST acknowledged load " + l);
                    }
                }
            }
        }
        InteractionTraffic.Count ic = null;
        String survivor = survivingPrimary();
        if (stuck == null && survivor != null) {
            ic = interactions.check(survivor, c -> {
                Write asWrite = new Write(c.n(), c.id(), c.node(), -1, c.sentAt(), c.confirmedAt());
                return duringPartition(asWrite, ss, fs) || interactionsDegradedAround(asWrite, ss)
                        || loggedDegraded(asWrite, DegradedLog.Subsystem.INTERACTIONS)
                        || bothCopiesLost(asWrite, ss, fs);
            });
            if (ic != null) {
                for (InteractionTraffic.Change c : ic.lostChanges()) {
                    System.out.println("FAULTS seed=" + seed + " LOST acknowledged interaction change " + c);
                }
            }
            interactions.release(survivor);
        }
        if (stuck == null && ic == null) {
            stuck = "cannot read the surviving primary's interactions";
        }
        int icConfirmed = ic == null ? 0 : ic.confirmed();
        int icLost = ic == null ? 0 : ic.lost();
        int icUnexplained = ic == null ? 0 : ic.lostUnexplained();
        return new Result(seed, mode, fs, ws.size(), lostTotal, lostDegraded, lostPartition, lostUnexplained,
                ls.size(), loadsLost, loadsLostUnexplained, longestAfter, longestDuring, unjustified, stuck, duration,
                icConfirmed, icLost, icUnexplained, synchronous);
    }

    /** The surviving primary's value of every key; null when no primary answers. */
    private Map<String, Long> finalValues() {
        for (String l : List.of("A", "B")) {
            JsonNode s = pair.status(l, 2000);
            if (s == null || !"PRIMARY".equals(s.path("state").asText())) {
                continue;
            }
            Map<String, Long> out = new HashMap<>();
            for (int k = 0; k < KEYS; k++) {
                String key = "faults/k" + k;
                String got = pair.shell(l, "host:ds-get " + key, 5000);
                if (got == null) {
                    return null;
                }
                Matcher m = VALUE.matcher(got);
                out.put(key, m.find() ? Long.parseLong(m.group(1)) : -1L);
            }
            return out;
        }
        return null;
    }

    /** The surviving primary's {@code t} of the last entry of every bulk parent; null when no primary answers. */
    private Map<Integer, Long> lastEntryTimes() {
        for (String l : List.of("A", "B")) {
            JsonNode s = pair.status(l, 2000);
            if (s == null || !"PRIMARY".equals(s.path("state").asText())) {
                continue;
            }
            Map<Integer, Long> out = new HashMap<>();
            for (int k = 0; k < BULK_PARENTS; k++) {
                String got = pair.shell(l, "host:ds-get bulk/r" + k + "/f0/e" + (BULK - 1), 5000);
                if (got == null) {
                    return null;
                }
                Matcher m = T_VALUE.matcher(got);
                out.put(k, m.find() ? Long.parseLong(m.group(1)) : -1L);
            }
            return out;
        }
        return null;
    }

    /** The write's node may not have been the only primary: a cut link, or the other node stopped, around it. */
    private static boolean duringPartition(Write w, List<Sample> ss, List<Fault> fs) {
        for (Fault f : fs) {
            boolean partition = f.kind() == Kind.CUT_LINK
                    || ((f.kind() == Kind.STOP_PRIMARY || f.kind() == Kind.STOP_BACKUP) && !f.target().equals(w.node()));
            // the link comes back only after the notifier's reconnect delay (5 s in the fast profile)
            if (partition && w.sentAt() <= f.endMillis() + 7000 && w.confirmedAt() >= f.startMillis()) {
                return true;
            }
        }
        for (Sample s : ss) {
            if (s.at() >= w.sentAt() - 300 && s.at() <= w.confirmedAt() + 300 && s.a().primary() && s.b().primary()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Interactions live in memory on both nodes (the host's live set on the primary, the shadows on the backup): a
     * change survives one failure, not two. A node's copy is gone when it is killed, or when it leaves the primary
     * role by turning INACTIVE or BACKUP (its host discards its live interactions: the peer that took over holds
     * them). Explained when, after the change was sent, one node lost its copy and then the other lost its copy too
     * before the first had been a linked BACKUP (its full synchronisation done) for {@value #RESYNCED_MILLIS} ms: no
     * node held the change any more. Either node may go first. Seeds: 7510392217164550988 (the change's node killed,
     * the backup took over with the change and was killed before the old primary was back as its backup);
     * 1718651548045749041 (a link cut, the old primary INACTIVE, the new one killed); 472050839195804157 (the backup
     * killed, the link cut while it restarted, the restarted node fail-safe PRIMARY at the same epoch, the primary
     * holding the changes yields when the link is back). Such a loss cannot tell whether the backup had applied the
     * change.
     */
    private static boolean bothCopiesLost(Write w, List<Sample> ss, List<Fault> fs) {
        for (String first : List.of(w.node(), FaultPair.other(w.node()))) {
            String second = FaultPair.other(first);
            for (long lost : copyLost(first, w.sentAt(), ss, fs)) {
                for (long alsoLost : copyLost(second, lost, ss, fs)) {
                    if (!linkedBackupFor(first, lost, alsoLost, ss)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /**
     * @return when {@code letter} lost its copies from {@code since} on: its kills, and the samples in which it answered
     *     INACTIVE (after any other state) or BACKUP right after PRIMARY (unanswered samples in between skipped)
     */
    private static List<Long> copyLost(String letter, long since, List<Sample> ss, List<Fault> fs) {
        List<Long> out = new ArrayList<>();
        for (Fault f : fs) {
            if (isKill(f) && f.target().equals(letter) && f.startMillis() >= since) {
                out.add(f.startMillis());
            }
        }
        String last = null;
        for (Sample s : ss) {
            String now = s.of(letter).state();
            if (now == null) {
                continue;
            }
            boolean turnedInactive = "INACTIVE".equals(now) && !"INACTIVE".equals(last);
            boolean leftPrimary = "BACKUP".equals(now) && "PRIMARY".equals(last);
            if ((turnedInactive || leftPrimary) && s.at() >= since) {
                out.add(s.at());
            }
            last = now;
        }
        return out;
    }

    private static boolean isKill(Fault f) {
        return f.kind() == Kind.KILL_PRIMARY || f.kind() == Kind.KILL_BACKUP;
    }

    private static final long RESYNCED_MILLIS = 2000;

    /** Whether {@code letter} was a linked BACKUP for {@value #RESYNCED_MILLIS} ms on end between two times. */
    private static boolean linkedBackupFor(String letter, long from, long to, List<Sample> ss) {
        long since = -1;
        for (Sample s : ss) {
            if (s.at() < from || s.at() > to) {
                continue;
            }
            View v = s.of(letter);
            if ("BACKUP".equals(v.state()) && v.linked()) {
                since = since < 0 ? s.at() : since;
                if (s.at() - since >= RESYNCED_MILLIS) {
                    return true;
                }
            } else if (v.state() != null) {
                since = -1;
            }
        }
        return false;
    }

    /** @return the letter of the node answering PRIMARY now, or null */
    private String survivingPrimary() {
        for (String l : List.of("A", "B")) {
            JsonNode s = pair.status(l, 2000);
            if (s != null && "PRIMARY".equals(s.path("state").asText())) {
                return l;
            }
        }
        return null;
    }

    /** The change's primary showed the interaction "degraded to asynchronous" warning around its confirmation. */
    private static boolean interactionsDegradedAround(Write w, List<Sample> ss) {
        for (Sample s : ss) {
            if (s.at() >= w.sentAt() - 500 && s.at() <= w.confirmedAt() + 500 && s.of(w.node()).interactionsDegraded()) {
                return true;
            }
        }
        return false;
    }

    /**
     * The write's primary logged its synchronous replication degraded while the write was on its way (audit lines:
     * the samples can miss a stretch when status requests time out under load).
     */
    private boolean loggedDegraded(Write w, DegradedLog.Subsystem subsystem) {
        return pair.degradedLog(w.node()).covers(subsystem, w.sentAt(), w.confirmedAt());
    }

    /** The write's primary showed the "degraded to asynchronous" warning around its confirmation. */
    private static boolean degradedAround(Write w, List<Sample> ss) {
        for (Sample s : ss) {
            if (s.at() >= w.sentAt() - 500 && s.at() <= w.confirmedAt() + 500 && s.of(w.node()).degraded()) {
                return true;
            }
        }
        return false;
    }

    /** Nodes entering PRIMARY with no kill, stop, cut or manual switch of the other side in the 30 s before. */
    private static List<String> unjustifiedSwitches(List<Sample> ss, List<Fault> fs) {
        List<String> out = new ArrayList<>();
        Sample prev = null;
        for (Sample s : ss) {
            if (prev != null) {
                for (String l : List.of("A", "B")) {
                    View before = prev.of(l);
                    View now = s.of(l);
                    if (!now.primary() || before.primary() || before.state() == null) {
                        continue;
                    }
                    String o = FaultPair.other(l);
                    View other = prev.of(o);
                    // the other node not answering, stale or still starting (INIT: restarted by a fault or by the
                    // heal) held no PRIMARY role this one could have taken away
                    if (other.state() == null || "INACTIVE".equals(other.state()) || "INIT".equals(other.state())) {
                        continue;
                    }
                    boolean justified = false;
                    for (Fault f : fs) {
                        if (f.startMillis() > s.at() || f.endMillis() < s.at() - 30_000) {
                            continue;
                        }
                        switch (f.kind()) {
                            case CUT_LINK:
                            case MANUAL_SWITCH:
                                justified = true;
                                break;
                            case KILL_PRIMARY:
                            case KILL_BACKUP:
                            case STOP_PRIMARY:
                            case STOP_BACKUP:
                                justified |= f.target().equals(o);
                                break;
                            default:
                                break;
                        }
                    }
                    if (!justified) {
                        out.add(String.format(Locale.ROOT, "%tT.%<tL %s %s -> PRIMARY (other %s)", s.at(), l,
                                before.state(), other.state()));
                    }
                }
            }
            prev = s;
        }
        return out;
    }

    // ---------------------------------------------------------------------------------------------------------

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier c, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (!c.getAsBoolean() && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
