// Bounded memory on long runs: streams the JSON report of bench/long-run-24h.yaml (9 members,
// multi-primary, a 200/s workload on three members, a fault every 5 minutes; see
// long-run-scenario.mjs) as `grsim run --format json` does, and prints the heap after a full GC and
// the RSS at 1 h, 6 h, 12 h and 24 h of virtual time, then the peak RSS of the process.
// Targets (issue 15): peak RSS under 500 MB; heap flat from 1 h to 24 h.
// Run after `npm run build`: node --expose-gc bench/long-run-memory.mjs [hours, default 24]
import { parseScenario } from '../dist/index.js';
import { streamReport } from '../dist/report/report-stream.js';
import { fileSpools } from '../dist/cli/file-spool.js';
import { longRunScenarioYaml } from './long-run-scenario.mjs';

const hours = Number(process.argv[2] ?? 24);
const gc = globalThis.gc ?? (() => { throw new Error('run with node --expose-gc'); });
const marks = [1, 6, 12, 24].filter((h) => h <= hours).map((h) => h * 3_600_000_000);
if (!marks.includes(hours * 3_600_000_000)) marks.push(hours * 3_600_000_000);
const mb = (bytes) => `${(bytes / 1048576).toFixed(1)} MB`;

const scenario = parseScenario(longRunScenarioYaml(hours), `long-run-${hours}h.yaml`);
const spools = fileSpools();
let outputBytes = 0;
let events = 0;
const samples = [];
const t0 = process.hrtime.bigint();
const sample = (tUs) => {
  gc();
  const m = process.memoryUsage();
  samples.push({ hours: tUs / 3_600_000_000, heapUsed: m.heapUsed, rss: m.rss, wallS: Number(process.hrtime.bigint() - t0) / 1e9, events });
};
const observer = () => (e) => {
  events++;
  // The first event at or past a mark stands for it (events come in time order).
  while (marks.length > 0 && e.t >= marks[0]) sample(marks.shift());
};
try {
  streamReport(scenario, { source: 'long-run.yaml', observer }, 'bench', {
    spool: spools.spool,
    write: (text) => { outputBytes += Buffer.byteLength(text); },
  });
} finally {
  spools.dispose();
}
// The run's last instant (the end itself) has no event of its own to stand for it.
while (marks.length > 0) sample(marks.shift());
for (const s of samples) {
  console.log(`long run, 9 members, workload + a fault every 5 min: at ${String(s.hours).padStart(2)} h virtual: heap ${mb(s.heapUsed)} after GC, rss ${mb(s.rss)}, ${s.events} trace events, ${s.wallS.toFixed(1)} s wall`);
}
const peakRss = process.resourceUsage().maxRSS * 1024;
const first = samples[0], last = samples.at(-1);
console.log(`peak rss ${mb(peakRss)} (target < 500 MB: ${peakRss < 500 * 1048576 ? 'met' : 'NOT met'}); heap ${mb(first.heapUsed)} at ${first.hours} h, ${mb(last.heapUsed)} at ${last.hours} h ` +
  `(${((last.heapUsed / first.heapUsed - 1) * 100).toFixed(1)} %); JSON report ${mb(outputBytes)}`);
