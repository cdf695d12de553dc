package org.switchover.mirror.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

/** Comparing the primary's manifest with the backup's lists only the differences, in a safe order. */
class ManifestDiffTest {

    private static SortedMap<String, Entry> of(Entry... entries) {
        SortedMap<String, Entry> m = new TreeMap<>();
        for (Entry e : entries) {
            m.put(e.path(), e);
        }
        return m;
    }

    private static Entry file(String path, long size, long mtime, String sha) {
        return new Entry(path, false, size, mtime, sha);
    }

    @Test
    void equalTreesNeedNothing() {
        SortedMap<String, Entry> t = of(Entry.dir("d"), file("d/a", 3, 10, "aa"));
        assertTrue(ManifestDiff.between(t, t).isEmpty());
    }

    @Test
    void onlyWhatDiffersMoves() {
        SortedMap<String, Entry> primary = of(Entry.dir("d"), Entry.dir("d/new"), file("d/a", 3, 10, "aa"),
                file("d/b", 4, 20, "bb"), file("d/c", 5, 30, "cc"), file("d/new/x", 1, 1, "xx"));
        SortedMap<String, Entry> backup = of(Entry.dir("d"), Entry.dir("d/old"), file("d/old/y", 1, 1, "yy"),
                file("d/a", 3, 10, "aa"), file("d/b", 4, 20, "b2"), file("d/c", 5, 99, "cc"), file("gone", 1, 1, "g"));
        ManifestDiff d = ManifestDiff.between(primary, backup);
        assertEquals(List.of("d/new"), d.mkdirs());
        assertEquals(List.of("d/b", "d/new/x"), d.fetch().stream().map(Entry::path).toList());
        assertEquals(List.of("d/c"), d.touch().stream().map(Entry::path).toList(), "same bytes: only the mtime");
        assertEquals(List.of("gone", "d/old/y", "d/old"), d.delete().stream().map(Entry::path).toList(),
                "children before their directory");
    }

    @Test
    void aFileThatBecameADirectoryIsReplaced() {
        ManifestDiff d = ManifestDiff.between(of(Entry.dir("x"), file("x/in", 1, 1, "i")), of(file("x", 2, 2, "f")));
        assertEquals(List.of("x"), d.delete().stream().map(Entry::path).toList());
        assertEquals(List.of("x"), d.mkdirs());
        assertEquals(List.of("x/in"), d.fetch().stream().map(Entry::path).toList());
    }
}
