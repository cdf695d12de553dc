package org.switchover.api.ds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The binary form of an entry round-trips, and hostile bytes are refused naming what was wrong. */
class DirectoryCodecTest {

    private static final DirectoryEntry ENTRY = new DirectoryEntry("${CONFIG}/Users/alice", "User",
            Map.of("Extension", List.of("4711"), "Roles", List.of("agent", "supervisor")));

    private static void refused(String expected, byte[] bytes) {
        IOException e = assertThrows(IOException.class, () -> DirectoryCodec.fromBytes(bytes));
        assertTrue(e.getMessage().startsWith("malformed directory entry") && e.getMessage().contains(expected),
                e.getMessage());
    }

    @Test
    void anEntryRoundTrips() throws IOException {
        assertEquals(ENTRY, DirectoryCodec.fromBytes(DirectoryCodec.toBytes(ENTRY)));
    }

    @Test
    void truncatedOversizedTrailingAndBadPathsAreRefused() throws IOException {
        byte[] b = DirectoryCodec.toBytes(ENTRY);
        refused("truncated in value of Roles", Arrays.copyOf(b, b.length - 1));
        refused("truncated in path", new byte[] {0});
        refused("1 trailing byte(s)", Arrays.copyOf(b, b.length + 1));

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeUTF("a/b");
        out.writeUTF("User");
        out.writeInt(DirectoryCodec.MAX_ITEMS + 1);
        refused("attribute count " + (DirectoryCodec.MAX_ITEMS + 1), bytes.toByteArray());

        bytes.reset();
        out.writeUTF("a/b");
        out.writeUTF("User");
        out.writeInt(1);
        out.writeUTF("x");
        out.writeInt(-1);
        refused("value count of x -1", bytes.toByteArray());

        bytes.reset();
        out.writeUTF("a//b");
        out.writeUTF("User");
        out.writeInt(0);
        refused("", bytes.toByteArray());
    }
}
