package org.switchover.monitor.primary.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiPredicate;

import org.switchover.testing.VirtualScheduler;

/** A reachability probe answering per host (by default: unreachable), after a virtual delay; records each probe. */
final class ScriptedProbe implements NetworkProbe {

    record Probe(long atMillis, String host, int timeoutMillis) {
    }

    private final VirtualScheduler clock;
    private final Map<String, BiPredicate<Long, Integer>> hosts = new ConcurrentHashMap<>();
    private final List<Probe> probes = new ArrayList<>();
    private long delayMillis;
    private boolean silentUntilTimeout;

    ScriptedProbe(VirtualScheduler clock) {
        this.clock = clock;
    }

    /** Fixed answer for one host. */
    ScriptedProbe host(String host, boolean reached) {
        hosts.put(host, (t, i) -> reached);
        return this;
    }

    /** Answer by virtual time and probe index (of that host). */
    ScriptedProbe host(String host, BiPredicate<Long, Integer> reached) {
        hosts.put(host, reached);
        return this;
    }

    /** Unanswered probes end only when their timeout elapses (default: at once, as with no route). */
    ScriptedProbe silentUntilTimeout() {
        silentUntilTimeout = true;
        return this;
    }

    /** Every probe takes this long (virtual). */
    ScriptedProbe delay(long millis) {
        delayMillis = millis;
        return this;
    }

    synchronized List<Probe> probes() {
        return new ArrayList<>(probes);
    }

    synchronized List<Probe> probesOf(String host) {
        return probes.stream().filter(p -> p.host().equals(host)).toList();
    }

    @Override
    public CompletionStage<Result> ping(String host, int timeoutMillis) {
        long now = clock.nowMillis();
        int index;
        synchronized (this) {
            index = (int) probes.stream().filter(p -> p.host().equals(host)).count();
            probes.add(new Probe(now, host, timeoutMillis));
        }
        boolean ok = hosts.getOrDefault(host, (t, i) -> false).test(now, index);
        CompletableFuture<Result> f = new CompletableFuture<>();
        long wait = ok || !silentUntilTimeout ? delayMillis : Math.max(delayMillis, timeoutMillis);
        clock.schedule(() -> f.complete(new Result(ok, host, ok ? "" : "no echo reply")), wait);
        return f;
    }
}
