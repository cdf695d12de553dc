package org.switchover.api.ds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class DirectoryPathsTest {

    @Test
    void dotAndDotDotSegmentsAreRefusedNamingThePath() {
        for (String bad : List.of(".", "..", "a/..", "../a", "a/./b", "${CONFIG}/Users/../../etc")) {
            String problem = DirectoryPaths.problem(bad);
            assertTrue(problem != null && problem.contains("'" + bad + "'") && problem.contains("segment"),
                    bad + " -> " + problem);
        }
        assertTrue(DirectoryPaths.problem("a/../b").contains("'..' segment"));
        assertTrue(DirectoryPaths.problem("a/./b").contains("'.' segment"));
    }

    @Test
    void emptySegmentsAndSeparatorsAtTheEndsAreRefused() {
        assertTrue(DirectoryPaths.problem("a//b").contains("empty segment"));
        assertTrue(DirectoryPaths.problem("/a").contains("starts or ends"));
        assertTrue(DirectoryPaths.problem("a/").contains("starts or ends"));
    }

    @Test
    void namesThatOnlyContainDotsAreFine() {
        for (String ok : List.of("a.b", "...", ".hidden", "a/..b/c.", "${CONFIG}/Users/alice")) {
            assertNull(DirectoryPaths.problem(ok), ok);
        }
    }

    @Test
    void anEntryWithADotDotPathCannotBeMade() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new DirectoryEntry("${CONFIG}/../x", "Item", Map.of()));
        assertEquals("path '${CONFIG}/../x' has a '..' segment (relative segments are not allowed)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DirectoryWrite.delete("a/.."));
    }
}
