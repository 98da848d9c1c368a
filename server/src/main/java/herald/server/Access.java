package herald.server;

import java.util.Objects;

/**
 * Who may do what.
 *
 * @param publish who may publish and delete ({@link PublishAccess#LOOPBACK})
 */
public record Access(PublishAccess publish) {
    public static final Access DEFAULTS = new Access(PublishAccess.LOOPBACK);

    public Access {
        Objects.requireNonNull(publish, "publish");
    }

    public Access withPublish(PublishAccess value) {
        return new Access(value);
    }
}
