package herald.protocol.hpack;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Fields encoded once, to be copied into many header blocks by {@link HpackEncoder#fields}: e.g. the
 * {@code :status: 200} and {@code content-type: text/event-stream} that start every SSE response.
 *
 * <p>Only representations that do not depend on the dynamic table: a static table entry when one matches exactly,
 * else a literal without indexing (RFC 7541 §6.2.2) with a static name index when there is one. The bytes stay valid
 * on every connection whatever its tables hold. Immutable and thread-safe: create them as constants.
 */
public final class PrecomputedFields {
    private final byte[] bytes;

    private PrecomputedFields(byte[] bytes) {
        this.bytes = bytes;
    }

    /**
     * Encodes {@code name, value, name, value, …}; {@code ":status", "200"} is a field like any other.
     *
     * @throws IllegalArgumentException on an odd count, or a name or value {@link HpackEncoder} refuses
     */
    public static PrecomputedFields of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values must pair up: count=" + namesAndValues.length);
        }
        int worstCase = 0;
        for (int i = 0; i < namesAndValues.length; i += 2) {
            HpackEncoder.check(namesAndValues[i], namesAndValues[i + 1]);
            worstCase += 16 + namesAndValues[i].length() + namesAndValues[i + 1].length();
        }
        ByteBuffer out = ByteBuffer.allocate(worstCase);
        for (int i = 0; i < namesAndValues.length; i += 2) {
            String name = namesAndValues[i];
            String value = namesAndValues[i + 1];
            int exact = StaticTable.exactIndex(name, value);
            if (exact != 0) {
                HpackEncoder.writeIndexed(out, exact);
            } else {
                HpackEncoder.writeLiteral(out, 0x00, StaticTable.nameIndex(name), name, value);
            }
        }
        return new PrecomputedFields(Arrays.copyOf(out.array(), out.position()));
    }

    /** Octets {@link HpackEncoder#fields} writes. */
    public int length() {
        return bytes.length;
    }

    byte[] bytes() {
        return bytes;
    }
}
