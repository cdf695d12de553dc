package org.switchover.notifier.internal;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * Splits the byte stream into frames and decodes them. The length field is checked as soon as its four bytes are
 * there, so an oversized frame is refused before any of its body is buffered. After the first error the decoder
 * emits one {@link ProtocolError} and discards everything else the peer sends; the handler closes the connection.
 * A frame that stays half-received longer than the frame timeout is such an error too.
 */
public final class FrameDecoder extends ByteToMessageDecoder {

    private final IntSupplier maxFrameBytes;
    private final LongSupplier frameTimeoutMillis;
    private boolean failed;
    /** Frames completed so far: tells the frame timer whether the frame it watches has ended. */
    private long completed;
    private ScheduledFuture<?> timer;

    /** @param maxFrameBytes the largest length field accepted; read for every frame so changes apply live */
    public FrameDecoder(IntSupplier maxFrameBytes) {
        this(maxFrameBytes, () -> Long.MAX_VALUE);
    }

    /**
     * @param maxFrameBytes the largest length field accepted; read for every frame so changes apply live
     * @param frameTimeoutMillis how long a frame may stay half-received; then a {@code frame-timeout} error ends the
     *     connection (a peer that starts frames and never finishes them would otherwise hold their buffers)
     */
    public FrameDecoder(IntSupplier maxFrameBytes, LongSupplier frameTimeoutMillis) {
        this.maxFrameBytes = maxFrameBytes;
        this.frameTimeoutMillis = frameTimeoutMillis;
    }

    @Override
    protected void callDecode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        super.callDecode(ctx, in, out);
        if (!failed && in.isReadable() && timer == null) {
            watch(ctx, completed);
        }
    }

    private void watch(ChannelHandlerContext ctx, long frame) {
        long ms = frameTimeoutMillis.getAsLong();
        if (ms == Long.MAX_VALUE) {
            return;
        }
        timer = ctx.executor().schedule(() -> {
            timer = null;
            ByteBuf pending = internalBuffer();
            if (failed || !pending.isReadable() || ctx.isRemoved()) {
                return;
            }
            if (completed == frame) {
                failed = true;
                int have = pending.readableBytes();
                pending.skipBytes(have);
                ctx.fireChannelRead(new ProtocolError(ProtocolException.FRAME_TIMEOUT, "a frame stayed incomplete for "
                        + ms + " ms (" + have + " bytes received; frame.timeout.ms)"));
            } else {
                watch(ctx, completed);
            }
        }, ms, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
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
                    "frame length " + length + " exceeds " + (max == Limits.LOGON_FRAME_BYTES
                            ? "the limit before the logon, " : "max.frame.bytes ") + max);
            return;
        }
        if (in.readableBytes() < 4 + length) {
            return;
        }
        in.skipBytes(4);
        completed++;
        ByteBuf body = in.readSlice(length);
        try {
            out.add(MessageCodec.decode(body));
        } catch (ProtocolException e) {
            fail(in, out, e.type(), e.getMessage());
        }
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        handlerRemoved0(ctx);
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
