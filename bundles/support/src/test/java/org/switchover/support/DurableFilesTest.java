package org.switchover.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DurableFilesTest {

    @TempDir
    Path dir;

    @Test
    void replacesWholeAndLeavesNoTemporary() throws IOException {
        Path f = dir.resolve("sub/epoch");
        DurableFiles.write(f, "1".getBytes(StandardCharsets.UTF_8));
        DurableFiles.write(f, out -> out.write("22".getBytes(StandardCharsets.UTF_8)));
        assertEquals("22", Files.readString(f));
        assertFalse(Files.exists(dir.resolve("sub/epoch.tmp")));
    }

    @Test
    void aFailingWriterLeavesTheOldContent() throws IOException {
        Path f = dir.resolve("position");
        DurableFiles.write(f, "old".getBytes(StandardCharsets.UTF_8));
        assertThrows(IOException.class, () -> DurableFiles.write(f, out -> {
            out.write('n');
            throw new IOException("disk full");
        }));
        assertEquals("old", Files.readString(f));
    }

    @Test
    void threadsAreNamedDaemons() throws Exception {
        Thread t = Threads.factory("switchover-test").newThread(() -> { });
        assertEquals("switchover-test-1", t.getName());
        assertEquals(true, t.isDaemon());
    }
}
