package herald.server.auth;

import java.util.ArrayList;
import java.util.List;

/**
 * A pattern over topic names, whose segments are split at {@code /} (DESIGN.md section 4, "Auth"):
 *
 * <pre>
 *   users/42      exactly that topic
 *   dashboard/*   "*"  = exactly one segment:   dashboard/cpu, not dashboard, not dashboard/cpu/0
 *   orders/**     "**" = one or more segments:  orders/1, orders/1/lines, not orders
 *   **            every topic
 * </pre>
 *
 * <p>{@code *} and {@code **} stand for whole segments only, and may appear anywhere ({@code a/**}{@code /z},
 * {@code * /x} without the space). A literal segment holds what a topic segment may hold: ASCII letters, digits
 * and {@code - _ . ~}. Malformed: an empty pattern or segment ({@code /a}, {@code a//b}, {@code a/}), a segment
 * mixing {@code *} with other characters ({@code ***}, {@code a**b}, {@code a*}).
 *
 * <p>Immutable; {@link #matches} allocates nothing and may be called from any thread.
 */
public final class TopicPattern {
    private static final byte LITERAL = 0;
    private static final byte ONE = 1;        // "*": exactly one segment
    private static final byte ANY_MORE = 2;   // the "zero or more" tail of "**" (compiled as ONE, ANY_MORE)

    private final String pattern;
    private final byte[] kinds;
    private final String[] literals;

    private TopicPattern(String pattern, byte[] kinds, String[] literals) {
        this.pattern = pattern;
        this.kinds = kinds;
        this.literals = literals;
    }

    /**
     * Parses one pattern.
     *
     * @throws IllegalArgumentException malformed; the message says why and where, not the pattern itself (it
     *         may come from a token)
     */
    public static TopicPattern of(String pattern) {
        String problem = problem(pattern);
        if (problem != null) {
            throw new IllegalArgumentException("malformed topic pattern: " + problem);
        }
        List<Byte> kinds = new ArrayList<>();
        List<String> literals = new ArrayList<>();
        for (String segment : pattern.split("/", -1)) {
            if (segment.equals("**")) {
                kinds.add(ONE);
                literals.add(null);
                kinds.add(ANY_MORE);
                literals.add(null);
            } else {
                kinds.add(segment.equals("*") ? ONE : LITERAL);
                literals.add(segment.equals("*") ? null : segment);
            }
        }
        byte[] k = new byte[kinds.size()];
        for (int i = 0; i < k.length; i++) {
            k[i] = kinds.get(i);
        }
        return new TopicPattern(pattern, k, literals.toArray(new String[0]));
    }

    /**
     * Parses a list of patterns, e.g. a token's {@code subscribe} claim.
     *
     * @throws IllegalArgumentException naming the index of the first malformed pattern, e.g.
     *         {@code "malformed topic pattern index=2: empty segment=1"}
     */
    public static List<TopicPattern> listOf(List<String> patterns) {
        List<TopicPattern> out = new ArrayList<>(patterns.size());
        for (int i = 0; i < patterns.size(); i++) {
            String problem = problem(patterns.get(i));
            if (problem != null) {
                throw new IllegalArgumentException("malformed topic pattern index=" + i + ": " + problem);
            }
            out.add(of(patterns.get(i)));
        }
        return List.copyOf(out);
    }

    /** Null when {@code pattern} is well formed, else the reason (never quoting it). */
    static String problem(String pattern) {
        if (pattern == null || pattern.isEmpty()) {
            return "empty pattern";
        }
        if (pattern.length() > 200) {
            return "pattern exceeds maxLength=200"; // a topic name's limit (TopicNames.MAX_LENGTH)
        }
        int segment = 0;
        int start = 0;
        for (int i = 0; i <= pattern.length(); i++) {
            if (i < pattern.length() && pattern.charAt(i) != '/') {
                continue;
            }
            int length = i - start;
            if (length == 0) {
                return "empty segment=" + segment;
            }
            boolean star = pattern.charAt(start) == '*';
            for (int j = start; j < i; j++) {
                char c = pattern.charAt(j);
                if (c == '*') {
                    if (!star || length > 2) {
                        return "'*' mixed into segment=" + segment + " (only * or ** as a whole segment)";
                    }
                } else if (star) {
                    return "'*' mixed into segment=" + segment + " (only * or ** as a whole segment)";
                } else if (!literalChar(c)) {
                    return "segment=" + segment + " may hold only letters, digits and - _ . ~";
                }
            }
            segment++;
            start = i + 1;
        }
        return null;
    }

    private static boolean literalChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                || c == '-' || c == '_' || c == '.' || c == '~';
    }

    /**
     * Whether {@code topic} matches. Walks the topic once by index (a greedy glob match over segments with
     * one backtrack point, O(segments²) at worst), allocating nothing.
     */
    public boolean matches(String topic) {
        byte[] kinds = this.kinds;
        int end = topic.length() + 1;         // the position after the last segment's end
        int p = 0;
        int t = 0;
        int starP = -1;
        int starT = 0;
        while (t < end) {
            if (p < kinds.length && kinds[p] == ANY_MORE) {
                starP = p++;
                starT = t;
            } else if (p < kinds.length && segmentMatches(p, topic, t)) {
                p++;
                t = nextSegment(topic, t);
            } else if (starP >= 0) {
                p = starP + 1;
                starT = nextSegment(topic, starT);
                t = starT;
            } else {
                return false;
            }
        }
        while (p < kinds.length && kinds[p] == ANY_MORE) {
            p++;
        }
        return p == kinds.length;
    }

    private boolean segmentMatches(int p, String topic, int t) {
        int segmentEnd = topic.indexOf('/', t);
        if (segmentEnd < 0) {
            segmentEnd = topic.length();
        }
        if (kinds[p] == ONE) {
            return segmentEnd > t;
        }
        String literal = literals[p];
        return segmentEnd - t == literal.length() && topic.startsWith(literal, t);
    }

    private static int nextSegment(String topic, int t) {
        int slash = topic.indexOf('/', t);
        return slash < 0 ? topic.length() + 1 : slash + 1;
    }

    /** The pattern as written (operator or token issuer text, not client bytes). */
    @Override
    public String toString() {
        return pattern;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TopicPattern other && other.pattern.equals(pattern);
    }

    @Override
    public int hashCode() {
        return pattern.hashCode();
    }
}
