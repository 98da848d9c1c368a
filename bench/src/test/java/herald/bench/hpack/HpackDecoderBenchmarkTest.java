package herald.bench.hpack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import herald.protocol.hpack.HpackDecoder;
import io.netty.handler.codec.http2.Http2Headers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

    @Test
    void shouldHaveNettyDecodeTheSameFieldsFromTheSameBytes() throws Exception {
        HpackDecoderBenchmark b = new HpackDecoderBenchmark();
        b.setUp();
        for (int i = 0; i < 3; i++) {
            assertEquals(HpackDecoderBenchmark.FIELDS, fields(b.nettyFirstRequest()));
            assertEquals(b.first.limit(), b.nettyFirst.readerIndex(), "the whole block");
            assertEquals(HpackDecoderBenchmark.FIELDS.subList(0, 34), fields(b.nettyRepeatRequest()));
            assertEquals(17, b.nettyRepeat.readerIndex());
        }
    }

    private static List<String> fields(Http2Headers headers) {
        List<String> fields = new ArrayList<>();
        for (Map.Entry<CharSequence, CharSequence> field : headers) {
            fields.add(field.getKey().toString());
            fields.add(field.getValue().toString());
        }
        return fields;
    }
}
