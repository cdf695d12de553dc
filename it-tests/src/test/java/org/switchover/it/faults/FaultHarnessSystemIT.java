package org.switchover.it.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.switchover.it.bench.BenchLog;
import org.switchover.it.support.Repo;

/**
 * The fault harness on two real nodes (see {@link FaultRun} for what a run does and counts). Every run prints one
 * {@code FAULTS seed=...} report line; a violation names its seed, and {@code -Dfaults.seed=<seed>} replays exactly
 * that run on a fresh pair.
 *
 * <ul>
 * <li>{@link #seededRuns()}: the regression seeds, then {@code faults.runs} more (default 2; the soak profile 200),
 * each {@code faults.per.run} faults (default 3, soak 2), in synchronous mode. The first seed is
 * {@code faults.base.seed} (default: the time), each next one drawn from it.</li>
 * <li>{@link #killPrimaryUnderLoad()}: kill -9 of the primary under write load, synchronous then asynchronous
 * mode: sync must lose no acknowledged write; async prints what it lost.</li>
 * </ul>
 * Run: {@code mvn -B verify -pl it-tests -am -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dit.test=FaultHarnessSystemIT} (add {@code -Psoak} for the soak; {@code -Dfaults.seed=N} to replay one seed), then
 * {@code grep FAULTS it-tests/target/failsafe-reports/org.switchover.it.faults.FaultHarnessSystemIT-output.txt}.
 */
class FaultHarnessSystemIT {

    /**
     * Seeds that once found a violation, replayed first in every run. 283951232536070849 (2 faults per run, after
     * 1455673719837490076 on the same pair): the pair switched again after it had looked healthy, and the harness
     * compared the trees of a stale INACTIVE node for ever ("stuck"); it now heals again when the pair is no longer
     * PRIMARY + linked BACKUP while it compares. 551284080352597979 (SIGSTOP of the primary for 3.5 s): the old
     * primary, continued, was PRIMARY for 170 ms before it went INACTIVE, counted as "after the link was back"
     * because the new primary still showed the stopped node's connection ACTIVE; the link now counts as back only
     * while both nodes answer. 7797801101820855397 (soak of 2026-12-05; SIGSTOP of the primary A for 1.2 s): A was
     * continued and answering, its connection ACTIVE for over a second, when B, still RECONNECTING, took over at the
     * end of its reconnect timeout ("Loss of Connection to Notifier"); A saw epoch 6 and went INACTIVE 65 ms later,
     * one 50 ms sample of two PRIMARY "after the link was back". Not fixed here: the decision is the core's (a
     * RECONNECTING backup should re-check the primary it lost before it takes over once the link answers again);
     * replayed so the fix can be seen. 1718651548045749041 (link cut, then kill -9 of the primary): both nodes were
     * restarted (one by the fault, one INACTIVE by the heal) and the one that became PRIMARY while the other was
     * still INIT counted as an unjustified switch; a node in INIT holds no role to take away, so it no longer counts.
     * 6976519249440599390 (kill -9 of the backup, then of the primary): one acknowledged DS write lost that the
     * harness could not put down to a degraded sample or a partition (the soak's pair had carried ~20 runs, load
     * average ~30). Not reproduced on a fresh pair (load 9-14), but its replays showed two holes, both fixed: the
     * backup, restarted and still starting when the primary was killed, took over fail-safe at the epoch the killed
     * primary had (epochs seen are kept in memory only), so both nodes had published DS sync under the same
     * replication id, and a backup whose position named the other publisher of that id (or followed a primary whose
     * DS sync part restarted) resumed inside the new stream and never applied its first messages (DS sync
     * publishers now have ids of their own, DsSyncRolesTest); and the harness explained a loss by "degraded" only
     * from the 50 ms samples, which time out (800 ms) at that load, so a degraded stretch could fall between two
     * answers (it now also reads the stretches from the primary's audit lines, DegradedLog). With interactions in
     * sync mode the same seed loses interaction changes to the two kills (the backup killed, then the primary before
     * the backup was back): interactions live in memory on both nodes and survive one kill, not two; counted apart.
     * Replayed with the seven fault kinds it was found with (FaultRun.CLASSIC), as are all the seeds here.
     */
    private static final long[] REGRESSION_SEEDS = {283951232536070849L, 551284080352597979L, 7797801101820855397L,
        1718651548045749041L, 6976519249440599390L};
    /**
     * Seeds found with every kind, the disk fault included (replayed with all of them). 8481085845458804239 (drawn by
     * the default run on a clean clone, 2026-12-06; the same pattern as 6659734269481622849, 4312267896704299038 and
     * 1814394866073857745 of the 200-run soak of 2026-12-06): the backup's disk filled while it restarted after a
     * kill -9; its control endpoint failed to start on the full disk and never tried again, so the node ran as a
     * healthy BACKUP that switchoverctl could not reach ("stuck", B=null), and the tracker's component failed for
     * good on writing its journal marker. The endpoint now retries its start every 5 s (ControlStarterTest) and the
     * tracker starts with the marker kept in memory (CsvJournalTest).
     *
     * <p>7510392217164550988 (200-run soak of 2026-12-06, open until h-faults4): interaction changes lost after two
     * kills of the primary in a row. Replayed alone: A confirmed two creates once its linked backup B had applied
     * them (B's promotion restored them), then A was killed, B took over with them, and B was killed before A was
     * back as its backup: both in-memory copies gone, which the harness explained only when the backup died first
     * (FaultRun.bothCopiesLost now takes either order). Looking for it also found a real gap in the product: the host
     * takes work as soon as the primary condition is registered, but the recovery channel published only after its
     * promotion (up to 3 s of stream quiet and 5 s for the observers), and a change made in between had no listener,
     * so it was confirmed at once with no wait and no degrade (the soak's "confirmed in 14-50 ms just after it had
     * become primary, no degraded audit line"). A side now listens from before the take-over and degrades the
     * channel visibly for such a change (RecoveryServiceTest, SyncReplicationTest).
     *
     * <p>472050839195804157 (60-run soak of h-faults4, base seed 2026120602, 2 faults a run): 9 interaction changes
     * B confirmed with A linked were lost: A (backup) was killed, the link was cut while it restarted, A came up
     * fail-safe PRIMARY at B's epoch and B yielded when the link was back, discarding its live interactions, the
     * only copy left. Expected (both in-memory copies gone) but the harness counted only kills as the second loss;
     * it now also counts the other node leaving PRIMARY (FaultRun.bothCopiesLost). Replayed alone on a fresh pair it
     * ends without a loss (the equal epochs came from the soak's history), so it guards the schedule only.
     *
     * <p>6748226892438024993 (182-run soak of 2026-12-06, 2 faults a run; a manual switch to A, then kill -9 of A):
     * a 200-entry load B confirmed in sync mode just before the controlled hand-off was older on the surviving node
     * (the soak's node logs were not kept; the cause below is the gap the code shows for that pattern). DS sync closed the old primary's stream as soon as the primary role condition went, which is before the host's
     * last writes are through: a write still waiting for the backup's acknowledgement was released as confirmed
     * (SyncReplication's CLOSED outcome, no degrade, no audit line) and what was published but not yet sent or applied
     * was dropped, so A took over without it and B, following A, copied A's older tree over its own. The old primary's
     * part now keeps its stream open after the role and DS sync is a HandOverParticipant: the hand-off's
     * acknowledgement waits until the backup acknowledged the stream's head (LeavingPrimary, LeavingPrimaryTest), as
     * interaction recovery's streams did already. 9027901537165040513 (same soak, 2 faults; SIGSTOP of the backup B,
     * then kill -9 of B): B resumed its DS stream from its position file and the trees still differed 60 s after the
     * pair was healthy (its logs were not kept either). A resumed stream brings only the messages after the position, so a store holding changes the
     * stream never carries (written while the node did not follow, as a primary of its own) stays different for good;
     * nothing compared the trees after a resume. The backup now checks its tree against the primary's root hash at the
     * same stream position 3 s after it started from a position and every 5 minutes, and closes a difference with a
     * full compare and a WARN; a node that becomes primary forgets its position (DsSyncRolesTest). Neither replays
     * the violation on a fresh pair (it came from the soak pair's history); both replay with the 2-fault schedule the
     * soak drew (FAULTS_PER_SEED). 4157278018123558069 (same soak, 2 faults; kill -9 of the backup B, then its disk
     * filled while it restarted): B's FileInstall could not store the configurations in ConfigAdmin on the full disk
     * and does not try an unchanged file again, so the node came up without its core's configuration and stayed
     * silent. The core's configuration guard now reports such a file in an ERROR and has FileInstall read it again
     * every 5 s until it is applied (ConfigurationGuard; ConfigurationGuardSystemIT fills a real node's disk). On
     * this machine the replay's disk fills after the restart is through, so the seed guards the schedule only.
     */
    private static final long[] REGRESSION_SEEDS_ALL_KINDS = {8481085845458804239L, 7510392217164550988L,
        472050839195804157L, 6748226892438024993L, 9027901537165040513L, 4157278018123558069L};
    /**
     * Open violations (none now), replayed with all kinds and {@code -Dfaults.open.seeds=true} only: a violation not
     * explained yet waits here, out of the default run, until it is. The soak of 2026-12-06 showed the pattern of
     * 7510392217164550988 in 5 more runs (8452585683475717636, 3017875301732352127, 4641491384691194932,
     * 7759296459166151667, 3942416376167419437); they are not replayed by default.
     */
    private static final long[] OPEN_SEEDS = {};
    /**
     * Seeds found with a faults count other than the default run's {@code faults.per.run} (3): a seed draws its
     * schedule from that count, so it is replayed with the count it was found with (unless {@code faults.per.run} is
     * given). All three from the 182-run soak (2 faults a run).
     */
    private static final java.util.Map<Long, Integer> FAULTS_PER_SEED = java.util.Map.of(6748226892438024993L, 2,
            9027901537165040513L, 2, 4157278018123558069L, 2);
    private static final Duration START = Duration.ofSeconds(90);
    private static final long SYNC_TIMEOUT_MILLIS = 1000;
    /** Whether the pair's interaction recovery runs in the harness's mode too (else it is asynchronous). */
    static final boolean INTERACTIONS_SYNC = true;

    private final List<FaultPair> pairs = new ArrayList<>();

    @AfterEach
    void stop() {
        pairs.forEach(FaultPair::close);
    }

    private FaultPair pair(String name, String mode) throws Exception {
        FaultPair p = new FaultPair(Repo.freshDir(name), mode, SYNC_TIMEOUT_MILLIS);
        pairs.add(p);
        p.start(START);
        return p;
    }

    @Test
    void seededRuns() throws Exception {
        String mode = System.getProperty("faults.mode", "sync");
        // empty: 3, and each seed of FAULTS_PER_SEED its own count; given: that count for every seed
        String perRunText = System.getProperty("faults.per.run", "").trim();
        boolean perRunGiven = !perRunText.isEmpty();
        int perRun = perRunGiven ? Integer.parseInt(perRunText) : 3;
        List<Long> seeds = new ArrayList<>();
        String one = System.getProperty("faults.seed", "");
        if (!one.isBlank()) {
            seeds.add(Long.parseLong(one.trim()));
        } else {
            for (long s : REGRESSION_SEEDS) {
                seeds.add(s);
            }
            for (long s : REGRESSION_SEEDS_ALL_KINDS) {
                seeds.add(s);
            }
            // an open violation (not explained yet) is replayed on demand, not in the default run
            if (Boolean.getBoolean("faults.open.seeds")) {
                for (long s : OPEN_SEEDS) {
                    seeds.add(s);
                }
            }
            String base = System.getProperty("faults.base.seed", "");
            Random r = new Random(base.isBlank() ? System.currentTimeMillis() : Long.parseLong(base.trim()));
            int runs = Integer.getInteger("faults.runs", 2);
            for (int i = 0; i < runs; i++) {
                seeds.add(r.nextLong() & Long.MAX_VALUE);
            }
        }
        report("FAULTS load average at start: " + BenchLog.loadAverage() + "; mode " + mode + ", " + seeds.size()
                + " runs of " + perRun + " faults"
                + (perRunGiven ? "" : " (the seeds of FAULTS_PER_SEED their own count)"));
        FaultPair p = pair("faults-seeded", mode);
        AtomicLong counter = new AtomicLong();
        List<FaultRun.Result> results = new ArrayList<>();
        List<String> violations = new ArrayList<>();
        long t0 = System.currentTimeMillis();
        List<FaultRun.Kind> drawn = kinds();
        for (long seed : seeds) {
            boolean regression = one.isBlank() && java.util.Arrays.stream(REGRESSION_SEEDS).anyMatch(x -> x == seed);
            int count = perRunGiven ? perRun : FAULTS_PER_SEED.getOrDefault(seed, perRun);
            FaultRun.Result r = new FaultRun(p, seed, mode, count, counter)
                    .kinds(regression ? FaultRun.CLASSIC : drawn).run();
            results.add(r);
            report(r.report());
            if (r.violates(mode.equals("sync"), INTERACTIONS_SYNC && mode.equals("sync"))) {
                violations.add(r.report());
            }
            if (r.stuck() != null) {
                // a stuck pair cannot carry the next run: start a fresh one
                p.close();
                pairs.remove(p);
                p = pair("faults-seeded-" + seed, mode);
            }
        }
        summary(results, System.currentTimeMillis() - t0);
        assertTrue(violations.isEmpty(), "invariant violations (replay with -Dfaults.seed=<seed>):\n"
                + String.join("\n", violations));
    }

    /**
     * The kinds new seeds draw from: all of them, or {@code -Dfaults.kinds=KILL_PRIMARY,FILL_BACKUP_DISK,...} (a
     * subset to exercise one fault; a replay needs the same list), or {@code -Dfaults.kinds=classic} (the seven
     * kinds before the disk fault: how the regression seeds were found and replay).
     */
    private static List<FaultRun.Kind> kinds() {
        String k = System.getProperty("faults.kinds", "").trim();
        if (k.isEmpty()) {
            return List.of(FaultRun.Kind.values());
        }
        if (k.equalsIgnoreCase("classic")) {
            return FaultRun.CLASSIC;
        }
        List<FaultRun.Kind> out = new ArrayList<>();
        for (String name : k.split(",")) {
            try {
                out.add(FaultRun.Kind.valueOf(name.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("faults.kinds: '" + name.trim() + "' is not one of "
                        + java.util.Arrays.toString(FaultRun.Kind.values()) + " (or 'classic')", e);
            }
        }
        return out;
    }

    @Test
    void killPrimaryUnderLoad() throws Exception {
        List<String> lines = new ArrayList<>();
        for (String mode : List.of("sync", "async")) {
            FaultPair p = pair("faults-kill-" + mode, mode);
            AtomicLong counter = new AtomicLong();
            FaultRun.Result r = new FaultRun(p, 0, mode, 0, counter).killPrimaryOnly();
            System.out.println(r.report());
            lines.add(r.report());
            assertEquals(null, r.stuck(), r.report());
            assertTrue(r.confirmed() > 50, "too few acknowledged writes to count: " + r.report());
            if (mode.equals("sync")) {
                assertEquals(0, r.lostUnexplained(), "sync mode lost acknowledged writes: " + r.report());
            }
            if (mode.equals("sync")) {
                assertEquals(0, r.loadsLostUnexplained(), "sync mode lost acknowledged loads: " + r.report());
            }
            System.out.printf(Locale.ROOT, "FAULTS kill -9 of the primary under load, %s mode: %d acknowledged"
                    + " writes, %d lost (%d unexplained); %d acknowledged loads of %d entries, %d lost (%d"
                    + " unexplained); load average %s%n", mode, r.confirmed(), r.lostTotal(), r.lostUnexplained(),
                    r.loadsConfirmed(), FaultRun.BULK, r.loadsLost(), r.loadsLostUnexplained(),
                    BenchLog.loadAverage());
            p.close();
            pairs.remove(p);
        }
    }

    /**
     * Prints a report line and appends it to {@code target/faults-report.txt} at once (failsafe writes the test's
     * output file only when the class ends: a long soak stopped early keeps its figures there).
     */
    private static void report(String line) {
        System.out.println(line);
        try {
            java.nio.file.Files.writeString(Repo.target().resolve("faults-report.txt"), line + "\n",
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } catch (java.io.IOException e) {
            System.out.println("FAULTS cannot append to faults-report.txt: " + e);
        }
    }

    private static void summary(List<FaultRun.Result> rs, long millis) {
        int confirmed = 0;
        int synchronous = 0;
        int lost = 0;
        int loads = 0;
        int loadsLost = 0;
        int loadsUnexplained = 0;
        int unexplained = 0;
        long after = 0;
        long during = 0;
        int unjustified = 0;
        int stuck = 0;
        int faults = 0;
        int interactions = 0;
        int interactionsLost = 0;
        int interactionsUnexplained = 0;
        java.util.Map<FaultRun.Kind, Integer> kinds = new java.util.EnumMap<>(FaultRun.Kind.class);
        for (FaultRun.Result r : rs) {
            interactions += r.interactionsConfirmed();
            interactionsLost += r.interactionsLost();
            interactionsUnexplained += r.interactionsLostUnexplained();
            r.faults().forEach(f -> kinds.merge(f.kind(), 1, Integer::sum));
            confirmed += r.confirmed();
            synchronous += r.confirmedSynchronously();
            loads += r.loadsConfirmed();
            loadsLost += r.loadsLost();
            loadsUnexplained += r.loadsLostUnexplained();
            lost += r.lostTotal();
            unexplained += r.lostUnexplained();
            after = Math.max(after, r.dualAfterLinkBackMillis());
            during = Math.max(during, r.dualDuringPartitionMillis());
            unjustified += r.unjustifiedSwitches().size();
            stuck += r.stuck() == null ? 0 : 1;
            faults += r.faults().size();
        }
        report(String.format(Locale.ROOT, "FAULTS SUMMARY %d runs, %d faults in %d s: acknowledged writes %d (%d while synchronous), lost %d"
                + " (unexplained %d); acknowledged loads %d, lost %d (unexplained %d); two PRIMARY after the link"
                + " was back: longest %d ms; during partitions: longest %d ms; unjustified switches %d; stuck runs"
                + " %d; interactions: acknowledged changes %d, lost %d (unexplained %d); faults by kind %s;"
                + " %.1f s a run; load average %s", rs.size(), faults, millis / 1000, confirmed, synchronous, lost,
                unexplained,
                loads, loadsLost, loadsUnexplained, after, during, unjustified, stuck, interactions,
                interactionsLost, interactionsUnexplained, kinds, rs.isEmpty() ? 0.0 : millis / 1000.0 / rs.size(),
                BenchLog.loadAverage()));
    }
}
