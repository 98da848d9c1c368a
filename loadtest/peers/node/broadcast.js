#!/usr/bin/env node
// The reference shape of an SSE broadcast server, for the load tests to compare Herald with: Node's `http`
// module, a Set of open responses per topic, and a publish that writes the event to each of them in a loop.
// Nothing smarter on purpose: no replay (Last-Event-ID is ignored), no back-pressure (a response that does not
// drain buffers in memory), no heartbeat. The event is encoded once per publish, as any sane server would.
//
//   node broadcast.js [--port 8090] [--host 127.0.0.1]      (or PORT / HOST in the environment)
//
//   GET  /sub/:topic   text/event-stream; events published to :topic from now on
//   POST /pub/:topic   the body is the event's data (split into data: lines); 202 {"id":"N"}
//   POST /stream       the per-request stream ("LLM shape"): body {"tokens":N,"intervalMs":MS} (defaults 50, 20);
//                      text/event-stream of `data: token 1` ... `data: token N`, the first at once and each next
//                      MS ms after the previous (setTimeout, as a model loop would wait for its next token), then
//                      MS ms later `data: [DONE]`, and the response ends (the same as Herald's
//                      bench/.../stream/TokenStreamServer.java)
//   GET  /health       200 ok
//
// Ends on SIGTERM or SIGINT.
'use strict';

const http = require('http');

function arg(name, fallback) {
  const i = process.argv.indexOf('--' + name);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const port = Number(arg('port', process.env.PORT || 8090));
const host = arg('host', process.env.HOST || '127.0.0.1');

const topics = new Map();   // topic -> Set<ServerResponse>
let lastId = 0;

function topicOf(path, prefix) {
  const name = path.slice(prefix.length);
  return name.length > 0 ? decodeURIComponent(name) : null;
}

function subscribe(req, res, topic) {
  res.writeHead(200, {
    'Content-Type': 'text/event-stream',
    'Cache-Control': 'no-cache',
    'X-Accel-Buffering': 'no',
  });
  res.flushHeaders();       // the client's onopen must not wait for the first event
  let set = topics.get(topic);
  if (!set) {
    set = new Set();
    topics.set(topic, set);
  }
  set.add(res);
  res.on('close', () => {
    set.delete(res);
    if (set.size === 0 && topics.get(topic) === set) {
      topics.delete(topic);
    }
  });
}

function publish(req, res, topic) {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    const id = ++lastId;
    let text = 'id: ' + id + '\n';
    for (const line of body.split(/\r\n|\r|\n/)) {
      text += 'data: ' + line + '\n';
    }
    text += '\n';
    const event = Buffer.from(text, 'utf8');
    const set = topics.get(topic);
    if (set) {
      for (const r of set) {
        r.write(event);
      }
    }
    const answer = '{"id":"' + id + '"}';
    res.writeHead(202, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(answer) });
    res.end(answer);
  });
}

function field(body, name, fallback, max) {
  const m = new RegExp('"' + name + '"\\s*:\\s*(\\d{1,9})').exec(body);
  if (!m) {
    return fallback;
  }
  const v = Number(m[1]);
  return v <= max ? v : NaN;
}

function stream(req, res) {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    const tokens = field(body, 'tokens', 50, 100000);
    const interval = field(body, 'intervalMs', 20, 10000);
    if (!(tokens >= 1) || !(interval >= 0)) {
      const reason = 'tokens must be 1-100000 and intervalMs 0-10000\n';
      res.writeHead(400, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(reason) });
      return res.end(reason);
    }
    res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache',
      'X-Accel-Buffering': 'no',
    });
    let i = 0;
    let timer = null;
    const next = () => {
      i++;
      if (i <= tokens) {
        res.write('data: token ' + i + '\n\n');
        timer = setTimeout(next, interval);
      } else {
        res.end('data: [DONE]\n\n');
        timer = null;
      }
    };
    res.on('close', () => {
      if (timer !== null) {
        clearTimeout(timer);
      }
    });
    next();
  });
}

const server = http.createServer((req, res) => {
  const q = req.url.indexOf('?');
  const path = q < 0 ? req.url : req.url.slice(0, q);
  if (req.method === 'GET' && path.startsWith('/sub/')) {
    const topic = topicOf(path, '/sub/');
    if (topic !== null) {
      return subscribe(req, res, topic);
    }
  } else if (req.method === 'POST' && path.startsWith('/pub/')) {
    const topic = topicOf(path, '/pub/');
    if (topic !== null) {
      return publish(req, res, topic);
    }
  } else if (req.method === 'POST' && path === '/stream') {
    return stream(req, res);
  } else if (req.method === 'GET' && path === '/health') {
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': 3 });
    return res.end('ok\n');
  }
  res.writeHead(404, { 'Content-Type': 'text/plain', 'Content-Length': 10 });
  res.end('not found\n');
});

// Streams live as long as their clients; keep-alive publishers may idle between events.
server.requestTimeout = 0;
server.headersTimeout = 60000;
server.keepAliveTimeout = 60000;
server.timeout = 0;

server.listen(port, host, 4096, () => {
  console.log(`broadcast.js: listening on http://${host}:${port} (pid ${process.pid}); GET /sub/:topic, POST /pub/:topic, POST /stream`);
});

function stop() {
  for (const set of topics.values()) {
    for (const r of set) {
      r.end();
    }
  }
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
