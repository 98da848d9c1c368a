package herald.server;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code GET /herald.js}: the browser client from the jar, cacheable by ETag (DESIGN.md section 7). */
class AssetsIT {
    @Test
    void shouldServeHeraldJsWithTypeAndStrongEtagAnd304OnIfNoneMatch() throws Exception {
        try (Herald herald = TestServer.start()) {
            TestHttp.Response ok = TestHttp.request(herald.port(), "GET", "/herald.js", null);
            assertEquals(200, ok.status(), ok.statusLine());
            assertEquals("text/javascript; charset=utf-8", ok.header("Content-Type"));
            assertEquals("no-cache", ok.header("Cache-Control"));
            assertEquals(resource(), ok.body());
            assertTrue(ok.body().contains("export class HeraldSource"), "an ES module");
            String etag = ok.header("ETag");
            assertNotNull(etag);
            assertTrue(etag.matches("\"[A-Za-z0-9_-]{22}\""), "a strong ETag: " + etag);

            TestHttp.Response again = TestHttp.request(herald.port(), "GET", "/herald.js", null);
            assertEquals(etag, again.header("ETag"), "computed once, the same for every request");

            TestHttp.Response notModified = TestHttp.request(herald.port(), "GET", "/herald.js", null,
                    "If-None-Match: \"other\", " + etag);
            assertEquals(304, notModified.status(), notModified.statusLine());
            assertEquals(etag, notModified.header("ETag"));
            assertEquals("", notModified.body());
            assertNull(notModified.header("Content-Length"));

            TestHttp.Response changed = TestHttp.request(herald.port(), "GET", "/herald.js", null,
                    "If-None-Match: \"other\"");
            assertEquals(200, changed.status());
            assertEquals(resource(), changed.body());
        }
    }

    @Test
    void shouldAnswerHeadWithoutBodyAndRefuseWrites() throws Exception {
        try (Herald herald = TestServer.start()) {
            TestHttp.Response head = TestHttp.request(herald.port(), "HEAD", "/herald.js", null);
            assertEquals(200, head.status(), head.statusLine());
            assertEquals("text/javascript; charset=utf-8", head.header("Content-Type"));
            assertEquals(String.valueOf(resource().getBytes(StandardCharsets.UTF_8).length),
                    head.header("Content-Length"));
            assertNotNull(head.header("ETag"));

            TestHttp.Response post = TestHttp.request(herald.port(), "POST", "/herald.js", "x");
            assertEquals(405, post.status(), post.statusLine());
            assertEquals("GET, HEAD, OPTIONS", post.header("Allow"));
            assertEquals(404, TestHttp.request(herald.port(), "GET", "/herald.jsx", null).status());
            assertEquals(404, TestHttp.request(herald.port(), "GET", "/examples/", null).status(),
                    "the examples are off by default");
        }
    }

    private static String resource() throws IOException {
        try (InputStream in = Herald.class.getResourceAsStream("http/herald.js")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
