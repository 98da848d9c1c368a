package herald.protocol.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import herald.protocol.hpack.HpackEncoder;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

final class HpackBlockDecoderTest {

    /** Records fields and list-too-large calls as lines. */
    private static final class Recorder implements HeaderBlockDecoder.HeaderFieldSink {
        final List<String> lines = new ArrayList<>();

        @Override
        public void field(String name, String value) {
            lines.add(name + "=" + value);
        }

        @Override
        public void headerListTooLarge() {
            lines.add("too large");
        }
    }

    private static ByteBuffer block(HpackEncoder encoder, String... namesAndValues) {
        ByteBuffer out = ByteBuffer.allocate(64 * 1024);
        encoder.startBlock(out);
        for (int i = 0; i < namesAndValues.length; i += 2) {
            encoder.field(out, namesAndValues[i], namesAndValues[i + 1]);
        }
        return out.flip();
    }

    @Test
    void shouldPassFieldsOnInOrder() {
        HpackBlockDecoder decoder = new HpackBlockDecoder(Http2Limits.DEFAULTS);
        Recorder sink = new Recorder();
        decoder.decode(block(new HpackEncoder(4096), ":method", "GET", "x-a", "1", "x-b", "2"), sink);
        assertEquals(List.of(":method=GET", "x-a=1", "x-b=2"), sink.lines);
    }

    @Test
    void shouldReportListOverLimitOnceAndStayInStepWithTheEncoder() {
        Http2Limits limits = Http2Limits.DEFAULTS.withMaxHeaderListBytes(100);
        HpackBlockDecoder decoder = new HpackBlockDecoder(limits);
        HpackEncoder encoder = new HpackEncoder(4096);
        Recorder first = new Recorder();
        decoder.decode(block(encoder, "x-big", "v".repeat(200), "x-small", "s"), first);
        assertEquals("too large", first.lines.get(first.lines.size() - 1));
        assertEquals(1, first.lines.stream().filter("too large"::equals).count());
        Recorder second = new Recorder();                  // refers to the entries the first block indexed
        decoder.decode(block(encoder, "x-small", "s"), second);
        assertEquals(List.of("x-small=s"), second.lines);
    }

    @Test
    void shouldTurnAnHpackViolationIntoCompressionError() {
        HpackBlockDecoder decoder = new HpackBlockDecoder(Http2Limits.DEFAULTS);
        ByteBuffer indexZero = ByteBuffer.wrap(new byte[] {(byte) 0x80});     // RFC 7541 section 6.1: index 0
        Http2Exception e = assertThrows(Http2Exception.class, () -> decoder.decode(indexZero, new Recorder()));
        assertEquals(ErrorCode.COMPRESSION_ERROR, e.errorCode());
        assertEquals(true, e.isConnectionError());
    }
}
