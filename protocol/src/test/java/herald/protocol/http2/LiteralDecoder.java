package herald.protocol.http2;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A test-only {@link HeaderBlockDecoder}: a block is a list of fields, each a one-byte name length, the name, a
 * two-byte value length and the value (ISO-8859-1). A block that ends inside a field is a COMPRESSION_ERROR, as an
 * undecodable HPACK block is. Counts blocks, so tests can see that ignored streams' blocks were decoded too.
 */
final class LiteralDecoder implements HeaderBlockDecoder {
    int blocksDecoded;

    @Override
    public void decode(ByteBuffer block, HeaderFieldSink sink) {
        blocksDecoded++;
        while (block.hasRemaining()) {
            int nameLength = block.get() & 0xff;
            String name = string(block, nameLength);
            if (block.remaining() < 2) {
                throw Http2Exception.compression("truncated field block");
            }
            int valueLength = block.getShort() & 0xffff;
            sink.field(name, string(block, valueLength));
        }
    }

    private static String string(ByteBuffer block, int length) {
        if (block.remaining() < length) {
            throw Http2Exception.compression("truncated field block");
        }
        byte[] bytes = new byte[length];
        block.get(bytes);
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    /** Encodes name/value pairs. */
    static byte[] encode(String... namesAndValues) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            byte[] name = namesAndValues[i].getBytes(StandardCharsets.ISO_8859_1);
            byte[] value = namesAndValues[i + 1].getBytes(StandardCharsets.ISO_8859_1);
            out.write(name.length);
            out.writeBytes(name);
            out.write(value.length >>> 8);
            out.write(value.length);
            out.writeBytes(value);
        }
        return out.toByteArray();
    }

    /** A valid GET of {@code path} with :authority. */
    static byte[] get(String path) {
        return encode(":method", "GET", ":scheme", "https", ":authority", "example.com", ":path", path);
    }

    /** A valid POST of {@code path}. */
    static byte[] post(String path, String... extra) {
        String[] fields = new String[8 + extra.length];
        String[] head = {":method", "POST", ":scheme", "https", ":authority", "example.com", ":path", path};
        System.arraycopy(head, 0, fields, 0, 8);
        System.arraycopy(extra, 0, fields, 8, extra.length);
        return encode(fields);
    }
}
