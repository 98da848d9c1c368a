package herald.protocol.http1;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * The chunked transfer coding (RFC 9112 §7.1) as a byte-at-a-time state machine for the framing and bulk copies for
 * the data, so every decision depends only on the bytes before it: the same result for every split of the input.
 *
 * <pre>
 * chunked-body = *chunk last-chunk trailer-section CRLF
 * chunk        = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
 * chunk-size   = 1*HEXDIG                       ; at most 16 digits, at most Long.MAX_VALUE
 * last-chunk   = 1*("0") [ chunk-ext ] CRLF
 * chunk-ext    = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )
 * chunk-ext-val = token / quoted-string
 * trailer-section = *( field-line CRLF )        ; same rules as the header section
 * </pre>
 *
 * <p>Limits: a chunk line's extension bytes above {@code maxChunkExtensionBytes} are a 400 at the byte that crosses
 * the limit; a chunk whose declared size would take the body above {@code maxBodyBytes} is a 413 as soon as its
 * size is known, before any of its data is read; the trailer section is bounded like the header section by
 * {@code maxTrailerBytes} (431) and {@code maxHeaderCount} (431). Extensions are validated and ignored.
 */
final class ChunkedDecoder {
    private static final int SIZE_FIRST = 0;        // expecting the first HEXDIG of a chunk-size
    private static final int SIZE = 1;              // in chunk-size
    private static final int EXT = 2;               // after the size or a complete extension: ';', BWS or CR
    private static final int EXT_WS = 3;            // BWS after the size or an extension: ';' must follow
    private static final int EXT_NAME_START = 4;    // after ';': BWS, then a name
    private static final int EXT_NAME = 5;
    private static final int EXT_NAME_WS = 6;       // BWS after a name: '=' or ';' must follow
    private static final int EXT_VALUE_START = 7;   // after '=': BWS, then a token or a quoted-string
    private static final int EXT_TOKEN = 8;
    private static final int EXT_QUOTED = 9;
    private static final int EXT_QUOTED_PAIR = 10;
    private static final int SIZE_LF = 11;          // after the chunk line's CR
    private static final int DATA = 12;
    private static final int DATA_CR = 13;
    private static final int DATA_LF = 14;
    private static final int TRAILER = 15;
    private static final int DONE = 16;

    private final HttpLimits limits;

    private int state = SIZE_FIRST;
    private long chunkSize;
    private int sizeDigits;
    private int extensionBytes;
    private long remaining;             // data bytes left in the current chunk
    private long decoded;

    private byte[] trailers;            // trailer section, allocated at its first byte
    private int trailerLength;
    private int trailerLineStart;
    private int trailerBytes;           // bytes of complete trailer field lines
    private int[] trailerFields = new int[0];
    private int trailerCount;

    ChunkedDecoder(HttpLimits limits) {
        this.limits = limits;
    }

    boolean isComplete() {
        return state == DONE;
    }

    long decodedBytes() {
        return decoded;
    }

    /** Moves decoded data from {@code in} to {@code out}; framing bytes are consumed even when {@code out} is full. */
    int decode(ByteBuffer in, ByteBuffer out) {
        int written = 0;
        while (state != DONE) {
            if (state == DATA) {
                int n = (int) Math.min(remaining, Math.min(in.remaining(), out.remaining()));
                if (n == 0) {
                    break;
                }
                out.put(out.position(), in, in.position(), n);
                out.position(out.position() + n);
                in.position(in.position() + n);
                written += n;
                decoded += n;
                if ((remaining -= n) == 0) {
                    state = DATA_CR;
                }
                continue;
            }
            if (!in.hasRemaining()) {
                break;
            }
            byte c = in.get();
            if (state == TRAILER) {
                trailerByte(c);
            } else {
                lineByte(c);
            }
        }
        return written;
    }

    private void lineByte(byte c) {
        switch (state) {
            case SIZE_FIRST -> {
                int digit = AsciiTable.hexValue(c);
                if (digit < 0) {
                    throw HttpException.badRequest("chunk-size is not a hex number");
                }
                chunkSize = digit;
                sizeDigits = 1;
                state = SIZE;
            }
            case SIZE -> {
                int digit = AsciiTable.hexValue(c);
                if (digit >= 0) {
                    if (++sizeDigits > 16) {
                        throw HttpException.badRequest("chunk-size has more than 16 hex digits");
                    }
                    if (chunkSize > Long.MAX_VALUE >>> 4) {
                        throw HttpException.badRequest("chunk-size overflows a long");
                    }
                    chunkSize = chunkSize << 4 | digit;
                    return;
                }
                if (chunkSize > limits.maxBodyBytes() - decoded) {
                    throw HttpException.contentTooLarge(limits.maxBodyBytes());
                }
                extensionBytes = 0;
                state = EXT;
                extensionByte(c);
            }
            case SIZE_LF -> {
                if (c != AsciiTable.LF) {
                    throw HttpException.badRequest("bare CR in chunk line");
                }
                if (chunkSize == 0) {
                    state = TRAILER;
                } else {
                    remaining = chunkSize;
                    state = DATA;
                }
            }
            case DATA_CR -> {
                if (c != AsciiTable.CR) {
                    throw HttpException.badRequest("chunk-data is not followed by CRLF");
                }
                state = DATA_LF;
            }
            case DATA_LF -> {
                if (c != AsciiTable.LF) {
                    throw HttpException.badRequest("chunk-data is not followed by CRLF");
                }
                state = SIZE_FIRST;
            }
            default -> extensionByte(c);
        }
    }

    private void extensionByte(byte c) {
        if (c == AsciiTable.CR && (state == EXT || state == EXT_NAME || state == EXT_TOKEN)) {
            state = SIZE_LF;
            return;
        }
        if (++extensionBytes > limits.maxChunkExtensionBytes()) {
            throw HttpException.badRequest("chunk extensions exceed maxChunkExtensionBytes="
                    + limits.maxChunkExtensionBytes());
        }
        boolean ws = c == AsciiTable.SP || c == AsciiTable.HTAB;
        boolean tchar = AsciiTable.is(c, AsciiTable.TCHAR);
        int next = switch (state) {
            case EXT -> c == ';' ? EXT_NAME_START : ws ? EXT_WS : -1;
            case EXT_WS -> c == ';' ? EXT_NAME_START : ws ? EXT_WS : -1;
            case EXT_NAME_START -> tchar ? EXT_NAME : ws ? EXT_NAME_START : -1;
            case EXT_NAME -> tchar ? EXT_NAME : c == '=' ? EXT_VALUE_START : c == ';' ? EXT_NAME_START
                    : ws ? EXT_NAME_WS : -1;
            case EXT_NAME_WS -> c == '=' ? EXT_VALUE_START : c == ';' ? EXT_NAME_START : ws ? EXT_NAME_WS : -1;
            case EXT_VALUE_START -> tchar ? EXT_TOKEN : c == '"' ? EXT_QUOTED : ws ? EXT_VALUE_START : -1;
            case EXT_TOKEN -> tchar ? EXT_TOKEN : c == ';' ? EXT_NAME_START : ws ? EXT_WS : -1;
            case EXT_QUOTED -> c == '"' ? EXT : c == '\\' ? EXT_QUOTED_PAIR
                    : AsciiTable.is(c, AsciiTable.QDTEXT) ? EXT_QUOTED : -1;
            case EXT_QUOTED_PAIR -> AsciiTable.is(c, AsciiTable.FIELD_CHAR) ? EXT_QUOTED : -1;
            default -> throw new IllegalStateException("state=" + state);
        };
        if (next < 0) {
            throw c == AsciiTable.CR || c == AsciiTable.LF
                    ? HttpException.badRequest("chunk line ends in a bare CR or LF, or after whitespace")
                    : HttpException.badRequest("malformed chunk extension");
        }
        state = next;
    }

    /**
     * One byte of the trailer section, kept until its line is complete. Judged like the header section: an empty
     * line ends it and is not counted; a line is judged at its LF or as soon as it cannot fit the limit.
     */
    private void trailerByte(byte c) {
        int lineLength = trailerLength - trailerLineStart;   // bytes of the line before c
        if (lineLength == 1 && trailers[trailerLineStart] == AsciiTable.CR) {
            if (c != AsciiTable.LF) {
                throw HttpException.badRequest("bare CR");
            }
            state = DONE;                                   // the empty line that ends the chunked body
            return;
        }
        append(c);
        if (lineLength == 0 && c == AsciiTable.CR) {
            return;
        }
        if (c == AsciiTable.LF) {
            trailerLine();
        } else if (trailerBytes + lineLength + 1 >= limits.maxTrailerBytes()) {
            throw HttpException.trailerSectionTooLarge(limits.maxTrailerBytes());
        }
    }

    private void trailerLine() {
        if (trailerCount == limits.maxHeaderCount()) {
            throw HttpException.tooManyHeaderFields(limits.maxHeaderCount());
        }
        int slot = trailerCount * FieldLines.SLOT;
        if (slot == trailerFields.length) {
            trailerFields = Arrays.copyOf(trailerFields, Math.max(8 * FieldLines.SLOT, 2 * trailerFields.length));
        }
        int lf = trailerLength - 1;
        FieldLines.parse(trailers, trailerLineStart, lf, 0, trailerFields, slot);
        trailerCount++;
        trailerBytes += trailerLength - trailerLineStart;
        trailerLineStart = trailerLength;
    }

    private void append(byte c) {
        if (trailers == null) {
            trailers = new byte[64];
        } else if (trailerLength == trailers.length) {
            trailers = Arrays.copyOf(trailers, 2 * trailers.length);
        }
        trailers[trailerLength++] = c;
    }

    int trailerCount() {
        return trailerCount;
    }

    String trailer(String name) {
        return FieldLines.first(trailers, trailerFields, 0, trailerCount, name);
    }

    List<String> trailers(String name) {
        return FieldLines.all(trailers, trailerFields, 0, trailerCount, name);
    }

    String trailerName(int i) {
        FieldLines.checkIndex(i, trailerCount);
        return FieldLines.name(trailers, trailerFields, 0, i);
    }

    String trailerValue(int i) {
        FieldLines.checkIndex(i, trailerCount);
        return FieldLines.value(trailers, trailerFields, i);
    }
}
