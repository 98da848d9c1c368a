package herald.bench.hpack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import herald.protocol.hpack.HpackDecoder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The HPACK benchmark decodes the blocks it claims: the subscribe request's fields, all indexed the second time. */
class HpackDecoderBenchmarkTest {

    @Test
    void shouldDecodeAllEighteenFieldsOfBothBlocks() {
        HpackDecoderBenchmark b = new HpackDecoderBenchmark();
        b.setUp();
        HpackDecoder decoder = new HpackDecoder(4096, 65_536);
        List<String> decoded = new ArrayList<>();
        decoder.decode(b.first.duplicate(), (name, value) -> {
            decoded.add(name);
            decoded.add(value);
        });
        assertEquals(HpackDecoderBenchmark.FIELDS, decoded);
        assertEquals(18, HpackDecoderBenchmark.FIELDS.size() / 2);
        assertEquals(17, b.repeat.remaining(), "one octet per field");

        for (int i = 0; i < 3; i++) {
            b.sink.fields = 0;
            assertEquals(b.first.limit(), b.firstRequest(null));
            assertEquals(18, b.sink.fields);
            b.sink.fields = 0;
            assertEquals(b.repeat.limit(), b.repeatRequest(null));
            assertEquals(17, b.sink.fields);
        }
        List<String> again = new ArrayList<>();
        b.warmDecoder.decode(b.repeat.duplicate().rewind(), (name, value) -> {
            again.add(name);
            again.add(value);
        });
        assertEquals(HpackDecoderBenchmark.FIELDS.subList(0, 34), again);
    }
}
