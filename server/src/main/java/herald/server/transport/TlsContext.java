package herald.server.transport;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The server's TLS identity, read from a PEM certificate chain and PKCS#8 key or from a PKCS#12 keystore, and the
 * {@link SSLEngine}s made from it: TLS 1.3 and 1.2 only, ALPN {@code h2} (once {@link #offerH2}) then
 * {@code http/1.1}. The files are re-read when their
 * modification time or size changes, checked at most every {@link #CHECK_NANOS} by the thread that makes the next
 * engine: new handshakes use the new certificate, open connections keep theirs (Let's Encrypt renewals). A file
 * that fails to load keeps the previous identity (logged once per change); at start it is an error.
 *
 * <p>Thread-safe: engines are made on connection threads; one of them at a time re-reads the files.
 */
public final class TlsContext {
    private static final System.Logger LOG = System.getLogger(TlsContext.class.getName());
    static final long CHECK_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    static final String HTTP_1_1 = "http/1.1";
    static final String H2 = "h2";
    /** Record buffers kept for reuse: 256 × about 16.7 KiB at most. */
    private static final int POOLED_RECORD_BUFFERS = 256;

    private final List<Path> files;
    private final Loader loader;
    private final AtomicLong nextCheck = new AtomicLong();
    private final TlsBuffers buffers;
    private volatile SSLContext context;
    private volatile String stamp;              // modification times and sizes of the files last loaded (or tried)
    private volatile boolean h2;

    @FunctionalInterface
    private interface Loader {
        SSLContext load() throws IOException, GeneralSecurityException;
    }

    private TlsContext(List<Path> files, Loader loader) {
        this.files = files;
        this.loader = loader;
        this.stamp = stamp();
        try {
            this.context = loader.load();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        nextCheck.set(System.nanoTime() + CHECK_NANOS);
        SSLEngine probe = context.createSSLEngine();
        this.buffers = new TlsBuffers(Math.max(probe.getSession().getPacketBufferSize(),
                probe.getSession().getApplicationBufferSize()), POOLED_RECORD_BUFFERS);
    }

    /** The record buffers every connection of this identity takes from and gives back to. */
    TlsBuffers buffers() {
        return buffers;
    }

    /**
     * From a PEM chain and a PKCS#8 key.
     *
     * @throws IllegalArgumentException in one line: unreadable files, a key in another format (with the openssl
     *                                  command converting it), a key that does not fit the certificate
     */
    public static TlsContext ofPem(Path cert, Path key) {
        return new TlsContext(List.of(cert, key), () -> context(keyStore(readChain(cert), readKey(key)), new char[0]));
    }

    /** From a PKCS#12 keystore; {@code passwordFile} may be null (empty password). */
    public static TlsContext ofKeystore(Path keystore, Path passwordFile) {
        List<Path> files = passwordFile == null ? List.of(keystore) : List.of(keystore, passwordFile);
        return new TlsContext(files, () -> {
            char[] password = passwordFile == null ? new char[0] : readPassword(passwordFile);
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (var in = Files.newInputStream(keystore)) {
                store.load(in, password);
            } catch (IOException e) {
                throw new IOException("--tls-keystore " + keystore + ": cannot read it (wrong password?): "
                        + e.getMessage());
            }
            return context(store, password);
        });
    }

    /** A server engine for one connection, from the current identity (re-read first if its files changed). */
    public SSLEngine newEngine() {
        long now = System.nanoTime();
        long check = nextCheck.get();
        if (now - check >= 0 && nextCheck.compareAndSet(check, now + CHECK_NANOS)) {
            reloadIfChanged();
        }
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(false);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setProtocols(PROTOCOLS);
        parameters.setUseCipherSuitesOrder(true);
        engine.setSSLParameters(parameters);
        // RFC 7301 section 3.2: h2 (when served) before http/1.1, in the server's order; a client offering neither
        // gets no_application_protocol
        boolean offerH2 = h2;
        engine.setHandshakeApplicationProtocolSelector((e, offered) ->
                offered.isEmpty() ? "" : offerH2 && offered.contains(H2) ? H2
                        : offered.contains(HTTP_1_1) ? HTTP_1_1 : null);
        return engine;
    }

    /** Engines made from now on choose {@code h2} when the client offers it (the server serves HTTP/2 over TLS). */
    public TlsContext offerH2(boolean on) {
        this.h2 = on;
        return this;
    }

    /** Re-reads the files now if they changed since the last load (what {@link #newEngine} does every 2 s). */
    public void reloadIfChanged() {
        String now = stamp();
        if (now.equals(stamp)) {
            return;
        }
        stamp = now;
        try {
            context = loader.load();
            LOG.log(Level.INFO, "TLS certificate re-read from " + files);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            LOG.log(Level.WARNING, "TLS files changed but cannot be loaded; keeping the previous certificate: "
                    + e.getMessage());
        }
    }

    private String stamp() {
        StringBuilder s = new StringBuilder();
        for (Path file : files) {
            try {
                FileTime modified = Files.getLastModifiedTime(file);
                s.append(modified.toMillis()).append('/').append(Files.size(file)).append(';');
            } catch (IOException e) {
                s.append("missing;");
            }
        }
        return s.toString();
    }

    private static SSLContext context(KeyStore store, char[] password) throws GeneralSecurityException {
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }

    private static KeyStore keyStore(Certificate[] chain, PrivateKey key) throws GeneralSecurityException,
            IOException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        try {
            store.setKeyEntry("herald", key, new char[0], chain);
        } catch (GeneralSecurityException e) {
            throw new GeneralSecurityException("--tls-key does not fit --tls-cert: " + e.getMessage());
        }
        if (!chain[0].getPublicKey().getAlgorithm().equals(key.getAlgorithm())) {
            throw new GeneralSecurityException("--tls-key is " + key.getAlgorithm() + " but the certificate's key is "
                    + chain[0].getPublicKey().getAlgorithm());
        }
        return store;
    }

    static Certificate[] readChain(Path file) throws IOException, GeneralSecurityException {
        byte[] bytes = read("--tls-cert", file);
        List<? extends Certificate> chain;
        try {
            chain = List.copyOf(CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(bytes)));
        } catch (GeneralSecurityException e) {
            throw new GeneralSecurityException("--tls-cert " + file + ": not a PEM certificate chain: "
                    + e.getMessage());
        }
        if (chain.isEmpty()) {
            throw new GeneralSecurityException("--tls-cert " + file + ": no certificate (BEGIN CERTIFICATE) in it");
        }
        return chain.toArray(new Certificate[0]);
    }

    /**
     * A PEM PKCS#8 key ({@code BEGIN PRIVATE KEY}). Other formats are refused in one line naming the openssl
     * command that converts them.
     */
    static PrivateKey readKey(Path file) throws IOException, GeneralSecurityException {
        String text = new String(read("--tls-key", file), StandardCharsets.US_ASCII);
        String convert = "; convert it to PKCS#8 with: openssl pkcs8 -topk8 -nocrypt -in " + file + " -out key.pem";
        if (text.contains("-----BEGIN RSA PRIVATE KEY-----")) {
            throw new GeneralSecurityException("--tls-key " + file + ": a PKCS#1 key (BEGIN RSA PRIVATE KEY)"
                    + convert);
        }
        if (text.contains("-----BEGIN EC PRIVATE KEY-----")) {
            throw new GeneralSecurityException("--tls-key " + file + ": a SEC1 key (BEGIN EC PRIVATE KEY)" + convert);
        }
        if (text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
            throw new GeneralSecurityException("--tls-key " + file + ": an encrypted key; decrypt it with: "
                    + "openssl pkcs8 -in " + file + " -out key.pem");
        }
        String begin = "-----BEGIN PRIVATE KEY-----";
        String end = "-----END PRIVATE KEY-----";
        int from = text.indexOf(begin);
        int to = text.indexOf(end);
        if (from < 0 || to < from) {
            throw new GeneralSecurityException("--tls-key " + file + ": no PEM PKCS#8 key (BEGIN PRIVATE KEY) in it");
        }
        byte[] der = Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : new String[] {"RSA", "EC"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                // the next
            }
        }
        throw new GeneralSecurityException("--tls-key " + file + ": neither an RSA nor an EC key");
    }

    private static char[] readPassword(Path file) throws IOException {
        String text = new String(read("--tls-keystore-password-file", file), StandardCharsets.UTF_8);
        if (text.endsWith("\n")) {
            text = text.substring(0, text.length() - (text.endsWith("\r\n") ? 2 : 1));
        }
        return text.toCharArray();
    }

    private static byte[] read(String flag, Path file) throws IOException {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IOException(flag + " " + file + ": cannot read it: " + e);
        }
    }
}
