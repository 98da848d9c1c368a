package herald.server.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyFilesTest {
    @TempDir
    Path dir;

    private String pemError(Path file) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KeyFiles.pem(file));
        assertTrue(e.getMessage().startsWith("jwt public key " + file + ": "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e.getMessage();
    }

    @Test
    void shouldGiveRs256ToRsaAndEs256ToP256Keys() {
        assertEquals(Alg.RS256, KeyFiles.pem(TestTokens.writePem(dir, "rsa.pem", TestTokens.RSA.getPublic())).alg());
        assertEquals(Alg.ES256, KeyFiles.pem(TestTokens.writePem(dir, "ec.pem", TestTokens.EC.getPublic())).alg());
    }

    @Test
    void shouldRefuseOtherCurvesNamingTheFile() {
        Path p384 = TestTokens.writePem(dir, "p384.pem", TestTokens.generate("EC", "secp384r1").getPublic());
        assertTrue(pemError(p384).contains("P-256"));
    }

    @Test
    void shouldRefuseOtherKeyTypesNamingTheFile() throws Exception {
        var ed = java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        assertTrue(pemError(TestTokens.writePem(dir, "ed.pem", ed.getPublic())).contains("Ed25519"));
    }

    @Test
    void shouldRefuseShortRsaKeys() throws Exception {
        var generator = java.security.KeyPairGenerator.getInstance("RSA");
        generator.initialize(1024);
        assertTrue(pemError(TestTokens.writePem(dir, "rsa1024.pem", generator.generateKeyPair().getPublic()))
                .contains("1024 bits"));
    }

    @Test
    void shouldRefusePrivateKeysCertificatesPkcs1AndGarbage() {
        assertTrue(pemError(TestTokens.write(dir.resolve("k"), "-----BEGIN PRIVATE KEY-----\nAA\n-----END PRIVATE KEY-----\n"))
                .contains("private key"));
        assertTrue(pemError(TestTokens.write(dir.resolve("p1"), "-----BEGIN RSA PUBLIC KEY-----\nAA\n-----END RSA PUBLIC KEY-----\n"))
                .contains("PKCS#1"));
        pemError(TestTokens.write(dir.resolve("g"), "-----BEGIN PUBLIC KEY-----\n!!!\n-----END PUBLIC KEY-----\n"));
        pemError(TestTokens.write(dir.resolve("z"), "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"));
        pemError(dir.resolve("missing.pem"));
    }

    @Test
    void shouldIgnoreExactlyOneTrailingNewlineOfSecretFile() throws Exception {
        Path file = dir.resolve("s");
        Files.writeString(file, "abc\n\n");
        assertArrayEquals("abc\n".getBytes(StandardCharsets.US_ASCII), KeyFiles.readSecret(file));
        Files.writeString(file, "abc\r\n");
        assertArrayEquals("abc".getBytes(StandardCharsets.US_ASCII), KeyFiles.readSecret(file));
        Files.writeString(file, "abc");
        assertArrayEquals("abc".getBytes(StandardCharsets.US_ASCII), KeyFiles.readSecret(file));
    }
}
