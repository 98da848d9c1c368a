package herald.protocol.http1;

/**
 * Syntax of {@code uri-host [ ":" port ]}, the value of {@code Host} (RFC 9110 §7.2) and the authority of an
 * absolute-form request-target (RFC 9112 §3.2.2, without userinfo, which RFC 9110 §4.2.4 makes an error).
 *
 * <pre>
 * RFC 3986 §3.2.2  host        = IP-literal / IPv4address / reg-name
 *                  IP-literal  = "[" ( IPv6address / IPvFuture  ) "]"
 *                  IPvFuture   = "v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" )
 *                  IPv6address = 6( h16 ":" ) ls32 / "::" 5( h16 ":" ) ls32 / ... (at most one "::")
 *                  h16         = 1*4HEXDIG ; ls32 = ( h16 ":" h16 ) / IPv4address
 *                  IPv4address = dec-octet "." dec-octet "." dec-octet "." dec-octet
 *                  dec-octet   = DIGIT / %x31-39 DIGIT / "1" 2DIGIT / "2" %x30-34 DIGIT / "25" %x30-35
 *                  reg-name    = *( unreserved / pct-encoded / sub-delims )
 * RFC 3986 §3.2.3  port        = *DIGIT
 * </pre>
 */
final class HostValidator {
    private HostValidator() {
    }

    /**
     * Whether {@code b[from..to)} is {@code uri-host [ ":" port ]}; with {@code requireHost} the host must not be
     * empty (an "http" URI with an empty host is invalid, RFC 9110 §4.2.1; an empty Host field is allowed).
     */
    static boolean isValid(byte[] b, int from, int to, boolean requireHost) {
        int hostEnd;
        if (from < to && b[from] == '[') {
            int close = from + 1;
            while (close < to && b[close] != ']') {
                close++;
            }
            if (close == to || !isIpLiteral(b, from + 1, close)) {
                return false;
            }
            hostEnd = close + 1;
        } else {
            hostEnd = from;
            while (hostEnd < to && b[hostEnd] != ':') {
                byte c = b[hostEnd];
                if (!AsciiTable.is(c, AsciiTable.REG_NAME)) {
                    return false;
                }
                if (c == '%') {
                    if (hostEnd + 2 >= to || AsciiTable.hexValue(b[hostEnd + 1]) < 0
                            || AsciiTable.hexValue(b[hostEnd + 2]) < 0) {
                        return false;
                    }
                    hostEnd += 2;
                }
                hostEnd++;
            }
            if (requireHost && hostEnd == from) {
                return false;
            }
        }
        if (hostEnd == to) {
            return true;
        }
        if (b[hostEnd] != ':') {
            return false;
        }
        for (int i = hostEnd + 1; i < to; i++) {
            if (!AsciiTable.is(b[i], AsciiTable.DIGIT)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isIpLiteral(byte[] b, int from, int to) {
        if (from < to && (b[from] == 'v' || b[from] == 'V')) {
            return isIpFuture(b, from + 1, to);
        }
        return isIpv6(b, from, to);
    }

    private static boolean isIpFuture(byte[] b, int from, int to) {
        int i = from;
        while (i < to && AsciiTable.is(b[i], AsciiTable.HEXDIG)) {
            i++;
        }
        if (i == from || i == to || b[i] != '.' || i + 1 == to) {
            return false;
        }
        for (i++; i < to; i++) {
            byte c = b[i];
            if (c == '%' || (c != ':' && !AsciiTable.is(c, AsciiTable.REG_NAME))) {
                return false;
            }
        }
        return true;
    }

    static boolean isIpv6(byte[] b, int from, int to) {
        int groups = 0;
        boolean compressed = false;
        int i = from;
        if (to - from >= 2 && b[i] == ':' && b[i + 1] == ':') {
            compressed = true;
            i += 2;
            if (i == to) {
                return true;                            // "::"
            }
        }
        while (i < to) {
            int start = i;
            while (i < to && i - start < 5 && AsciiTable.is(b[i], AsciiTable.HEXDIG)) {
                i++;
            }
            if (i < to && b[i] == '.') {                // ls32 as IPv4address: the last 32 bits
                if (!isIpv4(b, start, to)) {
                    return false;
                }
                groups += 2;
                break;
            }
            int digits = i - start;
            if (digits == 0 || digits > 4) {
                return false;
            }
            groups++;
            if (i == to) {
                break;
            }
            if (b[i] != ':' || ++i == to) {             // a single trailing ':' is not allowed
                return false;
            }
            if (b[i] == ':') {
                if (compressed) {
                    return false;                       // at most one "::"
                }
                compressed = true;
                if (++i == to) {
                    break;
                }
            }
        }
        return compressed ? groups <= 7 : groups == 8;
    }

    static boolean isIpv4(byte[] b, int from, int to) {
        int i = from;
        for (int octet = 0; octet < 4; octet++) {
            if (octet > 0) {
                if (i == to || b[i] != '.') {
                    return false;
                }
                i++;
            }
            int start = i;
            int value = 0;
            while (i < to && i - start < 3 && AsciiTable.is(b[i], AsciiTable.DIGIT)) {
                value = value * 10 + (b[i] - '0');
                i++;
            }
            int digits = i - start;
            if (digits == 0 || value > 255 || (digits > 1 && b[start] == '0')) {
                return false;
            }
        }
        return i == to;
    }
}
