package herald.bench.peer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;

/**
 * One topic of the Netty peer: its last id and, per event loop, the group of subscriber channels that loop serves.
 * A group is changed only on its own loop (subscribe; a closed channel leaves by itself) and read there.
 */
final class Topic {
    /** A subscriber with more than this queued in Netty at a publish is closed. */
    static final int MAX_QUEUED_BYTES = 4 << 20;

    final String name;
    private final EventLoop[] loops;
    private final ChannelGroup[] groups;
    private long lastId;                        // guarded by this

    Topic(String name, EventLoop[] loops) {
        this.name = name;
        this.loops = loops;
        this.groups = new ChannelGroup[loops.length];
        for (int i = 0; i < loops.length; i++) {
            groups[i] = new DefaultChannelGroup(name, loops[i]);
        }
    }

    /** Adds a subscriber; on its event loop. */
    void subscribe(Channel channel) {
        EventLoop loop = channel.eventLoop();
        for (int i = 0; i < loops.length; i++) {
            if (loops[i] == loop) {
                groups[i].add(channel);
                return;
            }
        }
        throw new IllegalStateException("channel of an unknown event loop: " + channel);
    }

    /**
     * Encodes {@code data} once as the topic's next event and queues it to every loop with subscribers; returns
     * its id. The id is taken and the tasks queued under the topic's lock, so every loop sees events in id order.
     */
    long publish(ByteBufAllocator allocator, ByteBuf data) {
        synchronized (this) {
            long id = ++lastId;
            ByteBuf event = SseEvents.encode(allocator, id, data);
            try {
                for (int i = 0; i < loops.length; i++) {
                    ChannelGroup group = groups[i];
                    if (!group.isEmpty()) {
                        event.retain();
                        loops[i].execute(new Delivery(group, event));
                    }
                }
            } finally {
                event.release();
            }
            return id;
        }
    }

    /** Writes one event to the channels of one loop, on that loop. Owns one reference to the event. */
    private record Delivery(ChannelGroup group, ByteBuf event) implements Runnable {
        @Override
        public void run() {
            try {
                for (Channel channel : group) {
                    if (!channel.isWritable() && channel.bytesBeforeWritable() > MAX_QUEUED_BYTES) {
                        channel.close();                 // far behind: give up on it now
                        continue;
                    }
                    channel.writeAndFlush(event.retainedDuplicate(), channel.voidPromise());
                }
            } finally {
                event.release();
            }
        }
    }
}
