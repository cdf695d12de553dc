package org.switchover.host.reference.internal;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.switchover.api.ds.DirectoryCodec;
import org.switchover.api.ds.DirectoryEntry;
import org.switchover.api.ds.DirectoryPaths;
import org.switchover.api.ds.DirectoryStore;
import org.switchover.api.ds.DirectoryWrite;

/**
 * Gogo commands on the host's directory store (scope {@code host}), for operators and system tests:
 * <ul>
 * <li>{@code ds-put <path> <class> [name=value ...]}: creates or replaces one entry; a name given twice gets several
 * values</li>
 * <li>{@code ds-get <path>}, {@code ds-delete <path>}</li>
 * <li>{@code ds-count [path]}: entries at or below the path (whole tree without one)</li>
 * <li>{@code ds-hash [path]}: the subtree hash in hex</li>
 * <li>{@code ds-fill <parent> <count> [class]}: creates {@code count} entries {@code <parent>/f<n/1000>/e<n>} with
 * one attribute {@code n} (bulk data for tests), {@value #FILL_BATCH} per batch write</li>
 * <li>{@code ds-load <parent> <count> <perSecond> [batch]}: writes the same entries with attributes {@code n} and
 * {@code t} (wall-clock microseconds of the write) at a steady rate, {@code batch} (default 100) per batch write, on
 * the calling thread; answers {@code loaded <count> in <ms> ms (<rate>/s)}</li>
 * <li>{@code ds-touch <parent> <count>}: rewrites {@code count} existing entries spread evenly over the subtree
 * (attribute {@code t} set to the wall-clock microseconds); answers {@code touched <count>}</li>
 * <li>{@code ds-bytes [path]}: total encoded size ({@link DirectoryCodec#toBytes}) of the entries at or below the
 * path</li>
 * </ul>
 * Paths use '/' ({@code ${CONFIG}/Users/alice}). Dispatch through Gogo's {@code _main} (see {@link ShellCommand}).
 */
@Component(name = "org.switchover.host.reference.ds.commands", service = DsCommands.class)
@ShellCommand(function = {"ds-put", "ds-get", "ds-delete", "ds-count", "ds-hash", "ds-fill", "ds-load", "ds-touch",
        "ds-bytes"})
public final class DsCommands {

    private static final int MAX_FILL = 10_000_000;
    private static final int MAX_RATE = 10_000_000;
    private static final int MAX_BATCH = 100_000;
    /** Entries per batch write of ds-fill and ds-touch (one durable commit each). */
    static final int FILL_BATCH = 1000;
    private final DirectoryStore store;

    @Activate
    public DsCommands(@Reference DirectoryStore store) {
        this.store = store;
    }

    /** Entry point of every command; {@code args[0]} is the function name. */
    public String _main(String... args) {
        String f = ShellCommand.Call.function(args);
        List<String> a = new ArrayList<>(List.of(args).subList(Math.min(1, args.length), args.length));
        try {
            return execute(f, a);
        } catch (IllegalArgumentException | IllegalStateException e) {
            return "error: " + e.getMessage();
        }
    }

    String execute(String f, List<String> a) {
        switch (f) {
            case "ds-put": {
                need(a, 2, "host:ds-put <path> <class> [name=value ...]");
                Map<String, List<String>> attrs = new LinkedHashMap<>();
                for (String kv : a.subList(2, a.size())) {
                    int eq = kv.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("attribute '" + kv + "' is not name=value");
                    }
                    attrs.computeIfAbsent(kv.substring(0, eq), k -> new ArrayList<>()).add(kv.substring(eq + 1));
                }
                long n = store.put(new DirectoryEntry(a.get(0), a.get(1), attrs));
                return "put " + a.get(0) + " change " + n;
            }
            case "ds-get":
                need(a, 1, "host:ds-get <path>");
                return store.get(a.get(0)).map(DirectoryEntry::toString).orElse("no entry " + a.get(0));
            case "ds-delete": {
                need(a, 1, "host:ds-delete <path>");
                long n = store.delete(a.get(0));
                return "deleted " + a.get(0) + " change " + n;
            }
            case "ds-count":
                return Integer.toString(store.count(path(a)));
            case "ds-hash":
                return HexFormat.of().formatHex(store.subtreeHash(path(a)));
            case "ds-fill": {
                need(a, 2, "host:ds-fill <parent> <count> [class]");
                int count = number(a.get(1), "count", 0, MAX_FILL);
                String cls = a.size() > 2 ? a.get(2) : "Item";
                String parent = a.get(0);
                List<DirectoryWrite> batch = new ArrayList<>(FILL_BATCH);
                for (int i = 0; i < count; i++) {
                    batch.add(DirectoryWrite.put(new DirectoryEntry(spread(parent, i), cls,
                            Map.of("n", List.of(Integer.toString(i))))));
                    if (batch.size() == FILL_BATCH || i == count - 1) {
                        store.write(batch);
                        batch.clear();
                    }
                }
                return "filled " + count + " under " + parent + "; change " + store.changeNumber();
            }
            case "ds-load":
                need(a, 3, "host:ds-load <parent> <count> <perSecond> [batch]");
                return load(a.get(0), number(a.get(1), "count", 0, MAX_FILL),
                        number(a.get(2), "perSecond", 1, MAX_RATE),
                        a.size() > 3 ? number(a.get(3), "batch", 1, MAX_BATCH) : 100);
            case "ds-touch":
                need(a, 2, "host:ds-touch <parent> <count>");
                return touch(a.get(0), number(a.get(1), "count", 0, MAX_FILL));
            case "ds-bytes": {
                long bytes = 0;
                for (DirectoryEntry e : store.entries(path(a))) {
                    bytes += DirectoryCodec.toBytes(e).length;
                }
                return Long.toString(bytes);
            }
            default:
                return "unknown command '" + f + "'; use host:ds-put, ds-get, ds-delete, ds-count, ds-hash, ds-fill,"
                        + " ds-load, ds-touch, ds-bytes";
        }
    }

    /** The path of bulk entry {@code i} under {@code parent}: {@code <parent>/f<i/1000>/e<i>}. */
    static String spread(String parent, int i) {
        return DirectoryPaths.child(DirectoryPaths.child(parent, "f" + i / 1000), "e" + i);
    }

    /**
     * Writes {@code count} entries at a steady rate on the calling thread: batch k is due at
     * {@code start + k * batch / perSecond} on {@link System#nanoTime()}, so a late batch does not shift the ones after
     * it (no drift); a writer slower than the rate simply runs behind and reports the rate it reached.
     */
    private String load(String parent, int count, int perSecond, int batchSize) {
        long start = System.nanoTime();
        List<DirectoryWrite> batch = new ArrayList<>(batchSize);
        int written = 0;
        while (written < count) {
            long due = start + (long) ((double) written * 1_000_000_000L / perSecond);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
                if (Thread.interrupted()) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("ds-load interrupted after " + written + " entries");
                }
                continue;
            }
            int n = Math.min(batchSize, count - written);
            String t = Long.toString(nowMicros());
            for (int i = written; i < written + n; i++) {
                batch.add(DirectoryWrite.put(new DirectoryEntry(spread(parent, i), "Item",
                        Map.of("n", List.of(Integer.toString(i)), "t", List.of(t)))));
            }
            store.write(batch);
            batch.clear();
            written += n;
        }
        long ms = Math.max(1, (System.nanoTime() - start) / 1_000_000);
        return String.format(Locale.ROOT, "loaded %d in %d ms (%.0f/s)", count, ms, count * 1000.0 / ms);
    }

    /**
     * Rewrites {@code count} existing entries below {@code parent}, chosen evenly over them in path order, setting
     * their attribute {@code t} to the wall-clock microseconds (a new value each time, so each rewrite is a change).
     */
    private String touch(String parent, int count) {
        List<DirectoryEntry> all = store.entries(parent);
        if (count > all.size()) {
            throw new IllegalArgumentException("count " + count + " exceeds the " + all.size() + " entries below "
                    + parent);
        }
        List<DirectoryWrite> batch = new ArrayList<>(FILL_BATCH);
        String t = Long.toString(nowMicros());
        for (int i = 0; i < count; i++) {
            DirectoryEntry e = all.get((int) ((long) i * all.size() / count));
            Map<String, List<String>> attrs = new TreeMap<>(e.attributes());
            attrs.put("t", List.of(t));
            batch.add(DirectoryWrite.put(new DirectoryEntry(e.path(), e.className(), attrs)));
            if (batch.size() == FILL_BATCH || i == count - 1) {
                store.write(batch);
                batch.clear();
            }
        }
        return "touched " + count;
    }

    private static long nowMicros() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }

    private static int number(String text, String what, int min, int max) {
        int v;
        try {
            v = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " '" + text + "' is not a whole number");
        }
        if (v < min || v > max) {
            throw new IllegalArgumentException(what + " must be " + min + ".." + max + ", got " + v);
        }
        return v;
    }

    private static String path(List<String> a) {
        return a.isEmpty() ? DirectoryPaths.ROOT : a.get(0);
    }

    private static void need(List<String> a, int n, String usage) {
        if (a.size() < n) {
            throw new IllegalArgumentException("usage: " + usage);
        }
    }
}
