package org.switchover.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EpochStoreTest {

    @TempDir
    Path dir;

    @Test
    void writesAndReloads() throws Exception {
        EpochStore s = new EpochStore(dir.resolve("core"));
        assertEquals(0, s.load(), "no file yet: epoch 0");
        s.store(7);
        assertEquals(7, new EpochStore(dir.resolve("core")).load());
        s.store(8);
        assertEquals(8, s.load());
        assertEquals("8\n", Files.readString(dir.resolve("core/epoch")));
        assertFalse(Files.exists(dir.resolve("core/epoch.tmp")), "no temporary file left behind");
    }

    @Test
    void aLeftoverTemporaryFileFromACrashDoesNotMatter() throws Exception {
        EpochStore s = new EpochStore(dir);
        s.store(3);
        Files.writeString(dir.resolve("epoch.tmp"), "99", StandardCharsets.US_ASCII); // crash before the rename
        assertEquals(3, s.load());
        s.store(4);
        assertEquals(4, s.load());
    }

    @Test
    void aCorruptFileIsAClearError() throws Exception {
        EpochStore s = new EpochStore(dir);
        for (String bad : new String[] {"", "abc", "-3", "1 2", "99999999999999999999", "\u0000\u0001"}) {
            Files.writeString(dir.resolve("epoch"), bad, StandardCharsets.ISO_8859_1);
            EpochStore.CorruptEpochException e = assertThrows(EpochStore.CorruptEpochException.class, s::load, bad);
            assertTrue(e.getMessage().contains(dir.resolve("epoch").toString()), e.getMessage());
            assertTrue(e.getMessage().contains("corrupt"), e.getMessage());
        }
        Files.writeString(dir.resolve("epoch"), "x".repeat(10_000));
        assertThrows(EpochStore.CorruptEpochException.class, s::load);
    }

    @Test
    void aStoreFailureLeavesTheOldValue() throws Exception {
        Path d = dir.resolve("ro");
        EpochStore s = new EpochStore(d);
        s.store(5);
        Files.createDirectory(d.resolve("epoch.tmp")); // the temporary name is blocked
        assertThrows(java.io.IOException.class, () -> s.store(6));
        assertEquals(5, s.load());
    }
}
