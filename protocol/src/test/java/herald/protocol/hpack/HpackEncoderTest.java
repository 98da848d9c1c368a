package herald.protocol.hpack;

import herald.protocol.sse.AllocationMeter;

import static herald.protocol.hpack.Blocks.decode;
import static herald.protocol.hpack.Blocks.entries;
import static herald.protocol.hpack.Blocks.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link HpackEncoder} and {@link PrecomputedFields}: representations chosen, table size updates, misuse. */
final class HpackEncoderTest {

    @Test
    void shouldWriteTheStaticTableStatusesInOneOctet() {
        int[] statuses = {200, 204, 206, 304, 400, 404, 500};
        for (int i = 0; i < statuses.length; i++) {
            ByteBuffer out = ByteBuffer.allocate(8);
            new HpackEncoder(4096).status(out, statuses[i]);
            assertEquals(String.format("%02x", 0x88 + i), hex(out.flip()));
        }
    }

    @Test
    void shouldWriteOtherStatusesAsALiteralWithoutIndexing() {
        HpackEncoder encoder = new HpackEncoder(4096);
        ByteBuffer out = ByteBuffer.allocate(8);
        encoder.status(out, 302);
        assertEquals("0803333032", hex(out.flip()));
        assertEquals(List.of(":status: 302"), decode(new HpackDecoder(4096, 16_384), out));
        assertEquals(0, encoder.table().length());
    }

    @Test
    void shouldRejectAStatusOutsideOneHundredToFiveNinetyNine() {
        HpackEncoder encoder = new HpackEncoder(4096);
        assertEquals("status=99 (must be 100..599)",
                assertThrows(IllegalArgumentException.class, () -> encoder.status(ByteBuffer.allocate(8), 99))
                        .getMessage());
        assertThrows(IllegalArgumentException.class, () -> encoder.status(ByteBuffer.allocate(8), 600));
    }

    @Test
    void shouldIndexARepeatedFieldAndReferToItAfterwards() {
        HpackEncoder encoder = new HpackEncoder(4096);
        HpackDecoder decoder = new HpackDecoder(4096, 16_384);
        ByteBuffer first = block(encoder, "access-control-allow-origin", "*");
        assertEquals("54012a", hex(first), "literal with indexing, name index 20, raw '*' (Huffman is no shorter)");
        assertEquals(List.of("access-control-allow-origin: *"), decode(decoder, first));
        ByteBuffer second = block(encoder, "access-control-allow-origin", "*");
        assertEquals("be", hex(second));
        assertEquals(List.of("access-control-allow-origin: *"), decode(decoder, second));
    }

    @Test
    void shouldNotIndexNamesWhoseValuesRarelyRepeat() {
        HpackEncoder encoder = new HpackEncoder(4096);
        for (String name : new String[] {"age", "content-length", "content-range", "date", "etag", "expires",
            "last-modified", "location", "set-cookie"}) {
            ByteBuffer out = block(encoder, name, "1");
            assertEquals(0, out.get(0) & 0xF0, name + ": literal without indexing");
        }
        assertEquals(0, encoder.table().length());
    }

    @Test
    void shouldWriteNamesLowercaseAndMatchThemIgnoringCase() {
        HpackEncoder encoder = new HpackEncoder(4096);
        HpackDecoder decoder = new HpackDecoder(4096, 16_384);
        assertEquals(List.of("content-type: text/plain", "x-custom: v"),
                decode(decoder, block(encoder, "Content-Type", "text/plain", "X-Custom", "v")));
        assertEquals(List.of("x-custom: v", "content-type: text/plain"), entries(encoder.table()));
        assertEquals(entries(encoder.table()), entries(decoder.table()));
        assertEquals("be", hex(block(encoder, "x-CUSTOM", "v")));
    }

    @Test
    void shouldIndexAnEntryExactlyTheTableSizeAndNotOneLarger() {
        HpackEncoder encoder = new HpackEncoder(100);                 // signals 100 in its first block
        ByteBuffer fits = block(encoder, "x-a", "v".repeat(65));     // 3 + 65 + 32 = 100
        assertEquals(0x40, fits.get(1) & 0xC0, "with indexing");
        ByteBuffer larger = block(encoder, "x-b", "v".repeat(66));
        assertEquals(0x00, larger.get(0) & 0xF0, "without indexing");
        assertEquals(1, encoder.table().length());
    }

    @Test
    void shouldReuseADynamicTableNameForANewValue() {
        HpackEncoder encoder = new HpackEncoder(4096);
        HpackDecoder decoder = new HpackDecoder(4096, 16_384);
        decode(decoder, block(encoder, "x-custom", "a"));
        ByteBuffer second = block(encoder, "x-custom", "b");
        assertEquals((byte) (0x40 | 62), second.get(0), "literal with indexing, name index 62");
        assertEquals(List.of("x-custom: b"), decode(decoder, second));
    }

    @Test
    void shouldFindTheLastStaticTableEntry() {
        assertEquals("bd", hex(block(new HpackEncoder(4096), "www-authenticate", "")));
    }

    @Test
    void shouldUseHuffmanOnlyWhenShorter() {
        HpackEncoder encoder = new HpackEncoder(0);
        ByteBuffer shorter = block(encoder, "cache-control", "no-cache");
        assertEquals("20" + "0f09 86a8 eb10 649c bf".replace(" ", ""), hex(shorter), "table size 0, then the field");
        ByteBuffer longer = block(encoder, "x", "{}");                      // 15 bits each: raw is shorter
        assertEquals("0001 7802 7b7d".replace(" ", ""), hex(longer), "literal name 'x' is Huffman 1 octet = raw");
    }

    @Test
    void shouldRejectInvalidNamesAndValuesWritingNothing() {
        HpackEncoder encoder = new HpackEncoder(4096);
        ByteBuffer out = ByteBuffer.allocate(64);
        String[][] invalid = {{"", "v"}, {":", "v"}, {"a b", "v"}, {"a:b", "v"}, {"caf\u00e9", "v"},
            {"x", "a\r\nb"}, {"x", "\u0000"}, {"x", " v"}, {"x", "v\t"}, {"x", "\u0100"}};
        for (String[] field : invalid) {
            assertThrows(IllegalArgumentException.class, () -> encoder.field(out, field[0], field[1]),
                    field[0] + ": " + field[1]);
            assertThrows(IllegalArgumentException.class, () -> encoder.fieldNeverIndexed(out, field[0], field[1]));
            assertThrows(IllegalArgumentException.class, () -> PrecomputedFields.of(field[0], field[1]));
        }
        assertEquals(0, out.position());
        assertEquals(0, encoder.table().length());
        assertEquals("empty field name",
                assertThrows(IllegalArgumentException.class, () -> encoder.field(out, "", "v")).getMessage());
        assertEquals("field name is not a token: index=1",
                assertThrows(IllegalArgumentException.class, () -> encoder.field(out, "a b", "v")).getMessage());
        assertEquals("field value holds a control or a char above U+00FF: index=1",
                assertThrows(IllegalArgumentException.class, () -> encoder.fieldWithoutIndexing(out, "x", "a\nb"))
                        .getMessage());
        assertEquals("field value starts or ends with whitespace",
                assertThrows(IllegalArgumentException.class, () -> encoder.field(out, "x", "v ")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> encoder.field(out, "a b", 1));
        assertEquals(0, out.position());
    }

    @Test
    void shouldSignalTheSmallestAndTheFinalTableSizeAtTheStartOfTheNextBlock() {
        HpackEncoder encoder = new HpackEncoder(4096);
        HpackDecoder decoder = new HpackDecoder(4096, 16_384);
        decode(decoder, block(encoder, "x-a", "1"));
        encoder.peerMaxTableSize(0);
        encoder.peerMaxTableSize(1000);
        ByteBuffer out = block(encoder, "x-b", "2");
        assertEquals("20 3fc907", hex(out).substring(0, 2) + " " + hex(out).substring(2, 8));
        assertEquals(List.of("x-b: 2"), decode(decoder, out));
        assertEquals(1000, decoder.table().capacity());
        assertEquals(List.of("x-b: 2"), entries(decoder.table()), "the update to 0 evicted x-a");
        assertEquals(entries(encoder.table()), entries(decoder.table()));
    }

    @Test
    void shouldSignalOneSizeWhenTheSettingOnlyShrinks() {
        HpackEncoder encoder = new HpackEncoder(4096);
        encoder.peerMaxTableSize(2000);
        encoder.peerMaxTableSize(3000);
        encoder.peerMaxTableSize(1000);
        ByteBuffer out = ByteBuffer.allocate(8);
        encoder.startBlock(out);
        assertEquals("3fc907", hex(out.flip()));
        assertEquals(1000, encoder.table().capacity());
    }

    @Test
    void shouldNotSignalWhenTheTableSizeInUseDoesNotChange() {
        HpackEncoder encoder = new HpackEncoder(4096);
        encoder.peerMaxTableSize(4096);
        encoder.peerMaxTableSize(1 << 20);                              // above this encoder's own maximum
        encoder.peerMaxTableSize(0xFFFF_FFFFL);
        ByteBuffer out = ByteBuffer.allocate(8);
        encoder.startBlock(out);
        assertEquals(0, out.position());
    }

    @Test
    void shouldSignalItsOwnSmallerMaximumInTheFirstBlock() {
        HpackEncoder encoder = new HpackEncoder(0);
        HpackDecoder decoder = new HpackDecoder(4096, 16_384);
        ByteBuffer out = block(encoder, "x-a", "1");
        assertEquals(0x20, out.get(0));
        assertEquals(List.of("x-a: 1"), decode(decoder, out));
        assertEquals(0, decoder.table().capacity());
        assertEquals(0, block(encoder, "x-b", "2").get(0) & 0xF0, "never indexes with a zero table");
    }

    @Test
    void shouldRequireStartBlockWhileAnUpdateIsPending() {
        HpackEncoder encoder = new HpackEncoder(4096);
        encoder.peerMaxTableSize(100);
        ByteBuffer out = ByteBuffer.allocate(64);
        String message = assertThrows(IllegalStateException.class, () -> encoder.field(out, "x", "1")).getMessage();
        assertEquals("a table size update is pending: call startBlock first", message);
        assertThrows(IllegalStateException.class, () -> encoder.status(out, 200));
        assertThrows(IllegalStateException.class, () -> encoder.fields(out, PrecomputedFields.of("x", "1")));
        assertEquals(0, out.position());
    }

    @Test
    void shouldRejectASettingsValueOutsideUnsigned32Bits() {
        HpackEncoder encoder = new HpackEncoder(4096);
        assertThrows(IllegalArgumentException.class, () -> encoder.peerMaxTableSize(-1));
        assertThrows(IllegalArgumentException.class, () -> encoder.peerMaxTableSize(1L << 32));
        assertThrows(IllegalArgumentException.class, () -> new HpackEncoder(-1));
        assertThrows(IllegalArgumentException.class, () -> new HpackDecoder(-1, 100));
        assertThrows(IllegalArgumentException.class, () -> new HpackDecoder(100, -1));
    }

    @Test
    void shouldThrowBufferOverflowBeforeChangingStateSoTheCallCanBeRepeated() {
        HpackEncoder encoder = new HpackEncoder(4096);
        ByteBuffer small = ByteBuffer.allocate(6);
        encoder.startBlock(small);
        encoder.status(small, 200);
        assertThrows(BufferOverflowException.class, () -> encoder.field(small, "x-long", "a-value-that-does-not-fit"));
        assertEquals(1, small.position(), "nothing written for the refused field");
        assertEquals(0, encoder.table().length(), "nor indexed");
        ByteBuffer larger = ByteBuffer.allocate(64).put(small.flip());
        encoder.field(larger, "x-long", "a-value-that-does-not-fit");
        HpackDecoder decoder = new HpackDecoder(4096, 16_384);
        assertEquals(List.of(":status: 200", "x-long: a-value-that-does-not-fit"), decode(decoder, larger.flip()));
        assertEquals(entries(encoder.table()), entries(decoder.table()));
        assertThrows(BufferOverflowException.class, () -> encoder.status(ByteBuffer.allocate(0), 200));
        ByteBuffer four = ByteBuffer.allocate(4);
        assertThrows(BufferOverflowException.class, () -> encoder.status(four.position(0).limit(4), 302));
        assertEquals(0, four.position(), "the 5-octet literal status is refused whole");
        assertThrows(BufferOverflowException.class, () -> encoder.fields(ByteBuffer.allocate(1),
                PrecomputedFields.of("content-type", "text/event-stream")));
    }

    @Test
    void shouldCheckTheRoomOfALiteralNameToTheOctet() {
        HpackEncoder encoder = new HpackEncoder(4096);
        ByteBuffer measure = ByteBuffer.allocate(64);
        encoder.fieldWithoutIndexing(measure, "x-token", "t");
        int size = measure.position();
        assertEquals(1 + 1 + 6 + 1 + 1, size, "flags, Huffman name (41 bits), raw value");
        ByteBuffer oneShort = ByteBuffer.allocate(size - 1);
        assertThrows(BufferOverflowException.class, () -> encoder.fieldWithoutIndexing(oneShort, "x-token", "t"));
        assertEquals(0, oneShort.position(), "nothing written");
        ByteBuffer justRight = ByteBuffer.allocate(size);
        encoder.fieldWithoutIndexing(justRight, "x-token", "t");
        assertEquals(size, justRight.position());
    }

    @Test
    void shouldWriteBothTableSizeUpdatesOrNeither() {
        HpackEncoder encoder = new HpackEncoder(4096);
        encoder.peerMaxTableSize(0);
        encoder.peerMaxTableSize(4096);
        for (int room = 1; room < 4; room++) {
            ByteBuffer small = ByteBuffer.allocate(room);
            assertThrows(BufferOverflowException.class, () -> encoder.startBlock(small));
            assertEquals(0, small.position(), "room=" + room);
        }
        assertEquals(4096, encoder.table().capacity(), "unchanged");
        ByteBuffer out = ByteBuffer.allocate(8);
        encoder.startBlock(out);
        assertEquals("203fe11f", hex(out.flip()), "0, then 4096");
        ByteBuffer exact = ByteBuffer.allocate(4);
        encoder.peerMaxTableSize(0);
        encoder.peerMaxTableSize(4096);
        encoder.startBlock(exact);
        assertEquals(4, exact.position());
    }

    @Test
    void shouldWriteNeverIndexedFields() {
        HpackEncoder encoder = new HpackEncoder(4096);
        ByteBuffer out = ByteBuffer.allocate(64);
        encoder.fieldNeverIndexed(out, "set-cookie", "s");
        encoder.fieldNeverIndexed(out, "x-token", "t");
        assertEquals("1f28", hex(out.duplicate().flip()).substring(0, 4), "never indexed, name index 55");
        assertEquals(0x10, out.get(4), "never indexed, literal name");
        HpackDecoder decoder = new HpackDecoder(4096, 16_384);
        assertEquals(List.of("set-cookie: s", "x-token: t"), decode(decoder, out.flip()));
        assertEquals(0, decoder.table().length());
        assertEquals(0, encoder.table().length());
    }

    @Test
    void shouldWriteDecimalValuesWithoutAllocating() {
        HpackEncoder encoder = new HpackEncoder(4096);
        ByteBuffer out = ByteBuffer.allocate(64);
        encoder.field(out, "content-length", 1_234_567_890_123L);
        assertEquals(List.of("content-length: 1234567890123"), decode(new HpackDecoder(4096, 16_384), out.flip()));
        assertEquals(0x0f, out.get(0), "literal without indexing, name index 28 (15 + 13)");
        out.clear();
        encoder.field(out, "content-length", 0);
        out.clear();
        long before = AllocationMeter.allocatedBytes();
        encoder.field(out, "content-length", 987_654_321L);
        assertEquals(0, AllocationMeter.allocatedBytes() - before);
        assertThrows(IllegalArgumentException.class, () -> encoder.field(out, "content-length", -1));
    }

    @Test
    void shouldPrecomputeTheSseHeadFromStaticEntriesAndLiteralsWithoutIndexing() {
        PrecomputedFields sse = PrecomputedFields.of(":status", "200", "content-type", "text/event-stream",
                "cache-control", "no-cache", "x-accel-buffering", "no");
        ByteBuffer bytes = ByteBuffer.wrap(sse.bytes());
        assertEquals((byte) 0x88, bytes.get(0), ":status 200 from the static table");
        assertEquals(0x0f, bytes.get(1), "content-type: literal without indexing, name index 31 (15 + 16)");
        assertEquals(0x10, bytes.get(2));
        // Valid whatever the decoder's dynamic table holds, and leaves it unchanged.
        HpackDecoder decoder = new HpackDecoder(4096, 16_384);
        decode(decoder, block(new HpackEncoder(4096), "x-a", "1", "x-b", "2"));
        List<String> before = entries(decoder.table());
        for (int i = 0; i < 2; i++) {
            assertEquals(List.of(":status: 200", "content-type: text/event-stream", "cache-control: no-cache",
                    "x-accel-buffering: no"), decode(decoder, ByteBuffer.wrap(sse.bytes())));
            assertEquals(before, entries(decoder.table()));
        }
        assertEquals(sse.length(), sse.bytes().length);
        assertThrows(IllegalArgumentException.class, () -> PrecomputedFields.of("x"));
    }

    @Test
    void shouldEncodeAResponseHeadWithPrecomputedAndDynamicFields() {
        PrecomputedFields head = PrecomputedFields.of(":status", "200", "content-type", "text/event-stream");
        HpackEncoder encoder = new HpackEncoder(4096);
        HpackDecoder decoder = new HpackDecoder(4096, 16_384);
        for (int stream = 0; stream < 3; stream++) {
            ByteBuffer out = ByteBuffer.allocate(128);
            encoder.startBlock(out);
            encoder.fields(out, head);
            encoder.field(out, "access-control-allow-origin", "https://app.example");
            encoder.field(out, "vary", "origin");
            out.flip();
            if (stream > 0) {
                assertEquals(head.length() + 2, out.remaining(), "both fields from the dynamic table");
            }
            assertEquals(List.of(":status: 200", "content-type: text/event-stream",
                    "access-control-allow-origin: https://app.example", "vary: origin"), decode(decoder, out));
        }
    }

    @Test
    void shouldStartTheDecoderTableAtTheProtocolDefaultWhenAdvertisingMore() {
        HpackDecoder decoder = new HpackDecoder(65_536, 16_384);
        assertEquals(4096, decoder.table().capacity(), "the peer's encoder starts at 4096 too");
        HpackEncoder encoder = new HpackEncoder(65_536);
        encoder.peerMaxTableSize(65_536);
        String value = "v".repeat(5000);
        assertEquals(List.of("x-big: " + value), decode(decoder, block(encoder, "x-big", value)));
        assertEquals(65_536, decoder.table().capacity());
        assertEquals(List.of("x-big: " + value), entries(decoder.table()));
        assertTrue(entries(encoder.table()).equals(entries(decoder.table())));
    }

    /** One block of {@code name, value, …} written with {@link HpackEncoder#field(ByteBuffer, String, String)}. */
    private static ByteBuffer block(HpackEncoder encoder, String... namesAndValues) {
        ByteBuffer out = ByteBuffer.allocate(1 << 16);
        encoder.startBlock(out);
        for (int i = 0; i < namesAndValues.length; i += 2) {
            encoder.field(out, namesAndValues[i], namesAndValues[i + 1]);
        }
        return out.flip();
    }
}
