package herald.server;

/**
 * Serves one request with its own SSE stream (e.g. an LLM's tokens for one prompt). Called on the
 * connection's virtual thread; block freely. Register with {@link Herald.Builder#stream}.
 *
 * <pre>{@code
 * Herald.builder().stream("POST", "/v1/chat", (request, stream) -> {
 *     String prompt = new String(request.body(), UTF_8);
 *     for (String token : model.generate(prompt)) {
 *         stream.send(token);
 *     }
 *     stream.send("[DONE]");
 * });
 * }</pre>
 */
@FunctionalInterface
public interface StreamHandler {
    void handle(Request request, EventStream stream) throws Exception;
}
