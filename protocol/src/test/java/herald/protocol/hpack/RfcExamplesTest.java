package herald.protocol.hpack;

import static herald.protocol.hpack.Blocks.decode;
import static herald.protocol.hpack.Blocks.entries;
import static herald.protocol.hpack.Blocks.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * RFC 7541 Appendix C, C.2 to C.6: every block decoded, with the header list and the dynamic table (entries newest
 * first, and size) after each; the request sequences also encoded back to the RFC's exact octets.
 */
final class RfcExamplesTest {
    private static final List<String> C3_1 = List.of(":method: GET", ":scheme: http", ":path: /",
            ":authority: www.example.com");
    private static final List<String> C3_2 = List.of(":method: GET", ":scheme: http", ":path: /",
            ":authority: www.example.com", "cache-control: no-cache");
    private static final List<String> C3_3 = List.of(":method: GET", ":scheme: https", ":path: /index.html",
            ":authority: www.example.com", "custom-key: custom-value");
    private static final List<String> C5_1 = List.of(":status: 302", "cache-control: private",
            "date: Mon, 21 Oct 2013 20:13:21 GMT", "location: https://www.example.com");
    private static final List<String> C5_2 = List.of(":status: 307", "cache-control: private",
            "date: Mon, 21 Oct 2013 20:13:21 GMT", "location: https://www.example.com");
    private static final List<String> C5_3 = List.of(":status: 200", "cache-control: private",
            "date: Mon, 21 Oct 2013 20:13:22 GMT", "location: https://www.example.com", "content-encoding: gzip",
            "set-cookie: foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1");

    private static final String[] C3 = {
        "8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d",
        "8286 84be 5808 6e6f 2d63 6163 6865",
        "8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65"};
    private static final String[] C4 = {
        "8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff",
        "8286 84be 5886 a8eb 1064 9cbf",
        "8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf"};
    private static final String[] C5 = {
        "4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133"
                + "2032 303a 3133 3a32 3120 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70 6c65 2e63 6f6d",
        "4803 3330 37c1 c0bf",
        "88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d"
                + "54c0 5a04 677a 6970 7738 666f 6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049"
                + "5541 5851 5745 4f49 553b 206d 6178 2d61 6765 3d33 3630 303b 2076 6572 7369 6f6e 3d31"};
    private static final String[] C6 = {
        "4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6"
                + "2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3",
        "4883 640e ffc1 c0bf",
        "88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab"
                + "77ad 94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f"
                + "9587 3160 65c0 03ed 4ee5 b106 3d50 07"};

    @Test
    void shouldDecodeC21LiteralWithIndexing() {
        HpackDecoder decoder = new HpackDecoder(4096, 16_384);
        assertEquals(List.of("custom-key: custom-header"),
                decode(decoder, hex("400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572")));
        assertTable(decoder, 55, "custom-key: custom-header");
    }

    @Test
    void shouldDecodeC22LiteralWithoutIndexing() {
        HpackDecoder decoder = new HpackDecoder(4096, 16_384);
        assertEquals(List.of(":path: /sample/path"), decode(decoder, hex("040c 2f73 616d 706c 652f 7061 7468")));
        assertTable(decoder, 0);
    }

    @Test
    void shouldDecodeC23LiteralNeverIndexed() {
        HpackDecoder decoder = new HpackDecoder(4096, 16_384);
        assertEquals(List.of("password: secret"),
                decode(decoder, hex("1008 7061 7373 776f 7264 0673 6563 7265 74")));
        assertTable(decoder, 0);
    }

    @Test
    void shouldDecodeC24IndexedField() {
        HpackDecoder decoder = new HpackDecoder(4096, 16_384);
        assertEquals(List.of(":method: GET"), decode(decoder, hex("82")));
        assertTable(decoder, 0);
    }

    @Test
    void shouldDecodeC3RequestsWithoutHuffman() {
        decodeRequests(C3);
    }

    @Test
    void shouldDecodeC4RequestsWithHuffman() {
        decodeRequests(C4);
    }

    @Test
    void shouldDecodeC5ResponsesWithoutHuffmanAndEvictions() {
        decodeResponses(C5);
    }

    @Test
    void shouldDecodeC6ResponsesWithHuffmanAndEvictions() {
        decodeResponses(C6);
    }

    @Test
    void shouldEncodeC4RequestsExactly() {
        HpackEncoder encoder = new HpackEncoder(4096);
        List<List<String>> requests = List.of(C3_1, C3_2, C3_3);
        for (int r = 0; r < 3; r++) {
            ByteBuffer out = ByteBuffer.allocate(256);
            encoder.startBlock(out);
            for (String field : requests.get(r)) {
                int colon = field.indexOf(':', 1);
                encoder.field(out, field.substring(0, colon), field.substring(colon + 2));
            }
            assertEquals(hex(hex(C4[r])), hex(out.flip()), "C.4." + (r + 1));
        }
        assertEquals(List.of("custom-key: custom-value", "cache-control: no-cache", ":authority: www.example.com"),
                entries(encoder.table()));
        assertEquals(164, encoder.table().size());
    }

    private static void decodeRequests(String[] blocks) {
        HpackDecoder decoder = new HpackDecoder(4096, 16_384);
        assertEquals(C3_1, decode(decoder, hex(blocks[0])));
        assertTable(decoder, 57, ":authority: www.example.com");
        assertEquals(C3_2, decode(decoder, hex(blocks[1])));
        assertTable(decoder, 110, "cache-control: no-cache", ":authority: www.example.com");
        assertEquals(C3_3, decode(decoder, hex(blocks[2])));
        assertTable(decoder, 164, "custom-key: custom-value", "cache-control: no-cache",
                ":authority: www.example.com");
    }

    /** SETTINGS_HEADER_TABLE_SIZE 256, as C.5 and C.6 say. */
    private static void decodeResponses(String[] blocks) {
        HpackDecoder decoder = new HpackDecoder(256, 16_384);
        assertEquals(C5_1, decode(decoder, hex(blocks[0])));
        assertTable(decoder, 222, "location: https://www.example.com", "date: Mon, 21 Oct 2013 20:13:21 GMT",
                "cache-control: private", ":status: 302");
        assertEquals(C5_2, decode(decoder, hex(blocks[1])));
        assertTable(decoder, 222, ":status: 307", "location: https://www.example.com",
                "date: Mon, 21 Oct 2013 20:13:21 GMT", "cache-control: private");
        assertEquals(C5_3, decode(decoder, hex(blocks[2])));
        assertTable(decoder, 215, "set-cookie: foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1",
                "content-encoding: gzip", "date: Mon, 21 Oct 2013 20:13:22 GMT");
    }

    private static void assertTable(HpackDecoder decoder, int size, String... newestFirst) {
        assertEquals(List.of(newestFirst), entries(decoder.table()));
        assertEquals(size, decoder.table().size());
    }
}
