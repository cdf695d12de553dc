package org.switchover.notifier.internal;

import java.util.List;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;

/** Turns {@link Message}s into frames. Stateless, shared by every channel. */
@ChannelHandler.Sharable
public final class FrameEncoder extends MessageToMessageEncoder<Message> {

    /** The one instance. */
    public static final FrameEncoder INSTANCE = new FrameEncoder();

    private FrameEncoder() {
        super(Message.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Message msg, List<Object> out) {
        out.add(MessageCodec.encode(msg, ctx.alloc()));
    }
}
