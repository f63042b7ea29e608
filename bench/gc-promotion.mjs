// What the young-generation GC keeps and promotes while explore runs (docs/speed.md, "Function
// literals assigned to properties"): runs explore's chunk function over `runs` runs (default 500,
// chunks of 25) in a child node process started with explore's V8 flags and --trace-gc-nvp, and
// prints the scavenges, the bytes they promoted to the old generation, the bytes they kept in the
// young one and their pause time. A finished run is garbage, so what is promoted should stay small
// (11 MB per 500 runs at 390c1ad against 64 MB before it); a figure that grows again means
// something from the old generation keeps finished simulations reachable, as the pretenured
// closures did. Counts, not times, are the figure to compare: the pauses move with the machine.
// Run after `npm run build`: node bench/gc-promotion.mjs [runs]
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const { EXPLORE_V8_FLAGS } = await import('../dist/cli/explore-tiering.js');
const runs = Number(process.argv[2] ?? 500);
if (!Number.isInteger(runs) || runs < 25) throw new Error(`runs must be an integer ≥ 25, got ${process.argv[2]}`);
const experiments = fileURLToPath(new URL('../dist/arbitraries/experiments.js', import.meta.url));
const script = `
  const { exploreChunk } = await import(${JSON.stringify(experiments)});
  const chunks = Math.ceil(${runs} / 25);
  for (let k = 0; k < chunks; k++) {
    exploreChunk({ property: 'one-primary-per-view', members: 5, durationUs: 600e6, seed: k + 1, runs: Math.min(25, ${runs} - 25 * k) });
  }`;
const r = spawnSync(process.execPath, [...EXPLORE_V8_FLAGS, '--trace-gc-nvp', '--input-type=module', '-e', script], { encoding: 'utf8', maxBuffer: 1 << 28 });
if (r.status !== 0) throw new Error(`the exploration exited with ${r.status}: ${r.stderr.slice(-2000)}`);
const field = (line, name) => Number(new RegExp(`(?:^|\\s)${name}=([0-9.]+)`).exec(line)?.[1] ?? NaN);
let scavenges = 0, promoted = 0, kept = 0, pauseMs = 0, fullGcs = 0;
for (const line of r.stdout.split('\n')) {
  if (/(?:^|\s)gc=s(?:\s|$)/.test(line)) {
    scavenges++;
    promoted += field(line, 'promoted');
    kept += field(line, 'new_space_survived');
    pauseMs += field(line, 'pause');
  } else if (/(?:^|\s)gc=(?:mc|ms)(?:\s|$)/.test(line)) fullGcs++;
}
if (scavenges === 0) throw new Error('no scavenge in the trace: did --trace-gc-nvp change its format?');
const mb = (b) => (b / 1048576).toFixed(1);
console.log(`explore one-primary-per-view, 5 members, 10 min schedules, ${runs} runs: ${scavenges} scavenges, promoted ${mb(promoted)} MB ` +
  `(${(promoted / runs / 1024).toFixed(1)} KB a run), kept in the young generation ${mb(kept)} MB, scavenge pauses ${Math.round(pauseMs)} ms; ${fullGcs} full GCs`);
