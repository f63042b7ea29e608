// What the simulator allocates, by the function that allocates it (issue 15; docs/speed.md,
// "Fewer objects per decision"). Samples the heap with the inspector's sampling heap profiler,
// counting the objects both garbage collections took as well, so the figures are what was
// allocated, not what is still alive.
//
//   node <explore's V8 flags> scripts/allocation-profile.mjs explore [--warmup=100] [--runs=200]
//     explored runs as `grsim explore` makes them (one-primary-per-view, 5 members, 10 min, seed
//     1, one job in this process): bytes per run after the warm-up runs. Start node with the flags
//     of src/cli/explore-tiering.ts (EXPLORE_V8_FLAGS) to measure what explore allocates; the
//     script says which flags it ran with.
//   node scripts/allocation-profile.mjs idle [--members=9] [--hours=8] [--stretch]
//     the idle group of bench/full-group.mjs (default model): bytes per simulated hour after the
//     first hour.
//
// Prints the total and the functions that allocated the most. Run after `npm run build`.
import { Session } from 'node:inspector';
import { createSimulation } from '../dist/index.js';
import { exploreChunk } from '../dist/arbitraries/experiments.js';
import { exploreChunkAt, RUNS_PER_CHUNK } from '../dist/cli/explore-chunks.js';
import { hasExploreTiering } from '../dist/cli/explore-tiering.js';

const [mode = 'explore', ...rest] = process.argv.slice(2);
const args = Object.fromEntries(rest.map((a) => { const [k, v] = a.replace(/^--/, '').split('='); return [k, v ?? '1']; }));
const top = Number(args.top ?? 12);

const session = new Session();
session.connect();
const post = (method, params = {}) => {
  let out, error;
  session.post(method, params, (e, r) => { error = e; out = r; });
  if (error) throw error;
  return out;
};

/** Runs `work` under the sampling heap profiler; returns bytes allocated per function (self) and in all. */
function sampled(work) {
  post('HeapProfiler.enable');
  post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  work();
  const { profile } = post('HeapProfiler.stopSampling');
  post('HeapProfiler.disable');
  const bySite = new Map();
  let total = 0;
  const walk = (node) => {
    const f = node.callFrame;
    const bytes = node.selfSize;
    if (bytes > 0) {
      const key = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/dist\//, '')}:${f.lineNumber + 1}`;
      bySite.set(key, (bySite.get(key) ?? 0) + bytes);
      total += bytes;
    }
    for (const c of node.children) walk(c);
  };
  walk(profile.head);
  return { total, bySite };
}

function print(what, per, { total, bySite }) {
  console.log(`${what}: ${(total / per / 1e6).toFixed(3)} MB allocated per ${mode === 'explore' ? 'run' : 'simulated hour'}`);
  for (const [site, bytes] of [...bySite].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`  ${(bytes / per / 1e3).toFixed(1).padStart(9)} kB  ${site}`);
  }
}

if (mode === 'explore') {
  const warmup = Number(args.warmup ?? 100), runs = Number(args.runs ?? 200);
  if (warmup % RUNS_PER_CHUNK !== 0 || runs % RUNS_PER_CHUNK !== 0) throw new Error(`--warmup and --runs must be multiples of ${RUNS_PER_CHUNK}`);
  const plan = { property: 'one-primary-per-view', members: 5, durationUs: 600e6, runs: warmup + runs, seed: 1 };
  const chunks = (from, to) => { for (let k = from; k < to; k++) exploreChunk(exploreChunkAt(plan, k)); };
  chunks(0, warmup / RUNS_PER_CHUNK);
  const r = sampled(() => chunks(warmup / RUNS_PER_CHUNK, (warmup + runs) / RUNS_PER_CHUNK));
  print(`explore (${hasExploreTiering(process.execArgv) ? "explore's V8 flags" : "without explore's V8 flags"}), ${runs} runs after ${warmup}`, runs, r);
} else if (mode === 'idle') {
  const members = Number(args.members ?? 9), hours = Number(args.hours ?? 8);
  const sim = createSimulation({
    seed: 12345, members: Array.from({ length: members }, (_, i) => `node${i + 1}`), mode: 'multi-primary',
    model: { flowControlStatsTraffic: 1, xcomRetryBackoff: 1 }, traceSink: () => {}, ...(args.stretch === '1' ? { stretch: true } : {}),
  });
  sim.runFor('1h');
  const r = sampled(() => sim.runFor(`${hours - 1}h`));
  print(`idle group, ${members} members${args.stretch === '1' ? ', stretched' : ''}, hours 1–${hours}`, hours - 1, r);
} else {
  throw new Error(`mode must be explore or idle, got ${mode}`);
}
