package herald.server.transport;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * A set of IP networks in CIDR notation ({@code 10.0.0.0/8}, {@code 2001:db8::/32}; a bare address is a network
 * of one), and strict parsing of IP literals that never asks DNS. Immutable and thread-safe.
 */
public final class Networks {
    /** No network: nothing is contained. */
    public static final Networks NONE = new Networks(List.of());

    private final List<String> texts;
    private final byte[][] prefixes;
    private final int[] bits;

    private Networks(List<String> texts) {
        this.texts = List.copyOf(texts);
        this.prefixes = new byte[texts.size()][];
        this.bits = new int[texts.size()];
        for (int i = 0; i < texts.size(); i++) {
            String text = texts.get(i);
            int slash = text.indexOf('/');
            InetAddress address = literal(slash < 0 ? text : text.substring(0, slash));
            if (address == null) {
                throw new IllegalArgumentException("not an IP network (CIDR, e.g. 10.0.0.0/8): " + text);
            }
            byte[] bytes = address.getAddress();
            int length = bytes.length * 8;
            if (slash >= 0) {
                String digits = text.substring(slash + 1);
                if (digits.isEmpty() || digits.length() > 3 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')
                        || Integer.parseInt(digits) > length) {
                    throw new IllegalArgumentException("not a prefix length from 0 to " + length + ": " + text);
                }
                length = Integer.parseInt(digits);
            }
            prefixes[i] = bytes;
            bits[i] = length;
        }
    }

    /**
     * The networks of a list like {@code 10.0.0.0/8, 192.168.1.7, ::1/128}; an empty or blank list is
     * {@link #NONE}.
     *
     * @throws IllegalArgumentException naming the first element that is not an IP address or network
     */
    public static Networks parse(String list) {
        List<String> texts = new ArrayList<>();
        for (String element : list.split(",")) {
            String text = element.trim();
            if (!text.isEmpty()) {
                texts.add(text);
            }
        }
        return texts.isEmpty() ? NONE : new Networks(texts);
    }

    public static Networks of(List<String> networks) {
        return networks.isEmpty() ? NONE : new Networks(networks);
    }

    public boolean isEmpty() {
        return bits.length == 0;
    }

    /** Whether {@code address} lies in one of the networks (an IPv4 address never in an IPv6 network). */
    public boolean contains(InetAddress address) {
        if (bits.length == 0) {
            return false;
        }
        byte[] bytes = address.getAddress();
        for (int i = 0; i < bits.length; i++) {
            if (prefixes[i].length == bytes.length && matches(prefixes[i], bytes, bits[i])) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(byte[] prefix, byte[] address, int bits) {
        int whole = bits >>> 3;
        for (int i = 0; i < whole; i++) {
            if (prefix[i] != address[i]) {
                return false;
            }
        }
        int rest = bits & 7;
        if (rest == 0) {
            return true;
        }
        int mask = 0xFF << (8 - rest) & 0xFF;
        return (prefix[whole] & mask) == (address[whole] & mask);
    }

    /** The networks as given, for printing. */
    public List<String> texts() {
        return texts;
    }

    /**
     * The address an IP literal names, or null when {@code text} is not one: IPv4 only as four decimal parts
     * ({@code 127.1} and octal forms are refused), IPv6 as RFC 4291 text without a zone. Never a DNS lookup.
     */
    public static InetAddress literal(String text) {
        if (text.isEmpty() || text.length() > 45) {
            return null;
        }
        if (text.indexOf(':') < 0) {
            return ipv4(text);
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == ':' || c == '.')) {
                return null;                        // also a zone ("%eth0"), which names this host's interfaces
            }
        }
        try {
            return InetAddress.getByName(text);     // with a colon, only ever parsed as an IPv6 literal: no DNS
        } catch (java.net.UnknownHostException e) {
            return null;
        }
    }

    private static InetAddress ipv4(String text) {
        byte[] bytes = new byte[4];
        int part = 0;
        int value = -1;
        for (int i = 0; i <= text.length(); i++) {
            char c = i < text.length() ? text.charAt(i) : '.';
            if (c == '.') {
                if (value < 0 || part == 4) {
                    return null;
                }
                bytes[part++] = (byte) value;
                value = -1;
            } else if (c >= '0' && c <= '9') {
                if (value == 0) {
                    return null;                    // a leading zero: octal in some parsers, so refused
                }
                value = (value < 0 ? 0 : value * 10) + (c - '0');
                if (value > 255) {
                    return null;
                }
            } else {
                return null;
            }
        }
        if (part != 4) {
            return null;
        }
        try {
            return Inet4Address.getByAddress(bytes);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);            // four bytes are always an address
        }
    }

    @Override
    public String toString() {
        return String.join(",", texts);
    }
}
