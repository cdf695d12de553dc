package org.switchover.notifier.internal;

import java.util.List;
import java.util.function.IntSupplier;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

/**
 * Splits the byte stream into frames and decodes them. The length field is checked as soon as its four bytes are
 * there, so an oversized frame is refused before any of its body is buffered. After the first error the decoder
 * emits one {@link ProtocolError} and discards everything else the peer sends; the handler closes the connection.
 */
public final class FrameDecoder extends ByteToMessageDecoder {

    private final IntSupplier maxFrameBytes;
    private boolean failed;

    /** @param maxFrameBytes the largest length field accepted; read for every frame so changes apply live */
    public FrameDecoder(IntSupplier maxFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (in.readableBytes() < 4) {
            return;
        }
        int length = in.getInt(in.readerIndex());
        int max = maxFrameBytes.getAsInt();
        if (length < 4) {
            fail(in, out, ProtocolException.MALFORMED_FRAME,
                    "frame length " + length + " is below the minimum of 4 bytes");
            return;
        }
        if (length > max) {
            fail(in, out, ProtocolException.FRAME_TOO_LARGE,
                    "frame length " + length + " exceeds max.frame.bytes " + max);
            return;
        }
        if (in.readableBytes() < 4 + length) {
            return;
        }
        in.skipBytes(4);
        ByteBuf body = in.readSlice(length);
        try {
            out.add(MessageCodec.decode(body));
        } catch (ProtocolException e) {
            fail(in, out, e.type(), e.getMessage());
        }
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        // A connection that ends in the middle of a frame is simply closed; nothing half-read is delivered.
        if (!failed && in.isReadable()) {
            in.skipBytes(in.readableBytes());
        }
    }

    private void fail(ByteBuf in, List<Object> out, String type, String reason) {
        failed = true;
        in.skipBytes(in.readableBytes());
        out.add(new ProtocolError(type, reason));
    }
}
