package herald.bench.peer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ByteProcessor;
import java.nio.charset.StandardCharsets;

/**
 * The Netty peer's event encoding: {@code "id: " + id + "\n"}, then {@code "data: " + line + "\n"} per line of the
 * data (split at CRLF, LF and CR; empty data and a trailing line break give an empty line, as Herald's encoder
 * does), then the blank line.
 */
final class SseEvents {
    private static final byte[] ID = "id: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);

    private SseEvents() {
    }

    /** A new direct buffer holding the event. */
    static ByteBuf encode(ByteBufAllocator allocator, long id, ByteBuf data) {
        int from = data.readerIndex();
        int end = data.writerIndex();
        int lines = 1;
        int breakBytes = 0;
        for (int at = from, lineEnd; (lineEnd = lineEnd(data, at, end)) != end; lines++) {
            at = nextLine(data, lineEnd, end);
            breakBytes += at - lineEnd;
        }
        int length = ID.length + decimalLength(id) + 1 + lines * (DATA.length + 1) + (end - from - breakBytes) + 1;
        ByteBuf out = allocator.directBuffer(length);
        out.writeBytes(ID);
        writeDecimal(out, id);
        out.writeByte('\n');
        int at = from;
        while (true) {
            int lineEnd = lineEnd(data, at, end);
            out.writeBytes(DATA);
            out.writeBytes(data, at, lineEnd - at);
            out.writeByte('\n');
            if (lineEnd == end) {
                break;
            }
            at = nextLine(data, lineEnd, end);
        }
        out.writeByte('\n');
        return out;
    }

    /** Index of the CR or LF ending the line that starts at {@code at}, or {@code end}. */
    private static int lineEnd(ByteBuf data, int at, int end) {
        if (at >= end) {
            return end;
        }
        int i = data.forEachByte(at, end - at, ByteProcessor.FIND_CRLF);
        return i < 0 ? end : i;
    }

    /** Index after the line break at {@code lineEnd} (CRLF counts as one). */
    private static int nextLine(ByteBuf data, int lineEnd, int end) {
        if (data.getByte(lineEnd) == '\r' && lineEnd + 1 < end && data.getByte(lineEnd + 1) == '\n') {
            return lineEnd + 2;
        }
        return lineEnd + 1;
    }

    private static int decimalLength(long value) {
        int n = 1;
        while (value >= 10) {
            value /= 10;
            n++;
        }
        return n;
    }

    private static void writeDecimal(ByteBuf out, long value) {
        int length = decimalLength(value);
        int at = out.writerIndex() + length;
        out.writerIndex(at);
        do {
            out.setByte(--at, (int) ('0' + value % 10));
            value /= 10;
        } while (value > 0);
    }
}
