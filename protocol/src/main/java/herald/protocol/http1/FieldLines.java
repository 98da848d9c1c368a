package herald.protocol.http1;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Field lines (RFC 9112 §5) as offsets into a byte array: their syntax, shared by the header section and a chunked
 * body's trailer section, and lookup by name.
 *
 * <pre>
 * field-line  = field-name ":" OWS field-value OWS
 * field-name  = token
 * field-value = *field-content ; VCHAR, obs-text, SP, HTAB, no leading or trailing whitespace
 *
 *   offsets[2 * i]:      colon  (the end of the name)              relative to the array's base
 *   offsets[2 * i + 1]:  cr     (the end of the line, before CRLF)
 *
 *   the name starts at `first` for field 0 and two bytes after the previous field's cr otherwise;
 *   the value is colon+1..cr without its leading and trailing SP / HTAB, found when it is asked for.
 * </pre>
 *
 * <p>Two offsets per line keep the parser's hot loop to one store pair and the head's offsets array small. Field
 * values are decoded as ISO-8859-1, one char per byte: ASCII stays ASCII and obs-text bytes survive unchanged
 * ({@code value.getBytes(ISO_8859_1)} recovers them, e.g. to decode UTF-8).
 */
final class FieldLines {
    static final int SLOT = 2;

    private FieldLines() {
    }

    /**
     * Validates the field line {@code b[start..lf]} (its LF at {@code lf}) and writes its colon and CR offsets,
     * minus {@code base}, at {@code offsets[slot]} and {@code offsets[slot + 1]}.
     *
     * @throws HttpException 400 for a bare LF, obs-fold, an empty or invalid name, whitespace before the colon, a
     *                       missing colon, or a control character (bare CR included) or DEL in the value
     */
    static void parse(byte[] b, int start, int lf, int base, int[] offsets, int slot) {
        int cr = lf - 1;
        if (cr < start || b[cr] != AsciiTable.CR) {
            throw HttpException.badRequest("field line ends in a bare LF");
        }
        int i = start;
        while (AsciiTable.is(b[i], AsciiTable.TCHAR)) {     // stops at the CR at the latest
            i++;
        }
        if (i == start || b[i] != ':') {
            throw invalidName(b, start, i);
        }
        int colon = i++;
        while ((i = ByteScan.indexOfControl(b, i, cr)) < cr) {
            if (b[i] != AsciiTable.HTAB) {
                throw b[i] == AsciiTable.CR
                        ? HttpException.badRequest("field value contains a bare CR")
                        : HttpException.badRequest("field value contains a control character");
            }
            i++;
        }
        offsets[slot] = colon - base;
        offsets[slot + 1] = cr - base;
    }

    private static HttpException invalidName(byte[] b, int start, int stop) {
        byte c = b[stop];
        if (stop == start && (c == AsciiTable.SP || c == AsciiTable.HTAB)) {
            return HttpException.badRequest("obsolete line folding (obs-fold) is not allowed");
        }
        if (stop == start && c == ':') {
            return HttpException.badRequest("field name is empty");
        }
        if (c == AsciiTable.SP || c == AsciiTable.HTAB) {
            return HttpException.badRequest("whitespace between field name and colon");
        }
        if (c == AsciiTable.CR) {
            return HttpException.badRequest("field line has no colon");
        }
        return HttpException.badRequest("field name contains a character outside tchar");
    }

    /** The first byte of the value after {@code colon}, skipping OWS; {@code cr} for an empty value. */
    static int valueStart(byte[] b, int colon, int cr) {
        int i = colon + 1;
        while (i < cr && (b[i] == AsciiTable.SP || b[i] == AsciiTable.HTAB)) {
            i++;
        }
        return i;
    }

    /** The end of the value that starts at {@code valueStart} and ends its line at {@code cr}, without OWS. */
    static int valueEnd(byte[] b, int valueStart, int cr) {
        int end = cr;
        while (end > valueStart && (b[end - 1] == AsciiTable.SP || b[end - 1] == AsciiTable.HTAB)) {
            end--;
        }
        return end;
    }

    private static int nameStart(int[] offsets, int first, int i) {
        return i == 0 ? first : offsets[SLOT * i - 1] + 2;
    }

    /**
     * Index of the first field named {@code name} (ASCII case-insensitive) at or after {@code from}, or -1; the
     * fields start at {@code first}.
     */
    static int indexOf(byte[] b, int[] offsets, int first, int count, String name, int from) {
        int length = name.length();
        for (int i = from; i < count; i++) {
            int start = nameStart(offsets, first, i);
            if (offsets[SLOT * i] - start == length && nameEquals(b, start, name)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean nameEquals(byte[] b, int start, String name) {
        for (int k = 0; k < name.length(); k++) {
            int x = b[start + k];
            int c = name.charAt(k);
            if (x != c) {
                int folded = x | 0x20;
                if (folded != (c | 0x20) || folded < 'a' || folded > 'z') {
                    return false;
                }
            }
        }
        return true;
    }

    static String name(byte[] b, int[] offsets, int first, int i) {
        int start = nameStart(offsets, first, i);
        return new String(b, start, offsets[SLOT * i] - start, StandardCharsets.ISO_8859_1);
    }

    static String value(byte[] b, int[] offsets, int i) {
        int cr = offsets[SLOT * i + 1];
        int start = valueStart(b, offsets[SLOT * i], cr);
        return new String(b, start, valueEnd(b, start, cr) - start, StandardCharsets.ISO_8859_1);
    }

    static String first(byte[] b, int[] offsets, int first, int count, String name) {
        int i = indexOf(b, offsets, first, count, name, 0);
        return i < 0 ? null : value(b, offsets, i);
    }

    static List<String> all(byte[] b, int[] offsets, int first, int count, String name) {
        int i = indexOf(b, offsets, first, count, name, 0);
        if (i < 0) {
            return List.of();
        }
        List<String> values = new ArrayList<>(2);
        for (; i >= 0; i = indexOf(b, offsets, first, count, name, i + 1)) {
            values.add(value(b, offsets, i));
        }
        return Collections.unmodifiableList(values);
    }

    static void checkIndex(int i, int count) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException("index=" + i + " count=" + count);
        }
    }
}
