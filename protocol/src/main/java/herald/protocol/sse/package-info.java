/**
 * Server-Sent Events: encoding events once into a {@link java.nio.ByteBuffer}, and parsing an event stream
 * exactly as the WHATWG HTML standard's "interpreting an event stream" algorithm does.
 */
package herald.protocol.sse;
