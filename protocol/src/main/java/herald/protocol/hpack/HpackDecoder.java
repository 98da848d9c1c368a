package herald.protocol.hpack;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Decodes the header blocks of one HTTP/2 connection (RFC 7541), keeping the dynamic table the peer's encoder builds.
 * One instance per connection, used by one thread at a time; blocks in the order they arrive.
 *
 * <p><b>Limits.</b> {@code maxTableSize} is the SETTINGS_HEADER_TABLE_SIZE this endpoint advertises: a dynamic table
 * size update above it is a COMPRESSION_ERROR. The table starts at the smaller of it and the protocol's initial
 * {@value #DEFAULT_HEADER_TABLE_SIZE} (a peer's encoder starts at 4096 and signals any change with an update), so
 * advertise at least 4096: with less, a peer that fills a 4096-octet table before it has seen the setting refers to
 * entries this decoder has already evicted, a COMPRESSION_ERROR. {@code maxHeaderListSize} bounds the decoded list
 * as RFC 9113 §6.5.2 counts it (name octets + value octets + 32 per field). Past it the rest of the block is still
 * decoded, so the dynamic table stays in sync, but no more fields reach the sink and none are materialised: many
 * references to one large entry (an "HPACK bomb") cost their block octets and nothing else. The block then ends in
 * a {@link HpackException.Kind#HEADER_LIST_TOO_LARGE}.
 *
 * <p><b>Errors.</b> Every HPACK violation throws a {@link HpackException.Kind#COMPRESSION_ERROR} with a one-line
 * reason: an index of 0 or beyond the tables, an integer over 2^31 - 1 or longer than 6 octets, a string longer than
 * the rest of the block, a block ending inside a representation, EOS or an invalid padding in a Huffman string, a
 * table size update above the advertised maximum, after a field, or a third one in a block. The decoder is then
 * unusable ({@link IllegalStateException} on the next call). Field names and values RFC 9113 §8.2.1 forbids end the
 * block in a {@link HpackException.Kind#MALFORMED_FIELD} after the whole block was decoded (see {@link FieldSink}),
 * unless the decoder was built not to check fields (for an HTTP/2 layer that checks them itself).
 *
 * <p><b>Allocation.</b> Fields found in the static or dynamic table reach the sink as the table's strings; a literal
 * costs its strings (one per literal name, one per value) and nothing else. A scratch array grows to the longest
 * literal pair seen, at most twice the larger of the two limits.
 */
public final class HpackDecoder {
    /** The initial SETTINGS_HEADER_TABLE_SIZE of RFC 9113 §6.5.2. */
    public static final int DEFAULT_HEADER_TABLE_SIZE = 4096;

    private static final int TOO_LARGE = 1 << 8;        // beside FieldChars' problem codes

    private final int maxTableSize;
    private final long maxHeaderListSize;
    private final boolean checkFields;
    private final int maxStoredString;                  // a longer string can be neither emitted nor indexed
    private final DynamicTable table;
    private byte[] scratch = new byte[128];
    private boolean failed;

    // State of the block being decoded.
    private int position;
    private long listSize;
    private int problems;

    /**
     * A decoder that checks field names and values (RFC 9113 §8.2.1).
     *
     * @param maxTableSize      the SETTINGS_HEADER_TABLE_SIZE advertised to the peer, in octets
     * @param maxHeaderListSize the largest header list accepted (RFC 9113 SETTINGS_MAX_HEADER_LIST_SIZE), in octets
     * @throws IllegalArgumentException when a limit is negative
     */
    public HpackDecoder(int maxTableSize, long maxHeaderListSize) {
        this(maxTableSize, maxHeaderListSize, true);
    }

    /**
     * @param checkFields false for an HTTP/2 layer that checks names and values itself: every field is then passed
     *                    on as decoded (ISO-8859-1, any octets) and {@link HpackException.Kind#MALFORMED_FIELD} is
     *                    never thrown
     * @see #HpackDecoder(int, long)
     */
    public HpackDecoder(int maxTableSize, long maxHeaderListSize, boolean checkFields) {
        if (maxTableSize < 0) {
            throw new IllegalArgumentException("maxTableSize=" + maxTableSize + " (must be >= 0)");
        }
        if (maxHeaderListSize < 0) {
            throw new IllegalArgumentException("maxHeaderListSize=" + maxHeaderListSize + " (must be >= 0)");
        }
        this.maxTableSize = maxTableSize;
        this.checkFields = checkFields;
        this.maxHeaderListSize = maxHeaderListSize;
        this.maxStoredString = (int) Math.min(Math.max(maxTableSize, maxHeaderListSize), Integer.MAX_VALUE / 2 - 16);
        this.table = new DynamicTable(Math.min(maxTableSize, DEFAULT_HEADER_TABLE_SIZE));
    }

    /**
     * Decodes one complete header block (the fragments of a HEADERS frame and its CONTINUATION frames, joined) from
     * {@code block}'s position to its limit, passing each field to {@code sink}. The buffer's position ends at its
     * limit; its content is not kept.
     *
     * @throws HpackException         as the class comment says; {@link HpackException#connectionError()} tells which
     * @throws IllegalStateException  after a COMPRESSION_ERROR (the connection must be closed)
     */
    public void decode(ByteBuffer block, FieldSink sink) {
        if (failed) {
            throw new IllegalStateException("decoder failed on an earlier block: the connection must close");
        }
        failed = true;                          // cleared below unless a compression error (or the sink) throws
        int limit = block.limit();
        int i = block.position();
        listSize = 0;
        problems = 0;
        int sizeUpdates = 0;
        boolean fieldSeen = false;
        while (i < limit) {
            int b = block.get(i) & 0xFF;
            if (b >= 0x80) {                                            // 1xxxxxxx indexed field (§6.1)
                long r = PrefixedInt.decode(block, i, limit, 7);
                i = (int) r;
                indexedField((int) (r >>> 32), sink);
            } else if (b >= 0x40 || b < 0x20) {                         // 01xxxxxx with indexing, 000xxxxx without
                i = literalField(block, i, limit, b >= 0x40, sink);     // or never indexed (§6.2)
            } else {                                                    // 001xxxxx table size update (§6.3)
                if (fieldSeen) {
                    throw HpackException.compression("dynamic table size update after a field");
                }
                if (++sizeUpdates > 2) {
                    throw HpackException.compression("more than two dynamic table size updates");
                }
                long r = PrefixedInt.decode(block, i, limit, 5);
                i = (int) r;
                int size = (int) (r >>> 32);
                if (size > maxTableSize) {
                    throw HpackException.compression("dynamic table size update=" + size
                            + " exceeds SETTINGS_HEADER_TABLE_SIZE=" + maxTableSize);
                }
                table.capacity(size);
                continue;
            }
            fieldSeen = true;
        }
        block.position(limit);
        failed = false;
        if (problems != 0) {
            throw problems == TOO_LARGE
                    ? HpackException.headerListTooLarge(maxHeaderListSize)
                    : HpackException.malformed(FieldChars.reason(problems));
        }
    }

    private void indexedField(int index, FieldSink sink) {
        if (index == 0) {
            throw HpackException.compression("field index=0");
        }
        if (index <= StaticTable.LENGTH) {
            emit(StaticTable.name(index), StaticTable.value(index), 0, sink);
            return;
        }
        int d = dynamicIndex(index);
        emit(table.name(d), table.value(d), table.flags(d), sink);
    }

    private int dynamicIndex(int index) {
        int d = index - StaticTable.LENGTH - 1;
        if (d >= table.length()) {
            throw HpackException.compression("field index=" + index + " exceeds table length="
                    + (StaticTable.LENGTH + table.length()));
        }
        return d;
    }

    private void emit(String name, String value, int fieldProblems, FieldSink sink) {
        listSize += name.length() + value.length() + DynamicTable.ENTRY_OVERHEAD;
        if (problems != 0) {
            return;
        }
        if (listSize > maxHeaderListSize) {
            problems = TOO_LARGE;
        } else if (fieldProblems != 0) {
            problems = fieldProblems;
        } else {
            sink.field(name, value);
        }
    }

    /** A literal field representation (§6.2) starting at {@code i}; returns the index after it. */
    private int literalField(ByteBuffer block, int i, int limit, boolean indexing, FieldSink sink) {
        long r = PrefixedInt.decode(block, i, limit, indexing ? 6 : 4);
        i = (int) r;
        int nameIndex = (int) (r >>> 32);
        String name = null;
        int nameLength;
        int nameProblems;
        int storedName = 0;                     // octets of a literal name in scratch[0, storedName)
        if (nameIndex == 0) {
            nameLength = readString(block, i, limit, 0);
            i = position;
            storedName = Math.min(nameLength, maxStoredString);
            nameProblems = !checkFields ? 0
                    : nameLength == storedName ? FieldChars.checkName(scratch, 0, nameLength)
                    : FieldChars.INVALID_NAME;  // too long to emit or index: which problem does not matter
        } else if (nameIndex <= StaticTable.LENGTH) {
            name = StaticTable.name(nameIndex);
            nameLength = name.length();
            nameProblems = 0;
        } else {
            int d = dynamicIndex(nameIndex);
            name = table.name(d);
            nameLength = name.length();
            nameProblems = table.flags(d) & FieldChars.NAME_PROBLEMS;
        }
        int valueLength = readString(block, i, limit, storedName);
        i = position;
        int fieldProblems = nameProblems;
        if (checkFields && valueLength <= maxStoredString) {
            fieldProblems |= FieldChars.checkValue(scratch, storedName, valueLength);
        }
        long fieldSize = (long) nameLength + valueLength + DynamicTable.ENTRY_OVERHEAD;
        // Both imply the strings were stored whole: maxStoredString >= both limits.
        boolean index = indexing && fieldSize <= table.capacity();
        boolean emit = problems == 0 && fieldProblems == 0 && listSize + fieldSize <= maxHeaderListSize
                && valueLength <= maxStoredString && (name != null || nameLength == storedName);
        if (indexing && !index) {
            table.clear();                      // an entry larger than the table empties it (§4.4)
        }
        listSize += fieldSize;
        if (index || emit) {
            if (name == null) {
                name = new String(scratch, 0, nameLength, StandardCharsets.ISO_8859_1);
            }
            String value = new String(scratch, storedName, valueLength, StandardCharsets.ISO_8859_1);
            if (index) {
                table.add(name, value, (byte) fieldProblems);
            }
            if (emit) {
                sink.field(name, value);
                return i;
            }
        }
        if (problems == 0) {                    // not emitted: invalid, over the limit, or a string too long to keep
            problems = fieldProblems != 0 && listSize <= maxHeaderListSize ? fieldProblems : TOO_LARGE;
        }
        return i;
    }

    /**
     * Reads a string literal (§5.2) starting at {@code i} into {@code scratch} from {@code offset}, storing at most
     * {@link #maxStoredString} octets; sets {@link #position} after it.
     *
     * @return the string's decoded length (octets beyond the stored ones were only counted)
     */
    private int readString(ByteBuffer block, int i, int limit, int offset) {
        if (i == limit) {
            throw HpackException.compression("block ends inside a field representation");
        }
        boolean huffman = block.get(i) < 0;
        long r = PrefixedInt.decode(block, i, limit, 7);
        i = (int) r;
        int length = (int) (r >>> 32);
        if (length > limit - i) {
            throw HpackException.compression("string length=" + length + " exceeds the block's remaining="
                    + (limit - i));
        }
        position = i + length;
        if (!huffman) {
            int stored = Math.min(length, maxStoredString);
            ensureScratch(offset + stored);
            block.get(i, scratch, offset, stored);
            return length;
        }
        long mostDecoded = length * 8L / 5;     // the shortest code has 5 bits
        ensureScratch(offset + (int) Math.min(mostDecoded, maxStoredString));
        return Huffman.decode(block, i, length, scratch, offset, Math.min(scratch.length, offset + maxStoredString));
    }

    private void ensureScratch(int needed) {
        if (needed > scratch.length) {
            scratch = java.util.Arrays.copyOf(scratch, Math.max(needed, Math.min(2 * scratch.length,
                    2 * maxStoredString)));
        }
    }

    // ---- for tests ----

    DynamicTable table() {
        return table;
    }

    int scratchLength() {
        return scratch.length;
    }
}
