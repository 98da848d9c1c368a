/**
 * Server-Sent Events: encoding events once into a {@link java.nio.ByteBuffer} ({@link herald.protocol.sse.SseEncoder}),
 * and parsing an event stream exactly as the WHATWG HTML standard's "interpreting an event stream" algorithm does
 * ({@link herald.protocol.sse.SseStreamParser}, reporting to an {@link herald.protocol.sse.SseListener}).
 *
 * <p>Bytes become lines in {@code SseStreamParser} (line ends, reads split anywhere, the BOM), lines become fields
 * and events in {@code SseLineInterpreter}, UTF-8 becomes chars in {@code Utf8} per the Encoding Standard.
 */
package herald.protocol.sse;
