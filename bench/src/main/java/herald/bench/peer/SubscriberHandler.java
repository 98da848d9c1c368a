package herald.bench.peer;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The pipeline of a subscriber once its stream started: discards whatever the client sends, closes the channel
 * on errors, and closes it when it stays unwritable for {@value #UNWRITABLE_CLOSE_SECONDS} seconds.
 */
final class SubscriberHandler extends ChannelInboundHandlerAdapter {
    static final int UNWRITABLE_CLOSE_SECONDS = 5;

    private ScheduledFuture<?> closeIfStillUnwritable;   // event loop only

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (!ctx.channel().isWritable()) {
            if (closeIfStillUnwritable == null) {
                closeIfStillUnwritable = ctx.executor().schedule(() -> {
                    if (!ctx.channel().isWritable()) {
                        ctx.close();
                    }
                }, UNWRITABLE_CLOSE_SECONDS, TimeUnit.SECONDS);
            }
        } else if (closeIfStillUnwritable != null) {
            closeIfStillUnwritable.cancel(false);
            closeIfStillUnwritable = null;
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (closeIfStillUnwritable != null) {
            closeIfStillUnwritable.cancel(false);
            closeIfStillUnwritable = null;
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
