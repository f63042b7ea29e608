// Bounded memory on long runs: streams the JSON report of bench/long-run-24h.yaml (9 members,
// multi-primary, a 200/s workload on three members, a fault every 5 minutes; see
// long-run-scenario.mjs) as `grsim run --format json` does, and prints the heap after a full GC and
// the RSS at every hour of virtual time, then the peak RSS of the process and how flat the heap is
// from 1 h on: its lowest and highest value and its least-squares slope in MB per hour.
// Targets (issue 15): peak RSS under 500 MB; heap flat from 1 h to 24 h.
// With `--snapshots DIR` it also writes a V8 heap snapshot at 1, 6, 12 and 24 h (and at the end)
// into DIR, for bench/heap-snapshot-diff.mjs to show what holds the heap and what grows.
// Run after `npm run build`: node --expose-gc bench/long-run-memory.mjs [hours, default 24] [--snapshots DIR]
import { writeHeapSnapshot } from 'node:v8';
import { join } from 'node:path';
import { parseScenario } from '../dist/index.js';
import { streamReport } from '../dist/report/report-stream.js';
import { fileSpools } from '../dist/cli/file-spool.js';
import { longRunScenarioYaml } from './long-run-scenario.mjs';

const args = process.argv.slice(2);
const at = args.indexOf('--snapshots');
const snapshotDir = at === -1 ? null : args.splice(at, 2)[1];
if (at !== -1 && snapshotDir === undefined) throw new Error('--snapshots needs a directory');
const hours = Number(args[0] ?? 24);
const gc = globalThis.gc ?? (() => { throw new Error('run with node --expose-gc'); });
const HOUR_US = 3_600_000_000;
// Every whole hour, and the end when it is not one.
const marks = Array.from({ length: Math.floor(hours) }, (_, i) => (i + 1) * HOUR_US);
if (marks.at(-1) !== hours * HOUR_US) marks.push(hours * HOUR_US);
const snapshotMarks = new Set([1, 6, 12, 24, hours].map((h) => h * HOUR_US));
const mb = (bytes) => `${(bytes / 1048576).toFixed(1)} MB`;

const scenario = parseScenario(longRunScenarioYaml(hours), `long-run-${hours}h.yaml`);
const spools = fileSpools();
let outputBytes = 0;
let events = 0;
const samples = [];
const t0 = process.hrtime.bigint();
const sample = (tUs, inRun) => {
  gc();
  const m = process.memoryUsage();
  samples.push({ hours: tUs / HOUR_US, heapUsed: m.heapUsed, rss: m.rss, wallS: Number(process.hrtime.bigint() - t0) / 1e9, events, inRun });
  if (snapshotDir !== null && snapshotMarks.has(tUs)) writeHeapSnapshot(join(snapshotDir, `long-run-${tUs / HOUR_US}h.heapsnapshot`));
};
const observer = () => (e) => {
  events++;
  // The first event at or past a mark stands for it (events come in time order).
  while (marks.length > 0 && e.t >= marks[0]) sample(marks.shift(), true);
};
try {
  streamReport(scenario, { source: 'long-run.yaml', observer }, 'bench', {
    spool: spools.spool,
    write: (text) => { outputBytes += Buffer.byteLength(text); },
  });
} finally {
  spools.dispose();
}
// The run's last instant has an event of its own only when something happens exactly then; if
// not, its sample is taken after the run, when the report's spools are drained and gone.
while (marks.length > 0) sample(marks.shift(), false);
for (const s of samples) {
  console.log(`long run, 9 members, workload + a fault every 5 min: at ${String(s.hours).padStart(2)} h virtual: heap ${mb(s.heapUsed)} after GC, rss ${mb(s.rss)}, ` +
    `${s.events} trace events, ${s.wallS.toFixed(1)} s wall${s.inRun ? '' : ' (after the run)'}`);
}
const peakRss = process.resourceUsage().maxRSS * 1024;
const first = samples[0], last = samples.at(-1);
const flat = samples.filter((s) => s.hours >= 1);
const heaps = flat.map((s) => s.heapUsed / 1048576);
const meanH = flat.reduce((a, s) => a + s.hours, 0) / flat.length;
const meanM = heaps.reduce((a, x) => a + x, 0) / heaps.length;
const slope = flat.reduce((a, s, i) => a + (s.hours - meanH) * (heaps[i] - meanM), 0) / flat.reduce((a, s) => a + (s.hours - meanH) ** 2, 0);
console.log(`peak rss ${mb(peakRss)} (target < 500 MB: ${peakRss < 500 * 1048576 ? 'met' : 'NOT met'}); heap ${mb(first.heapUsed)} at ${first.hours} h, ${mb(last.heapUsed)} at ${last.hours} h ` +
  `(${((last.heapUsed / first.heapUsed - 1) * 100).toFixed(1)} %); JSON report ${mb(outputBytes)}`);
if (flat.length >= 2) {
  console.log(`heap from 1 h on: lowest ${Math.min(...heaps).toFixed(1)} MB, highest ${Math.max(...heaps).toFixed(1)} MB, ` +
    `slope ${slope.toFixed(3)} MB per hour (least squares over ${flat.length} samples); CPU ${(process.cpuUsage().user / 1e6).toFixed(0)} s user`);
}
