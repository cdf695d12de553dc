package org.switchover.notifier.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

class FrameCodecTest {

    private static final int MAX = 4096;

    private static EmbeddedChannel channel() {
        return new EmbeddedChannel(new FrameDecoder(() -> MAX), FrameEncoder.INSTANCE);
    }

    private static ByteBuf encode(Message m) {
        return MessageCodec.encode(m, ByteBufAllocator.DEFAULT);
    }

    /** A frame with a hand-written header and payload. */
    private static ByteBuf raw(String header, byte[] payload) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuf b = Unpooled.buffer();
        b.writeInt(4 + h.length + payload.length);
        b.writeInt(h.length);
        b.writeBytes(h);
        b.writeBytes(payload);
        return b;
    }

    @Test
    void everyKindSurvivesARoundTrip() {
        byte[] body = {1, 2, 3, 0, (byte) 0xff};
        List<Message> all = List.of(
                new Message.Hello("B", "MAIN", 1, "1.2.3"),
                new Message.HelloAck(),
                new Message.HelloRefused("same node letter"),
                new Message.Request("obj", "TS Diagnostic Ping", 42L, "B/AUX", body),
                new Message.Response(42L, "REPLY", "", body),
                new Message.Response(43L, "REJECTED", "no handler for event id 'x'", new byte[0]),
                new Message.Subscribe("ds", "epoch-7", 99L),
                new Message.Unsubscribe("ds"),
                new Message.Data("ds", "epoch-7", 100L, body),
                new Message.Resync("ds", "epoch-7", 5000L),
                new Message.Ack("ds", 100L));
        EmbeddedChannel out = channel();
        EmbeddedChannel in = channel();
        for (Message m : all) {
            out.writeOutbound(m);
            ByteBuf frame = out.readOutbound();
            in.writeInbound(frame);
            Object decoded = in.readInbound();
            Message d = assertInstanceOf(Message.class, decoded, () -> "decoded " + decoded);
            assertEquals(m.kind(), d.kind());
            assertArrayEquals(m.payload(), d.payload());
            // records with arrays do not compare by content; compare the header text instead
            assertEquals(new String(MessageCodec.header(m), StandardCharsets.UTF_8),
                    new String(MessageCodec.header(d), StandardCharsets.UTF_8));
        }
    }

    @Test
    void framesSplitAnywhereAreReassembled() {
        EmbeddedChannel in = channel();
        ByteBuf two = Unpooled.wrappedBuffer(encode(new Message.Data("s", "r", 1, new byte[300])),
                encode(new Message.Ack("s", 1)));
        byte[] bytes = new byte[two.readableBytes()];
        two.readBytes(bytes);
        for (byte b : bytes) {
            in.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }
        Message.Data d = assertInstanceOf(Message.Data.class, in.readInbound());
        assertEquals(300, d.payload().length);
        assertInstanceOf(Message.Ack.class, in.readInbound());
        assertNull(in.readInbound());
    }

    @Test
    void aFrameOfExactlyTheMaximumIsAccepted() {
        EmbeddedChannel in = channel();
        int headerLen = MessageCodec.header(new Message.Data("s", "r", 1, new byte[0])).length;
        byte[] payload = new byte[MAX - 4 - headerLen];
        ByteBuf frame = encode(new Message.Data("s", "r", 1, payload));
        assertEquals(MAX, frame.getInt(0));
        in.writeInbound(frame);
        Message.Data d = assertInstanceOf(Message.Data.class, in.readInbound());
        assertEquals(payload.length, d.payload().length);
    }

    @Test
    void anOversizedLengthFailsAsSoonAsTheLengthIsRead() {
        EmbeddedChannel in = channel();
        // Only the 4-byte length of a 64 MiB frame: the error must not wait for (or buffer) the body.
        in.writeInbound(Unpooled.buffer().writeInt(64 * 1024 * 1024));
        ProtocolError e = assertInstanceOf(ProtocolError.class, in.readInbound());
        assertEquals(ProtocolException.FRAME_TOO_LARGE, e.type());
        assertTrue(e.reason().contains("67108864"), e.reason());
        // one byte over the limit fails too
        EmbeddedChannel in2 = channel();
        in2.writeInbound(Unpooled.buffer().writeInt(MAX + 1));
        assertEquals(ProtocolException.FRAME_TOO_LARGE, ((ProtocolError) in2.readInbound()).type());
    }

    @Test
    void garbageGivesOneErrorAndEverythingAfterItIsDropped() {
        EmbeddedChannel in = channel();
        Random r = new Random(7);
        ByteBuf garbage = Unpooled.buffer();
        for (int i = 0; i < 10_000; i++) {
            // 10,000 small frames of random bytes (plausible lengths, nonsense content)
            byte[] junk = new byte[12];
            r.nextBytes(junk);
            garbage.writeInt(12).writeBytes(junk);
        }
        in.writeInbound(garbage);
        in.writeInbound(encode(new Message.HelloAck()));
        ProtocolError e = assertInstanceOf(ProtocolError.class, in.readInbound());
        assertEquals(ProtocolException.MALFORMED_FRAME, e.type());
        assertNull(in.readInbound(), "nothing after the first error");
    }

    @Test
    void malformedFramesNameWhatIsWrong() {
        assertMalformed(Unpooled.buffer().writeInt(2).writeShort(0), "below the minimum");
        assertMalformed(Unpooled.buffer().writeInt(-5), "below the minimum");
        // header length larger than the frame: truncated header
        assertMalformed(Unpooled.buffer().writeInt(8).writeInt(100).writeInt(0), "does not fit");
        assertMalformed(raw("{not json", new byte[0]), "not valid JSON");
        assertMalformed(raw("[1,2]", new byte[0]), "not a JSON object");
        assertMalformed(raw("{\"kind\":\"FLY\"}", new byte[0]), "unknown message kind 'FLY'");
        assertMalformed(raw("{\"oid\":\"x\"}", new byte[0]), "lacks field 'kind'");
        assertMalformed(raw("{\"kind\":\"REQUEST\",\"oid\":\"*\",\"rid\":1,\"sender\":\"B\"}", new byte[0]),
                "lacks field 'eid'");
        assertMalformed(raw("{\"kind\":\"ACK\",\"stream\":\"s\",\"seq\":\"7\"}", new byte[0]), "must be an integer");
        assertMalformed(raw("{\"kind\":\"ACK\",\"stream\":\"s\",\"seq\":-1}", new byte[0]), "negative");
        assertMalformed(raw("{\"kind\":\"HELLO_ACK\"}", new byte[] {1}), "must not carry a payload");
        assertMalformed(raw("{\"kind\":\"RESPONSE\",\"rid\":1,\"outcome\":\"MAYBE\",\"detail\":\"\"}", new byte[0]),
                "REPLY or REJECTED");
    }

    @Test
    void aConnectionEndingMidFrameDeliversNothing() {
        EmbeddedChannel in = channel();
        ByteBuf frame = encode(new Message.Data("s", "r", 1, new byte[100]));
        in.writeInbound(frame.readRetainedSlice(50));
        in.finish();
        assertNull(in.readInbound());
    }

    private static void assertMalformed(ByteBuf frame, String reasonPart) {
        EmbeddedChannel in = channel();
        in.writeInbound(frame);
        ProtocolError e = assertInstanceOf(ProtocolError.class, in.readInbound(), reasonPart);
        assertEquals(ProtocolException.MALFORMED_FRAME, e.type());
        assertTrue(e.reason().contains(reasonPart), () -> "'" + e.reason() + "' should mention '" + reasonPart + "'");
    }
}
