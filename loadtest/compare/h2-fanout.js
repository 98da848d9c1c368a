// The client of loadtest/compare/h2-fanout.sh: SSE subscribers over HTTP/2 (h2c or h2 over TLS) or HTTP/1.1, and an
// open-loop publisher, in worker threads of one Node process (Node's built-in http, http2, net and tls modules only).
//
//   node h2-fanout.js --mode h2|h2tls|h1 --sub-port P --pub-port P [--pub-tls] [--ca cert.pem] [--conns 10]
//        [--streams 100] [--phases lat:100:3:10,sat:3000:3:10] [--bytes 64] [--client-threads 2] [--drain 30]
//        [--server-pids PID,PID] [--max-time 120]
//
// --mode h2: --conns h2c connections (prior knowledge) with --streams streams each, Chromium's flow-control windows
// (6 MiB a stream, 15 MiB the connection); h2tls: the same over TLS (ALPN h2, --ca trusted); h1: --conns x --streams
// HTTP/1.1 connections, one stream each; split over --client-threads threads. All subscribe to --topic (fan). The
// publisher POSTs over HTTP/1.1 (--pub-tls: over TLS), --pub-conns connections with up to --pipeline requests each.
// Each phase NAME:RATE:WARMUP:SECONDS publishes RATE events/s open loop (each event's intended time is on the
// schedule, whatever the server does, and latency is measured from it; events the busy slots hold back wait, their
// wait counted); after WARMUP seconds the client counts SECONDS seconds: delivered events, publish→receive latency,
// publishes offered, sent, accepted (202) and refused, the CPU time of this process and of --server-pids. Then
// publishing stops and the client waits (at most --drain seconds) until every open stream has the last accepted
// event. Events are `<seq> <intended µs> <padding>` (--bytes in all); each stream checks that Herald's ids
// (`<epoch>-<n>`) follow one another (a gap or a repeat is counted), and at the end that it has the last accepted one.
// Prints READY when every stream answered 200, one `PHASE {json}` line per phase and `DONE {json}`; `ERR ...` and
// exit status 1 when streams do not open (30 s), 3 at --max-time.
'use strict';
const {Worker, isMainThread, parentPort, workerData} = require('node:worker_threads');
const fs = require('node:fs');

function parseArgs(argv) {
  const o = {mode: 'h2', host: '127.0.0.1', subPort: 0, pubPort: 0, pubTls: false, conns: 10, streams: 100,
    topic: 'fan', phases: 'lat:100:3:10,sat:3000:3:10', bytes: 64, clientThreads: 2, ca: '', maxTime: 120,
    pubConns: 2, pipeline: 32, serverPids: '', drain: 30};
  const names = {'--mode': 'mode', '--host': 'host', '--sub-port': 'subPort', '--pub-port': 'pubPort',
    '--conns': 'conns', '--streams': 'streams', '--topic': 'topic', '--phases': 'phases', '--bytes': 'bytes',
    '--client-threads': 'clientThreads', '--ca': 'ca', '--max-time': 'maxTime', '--pub-conns': 'pubConns',
    '--pipeline': 'pipeline', '--server-pids': 'serverPids', '--drain': 'drain'};
  for (let i = 2; i < argv.length; i++) {
    if (argv[i] === '--pub-tls') { o.pubTls = true; continue; }
    const k = names[argv[i]];
    if (!k || i + 1 >= argv.length) { throw new Error('unknown or incomplete option ' + argv[i]); }
    const v = argv[++i];
    o[k] = typeof o[k] === 'number' ? Number(v) : v;
    if (k === 'serverPids' && !/^[0-9,]*$/.test(v)) { throw new Error('--server-pids: PID,PID,..., not ' + v); }
    if (typeof o[k] === 'number' && !(o[k] >= 0)) { throw new Error(argv[i - 1] + ': not a number: ' + v); }
  }
  if (!['h1', 'h2', 'h2tls'].includes(o.mode)) { throw new Error('--mode: h1, h2 or h2tls, not ' + o.mode); }
  if (!o.subPort || !o.pubPort) { throw new Error('--sub-port and --pub-port are required'); }
  o.phaseList = parsePhases(o.phases);
  return o;
}

// "sat:5000:3:10,lat:100:3:10" → [{name, rate, warmup, seconds}]
function parsePhases(text) {
  return text.split(',').map((p) => {
    const f = p.split(':');
    const ph = {name: f[0], rate: Number(f[1]), warmup: Number(f[2]), seconds: Number(f[3])};
    if (f.length !== 4 || !/^[a-z0-9]+$/.test(ph.name) || ![ph.rate, ph.warmup, ph.seconds].every((n) => n >= 0)
        || ph.seconds === 0) {
      throw new Error('--phases: NAME:RATE:WARMUP:SECONDS, not ' + p);
    }
    return ph;
  });
}

const nowUs = () => Number(process.hrtime.bigint() / 1000n);   // CLOCK_MONOTONIC: the same in every thread

// Latency histogram: bucket i holds values in [e^(i/100), e^((i+1)/100)) µs, 1 % wide.
const BUCKETS = 2400;   // up to e^24 µs, about 7.4 hours
function bucketOf(us) { const b = Math.floor(Math.log(us < 1 ? 1 : us) * 100); return b < BUCKETS ? b : BUCKETS - 1; }
function percentileUs(hist, q) {
  let total = 0;
  for (let i = 0; i < BUCKETS; i++) { total += hist[i]; }
  if (total === 0) { return null; }
  const rank = Math.ceil(q * total);
  let seen = 0;
  for (let i = 0; i < BUCKETS; i++) { seen += hist[i]; if (seen >= rank) { return Math.exp((i + 1) / 100); } }
  return null;
}

// One SSE stream's state: the WHATWG rules reduced to what Herald sends (fields `id`, `data`, `event`, comments).
class StreamState {
  constructor(stats) { this.rest = ''; this.last = -1; this.stats = stats; this.ended = false; }
  feed(text) {
    let buf = this.rest.length ? this.rest + text : text, pos = 0, end;
    while ((end = buf.indexOf('\n\n', pos)) >= 0) {
      this.block(buf, pos, end);
      pos = end + 2;
    }
    this.rest = pos < buf.length ? buf.slice(pos) : '';
  }
  block(buf, pos, end) {
    let data = -1, id = -1, event = null;
    while (pos < end) {
      let nl = buf.indexOf('\n', pos);
      if (nl < 0 || nl > end) { nl = end; }
      if (buf.startsWith('data: ', pos)) {
        const sp = buf.indexOf(' ', pos + 6);
        data = Number(buf.slice(sp + 1, buf.indexOf(' ', sp + 1)));
      } else if (buf.startsWith('id: ', pos)) {
        id = Number(buf.slice(buf.lastIndexOf('-', nl) + 1, nl));
      } else if (buf.startsWith('event: ', pos)) {
        event = buf.slice(pos + 7, nl);
      }
      pos = nl + 1;
    }
    const s = this.stats;
    if (event !== null) { s.typed[event] = (s.typed[event] || 0) + 1; }
    if (id >= 0) {
      if (this.last >= 0) {
        if (id === this.last + 1) { /* in order */ } else if (id <= this.last) { s.dups++; } else { s.gaps += id - this.last - 1; }
      }
      if (id > this.last) { this.last = id; }
    }
    if (data >= 0) {
      s.total++;
      if (s.counting) { s.events++; s.hist[bucketOf(nowUs() - data)]++; }
    }
  }
}

// ---- subscriber thread --------------------------------------------------------------------------------------

function subscriberThread(o) {
  const stats = {events: 0, total: 0, gaps: 0, dups: 0, typed: {}, counting: false, hist: new Float64Array(BUCKETS),
    opened: 0, failed: 0, ended: 0, errors: []};
  const states = [];
  const note = (e) => { stats.failed++; if (stats.errors.length < 5) { stats.errors.push(String(e && e.message || e)); } };
  const path = '/topics/' + o.topic;
  if (o.mode === 'h1') {
    const http = require('node:http');
    const agent = new http.Agent({keepAlive: false, maxSockets: Infinity});
    for (let c = 0; c < o.myConns * o.streams; c++) {
      const st = new StreamState(stats); states.push(st);
      const req = http.get({host: o.host, port: o.subPort, path, agent, headers: {accept: 'text/event-stream'}}, (res) => {
        if (res.statusCode !== 200) { note('status ' + res.statusCode); res.resume(); return; }
        stats.opened++; res.setEncoding('latin1');
        res.on('data', (t) => st.feed(t));
        res.on('end', () => { st.ended = true; stats.ended++; });
        res.on('error', note);
      });
      req.on('error', note);
    }
  } else {
    const http2 = require('node:http2');
    const url = (o.mode === 'h2tls' ? 'https://' : 'http://') + o.host + ':' + o.subPort;
    // Chromium's windows: 6 MiB per stream, 15 MiB per connection.
    const opts = {settings: {initialWindowSize: 6 << 20, maxConcurrentStreams: 1000}};
    if (o.mode === 'h2tls') { opts.ca = fs.readFileSync(o.ca); opts.servername = 'localhost'; }
    for (let c = 0; c < o.myConns; c++) {
      const session = http2.connect(url, opts);
      session.on('error', note);
      session.on('connect', () => session.setLocalWindowSize(15 << 20));
      for (let i = 0; i < o.streams; i++) {
        const st = new StreamState(stats); states.push(st);
        const r = session.request({':path': path, accept: 'text/event-stream'});
        r.setEncoding('latin1');
        r.on('response', (h) => { if (h[':status'] === 200) { stats.opened++; } else { note('status ' + h[':status']); } });
        r.on('data', (t) => st.feed(t));
        r.on('end', () => { st.ended = true; stats.ended++; });
        r.on('error', note);
      }
    }
  }
  const report = (kind) => {
    const out = {kind, events: stats.events, total: stats.total, gaps: stats.gaps, dups: stats.dups, typed: stats.typed,
      opened: stats.opened, failed: stats.failed, ended: stats.ended, errors: stats.errors, hist: Array.from(stats.hist)};
    if (kind === 'final') { out.lastIds = states.map((s) => s.last); }
    parentPort.postMessage(out);
  };
  const ready = setInterval(() => parentPort.postMessage({kind: 'status', opened: stats.opened, failed: stats.failed}), 200);
  parentPort.on('message', (m) => {
    if (m === 'start') { stats.events = 0; stats.hist.fill(0); stats.counting = true; clearInterval(ready); }
    else if (m === 'stop') { stats.counting = false; report('window'); }
    else if (m.kind === 'behind') { parentPort.postMessage({kind: 'behind', n: states.filter((s) => !s.ended && s.last < m.id).length}); }
    else if (m === 'final') { report('final'); setTimeout(() => process.exit(0), 50); }
  });
}

// ---- publisher thread ---------------------------------------------------------------------------------------

// HTTP/1.1 POSTs pipelined on --pub-conns keep-alive connections (--pipeline each, at most), raw sockets.
function publisherThread(o) {
  const pad = 'x'.repeat(Math.max(0, o.bytes - 24));
  const conns = [];
  let maxId = -1;
  const c = {offered: 0, sent: 0, accepted: 0, refused: {}, lost: 0};
  const open = () => new Promise((resolve, reject) => {
    const mod = o.pubTls ? require('node:tls') : require('node:net');
    const opts = {host: o.host, port: o.pubPort};
    if (o.pubTls) { Object.assign(opts, {ca: fs.readFileSync(o.ca), servername: 'localhost', ALPNProtocols: ['http/1.1']}); }
    const sock = mod.connect(opts, () => resolve(conn));
    const conn = {sock, inflight: 0, buf: ''};
    sock.setNoDelay(true); sock.setEncoding('latin1');
    sock.on('error', (e) => { c.lost += conn.inflight; conn.inflight = 0; conn.dead = true; reject(e); });
    sock.on('close', () => { c.lost += conn.inflight; conn.inflight = 0; conn.dead = true; });
    sock.on('data', (t) => {
      conn.buf += t;
      for (;;) {
        const he = conn.buf.indexOf('\r\n\r\n');
        if (he < 0) { return; }
        const m = /content-length: *(\d+)/i.exec(conn.buf.slice(0, he));
        const len = m ? Number(m[1]) : 0;
        if (conn.buf.length < he + 4 + len) { return; }
        const status = conn.buf.slice(9, 12), body = conn.buf.slice(he + 4, he + 4 + len);
        conn.buf = conn.buf.slice(he + 4 + len);
        conn.inflight--;
        if (status === '202') {
          c.accepted++;
          const idm = /-(\d+)"/.exec(body);
          if (idm && Number(idm[1]) > maxId) { maxId = Number(idm[1]); }
        } else { c.refused[status] = (c.refused[status] || 0) + 1; }
      }
    });
  });
  let phase = null, seq = 0;
  const head = 'POST /topics/' + o.topic + ' HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\nContent-Length: ';
  function tick() {
    if (!phase) { return; }
    const t = nowUs();
    const due = Math.floor((t - phase.t0) * phase.rate / 1e6);   // the last event whose intended time has come
    while (phase.next <= due && phase.next < phase.limit) {
      const conn = conns.reduce((a, b) => (!b.dead && b.inflight < (a.dead ? Infinity : a.inflight) ? b : a));
      if (conn.dead || conn.inflight >= o.pipeline) { break; }   // every slot busy: the rest waits, its latency counts
      const intended = phase.t0 + Math.round(phase.next * 1e6 / phase.rate);
      const body = (seq++) + ' ' + intended + ' ' + pad;
      conn.sock.write(head + body.length + '\r\n\r\n' + body);
      conn.inflight++; phase.next++;
      if (phase.counting) { c.sent++; }
    }
    if (phase.counting) { phase.offeredEnd = Math.min(due, phase.limit); }
  }
  setInterval(tick, 1);
  parentPort.on('message', async (m) => {
    if (m.kind === 'open') {
      try { for (let i = 0; i < o.pubConns; i++) { conns.push(await open()); } parentPort.postMessage({kind: 'opened'}); }
      catch (e) { parentPort.postMessage({kind: 'error', error: String(e.message)}); }
    } else if (m.kind === 'rate') {   // a new schedule, from now, at m.rate events/s for at most m.seconds
      phase = m.rate > 0 ? {t0: nowUs(), rate: m.rate, next: 0, limit: Math.ceil(m.rate * m.seconds), counting: false} : null;
    } else if (m.kind === 'start') {
      Object.assign(c, {sent: 0, accepted: 0, refused: {}, lost: 0});
      if (phase) { phase.counting = true; phase.offeredStart = Math.floor((nowUs() - phase.t0) * phase.rate / 1e6); }
    } else if (m.kind === 'stop') {
      const offered = phase ? (phase.offeredEnd || 0) - (phase.offeredStart || 0) : 0;
      if (phase) { phase.counting = false; }
      parentPort.postMessage({kind: 'window', offered, sent: c.sent, accepted: c.accepted, refused: c.refused, lost: c.lost,
        maxId, inflight: conns.reduce((s, x) => s + x.inflight, 0)});
    } else if (m.kind === 'maxid') {
      parentPort.postMessage({kind: 'maxid', maxId, inflight: conns.reduce((s, x) => s + x.inflight, 0)});
    } else if (m.kind === 'final') {
      phase = null;
      parentPort.postMessage({kind: 'final', maxId, inflight: conns.reduce((s, x) => s + x.inflight, 0)});
      setTimeout(() => process.exit(0), 50);
    }
  });
}

// ---- coordinator --------------------------------------------------------------------------------------------

async function main() {
  let o;
  try { o = parseArgs(process.argv); } catch (e) { console.error('h2-fanout: ' + e.message); process.exit(2); }
  const watchdog = setTimeout(() => { console.log('ERR max-time ' + o.maxTime + ' s reached'); process.exit(3); }, o.maxTime * 1000);
  watchdog.unref();
  const threads = Math.max(1, Math.min(o.clientThreads, o.conns));
  const subs = [];
  for (let i = 0; i < threads; i++) {
    const myConns = Math.floor(o.conns / threads) + (i < o.conns % threads ? 1 : 0);
    subs.push(new Worker(__filename, {workerData: {role: 'sub', o: Object.assign({}, o, {myConns})}}));
  }
  const pub = new Worker(__filename, {workerData: {role: 'pub', o}});
  const next = (w, kind) => new Promise((resolve) => {
    const f = (m) => { if (!kind || m.kind === kind) { w.off('message', f); resolve(m); } };
    w.on('message', f);
  });
  const sleep = (s) => new Promise((r) => setTimeout(r, s * 1000));
  for (const w of [...subs, pub]) { w.on('error', (e) => { console.log('ERR worker ' + e.message); process.exit(1); }); }

  const want = o.conns * o.streams;
  const t0 = Date.now();
  const status = subs.map(() => ({opened: 0, failed: 0}));
  subs.forEach((w, i) => w.on('message', (m) => { if (m.kind === 'status') { status[i] = m; } }));
  for (;;) {
    const opened = status.reduce((s, x) => s + x.opened, 0), failed = status.reduce((s, x) => s + x.failed, 0);
    if (opened === want) { break; }
    if (failed > 0 || Date.now() - t0 > 30000) {
      console.log('ERR opened ' + opened + ' of ' + want + ' streams, ' + failed + ' failed'); process.exit(1);
    }
    await sleep(0.1);
  }
  console.log('READY ' + want + ' ' + (Date.now() - t0) + 'ms');
  pub.postMessage({kind: 'open'});
  const po = await next(pub, null);
  if (po.kind !== 'opened') { console.log('ERR publisher: ' + po.error); process.exit(1); }

  const pids = o.serverPids ? o.serverPids.split(',').filter(Boolean) : [];
  const serverCpu = () => pids.reduce((sum, pid) => {   // utime + stime of each server process, in clock ticks
    try { const f = fs.readFileSync('/proc/' + pid + '/stat', 'latin1'); const x = f.slice(f.lastIndexOf(')') + 2).split(' ');
      return sum + Number(x[11]) + Number(x[12]); } catch (e) { return sum; }
  }, 0);
  const serverRssKiB = () => pids.reduce((sum, pid) => {
    try { return sum + Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync('/proc/' + pid + '/status', 'latin1'))[1]); } catch (e) { return sum; }
  }, 0);
  // Waits (at most --drain seconds) until every stream still open has the last accepted event.
  const drain = async () => {
    const d0 = Date.now();
    for (;;) {
      const pm = await (async () => { const x = next(pub, 'maxid'); pub.postMessage({kind: 'maxid'}); return x; })();
      const bs = subs.map((w) => next(w, 'behind'));
      subs.forEach((w) => w.postMessage({kind: 'behind', id: pm.maxId}));
      const behind = (await Promise.all(bs)).reduce((s, x) => s + x.n, 0);
      if ((behind === 0 && pm.inflight === 0) || Date.now() - d0 > o.drain * 1000) {
        return {drainSec: +((Date.now() - d0) / 1000).toFixed(1), streamsBehind: behind};
      }
      await sleep(0.2);
    }
  };
  for (const ph of o.phaseList) {
    pub.postMessage({kind: 'rate', rate: ph.rate, seconds: ph.warmup + ph.seconds + 1});
    await sleep(ph.warmup);
    const cpu0 = process.cpuUsage(), scpu0 = serverCpu();
    subs.forEach((w) => w.postMessage('start')); pub.postMessage({kind: 'start'});
    const w0 = nowUs();
    await sleep(ph.seconds);
    const wins = subs.map((w) => next(w, 'window')), pw = next(pub, 'window');
    subs.forEach((w) => w.postMessage('stop')); pub.postMessage({kind: 'stop'});
    const seconds = (nowUs() - w0) / 1e6;
    const r = await Promise.all(wins), p = await pw;
    const cpu = process.cpuUsage(cpu0), scpu = (serverCpu() - scpu0) / 100;   // USER_HZ is 100 on Linux
    pub.postMessage({kind: 'rate', rate: 0});
    const hist = new Float64Array(BUCKETS);
    for (const x of r) { for (let i = 0; i < BUCKETS; i++) { hist[i] += x.hist[i]; } }
    const events = r.reduce((s, x) => s + x.events, 0);
    const out = {phase: ph.name, rate: ph.rate, seconds: +seconds.toFixed(3), delivered: events,
      deliveredPerSec: Math.round(events / seconds), offeredPerSec: Math.round(p.offered / seconds),
      sentPerSec: Math.round(p.sent / seconds), acceptedPerSec: Math.round(p.accepted / seconds), refused: p.refused,
      lostRequests: p.lost, p50ms: ms(percentileUs(hist, 0.5)), p99ms: ms(percentileUs(hist, 0.99)),
      maxms: ms(percentileUs(hist, 1)), gaps: r.reduce((s, x) => s + x.gaps, 0), dups: r.reduce((s, x) => s + x.dups, 0),
      ended: r.reduce((s, x) => s + x.ended, 0), typed: mergeTyped(r),
      clientCpuSec: +((cpu.user + cpu.system) / 1e6).toFixed(2), serverCpuSec: +scpu.toFixed(2),
      serverCpuUsPerEvent: events ? +(scpu * 1e6 / events).toFixed(3) : null, serverRssMiB: Math.round(serverRssKiB() / 1024)};
    Object.assign(out, await drain());   // what was accepted reaches the streams before the next phase or the check
    console.log('PHASE ' + JSON.stringify(out));
  }
  const finals = subs.map((w) => next(w, 'final')), pf = next(pub, 'final');
  subs.forEach((w) => w.postMessage('final')); pub.postMessage({kind: 'final'});
  const r = await Promise.all(finals), p = await pf;
  const last = [].concat(...r.map((x) => x.lastIds));
  const missing = last.reduce((s, id) => s + Math.max(0, p.maxId - id), 0);
  console.log('DONE ' + JSON.stringify({streams: last.length, lastAcceptedId: p.maxId, streamsBehind: last.filter((id) => id < p.maxId).length,
    missingAtEnd: missing, gaps: r.reduce((s, x) => s + x.gaps, 0), dups: r.reduce((s, x) => s + x.dups, 0),
    ended: r.reduce((s, x) => s + x.ended, 0), eventsTotal: r.reduce((s, x) => s + x.total, 0),
    publishesInFlight: p.inflight, typed: mergeTyped(r), errors: [].concat(...r.map((x) => x.errors)).slice(0, 5)}));
  process.exit(0);
}

function ms(us) { return us === null ? null : +(us / 1000).toFixed(3); }
function mergeTyped(rs) {
  const t = {};
  for (const x of rs) { for (const k of Object.keys(x.typed)) { t[k] = (t[k] || 0) + x.typed[k]; } }
  return t;
}

if (isMainThread) {
  if (require.main === module) { main(); }
  module.exports = {parsePhases, StreamState, bucketOf, percentileUs, BUCKETS};
} else if (workerData.role === 'sub') {
  subscriberThread(workerData.o);
} else {
  publisherThread(workerData.o);
}
