package org.switchover.dssync.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

import org.switchover.api.ds.DirectoryEntry;
import org.switchover.api.ds.DirectoryPaths;

/**
 * What a backup takes from the primary in its current state (reference: upgrade states, section 7.2).
 * <ul>
 * <li>{@link #FULL} (Backup, Reconnecting): everything.</li>
 * <li>{@link #upgradeHigher} (opt-out): everything except the built-in exclusions and the paths of
 * {@code Switchover Upgrade Higher DS Exclusions}. Built in, for the reference host's tree: the subtrees
 * {@code ${CONFIG}/Handlers} and {@code ${CONFIG}/Phones}, every entry of class {@code Handler} or {@code Phone}, and
 * every entry carrying the attribute {@value #INSTALL_SCRIPT_ATTRIBUTE} (written by an install script).</li>
 * <li>{@link #upgradeLower} (opt-in): only the subtrees of {@link #DEFAULT_LOWER_PATHS} plus those of
 * {@code Custom Upgrade Synchronization Directories} (added to the defaults, not replacing them), and within them
 * the attributes of {@code Custom Upgrade Attribute Exceptions} ({@code Class(attr, attr);Class(attr)}) are left as
 * the backup has them.</li>
 * </ul>
 * Paths are compared in this store's form ({@code ${CONFIG}/Users}); the reference's backslash form is accepted in
 * the parameters.
 */
final class ReplicationFilter {

    /** Attribute marking an entry written by an install script. */
    static final String INSTALL_SCRIPT_ATTRIBUTE = "Install Script";
    /** The documented default opt-in paths of Upgrade Lower. */
    static final List<String> DEFAULT_LOWER_PATHS = List.of("${CONFIG}/Users", "${CONFIG}/Passwords",
            "${CONFIG}/Workgroups", "${CONFIG}/Roles", "${CONFIG}/Default User", "${SERVER}/Workstations",
            "${CONFIG}/ProcessAutomation");
    static final List<String> BUILT_IN_HIGHER_PATHS = List.of("${CONFIG}/Handlers", "${CONFIG}/Phones");
    static final Set<String> BUILT_IN_HIGHER_CLASSES = Set.of("Handler", "Phone");

    static final ReplicationFilter FULL = new ReplicationFilter("full", null, List.of(), Set.of(), Map.of());

    private final String name;
    /** Opt-in roots (null = everything is in). */
    private final List<String> included;
    private final List<String> excluded;
    private final Set<String> excludedClasses;
    private final Map<String, Set<String>> attributeExceptions;

    private ReplicationFilter(String name, List<String> included, List<String> excluded, Set<String> excludedClasses,
            Map<String, Set<String>> attributeExceptions) {
        this.name = name;
        this.included = included;
        this.excluded = excluded;
        this.excludedClasses = excludedClasses;
        this.attributeExceptions = attributeExceptions;
    }

    static ReplicationFilter upgradeHigher(List<String> exclusions) {
        List<String> ex = new ArrayList<>(BUILT_IN_HIGHER_PATHS);
        ex.addAll(exclusions);
        return new ReplicationFilter("upgrade higher (opt-out)", null, ex, BUILT_IN_HIGHER_CLASSES, Map.of());
    }

    static ReplicationFilter upgradeLower(List<String> extraPaths, Map<String, Set<String>> attributeExceptions) {
        List<String> in = new ArrayList<>(DEFAULT_LOWER_PATHS);
        for (String p : extraPaths) {
            if (!in.contains(p)) {
                in.add(p);
            }
        }
        return new ReplicationFilter("upgrade lower (opt-in)", in, List.of(), Set.of(), attributeExceptions);
    }

    boolean isFull() {
        return this == FULL;
    }

    /** @return whether the entry at {@code path} may be replicated (its class is checked by {@link #admits}) */
    boolean replicates(String path) {
        return pathPasses(path, i -> DirectoryPaths.isWithin(path, i));
    }

    /** @return whether anything at or below {@code path} may be replicated (prunes the compare walk) */
    boolean mayContain(String path) {
        return pathPasses(path, i -> DirectoryPaths.isWithin(path, i) || DirectoryPaths.isWithin(i, path));
    }

    /** @return whether {@code path} is not excluded and, when inclusions are set, one of them matches */
    private boolean pathPasses(String path, Predicate<String> inclusionMatches) {
        if (isExcluded(path)) {
            return false;
        }
        if (included == null) {
            return true;
        }
        for (String i : included) {
            if (inclusionMatches.test(i)) {
                return true;
            }
        }
        return false;
    }

    private boolean isExcluded(String path) {
        for (String e : excluded) {
            if (DirectoryPaths.isWithin(path, e)) {
                return true;
            }
        }
        return false;
    }

    /** @return whether the primary's {@code entry} is taken at all */
    boolean admits(DirectoryEntry entry) {
        return replicates(entry.path()) && !excludedClasses.contains(entry.className())
                && (included != null || excludedClasses.isEmpty()
                        || !entry.attributes().containsKey(INSTALL_SCRIPT_ATTRIBUTE));
    }

    /**
     * @param remote the primary's entry (admitted)
     * @param local the backup's entry at the same path
     * @return what the backup stores: {@code remote} with the excepted attributes of its class as the backup has them
     */
    DirectoryEntry adapt(DirectoryEntry remote, Optional<DirectoryEntry> local) {
        Set<String> keep = attributeExceptions.get(remote.className());
        if (keep == null || keep.isEmpty()) {
            return remote;
        }
        TreeMap<String, List<String>> attrs = new TreeMap<>(remote.attributes());
        attrs.keySet().removeAll(keep);
        if (local.isPresent()) {
            for (String k : keep) {
                List<String> v = local.get().attributes().get(k);
                if (v != null) {
                    attrs.put(k, v);
                }
            }
        }
        return new DirectoryEntry(remote.path(), remote.className(), attrs);
    }

    @Override
    public String toString() {
        return name;
    }

    /**
     * Parses a DS path list ({@code ;}-separated, blanks ignored, backslashes accepted).
     *
     * @throws IllegalArgumentException naming the bad item
     */
    static List<String> parsePaths(String parameter, String text) {
        List<String> out = new ArrayList<>();
        for (String item : text.split(";")) {
            if (item.isBlank()) {
                continue;
            }
            String p = DirectoryPaths.fromReference(item);
            String problem = DirectoryPaths.problem(p);
            if (problem != null) {
                throw new IllegalArgumentException("Parameter '" + parameter + "': item '" + item.trim() + "': "
                        + problem);
            }
            out.add(p);
        }
        return out;
    }

    /**
     * Parses {@code Class(attr, attr);Class(attr)}.
     *
     * @throws IllegalArgumentException naming the bad item
     */
    static Map<String, Set<String>> parseAttributeExceptions(String parameter, String text) {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        for (String item : text.split(";")) {
            String t = item.trim();
            if (t.isEmpty()) {
                continue;
            }
            int open = t.indexOf('(');
            if (open <= 0 || !t.endsWith(")") || t.indexOf('(', open + 1) >= 0 || t.indexOf(')') != t.length() - 1) {
                throw new IllegalArgumentException("Parameter '" + parameter + "': item '" + t
                        + "' is not Class(attribute, attribute)");
            }
            String cls = t.substring(0, open).trim();
            Collection<String> attrs = new TreeSet<>();
            for (String a : t.substring(open + 1, t.length() - 1).split(",")) {
                if (!a.isBlank()) {
                    attrs.add(a.trim());
                }
            }
            if (cls.isEmpty() || attrs.isEmpty()) {
                throw new IllegalArgumentException("Parameter '" + parameter + "': item '" + t
                        + "' names no class or no attribute");
            }
            out.computeIfAbsent(cls, k -> new TreeSet<>()).addAll(attrs);
        }
        return out;
    }
}
