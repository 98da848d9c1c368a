// node h2-fanout-report.js results.tsv [host.md] : the Markdown summary (--json results.tsv: the rows as JSON) of loadtest/compare/h2-fanout.sh's rounds.
// results.tsv has one line per phase and per run: round <TAB> stack <TAB> the client's JSON (a PHASE or a DONE line).
// Each figure is the median over the rounds, the runs in brackets; ratios are to the first stack in the file.
'use strict';
const fs = require('node:fs');

function median(xs) {
  const s = xs.filter((x) => x !== null && x !== undefined && !Number.isNaN(x)).sort((a, b) => a - b);
  if (s.length === 0) { return null; }
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

// rows: [{round, stack, rec}] → {stacks: [...in order of first appearance], get(stack, phase, field) → [values]}
function collect(text) {
  const rows = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) { continue; }
    const [round, stack, json] = line.split('\t');
    if (json === undefined) { throw new Error('not round<TAB>stack<TAB>json: ' + line.slice(0, 80)); }
    rows.push({round: Number(round), stack, rec: JSON.parse(json)});
  }
  const stacks = [...new Set(rows.map((r) => r.stack))];
  const get = (stack, phase, field) => rows
    .filter((r) => r.stack === stack && (phase === 'done' ? r.rec.phase === undefined : r.rec.phase === phase))
    .sort((a, b) => a.round - b.round)
    .map((r) => (typeof field === 'function' ? field(r.rec) : r.rec[field]));
  return {rows, stacks, get};
}

function fmt(x, digits) {
  if (x === null || x === undefined) { return 'n/a'; }
  return digits === 0 ? Math.round(x).toLocaleString('en-US') : Number(x).toFixed(digits);
}

function report(text, host) {
  const {stacks, get} = collect(text);
  const out = [];
  out.push('# HTTP/2 fan-out: ' + stacks.join(', '), '');
  if (host) { out.push(...host.trim().split('\n').map((l) => '- ' + l), ''); }
  const lines = [
    ['sat', 'deliveredPerSec', 'throughput phase: delivered events/s', 0, true],
    ['sat', 'acceptedPerSec', 'the same: publishes accepted/s', 0, true],
    ['sat', 'offeredPerSec', 'the same: publishes offered/s', 0, false],
    ['sat', 'serverCpuUsPerEvent', 'the same: server CPU µs per delivered event', 3, true],
    ['sat', (r) => (r.delivered ? r.clientCpuSec * 1e6 / r.delivered : null), 'the same: client CPU µs per delivered event', 3, true],
    ['sat', 'p50ms', 'the same: publish→receive p50 ms (backlog)', 1, false],
    ['lat', 'deliveredPerSec', 'latency phase: delivered events/s', 0, false],
    ['lat', 'p50ms', 'latency phase: publish→receive p50 ms', 2, true],
    ['lat', 'p99ms', 'latency phase: publish→receive p99 ms', 2, true],
    ['lat', 'serverCpuUsPerEvent', 'latency phase: server CPU µs per delivered event', 3, true],
    ['sat', 'serverRssMiB', 'server RSS MiB at the end of the throughput phase', 0, true],
    ['done', 'gaps', 'events lost (id gaps), whole run', 0, false],
    ['done', 'dups', 'duplicates, whole run', 0, false],
    ['done', 'ended', 'streams the server ended', 0, false],
    ['done', 'missingAtEnd', 'events missing at the end (after the drain)', 0, false],
  ];
  const first = stacks[0];
  out.push('| measure (median of rounds; runs in brackets) | ' + stacks.join(' | ') + ' | '
    + stacks.slice(1).map((s) => s + '/' + first).join(' | ') + ' |');
  out.push('| --- |' + ' --- |'.repeat(2 * stacks.length - 1));
  for (const [phase, field, label, digits, ratio] of lines) {
    const cells = [], meds = [];
    for (const s of stacks) {
      const xs = get(s, phase, field);
      const m = median(xs);
      meds.push(m);
      cells.push(fmt(m, digits) + (xs.length > 1 ? ' (' + xs.map((x) => fmt(x, digits)).join(', ') + ')' : ''));
    }
    const ratios = meds.slice(1).map((m) => (ratio && m !== null && meds[0] ? (m / meds[0]).toFixed(2) : ''));
    out.push('| ' + label + ' | ' + cells.join(' | ') + ' | ' + ratios.join(' | ') + ' |');
  }
  const refused = stacks.map((s) => s + ': ' + JSON.stringify(get(s, 'sat', 'refused'))).join('; ');
  out.push('', 'Throughput-phase refusals per run (status: count): ' + refused + '.');
  return out.join('\n') + '\n';
}

if (require.main === module) {
  const args = process.argv.slice(2);
  if (args[0] === '--json') {
    process.stdout.write(toJson(fs.readFileSync(args[1], 'utf8')));
    process.exit(0);
  }
  const [tsv, hostFile] = args;
  if (!tsv) { console.error('usage: node h2-fanout-report.js [--json] results.tsv [host.md]'); process.exit(2); }
  process.stdout.write(report(fs.readFileSync(tsv, 'utf8'), hostFile ? fs.readFileSync(hostFile, 'utf8') : ''));
}
// The same rows as JSON (results.json), for the results directory.
function toJson(text) {
  return JSON.stringify(collect(text).rows.map((r) => ({round: r.round, stack: r.stack, result: r.rec})), null, 1) + '\n';
}
module.exports = {median, collect, report, toJson};
