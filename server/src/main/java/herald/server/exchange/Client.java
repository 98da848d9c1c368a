package herald.server.exchange;

import java.net.InetAddress;
import java.util.Objects;

/**
 * Who sent a request: the address it came from and, once authenticated, its principal. Made once per connection
 * (the address: the peer's, or, behind trusted proxies, the one they forwarded) and carried with the
 * connection's permit to wherever the connection ends.
 *
 * @param address   the client's address
 * @param principal who the client proved to be, or null while unauthenticated
 */
public record Client(InetAddress address, String principal) {
    public Client {
        Objects.requireNonNull(address, "address");
    }

    public static Client of(InetAddress address) {
        return new Client(address, null);
    }

    public Client withPrincipal(String principal) {
        return new Client(address, principal);
    }
}
