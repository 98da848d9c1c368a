package herald.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import herald.server.auth.TokenSource.Carrier;
import herald.server.auth.TokenSource.Found;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class TokenSourceTest {
    /** Headers by case-insensitive name, query parameters by exact name. */
    private static TokenSource.RequestView request(Map<String, String> headers, Map<String, String> query) {
        Map<String, String> byName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        byName.putAll(headers);
        return new TokenSource.RequestView() {
            @Override
            public String header(String name) {
                return byName.get(name);
            }

            @Override
            public String queryParam(String name) {
                return query.get(name);
            }
        };
    }

    private static final TokenSource DEFAULTS = TokenSource.defaults();

    @Test
    void shouldPreferAuthorizationOverCookieOverQuery() {
        Map<String, String> all = Map.of("authorization", "Bearer h.h.h", "Cookie", "a=1; herald_token=c.c.c");
        assertEquals(new Found(Carrier.AUTHORIZATION, "h.h.h"), DEFAULTS.find(request(all, Map.of("access_token", "q.q.q"))));
        assertEquals(new Found(Carrier.COOKIE, "c.c.c"),
                DEFAULTS.find(request(Map.of("Cookie", "herald_token=c.c.c"), Map.of("access_token", "q.q.q"))));
        assertEquals(new Found(Carrier.QUERY, "q.q.q"), DEFAULTS.find(request(Map.of(), Map.of("access_token", "q.q.q"))));
    }

    @Test
    void shouldReportAbsentWhenNoCarrierHoldsAToken() {
        Found found = DEFAULTS.find(request(Map.of("Cookie", "other=1", "Authorization", "Basic dTpw"), Map.of("x", "1")));
        assertFalse(found.present());
        assertEquals(Found.ABSENT, found);
    }

    @Test
    void shouldAcceptBearerSchemeInAnyCase() {
        for (String scheme : new String[] {"Bearer", "bearer", "BEARER", "bEaReR"}) {
            assertEquals("t.t.t", TokenSource.bearer(scheme + " t.t.t"));
        }
        assertEquals("t.t.t", TokenSource.bearer("Bearer   t.t.t  "));
        assertNull(TokenSource.bearer("Basic dTpw"));
        assertNull(TokenSource.bearer("Bearerx t"));
    }

    @Test
    void shouldReportPresentButEmptyTokensSoTheyGet401() {
        assertEquals(new Found(Carrier.AUTHORIZATION, ""), DEFAULTS.find(request(Map.of("Authorization", "Bearer"), Map.of())));
        assertEquals(new Found(Carrier.COOKIE, ""), DEFAULTS.find(request(Map.of("Cookie", "herald_token="), Map.of())));
        assertEquals(new Found(Carrier.QUERY, ""), DEFAULTS.find(request(Map.of(), Map.of("access_token", ""))));
    }

    @Test
    void shouldFallThroughNonBearerAuthorizationToCookie() {
        assertEquals(new Found(Carrier.COOKIE, "c"),
                DEFAULTS.find(request(Map.of("Authorization", "Basic dTpw", "Cookie", "herald_token=c"), Map.of())));
    }

    @Test
    void shouldFindCookieAmongOthersAndUnquoteIt() {
        assertEquals("v", TokenSource.cookie("a=1; herald_token=v; b=2", "herald_token"));
        assertEquals("v", TokenSource.cookie("herald_token=v", "herald_token"));
        assertEquals("v", TokenSource.cookie("herald_token=\"v\"", "herald_token"));
        assertNull(TokenSource.cookie("xherald_token=v; herald_tokenx=w", "herald_token"));
        assertNull(TokenSource.cookie("a=herald_token=v", "herald_token"));
        assertEquals("v", TokenSource.cookie("a=1;herald_token=v", "herald_token"));
    }

    @Test
    void shouldUseConfiguredNamesAndTurnQueryOff() {
        TokenSource custom = new TokenSource("sid", null);
        assertEquals(new Found(Carrier.COOKIE, "s"), custom.find(request(Map.of("Cookie", "sid=s; herald_token=h"), Map.of())));
        assertFalse(custom.find(request(Map.of(), Map.of("access_token", "q"))).present());
        TokenSource renamed = new TokenSource("herald_token", "jwt");
        assertEquals(new Found(Carrier.QUERY, "q"), renamed.find(request(Map.of(), Map.of("jwt", "q"))));
    }

    @Test
    void shouldRefuseInvalidNames() {
        assertThrows(IllegalArgumentException.class, () -> new TokenSource("bad name", null));
        assertThrows(IllegalArgumentException.class, () -> new TokenSource("", null));
        assertThrows(IllegalArgumentException.class, () -> new TokenSource("ok", ""));
    }

    @Test
    void shouldNotShowTheTokenInToString() {
        Found found = new Found(Carrier.COOKIE, "secret.token.value");
        assertTrue(found.toString().contains("COOKIE"));
        assertFalse(found.toString().contains("secret"));
    }
}
