#!/usr/bin/env node
// The seed's cluster architecture, for the cluster storm to compare Herald's with: broadcast.js's SSE server run as
// several processes behind one Redis, with pub/sub as the fan-out between them. A publish on any process is
// PUBLISHed to the Redis channel `sse:<topic>`; every process PSUBSCRIBEs to `sse:*` and writes what arrives to its
// own open responses of that topic (the publishing process too: local delivery also goes through Redis). Like
// broadcast.js nothing smarter: no replay (Last-Event-ID is ignored, so a client that reconnects misses everything
// published while it was away), no back-pressure, no heartbeat. The event is encoded once, by the publishing
// process, and travels through Redis ready to write.
//
//   node redis-broadcast.js [--port 8090] [--host 127.0.0.1] [--redis redis://127.0.0.1:6379]
//
//   GET  /sub/:topic   text/event-stream; events published to :topic, on any process, from now on
//   POST /pub/:topic   the body is the event's data (split into data: lines); 202 {"id":"<port>-N"} once Redis has
//                      taken the PUBLISH; 503 if Redis answered with an error
//   GET  /health       200 ok
//
// The Redis client is a minimal RESP2 one in plain Node (no npm): one connection for PUBLISH (pipelined, replies
// matched in order), one subscribed. If either connection to Redis ends, the process exits with status 1 and says
// so (a peer for bounded tests, not a product). Ends on SIGTERM or SIGINT.
'use strict';

const http = require('http');
const net = require('net');

function arg(name, fallback) {
  const i = process.argv.indexOf('--' + name);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const port = Number(arg('port', process.env.PORT || 8090));
const host = arg('host', process.env.HOST || '127.0.0.1');
const redisUrl = arg('redis', process.env.REDIS || 'redis://127.0.0.1:6379');
const CHANNEL_PREFIX = 'sse:';

const m = /^redis:\/\/([^:/]+):(\d+)\/?$/.exec(redisUrl);
if (!m) {
  console.error('redis-broadcast.js: --redis must be redis://host:port, got ' + redisUrl);
  process.exit(2);
}
const redisHost = m[1];
const redisPort = Number(m[2]);

// ---- RESP2 ------------------------------------------------------------------------------------------------

const INCOMPLETE = Symbol('incomplete');

// Parses one reply at buf[pos]: [value, next position], or INCOMPLETE. Bulk strings stay Buffers; errors are Errors.
function parseReply(buf, pos) {
  if (pos >= buf.length) {
    return INCOMPLETE;
  }
  const eol = buf.indexOf('\r\n', pos);
  if (eol < 0) {
    return INCOMPLETE;
  }
  const type = buf[pos];
  const line = buf.toString('utf8', pos + 1, eol);
  const next = eol + 2;
  switch (type) {
    case 0x2b: return [line, next];                               // +simple
    case 0x2d: return [new Error(line), next];                    // -error
    case 0x3a: return [Number(line), next];                       // :integer
    case 0x24: {                                                  // $bulk
      const len = Number(line);
      if (len < 0) {
        return [null, next];
      }
      if (next + len + 2 > buf.length) {
        return INCOMPLETE;
      }
      return [Buffer.from(buf.subarray(next, next + len)), next + len + 2];
    }
    case 0x2a: {                                                  // *array
      const count = Number(line);
      if (count < 0) {
        return [null, next];
      }
      const items = [];
      let p = next;
      for (let i = 0; i < count; i++) {
        const r = parseReply(buf, p);
        if (r === INCOMPLETE) {
          return INCOMPLETE;
        }
        items.push(r[0]);
        p = r[1];
      }
      return [items, p];
    }
    default:
      throw new Error('not RESP: byte ' + type);
  }
}

function encodeCommand(args) {
  const parts = ['*' + args.length + '\r\n'];
  for (const a of args) {
    const b = Buffer.isBuffer(a) ? a : Buffer.from(String(a), 'utf8');
    parts.push('$' + b.length + '\r\n', b, '\r\n');
  }
  return Buffer.concat(parts.map((p) => (Buffer.isBuffer(p) ? p : Buffer.from(p, 'utf8'))));
}

let stopping = false;

// A connection that hands every complete reply to onReply, in order.
function redisConnection(name, onReply, onReady) {
  const socket = net.connect(redisPort, redisHost, onReady);
  socket.setNoDelay(true);
  let pending = Buffer.alloc(0);
  socket.on('data', (chunk) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    let pos = 0;
    for (;;) {
      const r = parseReply(pending, pos);
      if (r === INCOMPLETE) {
        break;
      }
      pos = r[1];
      onReply(r[0]);
    }
    pending = pos === pending.length ? Buffer.alloc(0) : pending.subarray(pos);
  });
  socket.on('error', (e) => {
    console.error(`redis-broadcast.js: Redis ${name} connection to ${redisHost}:${redisPort}: ${e.message}`);
    process.exit(1);
  });
  socket.on('close', () => {
    if (stopping) {
      return;
    }
    console.error(`redis-broadcast.js: Redis ${name} connection to ${redisHost}:${redisPort} closed; exiting`);
    process.exit(1);
  });
  return socket;
}

// Commands: pipelined, each reply goes to the oldest waiting callback.
const waiting = [];
const commands = redisConnection('command', (reply) => {
  const cb = waiting.shift();
  if (cb) {
    cb(reply);
  }
});
function command(args, cb) {
  waiting.push(cb);
  commands.write(encodeCommand(args));
}

// ---- SSE --------------------------------------------------------------------------------------------------

const topics = new Map();   // topic -> Set<ServerResponse>
let lastId = 0;

function topicOf(path, prefix) {
  const name = path.slice(prefix.length);
  return name.length > 0 ? decodeURIComponent(name) : null;
}

function broadcast(topic, event) {
  const set = topics.get(topic);
  if (set) {
    for (const r of set) {
      r.write(event);
    }
  }
}

// The subscribed connection: ['pmessage', pattern, channel, message] per event.
const subscriber = redisConnection('subscribe', (reply) => {
  if (!Array.isArray(reply)) {
    return;
  }
  const kind = Buffer.isBuffer(reply[0]) ? reply[0].toString() : String(reply[0]);
  if (kind === 'pmessage' && reply.length === 4) {
    broadcast(reply[2].toString('utf8').slice(CHANNEL_PREFIX.length), reply[3]);
  } else if (kind === 'psubscribe') {
    listen();
  }
}, () => subscriber.write(encodeCommand(['PSUBSCRIBE', CHANNEL_PREFIX + '*'])));

function subscribe(req, res, topic) {
  res.writeHead(200, {
    'Content-Type': 'text/event-stream',
    'Cache-Control': 'no-cache',
    'X-Accel-Buffering': 'no',
  });
  res.flushHeaders();
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
    const id = port + '-' + (++lastId);
    let text = 'id: ' + id + '\n';
    for (const line of body.split(/\r\n|\r|\n/)) {
      text += 'data: ' + line + '\n';
    }
    text += '\n';
    command(['PUBLISH', CHANNEL_PREFIX + topic, Buffer.from(text, 'utf8')], (reply) => {
      if (reply instanceof Error) {
        const reason = 'redis: ' + reply.message + '\n';
        res.writeHead(503, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(reason) });
        return res.end(reason);
      }
      const answer = '{"id":"' + id + '"}';
      res.writeHead(202, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(answer) });
      res.end(answer);
    });
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
  } else if (req.method === 'GET' && path === '/health') {
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': 3 });
    return res.end('ok\n');
  }
  res.writeHead(404, { 'Content-Type': 'text/plain', 'Content-Length': 10 });
  res.end('not found\n');
});

server.requestTimeout = 0;
server.headersTimeout = 60000;
server.keepAliveTimeout = 60000;
server.timeout = 0;

// Listens only once subscribed: a publish accepted before would reach no process.
function listen() {
  server.listen(port, host, 4096, () => {
    console.log(`redis-broadcast.js: listening on http://${host}:${port} (pid ${process.pid}), Redis ${redisHost}:${redisPort}; GET /sub/:topic, POST /pub/:topic`);
  });
}

function stop() {
  stopping = true;
  for (const set of topics.values()) {
    for (const r of set) {
      r.end();
    }
  }
  commands.destroy();
  subscriber.destroy();
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
