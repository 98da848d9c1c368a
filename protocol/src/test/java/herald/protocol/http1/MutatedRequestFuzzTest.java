package herald.protocol.http1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Property test: mutated valid requests (bits flipped, bytes inserted, deleted, duplicated, CR/LF/NUL/obs-text
 * injected, truncated) end in parsed exchanges, a wait for more bytes, or an {@link HttpException} with a 4xx/5xx
 * status — never another exception, never a hang — with the same outcome whether read whole or split, and no
 * exception message repeats client bytes.
 *
 * <p>{@code -Dherald.seed=<long>} replays a run (the seed is printed); {@code -Dherald.fuzz.iterations=<n>} runs
 * longer than the default of a fraction of a second.
 */
final class MutatedRequestFuzzTest {
    private static final String MARKER = "Xq7Zmarker";
    private static final int DEFAULT_ITERATIONS = 20_000;
    private static final byte[] SPECIAL = {'\r', '\n', 0, ' ', '\t', ':', ';', ',', '"', '\\', '%', '/', '.', '?',
        '#', '=', '0', 'f', (byte) 0x80, (byte) 0xC3, (byte) 0xFF, 0x7F, 0x0B};

    private static final HttpLimits SMALL = new HttpLimits(64, 160, 6, 40, 8, 32);

    private static final List<String> CORPUS = List.of(
            Requests.CHROME_GET,
            "GET /topics/" + MARKER + "?" + MARKER + "=" + MARKER + " HTTP/1.1\r\nHost: h\r\n"
                    + MARKER + ": " + MARKER + "\r\nLast-Event-ID: " + MARKER + "\r\n\r\n",
            "POST /topics/" + MARKER + " HTTP/1.1\r\nHost: " + MARKER + ".example:80\r\nContent-Length: 10\r\n\r\n"
                    + MARKER,
            "POST /topics/a HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "a;" + MARKER + "=\"" + MARKER + "\"\r\n" + MARKER + "\r\n0\r\n" + MARKER + ": 1\r\n\r\n",
            "GET http://" + MARKER + ":8080/a/../b%2F" + MARKER + " HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n",
            "OPTIONS * HTTP/1.0\r\nConnection: keep-alive, " + MARKER + "\r\nExpect: 100-continue\r\n\r\n",
            "GET /a HTTP/1.1\r\nHost: h\r\n\r\nPOST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nokGET /c"
                    + " HTTP/1.1\r\nHost: [::1]\r\n\r\n");

    @Test
    void shouldEndInHeadNeedMoreOrHttpExceptionForMutatedRequests() {
        long seed = longProperty("herald.seed", new SplittableRandom().nextLong());
        long iterations = longProperty("herald.fuzz.iterations", DEFAULT_ITERATIONS);
        System.out.printf("MutatedRequestFuzzTest: -Dherald.seed=%d -Dherald.fuzz.iterations=%d%n", seed, iterations);
        assertTimeoutPreemptively(Duration.ofMillis(60_000 + iterations), () -> run(seed, iterations));
    }

    private static void run(long seed, long iterations) {
        SplittableRandom random = new SplittableRandom(seed);
        for (long i = 0; i < iterations; i++) {
            byte[] input = mutate(Requests.bytes(CORPUS.get(random.nextInt(CORPUS.size()))), random);
            HttpLimits limits = random.nextInt(4) == 0 ? SMALL : HttpLimits.DEFAULTS;
            try {
                check(input, limits, random, i % 16 == 0);
            } catch (RuntimeException | AssertionError e) {
                throw new AssertionError("seed=" + seed + " iteration=" + i + " input=" + escape(input), e);
            }
        }
    }

    private static void check(byte[] input, HttpLimits limits, SplittableRandom random, boolean byteByByte) {
        Requests.Outcome whole = Requests.whole(input, limits, false);
        if (whole.status() != 0) {
            assertTrue(whole.status() >= 400 && whole.status() <= 599, "status=" + whole.status());
            assertFalse(whole.message().contains(MARKER), whole.message());
            assertFalse(whole.message().contains("q7Z"), whole.message());
        }
        int cut = random.nextInt(input.length + 1);
        assertEquals(whole, Requests.inTwoReads(input, cut, limits, random.nextBoolean()), "cut=" + cut);
        if (byteByByte) {
            assertEquals(whole, Requests.byteByByte(input, limits, true), "byte by byte");
        }
        for (Requests.Exchange exchange : whole.exchanges()) {
            exercise(exchange.head());
        }
    }

    /** Every accessor of a parsed head works (or throws HttpException for an undecodable query). */
    private static void exercise(RequestHead head) {
        head.target();
        head.rawPath();
        head.path();
        head.rawQuery();
        head.authority();
        head.toString();
        if (head.rawQuery() != null && !head.rawQuery().isEmpty()) {
            assertFalse(head.toString().contains("?" + head.rawQuery()), head.toString());
        }
        for (int i = 0; i < head.headerCount(); i++) {
            String name = head.headerName(i);
            List<String> values = head.headers(name);
            assertTrue(values.contains(head.headerValue(i)), name);
            assertEquals(values.get(0), head.header(name));
        }
        try {
            head.queryParams().names();
        } catch (HttpException e) {
            assertEquals(400, e.status());
            assertFalse(e.getMessage().contains(MARKER));
        }
    }

    private static byte[] mutate(byte[] original, SplittableRandom random) {
        byte[] b = original;
        int mutations = 1 + random.nextInt(4);
        for (int m = 0; m < mutations; m++) {
            int at = random.nextInt(b.length + 1);
            switch (random.nextInt(7)) {
                case 0 -> {                                             // flip one bit
                    if (at < b.length) {
                        b = b.clone();
                        b[at] ^= (byte) (1 << random.nextInt(8));
                    }
                }
                case 1 -> b = insert(b, at, new byte[] {special(random)});
                case 2 -> b = insert(b, at, new byte[] {(byte) random.nextInt(256)});
                case 3 -> {                                             // delete a run
                    int length = Math.min(b.length - at, 1 + random.nextInt(3));
                    byte[] shorter = new byte[b.length - length];
                    System.arraycopy(b, 0, shorter, 0, at);
                    System.arraycopy(b, at + length, shorter, at, b.length - at - length);
                    b = shorter;
                }
                case 4 -> {                                             // duplicate a run
                    int length = Math.min(b.length - at, 1 + random.nextInt(40));
                    b = insert(b, at, Arrays.copyOfRange(b, at, at + length));
                }
                case 5 -> {                                             // overwrite with a special byte
                    if (at < b.length) {
                        b = b.clone();
                        b[at] = special(random);
                    }
                }
                default -> b = Arrays.copyOf(b, at);                   // truncate
            }
            if (b.length == 0) {
                b = original;
            }
        }
        return b;
    }

    private static byte special(SplittableRandom random) {
        return SPECIAL[random.nextInt(SPECIAL.length)];
    }

    private static byte[] insert(byte[] b, int at, byte[] bytes) {
        byte[] longer = new byte[b.length + bytes.length];
        System.arraycopy(b, 0, longer, 0, at);
        System.arraycopy(bytes, 0, longer, at, bytes.length);
        System.arraycopy(b, at, longer, at + bytes.length, b.length - at);
        return longer;
    }

    private static String escape(byte[] input) {
        StringBuilder s = new StringBuilder();
        for (byte x : input) {
            int c = x & 0xFF;
            if (c >= 0x20 && c < 0x7F && c != '\\') {
                s.append((char) c);
            } else {
                s.append(String.format("\\x%02X", c));
            }
        }
        return s.toString();
    }

    /** A long system property; unset, empty or an unresolved Maven {@code ${…}} gives the default. */
    private static long longProperty(String name, long defaultValue) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank() || value.startsWith("${")) {
            return defaultValue;
        }
        return Long.parseLong(value.trim());
    }
}
