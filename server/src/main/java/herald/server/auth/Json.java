package herald.server.auth;

// Longer than ~300 lines on purpose: one recursive-descent parser with its bounds; split, the grammar would be
// scattered over files.

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small strict JSON reader (RFC 8259) for JWT headers and claims and for JWKS files: no dependency, bounded
 * depth and size, and errors that give an offset but never quote the input (it may be a token).
 *
 * <p>Values: {@code Map<String, Object>} (insertion order, unmodifiable), {@code List<Object>} (unmodifiable),
 * {@code String}, {@code Long} for integers that fit, {@code Double} for other finite numbers, {@code Boolean},
 * and {@code null}.
 *
 * <p>Strict means: exactly one value with optional whitespace (space, tab, CR, LF) around it; no comments, no
 * trailing commas, no leading zeros, no unescaped control characters, no lone surrogates (escaped or not), no
 * number outside the range of a double. <b>Duplicate member names are rejected</b>: RFC 7519 section 4 allows a
 * JWT parser either to reject them or to take the last one, and two parsers that choose differently read
 * different claims from one token (a proxy checks one {@code sub}, Herald another); rejecting removes the
 * ambiguity.
 *
 * <p>Stateless; any thread.
 */
final class Json {
    /** Nesting limit of JWT headers and claims; JWKS files fit too (object, array, key object = 3). */
    static final int MAX_DEPTH = 16;

    private final String text;
    private final int maxDepth;
    private int pos;

    private Json(String text, int maxDepth) {
        this.text = text;
        this.maxDepth = maxDepth;
    }

    /**
     * Parses one JSON value.
     *
     * @param maxChars the input's length limit (checked before reading a byte)
     * @throws JsonException malformed, too deep or too long; the message names the offset, not the input
     */
    static Object parse(String text, int maxChars) throws JsonException {
        return parse(text, maxChars, MAX_DEPTH);
    }

    static Object parse(String text, int maxChars, int maxDepth) throws JsonException {
        if (text.length() > maxChars) {
            throw new JsonException("json exceeds maxChars=" + maxChars + ": length=" + text.length());
        }
        Json json = new Json(text, maxDepth);
        json.skipWhitespace();
        Object value = json.value(0);
        json.skipWhitespace();
        if (json.pos != text.length()) {
            throw json.error("unexpected content after the value");
        }
        return value;
    }

    /** Parses a JSON object, rejecting any other top-level value. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> parseObject(String text, int maxChars) throws JsonException {
        Object value = parse(text, maxChars);
        if (!(value instanceof Map)) {
            throw new JsonException("json: expected an object at offset=0");
        }
        return (Map<String, Object>) value;
    }

    private Object value(int depth) throws JsonException {
        if (pos >= text.length()) {
            throw error("unexpected end of input");
        }
        char c = text.charAt(pos);
        switch (c) {
            case '{':
                return object(depth + 1);
            case '[':
                return array(depth + 1);
            case '"':
                return string();
            case 't':
                literal("true");
                return Boolean.TRUE;
            case 'f':
                literal("false");
                return Boolean.FALSE;
            case 'n':
                literal("null");
                return null;
            default:
                if (c == '-' || c >= '0' && c <= '9') {
                    return number();
                }
                throw error("unexpected character");
        }
    }

    private Map<String, Object> object(int depth) throws JsonException {
        checkDepth(depth);
        pos++; // '{'
        Map<String, Object> members = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            return Collections.unmodifiableMap(members);
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"') {
                throw error("expected a member name");
            }
            int nameOffset = pos;
            String name = string();
            skipWhitespace();
            expect(':');
            skipWhitespace();
            Object value = value(depth);
            if (members.containsKey(name)) {
                pos = nameOffset;
                throw error("duplicate member name");
            }
            members.put(name, value);
            skipWhitespace();
            char c = peek();
            pos++;
            if (c == '}') {
                return Collections.unmodifiableMap(members);
            }
            if (c != ',') {
                pos--;
                throw error("expected ',' or '}'");
            }
        }
    }

    private List<Object> array(int depth) throws JsonException {
        checkDepth(depth);
        pos++; // '['
        List<Object> elements = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            return Collections.unmodifiableList(elements);
        }
        while (true) {
            skipWhitespace();
            elements.add(value(depth));
            skipWhitespace();
            char c = peek();
            pos++;
            if (c == ']') {
                return Collections.unmodifiableList(elements);
            }
            if (c != ',') {
                pos--;
                throw error("expected ',' or ']'");
            }
        }
    }

    private String string() throws JsonException {
        pos++; // opening quote
        StringBuilder out = null; // only when the string has an escape
        int start = pos;
        while (true) {
            if (pos >= text.length()) {
                throw error("unterminated string");
            }
            char c = text.charAt(pos);
            if (c == '"') {
                String s = out == null ? text.substring(start, pos) : out.append(text, start, pos).toString();
                pos++;
                return s;
            }
            if (c < 0x20) {
                throw error("unescaped control character in a string");
            }
            if (Character.isSurrogate(c)) {
                // A well-formed pair passes; a lone surrogate cannot come from valid UTF-8.
                if (Character.isHighSurrogate(c) && pos + 1 < text.length()
                        && Character.isLowSurrogate(text.charAt(pos + 1))) {
                    pos += 2;
                    continue;
                }
                throw error("lone surrogate in a string");
            }
            if (c != '\\') {
                pos++;
                continue;
            }
            if (out == null) {
                out = new StringBuilder(pos - start + 16);
            }
            out.append(text, start, pos);
            pos++;
            out.append(escape());
            start = pos;
        }
    }

    /** The character(s) of the escape after a backslash; {@code pos} is on the escape letter. */
    private String escape() throws JsonException {
        if (pos >= text.length()) {
            throw error("unterminated escape");
        }
        char e = text.charAt(pos++);
        switch (e) {
            case '"': return "\"";
            case '\\': return "\\";
            case '/': return "/";
            case 'b': return "\b";
            case 'f': return "\f";
            case 'n': return "\n";
            case 'r': return "\r";
            case 't': return "\t";
            case 'u':
                char unit = hex4();
                if (Character.isLowSurrogate(unit)) {
                    throw error("lone low surrogate escape");
                }
                if (!Character.isHighSurrogate(unit)) {
                    return String.valueOf(unit);
                }
                if (pos + 1 >= text.length() || text.charAt(pos) != '\\' || text.charAt(pos + 1) != 'u') {
                    throw error("high surrogate escape without a low one");
                }
                pos += 2;
                char low = hex4();
                if (!Character.isLowSurrogate(low)) {
                    throw error("high surrogate escape without a low one");
                }
                return new String(new char[] {unit, low});
            default:
                pos--;
                throw error("invalid escape");
        }
    }

    private char hex4() throws JsonException {
        if (pos + 4 > text.length()) {
            throw error("truncated \\u escape");
        }
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int d = Character.digit(text.charAt(pos), 16);
            if (d < 0 || text.charAt(pos) > 'f') {
                throw error("invalid hex digit in a \\u escape");
            }
            v = v << 4 | d;
            pos++;
        }
        return (char) v;
    }

    private Object number() throws JsonException {
        int start = pos;
        boolean integral = true;
        if (peek() == '-') {
            pos++;
        }
        if (peek() == '0') {
            pos++;
            if (isDigit(peek())) {
                throw error("leading zero in a number");
            }
        } else if (isDigit(peek())) {
            digits();
        } else {
            throw error("expected a digit");
        }
        if (peek() == '.') {
            integral = false;
            pos++;
            if (!isDigit(peek())) {
                throw error("expected a digit after '.'");
            }
            digits();
        }
        if (peek() == 'e' || peek() == 'E') {
            integral = false;
            pos++;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            if (!isDigit(peek())) {
                throw error("expected a digit in the exponent");
            }
            digits();
        }
        String literal = text.substring(start, pos);
        if (integral && pos - start <= 19) {
            try {
                return Long.parseLong(literal);
            } catch (NumberFormatException overflow) {
                // 19 digits may exceed a long: fall through to a double
            }
        }
        double d = Double.parseDouble(literal);
        if (Double.isInfinite(d)) {
            pos = start;
            throw error("number out of range");
        }
        return d;
    }

    private void digits() {
        while (isDigit(peek())) {
            pos++;
        }
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private void literal(String word) throws JsonException {
        if (!text.startsWith(word, pos)) {
            throw error("invalid literal");
        }
        pos += word.length();
    }

    private void expect(char c) throws JsonException {
        if (peek() != c) {
            throw error("expected '" + c + "'");
        }
        pos++;
    }

    /** The current character, or NUL at the end (never valid where a structural character is expected). */
    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private void skipWhitespace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private void checkDepth(int depth) throws JsonException {
        if (depth > maxDepth) {
            throw error("nesting exceeds maxDepth=" + maxDepth);
        }
    }

    private JsonException error(String what) {
        return new JsonException("json: " + what + " at offset=" + pos);
    }

    /** Malformed JSON. Stackless: hostile input is normal traffic. */
    static final class JsonException extends Exception {
        private static final long serialVersionUID = 1L;

        JsonException(String message) {
            super(message, null, false, false);
        }
    }
}
