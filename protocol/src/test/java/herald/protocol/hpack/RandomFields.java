package herald.protocol.hpack;

import java.util.SplittableRandom;

/** Random valid field names and values for property and fuzz tests, drawn to hit table matches and long strings. */
final class RandomFields {
    private static final String[] NAMES = {"x-trace", "x-request-id", "accept", "user-agent", "cookie", ":path",
        ":authority", "content-type", "cache-control", "last-event-id", "origin", "authorization", "x-a"};
    private static final String[] VALUES = {"", "1", "*", "no-cache", "text/event-stream", "gzip, deflate",
        "/topics/news", "https://app.example", "Bearer abc.def.ghi"};
    private static final String TCHAR = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

    private final SplittableRandom random;

    RandomFields(SplittableRandom random) {
        this.random = random;
    }

    /** A valid name; may hold uppercase letters (the encoder writes them lowercase). */
    String name() {
        return switch (random.nextInt(4)) {
            case 0 -> StaticTable.name(1 + random.nextInt(StaticTable.LENGTH));
            case 1 -> NAMES[random.nextInt(NAMES.length)];
            case 2 -> (random.nextBoolean() ? ":" : "") + token(1 + random.nextInt(random.nextInt(8) == 0 ? 200 : 12));
            default -> NAMES[random.nextInt(3)].toUpperCase(java.util.Locale.ROOT);
        };
    }

    /** A valid value: field-vchar, obs-text, inner SP/HTAB; sometimes long. */
    String value() {
        int pick = random.nextInt(10);
        if (pick < 3) {
            return VALUES[random.nextInt(VALUES.length)];
        }
        if (pick == 3) {
            return StaticTable.value(1 + random.nextInt(StaticTable.LENGTH));
        }
        int length = pick == 9 ? random.nextInt(5000) : random.nextInt(40);
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            int kind = random.nextInt(20);
            char c;
            if (kind == 0 && i > 0 && i < length - 1) {
                c = random.nextBoolean() ? ' ' : '\t';
            } else if (kind == 1) {
                c = (char) (0x80 + random.nextInt(0x80));
            } else {
                c = (char) (0x21 + random.nextInt(0x7E - 0x21 + 1));
            }
            s.append(c);
        }
        return s.toString();
    }

    String token(int length) {
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            s.append(TCHAR.charAt(random.nextInt(TCHAR.length())));
        }
        return s.toString();
    }
}
