package herald.server;

import java.time.Duration;

/**
 * When a publish is pushed back instead of cutting off a topic's subscribers (README "Slow consumers and
 * overload"). When a publish would overtake the slowest {@code fraction} of a topic's subscribers (at least two of
 * them), it waits up to {@code publishWait} for them to make room, then is refused (HTTP 503 with
 * {@code Retry-After: 1}) and publishes nothing. It may overtake fewer: they are cut off, as one slow subscriber
 * always is.
 *
 * @param publishWait how long a publish waits for room (100 ms); zero: refused at once; at most 10 s
 * @param fraction    the share of a topic's subscribers that, overtaken together, make a publish wait (0.1), in
 *                    [0, 1]; with 1 a publish waits only when it would overtake all of them
 */
public record Overload(Duration publishWait, double fraction) {
    public static final Overload DEFAULTS = new Overload(Duration.ofMillis(100), 0.1);

    public Overload {
        if (publishWait == null) {
            throw new NullPointerException("publishWait");
        }
        if (publishWait.isNegative() || publishWait.compareTo(Duration.ofSeconds(10)) > 0) {
            throw new IllegalArgumentException("publishWait must be in [0, 10s]: publishWait=" + publishWait);
        }
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("overload fraction must be in [0, 1]: fraction=" + fraction);
        }
    }

    public Overload withPublishWait(Duration value) {
        return new Overload(value, fraction);
    }

    public Overload withFraction(double value) {
        return new Overload(publishWait, value);
    }
}
