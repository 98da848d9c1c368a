package herald.server.http;

import herald.protocol.http1.RequestHead;
import herald.server.exchange.Exchange;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * Static files served from the jar: {@code /herald.js} (DESIGN.md section 7) and, when enabled, the
 * {@link Examples} pages. Each is read once, at start, with
 * a strong {@code ETag} (a hash of its bytes) and {@code Cache-Control: no-cache}: a browser revalidates on
 * every use and gets {@code 304 Not Modified} for an unchanged file.
 */
final class Assets {
    /** A file's bytes and what goes with them. */
    record Asset(byte[] bytes, String type, String etag) {
    }

    static final String JAVASCRIPT = "text/javascript; charset=utf-8";
    static final String HTML = "text/html; charset=utf-8";

    private final Map<String, Asset> byPath = new HashMap<>();

    /** {@code examples}: also the pages of {@link Examples} under {@code /examples/}. */
    Assets(boolean examples) {
        add("/herald.js", "herald.js", JAVASCRIPT);
        if (examples) {
            add("/examples/", "examples/index.html", HTML);
            for (String page : new String[] {"bell.html", "metrics.html", "chat.html"}) {
                add("/examples/" + page, "examples/" + page, HTML);
            }
        }
    }

    private void add(String path, String resource, String type) {
        byPath.put(path, load(resource, type));
    }

    /** The file at {@code path}, or null. */
    Asset find(String path) {
        return byPath.get(path);
    }

    /** Answers a GET or HEAD: 304 when {@code If-None-Match} names the current ETag, else 200 with the file. */
    static void serve(Exchange exchange, RequestHead head, Asset asset) throws IOException {
        boolean unchanged = matches(head.header("If-None-Match"), asset.etag());
        var response = exchange.response().begin(unchanged ? 304 : 200)
                .header("ETag", asset.etag())
                .header("Cache-Control", "no-cache");
        if (unchanged) {
            response.sendWithoutBody();
        } else {
            response.header("Content-Type", asset.type()).send(asset.bytes());
        }
    }

    /**
     * Whether an {@code If-None-Match} list names {@code etag}, by the weak comparison RFC 9110 section 13.1.2
     * prescribes for it ({@code W/} ignored), or is {@code *}.
     */
    static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String tag : ifNoneMatch.split(",")) {
            String t = tag.strip();
            if (t.startsWith("W/")) {
                t = t.substring(2);
            }
            if (t.equals(etag) || t.equals("*")) {
                return true;
            }
        }
        return false;
    }

    private static Asset load(String resource, String type) {
        try (InputStream in = Assets.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the jar");
            }
            byte[] bytes = in.readAllBytes();
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(bytes);
            String etag = '"' + Base64.getUrlEncoder().withoutPadding().encodeToString(hash).substring(0, 22) + '"';
            return new Asset(bytes, type, etag);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing", e);     // every JDK has it
        }
    }
}
