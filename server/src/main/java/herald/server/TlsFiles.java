package herald.server;

import java.nio.file.Path;

/**
 * Native TLS on the listening port: the certificate and key files, re-read when they change. Either a PEM pair
 * ({@code cert} and {@code key}) or a PKCS#12 {@code keystore} with its password file; none: plain HTTP. The pairing
 * is checked when the server starts (the fields are set one option at a time), the files are read then too.
 *
 * @param cert                 PEM certificate chain, the server's certificate first (none)
 * @param key                  PEM PKCS#8 private key, RSA or EC, unencrypted (none)
 * @param keystore             PKCS#12 keystore holding one key entry and its chain (none)
 * @param keystorePasswordFile the keystore's password, the file's text without a trailing newline (none: empty)
 */
public record TlsFiles(Path cert, Path key, Path keystore, Path keystorePasswordFile) {
    public static final TlsFiles NONE = new TlsFiles(null, null, null, null);

    /** Whether any TLS file is configured: the listener speaks TLS (and only TLS). */
    public boolean enabled() {
        return cert != null || key != null || keystore != null;
    }

    public TlsFiles withCert(Path value) {
        return new TlsFiles(value, key, keystore, keystorePasswordFile);
    }

    public TlsFiles withKey(Path value) {
        return new TlsFiles(cert, value, keystore, keystorePasswordFile);
    }

    public TlsFiles withKeystore(Path value) {
        return new TlsFiles(cert, key, value, keystorePasswordFile);
    }

    public TlsFiles withKeystorePasswordFile(Path value) {
        return new TlsFiles(cert, key, keystore, value);
    }
}
