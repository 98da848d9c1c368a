package herald.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Streams read by node's HTTP/2 client (nghttp2 underneath) as a browser would: all of them on one HTTP/2 session
 * over TLS, each reconnecting after the server's {@code retry} with {@code Last-Event-ID}, as {@code EventSource} does.
 * Optionally one more stream over plain HTTP/1.1 straight to a node ({@code "direct"}), to compare with. Every event
 * is stamped with the wall-clock time node read it (milliseconds, microsecond resolution), so the test can measure
 * publish to receive against a send time carried in the event. The process ends when its stdin is closed.
 */
final class H2Streams implements AutoCloseable {
    /** An event one stream received: node's receive time (epoch ms), the stream's last event id, type and data. */
    record Received(double atMillis, String lastEventId, String type, String data) {
    }

    /** What one stream saw: its responses' statuses (one per connect) and its events, in order. */
    static final class Log {
        final List<Integer> statuses = Collections.synchronizedList(new ArrayList<>());
        final List<Received> events = Collections.synchronizedList(new ArrayList<>());
        volatile int closes;

        List<Received> events() {
            synchronized (events) {
                return List.copyOf(events);
            }
        }
    }

    private static final String SCRIPT = """
            'use strict';
            const http2 = require('node:http2');
            const http = require('node:http');
            const fs = require('node:fs');
            const [base, caFile, direct, ...paths] = process.argv.slice(2);
            const ca = fs.readFileSync(caFile);
            const now = () => (performance.timeOrigin + performance.now()).toFixed(3);
            const say = line => process.stdout.write(line + '\\n');
            let session = null;
            let sessions = 0;
            let stopping = false;
            const requests = [];

            function currentSession() {
              if (session === null || session.closed || session.destroyed) {
                const n = ++sessions;
                session = http2.connect(base, {ca});
                session.on('connect', (s, socket) => say(`session ${n} ${socket.localPort}`));
                session.on('error', e => say(`session-error ${n} ${e.code || e.message}`));
                session.on('goaway', code => say(`goaway ${n} ${code}`));
              }
              return session;
            }

            // The WHATWG event-stream rules for what Herald sends (LF line ends, one data line per event here).
            function reader(label, state) {
              let buffer = '';
              return chunk => {
                buffer += chunk;
                for (let end = buffer.indexOf('\\n\\n'); end >= 0; end = buffer.indexOf('\\n\\n')) {
                  const block = buffer.slice(0, end);
                  buffer = buffer.slice(end + 2);
                  let data = null;
                  let type = 'message';
                  for (const line of block.split('\\n')) {
                    if (line === '' || line.startsWith(':')) continue;
                    const colon = line.indexOf(':');
                    const name = colon < 0 ? line : line.slice(0, colon);
                    let value = colon < 0 ? '' : line.slice(colon + 1);
                    if (value.startsWith(' ')) value = value.slice(1);
                    if (name === 'data') data = data === null ? value : data + '\\n' + value;
                    else if (name === 'id' && !value.includes('\\0')) state.last = value;
                    else if (name === 'event') type = value;
                    else if (name === 'retry' && /^[0-9]+$/.test(value)) state.retry = Number(value);
                  }
                  if (data !== null) say(`event ${label} ${now()} ${state.last} ${type} ${data}`);
                }
              };
            }

            function stream(i) {
              const state = {last: null, retry: 1000, attempt: 0};
              const connect = () => {
                state.attempt++;
                const headers = {':path': paths[i]};
                if (state.last !== null) headers['last-event-id'] = state.last;
                const req = currentSession().request(headers);
                requests[i] = req;
                req.setEncoding('utf8');
                req.on('response', h => say(`open ${i} ${h[':status']} ${state.attempt}`));
                req.on('data', reader(String(i), state));
                req.on('error', e => say(`stream-error ${i} ${e.code || e.message}`));
                req.on('close', () => {
                  say(`closed ${i} ${req.rstCode}`);
                  if (!stopping) setTimeout(connect, state.retry);
                });
              };
              connect();
            }

            if (direct !== '-') {
              const state = {last: null, retry: 1000};
              http.get(direct, res => {
                say(`open direct ${res.statusCode} 1`);
                res.setEncoding('utf8');
                res.on('data', reader('direct', state));
              }).on('error', e => say(`stream-error direct ${e.message}`));
            }
            for (let i = 0; i < paths.length; i++) stream(i);
            process.stdin.on('data', () => {});
            process.stdin.on('end', () => {
              stopping = true;
              for (const req of requests) if (req) req.close(http2.constants.NGHTTP2_CANCEL);
              if (session) session.close(() => process.exit(0));
              setTimeout(() => process.exit(0), 2000);
            });
            """;

    private final Process process;
    private final Map<String, Log> logs = new ConcurrentHashMap<>();
    private final List<String> sessions = Collections.synchronizedList(new ArrayList<>());
    private final List<String> other = Collections.synchronizedList(new ArrayList<>());

    private H2Streams(Process process, int streams) {
        this.process = process;
        for (int i = 0; i < streams; i++) {
            logs.put(String.valueOf(i), new Log());
        }
        logs.put("direct", new Log());
        Thread.ofPlatform().daemon().name("h2streams-reader").start(this::read);
    }

    /**
     * Opens {@code paths} on {@code base} (https, trusting {@code certificate}) on one session, and {@code direct}
     * (an http URL, or null for none) on a connection of its own.
     */
    static H2Streams open(Path dir, String base, Path certificate, String direct, List<String> paths)
            throws IOException {
        Path script = Files.writeString(dir.resolve("h2streams.js"), SCRIPT);
        List<String> command = new ArrayList<>(List.of(NginxFront.executable("/usr/bin/node", "/usr/local/bin/node"),
                script.toString(), base, certificate.toString(), direct == null ? "-" : direct));
        command.addAll(paths);
        return new H2Streams(new ProcessBuilder(command).redirectErrorStream(true).start(), paths.size());
    }

    /** Stream {@code i}'s log, or {@code "direct"}'s. */
    Log log(String label) {
        return logs.get(label);
    }

    Log log(int i) {
        return logs.get(String.valueOf(i));
    }

    /** One line per HTTP/2 session opened: its number and local port. */
    List<String> sessions() {
        synchronized (sessions) {
            return List.copyOf(sessions);
        }
    }

    /** Lines that were no event: errors, closes, node's own messages. */
    String diagnostics() {
        synchronized (other) {
            return String.join("\n", other.subList(Math.max(0, other.size() - 60), other.size()));
        }
    }

    private void read() {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                String[] f = line.split(" ", 6);
                Log log = f.length > 1 ? logs.get(f[1]) : null;
                if (f[0].equals("event") && f.length == 6 && log != null) {
                    log.events.add(new Received(Double.parseDouble(f[2]), f[3], f[4], f[5]));
                } else if (f[0].equals("open") && f.length == 4 && log != null) {
                    log.statuses.add(Integer.parseInt(f[2]));
                } else {
                    if (f[0].equals("session")) {
                        sessions.add(line);
                    } else if (f[0].equals("closed") && log != null) {
                        log.closes++;
                    }
                    other.add(line);
                }
            }
        } catch (IOException e) {
            other.add("read: " + e);
        }
    }

    /** Ends the streams (stdin closed: node cancels them and closes its session) and waits for node to exit. */
    @Override
    public void close() throws IOException {
        process.getOutputStream().close();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
