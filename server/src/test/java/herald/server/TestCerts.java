package herald.server;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Certificates made at test time with openssl, and TLS clients trusting them. */
final class TestCerts {
    private TestCerts() {
    }

    /** A self-signed EC P-256 certificate for localhost and 127.0.0.1: {@code name.crt}, PKCS#8 {@code name.key}. */
    static Path[] ec(Path dir, String name) throws IOException, InterruptedException {
        Path cert = dir.resolve(name + ".crt");
        Path key = dir.resolve(name + ".key");
        run(dir, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-days", "1",
                "-keyout", key.toString(), "-out", cert.toString());
        return new Path[] {cert, key};
    }

    /** Runs a command in {@code dir}; its output is returned, a non-zero status fails. */
    static String run(Path dir, String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output;
        try (InputStream in = process.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
        return output;
    }

    static X509Certificate read(Path cert) throws Exception {
        try (InputStream in = Files.newInputStream(cert)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    static BigInteger serial(Path cert) throws Exception {
        return read(cert).getSerialNumber();
    }

    /** A client context trusting exactly {@code certs}. */
    static SSLContext trusting(Path... certs) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        for (int i = 0; i < certs.length; i++) {
            trust.setCertificateEntry("c" + i, read(certs[i]));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    /** A TLS socket to 127.0.0.1:port, handshake done, ALPN http/1.1 offered; {@code receiveBuffer} 0: default. */
    static SSLSocket connect(SSLContext context, int port, int receiveBuffer) throws IOException {
        return connect(context, port, receiveBuffer, "http/1.1");
    }

    /** The same, offering the ALPN {@code protocols} (e.g. {@code h2}). */
    static SSLSocket connect(SSLContext context, int port, int receiveBuffer, String... protocols) throws IOException {
        Socket plain = new Socket();
        if (receiveBuffer > 0) {
            plain.setReceiveBufferSize(receiveBuffer);
        }
        plain.connect(new InetSocketAddress("127.0.0.1", port), TestHttp.TIMEOUT_MILLIS);
        plain.setSoTimeout(TestHttp.TIMEOUT_MILLIS);
        plain.setTcpNoDelay(true);
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, "localhost", port, true);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setApplicationProtocols(protocols);
        parameters.setServerNames(List.of(new SNIHostName("localhost")));
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        return socket;
    }

    /** The command line, for messages. */
    static List<String> list(String... parts) {
        return new ArrayList<>(List.of(parts));
    }
}
