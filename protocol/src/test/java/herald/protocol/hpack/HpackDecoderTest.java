package herald.protocol.hpack;

import herald.protocol.sse.AllocationMeter;

import static herald.protocol.hpack.Blocks.block;
import static herald.protocol.hpack.Blocks.decode;
import static herald.protocol.hpack.Blocks.entries;
import static herald.protocol.hpack.Blocks.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import herald.protocol.hpack.HpackException.Kind;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every rejection of {@link HpackDecoder} as a named test, the header list limit, and the table kept in sync. */
final class HpackDecoderTest {
    private static final String LARGE = "a".repeat(4000);

    // ---- COMPRESSION_ERROR: the connection closes ----

    @Test
    void shouldRejectIndexZero() {
        assertCompressionError("field index=0", block().indexed(0).build());
    }

    @Test
    void shouldRejectIndexPastTheStaticTableWhenTheDynamicTableIsEmpty() {
        assertCompressionError("field index=62 exceeds table length=61", block().indexed(62).build());
    }

    @Test
    void shouldRejectIndexPastTheDynamicTable() {
        HpackDecoder decoder = decoder();
        decode(decoder, block().withIndexing(0, "x-a", "1").build());
        assertEquals(List.of("x-a: 1"), decode(decoder, block().indexed(62).build()));
        assertCompressionError(decoder, "field index=63 exceeds table length=62", block().indexed(63).build());
    }

    @Test
    void shouldRejectALiteralWhoseNameIndexIsPastTheTables() {
        assertCompressionError("field index=62 exceeds table length=61", block().withIndexing(62, "", "v").build());
        assertCompressionError("field index=70 exceeds table length=61",
                block().withoutIndexing(70, "", "v").build());
        assertCompressionError("field index=5000 exceeds table length=61",
                block().neverIndexed(5000, "", "v").build());
    }

    @Test
    void shouldRejectAnIndexThatOverflowsTheIntegerCodec() {
        assertCompressionError("integer exceeds max=2147483647", hex("ff ffff ffff 7f"));
        assertCompressionError("integer exceeds maxOctets=6", hex("ff 8080 8080 8000"));
    }

    @Test
    void shouldRejectAStringLongerThanTheRestOfTheBlock() {
        assertCompressionError("string length=10 exceeds the block's remaining=2", hex("40 0a 6375"));
        assertCompressionError("string length=2147483647 exceeds the block's remaining=1",
                hex("41 7f 80ff ffff 07 61"));
    }

    @Test
    void shouldRejectABlockEndingInsideARepresentation() {
        assertCompressionError("block ends inside a field representation", hex("40"));
        assertCompressionError("block ends inside a field representation", hex("40 03 6162 63"));
        assertCompressionError("block ends inside a field representation", hex("41"));
        assertCompressionError("block ends inside an integer", hex("7f"));
    }

    @Test
    void shouldRejectEosInAHuffmanString() {
        assertCompressionError("huffman string holds EOS", hex("41 85 1fff ffff ff"));
    }

    @Test
    void shouldRejectHuffmanPaddingLongerThanSevenBits() {
        assertCompressionError("huffman padding longer than 7 bits", hex("41 82 1fff"));
    }

    @Test
    void shouldRejectHuffmanPaddingThatIsNotAllOnes() {
        assertCompressionError("huffman padding is not a prefix of EOS", hex("41 81 18"));
    }

    @Test
    void shouldRejectATableSizeUpdateAboveTheAdvertisedMaximum() {
        assertCompressionError("dynamic table size update=4097 exceeds SETTINGS_HEADER_TABLE_SIZE=4096",
                block().sizeUpdate(4097).build());
        HpackDecoder small = new HpackDecoder(256, 16_384);
        assertCompressionError(small, "dynamic table size update=257 exceeds SETTINGS_HEADER_TABLE_SIZE=256",
                block().sizeUpdate(257).build());
    }

    @Test
    void shouldRejectATableSizeUpdateAfterAField() {
        assertCompressionError("dynamic table size update after a field", block().indexed(2).sizeUpdate(0).build());
    }

    @Test
    void shouldRejectAThirdTableSizeUpdate() {
        assertCompressionError("more than two dynamic table size updates",
                block().sizeUpdate(0).sizeUpdate(100).sizeUpdate(4096).build());
    }

    @Test
    void shouldAcceptTwoTableSizeUpdatesAtTheStartOfABlock() {
        HpackDecoder decoder = decoder();
        decode(decoder, block().withIndexing(0, "x-a", "1").build());
        assertEquals(List.of(":method: GET"), decode(decoder, block().sizeUpdate(0).sizeUpdate(4096).indexed(2).build()));
        assertEquals(List.of(), entries(decoder.table()), "the update to 0 evicted everything");
        assertEquals(4096, decoder.table().capacity());
    }

    @Test
    void shouldRefuseEveryBlockAfterACompressionError() {
        HpackDecoder decoder = decoder();
        assertThrows(HpackException.class, () -> decode(decoder, hex("80")));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> decode(decoder, hex("82")));
        assertEquals("decoder failed on an earlier block: the connection must close", e.getMessage());
    }

    // ---- the dynamic table ----

    @Test
    void shouldEvictOldestEntriesWhenATableSizeUpdateShrinksTheTable() {
        HpackDecoder decoder = decoder();
        decode(decoder, block().withIndexing(0, "x-a", "1").withIndexing(0, "x-b", "2").withIndexing(0, "x-c", "3")
                .build());
        assertEquals(3 * 36, decoder.table().size());
        decode(decoder, block().sizeUpdate(80).build());
        assertEquals(List.of("x-c: 3", "x-b: 2"), entries(decoder.table()));
        assertEquals(List.of("x-d: 4"), decode(decoder, block().withIndexing(0, "x-d", "4").build()));
        assertEquals(List.of("x-d: 4", "x-c: 3"), entries(decoder.table()), "adding evicts within the new size");
    }

    @Test
    void shouldEmptyTheTableForAnEntryLargerThanIt() {
        HpackDecoder decoder = new HpackDecoder(100, 16_384);
        decode(decoder, block().withIndexing(0, "x-a", "1").build());
        String value = "v".repeat(70);
        assertEquals(List.of("x-big: " + value), decode(decoder, block().withIndexing(0, "x-big", value).build()));
        assertEquals(List.of(), entries(decoder.table()));
        assertEquals(0, decoder.table().size());
    }

    @Test
    void shouldDecodeAnEmptyBlockAndLeaveThePositionAtTheLimit() {
        assertEquals(List.of(), decode(decoder(), ByteBuffer.allocate(0)));
        ByteBuffer block = ByteBuffer.allocateDirect(16).put(hex("8286 8482")).flip();
        assertEquals(List.of(":method: GET", ":scheme: http", ":path: /", ":method: GET"), decode(decoder(), block));
        assertEquals(block.limit(), block.position());
    }

    @Test
    void shouldDecodeFromADirectBufferAndAnOffsetSlice() {
        ByteBuffer heap = hex("ffff 8287 85 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf");
        heap.position(2);
        ByteBuffer direct = ByteBuffer.allocateDirect(64).put(heap.duplicate()).flip();
        List<String> expected = List.of(":method: GET", ":scheme: https", ":path: /index.html",
                "custom-key: custom-value");
        assertEquals(expected, decode(decoder(), heap));
        assertEquals(expected, decode(decoder(), direct));
    }

    // ---- MALFORMED_FIELD: the stream fails, the table stays in sync ----

    @Test
    void shouldRejectAnUppercaseNameAsAMalformedStreamAndKeepTheTableInSync() {
        HpackDecoder decoder = decoder();
        Blocks.Collector sink = new Blocks.Collector();
        HpackException e = assertThrows(HpackException.class,
                () -> decoder.decode(block().indexed(2).withIndexing(0, "Custom-Key", "v").indexed(4).build(), sink));
        assertEquals(Kind.MALFORMED_FIELD, e.kind());
        assertFalse(e.connectionError());
        assertEquals("uppercase character in field name", e.getMessage());
        assertEquals(List.of(":method: GET"), sink.fields, "the fields before the malformed one, none after");
        assertEquals(List.of("Custom-Key: v"), entries(decoder.table()), "still indexed, as the peer did");
        assertMalformed(decoder, "uppercase character in field name", block().indexed(62).build());
        assertMalformed(decoder, "uppercase character in field name", block().withoutIndexing(62, "", "w").build());
        assertEquals(List.of(":method: GET"), decode(decoder, block().indexed(2).build()), "the connection goes on");
    }

    @Test
    void shouldRejectNamesRfc9113Forbids() {
        assertMalformed("empty field name", block().withoutIndexing(0, "", "v").build());
        assertMalformed("empty field name", block().withoutIndexing(0, ":", "v").build());
        assertMalformed("empty field name", block().withoutIndexing(0, ":a", "v").withoutIndexing(0, "", "v").build());
        assertMalformed("field name is not a lowercase token", block().withoutIndexing(0, "a b", "v").build());
        assertMalformed("field name is not a lowercase token", block().withoutIndexing(0, "a:b", "v").build());
        assertMalformed("field name is not a lowercase token", block().withoutIndexing(0, "::a", "v").build());
        assertMalformed("field name is not a lowercase token", block().withoutIndexing(0, "a\u0000", "v").build());
        assertMalformed("field name is not a lowercase token", block().withoutIndexing(0, "caf\u00e9", "v").build());
        assertMalformed("field name is not a lowercase token", block().withoutIndexing(0, "a\u007f", "v").build());
        assertMalformed("field name is not a lowercase token", block().withoutIndexing(0, "a\"b", "v").build());
        assertMalformed("uppercase character in field name", block().withoutIndexing(0, "X", "v").build());
    }

    @Test
    void shouldPassFieldsOnUncheckedWhenBuiltNotToCheckThem() {
        HpackDecoder decoder = new HpackDecoder(4096, 16_384, false);
        assertEquals(List.of("Custom-Key: v", "a b: \u0000", ": v ", "x: " + "v".repeat(100)),
                decode(decoder, block().withIndexing(0, "Custom-Key", "v").withoutIndexing(0, "a b", "\u0000")
                        .withoutIndexing(0, "", "v ").withoutIndexing(0, "x", "v".repeat(100)).build()));
        assertEquals(List.of("Custom-Key: v"), decode(decoder, block().indexed(62).build()));
        HpackDecoder small = new HpackDecoder(4096, 100, false);
        assertEquals(Kind.HEADER_LIST_TOO_LARGE, assertThrows(HpackException.class,
                () -> decode(small, block().withoutIndexing(0, "X", "v".repeat(100)).build())).kind());
    }

    @Test
    void shouldAcceptLowercaseTokensAndPseudoHeaderNames() {
        assertEquals(List.of("x-!#$%&'*+-.^_`|~09az: v", ":path: /", ":protocol: websocket"),
                decode(decoder(), block().withoutIndexing(0, "x-!#$%&'*+-.^_`|~09az", "v")
                        .withoutIndexing(0, ":path", "/").withoutIndexing(0, ":protocol", "websocket").build()));
    }

    @Test
    void shouldRejectControlCharactersInAValue() {
        for (String value : new String[] {"a\u0000b", "a\rb", "a\nb", "\u0001", "a\u001fb", "a\u007f"}) {
            assertMalformed("control character in field value", block().withoutIndexing(0, "x", value).build());
        }
    }

    @Test
    void shouldRejectWhitespaceAroundAValue() {
        for (String value : new String[] {" v", "v ", "\tv", "v\t", " "}) {
            assertMalformed("field value starts or ends with whitespace",
                    block().withoutIndexing(0, "x", value).build());
        }
    }

    @Test
    void shouldAcceptInnerWhitespaceObsTextAndEmptyValues() {
        assertEquals(List.of("x: a b\tc", "y: \u0080\u00ff", "z: "), decode(decoder(), block()
                .withoutIndexing(0, "x", "a b\tc").withoutIndexing(0, "y", "\u0080\u00ff")
                .withoutIndexing(0, "z", "").build()));
    }

    // ---- HEADER_LIST_TOO_LARGE: the stream fails, the table stays in sync ----

    @Test
    void shouldFailTheStreamWhenTheHeaderListExceedsTheLimit() {
        HpackDecoder decoder = new HpackDecoder(4096, 100);
        Blocks.Collector sink = new Blocks.Collector();
        ByteBuffer block = block().withoutIndexing(0, "a", "b").withoutIndexing(0, "c", "d")
                .withoutIndexing(0, "e", "f").indexed(2).build();
        HpackException e = assertThrows(HpackException.class, () -> decoder.decode(block, sink));
        assertEquals(Kind.HEADER_LIST_TOO_LARGE, e.kind());
        assertFalse(e.connectionError());
        assertEquals("header list exceeds maxHeaderListSize=100", e.getMessage());
        assertEquals(List.of("a: b", "c: d"), sink.fields);
        assertEquals(block.limit(), block.position(), "the whole block was decoded");
    }

    @Test
    void shouldCountIndexedFieldsAgainstTheLimitToTheOctet() {
        // :method: GET is 7 + 3 + 32 = 42 octets
        assertEquals(List.of(":method: GET", ":method: GET"), decode(new HpackDecoder(4096, 84), hex("8282")));
        HpackDecoder tight = new HpackDecoder(4096, 83);
        assertEquals(Kind.HEADER_LIST_TOO_LARGE,
                assertThrows(HpackException.class, () -> decode(tight, hex("8282"))).kind());
    }

    @Test
    void shouldReportAMalformedFieldThatEndsExactlyAtTheLimitAsMalformed() {
        HpackDecoder decoder = new HpackDecoder(4096, 34);       // "A" + "b" + 32
        assertMalformed(decoder, "uppercase character in field name", block().withoutIndexing(0, "A", "b").build());
    }

    @Test
    void shouldIndexAnEntryExactlyTheTableSize() {
        HpackDecoder decoder = new HpackDecoder(100, 16_384);
        String value = "v".repeat(67);                           // 1 + 67 + 32 = 100
        decode(decoder, block().withIndexing(0, "x", value).build());
        assertEquals(List.of("x: " + value), entries(decoder.table()));
    }

    @Test
    void shouldAcceptZeroLimits() {
        HpackDecoder decoder = new HpackDecoder(0, 0);
        assertEquals(List.of(), decode(decoder, ByteBuffer.allocate(0)));
        assertEquals(Kind.HEADER_LIST_TOO_LARGE,
                assertThrows(HpackException.class, () -> decode(decoder, hex("82"))).kind());
    }

    @Test
    void shouldAcceptAHeaderListExactlyAtTheLimit() {
        HpackDecoder decoder = new HpackDecoder(4096, 102);
        assertEquals(List.of("a: b", "c: d", "e: f"), decode(decoder, block().withoutIndexing(0, "a", "b")
                .withoutIndexing(0, "c", "d").withoutIndexing(0, "e", "f").build()));
    }

    @Test
    void shouldKeepIndexingAfterTheLimitSoTheTableStaysInSync() {
        HpackDecoder decoder = new HpackDecoder(4096, 100);
        ByteBuffer tooLarge = block().withIndexing(0, "x-a", "1").withoutIndexing(0, "big", "v".repeat(100))
                .withIndexing(0, "x-b", "2").withIndexing(0, "x-c", "v".repeat(300)).build();
        assertEquals(Kind.HEADER_LIST_TOO_LARGE,
                assertThrows(HpackException.class, () -> decode(decoder, tooLarge)).kind());
        assertEquals(List.of("x-c: " + "v".repeat(300), "x-b: 2", "x-a: 1"), entries(decoder.table()));
        assertEquals(List.of("x-b: 2", "x-a: 1"), decode(decoder, block().indexed(63).indexed(64).build()));
    }

    @Test
    void shouldRefuseAnHpackBombWithoutMaterialisingTheList() {
        HpackDecoder decoder = new HpackDecoder(4096, 16_384);
        decode(decoder, block().withIndexing(0, "x", LARGE).build());
        ByteBuffer bomb = ByteBuffer.wrap(new byte[200_000]);        // 200,000 references to the 4,033-octet entry:
        for (int i = 0; i < bomb.capacity(); i++) {                  // a list of 806 MB
            bomb.put(i, (byte) 0xbe);
        }
        int[] received = new int[1];
        FieldSink counting = (name, value) -> received[0]++;
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            for (int i = 0; i < 3; i++) {                           // warm-up: class loading, string concatenation
                failure(decoder, bomb.clear(), counting);
            }
            received[0] = 0;
            long before = AllocationMeter.allocatedBytes();
            HpackException e = failure(decoder, bomb.clear(), counting);
            long allocated = AllocationMeter.allocatedBytes() - before;
            assertEquals(Kind.HEADER_LIST_TOO_LARGE, e.kind());
            assertEquals(4, received[0], "16,384 / 4,033 fields reach the sink");
            // The exception is about 100 B; the rest is slack for JVM bookkeeping (a run under PIT once saw more).
            // Materialising the list would cost over 800 MB.
            assertTrue(allocated < 65_536, "allocated=" + allocated);
        });
        assertEquals(List.of("x: " + LARGE), decode(decoder, block().indexed(62).build()), "still in sync");
    }

    @Test
    void shouldNotKeepALongLiteralPastTheLimits() {
        HpackDecoder decoder = new HpackDecoder(4096, 16_384);
        String huge = "v".repeat(1 << 20);
        ByteBuffer raw = block().withoutIndexing(0, "x", huge).build();
        ByteBuffer huffman = ByteBuffer.allocate(1 << 21);
        HpackEncoder.writeLiteral(huffman, 0x00, 0, "y", huge);       // 'v' is 7 bits: Huffman is shorter
        huffman = huffman.flip().slice();                             // so that clear() restores exactly the block
        ByteBuffer indexed = block().withIndexing(0, "z", huge).build();
        FieldSink ignore = (n, v) -> { };
        for (ByteBuffer block : List.of(raw, huffman, indexed)) {
            for (int i = 0; i < 3; i++) {                            // warm-up: class loading, string concatenation
                failure(decoder, block.clear(), ignore);
            }
            long before = AllocationMeter.allocatedBytes();
            HpackException e = failure(decoder, block.clear(), ignore);
            long allocated = AllocationMeter.allocatedBytes() - before;
            assertEquals(Kind.HEADER_LIST_TOO_LARGE, e.kind());
            // A kept literal would cost over 2 MiB (its octets and its string); see the bomb test for the slack.
            assertTrue(allocated < 65_536, "allocated=" + allocated + " for a 1 MiB literal");
        }
        assertEquals(List.of(), entries(decoder.table()), "the entry larger than the table emptied it");
        int scratch = decoder.scratchLength();
        assertTrue(scratch >= 16_384 && scratch <= 2 * 16_384, "scratch=" + scratch + ": what fits the limits, no more");
    }

    private static HpackException failure(HpackDecoder decoder, ByteBuffer block, FieldSink sink) {
        try {
            decoder.decode(block, sink);
        } catch (HpackException e) {
            return e;
        }
        throw new AssertionError("no HpackException");
    }

    @Test
    void shouldAllocateNothingForFieldsFromTheTables() {
        HpackDecoder decoder = decoder();
        ByteBuffer first = hex("8287 85 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf");   // C.4.3 minus :authority
        int[] received = new int[1];
        FieldSink counting = (name, value) -> received[0] += name.length() + value.length();
        decoder.decode(first, counting);
        ByteBuffer again = hex("8287 85be");                         // all indexed: 62 is custom-key: custom-value
        again.mark();
        decoder.decode(again, counting);
        again.reset();
        long before = AllocationMeter.allocatedBytes();
        decoder.decode(again, counting);
        assertEquals(0, AllocationMeter.allocatedBytes() - before);
    }

    private static HpackDecoder decoder() {
        return new HpackDecoder(4096, 16_384);
    }

    private static void assertCompressionError(String reason, ByteBuffer block) {
        assertCompressionError(decoder(), reason, block);
    }

    private static void assertCompressionError(HpackDecoder decoder, String reason, ByteBuffer block) {
        HpackException e = assertThrows(HpackException.class, () -> decode(decoder, block));
        assertEquals(Kind.COMPRESSION_ERROR, e.kind());
        assertTrue(e.connectionError());
        assertEquals(reason, e.getMessage());
        assertEquals(0, e.getStackTrace().length, "stackless");
    }

    private static void assertMalformed(String reason, ByteBuffer block) {
        assertMalformed(decoder(), reason, block);
    }

    private static void assertMalformed(HpackDecoder decoder, String reason, ByteBuffer block) {
        HpackException e = assertThrows(HpackException.class, () -> decode(decoder, block));
        assertEquals(Kind.MALFORMED_FIELD, e.kind());
        assertFalse(e.connectionError());
        assertEquals(reason, e.getMessage());
    }
}
