package herald.protocol.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The first flight of real HTTP/2 clients, captured on loopback from a socket that answered with an empty SETTINGS
 * and an ack, fed to {@link Http2Connection} whole and split at every byte. HPACK is not in this package yet, so the
 * decoder here records each field block's bytes and answers with one fixed request: the test checks framing,
 * stream states and settings, not header values.
 *
 * <pre>
 * curl 7.88.1:     curl --http2-prior-knowledge -H 'Accept: text/event-stream' http://127.0.0.1:PORT/topics/news?x=1
 * nghttp 1.52.0:   nghttp -n http://127.0.0.1:PORT/topics/a      (PRIORITY frames on idle streams 3..11 first)
 * node 20 http2:   http2.connect(url).request({':path': '/topics/b', ':method': 'POST'}).end('hello')
 * </pre>
 * The preface is left out of the hex below; the test adds it.
 */
final class RealClientFramesTest {
    private static final String CURL = "00001204000000000000030000006400040200000000020000000000000408000000000001ff0001"
            + "00003501050000000182048c6127acc4431517c23fcf300786418b089d5c0b8170dc6d96c0ef7a8825b650c3abbcf2e1538c497ca5"
            + "82f72d495909b0a3a7000000040100000000";
    private static final String NGHTTP = "00000c04000000000000030000006400040000ffff0000050200000000030000000"
            + "0c800000502000000000500000000640000050200000000070000000000000005020000000009000000070000000502000000000b"
            + "000000030000002e01250000000d0000000b0f8204866127acc4430386418b089d5c0b8170dc65f03aff53032a2f2a907a8aaa69d"
            + "29ac4c0576c4b83000000040100000000";
    private static final String NODE = "00000004000000000000002101040000000104876127acc44311ff83418b089d5c0b8170dc6dd7"
            + "40cf865f87497ca58ae819aa00000500010000000168656c6c6f000000040100000000";

    /** Records block lengths; every block decodes to the same GET. */
    private static final class StubDecoder implements HeaderBlockDecoder {
        final List<Integer> blockLengths = new ArrayList<>();

        @Override
        public void decode(ByteBuffer block, HeaderFieldSink sink) {
            blockLengths.add(block.remaining());
            block.position(block.limit());
            sink.field(":method", "GET");
            sink.field(":scheme", "http");
            sink.field(":authority", "127.0.0.1");
            sink.field(":path", "/stub");
        }
    }

    private record Run(List<String> events, List<Integer> blockLengths, List<Frame> output, PeerSettings settings,
                       int sendWindow) {
    }

    private static Run run(String hex, int cut) {
        byte[] bytes = Peer.concat(ConnectionPreface.bytes(), HexFormat.of().parseHex(hex));
        StubDecoder decoder = new StubDecoder();
        Peer listener = new Peer(Http2Limits.DEFAULTS);
        Http2Connection h2 = new Http2Connection(Http2Limits.DEFAULTS, decoder, listener);
        h2.drainOutput(ByteBuffer.allocate(1_024));
        h2.receive(ByteBuffer.wrap(bytes, 0, cut));
        h2.receive(ByteBuffer.wrap(bytes, cut, bytes.length - cut));
        ByteBuffer out = ByteBuffer.allocate(1_024);
        h2.drainOutput(out);
        assertFalse(h2.isClosed(), listener.events.toString());
        assertFalse(h2.awaitingSettingsAck());
        return new Run(listener.events, decoder.blockLengths, Frame.parseAll(java.util.Arrays.copyOf(out.array(),
                out.position())), h2.peerSettings(), h2.connectionSendWindow());
    }

    private static void assertSameAtEverySplitPoint(String hex, Run whole) {
        int length = ConnectionPreface.LENGTH + hex.length() / 2;
        for (int cut = 0; cut <= length; cut++) {
            Run split = run(hex, cut);
            assertEquals(whole.events(), split.events(), "cut=" + cut);
            assertEquals(whole.blockLengths(), split.blockLengths(), "cut=" + cut);
            assertEquals(whole.output(), split.output(), "cut=" + cut);
        }
    }

    private static final Frame SETTINGS_ACK = new Frame(FrameDescriptor.TYPE_SETTINGS, FrameDescriptor.FLAG_ACK, 0,
            new byte[0]);

    @Test
    void shouldServeCurlFirstFlight() {
        Run run = run(CURL, 0);
        assertEquals(List.of("request 1 GET /stub end"), run.events());
        assertEquals(List.of(53), run.blockLengths());
        assertEquals(List.of(SETTINGS_ACK), run.output());
        assertEquals(100, run.settings().maxConcurrentStreams());
        assertEquals(33_554_432, run.settings().initialWindowBytes());
        assertFalse(run.settings().enablePush());
        assertEquals(65_535 + 0x01ff_0001, run.sendWindow());
        assertSameAtEverySplitPoint(CURL, run);
    }

    @Test
    void shouldServeNghttpFirstFlightWithPriorityFramesOnIdleStreams() {
        Run run = run(NGHTTP, 0);
        assertEquals(List.of("request 13 GET /stub end"), run.events());
        assertEquals(List.of(0x2e - 5), run.blockLengths(), "the block without the priority fields");
        assertEquals(List.of(SETTINGS_ACK), run.output());
        assertEquals(65_535, run.settings().initialWindowBytes());
        assertSameAtEverySplitPoint(NGHTTP, run);
    }

    @Test
    void shouldServeNodePostWithBody() {
        Run run = run(NODE, 0);
        assertEquals(List.of("request 1 GET /stub", "data 1 5 end"), run.events());
        assertEquals(List.of(0x21), run.blockLengths());
        assertEquals(List.of(SETTINGS_ACK), run.output());
        assertSameAtEverySplitPoint(NODE, run);
    }
}
