// grsim explore throughput: random 10-minute fault schedules on a 5-member group, runs per
// minute with one job and with every core, measured one after the other in the same run
// (targets: >= 2,000 runs/min with all jobs; >= 1.6x faster with 2 jobs than with 1 on an idle
// 2-core machine, issue 15). On a busy machine both figures fall; read the ratio with care.
// Run after `npm run build`: node bench/explore.mjs [runs]
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const runs = Number(process.argv[2] ?? 1000);
const property = 'one-primary-per-view'; // every fault kind, single-primary, full invariant check per run
const cores = availableParallelism();

function measure(jobs) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [bin, 'explore', '--property', property, '--members', '5', '--duration', '10m',
    '--runs', String(runs), '--seed', '1', '--jobs', String(jobs)], { encoding: 'utf8' });
  const wallS = (performance.now() - t0) / 1000;
  // stdout ends with the counted runs (the same for any --jobs); stderr with the throughput of every run executed.
  const m = /^(\d+) runs, (\d+) failed$/.exec(r.stdout.trimEnd().split('\n').pop() ?? '');
  const t = /^grsim explore: (\d+) runs in [\d.]+ s, (\d+) runs\/min/m.exec(r.stderr);
  if (m === null || t === null) throw new Error(`unexpected output (exit ${r.status}): ${r.stdout.slice(-500)}\n${r.stderr.slice(-500)}`);
  return { jobs, runs: Number(m[1]), failed: Number(m[2]), perMin: Number(t[2]), wallPerMin: Math.round(Number(t[1]) / (wallS / 60)) };
}

const one = measure(1);
const all = measure(cores);
for (const x of [one, all]) {
  console.log(`explore ${property}, 5 members, 10 min schedules, ${x.jobs} job(s): ${x.runs} runs, ${x.failed} failed, ` +
    `${x.perMin} runs/min (${x.wallPerMin} runs/min including process start-up)`);
}
const speedUp = all.perMin / one.perMin;
console.log(`speed-up with ${cores} jobs: ${speedUp.toFixed(2)}x${cores === 2 ? ` (target >= 1.6x on an idle machine: ${speedUp >= 1.6 ? 'met' : 'NOT met'})` : ''}; ` +
  `target >= 2000 runs/min with all jobs: ${all.perMin >= 2000 ? 'met' : 'NOT met'}`);
