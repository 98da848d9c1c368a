// node clients.js h2|h1 PORT CONNECTIONS STREAMS_PER_CONNECTION : opens them, prints OPENED <n> every second and
// READY <n> when all answered, then holds them until stdin's EOF
const mode = process.argv[2], port = +process.argv[3], conns = +process.argv[4], per = +process.argv[5];
const http2 = require('node:http2'); const http = require('node:http');
let open = 0; const total = conns * per;
function opened() { if (++open === total) console.log('READY ' + open); }
if (mode === 'h2') {
  for (let c = 0; c < conns; c++) {
    const s = http2.connect('http://127.0.0.1:' + port);
    s.on('error', (e) => console.log('ERR ' + e.message));
    for (let i = 0; i < per; i++) {
      const r = s.request({':path': '/topics/m' + (i % 10)});
      r.on('response', opened); r.on('data', () => {}); r.on('error', (e) => console.log('ERR ' + e.message));
    }
  }
} else {
  const agent = new http.Agent({keepAlive: true, maxSockets: Infinity});
  for (let c = 0; c < total; c++) {
    http.get({host: '127.0.0.1', port, path: '/topics/m' + (c % 10), agent}, (res) => { opened(); res.on('data', () => {}); })
      .on('error', (e) => console.log('ERR ' + e.message));
  }
}
setInterval(() => console.log('OPENED ' + open), 1000).unref();
process.stdin.resume(); process.stdin.on('end', () => process.exit(0));
