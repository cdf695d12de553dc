package org.switchover.notifier.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Frame layout: {@code int length} (big-endian, bytes that follow), {@code int headerLength}, the JSON header
 * ({@code headerLength} bytes, UTF-8, an object with a {@code kind} field), then the raw payload (the rest).
 * Stateless and thread-safe.
 */
public final class MessageCodec {

    /** Bytes before the header: the frame length and the header length. */
    public static final int PREFIX_BYTES = 8;

    private static final ObjectMapper MAPPER;
    private static final JsonFactory FACTORY;

    static {
        JsonFactory f = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(8).build())
                .build();
        MAPPER = new ObjectMapper(f);
        FACTORY = MAPPER.getFactory();
    }

    private MessageCodec() {
    }

    /**
     * Encodes a whole frame, length field included. The payload is wrapped, not copied.
     *
     * @param m the message
     * @param alloc allocator for the prefix and header
     * @return the frame
     */
    public static ByteBuf encode(Message m, ByteBufAllocator alloc) {
        byte[] header = header(m);
        byte[] payload = m.payload();
        ByteBuf head = alloc.buffer(PREFIX_BYTES + header.length);
        head.writeInt(4 + header.length + payload.length);
        head.writeInt(header.length);
        head.writeBytes(header);
        if (payload.length == 0) {
            return head;
        }
        CompositeByteBuf frame = alloc.compositeBuffer(2);
        frame.addComponent(true, head);
        frame.addComponent(true, Unpooled.wrappedBuffer(payload));
        return frame;
    }

    /**
     * @param maxFrameBytes the frame limit (length field value)
     * @param headerOnly a message of the kind, with the header fields it will carry
     * @return the largest payload such a frame can carry under the limit
     */
    static int maxPayload(int maxFrameBytes, Message headerOnly) {
        return maxFrameBytes - 4 - header(headerOnly).length;
    }

    /** @return the JSON header of {@code m} as UTF-8 bytes. */
    static byte[] header(Message m) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(96);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("kind", m.kind().name());
            if (m instanceof Message.Hello h) {
                g.writeStringField("node", h.node());
                g.writeStringField("link", h.link());
                g.writeNumberField("protocol", h.protocol());
                g.writeStringField("version", h.version());
            } else if (m instanceof Message.HelloRefused r) {
                g.writeStringField("reason", r.reason());
            } else if (m instanceof Message.Request r) {
                g.writeStringField("oid", r.oid());
                g.writeStringField("eid", r.eid());
                g.writeNumberField("rid", r.rid());
                g.writeStringField("sender", r.sender());
            } else if (m instanceof Message.Response r) {
                g.writeNumberField("rid", r.rid());
                g.writeStringField("outcome", r.outcome());
                g.writeStringField("detail", r.detail());
            } else if (m instanceof Message.Subscribe sub) {
                g.writeStringField("stream", sub.stream());
                g.writeStringField("replicationId", sub.replicationId());
                g.writeNumberField("after", sub.after());
            } else if (m instanceof Message.Unsubscribe u) {
                g.writeStringField("stream", u.stream());
            } else if (m instanceof Message.Data d) {
                g.writeStringField("stream", d.stream());
                g.writeStringField("replicationId", d.replicationId());
                g.writeNumberField("seq", d.seq());
            } else if (m instanceof Message.Resync r) {
                g.writeStringField("stream", r.stream());
                g.writeStringField("replicationId", r.replicationId());
                g.writeNumberField("head", r.head());
            } else if (m instanceof Message.Ack a) {
                g.writeStringField("stream", a.stream());
                g.writeNumberField("seq", a.seq());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode " + m.kind() + " header", e);
        }
        return out.toByteArray();
    }

    /**
     * Decodes the part of a frame after its length field.
     *
     * @param body exactly the bytes the length field announced; consumed
     * @return the message
     * @throws ProtocolException ({@code malformed-frame}) naming what does not decode
     */
    public static Message decode(ByteBuf body) throws ProtocolException {
        if (body.readableBytes() < 4) {
            throw malformed("frame of " + body.readableBytes() + " bytes has no header length");
        }
        int headerLength = body.readInt();
        if (headerLength < 2 || headerLength > body.readableBytes()) {
            throw malformed("header length " + headerLength + " does not fit the frame ("
                    + body.readableBytes() + " bytes left)");
        }
        JsonNode h;
        try (ByteBufInputStream in = new ByteBufInputStream(body.readSlice(headerLength))) {
            h = MAPPER.readTree(in);
        } catch (IOException | RuntimeException e) {
            throw malformed("header is not valid JSON: " + firstLine(e.getMessage()));
        }
        if (h == null || !h.isObject()) {
            throw malformed("header is not a JSON object");
        }
        String kindText = text(h, "kind");
        Message.Kind kind;
        try {
            kind = Message.Kind.valueOf(kindText);
        } catch (IllegalArgumentException e) {
            throw malformed("unknown message kind '" + abbreviate(kindText) + "'");
        }
        byte[] payload = new byte[body.readableBytes()];
        body.readBytes(payload);
        Message m = switch (kind) {
            case HELLO -> new Message.Hello(text(h, "node"), text(h, "link"), integer(h, "protocol"),
                    text(h, "version"));
            case HELLO_ACK -> new Message.HelloAck();
            case HELLO_REFUSED -> new Message.HelloRefused(text(h, "reason"));
            case REQUEST -> new Message.Request(text(h, "oid"), text(h, "eid"), number(h, "rid"),
                    text(h, "sender"), payload);
            case RESPONSE -> {
                String outcome = text(h, "outcome");
                if (!outcome.equals(Message.Response.REPLY) && !outcome.equals(Message.Response.REJECTED)) {
                    throw malformed("RESPONSE outcome must be REPLY or REJECTED, got '" + abbreviate(outcome) + "'");
                }
                yield new Message.Response(number(h, "rid"), outcome, text(h, "detail"), payload);
            }
            case SUBSCRIBE -> new Message.Subscribe(text(h, "stream"), text(h, "replicationId"), number(h, "after"));
            case UNSUBSCRIBE -> new Message.Unsubscribe(text(h, "stream"));
            case DATA -> new Message.Data(text(h, "stream"), text(h, "replicationId"), number(h, "seq"), payload);
            case RESYNC -> new Message.Resync(text(h, "stream"), text(h, "replicationId"), number(h, "head"));
            case ACK -> new Message.Ack(text(h, "stream"), number(h, "seq"));
        };
        boolean carriesPayload = kind == Message.Kind.REQUEST || kind == Message.Kind.RESPONSE
                || kind == Message.Kind.DATA;
        if (!carriesPayload && payload.length > 0) {
            throw malformed(kind + " must not carry a payload (" + payload.length + " bytes)");
        }
        return m;
    }

    private static String text(JsonNode h, String field) throws ProtocolException {
        JsonNode v = h.get(field);
        if (v == null || v.isNull()) {
            throw malformed("header lacks field '" + field + "'");
        }
        if (v.getNodeType() != JsonNodeType.STRING) {
            throw malformed("header field '" + field + "' must be a string");
        }
        return v.asText();
    }

    private static long number(JsonNode h, String field) throws ProtocolException {
        JsonNode v = h.get(field);
        if (v == null || v.isNull()) {
            throw malformed("header lacks field '" + field + "'");
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw malformed("header field '" + field + "' must be an integer");
        }
        long n = v.asLong();
        if (n < 0) {
            throw malformed("header field '" + field + "' must not be negative: " + n);
        }
        return n;
    }

    private static int integer(JsonNode h, String field) throws ProtocolException {
        long n = number(h, field);
        if (n > Integer.MAX_VALUE) {
            throw malformed("header field '" + field + "' is too large: " + n);
        }
        return (int) n;
    }

    private static ProtocolException malformed(String reason) {
        return new ProtocolException(ProtocolException.MALFORMED_FRAME, reason);
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return abbreviate(nl < 0 ? s : s.substring(0, nl));
    }
}
