package org.switchover.mirror.internal;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.apache.commons.vfs2.FileChangeEvent;
import org.apache.commons.vfs2.FileListener;
import org.apache.commons.vfs2.FileObject;
import org.apache.commons.vfs2.impl.DefaultFileMonitor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.api.time.Cancellable;
import org.switchover.api.time.Scheduler;

/**
 * The primary's File Monitor (the reference's name; spec section 8): watches the continuously mirrored roots and
 * reports each changed path (relative to its root) as a {@link Wire.Change}. Uses the JDK's WatchService (inotify on
 * Linux); where that is not available it falls back to polling with Commons VFS's {@link DefaultFileMonitor}. Changes
 * are gathered for a short moment and reported once per path, so a file written in many pieces is sent once it is
 * quiet.
 *
 * <p>The monitor takes its turns on the {@link Scheduler} it is given (in production a thread of its own,
 * {@code switchover-mirror-watch-<n>}, owned by the caller; in tests virtual time): a turn answers health pings,
 * handles the watch keys that have events and reports what has settled. Turns are driven by what happens, so an idle
 * monitor costs (next to) nothing: a watch key with events (handed over by the thread
 * {@code switchover-mirror-events-<n>}, which blocks on the watch service), a health ping and the release of a hang
 * each start a turn at once; while changes wait to settle the turns come every {@value #TURN_MILLIS} ms; otherwise
 * one every {@value #IDLE_TURN_MILLIS} ms (the check for missing roots, and a backstop). {@link #close()} stops it.
 */
final class FileMonitor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FileMonitor.class);
    /** Changes are reported after this quiet period (ms). */
    static final long SETTLE_MILLIS = 150;
    /** The monitor's turns are this far apart (ms) while changes wait to settle. */
    static final long TURN_MILLIS = 50;
    /** The monitor's turns are this far apart (ms) while nothing is pending (events and pings start a turn at once). */
    static final long IDLE_TURN_MILLIS = 1000;
    /** How often roots missing on this node are looked for again (ms); at most {@link #IDLE_TURN_MILLIS} apart. */
    static final long MISSING_ROOT_CHECK_MILLIS = 1000;
    /** Numbers the events threads. */
    private static final AtomicInteger EVENT_THREADS = new AtomicInteger();

    /** A root being watched: its configured form and this node's directory. */
    record Watched(MirrorRoot root, Path dir) {
    }

    private final List<Watched> roots;
    private final Consumer<Wire.Change> sink;
    private final Scheduler scheduler;
    private volatile boolean running = true;
    /** The next turn; replaced by each turn, cancelled by {@link #close()}. */
    private volatile Cancellable nextTurn = () -> { };
    /** False until the first turn has registered the roots with the watch service. */
    private boolean registered;
    private volatile WatchService watch;
    private volatile DefaultFileMonitor poller;
    /** Watch keys with events, taken from the watch service by the events thread; handled by the next turn. */
    private final ConcurrentLinkedQueue<WatchKey> ready = new ConcurrentLinkedQueue<>();
    /** True while a wake-up turn is queued on the scheduler (so that a burst of events queues one, not many). */
    private final AtomicBoolean woken = new AtomicBoolean();
    private final Map<WatchKey, Watched> keyRoots = new HashMap<>();
    private final Map<WatchKey, Path> keyDirs = new HashMap<>();
    private final Set<Wire.Change> pending = new LinkedHashSet<>();
    /**
     * Roots whose directory did not exist (or went away): watched as soon as it appears, and then reported whole so
     * the backup compares it. Monitor thread only.
     */
    private final Set<Watched> missing = new LinkedHashSet<>();
    private long missingCheckedMillis;
    private long lastEventMillis; // guarded by pending
    /** Health pings, answered by the monitor thread at its next turn (a hung monitor answers none). */
    private final ConcurrentLinkedQueue<CompletableFuture<Void>> pings = new ConcurrentLinkedQueue<>();
    /** Set by the operator's "hang" command: the monitor thread stalls (for health-check tests). */
    private volatile boolean hung;

    /**
     * Starts watching; the first turn runs at once on {@code scheduler}.
     *
     * @param scheduler runs the monitor's turns one at a time and is its clock
     */
    FileMonitor(List<Watched> roots, Consumer<Wire.Change> sink, VfsFiles files, Scheduler scheduler) {
        this.roots = roots;
        this.sink = sink;
        this.scheduler = scheduler;
        WatchService ws = null;
        try {
            ws = FileSystems.getDefault().newWatchService();
        } catch (IOException | UnsupportedOperationException e) {
            LOG.info("No native file watching here ({}); polling the mirrored roots", e.toString());
        }
        watch = ws;
        if (ws == null) {
            poller = startPolling(files);
        }
        nextTurn = scheduler.schedule(this::turn, 0);
        if (watch != null) {
            WatchService service = watch;
            Thread events = new Thread(() -> takeEvents(service),
                    "switchover-mirror-events-" + EVENT_THREADS.incrementAndGet());
            events.setDaemon(true);
            events.start();
        }
    }

    /**
     * The events thread: blocks on the watch service and hands each key with events to the monitor's next turn (a
     * key is signalled again only after that turn has reset it). Ends when the watch service is closed.
     */
    private void takeEvents(WatchService ws) {
        try {
            while (running) {
                ready.add(ws.take());
                wake();
            }
        } catch (ClosedWatchServiceException e) {
            // closed by close(): the monitor has stopped
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts a turn at once on the monitor's scheduler (any thread); one is queued at a time. */
    private void wake() {
        if (running && woken.compareAndSet(false, true)) {
            scheduler.execute(() -> {
                woken.set(false);
                nextTurn.cancel();
                turn();
            });
        }
    }

    /** @return true while the monitor takes its turns (what the File Monitor health check reports). */
    boolean isAlive() {
        return running;
    }

    /**
     * Asks the monitor thread to show it still turns: the future completes on that thread at the turn the ping starts
     * (at once while it runs), fails at once when the monitor has stopped, and never completes
     * while the monitor hangs. What the File Monitor health check answers with.
     */
    CompletableFuture<Void> ping() {
        CompletableFuture<Void> f = new CompletableFuture<>();
        if (!isAlive()) {
            f.completeExceptionally(new IllegalStateException("the file monitor is not running"));
            return f;
        }
        pings.add(f);
        if (!isAlive()) {
            failPings(); // stopped between the check and the add
        }
        wake();
        return f;
    }

    /**
     * Stalls (true) or releases (false) the monitor thread: while stalled it reports no change and answers no
     * health ping, as a hung monitor would. Changes seen meanwhile are reported once it is released.
     */
    void hang(boolean stall) {
        hung = stall;
        if (!stall) {
            wake(); // the pings and changes that waited are answered and reported now
        }
    }

    /** @return true while stalled by {@link #hang(boolean)}. */
    boolean isHung() {
        return hung;
    }

    private void failPings() {
        for (CompletableFuture<Void> f; (f = pings.poll()) != null; ) {
            f.completeExceptionally(new IllegalStateException("the file monitor is not running"));
        }
    }

    private void answerPings() {
        for (CompletableFuture<Void> f; (f = pings.poll()) != null; ) {
            f.complete(null);
        }
    }

    private DefaultFileMonitor startPolling(VfsFiles files) {
        DefaultFileMonitor m = new DefaultFileMonitor(new FileListener() {
            @Override
            public void fileCreated(FileChangeEvent event) {
                polled(event.getFileObject());
            }

            @Override
            public void fileDeleted(FileChangeEvent event) {
                polled(event.getFileObject());
            }

            @Override
            public void fileChanged(FileChangeEvent event) {
                polled(event.getFileObject());
            }
        });
        m.setDelay(1000);
        for (Watched w : roots) {
            try {
                m.addFile(files.resolve(w.dir(), ""));
            } catch (IOException e) {
                LOG.warn("Mirror root {} cannot be polled: {}", w.root(), e.toString());
            }
        }
        m.setRecursive(roots.stream().anyMatch(w -> w.root().recursive()));
        m.start();
        return m;
    }

    private void polled(FileObject f) {
        Path p = Path.of(f.getName().getPath());
        for (Watched w : roots) {
            if (p.startsWith(w.dir()) && !p.equals(w.dir())) {
                report(w, w.dir().relativize(p));
                wake();
                return;
            }
        }
    }

    /** One turn of the monitor: answers pings, takes the watch service's events, reports what has settled. */
    private void turn() {
        if (!running) {
            return;
        }
        try {
            if (!hung) { // stalled on purpose: no events, no ping answers
                if (!registered && watch != null) {
                    for (Watched w : roots) {
                        register(w, w.dir());
                    }
                }
                registered = true;
                answerPings();
                watchRootsThatAppeared();
                for (WatchKey key; (key = ready.poll()) != null; ) {
                    handle(key);
                }
                flush();
            }
            if (running) {
                boolean settling;
                synchronized (pending) {
                    settling = !pending.isEmpty();
                }
                nextTurn = scheduler.schedule(this::turn, settling ? TURN_MILLIS : IDLE_TURN_MILLIS);
            }
        } catch (ClosedWatchServiceException e) {
            stopped(); // closed while this turn ran
        } catch (RuntimeException e) {
            LOG.error("The mirror's file monitor stopped: {}", e.toString(), e);
            stopped();
        }
    }

    private void stopped() {
        running = false;
        closeWatch(); // ends the events thread too
        failPings();
    }

    private void closeWatch() {
        try {
            if (watch != null) {
                watch.close();
            }
        } catch (IOException e) {
            LOG.debug("Closing the watch service: {}", e.toString());
        }
    }

    private void watchRootsThatAppeared() {
        long now = scheduler.nowMillis();
        if (watch == null || missing.isEmpty() || now - missingCheckedMillis < MISSING_ROOT_CHECK_MILLIS) {
            return;
        }
        missingCheckedMillis = now;
        for (Watched w : List.copyOf(missing)) {
            if (Files.isDirectory(w.dir())) {
                missing.remove(w);
                LOG.info("Mirror root {} now exists on this node ({}); watching it", w.root(), w.dir());
                register(w, w.dir());
                report(w, w.dir().relativize(w.dir())); // the whole root: the backup compares it
            }
        }
    }

    private void register(Watched w, Path dir) {
        if (!Files.isDirectory(dir)) {
            if (dir.equals(w.dir()) && missing.add(w)) {
                LOG.info("Mirror root {} is not a directory on this node ({}); watched once it appears", w.root(),
                        dir);
            }
            return;
        }
        try {
            WatchKey key = dir.register(watch, StandardWatchEventKinds.ENTRY_CREATE,
                    StandardWatchEventKinds.ENTRY_DELETE, StandardWatchEventKinds.ENTRY_MODIFY);
            synchronized (keyRoots) {
                keyRoots.put(key, w);
                keyDirs.put(key, dir);
            }
            if (w.root().recursive()) {
                try (Stream<Path> children = Files.list(dir)) {
                    children.filter(Files::isDirectory).forEach(c -> register(w, c));
                }
            }
        } catch (IOException e) {
            LOG.warn("Cannot watch {} of mirror root {}: {}", dir, w.root(), e.toString());
        }
    }

    private void handle(WatchKey key) {
        Watched w;
        Path dir;
        synchronized (keyRoots) {
            w = keyRoots.get(key);
            dir = keyDirs.get(key);
        }
        for (WatchEvent<?> ev : key.pollEvents()) {
            if (w == null) {
                continue;
            }
            if (ev.kind() == StandardWatchEventKinds.OVERFLOW) {
                report(w, w.dir().relativize(dir)); // events lost: the whole directory is compared
                continue;
            }
            Path child = dir.resolve((Path) ev.context());
            if (ev.kind() == StandardWatchEventKinds.ENTRY_CREATE && w.root().recursive()
                    && Files.isDirectory(child)) {
                register(w, child);
            }
            report(w, w.dir().relativize(child));
        }
        if (!key.reset()) {
            synchronized (keyRoots) {
                keyRoots.remove(key);
                keyDirs.remove(key);
            }
            if (w != null && w.dir().equals(dir)) {
                missing.add(w); // the root itself went away: watch it again when it comes back
            }
        }
    }

    private void report(Watched w, Path relative) {
        String rel = relative.toString().replace('\\', '/');
        String name = relative.getFileName() == null ? "" : relative.getFileName().toString();
        if (VfsFiles.isPart(name)) {
            return;
        }
        synchronized (pending) {
            lastEventMillis = scheduler.nowMillis();
            pending.add(new Wire.Change(w.root().path(), w.root().recursive(), rel, 0L));
        }
    }

    private void flush() {
        List<Wire.Change> batch;
        synchronized (pending) {
            if (pending.isEmpty() || scheduler.nowMillis() - lastEventMillis < SETTLE_MILLIS) {
                return;
            }
            batch = List.copyOf(pending);
            pending.clear();
        }
        for (Wire.Change c : batch) {
            if (!running) {
                return; // closed meanwhile: the next monitor, or the backup's next comparison, covers it
            }
            try {
                sink.accept(c);
            } catch (RuntimeException e) {
                LOG.warn("Publishing the change of {} under {} failed: {}", c.scope(), c.root(), e.toString());
            }
        }
    }

    @Override
    public void close() {
        running = false;
        nextTurn.cancel();
        closeWatch();
        if (poller != null) {
            poller.stop();
        }
        failPings();
    }
}
