package herald.protocol.sse;

import java.util.Arrays;
import java.util.Objects;

/**
 * A growable char buffer that is its own {@link CharSequence} view: the parser's data, event type and last event
 * ID buffers, handed to listeners without copying. Starts with no storage and grows on demand, so an idle parser
 * costs a few dozen bytes. Not thread-safe.
 */
final class TextBuffer implements CharSequence {
    private static final char[] EMPTY = {};
    private static final int MIN_CAPACITY = 32;

    private char[] chars = EMPTY;
    private int length;

    @Override
    public int length() {
        return length;
    }

    @Override
    public char charAt(int index) {
        Objects.checkIndex(index, length);
        return chars[index];
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        Objects.checkFromToIndex(start, end, length);
        return new String(chars, start, end - start);
    }

    @Override
    public String toString() {
        return new String(chars, 0, length);
    }

    /** Whether this holds exactly the chars of {@code other}. */
    boolean contentEquals(CharSequence other) {
        if (other.length() != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (chars[i] != other.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    void clear() {
        length = 0;
    }

    void append(char c) {
        if (length == chars.length) {
            grow(length + 1);
        }
        chars[length++] = c;
    }

    /** Appends the UTF-8 decoding of {@code src[from, to)}, ill-formed sequences replaced by U+FFFD. */
    void appendUtf8(byte[] src, int from, int to) {
        int needed = length + (to - from);                  // decoding never yields more chars than bytes
        if (needed > chars.length) {
            grow(needed);
        }
        char[] c = chars;
        int d = length;
        int i = from;
        while (i < to) {                                    // ASCII fast path, no call per byte
            byte b = src[i];
            if (b < 0) {
                d = Utf8.decode(src, i, to, c, d);
                break;
            }
            c[d++] = (char) b;
            i++;
        }
        length = d;
    }

    void setUtf8(byte[] src, int from, int to) {
        length = 0;
        appendUtf8(src, from, to);
    }

    void set(CharSequence text) {
        int n = text.length();
        if (n > chars.length) {
            grow(n);
        }
        for (int i = 0; i < n; i++) {
            chars[i] = text.charAt(i);
        }
        length = n;
    }

    void set(TextBuffer other) {
        if (other.length > chars.length) {
            grow(other.length);
        }
        System.arraycopy(other.chars, 0, chars, 0, other.length);
        length = other.length;
    }

    char last() {
        return chars[length - 1];
    }

    void removeLast() {
        length--;
    }

    /** Empties the buffer and gives back storage above {@code maxCapacity} chars (one hostile event's worth). */
    void clearAndTrim(int maxCapacity) {
        length = 0;
        if (chars.length > maxCapacity) {
            chars = EMPTY;
        }
    }

    private void grow(int minCapacity) {
        int newCapacity = Math.max(minCapacity, Math.max(MIN_CAPACITY, chars.length * 2));
        if (newCapacity < 0) {                              // doubling overflowed
            newCapacity = minCapacity;
        }
        chars = Arrays.copyOf(chars, newCapacity);
    }
}
