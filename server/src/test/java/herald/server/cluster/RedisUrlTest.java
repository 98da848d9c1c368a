package herald.server.cluster;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RedisUrlTest {

    @Test
    void shouldParseHostAndPort() {
        RedisUrl url = RedisUrl.parse("redis://127.0.0.1:6380");
        assertEquals(new RedisUrl(false, null, null, "127.0.0.1", 6380, 0), url);
    }

    @Test
    void shouldDefaultPortAndDatabase() {
        assertEquals(new RedisUrl(false, null, null, "redis.local", 6379, 0), RedisUrl.parse("redis://redis.local"));
        assertEquals(new RedisUrl(false, null, null, "redis.local", 6379, 0), RedisUrl.parse("redis://redis.local/"));
    }

    @Test
    void shouldParseAclUserPasswordDatabaseAndTls() {
        RedisUrl url = RedisUrl.parse("rediss://herald:s3cret@cache.example.com:6390/3");
        assertEquals(new RedisUrl(true, "herald", "s3cret", "cache.example.com", 6390, 3), url);
    }

    @Test
    void shouldParsePasswordOnlyAsTheDefaultUser() {
        RedisUrl url = RedisUrl.parse("redis://:pw@h:1");
        assertNull(url.user());
        assertEquals("pw", url.password());
    }

    @Test
    void shouldDecodePercentEscapesAndKeepRawAtAndSlashInThePassword() {
        assertEquals("p@ss/w:rd", RedisUrl.parse("redis://u:p%40ss%2Fw%3Ard@h:1").password());
        assertEquals("p@ss/word", RedisUrl.parse("redis://u:p@ss/word@h:1/2").password());
        assertEquals(2, RedisUrl.parse("redis://u:p@ss/word@h:1/2").database());
        assertEquals("caf\u00e9", RedisUrl.parse("redis://caf%C3%A9:x@h").user());
    }

    @Test
    void shouldParseIpv6Hosts() {
        assertEquals(new RedisUrl(false, null, null, "::1", 7000, 0), RedisUrl.parse("redis://[::1]:7000"));
        assertEquals(6379, RedisUrl.parse("REDIS://[::1]").port());
    }

    @Test
    void shouldMaskThePasswordWhenPrinted() {
        String printed = RedisUrl.parse("rediss://herald:s3cret@h:6390/3").toString();
        assertEquals("rediss://herald:***@h:6390/3", printed);
        assertFalse(RedisUrl.parse("redis://:s3cret@h").toString().contains("s3cret"));
        assertEquals("redis://[::1]:6379", RedisUrl.parse("redis://[::1]").toString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''                               | redis URL is empty",
        "http://h:6379                    | must start with redis:// or rediss://",
        "redis:/h                         | must start with redis:// or rediss://",
        "redis://                         | host is empty",
        "redis://:6379                    | host is empty",
        "redis://h:0                      | port must be 1..65535",
        "redis://h:65536                  | port must be a number up to 65535",
        "redis://h:port                   | port must be a number",
        "redis://h:                       | port must be a number",
        "redis://h:-1                     | port must be a number",
        "redis://h:6379/x                 | database must be a number",
        "redis://h:6379/-1                | database must be a number",
        "redis://h:6379/1/2               | database must be a number",
        "redis://h:6379/99999999999       | database must be a number",
        "redis://h:6379?timeout=1         | query parameters and fragments are not supported",
        "redis://h:6379#x                 | query parameters and fragments are not supported",
        "redis://s3cret@h:6379            | credentials must be user:password@ or :password@",
        "redis://user:@h:6379             | password is empty",
        "redis://u:p%4@h:6379             | password has a bad percent escape",
        "redis://u:p%zz@h:6379            | password has a bad percent escape",
        "redis://[::1:6379                | IPv6 host lacks its closing ]",
        "redis://[::1]6379                | expected :port after the IPv6 host",
        "redis://h o:6379                 | host may hold only",
        "redis://h/o:6379                 | database must be a number",
    })
    void shouldRejectBadUrlsWithOneLineReasons(String url, String reason) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RedisUrl.parse(url));
        assertTrue(e.getMessage().contains(reason), e.getMessage() + " / expected: " + reason);
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void shouldNeverQuoteThePasswordInAnError() {
        for (String url : new String[] {"redis://u:SECRETPW@h:99999", "redis://u:SECRETPW@:1", "redis://u:SECRETPW@h:1/x",
                "redis://u:SECRETPW@h:1?a", "redis://u:SECRET%PW@h"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RedisUrl.parse(url));
            assertFalse(e.getMessage().contains("SECRET"), e.getMessage());
        }
    }

    @Test
    void shouldRejectAUserWithoutAPasswordWhenBuilt() {
        assertThrows(IllegalArgumentException.class, () -> new RedisUrl(false, "u", null, "h", 1, 0));
        assertTrue(RedisUrl.parse("rediss://h").tls());
    }
}
