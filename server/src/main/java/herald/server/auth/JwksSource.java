package herald.server.auth;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The keys of a JWKS file, re-read when the file changes.
 *
 * <p><b>Guarantees.</b> {@link #current()} never blocks on another thread and never fails: it returns the last
 * key set that parsed. At most once per {@code checkInterval} (by the injected clock) one caller — whichever
 * wins a CAS — compares the file's modification time, size and file key (inode) with those of the last
 * attempt and, if they differ, reads and parses it on its own thread (a small file: microseconds to a
 * millisecond). A new set that fails to parse, or a file that disappeared, leaves the last good set in place
 * and logs one WARNING line per change of the file (not per check); a good reload logs one INFO line.
 *
 * <p><b>Assumptions.</b> The file is replaced whole (write a temporary file, then rename) or written quickly;
 * a half-written file fails to parse, is kept out, and is read again once its size or time changes.
 *
 * <pre>{@code
 * JwksSource jwks = JwksSource.load(Path.of("/etc/herald/jwks.json"), Duration.ofSeconds(1), clock);
 * VerificationKey key = jwks.current().byKid(kid);   // any thread
 * }</pre>
 */
final class JwksSource {
    private static final System.Logger LOG = System.getLogger(JwksSource.class.getName());

    private final Path file;
    private final long checkIntervalMillis;
    private final InstantSource clock;
    private final AtomicLong nextCheckMillis;
    private volatile KeySet keys;            // written by whichever thread won the check
    private volatile Stamp lastAttempt;      // likewise
    private final AtomicLong reloads = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();

    private JwksSource(Path file, Duration checkInterval, InstantSource clock, KeySet keys, Stamp stamp) {
        this.file = file;
        this.checkIntervalMillis = checkInterval.toMillis();
        this.clock = clock;
        this.keys = keys;
        this.lastAttempt = stamp;
        this.nextCheckMillis = new AtomicLong(clock.millis() + checkIntervalMillis);
    }

    /**
     * Reads the file now.
     *
     * @throws IllegalArgumentException unreadable or invalid, one line naming the file (start-up stops)
     */
    static JwksSource load(Path file, Duration checkInterval, InstantSource clock) {
        if (checkInterval.isNegative()) {
            throw new IllegalArgumentException("jwks check interval is negative: " + checkInterval);
        }
        Stamp stamp;
        try {
            stamp = Stamp.of(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("jwks " + file + ": cannot read (" + e.getClass().getSimpleName()
                    + ")");
        }
        Jwks.Parsed parsed = read(file);
        return new JwksSource(file, checkInterval, clock, parsed.keys(), stamp);
    }

    /** The last good key set, after at most one check of the file if the interval has passed. */
    KeySet current() {
        long now = clock.millis();
        long next = nextCheckMillis.get();
        if (now >= next && nextCheckMillis.compareAndSet(next, now + checkIntervalMillis)) {
            check();
        }
        return keys;
    }

    /** Good reloads since start (not counting the first load). */
    long reloads() {
        return reloads.get();
    }

    /** Reloads that failed and kept the last good set. */
    long failures() {
        return failures.get();
    }

    private void check() {
        Stamp stamp;
        try {
            stamp = Stamp.of(file);
        } catch (IOException e) {
            stamp = Stamp.MISSING;
        }
        if (stamp.equals(lastAttempt)) {
            return;
        }
        lastAttempt = stamp;
        if (stamp == Stamp.MISSING) {
            failures.incrementAndGet();
            LOG.log(Level.WARNING, "jwks {0}: cannot read the file; keeping the last good key set ({1} keys)",
                    file, keys.size());
            return;
        }
        try {
            Jwks.Parsed parsed = read(file);
            keys = parsed.keys();
            reloads.incrementAndGet();
            LOG.log(Level.INFO, "jwks {0}: reloaded {1} keys ({2} skipped: not for HS256/RS256/ES256 signing)",
                    file, parsed.keys().size(), parsed.skipped());
        } catch (IllegalArgumentException e) {
            failures.incrementAndGet();
            LOG.log(Level.WARNING, "jwks reload failed, keeping the last good key set ({0} keys): {1}",
                    keys.size(), e.getMessage());
        }
    }

    private static Jwks.Parsed read(Path file) {
        String source = "jwks " + file;
        byte[] bytes;
        try {
            if (Files.size(file) > Jwks.MAX_CHARS) {
                throw new IllegalArgumentException(source + ": exceeds maxBytes=" + Jwks.MAX_CHARS);
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException(source + ": cannot read (" + e.getClass().getSimpleName() + ")");
        }
        String json = Utf8.decode(bytes);
        if (json == null) {
            throw new IllegalArgumentException(source + ": not UTF-8");
        }
        return Jwks.parse(json, source);
    }

    /** What tells one version of the file from another without reading it. */
    private record Stamp(FileTime modified, long size, Object fileKey) {
        static final Stamp MISSING = new Stamp(FileTime.fromMillis(0), -1, null);

        static Stamp of(Path file) throws IOException {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return new Stamp(attributes.lastModifiedTime(), attributes.size(), attributes.fileKey());
        }
    }
}
