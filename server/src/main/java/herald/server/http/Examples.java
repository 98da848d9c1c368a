package herald.server.http;

import herald.server.StreamHandler;
import herald.server.SubscribeHook;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The examples under {@code /examples/}, served only when enabled ({@code Herald.Builder.examples(true)},
 * {@code --examples}): three pages using {@code /herald.js} (a notification bell, a live metrics chart, a chat),
 * the chat's demo stream at {@code POST /examples/chat}, and the bell's unread count, which the subscribe hook
 * sends first on {@value #BELL_TOPIC}.
 */
final class Examples {
    static final String CHAT_PATH = "/examples/chat";
    static final String BELL_TOPIC = "examples/bell";
    /** The bell's first count: an application would look up the user's unread notifications here. */
    static final int UNREAD = 3;
    private static final int MAX_WORDS = 200;
    private static final long TOKEN_MILLIS = 60;

    /** A demo "model": the prompt's words back as tokens, {@value #TOKEN_MILLIS} ms apart, then {@code [DONE]}. */
    static final StreamHandler CHAT = (request, stream) -> {
        String prompt = new String(request.body(), StandardCharsets.UTF_8).strip();
        String[] words = prompt.isEmpty() ? new String[0] : prompt.split("\\s+");
        stream.open();
        for (int i = 0; i < words.length && i < MAX_WORDS && stream.isOpen(); i++) {
            stream.send(words[i]);
            Thread.sleep(TOKEN_MILLIS);
        }
        stream.send("[DONE]");
    };

    private Examples() {
    }

    /** The application's stream routes and the chat's. */
    static List<Router.StreamRoute> routes(List<Router.StreamRoute> streams) {
        List<Router.StreamRoute> all = new ArrayList<>(streams);
        all.add(new Router.StreamRoute("POST", CHAT_PATH, CHAT));
        return all;
    }

    /** Sends the bell's unread count first on {@value #BELL_TOPIC}, then runs {@code next} (may be null). */
    static SubscribeHook hook(SubscribeHook next) {
        return subscribe -> {
            if (subscribe.topics().contains(BELL_TOPIC)) {
                subscribe.sendFirst("unread", String.valueOf(UNREAD));
            }
            if (next != null) {
                next.onSubscribe(subscribe);
            }
        };
    }
}
