package org.switchover.it.support;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Samples the state of both nodes of a pair, {@value #PERIOD_MILLIS} ms after the previous sample, on its own threads, the two nodes of one
 * sample asked at the same moment (each through {@link SwitchoverNode#quickStatus()}, bounded by its 2 s timeout), so
 * that a test can check a property of every moment of a fault: "never two PRIMARY while both answer".
 * Stops on {@link #close()} or after {@code maxDuration}, whichever comes first.
 */
public final class PairSampler implements AutoCloseable {

    /** Pause between two samples (a sample of a stopped node takes up to 2 s itself). */
    public static final long PERIOD_MILLIS = 50;

    /**
     * One sample.
     *
     * @param atMillis wall-clock time when the sample was started
     * @param a A's state, or null when A did not answer
     * @param b B's state, or null when B did not answer
     * @param epochA A's epoch (-1 when no answer)
     * @param epochB B's epoch (-1 when no answer)
     */
    public record Sample(long atMillis, String a, String b, long epochA, long epochB) {
        /** @return both nodes answered and both said PRIMARY */
        public boolean twoPrimaries() {
            return "PRIMARY".equals(a) && "PRIMARY".equals(b);
        }

        @Override
        public String toString() {
            return String.format("%tT.%<tL A=%s(%d) B=%s(%d)", atMillis, a, epochA, b, epochB);
        }
    }

    private final SwitchoverNode a;
    private final SwitchoverNode b;
    private final long deadline;
    private final List<Sample> samples = new ArrayList<>();
    private final ExecutorService pool;
    private final ScheduledExecutorService loop;

    private PairSampler(SwitchoverNode a, SwitchoverNode b, long maxDurationMillis) {
        this.a = a;
        this.b = b;
        this.deadline = System.currentTimeMillis() + maxDurationMillis;
        this.pool = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "pair-sampler-probe");
            t.setDaemon(true);
            return t;
        });
        this.loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pair-sampler");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts sampling {@code a} and {@code b} at once. */
    public static PairSampler start(SwitchoverNode a, SwitchoverNode b, long maxDurationMillis) {
        PairSampler s = new PairSampler(a, b, maxDurationMillis);
        s.loop.scheduleWithFixedDelay(s::sampleOnce, 0, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
        return s;
    }

    private void sampleOnce() {
        long at = System.currentTimeMillis();
        if (at > deadline) {
            loop.shutdown();
            return;
        }
        CompletableFuture<JsonNode> fa = CompletableFuture.supplyAsync(a::quickStatus, pool);
        CompletableFuture<JsonNode> fb = CompletableFuture.supplyAsync(b::quickStatus, pool);
        JsonNode sa = get(fa);
        JsonNode sb = get(fb);
        Sample s = new Sample(at, state(sa), state(sb), epoch(sa), epoch(sb));
        synchronized (samples) {
            samples.add(s);
        }
    }

    private static JsonNode get(CompletableFuture<JsonNode> f) {
        try {
            return f.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            return null;
        }
    }

    private static String state(JsonNode s) {
        return s == null ? null : s.path("state").asText(null);
    }

    private static long epoch(JsonNode s) {
        return s == null ? -1 : s.path("epoch").asLong(-1);
    }

    /** @return a copy of the samples so far, oldest first */
    public List<Sample> samples() {
        synchronized (samples) {
            return new ArrayList<>(samples);
        }
    }

    /** @return the samples in which both nodes answered PRIMARY */
    public List<Sample> twoPrimaries() {
        return samples().stream().filter(Sample::twoPrimaries).toList();
    }

    /** @return the first sample at or after {@code fromMillis} that matches, or null */
    public Sample first(long fromMillis, Predicate<Sample> p) {
        return samples().stream().filter(s -> s.atMillis() >= fromMillis).filter(p).findFirst().orElse(null);
    }

    /** @return how many samples had both nodes answering */
    public long bothAnswered() {
        return samples().stream().filter(s -> s.a() != null && s.b() != null).count();
    }

    @Override
    public void close() {
        loop.shutdown();
        try {
            loop.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        loop.shutdownNow();
        pool.shutdownNow();
    }
}
