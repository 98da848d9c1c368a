package herald.server.broker;

/**
 * Topic name rules: 1 to 200 characters of ASCII letters, digits, {@code - _ . ~ /}; segments between
 * slashes are never empty and never {@code ..} (so {@code users/42} is fine, {@code /a}, {@code a//b},
 * {@code a/../b} are not). Names under {@code _herald/} are Herald's own (the dashboard's feed): anyone may
 * subscribe, nobody may publish there.
 */
public final class TopicNames {
    public static final int MAX_LENGTH = 200;
    public static final String SYSTEM_PREFIX = "_herald/";

    private TopicNames() {
    }

    /** Null when {@code name} is a valid topic name, else the reason (never quoting the name). */
    public static String problem(String name) {
        if (name == null || name.isEmpty()) {
            return "topic name is empty";
        }
        if (name.length() > MAX_LENGTH) {
            return "topic name exceeds maxLength=" + MAX_LENGTH;
        }
        int segmentStart = 0;
        for (int i = 0; i <= name.length(); i++) {
            if (i == name.length() || name.charAt(i) == '/') {
                int length = i - segmentStart;
                if (length == 0) {
                    return "topic name has an empty segment";
                }
                if (length == 2 && name.charAt(segmentStart) == '.' && name.charAt(segmentStart + 1) == '.') {
                    return "topic name has a '..' segment";
                }
                segmentStart = i + 1;
            } else if (!allowed(name.charAt(i))) {
                return "topic name may hold only letters, digits and - _ . ~ /";
            }
        }
        return null;
    }

    public static boolean isSystem(String name) {
        return name.startsWith(SYSTEM_PREFIX);
    }

    private static boolean allowed(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                || c == '-' || c == '_' || c == '.' || c == '~';
    }
}
