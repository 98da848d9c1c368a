package herald.server.http;

import herald.protocol.http1.HttpException;
import herald.server.Refusal;

/** A handler's or hook's {@link Refusal} as the HTTP answer it asks for. */
final class Refusals {
    private Refusals() {
    }

    static HttpException status(Refusal refusal) {
        return refusal.retryAfterSeconds() >= 0
                ? HttpException.retryLater(refusal.status(), refusal.reason(), refusal.retryAfterSeconds())
                : HttpException.of(refusal.status(), refusal.reason());
    }
}
