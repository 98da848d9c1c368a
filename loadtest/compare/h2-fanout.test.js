// Tests of h2-fanout.js's stream checks and arithmetic and of h2-fanout-report.js: node --test loadtest/compare/
// (run by the loadtest module's H2FanoutScriptsTest, so by mvn verify and ops/test.sh). No sockets, no clock asserts.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const {parsePhases, StreamState, bucketOf, percentileUs, BUCKETS} = require('./h2-fanout.js');
const {median, collect, report} = require('./h2-fanout-report.js');

function stats(counting) {
  return {events: 0, total: 0, gaps: 0, dups: 0, typed: {}, counting, hist: new Float64Array(BUCKETS)};
}

// What Herald writes on a topic stream: the retry and the topic's last id first, then one block per event.
function heraldStream(ids, opts = {}) {
  let s = 'retry: 3000\nid: mxat8s2w-' + (ids[0] - 1) + '\n\n';
  for (const id of ids) {
    if (opts.typed && id === opts.typed) { s += 'event: herald-gap\ndata: {}\nid: mxat8s2w-' + id + '\n\n'; continue; }
    s += 'data: ' + id + ' 123 xxxxxxxx\nid: mxat8s2w-' + id + '\n\n';
    if (opts.heartbeatAfter === id) { s += ':\n\n'; }
  }
  return s;
}

test('consecutive ids give no gap and no duplicate, however the text is split', () => {
  const text = heraldStream([1, 2, 3, 4, 5], {heartbeatAfter: 2});
  for (let cut = 0; cut <= text.length; cut++) {
    const s = stats(false), st = new StreamState(s);
    st.feed(text.slice(0, cut));
    st.feed(text.slice(cut));
    assert.deepEqual([s.total, s.gaps, s.dups, st.last], [5, 0, 0, 5], 'cut=' + cut);
  }
});

test('a missing id is counted as a gap of its size, a repeated one as a duplicate', () => {
  const s = stats(false), st = new StreamState(s);
  st.feed(heraldStream([1, 2, 5, 6]));
  assert.equal(s.gaps, 2);
  st.feed('data: 6 123 x\nid: mxat8s2w-6\n\n');
  assert.equal(s.dups, 1);
  assert.equal(st.last, 6);
});

test('the epoch part of an id does not confuse the sequence, even when it contains digits', () => {
  const s = stats(false), st = new StreamState(s);
  st.feed('id: 9z9-41\n\ndata: 1 1 x\nid: 9z9-42\n\ndata: 2 1 x\nid: 9z9-43\n\n');
  assert.deepEqual([s.total, s.gaps, st.last], [2, 0, 43]);
});

test('typed events are counted by type, and latency only while counting', () => {
  const s = stats(false), st = new StreamState(s);
  st.feed(heraldStream([1, 2, 3], {typed: 2}));
  assert.deepEqual(s.typed, {'herald-gap': 1});
  assert.equal(s.events, 0);
  s.counting = true;
  st.feed(heraldStream([4, 5]).split('\n\n').slice(1).join('\n\n'));
  assert.equal(s.events, 2);
  assert.equal(s.hist.reduce((a, b) => a + b, 0), 2);
});

test('percentiles come back within the 1 % bucket width', () => {
  const hist = new Float64Array(BUCKETS);
  for (let us = 1; us <= 100_000; us++) { hist[bucketOf(us)]++; }
  const p50 = percentileUs(hist, 0.5), p99 = percentileUs(hist, 0.99);
  assert.ok(Math.abs(p50 / 50_000 - 1) <= 0.011, 'p50 ' + p50);
  assert.ok(Math.abs(p99 / 99_000 - 1) <= 0.011, 'p99 ' + p99);
  assert.equal(percentileUs(new Float64Array(BUCKETS), 0.5), null);
  assert.equal(bucketOf(0), 0);
  assert.equal(bucketOf(1e20), BUCKETS - 1);
});

test('phases are NAME:RATE:WARMUP:SECONDS, and anything else is refused with the phase named', () => {
  assert.deepEqual(parsePhases('lat:100:3:10,sat:3000:2:8'),
    [{name: 'lat', rate: 100, warmup: 3, seconds: 10}, {name: 'sat', rate: 3000, warmup: 2, seconds: 8}]);
  for (const bad of ['lat:100:3', 'lat:x:3:10', 'lat:100:3:0', 'Lat:1:1:1', 'lat:-1:1:1', 'lat:1:1:1:1']) {
    assert.throws(() => parsePhases(bad), new RegExp(bad.replace(/[-:]/g, '.')), bad);
  }
});

test('the report takes medians over rounds and ratios to the first stack', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([null, 5]), 5);
  assert.equal(median([]), null);
  const row = (round, stack, rec) => round + '\t' + stack + '\t' + JSON.stringify(rec);
  const sat = (d) => ({phase: 'sat', deliveredPerSec: d, refused: {}});
  const tsv = [
    row(1, 'h1', sat(100)), row(1, 'h2c', sat(300)), row(1, 'h2c', {gaps: 0, dups: 0}),
    row(2, 'h1', sat(200)), row(2, 'h2c', sat(500)),
    row(3, 'h1', sat(150)), row(3, 'h2c', sat(400)),
  ].join('\n');
  assert.deepEqual(collect(tsv).stacks, ['h1', 'h2c']);
  assert.deepEqual(collect(tsv).get('h2c', 'sat', 'deliveredPerSec'), [300, 500, 400]);
  const line = report(tsv, '').split('\n').find((l) => l.startsWith('| throughput phase: delivered'));
  assert.equal(line, '| throughput phase: delivered events/s | 150 (100, 200, 150) | 400 (300, 500, 400) | 2.67 |');
  assert.throws(() => collect('1\th1'), /round<TAB>stack<TAB>json/);
});
