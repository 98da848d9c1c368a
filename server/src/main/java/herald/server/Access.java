package herald.server;

import java.util.Objects;

/**
 * Who may do what, and what is served beyond the API.
 *
 * @param publish  who may publish and delete ({@link PublishAccess#LOOPBACK})
 * @param examples whether the browser examples are served under {@code /examples/} (off)
 */
public record Access(PublishAccess publish, boolean examples) {
    public static final Access DEFAULTS = new Access(PublishAccess.LOOPBACK, false);

    public Access {
        Objects.requireNonNull(publish, "publish");
    }

    public Access withPublish(PublishAccess value) {
        return new Access(value, examples);
    }

    public Access withExamples(boolean value) {
        return new Access(publish, value);
    }
}
