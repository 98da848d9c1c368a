package herald.bench.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The DATA frame benchmark frames what it claims: one event of eventBytes behind a 9-byte header, every time. */
class DataFrameBenchmarkTest {

    @ParameterizedTest
    @ValueSource(ints = {96, 4096})
    void shouldFrameTheWholeEventBehindOneHeaderEachTime(int eventBytes) {
        DataFrameBenchmark b = new DataFrameBenchmark();
        b.eventBytes = eventBytes;
        b.setUp();
        assertEquals(eventBytes, b.shared.limit());
        for (int i = 0; i < 1_000; i++) {
            assertEquals(2L * eventBytes + 9, b.referenceEvent());
            assertEquals(2L * eventBytes + 9, b.copyEvent());
        }
        assertEquals(2_000L * (eventBytes + 9), b.channel.bytes);
        assertEquals(1, b.views.size(), "one view, reused");
    }
}
