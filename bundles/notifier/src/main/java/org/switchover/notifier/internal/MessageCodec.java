package org.switchover.notifier.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

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
 * ({@code headerLength} bytes, UTF-8, an object with a {@code kind} field and one field per component of the
 * kind's {@link Message} record, under the component's name), then the raw payload (the rest).
 * Stateless and thread-safe.
 */
public final class MessageCodec {

    /** Bytes before the header: the frame length and the header length. */
    public static final int PREFIX_BYTES = 8;

    private static final ObjectMapper MAPPER;
    private static final JsonFactory FACTORY;
    /** The header fields of each kind: the components of its record, named and ordered as on the wire. */
    private static final Map<Message.Kind, RecordComponent[]> COMPONENTS = new EnumMap<>(Message.Kind.class);
    private static final Map<Message.Kind, Constructor<?>> CONSTRUCTORS = new EnumMap<>(Message.Kind.class);

    static {
        for (Message.Kind k : Message.Kind.values()) {
            RecordComponent[] fields = k.type().getRecordComponents();
            COMPONENTS.put(k, fields);
            try {
                Constructor<?> c = k.type().getDeclaredConstructor(
                        Arrays.stream(fields).map(RecordComponent::getType).toArray(Class<?>[]::new));
                // checked once here instead of on every message: the access check of each reflective call showed
                // as several per cent of a busy stream's CPU in a flight recording
                c.setAccessible(true);
                for (RecordComponent f : fields) {
                    f.getAccessor().setAccessible(true);
                }
                CONSTRUCTORS.put(k, c);
            } catch (NoSuchMethodException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
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

    /** @return the JSON header of {@code m} as UTF-8 bytes: its kind, then every record component but the payload. */
    static byte[] header(Message m) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(96);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("kind", m.kind().name());
            for (RecordComponent c : COMPONENTS.get(m.kind())) {
                if (c.getType() == String.class) {
                    g.writeStringField(c.getName(), (String) read(c, m));
                } else if (c.getType() != byte[].class) {
                    g.writeNumberField(c.getName(), ((Number) read(c, m)).longValue());
                }
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
        RecordComponent[] fields = COMPONENTS.get(kind);
        Object[] values = new Object[fields.length];
        boolean carriesPayload = false;
        for (int i = 0; i < fields.length; i++) {
            RecordComponent c = fields[i];
            if (c.getType() == byte[].class) {
                values[i] = payload;
                carriesPayload = true;
            } else if (c.getType() == String.class) {
                values[i] = text(h, c.getName());
            } else if (c.getType() == int.class) {
                values[i] = integer(h, c.getName());
            } else {
                values[i] = number(h, c.getName());
            }
        }
        if (kind == Message.Kind.RESPONSE && !values[1].equals(Message.Response.REPLY)
                && !values[1].equals(Message.Response.REJECTED)) {
            throw malformed("RESPONSE outcome must be REPLY or REJECTED, got '" + abbreviate((String) values[1])
                    + "'");
        }
        if (!carriesPayload && payload.length > 0) {
            throw malformed(kind + " must not carry a payload (" + payload.length + " bytes)");
        }
        try {
            return (Message) CONSTRUCTORS.get(kind).newInstance(values);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build a " + kind + " message", e);
        }
    }

    private static Object read(RecordComponent c, Message m) {
        try {
            return c.getAccessor().invoke(m);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + c.getName() + " of a " + m.kind() + " message", e);
        }
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
