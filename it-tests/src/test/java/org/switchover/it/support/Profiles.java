package org.switchover.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Parameter sets for system tests, as per-PID overrides of the {@code config-admin/*.cfg} defaults (for
 * {@link SwitchoverNode#create}).
 *
 * <h2>Fast profile</h2>
 * Read from the files an operator copies into a node's {@code etc/}: {@code config-admin/profiles/fast/<pid>.cfg},
 * each holding only the keys the profile changes (one source of truth; see the README section "Fast failover").
 * With it a primary whose process died is replaced within about 0.2 s of its links dropping (two refused connections
 * 150 ms apart), a silent (hung) primary within about 1.25 s of detection plus the 800 ms reconnect timer, and a
 * stopped module after one rejected TS ping on each connection (5 s apart).
 */
public final class Profiles {

    /** Folder of the fast profile's files, relative to the repository root. */
    public static final String FAST_DIR = "config-admin/profiles/fast";

    private Profiles() {
    }

    /** @return the fast profile (a fresh, mutable copy) read from {@link #FAST_DIR} */
    public static Map<String, Map<String, String>> fast() {
        return read(Repo.root().resolve(FAST_DIR));
    }

    /**
     * The fast profile with the earlier, second-granular failure detection (notifier ping every 1 s, 1 s timeout,
     * reconnect timeout 2 s; the refused-connection verdict stays): for tests that load a pair hard and are not
     * about failover time. Under a load average of 15 the sub-second monitor was seen to switch a pair that a
     * hostile client kept busy.
     *
     * @return a fresh, mutable copy
     */
    public static Map<String, Map<String, String>> fastPatient() {
        Map<String, Map<String, String>> p = fast();
        with(p, "org.switchover.core", "switchover.reconnect.timeout.ms", "-1");
        with(p, "org.switchover.core", "switchover.reconnect.timeout", "2");
        with(p, "org.switchover.monitor.primary", "switchover.primary.monitor.ping.delay.ms", "0");
        with(p, "org.switchover.monitor.primary", "switchover.primary.monitor.timeout.ms", "0");
        with(p, "org.switchover.monitor.primary", "switchover.primary.monitor.ping.delay", "1");
        with(p, "org.switchover.monitor.primary", "switchover.primary.monitor.timeout", "1");
        return p;
    }

    /**
     * Reads a profile folder: one {@code <pid>.cfg} per PID, {@code key=value} lines, {@code #} comments.
     *
     * @return PID to keys, in file-name order
     * @throws IllegalStateException naming the file and line when a line is neither a comment nor a key=value pair
     */
    public static Map<String, Map<String, String>> read(Path dir) {
        Map<String, Map<String, String>> p = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(x -> x.getFileName().toString().endsWith(".cfg")).sorted().toList()) {
                String name = f.getFileName().toString();
                Map<String, String> keys = new LinkedHashMap<>();
                List<String> lines = Files.readAllLines(f, StandardCharsets.ISO_8859_1);
                for (int i = 0; i < lines.size(); i++) {
                    String line = lines.get(i).strip();
                    if (line.isEmpty() || line.startsWith("#") || line.startsWith("!")) {
                        continue;
                    }
                    int eq = line.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalStateException(f + " line " + (i + 1) + " is not key=value: " + line);
                    }
                    keys.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
                }
                p.put(name.substring(0, name.length() - ".cfg".length()), keys);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the profile " + dir, e);
        }
        if (p.isEmpty()) {
            throw new IllegalStateException("no <pid>.cfg files in the profile " + dir);
        }
        return new LinkedHashMap<>(p);
    }

    /** @return the config-admin defaults: no overrides */
    public static Map<String, Map<String, String>> defaults() {
        return new LinkedHashMap<>();
    }

    /** @return {@code profile} with {@code key=value} of {@code pid} added or replaced */
    public static Map<String, Map<String, String>> with(Map<String, Map<String, String>> profile, String pid,
                                                        String key, String value) {
        profile.computeIfAbsent(pid, k -> new LinkedHashMap<>()).put(key, value);
        return profile;
    }
}
