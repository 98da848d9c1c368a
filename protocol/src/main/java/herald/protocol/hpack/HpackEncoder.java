package herald.protocol.hpack;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.util.Locale;

/**
 * Encodes the header blocks one HTTP/2 connection sends (RFC 7541), keeping the dynamic table the peer's decoder
 * mirrors. One instance per connection, used by one thread at a time, blocks written in the order they are sent.
 *
 * <p><b>A block</b> is {@link #startBlock} then any of {@link #status}, {@link #field}, {@link #fieldWithoutIndexing},
 * {@link #fieldNeverIndexed} and {@link #fields(ByteBuffer, PrecomputedFields)}, in field order. {@code startBlock}
 * writes the dynamic table size updates a {@link #peerMaxTableSize} change calls for (RFC 7541 §4.2); a field
 * written while one is pending is an {@link IllegalStateException}.
 *
 * <p><b>Indexing.</b> {@code field} uses a static or dynamic table entry when one matches, else writes a literal
 * that is added to the dynamic table when it fits, unless its name is one whose values rarely repeat
 * ({@code content-length}, {@code date}, {@code etag}, {@code last-modified}, {@code expires}, {@code age},
 * {@code location}, {@code set-cookie}, {@code content-range}). Strings are Huffman-coded when that is shorter.
 *
 * <p><b>Names and values</b> are ISO-8859-1; names are tokens (or {@code :} and a token), written lowercase (RFC 9113
 * §8.2); values hold no control but HTAB and do not start or end with SP or HTAB (RFC 9113 §8.2.1). Anything else is
 * an {@link IllegalArgumentException}, with nothing written.
 *
 * <p><b>Room.</b> Each call checks that its representation fits in {@code out} before writing or changing any state,
 * and throws {@link BufferOverflowException} if not: the bytes already written for the block stay valid, so the
 * caller may move them to a larger buffer and repeat the call. A block that is abandoned part-way leaves the dynamic
 * table ahead of the peer's: the connection must then close.
 */
public final class HpackEncoder {
    private static final int INDEXED = 0x80;            // §6.1, 7-bit prefix
    private static final int WITH_INDEXING = 0x40;      // §6.2.1, 6-bit prefix
    private static final int WITHOUT_INDEXING = 0x00;   // §6.2.2, 4-bit prefix
    private static final int NEVER_INDEXED = 0x10;      // §6.2.3, 4-bit prefix
    private static final int SIZE_UPDATE = 0x20;        // §6.3, 5-bit prefix
    private static final int HUFFMAN = 0x80;            // §5.2, H bit of a string length

    /** Static table names (by index) whose values rarely repeat: never added to the dynamic table. */
    private static final boolean[] UNINDEXED = new boolean[StaticTable.LENGTH + 1];

    static {
        for (String name : new String[] {"age", "content-length", "content-range", "date", "etag", "expires",
                "last-modified", "location", "set-cookie"}) {
            UNINDEXED[StaticTable.nameIndex(name)] = true;
        }
    }

    private final int maxTableSize;
    private final DynamicTable table = new DynamicTable(HpackDecoder.DEFAULT_HEADER_TABLE_SIZE);
    private final StringBuilder digits = new StringBuilder(20);
    private boolean updatePending;
    private int smallestSize;           // the smallest table size since the last block (§4.2)
    private int targetSize;             // the table size the next block starts with

    /**
     * @param maxTableSize the most octets of dynamic table this encoder keeps, whatever the peer allows (0: never
     *                     index); the table used is the smaller of this and the peer's SETTINGS_HEADER_TABLE_SIZE
     * @throws IllegalArgumentException when negative
     */
    public HpackEncoder(int maxTableSize) {
        if (maxTableSize < 0) {
            throw new IllegalArgumentException("maxTableSize=" + maxTableSize + " (must be >= 0)");
        }
        this.maxTableSize = maxTableSize;
        peerMaxTableSize(HpackDecoder.DEFAULT_HEADER_TABLE_SIZE);
    }

    /**
     * Applies the peer's SETTINGS_HEADER_TABLE_SIZE (an unsigned 32-bit value); call between blocks. When the table
     * size this encoder uses changes, the next {@link #startBlock} signals it.
     *
     * @throws IllegalArgumentException unless {@code 0 <= settingsValue <= 2^32 - 1}
     */
    public void peerMaxTableSize(long settingsValue) {
        if (settingsValue < 0 || settingsValue > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("SETTINGS_HEADER_TABLE_SIZE=" + settingsValue);
        }
        int size = (int) Math.min(maxTableSize, settingsValue);
        if (updatePending) {
            smallestSize = Math.min(smallestSize, size);
            targetSize = size;
        } else if (size != table.capacity()) {
            updatePending = true;
            smallestSize = size;
            targetSize = size;
        }
    }

    /** Begins a header block: writes the pending dynamic table size updates, if any. */
    public void startBlock(ByteBuffer out) {
        if (!updatePending) {
            return;
        }
        boolean two = smallestSize < targetSize;
        int size = (two ? PrefixedInt.length(5, smallestSize) : 0) + PrefixedInt.length(5, targetSize);
        room(out, size);
        if (two) {
            PrefixedInt.encode(out, SIZE_UPDATE, 5, smallestSize);
            table.capacity(smallestSize);
        }
        PrefixedInt.encode(out, SIZE_UPDATE, 5, targetSize);
        table.capacity(targetSize);
        updatePending = false;
    }

    /**
     * Writes {@code :status}: one octet for the statuses of the static table (200, 204, 206, 304, 400, 404, 500),
     * else a literal without indexing (5 octets).
     *
     * @throws IllegalArgumentException unless {@code 100 <= status <= 599}
     */
    public void status(ByteBuffer out, int status) {
        int index = switch (status) {
            case 200 -> 8;
            case 204 -> 9;
            case 206 -> 10;
            case 304 -> 11;
            case 400 -> 12;
            case 404 -> 13;
            case 500 -> 14;
            default -> 0;
        };
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("status=" + status + " (must be 100..599)");
        }
        checkNoPendingUpdate();
        if (index != 0) {
            room(out, 1);
            out.put((byte) (INDEXED | index));
            return;
        }
        room(out, 5);
        out.put((byte) (WITHOUT_INDEXING | 8)).put((byte) 3)          // name index 8 (:status), raw 3-octet value
                .put((byte) ('0' + status / 100))
                .put((byte) ('0' + status / 10 % 10))
                .put((byte) ('0' + status % 10));
    }

    /** Writes a field, from the tables when they hold it, else as a literal indexed when it pays (class comment). */
    public void field(ByteBuffer out, String name, String value) {
        check(name, value);
        int index = StaticTable.exactIndex(name, value);
        if (index == 0) {
            index = dynamicExactIndex(name, value);
        }
        if (index != 0) {
            room(out, PrefixedInt.length(7, index));
            PrefixedInt.encode(out, INDEXED, 7, index);
            return;
        }
        int staticName = StaticTable.nameIndex(name);
        long entrySize = (long) name.length() + value.length() + DynamicTable.ENTRY_OVERHEAD;
        boolean indexing = entrySize <= table.capacity() && !UNINDEXED[staticName];
        literal(out, indexing ? WITH_INDEXING : WITHOUT_INDEXING, name, value, staticName);
        if (indexing) {
            table.add(name.toLowerCase(Locale.ROOT), value, (byte) 0);
        }
    }

    /** Writes a field with a decimal value (e.g. {@code content-length}) as a literal without indexing. */
    public void field(ByteBuffer out, String name, long value) {
        if (value < 0) {
            throw new IllegalArgumentException("negative field value: value=" + value);
        }
        digits.setLength(0);
        digits.append(value);                    // into the builder's own array: no allocation
        checkName(name);
        literal(out, WITHOUT_INDEXING, name, digits, StaticTable.nameIndex(name));
    }

    /** Writes a literal field the peer's decoder does not index (RFC 7541 §6.2.2); intermediaries may. */
    public void fieldWithoutIndexing(ByteBuffer out, String name, String value) {
        check(name, value);
        literal(out, WITHOUT_INDEXING, name, value, StaticTable.nameIndex(name));
    }

    /**
     * Writes a literal field that no decoder or intermediary may index (RFC 7541 §6.2.3, §7.1.3): for values worth
     * protecting from compression-based attacks, such as short secrets.
     */
    public void fieldNeverIndexed(ByteBuffer out, String name, String value) {
        check(name, value);
        literal(out, NEVER_INDEXED, name, value, StaticTable.nameIndex(name));
    }

    /** Copies fields encoded once; valid whatever the dynamic table holds. */
    public void fields(ByteBuffer out, PrecomputedFields fields) {
        checkNoPendingUpdate();
        room(out, fields.length());
        out.put(fields.bytes());
    }

    /** A literal with a static name index, else a dynamic one, else a literal name. */
    private void literal(ByteBuffer out, int flags, String name, CharSequence value, int staticName) {
        checkNoPendingUpdate();
        int nameIndex = staticName != 0 ? staticName : dynamicNameIndex(name);
        writeLiteral(out, flags, nameIndex, name, value);
    }

    /** Writes one literal representation after checking its room; {@code nameIndex} 0 writes the name. */
    static void writeLiteral(ByteBuffer out, int flags, int nameIndex, String name, CharSequence value) {
        int prefix = flags == WITH_INDEXING ? 6 : 4;
        int nameHuffman = nameIndex == 0 ? Huffman.encodedLength(name, true) : 0;
        int valueHuffman = Huffman.encodedLength(value, false);
        int size = PrefixedInt.length(prefix, nameIndex)
                + (nameIndex == 0 ? stringLength(name, nameHuffman) : 0)
                + stringLength(value, valueHuffman);
        room(out, size);
        PrefixedInt.encode(out, flags, prefix, nameIndex);
        if (nameIndex == 0) {
            writeString(out, name, nameHuffman, true);
        }
        writeString(out, value, valueHuffman, false);
    }

    /** Writes an indexed representation; for {@link PrecomputedFields}. */
    static void writeIndexed(ByteBuffer out, int index) {
        room(out, PrefixedInt.length(7, index));
        PrefixedInt.encode(out, INDEXED, 7, index);
    }

    private static int stringLength(CharSequence s, int huffmanLength) {
        int n = Math.min(huffmanLength, s.length());
        return PrefixedInt.length(7, n) + n;
    }

    private static void writeString(ByteBuffer out, CharSequence s, int huffmanLength, boolean lowercase) {
        int n = s.length();
        if (huffmanLength < n) {
            PrefixedInt.encode(out, HUFFMAN, 7, huffmanLength);
            Huffman.encode(out, s, lowercase);
            return;
        }
        PrefixedInt.encode(out, 0, 7, n);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            out.put((byte) (lowercase && c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c));
        }
    }

    private int dynamicExactIndex(String name, String value) {
        for (int i = 0, n = table.length(); i < n; i++) {
            if (table.value(i).equals(value) && table.name(i).equalsIgnoreCase(name)) {
                return StaticTable.LENGTH + 1 + i;
            }
        }
        return 0;
    }

    private int dynamicNameIndex(String name) {
        for (int i = 0, n = table.length(); i < n; i++) {
            if (table.name(i).equalsIgnoreCase(name)) {
                return StaticTable.LENGTH + 1 + i;
            }
        }
        return 0;
    }

    private void checkNoPendingUpdate() {
        if (updatePending) {
            throw new IllegalStateException("a table size update is pending: call startBlock first");
        }
    }

    static void check(String name, String value) {
        checkName(name);
        String problem = FieldChars.valueProblem(value);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    private static void checkName(String name) {
        String problem = FieldChars.nameProblem(name);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    private static void room(ByteBuffer out, int bytes) {
        if (out.remaining() < bytes) {
            throw new BufferOverflowException();
        }
    }

    // ---- for tests ----

    DynamicTable table() {
        return table;
    }
}
