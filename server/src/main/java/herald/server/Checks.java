package herald.server;

import java.time.Duration;

/** The checks the configuration records share; messages name the field and its value ({@code name=value}). */
final class Checks {
    private Checks() {
    }

    static int positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be positive: " + name + "=" + value);
        }
        return value;
    }

    static long positive(String name, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be positive: " + name + "=" + value);
        }
        return value;
    }

    static Duration positive(String name, Duration value) {
        if (value == null) {
            throw new NullPointerException(name);
        }
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + name + "=" + value);
        }
        return value;
    }

    static Duration atLeast(String name, Duration value, long minMillis) {
        if (value == null) {
            throw new NullPointerException(name);
        }
        if (value.compareTo(Duration.ofMillis(minMillis)) < 0) {
            throw new IllegalArgumentException(name + " must be at least " + minMillis + "ms: " + name + "=" + value);
        }
        return value;
    }
}
