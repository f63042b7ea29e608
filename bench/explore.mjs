// grsim explore throughput: random 10-minute fault schedules on a 5-member group, runs per
// minute with one job and with every core, measured one after the other in the same run
// (targets: >= 2,000 runs/min with all jobs; >= 1.6x faster with 2 jobs than with 1 on an idle
// 2-core machine, issue 15). On a busy machine both figures fall; read the ratio with care: each
// measurement also prints how much CPU other processes used meanwhile (from /proc/stat), and
// `--pairs=N` (default 3) measures N pairs one after the other (1 job, all jobs, 1 job, …) so the
// spread shows; the figure checked against the target is the median of the pairs' speed-ups.
// On Linux each run's CPU time is also printed per thread kind (sampled from /proc every 50 ms,
// so the last few milliseconds are missing): the main thread, with more jobs the worker threads
// (the busiest threads after the main one: a worker runs chunks all the time, V8's helpers only
// now and then), and every other thread of the process, V8's helpers (concurrent TurboFan
// compilation and GC). With one job on an idle 2-core machine those helpers take the second core;
// what they use is what two jobs cannot gain (docs/speed.md, "Why two explore
// jobs were no faster than one").
// On 2 cores each pair also times the same runs as two one-job processes started at once, each with
// half of the chunks (--shard 0/2 and 1/2): the speed-up two independent copies of explore get
// from the machine, each warming up its own V8, against which the 2-job figure can be read.
// The exploration is 5,000 runs (about 25 s with one job on the 2-core VM): a second job cannot
// share the first one's start-up and V8 warm-up (compiling the simulator, about 1.3 s of a one-job
// process's first 500 runs, on the otherwise idle second core), so over a short exploration the
// ratio measures that warm-up more than explore's scheduling. Over 1,000 runs (one job: 5.8 s)
// even a job that had a free core for its own compiler would reach at most 1.64x, and two
// independent processes reach 1.0-1.2x (docs/speed.md, "What 1.6x with two jobs needs").
// `node bench/explore.mjs 1000` measures that shorter exploration.
// Run after `npm run build`: node bench/explore.mjs [runs, default 5000] [--pairs=3]
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { machineCpuSeconds, medianAndRange, reportTarget, TICKS_PER_S } from './targets.mjs';

const bin = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
// The binary runs explore in a child started with these V8 flags (src/cli/explore-tiering.ts);
// starting it with them here runs explore in the measured process itself, so the per-thread CPU
// below is explore's, with the same flags and the same results.
const { EXPLORE_V8_FLAGS } = await import('../dist/cli/explore-tiering.js');
const args = process.argv.slice(2);
const runs = Number(args.find((a) => !a.startsWith('--')) ?? 5000);
const pairs = Number(/^--pairs=(\d+)$/.exec(args.find((a) => a.startsWith('--pairs=')) ?? '')?.[1] ?? 3);
const property = 'one-primary-per-view'; // every fault kind, single-primary, full invariant check per run
const cores = availableParallelism();

/** CPU seconds used so far by each thread of `pid` (tid → seconds); empty where /proc is not readable. */
function threadCpu(pid) {
  const out = new Map();
  let tids;
  try { tids = readdirSync(`/proc/${pid}/task`); } catch { return out; }
  for (const tid of tids) {
    let stat;
    try { stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8'); } catch { continue; }
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields[11], [12]: utime, stime
    out.set(tid, (Number(fields[11]) + Number(fields[12])) / TICKS_PER_S);
  }
  return out;
}

function measure(jobs, shard = []) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const machine0 = machineCpuSeconds();
    const child = spawn(process.execPath, [...EXPLORE_V8_FLAGS, bin, 'explore', '--property', property, '--members', '5', '--duration', '10m',
      '--runs', String(runs), '--seed', '1', '--jobs', String(jobs), ...shard], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s) => { stdout += s; });
    child.stderr.setEncoding('utf8').on('data', (s) => { stderr += s; });
    const last = new Map(); // the latest sample of every thread seen, kept after the thread ends
    const sample = () => { for (const [tid, s] of threadCpu(child.pid)) last.set(tid, s); };
    const timer = setInterval(sample, 50);
    child.on('error', reject);
    child.on('close', (status) => {
      clearInterval(timer);
      const wallS = (performance.now() - t0) / 1000;
      const machineS = machineCpuSeconds() - machine0;
      // stdout ends with the counted runs (the same for any --jobs); stderr with the throughput of every run executed.
      const m = /^(\d+) runs, (\d+) failed$/.exec(stdout.trimEnd().split('\n').pop() ?? '');
      const t = /^grsim explore: (\d+) runs in [\d.]+ s, (\d+) runs\/min/m.exec(stderr);
      if (m === null || t === null) return reject(new Error(`unexpected output (exit ${status}): ${stdout.slice(-500)}\n${stderr.slice(-500)}`));
      const mainS = last.get(String(child.pid)) ?? NaN;
      const allS = [...last.values()].reduce((a, b) => a + b, 0);
      const workerS = [...last].filter(([tid]) => tid !== String(child.pid)).map(([, s]) => s).sort((a, b) => b - a).slice(0, jobs - 1).reduce((a, b) => a + b, 0);
      resolve({
        jobs, runs: Number(m[1]), failed: Number(m[2]), perMin: Number(t[2]), wallPerMin: Math.round(Number(t[1]) / (wallS / 60)),
        ran: Number(t[1]), mainS, workerS, helperS: allS - mainS - workerS, othersCores: (machineS - allS) / wallS,
      });
    });
  });
}

/**
 * The same runs as two one-job processes started at once, each with half of the chunks
 * (`--shard 0/2` and `--shard 1/2`): what the machine gives two independent copies of explore,
 * each with its own V8 compiling its own code, and so the most two jobs in one process can be
 * expected to reach over one job (their threads are two V8 isolates, which compile and warm up
 * on their own just the same). Runs per minute: all runs over the slower shard's time.
 */
async function measureShardPair() {
  const halves = await Promise.all([0, 1].map((i) => measure(1, ['--shard', `${i}/2`])));
  const slowest = Math.max(...halves.map((h) => h.ran / h.perMin));
  return halves.reduce((a, h) => a + h.ran, 0) / slowest;
}

/** The probe's work: a short single-threaded exploration (its V8 compiles on its own thread). */
const PROBE_ARGS = [...EXPLORE_V8_FLAGS, '--single-threaded', bin, 'explore', '--property', property, '--members', '5', '--duration', '10m',
  '--runs', '250', '--seed', '1', '--jobs', '1'];
/** Wall seconds until `copies` probe processes started at once have all ended. */
function probeWall(copies) {
  const t0 = performance.now();
  return Promise.all(Array.from({ length: copies }, () => new Promise((resolve, reject) => {
    const child = spawn(process.execPath, PROBE_ARGS, { stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', (status) => (status === 0 ? resolve() : reject(new Error(`the probe exploration exited with ${status}`))));
  }))).then(() => (performance.now() - t0) / 1000);
}
/**
 * How many cores the machine gives two explorations right now: 2 × (one single-threaded
 * 250-run exploration alone) / (two identical ones at once), 2.0 on two free cores. On the
 * project's 2-core VM two processes at once ran at 1.1–1.5× one process for minutes at a time with
 * nothing else of ours running, then at 1.8–1.9× again (docs/speed.md, "What 1.6× with two jobs
 * needs"); a tight arithmetic loop (the yardstick) did not show it, an exploration does. So the
 * bench probes right before and after each 2-job run and counts a pair toward the target only
 * where both probes found two cores: the target is defined for an idle 2-core machine.
 */
async function twoCoreCapacity() {
  const alone = await probeWall(1);
  return 2 * alone / await probeWall(2);
}
/** A probe at or above this counts as two free cores: 1.80–1.88 on the quiet VM, 1.46 and lower in its slow phases. */
const TWO_CORES = 1.7;

const speedUps = [];
const qualified = [];
for (let p = 0; p < pairs; p++) {
  const one = await measure(1);
  const before = cores === 2 ? await twoCoreCapacity() : NaN;
  const all = await measure(cores);
  const after = cores === 2 ? await twoCoreCapacity() : NaN;
  const shardPair = cores === 2 ? await measureShardPair() : undefined;
  for (const x of [one, all]) {
    const per1000 = (s) => (s * 1000 / x.ran).toFixed(2);
    const workers = x.jobs === 1 ? '' : `, worker thread${x.jobs === 2 ? '' : 's'} ${per1000(x.workerS)} s`;
    const cpu = Number.isNaN(x.mainS) ? '' : `; CPU per 1,000 runs: main thread ${per1000(x.mainS)} s${workers}, V8 compilation and GC threads ${per1000(x.helperS)} s`;
    const others = Number.isNaN(x.othersCores) ? '' : `; other processes used ${Math.max(0, x.othersCores).toFixed(2)} of ${cores} cores meanwhile`;
    console.log(`explore ${property}, 5 members, 10 min schedules, ${x.jobs} job(s): ${x.runs} runs, ${x.failed} failed, ` +
      `${x.perMin} runs/min (${x.wallPerMin} runs/min including process start-up)${cpu}${others}`);
  }
  speedUps.push(all.perMin / one.perMin);
  const twoCores = before >= TWO_CORES && after >= TWO_CORES;
  if (twoCores) qualified.push(speedUps[p]);
  const ceiling = shardPair === undefined ? '' : `; two one-job processes at once, half of the runs each (--shard 0/2, 1/2): ${Math.round(shardPair)} runs/min, ${(shardPair / one.perMin).toFixed(2)}x`;
  const probe = cores === 2 ? `; the machine gave two processes ${before.toFixed(2)} cores before the ${cores}-job run and ${after.toFixed(2)} after${twoCores ? '' : ' (not two free cores: not counted toward the target)'}` : '';
  console.log(`pair ${p + 1} of ${pairs}: speed-up with ${cores} jobs ${speedUps[p].toFixed(2)}x${ceiling}${probe}`);
  if (p === pairs - 1) {
    const { median, min, max } = medianAndRange(speedUps);
    const range = pairs === 1 ? `${median.toFixed(2)}x` : `${median.toFixed(2)}x (median of ${pairs} pairs, range ${min.toFixed(2)}x-${max.toFixed(2)}x)`;
    console.log(`speed-up with ${cores} jobs: ${range}; target >= 2000 runs/min with all jobs: ${all.perMin >= 2000 ? 'met' : 'NOT met'}`);
    if (cores === 2) {
      // The target is for an idle 2-core machine: the pairs that had two free cores decide it; with
      // none, every pair's median is reported, and it fails.
      const counted = qualified.length > 0 ? medianAndRange(qualified) : null;
      const figure = counted?.median ?? median;
      const which = counted === null
        ? `no pair had two free cores (the probes: see each pair); median of all ${pairs} pairs, range ${min.toFixed(2)}–${max.toFixed(2)}`
        : `median of the ${qualified.length} of ${pairs} pairs with two free cores${qualified.length > 1 ? `, range ${counted.min.toFixed(2)}–${counted.max.toFixed(2)}` : ''}; all pairs ${median.toFixed(2)} [${min.toFixed(2)}–${max.toFixed(2)}]`;
      console.log(`speed-up with 2 jobs on two free cores: ${counted === null ? 'no such pair' : `${figure.toFixed(2)}x`} (target >= 1.6x: ${counted !== null && figure >= 1.6 ? 'met' : 'NOT met'})`);
      reportTarget('explore2', figure, `${runs} runs; ${which}`, counted !== null);
    }
  }
}
