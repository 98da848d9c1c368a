package herald.server.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Base64UrlTest {
    @Test
    void shouldRoundTripEveryLengthLikeTheJdk() {
        Random random = new Random(42);
        for (int length = 0; length < 100; length++) {
            byte[] bytes = new byte[length];
            random.nextBytes(bytes);
            String encoded = Base64Url.encode(bytes);
            assertEquals(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes), encoded);
            assertArrayEquals(bytes, Base64Url.decode(encoded));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"QQ==", "QQ=", "Q", "QUJD=", "Q+E", "Q/E", "Q E", "QUJ\n", "QR", "QUK", "é"})
    void shouldRejectPaddingIllegalCharactersAndNonCanonicalTails(String text) {
        assertNull(Base64Url.decode(text));
    }
}
