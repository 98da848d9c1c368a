package herald.server.example;

import herald.server.Herald;
import herald.server.Refusal;

import java.nio.charset.StandardCharsets;

public final class ChatServer {
    public static void main(String[] args) throws InterruptedException {
        Herald server = Herald.builder()
                .port(8080)
                .stream("POST", "/v1/chat", (request, stream) -> {  // one stream per request, on its own virtual thread
                    String prompt = new String(request.body(), StandardCharsets.UTF_8);
                    for (String token : prompt.split(" ")) {         // your model's tokens here
                        stream.send(token);                          // blocks; a slow client parks only this handler
                    }
                    stream.send("[DONE]");
                })
                .onSubscribe(subscribe -> {                          // before a topic stream starts
                    boolean admin = subscribe.topics().stream().anyMatch(topic -> topic.startsWith("admin/"));
                    if (admin && !"Bearer letmein".equals(subscribe.header("Authorization"))) {
                        throw Refusal.of(403, "not allowed");        // the client gets 403 and no stream
                    }
                    subscribe.sendFirst("unread", "{\"count\":0}");  // goes out before any event
                })
                .start();                                            // bound and serving; keeps the JVM alive
        server.publish("news", "hello");                             // from any thread; returns the event's id
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));   // SIGTERM, Ctrl-C: a clean stop
        server.awaitStop();
    }
}
