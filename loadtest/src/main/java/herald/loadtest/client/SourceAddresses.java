package herald.loadtest.client;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Local addresses subscriptions bind to before connecting. A source address has the ephemeral ports
 * 32768–60999 (28,232) for all its sockets; binding to port 0 reserves one for each socket whatever its
 * destination, so 100,000 connections need at least four addresses, and a reconnect storm briefly needs a
 * second port per connection (the closed one is in TIME_WAIT). All of 127.0.0.0/8 is loopback on Linux.
 *
 * <p>Specs: {@code auto} (127.0.0.2 and up, one per {@value #PER_ADDRESS} connections), {@code none} (let the
 * kernel choose), {@code 127.0.0.2-127.0.0.9} (a range in the last octet), {@code 127.0.0.2,127.0.0.3}.
 */
public final class SourceAddresses {
    static final int PER_ADDRESS = 12_000;

    private SourceAddresses() {
    }

    public static List<InetAddress> parse(String spec, long connections) {
        String s = spec.trim();
        try {
            if (s.equals("none")) {
                return List.of();
            }
            if (s.equals("auto")) {
                int n = (int) Math.max(1, (connections + PER_ADDRESS - 1) / PER_ADDRESS);
                return range(InetAddress.getByName("127.0.0.2"), n);
            }
            int dash = s.indexOf('-');
            if (dash > 0) {
                InetAddress first = InetAddress.getByName(s.substring(0, dash).trim());
                InetAddress last = InetAddress.getByName(s.substring(dash + 1).trim());
                byte[] a = first.getAddress();
                byte[] b = last.getAddress();
                if (a.length != 4 || b.length != 4 || a[0] != b[0] || a[1] != b[1] || a[2] != b[2]
                        || (b[3] & 0xff) < (a[3] & 0xff)) {
                    throw new IllegalArgumentException("--source-addresses: a range must differ in the last IPv4 "
                            + "octet only, low to high: " + s);
                }
                return range(first, (b[3] & 0xff) - (a[3] & 0xff) + 1);
            }
            List<InetAddress> out = new ArrayList<>();
            for (String part : s.split(",")) {
                if (!part.isBlank()) {
                    out.add(InetAddress.getByName(part.trim()));
                }
            }
            return out;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("--source-addresses: not an address in " + s);
        }
    }

    private static List<InetAddress> range(InetAddress first, int count) throws UnknownHostException {
        byte[] a = first.getAddress();
        List<InetAddress> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int last = (a[3] & 0xff) + i;
            if (last > 254) {
                throw new IllegalArgumentException("--source-addresses: range beyond .254");
            }
            out.add(InetAddress.getByAddress(new byte[]{a[0], a[1], a[2], (byte) last}));
        }
        return out;
    }

    /**
     * Worker {@code w} of {@code workers}' share: every {@code workers}-th address, so processes do not compete
     * for one address's ports; when there are fewer addresses than workers, they share.
     */
    static List<InetAddress> share(List<InetAddress> all, int w, int workers) {
        if (all.isEmpty()) {
            return all;
        }
        if (all.size() < workers) {
            return List.of(all.get(w % all.size()));
        }
        List<InetAddress> out = new ArrayList<>();
        for (int i = w; i < all.size(); i += workers) {
            out.add(all.get(i));
        }
        return out;
    }
}
