package org.switchover.support.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;

import org.junit.jupiter.api.Test;

class WireReaderTest {

    @Test
    void roundTripIsByteIdenticalToDataOutputStream() throws IOException {
        byte[] ours = WireWriter.encode(w -> w.u8(2).i64(7L).bool(true).utf("Config/Users").i32(-1)
                .blob(new byte[] {1, 2, 3}).raw(new byte[] {9}));
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(b);
        d.writeByte(2);
        d.writeLong(7L);
        d.writeBoolean(true);
        d.writeUTF("Config/Users");
        d.writeInt(-1);
        d.writeInt(3);
        d.write(new byte[] {1, 2, 3});
        d.write(9);
        assertArrayEquals(b.toByteArray(), ours);

        WireReader r = new WireReader(ours, "test message");
        assertEquals(2, r.version(1, 2));
        assertEquals(7L, r.i64("n"));
        assertTrue(r.bool("flag"));
        assertEquals("Config/Users", r.utf("path"));
        assertEquals(-1, r.i32("i"));
        assertArrayEquals(new byte[] {1, 2, 3}, r.blob("blob", 3));
        assertArrayEquals(new byte[] {9}, r.raw("raw", 1));
        assertFalse(r.hasMore());
        r.end();
    }

    @Test
    void refusalsNameTheMessageTheFieldAndTheProblem() throws MalformedMessageException {
        byte[] msg = WireWriter.encode(w -> w.u8(9).i32(1_000_000).utf("x"));
        MalformedMessageException v = assertThrows(MalformedMessageException.class,
                () -> new WireReader(msg, "dssync stream message").version(1, 2));
        assertEquals("dssync stream message: version: version 9 not understood (this node reads [1, 2]) (8 bytes)",
                v.getMessage());

        WireReader r = new WireReader(msg, "m");
        r.u8("v");
        MalformedMessageException c = assertThrows(MalformedMessageException.class, () -> r.count("children", 10));
        assertTrue(c.getMessage().contains("children: count 1000000 outside 0..10"), c.getMessage());

        WireReader t = new WireReader(new byte[] {0, 0, 0}, "m");
        MalformedMessageException tr = assertThrows(MalformedMessageException.class, () -> t.i64("number"));
        assertTrue(tr.getMessage().contains("number: truncated: needs 8 byte(s), 3 left"), tr.getMessage());

        WireReader s = new WireReader(new byte[] {0, 5, 'a'}, "m");
        assertTrue(assertThrows(MalformedMessageException.class, () -> s.utf("path")).getMessage()
                .contains("path: truncated string"));

        WireReader trailing = new WireReader(new byte[] {1, 2}, "m");
        trailing.u8("a");
        assertTrue(assertThrows(MalformedMessageException.class, trailing::end).getMessage()
                .contains("1 unexpected trailing byte(s)"));

        WireReader neg = new WireReader(WireWriter.encode(w -> w.i32(-5)), "m");
        assertTrue(assertThrows(MalformedMessageException.class, () -> neg.blob("data", 100)).getMessage()
                .contains("data: length -5 outside 0..100"));

        WireReader badBool = new WireReader(new byte[] {7}, "m");
        assertTrue(assertThrows(MalformedMessageException.class, () -> badBool.bool("flag")).getMessage()
                .contains("boolean byte 7"));
    }

    @Test
    void textIsTheUtf8OfABlobAndItsLengthIsChecked() throws IOException {
        String text = "Grüße, 你好 – " + "x".repeat(70_000);
        byte[] utf8 = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        WireReader r = new WireReader(WireWriter.encode(16, w -> w.blob(utf8).u8(5)), "m");
        assertEquals(text, r.text("body", utf8.length));
        assertEquals(5, r.u8("after"));
        r.end();

        WireReader tooLong = new WireReader(WireWriter.encode(w -> w.blob(utf8)), "m");
        assertTrue(assertThrows(MalformedMessageException.class, () -> tooLong.text("body", 10)).getMessage()
                .contains("body: length " + utf8.length + " outside 0..10"));
        WireReader truncated = new WireReader(WireWriter.encode(w -> w.i32(10).u8('a')), "m");
        assertTrue(assertThrows(MalformedMessageException.class, () -> truncated.text("body", 100)).getMessage()
                .contains("body: truncated: needs 10 byte(s), 1 left"));
    }

    @Test
    void aHugeAnnouncedLengthIsRefusedBeforeAnyAllocation() {
        WireReader r = new WireReader(WireWriter.encode(w -> w.i32(Integer.MAX_VALUE)), "m");
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> r.blob("chunk", Integer.MAX_VALUE));
        assertTrue(e.getMessage().contains("chunk: truncated"), e.getMessage());
    }

    @Test
    void aPartOfAnArrayIsReadInPlaceWithinItsBounds() throws IOException {
        byte[] inner = WireWriter.encode(w -> w.i64(-2L).utf("Grüße").utf("plain").text("Text – ok"));
        byte[] outer = WireWriter.encode(w -> w.u8(7).blob(x -> x.raw(inner)).u8(8));
        WireReader o = new WireReader(outer, "outer");
        assertEquals(7, o.u8("a"));
        int at = o.skipBlob("inner", 1000);
        int length = o.position() - at;
        assertEquals(8, o.u8("b"));
        o.end();
        assertEquals(inner.length, length);

        WireReader r = new WireReader(outer, at, length, "inner");
        assertEquals(-2L, r.i64("n"));
        assertEquals("Grüße", r.utf("s"));
        assertEquals("plain", r.utf("t"));
        assertEquals("Text – ok", r.text("u", 100));
        r.end();
        WireReader cut = new WireReader(outer, at, 10, "inner");
        cut.i64("n");
        MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> cut.utf("s"));
        assertEquals("inner: s: truncated string (10 bytes)", e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> new WireReader(outer, at, outer.length, "inner"));
    }
}
