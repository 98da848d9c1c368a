package herald.server.cluster;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Where Redis is: {@code redis://[[user]:password@]host[:port][/db]}, or {@code rediss://…} for TLS. The port
 * defaults to 6379, the database to 0; an IPv6 host goes in brackets ({@code redis://[::1]:6379}). User and
 * password may be percent-encoded ({@code %40} for {@code @}); the password may also hold {@code @} and
 * {@code /} as they are (the host starts after the last {@code @}).
 *
 * <p>{@link #parse} throws {@link IllegalArgumentException} with a one-line reason that never quotes the URL
 * (it may hold a password). {@link #toString()} masks the password.
 *
 * @param tls      {@code rediss://}
 * @param user     ACL user, or null (the {@code default} user with a password, or no AUTH)
 * @param password password, or null (no AUTH)
 */
public record RedisUrl(boolean tls, String user, String password, String host, int port, int database) {
    public static final int DEFAULT_PORT = 6379;

    public RedisUrl {
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("redis URL: host is empty");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("redis URL: port must be 1..65535, was " + port);
        }
        if (database < 0) {
            throw new IllegalArgumentException("redis URL: database must be >= 0, was " + database);
        }
        if (user != null && password == null) {
            throw new IllegalArgumentException("redis URL: a user needs a password (user:password@)");
        }
    }

    public static RedisUrl parse(String url) {
        if (url == null || url.isEmpty()) {
            throw new IllegalArgumentException("redis URL is empty");
        }
        boolean tls;
        String rest;
        if (url.regionMatches(true, 0, "redis://", 0, 8)) {
            tls = false;
            rest = url.substring(8);
        } else if (url.regionMatches(true, 0, "rediss://", 0, 9)) {
            tls = true;
            rest = url.substring(9);
        } else {
            throw new IllegalArgumentException("redis URL must start with redis:// or rediss://");
        }
        String user = null;
        String password = null;
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = rest.substring(0, at);
            rest = rest.substring(at + 1);
            int colon = userInfo.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("redis URL: credentials must be user:password@ or :password@");
            }
            user = colon == 0 ? null : decode(userInfo.substring(0, colon), "user");
            password = decode(userInfo.substring(colon + 1), "password");
            if (password.isEmpty()) {
                throw new IllegalArgumentException("redis URL: password is empty");
            }
        }
        if (rest.indexOf('?') >= 0 || rest.indexOf('#') >= 0) {
            throw new IllegalArgumentException("redis URL: query parameters and fragments are not supported");
        }
        int slash = rest.indexOf('/');
        String authority = slash < 0 ? rest : rest.substring(0, slash);
        int database = slash < 0 ? 0 : database(rest.substring(slash + 1));
        String host;
        String portText;
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("redis URL: IPv6 host lacks its closing ]");
            }
            host = authority.substring(1, close);
            String after = authority.substring(close + 1);
            if (!after.isEmpty() && !after.startsWith(":")) {
                throw new IllegalArgumentException("redis URL: expected :port after the IPv6 host");
            }
            portText = after.isEmpty() ? null : after.substring(1);
        } else {
            int colon = authority.indexOf(':');
            host = colon < 0 ? authority : authority.substring(0, colon);
            portText = colon < 0 ? null : authority.substring(colon + 1);
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("redis URL: host is empty");
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-'
                    || c == '_' || c == ':')) {
                throw new IllegalArgumentException("redis URL: host may hold only letters, digits and . - _ (: in [IPv6])");
            }
        }
        return new RedisUrl(tls, user, password, host, portText == null ? DEFAULT_PORT : port(portText), database);
    }

    private static int port(String text) {
        long value = number(text, 65_535, "port");
        if (value < 1) {
            throw new IllegalArgumentException("redis URL: port must be 1..65535, was " + value);
        }
        return (int) value;
    }

    private static int database(String text) {
        if (text.isEmpty()) {
            return 0;                          // redis://host:6379/ is database 0
        }
        return (int) number(text, Integer.MAX_VALUE, "database");
    }

    private static long number(String text, long max, String name) {
        if (text.isEmpty() || text.length() > 10) {
            throw new IllegalArgumentException("redis URL: " + name + " must be a number up to " + max);
        }
        long value = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw new IllegalArgumentException("redis URL: " + name + " must be a number up to " + max);
            }
            value = value * 10 + (c - '0');
        }
        if (value > max) {
            throw new IllegalArgumentException("redis URL: " + name + " must be a number up to " + max);
        }
        return value;
    }

    private static String decode(String text, String name) {
        if (text.indexOf('%') < 0) {
            return text;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) != '%') {
                int end = text.indexOf('%', i);
                byte[] bytes = text.substring(i, end < 0 ? text.length() : end).getBytes(StandardCharsets.UTF_8);
                out.write(bytes, 0, bytes.length);
                i = (end < 0 ? text.length() : end) - 1;
                continue;
            }
            int high = i + 2 < text.length() ? Character.digit(text.charAt(i + 1), 16) : -1;
            int low = i + 2 < text.length() ? Character.digit(text.charAt(i + 2), 16) : -1;
            if (high < 0 || low < 0) {
                throw new IllegalArgumentException("redis URL: " + name + " has a bad percent escape");
            }
            out.write(high << 4 | low);
            i += 2;
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The URL with the password masked. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(tls ? "rediss://" : "redis://");
        if (password != null) {
            s.append(user == null ? "" : user).append(":***@");
        }
        s.append(host.indexOf(':') >= 0 ? "[" + host + "]" : host).append(':').append(port);
        if (database != 0) {
            s.append('/').append(database);
        }
        return s.toString();
    }
}
