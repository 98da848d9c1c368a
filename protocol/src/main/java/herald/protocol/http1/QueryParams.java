package herald.protocol.http1;

import herald.protocol.internal.Utf8Validation;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * A query decoded as {@code application/x-www-form-urlencoded} (WHATWG URL standard §5.1), strictly: the query is
 * split at {@code &}, empty pieces are skipped, each piece is split at its first {@code =} (none: the value is
 * empty), {@code +} becomes a space, and escapes are decoded as UTF-8. Unlike the WHATWG parser, a malformed escape
 * or bytes that are not well-formed UTF-8 are a 400 instead of being passed through or replaced.
 *
 * <p>Parameters keep their order; a name may repeat ({@code topic=a&topic=b}); empty names and values are allowed.
 * Immutable and thread-safe. Lookups scan linearly: queries are short.
 */
public final class QueryParams {
    /** No parameters. */
    public static final QueryParams EMPTY = new QueryParams(new String[0], new String[0], 0);

    private final String[] names;
    private final String[] values;
    private final int size;

    private QueryParams(String[] names, String[] values, int size) {
        this.names = names;
        this.values = values;
        this.size = size;
    }

    /**
     * Decodes {@code rawQuery} (without the {@code ?}); null or empty gives {@link #EMPTY}. Characters above
     * U+00FF are rejected; U+0080-U+00FF stand for the bytes they encode in ISO-8859-1 (as in a raw field value).
     *
     * @throws HttpException 400 for a malformed escape, a character above U+00FF, or bytes that are not UTF-8
     */
    public static QueryParams parse(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return EMPTY;
        }
        int pieces = 1;
        for (int i = 0; i < rawQuery.length(); i++) {
            if (rawQuery.charAt(i) == '&') {
                pieces++;
            }
        }
        String[] names = new String[pieces];
        String[] values = new String[pieces];
        int size = 0;
        byte[] scratch = null;
        int start = 0;
        while (start <= rawQuery.length()) {
            int end = rawQuery.indexOf('&', start);
            if (end < 0) {
                end = rawQuery.length();
            }
            if (end > start) {
                int nameEnd = start;
                while (nameEnd < end && rawQuery.charAt(nameEnd) != '=') {
                    nameEnd++;
                }
                int valueStart = nameEnd == end ? end : nameEnd + 1;
                if (scratch == null) {
                    scratch = new byte[rawQuery.length()];
                }
                names[size] = decode(rawQuery, start, nameEnd, scratch);
                values[size] = decode(rawQuery, valueStart, end, scratch);
                size++;
            }
            start = end + 1;
        }
        return size == 0 ? EMPTY : new QueryParams(names, values, size);
    }

    private static String decode(String s, int from, int to, byte[] scratch) {
        boolean plain = true;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c == '%' || c == '+' || c > 0x7F) {
                plain = false;
                break;
            }
        }
        if (plain) {
            return s.substring(from, to);
        }
        int length = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c == '+') {
                scratch[length++] = ' ';
            } else if (c == '%') {
                int hi = i + 2 < to ? AsciiTable.hexValue(s.charAt(i + 1)) : -1;
                int lo = i + 2 < to ? AsciiTable.hexValue(s.charAt(i + 2)) : -1;
                if (hi < 0 || lo < 0 || s.charAt(i + 1) > 0xFF || s.charAt(i + 2) > 0xFF) {
                    throw HttpException.badRequest("malformed percent-encoding in query");
                }
                scratch[length++] = (byte) (hi << 4 | lo);
                i += 2;
            } else if (c > 0xFF) {
                throw HttpException.badRequest("query contains a character above U+00FF");
            } else {
                scratch[length++] = (byte) c;
            }
        }
        if (!Utf8Validation.isWellFormed(scratch, 0, length)) {
            throw HttpException.badRequest("query is not valid UTF-8 after percent-decoding");
        }
        return new String(scratch, 0, length, StandardCharsets.UTF_8);
    }

    /** The value of the first parameter named {@code name} (exact match), or null. */
    public String first(String name) {
        for (int i = 0; i < size; i++) {
            if (names[i].equals(name)) {
                return values[i];
            }
        }
        return null;
    }

    /** The values of every parameter named {@code name}, in order; empty when there is none. Unmodifiable. */
    public List<String> all(String name) {
        List<String> found = null;
        for (int i = 0; i < size; i++) {
            if (names[i].equals(name)) {
                if (found == null) {
                    found = new ArrayList<>(2);
                }
                found.add(values[i]);
            }
        }
        return found == null ? List.of() : Collections.unmodifiableList(found);
    }

    /** The distinct names, in order of first appearance. Unmodifiable. */
    public List<String> names() {
        List<String> distinct = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            if (!distinct.contains(names[i])) {
                distinct.add(names[i]);
            }
        }
        return Collections.unmodifiableList(distinct);
    }

    public boolean contains(String name) {
        for (int i = 0; i < size; i++) {
            if (names[i].equals(name)) {
                return true;
            }
        }
        return false;
    }

    /** The number of parameters, repeated names counted each time. */
    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** The name of the {@code i}-th parameter. */
    public String name(int i) {
        FieldLines.checkIndex(i, size);
        return names[i];
    }

    /** The value of the {@code i}-th parameter. */
    public String value(int i) {
        FieldLines.checkIndex(i, size);
        return values[i];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QueryParams other
                && Arrays.equals(names, 0, size, other.names, 0, other.size)
                && Arrays.equals(values, 0, size, other.values, 0, other.size);
    }

    @Override
    public int hashCode() {
        int h = 1;
        for (int i = 0; i < size; i++) {
            h = 31 * h + names[i].hashCode();
            h = 31 * h + values[i].hashCode();
        }
        return h;
    }

    /** Names only, never values (a query may carry a token). */
    @Override
    public String toString() {
        return "QueryParams" + names();
    }
}
