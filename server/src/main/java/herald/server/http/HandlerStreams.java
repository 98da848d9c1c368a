package herald.server.http;

import herald.protocol.http1.HttpException;
import herald.protocol.http1.RequestHead;
import herald.server.Refusal;
import herald.server.StreamHandler;
import herald.server.metrics.Metrics;
import herald.server.exchange.Exchange;

import java.io.IOException;
import java.lang.System.Logger.Level;

/** Runs an embedded {@link StreamHandler} for one request on the exchange's thread. */
final class HandlerStreams {
    private static final System.Logger LOG = System.getLogger(HandlerStreams.class.getName());

    private HandlerStreams() {
    }

    static void serve(Exchange exchange, RequestHead head, StreamHandler handler, Metrics metrics)
            throws IOException {
        RequestView request = new RequestView(exchange, head);
        HandlerStream stream = new HandlerStream(exchange, head);
        metrics.streamsOpened.increment();
        try {
            try {
                handler.handle(request, stream);
            } catch (Refusal e) {
                if (!stream.opened()) {
                    throw Refusals.status(e);   // refused before the stream started: answered with its status
                }
                LOG.log(Level.DEBUG, "stream handler refused after the stream started: " + e.getMessage());
            } catch (HttpException e) {
                if (!stream.opened()) {
                    throw e;
                }
                LOG.log(Level.DEBUG, "stream handler refused after the stream started: " + e.getMessage());
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "stream ended: " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                LOG.log(Level.ERROR, "stream handler failed for " + head.method() + " " + head.path(), e);
                if (!stream.opened()) {
                    throw HttpException.of(500, "stream handler failed");
                }
            }
            if (!stream.opened()) {
                stream.open();                  // a handler that sent nothing still answers with an empty stream
            }
        } catch (IOException | RuntimeException e) {
            stream.finish();                    // refused before it opened, or it could not open
            throw e;
        }
        stream.finish();                        // the last chunk, or the connection's end
    }
}
