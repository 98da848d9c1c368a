package herald.protocol.hpack;

/**
 * The static table of RFC 7541 Appendix A: 61 fields at indices 1 to 61. Fields with one name are adjacent, which
 * {@link #exactIndex} relies on.
 */
final class StaticTable {
    static final int LENGTH = 61;

    // @formatter:off
    private static final String[] FIELDS = {
        ":authority", "",
        ":method", "GET",
        ":method", "POST",
        ":path", "/",
        ":path", "/index.html",
        ":scheme", "http",
        ":scheme", "https",
        ":status", "200",
        ":status", "204",
        ":status", "206",
        ":status", "304",
        ":status", "400",
        ":status", "404",
        ":status", "500",
        "accept-charset", "",
        "accept-encoding", "gzip, deflate",
        "accept-language", "",
        "accept-ranges", "",
        "accept", "",
        "access-control-allow-origin", "",
        "age", "",
        "allow", "",
        "authorization", "",
        "cache-control", "",
        "content-disposition", "",
        "content-encoding", "",
        "content-language", "",
        "content-length", "",
        "content-location", "",
        "content-range", "",
        "content-type", "",
        "cookie", "",
        "date", "",
        "etag", "",
        "expect", "",
        "expires", "",
        "from", "",
        "host", "",
        "if-match", "",
        "if-modified-since", "",
        "if-none-match", "",
        "if-range", "",
        "if-unmodified-since", "",
        "last-modified", "",
        "link", "",
        "location", "",
        "max-forwards", "",
        "proxy-authenticate", "",
        "proxy-authorization", "",
        "range", "",
        "referer", "",
        "refresh", "",
        "retry-after", "",
        "server", "",
        "set-cookie", "",
        "strict-transport-security", "",
        "transfer-encoding", "",
        "user-agent", "",
        "vary", "",
        "via", "",
        "www-authenticate", "",
    };
    // @formatter:on

    /** Open addressing: slot → index of the first field with a name hashing there, 0 for none. */
    private static final byte[] BY_NAME = new byte[128];

    static {
        for (int index = LENGTH; index >= 1; index--) {     // descending, so the first of equal names wins
            String name = name(index);
            int slot = hashLowercase(name) & 127;
            while (BY_NAME[slot] != 0 && !name(BY_NAME[slot]).equals(name)) {
                slot = (slot + 1) & 127;
            }
            BY_NAME[slot] = (byte) index;
        }
    }

    private StaticTable() {
    }

    /** @param index 1 to {@link #LENGTH} */
    static String name(int index) {
        return FIELDS[2 * index - 2];
    }

    /** @param index 1 to {@link #LENGTH} */
    static String value(int index) {
        return FIELDS[2 * index - 1];
    }

    /** The first index with this name, ASCII case ignored, or 0. Allocates nothing. */
    static int nameIndex(String name) {
        int slot = hashLowercase(name) & 127;
        for (int index; (index = BY_NAME[slot]) != 0; slot = (slot + 1) & 127) {
            if (name(index).equalsIgnoreCase(name)) {
                return index;
            }
        }
        return 0;
    }

    /** The index of this exact field (name case ignored, value exact), or 0. */
    static int exactIndex(String name, String value) {
        int index = nameIndex(name);
        if (index == 0) {
            return 0;
        }
        String canonical = name(index);
        for (; index <= LENGTH && name(index).equals(canonical); index++) {
            if (value(index).equals(value)) {
                return index;
            }
        }
        return 0;
    }

    private static int hashLowercase(String s) {
        int h = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            h = 31 * h + (c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
        }
        return h ^ (h >>> 7);
    }
}
