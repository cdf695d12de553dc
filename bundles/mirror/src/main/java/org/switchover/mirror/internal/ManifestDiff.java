package org.switchover.mirror.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * What a backup must do to make its copy of a root (or of a part of it) equal to the primary's: compare the two
 * manifests and list only the differences. Immutable; the lists are in the order they must be applied.
 *
 * @param mkdirs directories to create, parents first
 * @param fetch files whose bytes differ or that are missing here
 * @param touch files with the same bytes but another mtime (only the mtime is set)
 * @param delete files and directories the primary no longer has, deepest first
 */
record ManifestDiff(List<String> mkdirs, List<Entry> fetch, List<Entry> touch, List<Entry> delete) {

    /** @return true when the two sides are already equal. */
    boolean isEmpty() {
        return mkdirs.isEmpty() && fetch.isEmpty() && touch.isEmpty() && delete.isEmpty();
    }

    static ManifestDiff between(SortedMap<String, Entry> primary, SortedMap<String, Entry> local) {
        List<String> mkdirs = new ArrayList<>();
        List<Entry> fetch = new ArrayList<>();
        List<Entry> touch = new ArrayList<>();
        List<Entry> delete = new ArrayList<>();
        for (Map.Entry<String, Entry> e : local.entrySet()) {
            Entry theirs = primary.get(e.getKey());
            if (theirs == null || theirs.directory() != e.getValue().directory()) {
                delete.add(e.getValue());
            }
        }
        for (Entry theirs : primary.values()) {
            Entry mine = local.get(theirs.path());
            boolean typeChanged = mine != null && mine.directory() != theirs.directory();
            if (theirs.directory()) {
                if (mine == null || typeChanged) {
                    mkdirs.add(theirs.path());
                }
            } else if (mine == null || typeChanged || !mine.sameContent(theirs)) {
                fetch.add(theirs);
            } else if (mine.mtime() != theirs.mtime()) {
                touch.add(theirs);
            }
        }
        // sorted maps give parents before children; deletes go the other way round
        delete.sort(Comparator.comparing(Entry::path).reversed());
        return new ManifestDiff(List.copyOf(mkdirs), List.copyOf(fetch), List.copyOf(touch), List.copyOf(delete));
    }

    @Override
    public String toString() {
        return String.format("%d dirs to create, %d files to fetch, %d mtimes to set, %d to delete", mkdirs.size(),
                fetch.size(), touch.size(), delete.size());
    }
}
