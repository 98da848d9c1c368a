package herald.protocol.sse;

/** System properties for property and fuzz tests; surefire passes unset ones as blank or unresolved text. */
final class TestProperties {
    private static final long SEED = initialSeed();

    private TestProperties() {
    }

    /** {@code -Dherald.seed=…} to replay a run, else one random seed per test JVM (printed once). */
    static long seed() {
        return SEED;
    }

    /** {@code -Dherald.fuzz.iterations=…} for a long run, else {@code defaultIterations}. */
    static int iterations(int defaultIterations) {
        Long value = parse(System.getProperty("herald.fuzz.iterations"));
        return value == null ? defaultIterations : Math.toIntExact(value);
    }

    private static long initialSeed() {
        Long value = parse(System.getProperty("herald.seed"));
        long seed = value != null ? value : new java.util.Random().nextLong();
        System.out.println("herald.seed=" + seed);
        return seed;
    }

    private static Long parse(String value) {
        if (value == null || value.isBlank() || value.startsWith("${")) {
            return null;
        }
        return Long.parseLong(value.trim());
    }
}
