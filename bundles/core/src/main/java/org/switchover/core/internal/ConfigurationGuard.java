package org.switchover.core.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.api.time.Cancellable;
import org.switchover.api.time.Scheduler;

/**
 * Makes sure every {@code org.switchover.*.cfg} file of the node's configuration directory reached ConfigAdmin.
 *
 * <p>Felix FileInstall copies each file into ConfigAdmin once; when that fails - ConfigAdmin cannot store the
 * configuration because the disk is full, for instance - FileInstall logs it and does not try the file again until
 * the file changes. A node started onto a full disk therefore came up without its core's configuration: no role, no
 * links, no log line of its own, for as long as it ran. This guard compares the directory with ConfigAdmin (a file is
 * applied when a configuration carries its name in FileInstall's {@code felix.fileinstall.filename}), and a file
 * missing on two checks in a row ({@link #CHECK_MILLIS} apart, so a file FileInstall is about to read is left alone)
 * is reported as an ERROR naming the file and touched - its modification time set to now, its content unchanged -
 * which is how FileInstall is asked to read it again. It goes on every {@link #CHECK_MILLIS} while files are missing
 * (an ERROR again every {@link #REPORT_EVERY} attempts, so a full disk does not flood the log) and says when each
 * file is applied at last. Once everything is applied it checks every {@link #IDLE_CHECK_MILLIS}, so a file dropped
 * later onto a full disk is caught as well.
 *
 * <p>Only this product's files are watched: a node's own configuration decides whether it works at all, and in a
 * Karaf container the other files of {@code etc/} belong to others. The backup's DS sync never deletes a
 * configuration, so a configuration missing while its file exists is never a replicated decision this guard would
 * undo. All state lives on the scheduler's thread.
 */
final class ConfigurationGuard {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigurationGuard.class);
    /** The first check after the start, when FileInstall has had time to read the directory. */
    static final long FIRST_CHECK_MILLIS = 10_000L;
    /** The turn while files are missing (FileInstall polls every second). */
    static final long CHECK_MILLIS = 5_000L;
    /** The turn while every file is applied. */
    static final long IDLE_CHECK_MILLIS = 30_000L;
    /** A file still missing is reported again after this many attempts (once a minute). */
    static final int REPORT_EVERY = 12;

    /** What the guard sees of the directory and of ConfigAdmin, and what it can do. */
    interface Sources {
        /** @return the names of the product's configuration files in the directory (no path) */
        List<String> files() throws Exception;

        /** @return the file names ConfigAdmin's configurations were read from (no path) */
        Set<String> applied() throws Exception;

        /** Sets the file's modification time to now, so FileInstall reads it again. */
        void touch(String file) throws Exception;
    }

    private final Scheduler scheduler;
    private final Sources sources;
    private final String directory;
    /** Files seen missing, with the number of times each was touched. */
    private final Map<String, Integer> missing = new HashMap<>();
    private Cancellable next;
    private boolean closed;

    ConfigurationGuard(Scheduler scheduler, Sources sources, String directory) {
        this.scheduler = scheduler;
        this.sources = sources;
        this.directory = directory;
    }

    void start() {
        scheduler.execute(() -> next = scheduler.schedule(this::check, FIRST_CHECK_MILLIS));
    }

    void close() {
        scheduler.execute(() -> {
            closed = true;
            if (next != null) {
                next.cancel();
                next = null;
            }
        });
    }

    private void check() {
        if (closed) {
            return;
        }
        try {
            turn();
        } catch (Exception e) {
            LOG.warn("Configuration guard: could not compare {} with ConfigAdmin: {}", directory, e.toString());
        }
        next = scheduler.schedule(this::check, missing.isEmpty() ? IDLE_CHECK_MILLIS : CHECK_MILLIS);
    }

    private void turn() throws Exception {
        Set<String> applied = sources.applied();
        Set<String> now = new TreeSet<>();
        for (String f : sources.files()) {
            if (!applied.contains(f)) {
                now.add(f);
            }
        }
        for (String f : new ArrayList<>(missing.keySet())) {
            if (!now.contains(f)) {
                int attempts = missing.remove(f);
                if (attempts > 0) {
                    LOG.info("Configuration guard: {}/{} is applied in ConfigAdmin after {} attempts", directory, f,
                            attempts);
                }
            }
        }
        for (String f : now) {
            Integer attempts = missing.get(f);
            if (attempts == null) {
                missing.put(f, 0); // seen once: FileInstall may be reading it right now
                continue;
            }
            retry(f, attempts + 1);
        }
    }

    private void retry(String file, int attempt) {
        missing.put(file, attempt);
        String touched;
        try {
            sources.touch(file);
            touched = "asked FileInstall to read it again";
        } catch (Exception e) {
            touched = "could not ask FileInstall to read it again (" + e + ")";
        }
        if (attempt == 1) {
            LOG.error("Configuration guard: {}/{} is not applied: ConfigAdmin holds no configuration read from it"
                    + " (FileInstall's log says why; a full disk is the usual cause), so what it configures does not"
                    + " run; {}, and will every {} s until it is applied", directory, file, touched,
                    CHECK_MILLIS / 1000);
        } else if (attempt % REPORT_EVERY == 0) {
            LOG.error("Configuration guard: {}/{} is still not applied after {} attempts; {}", directory, file,
                    attempt, touched);
        }
    }

    /** @return the files seen missing now (for tests; read on the scheduler's thread) */
    Set<String> missing() {
        return new TreeSet<>(missing.keySet());
    }
}
