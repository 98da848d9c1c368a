package herald.server;

import org.junit.jupiter.api.Test;

import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MainTest {
    private static HeraldConfig parse(Map<String, String> env, String... args) {
        Herald.Builder builder = Main.parse(args, env, new PrintStream(new ByteArrayOutputStream()));
        return builder.build();
    }

    @Test
    void shouldUseDefaultsWithNoArguments() {
        HeraldConfig config = parse(Map.of());
        assertEquals(8080, config.listen().port());
        assertEquals("0.0.0.0", config.listen().host());
        assertEquals(Duration.ofSeconds(15), config.fanOut().heartbeat());
        assertEquals(1_048_576, config.limits().maxBodyBytes());
        assertEquals(PublishAccess.LOOPBACK, config.access().publish());
    }

    @Test
    void shouldReadTheAbuseLimitsWithTheirContractDefaults() {
        AbuseLimits defaults = parse(Map.of()).abuse();
        assertEquals(256, defaults.maxConnectionsPerIp());
        assertEquals(50, defaults.connectRatePerIp());
        assertEquals(0, defaults.publishRate(), "off");
        assertEquals(java.util.List.of(), defaults.trustedProxies());
        AbuseLimits set = parse(Map.of("HERALD_PUBLISH_RATE", "20"), "--max-connections-per-ip", "8",
                "--connect-rate-per-ip=0", "--trusted-proxies", "10.0.0.0/8, ::1").abuse();
        assertEquals(new AbuseLimits(8, 0, 20, java.util.List.of("10.0.0.0/8", "::1")), set);
        assertEquals(java.util.List.of(), parse(Map.of(), "--trusted-proxies", "none").abuse().trustedProxies());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> parse(Map.of(), "--trusted-proxies", "10.0.0.0/8,proxy.example"));
        assertEquals("--trusted-proxies: not an IP network (CIDR, e.g. 10.0.0.0/8): proxy.example: "
                + "10.0.0.0/8,proxy.example", bad.getMessage());
        bad = assertThrows(IllegalArgumentException.class, () -> parse(Map.of(), "--publish-rate", "-1"));
        assertEquals("--publish-rate: publishRate must be 0 (off) or positive: publishRate=-1", bad.getMessage());
    }

    @Test
    void shouldReadTheHttp2OptionsWithTheirContractDefaults() {
        assertEquals(new Http2(100, true), parse(Map.of()).http2());
        assertEquals(new Http2(7, false), parse(Map.of("HERALD_H2C", "false"), "--h2-max-streams", "7").http2());
        assertEquals(false, parse(Map.of(), "--h2c=false").http2().h2c());
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> parse(Map.of(), "--h2-max-streams", "0"));
        assertEquals("--h2-max-streams: h2 max streams must be in [1, 10000]: maxStreams=0", refused.getMessage());
    }

    @Test
    void shouldReadTheOverloadOptionsWithTheirContractDefaults() {
        Overload defaults = parse(Map.of()).overload();
        assertEquals(Duration.ofMillis(100), defaults.publishWait());
        assertEquals(0.1, defaults.fraction());
        assertEquals(new Overload(Duration.ofMillis(250), 0.25),
                parse(Map.of("HERALD_OVERLOAD_FRACTION", "25%"), "--publish-wait", "250ms").overload());
        assertEquals(0.05, parse(Map.of(), "--overload-fraction", "0.05").overload().fraction());
        assertEquals(1.0, parse(Map.of(), "--overload-fraction=100%").overload().fraction());
        assertEquals(0.0, parse(Map.of(), "--overload-fraction", "0").overload().fraction());
        assertEquals(Duration.ZERO, parse(Map.of(), "--publish-wait", "0").overload().publishWait());
        for (String bad : new String[] {"1.5", "150%", "-0.1", "abc", "", "0x1p-3", "NaN", "1e-1", "%"}) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> parse(Map.of(), "--overload-fraction", bad), bad);
            assertEquals("--overload-fraction: not a fraction in [0, 1] (e.g. 0.1 or 10%): " + bad,
                    refused.getMessage());
        }
        IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
                () -> parse(Map.of(), "--publish-wait", "11s"));
        assertEquals("--publish-wait: publishWait must be in [0, 10s]: publishWait=PT11S", tooLong.getMessage());
    }

    @Test
    void shouldReadTheRedisUrlFromFlagEnvironmentAndFileAndStayStandaloneWithout(@TempDir Path dir)
            throws IOException {
        assertEquals(Cluster.STANDALONE, parse(Map.of()).cluster());
        assertFalse(parse(Map.of()).cluster().enabled());
        assertEquals("redis://127.0.0.1:6380", parse(Map.of(), "--redis", "redis://127.0.0.1:6380").cluster().redis());
        assertEquals("rediss://u:p@r.example:6390/2",
                parse(Map.of("HERALD_REDIS", "rediss://u:p@r.example:6390/2")).cluster().redis());
        Path file = dir.resolve("herald.properties");
        Files.writeString(file, "redis=redis://file.example\n");
        assertEquals("redis://file.example", parse(Map.of("HERALD_CONFIG", file.toString())).cluster().redis());
        assertEquals("redis://flag.example", parse(Map.of("HERALD_CONFIG", file.toString()), "--redis",
                "redis://flag.example").cluster().redis());
        assertNull(parse(Map.of(), "--redis", "").cluster().redis());
        assertEquals(Path.of("/etc/herald/redis-ca.pem"), parse(Map.of("HERALD_REDIS_CA", "/etc/herald/redis-ca.pem"))
                .cluster().redisCa());
        assertNull(parse(Map.of()).cluster().redisCa());
    }

    @Test
    void shouldRefuseABadRedisUrlNamingTheOptionWithoutQuotingIt() {
        for (String bad : new String[] {"http://h:6379", "redis://:secret-pw@h:99999", "redis://:secret-pw@/0",
                "redis://h/x", "secret-pw"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> parse(Map.of(), "--redis", bad), bad);
            assertTrue(e.getMessage().startsWith("--redis: "), e.getMessage());
            assertFalse(e.getMessage().contains("secret-pw"), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
        IllegalArgumentException env = assertThrows(IllegalArgumentException.class,
                () -> parse(Map.of("HERALD_REDIS", "redis://:secret-pw@h:0")));
        assertTrue(env.getMessage().startsWith("HERALD_REDIS: "), env.getMessage());
        assertFalse(env.getMessage().contains("secret-pw"), env.getMessage());
        assertFalse(new Cluster("redis://:secret-pw@h:1", null).toString().contains("secret-pw"));
    }

    @Test
    void shouldReadFlagsInBothFormsAndLetFlagsWinOverEnvironment() {
        HeraldConfig config = parse(Map.of("HERALD_PORT", "9000", "HERALD_HEARTBEAT", "5s"),
                "--port=9100", "--retention-events", "100", "--max-body-bytes", "64KiB", "--idle-timeout", "500ms",
                "--open-publish");
        assertEquals(9100, config.listen().port());
        assertEquals(Duration.ofSeconds(5), config.fanOut().heartbeat());
        assertEquals(128, config.retention().slots());
        assertEquals(65_536, config.limits().maxBodyBytes());
        assertEquals(Duration.ofMillis(500), config.timeouts().idle());
        assertEquals(PublishAccess.ANY, config.access().publish());
    }

    @Test
    void shouldRejectUnknownOptionsAndBadValuesNamingTheOption() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> parse(Map.of(), "--nope"));
        assertTrue(unknown.getMessage().contains("--nope"));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> parse(Map.of(), "--port", "eighty"));
        assertTrue(bad.getMessage().startsWith("--port"), bad.getMessage());
        IllegalArgumentException env = assertThrows(IllegalArgumentException.class,
                () -> parse(Map.of("HERALD_HEARTBEAT", "soon")));
        assertTrue(env.getMessage().startsWith("HERALD_HEARTBEAT"), env.getMessage());
        assertThrows(IllegalArgumentException.class, () -> parse(Map.of(), "--port", "70000"));
        assertThrows(IllegalArgumentException.class, () -> parse(Map.of(), "--retention-bytes", "1KiB"));
        assertThrows(IllegalArgumentException.class, () -> parse(Map.of(), "--port"));
    }

    @Test
    void shouldRefuseARetryBelowTheFloorNamingTheOptionAndTheValue() {
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                () -> parse(Map.of(), "--retry", "0"));
        assertEquals("--retry: retry must be at least 100ms: retry=PT0S", zero.getMessage());
        IllegalArgumentException env = assertThrows(IllegalArgumentException.class,
                () -> parse(Map.of("HERALD_RETRY", "99ms")));
        assertEquals("HERALD_RETRY: retry must be at least 100ms: retry=PT0.099S", env.getMessage());
        assertEquals(Duration.ofMillis(100), parse(Map.of(), "--retry", "100ms").fanOut().retry());
    }

    @Test
    void shouldRefuseARetryBelowTheFloorFromTheBuilder() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Herald.builder().retry(Duration.ofMillis(99)).build());
        assertEquals("retry must be at least 100ms: retry=PT0.099S", e.getMessage());
        assertEquals(Duration.ofMillis(100), Herald.builder().retry(Duration.ofMillis(100)).build().fanOut().retry());
    }

    @Test
    void shouldPrintEveryOptionWithItsEnvironmentVariableOnHelp() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertNull(Main.parse(new String[] {"--help"}, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8)));
        String help = out.toString(StandardCharsets.UTF_8);
        for (String option : new String[] {"--port", "--host", "--max-connections", "--heartbeat", "--retry",
                "--retention-events", "--retention-bytes", "--max-body-bytes", "--open-publish", "--max-stream-age"}) {
            assertTrue(help.contains(option), option);
        }
        assertTrue(help.contains("HERALD_MAX_BODY_BYTES"));
        assertTrue(help.contains("at least 100ms"), "the retry floor: " + help);
    }

    private static Path file(Path dir, String text) throws IOException {
        return Files.writeString(dir.resolve("herald.properties"), text);
    }

    private static String help() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertNull(Main.parse(new String[] {"--help"}, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8)));
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void shouldTakeEachOptionFromFlagOverEnvironmentOverFileOverDefault(@TempDir Path dir) throws IOException {
        Path file = file(dir, """
                # every source sets some of these
                port=9001
                heartbeat=5s
                retry=1s
                max-topics=7
                open-publish=true
                """);
        HeraldConfig config = parse(Map.of("HERALD_PORT", "9002", "HERALD_HEARTBEAT", "6s"),
                "--config", file.toString(), "--port", "9003");
        assertEquals(9003, config.listen().port());                          // flag over env and file
        assertEquals(Duration.ofSeconds(6), config.fanOut().heartbeat());    // env over file
        assertEquals(Duration.ofSeconds(1), config.fanOut().retry());        // file over default
        assertEquals(7, config.topics().maxTopics());
        assertEquals(PublishAccess.ANY, config.access().publish());
        assertEquals(HeraldConfig.defaults().retention(), config.retention()); // default
        assertEquals(9002, parse(Map.of("HERALD_PORT", "9002", "HERALD_CONFIG", file.toString())).listen().port());
        assertEquals(9001, parse(Map.of("HERALD_CONFIG", file.toString())).listen().port());
        assertEquals(9001, parse(Map.of(), "--config=" + file).listen().port());
    }

    @Test
    void shouldStopOnAnUnknownKeyInTheFileNamingItAndItsValue(@TempDir Path dir) throws IOException {
        Path file = file(dir, "port=8081\nprot=8080\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> parse(Map.of(), "--config", file.toString()));
        assertEquals(file + ": unknown option prot=8080", e.getMessage());
        IllegalArgumentException flagged = assertThrows(IllegalArgumentException.class,   // a flag's name is no key
                () -> parse(Map.of(), "--config", file(dir, "--port=8080\n").toString()));
        assertTrue(flagged.getMessage().contains("unknown option --port=8080"), flagged.getMessage());
    }

    @Test
    void shouldStopOnABadValueInTheFileNamingTheKeyAndTheValue(@TempDir Path dir) throws IOException {
        IllegalArgumentException parse = assertThrows(IllegalArgumentException.class,
                () -> parse(Map.of(), "--config", file(dir, "port=eighty\n").toString()));
        assertEquals(dir.resolve("herald.properties") + ": port: not an integer: eighty", parse.getMessage());
        IllegalArgumentException range = assertThrows(IllegalArgumentException.class,
                () -> parse(Map.of(), "--config", file(dir, "retry=50ms\n").toString()));
        assertEquals(dir.resolve("herald.properties") + ": retry: retry must be at least 100ms: retry=PT0.05S",
                range.getMessage());
        IllegalArgumentException overridden = assertThrows(IllegalArgumentException.class,   // even when a flag wins
                () -> parse(Map.of(), "--config", file(dir, "port=eighty\n").toString(), "--port", "8081"));
        assertTrue(overridden.getMessage().contains("port: not an integer: eighty"), overridden.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> parse(Map.of(), "--config", dir.resolve("absent.properties").toString()));
        assertTrue(missing.getMessage().startsWith("--config: cannot read "), missing.getMessage());
    }

    @Test
    void shouldApplySettingsThatBoundEachOtherInAnyOrder() {
        HeraldConfig config = parse(Map.of(), "--retention-bytes", "8KiB", "--segment-bytes", "4KiB");
        assertEquals(new Retention(4_096, 8_192, 4_096), config.retention());
        HeraldConfig body = parse(Map.of("HERALD_MAX_INFLIGHT_BODY_BYTES", "1KiB"), "--max-body-bytes", "512");
        assertEquals(1_024, body.memory().maxInflightBodyBytes());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> parse(Map.of(), "--max-inflight-body-bytes", "1KiB"));
        assertEquals("--max-inflight-body-bytes: maxInflightBodyBytes must be at least maxBodyBytes: "
                + "maxInflightBodyBytes=1024 maxBodyBytes=1048576", e.getMessage());
    }

    @Test
    void shouldShowEachDefaultFromTheDefaultConfigurationAndTheRuleWhereItIsDerived() {
        String help = help().replaceAll("\\s+", " ");             // as one line, however it is wrapped
        HeraldConfig defaults = HeraldConfig.defaults();
        assertTrue(help.contains("TCP port; 0 picks a free one (default " + defaults.listen().port() + ")"), help);
        assertTrue(help.contains("(default 15s)"), help);
        assertTrue(help.contains("(default 1MiB)"), help);
        assertTrue(help.contains("(default 0)"), help);                      // --max-stream-age
        assertTrue(help.contains("(default off)"), help);                    // --open-publish
        assertTrue(help.contains("(default: the open-file limit minus 64, at most 1000000; here "
                + defaults.listen().maxConnections() + ")"), help);
        assertTrue(help.contains("(default: half the smaller of the heap and direct-memory limits, at least 1MiB; "
                + "here " + Main.formatSize(defaults.memory().maxRetainedBytes()) + ")"), help);
        assertTrue(help.contains("--config FILE"), help);
        assertTrue(help.contains("HERALD_CONFIG"), help);
    }

    @Test
    void shouldParseSizesAndDurations() {
        assertEquals(16L << 20, Main.size("16MiB"));
        assertEquals(512L << 10, Main.size("512kib"));
        assertEquals(100, Main.size("100"));
        assertEquals(Duration.ofMinutes(2), Main.duration("2m"));
        assertEquals(Duration.ZERO, Main.duration("0"));
        assertThrows(IllegalArgumentException.class, () -> Main.size("12MB"));
        assertThrows(IllegalArgumentException.class, () -> Main.duration("10"));
        assertThrows(IllegalArgumentException.class, () -> Main.intSize("2GiB"));
        assertEquals("16MiB", Main.formatSize(16L << 20));
        assertEquals("1000", Main.formatSize(1_000));
        assertEquals("1500ms", Main.formatDuration(Duration.ofMillis(1_500)));
        assertEquals("2m", Main.formatDuration(Duration.ofMinutes(2)));
    }
    // ---- auth and CORS options ------------------------------------------------------------------------------

    private static Path secret(Path dir) throws IOException {
        return Files.writeString(dir.resolve("secret"), "0123456789abcdef0123456789abcdef-main\n");
    }

    private static Path pem(Path dir, String name, String algorithm) throws Exception {
        java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance(algorithm);
        generator.initialize(algorithm.equals("EC") ? 256 : 2048);
        byte[] der = generator.generateKeyPair().getPublic().getEncoded();
        return Files.writeString(dir.resolve(name), "-----BEGIN PUBLIC KEY-----\n"
                + java.util.Base64.getMimeEncoder().encodeToString(der) + "\n-----END PUBLIC KEY-----\n");
    }

    @Test
    void shouldReadTheAuthAndCorsOptionsWithRepeatedAndCommaSeparatedLists(@TempDir Path dir) throws Exception {
        Path secret = secret(dir);
        Path rsa = pem(dir, "rsa.pem", "RSA");
        Path ec = pem(dir, "ec.pem", "EC");
        HeraldConfig config = parse(Map.of("HERALD_JWT_ISSUER", "https://id.example"),
                "--jwt-secret-file", secret.toString(), "--jwt-public-key", rsa.toString(),
                "--jwt-public-key=" + ec, "--jwt-audience", "herald", "--jwt-claim", "rt",
                "--token-cookie", "sess", "--token-query", "off", "--private-topics", "users/*,orders/**",
                "--private-topics", "admin", "--cors-origins", "https://a.example, https://b.example");
        Auth auth = config.auth();
        assertEquals(secret, auth.secretFile());
        assertEquals(java.util.List.of(rsa, ec), auth.publicKeys());
        assertEquals("https://id.example", auth.issuer());
        assertEquals("herald", auth.audience());
        assertEquals("rt", auth.claim());
        assertEquals("sess", auth.tokenCookie());
        assertNull(auth.tokenQuery());
        assertEquals(java.util.List.of("users/*", "orders/**", "admin"), auth.privateTopics());
        assertEquals(java.util.List.of("https://a.example", "https://b.example"), config.access().corsOrigins());
    }

    @Test
    void shouldDefaultToNoKeysTheHeraldClaimAndTheStandardTokenCarriers() {
        Auth auth = parse(Map.of()).auth();
        assertTrue(!auth.hasKeys());
        assertEquals("herald", auth.claim());
        assertEquals("herald_token", auth.tokenCookie());
        assertEquals("access_token", auth.tokenQuery());
        assertTrue(parse(Map.of()).access().corsOrigins().isEmpty());
    }

    @Test
    void shouldStopOnABadKeyFileWithOneLineNamingTheOptionAndTheFile(@TempDir Path dir) throws IOException {
        Path missing = dir.resolve("missing-secret");
        IllegalArgumentException absent = assertThrows(IllegalArgumentException.class,
                () -> parse(Map.of(), "--jwt-secret-file", missing.toString()));
        assertTrue(absent.getMessage().startsWith("--jwt-secret-file: "), absent.getMessage());
        assertTrue(absent.getMessage().contains(missing.toString()), absent.getMessage());
        assertTrue(!absent.getMessage().contains("\n"), absent.getMessage());
        Path shortSecret = Files.writeString(dir.resolve("short"), "too short\n");
        IllegalArgumentException weak = assertThrows(IllegalArgumentException.class,
                () -> parse(Map.of(), "--jwt-secret-file", shortSecret.toString()));
        assertTrue(weak.getMessage().startsWith("--jwt-secret-file: ") && weak.getMessage().contains("short"),
                weak.getMessage());
        Path notPem = Files.writeString(dir.resolve("key.pem"), "hello\n");
        IllegalArgumentException pem = assertThrows(IllegalArgumentException.class,
                () -> parse(Map.of(), "--jwt-public-key", notPem.toString()));
        assertTrue(pem.getMessage().startsWith("--jwt-public-key: ") && pem.getMessage().contains(notPem.toString()),
                pem.getMessage());
        IllegalArgumentException jwks = assertThrows(IllegalArgumentException.class,
                () -> parse(Map.of(), "--jwks", notPem.toString()));
        assertTrue(jwks.getMessage().startsWith("--jwks: ") && jwks.getMessage().contains(notPem.toString()),
                jwks.getMessage());
    }

    @Test
    void shouldRefusePrivateTopicsWithoutAKeyAndStarAmongOrigins() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> parse(Map.of(), "--private-topics", "users/*"));
        assertTrue(e.getMessage().startsWith("--private-topics"), e.getMessage());
        IllegalArgumentException star = assertThrows(IllegalArgumentException.class,
                () -> parse(Map.of(), "--cors-origins", "*,https://a.example"));
        assertTrue(star.getMessage().startsWith("--cors-origins"), star.getMessage());
    }

    @Test
    void shouldMintWithTheTokenCommandATokenThatVerifiesWithTheSameSecret(@TempDir Path dir) throws Exception {
        Path secret = secret(dir);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = TokenCommand.run(new String[] {"--secret-file", secret.toString(), "--subscribe", "users/42",
                "--publish", "news/**", "--ttl", "1h", "--subject", "ops"}, new PrintStream(out), new PrintStream(err));
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        String token = out.toString(StandardCharsets.US_ASCII).strip();
        com.nimbusds.jwt.SignedJWT jwt = com.nimbusds.jwt.SignedJWT.parse(token);
        assertTrue(jwt.verify(new com.nimbusds.jose.crypto.MACVerifier(
                "0123456789abcdef0123456789abcdef-main".getBytes(StandardCharsets.US_ASCII))));
        assertEquals("ops", jwt.getJWTClaimsSet().getSubject());
        long ttl = jwt.getJWTClaimsSet().getExpirationTime().getTime() - System.currentTimeMillis();
        assertTrue(ttl > 3_500_000 && ttl <= 3_600_000, "ttl=" + ttl);
        herald.server.auth.Claims claims = herald.server.auth.JwtVerifier.builder().hs256SecretFile(secret).build()
                .verify(token);
        assertTrue(claims.maySubscribe("users/42") && !claims.maySubscribe("users/43"));
        assertTrue(claims.mayPublish("news/eu") && !claims.mayPublish("users/42"));
    }

    @Test
    void shouldExplainTheTokenCommandAndRefuseItWithoutASecret() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(0, TokenCommand.run(new String[] {"--help"}, new PrintStream(out), new PrintStream(err)));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("--subscribe PATTERN"));
        assertEquals(2, TokenCommand.run(new String[] {"--subscribe", "x"}, new PrintStream(out),
                new PrintStream(err)));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("herald token: --secret-file is required"));
    }

    @Test
    void shouldListTheAuthOptionsInHelp() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertNull(Main.parse(new String[] {"--help"}, Map.of(), new PrintStream(out)));
        String help = out.toString(StandardCharsets.UTF_8);
        for (String flag : java.util.List.of("--jwt-secret-file PATH", "--jwt-public-key PATH", "--jwks PATH",
                "--jwt-issuer", "--jwt-audience", "--jwt-claim", "--token-cookie", "--token-query",
                "--private-topics", "--cors-origins", "HERALD_JWT_SECRET_FILE", "token --help")) {
            assertTrue(help.contains(flag), flag);
        }
    }
}
