package org.switchover.mirror.internal;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

/**
 * Turns a directory as the parameters name it into this node's directory. By default the two are the same (the
 * reference mirrors to the same path on the backup). Two node-local settings change that, so that two nodes can
 * share one machine or keep their trees in different places:
 * <ul>
 *   <li>{@code mirror.root.map}: {@code configured=local} pairs separated by {@code ;}; the longest configured
 *       prefix that matches wins;</li>
 *   <li>{@code mirror.base.dir}: a directory every other configured path is placed under (a Windows drive letter
 *       becomes a folder: {@code D:\I3\IC} under {@code /srv/b} is {@code /srv/b/D/I3/IC}).</li>
 * </ul>
 * Immutable.
 */
final class PathMapper {

    private record Mapping(String from, Path to) {
    }

    private final List<Mapping> mappings;
    private final Path base;

    private PathMapper(List<Mapping> mappings, Path base) {
        this.mappings = mappings;
        this.base = base;
    }

    static final PathMapper IDENTITY = new PathMapper(List.of(), null);

    /**
     * @param rootMap the {@code mirror.root.map} value, may be empty
     * @param baseDir the {@code mirror.base.dir} value, may be empty
     * @param warn receives one line per malformed pair (which is then ignored)
     */
    static PathMapper of(String rootMap, String baseDir, Consumer<String> warn) {
        List<Mapping> list = new ArrayList<>();
        if (rootMap != null) {
            for (String raw : rootMap.split(";")) {
                String pair = raw.trim();
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                if (eq <= 0 || eq == pair.length() - 1) {
                    warn.accept("mirror.root.map: '" + pair + "' is not configured=local; ignored");
                    continue;
                }
                list.add(new Mapping(normalise(pair.substring(0, eq).trim()),
                        Paths.get(pair.substring(eq + 1).trim()).toAbsolutePath().normalize()));
            }
        }
        list.sort(Comparator.comparingInt((Mapping m) -> m.from().length()).reversed());
        Path b = baseDir == null || baseDir.isBlank() ? null : Paths.get(baseDir.trim()).toAbsolutePath().normalize();
        return new PathMapper(List.copyOf(list), b);
    }

    /**
     * @return this node's directory for the configured path {@code configured}; null when the path cannot exist on
     *     this node (a Windows drive path on another system, with no mapping for it)
     */
    Path local(String configured) {
        String n = normalise(configured);
        for (Mapping m : mappings) {
            if (n.equals(m.from())) {
                return m.to();
            }
            if (n.startsWith(m.from() + "/")) {
                return m.to().resolve(n.substring(m.from().length() + 1)).normalize();
            }
        }
        if (base != null) {
            String rel = n.replaceFirst("^([A-Za-z]):", "$1").replaceAll("^/+", "");
            return rel.isEmpty() ? base : base.resolve(rel).normalize();
        }
        if (n.matches("^[A-Za-z]:.*") && !WINDOWS) {
            return null;
        }
        return Paths.get(configured).toAbsolutePath().normalize();
    }

    private static final boolean WINDOWS = System.getProperty("os.name", "").startsWith("Windows");

    /** Backslashes become slashes so that Windows-style parameter values work on every platform. */
    private static String normalise(String p) {
        String s = p.replace('\\', '/');
        while (s.length() > 1 && s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }
}
