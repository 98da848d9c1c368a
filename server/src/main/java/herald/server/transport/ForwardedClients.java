package herald.server.transport;

import herald.protocol.http1.RequestHead;
import herald.server.exchange.Client;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Who sent a request that came through trusted proxies. Only when the peer (the connection's other end) lies in
 * {@code --trusted-proxies} is a forwarded address used: {@code X-Forwarded-For}, or, when the request has none,
 * {@code Forwarded: for=} (RFC 7239). Either list is read from the right, each hop having been appended by the
 * proxy after it: trusted addresses are skipped, and the first untrusted one is the client. An element that is
 * not an IP literal ({@code unknown}, an obfuscated {@code _node}, garbage) ends the walk: the client is then the
 * last trusted hop passed, or the peer itself, so nothing a client writes left of garbage is believed. Fields
 * from any other peer are ignored. Immutable and thread-safe; never asks DNS.
 *
 * <p>A proxy that writes only {@code Forwarded} must remove a client's {@code X-Forwarded-For}, since that one
 * is read first (nginx, HAProxy and the cloud balancers all write {@code X-Forwarded-For}).
 */
public final class ForwardedClients {
    private final Networks trusted;

    public ForwardedClients(Networks trusted) {
        this.trusted = trusted;
    }

    /** Whether {@code address} is a trusted proxy's (exempt from the per-address connection limits). */
    public boolean isTrusted(InetAddress address) {
        return trusted.contains(address);
    }

    /** The client of a request that {@code peer} sent: {@code peer} itself unless it is a trusted proxy. */
    public Client resolve(Client peer, RequestHead head) {
        if (!trusted.contains(peer.address())) {
            return peer;
        }
        List<String> fields = head.headers("X-Forwarded-For");
        boolean rfc7239 = fields.isEmpty();
        if (rfc7239) {
            fields = head.headers("Forwarded");
        }
        InetAddress client = rightmostUntrusted(elements(fields), rfc7239);
        return client == null || client.equals(peer.address()) ? peer : new Client(client, peer.principal());
    }

    private InetAddress rightmostUntrusted(List<String> elements, boolean rfc7239) {
        InetAddress lastTrusted = null;
        for (int i = elements.size() - 1; i >= 0; i--) {
            InetAddress hop = rfc7239 ? forwardedFor(elements.get(i)) : hostAndPort(elements.get(i));
            if (hop == null) {
                return lastTrusted;                 // garbage: believe nothing to its left
            }
            if (!trusted.contains(hop)) {
                return hop;
            }
            lastTrusted = hop;
        }
        return lastTrusted;                         // every hop a trusted proxy: the first of them
    }

    private static List<String> elements(List<String> fields) {
        List<String> elements = new ArrayList<>();
        for (String field : fields) {
            for (String element : field.split(",", -1)) {
                elements.add(element.trim());
            }
        }
        return elements;
    }

    /** The {@code for=} of one RFC 7239 element, or null when it has none or it is no IP literal. */
    static InetAddress forwardedFor(String element) {
        for (String pair : element.split(";", -1)) {
            String p = pair.trim();
            if (p.length() > 4 && p.regionMatches(true, 0, "for=", 0, 4)) {
                String value = p.substring(4);
                if (value.length() >= 2 && value.charAt(0) == '"' && value.charAt(value.length() - 1) == '"') {
                    value = value.substring(1, value.length() - 1);
                }
                return hostAndPort(value);
            }
        }
        return null;
    }

    /** {@code 192.0.2.1}, {@code 192.0.2.1:4711}, {@code 2001:db8::1}, {@code [2001:db8::1]:4711}; else null. */
    static InetAddress hostAndPort(String text) {
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0 || close + 1 < text.length() && !isPort(text, close + 1)) {
                return null;
            }
            String inside = text.substring(1, close);
            return inside.indexOf(':') < 0 ? null : Networks.literal(inside);
        }
        int colon = text.indexOf(':');
        if (colon >= 0 && text.indexOf(':', colon + 1) < 0) {   // one colon: IPv4 with a port
            return isPort(text, colon) ? Networks.literal(text.substring(0, colon)) : null;
        }
        return Networks.literal(text);
    }

    private static boolean isPort(String text, int colon) {
        int digits = text.length() - colon - 1;
        if (text.charAt(colon) != ':' || digits < 1 || digits > 5) {
            return false;
        }
        for (int i = colon + 1; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
