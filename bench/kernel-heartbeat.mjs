// grsim's kernel against the speed yardstick (bench/heartbeat-yardstick.mjs).
//
// The same model as the yardstick, written on grsim's public kernel API: K nodes (default 9), each
// broadcasts a heartbeat every 1 s of virtual time (first at a random phase), each broadcast
// schedules K-1 deliveries with 0.1–0.3 ms latency (LAT * (0.5 + rng), rounded to whole
// microseconds), a delivery records lastHeard[dst][src], and every node runs a 1 s detector tick
// (own phase) that counts peers silent for more than 5 s. K * (K + 1) events per simulated second:
// 90 for K = 9. Randomness comes from grsim's RandomStream (seedrandom Alea), not xorshift.
//
// How the ratio is measured: on a shared machine the CPU time of one run moves by ±20 % from one
// run to the next, so one run of each side cannot place a 0.9× target. The bench runs `--pairs`
// pairs (default 7), each pair one yardstick run and one grsim run, every run in a fresh process
// of its own (so each pays its own start-up and JIT compiles, as the yardstick does), the two
// sides of a pair back to back and their order alternated from one pair to the next (yardstick
// first in pairs 1, 3, 5 …, grsim first in pairs 2, 4 …), so that a slow phase of the machine falls on both
// sides of a pair. Each pair gives one ratio, the yardstick's CPU seconds over grsim's (equal to
// the ratio of simulated seconds per CPU second, since both simulate the same span); the target
// figure is the median of the pairs' ratios, printed with their range. CPU seconds are user +
// system of the child process over the timed span (process.cpuUsage).
// Needs `npm run build` first (imports ../dist).
//
// usage: node bench/kernel-heartbeat.mjs [--hours=24] [--nodes=9] [--seed=12345] [--pairs=7]
//        node bench/kernel-heartbeat.mjs --only=grsim [--hours=…] [--nodes=…] [--seed=…]  (one grsim run, JSON only)
// prints a line per pair, a summary line, then one JSON line:
// {"bench":"kernel-heartbeat","pairs":[…],"ratioSimSecPerCpuSec":median,"ratioRange":[min,max],"ratioSimSecPerWallSec":median,"check":{…}}

import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { cpuSecondsSince, medianAndRange, reportTarget } from './targets.mjs';

const args = Object.fromEntries(process.argv.slice(2).map((a) => {
  const [k, v] = a.replace(/^--/, '').split('=');
  return [k, v ?? '1'];
}));
const HOURS = Number(args.hours ?? 24);
const K = Number(args.nodes ?? 9);
const SEED = Number(args.seed ?? 12345);
const PAIRS = Number(args.pairs ?? 7);
if (!(K >= 2 && K <= 16 && Number.isInteger(K))) throw new Error(`--nodes must be an integer in 2..16, got ${args.nodes}`);
if (!(HOURS > 0)) throw new Error(`--hours must be > 0, got ${args.hours}`);
if (!(PAIRS >= 1 && PAIRS <= 50 && Number.isInteger(PAIRS))) throw new Error(`--pairs must be an integer in 1..50, got ${args.pairs}`);

/** Heartbeat period, detector period, base latency and suspicion threshold, in microseconds. */
const HB_US = 1_000_000, DET_US = 1_000_000, LAT_US = 200, SUSPECT_US = 5_000_000;
const END_S = HOURS * 3600;
const END_US = Math.round(END_S * 1e6);

// ---- grsim's kernel (run in a child: --only=grsim) ------------------------------------------
async function runGrsim() {
  const { Kernel, PRIORITY } = await import('../dist/kernel/kernel.js');
  const { RandomStream } = await import('../dist/rng/random-stream.js');
  const kernel = new Kernel();
  const rng = new RandomStream(String(SEED)).fork('heartbeat');
  const lastHeard = new Float64Array(K * K);
  let suspects = 0;

  // The closures read the handler ids when they run, after all three are registered.
  let HEARTBEAT = -1, DELIVER = -1;
  HEARTBEAT = kernel.register('heartbeat', (i) => {
    for (let j = 0; j < K; j++) {
      // Math.floor(x + 0.5) rounds exactly as Math.round does for x > 0, but V8 runs Math.round
      // about 3x slower (an ~15% slower bench), so hot paths round this way.
      if (j !== i) kernel.schedule(Math.floor(LAT_US * (0.5 + rng.next()) + 0.5), DELIVER, j | (i << 4), PRIORITY.delivery);
    }
    kernel.schedule(HB_US, HEARTBEAT, i, PRIORITY.timer);
  });
  DELIVER = kernel.register('deliver', (a) => {
    lastHeard[(a & 15) * K + (a >> 4)] = kernel.nowUs;
  });
  const DETECT = kernel.register('detect', (i) => {
    const now = kernel.nowUs, row = i * K;
    for (let j = 0; j < K; j++) if (j !== i && now - lastHeard[row + j] > SUSPECT_US) suspects++;
    kernel.schedule(DET_US, DETECT, i, PRIORITY.timer);
  });

  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < K; i++) {
    kernel.scheduleAt(Math.floor(rng.next() * 1e6), HEARTBEAT, i, PRIORITY.timer);
    kernel.scheduleAt(Math.floor(rng.next() * 1e6), DETECT, i, PRIORITY.timer);
  }
  const events = kernel.runUntil(END_US);
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpuSecs = cpuSecondsSince(cpu0);
  if (kernel.nowUs !== END_US) throw new Error(`clock ended at ${kernel.nowUs}, expected ${END_US}`);
  return { bench: 'kernel-heartbeat-grsim', events, suspects, secs, cpuSecs, eventsPerSec: events / secs, simSecPerWallSec: END_S / secs, simSecPerCpuSec: END_S / cpuSecs };
}

if (args.only !== undefined) {
  if (args.only !== 'grsim') throw new Error(`--only must be grsim, got ${args.only}`);
  console.log(JSON.stringify(await runGrsim()));
} else {
  const common = [`--hours=${HOURS}`, `--nodes=${K}`, `--seed=${SEED}`];
  /** Runs `script` in a fresh node process and returns the last JSON line it printed. */
  const runChild = (script, ...extra) => {
    const out = execFileSync(process.execPath, [script, ...extra, ...common], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    const line = out.trim().split('\n').filter((l) => l.startsWith('{')).pop();
    if (line === undefined) throw new Error(`${script} printed no JSON line: ${out}`);
    return JSON.parse(line);
  };
  const yardstickPath = fileURLToPath(new URL('./heartbeat-yardstick.mjs', import.meta.url));
  const selfPath = fileURLToPath(import.meta.url);
  const runYardstick = () => runChild(yardstickPath);
  const runOwn = () => runChild(selfPath, '--only=grsim');

  // Each pair: both sides back to back, the order alternating between pairs.
  const pairs = [];
  for (let p = 0; p < PAIRS; p++) {
    let yard, grsim;
    if (p % 2 === 0) { yard = runYardstick(); grsim = runOwn(); } else { grsim = runOwn(); yard = runYardstick(); }
    const pair = {
      first: p % 2 === 0 ? 'yardstick' : 'grsim',
      grsimCpuSecs: grsim.cpuSecs, yardstickCpuSecs: yard.cpuSecs, grsimSecs: grsim.secs, yardstickSecs: yard.secs,
      ratioCpu: yard.cpuSecs / grsim.cpuSecs, ratioWall: yard.secs / grsim.secs,
      grsimEvents: grsim.events, yardstickEvents: yard.events, grsimSuspects: grsim.suspects, yardstickSuspects: yard.suspects,
    };
    pairs.push(pair);
    console.log(`  pair ${p + 1}/${PAIRS} (${pair.first} first): grsim ${grsim.cpuSecs.toFixed(3)} CPU-s, yardstick ${yard.cpuSecs.toFixed(3)} CPU-s, ratio ${pair.ratioCpu.toFixed(3)} CPU, ${pair.ratioWall.toFixed(3)} wall`);
  }

  // ---- checks: the model predicts K*(K+1) events per simulated second -------------------------
  // Each node's heartbeats fall at phase + n s (phase in [0, 1 s)), so END_S of them fit (one more
  // if the phase is 0), and the last broadcast's K-1 deliveries may land after the end. Every run
  // of a side is the same simulation, so its event count must not vary between pairs.
  const perSec = K * (K + 1);
  const predicted = perSec * END_S;
  const lo = predicted - K * (K - 1), hi = predicted + K * (K + 1);
  const grsimEvents = pairs[0].grsimEvents;
  const check = {
    predictedEvents: predicted,
    eventsInRange: grsimEvents >= lo && grsimEvents <= hi,
    eventsSameEveryRun: pairs.every((p) => p.grsimEvents === grsimEvents && p.yardstickEvents === pairs[0].yardstickEvents),
    eventsMatchYardstick: grsimEvents === pairs[0].yardstickEvents,
    suspectsZero: pairs.every((p) => p.grsimSuspects === 0 && p.yardstickSuspects === 0),
  };
  const ok = check.eventsInRange && check.eventsSameEveryRun && check.suspectsZero;
  const cpu = medianAndRange(pairs.map((p) => p.ratioCpu));
  const wall = medianAndRange(pairs.map((p) => p.ratioWall));
  const grsimCpu = medianAndRange(pairs.map((p) => p.grsimCpuSecs));
  const yardCpu = medianAndRange(pairs.map((p) => p.yardstickCpuSecs));
  const span = (m) => `${m.median.toFixed(3)} [${m.min.toFixed(3)}–${m.max.toFixed(3)}]`;

  console.log(
    `kernel-heartbeat K=${K} ${HOURS}h, ${PAIRS} pairs: ratio (median [range] of the pairs) ${span(cpu)} CPU, ${span(wall)} wall | ` +
    `grsim ${span(grsimCpu)} CPU-s, yardstick ${span(yardCpu)} CPU-s, ${grsimEvents} events | checks ${ok ? 'ok' : 'FAILED'}`,
  );
  console.log(JSON.stringify({
    bench: 'kernel-heartbeat', nodes: K, hours: HOURS, seed: SEED, events: grsimEvents, pairs,
    ratioSimSecPerCpuSec: cpu.median, ratioRange: [cpu.min, cpu.max],
    ratioSimSecPerWallSec: wall.median, ratioWallRange: [wall.min, wall.max],
    grsimCpuSecs: grsimCpu, yardstickCpuSecs: yardCpu, check,
  }));
  reportTarget('kernel', cpu.median, `median of ${PAIRS} alternated pairs, range ${cpu.min.toFixed(2)}–${cpu.max.toFixed(2)}; wall-time ratio ${wall.median.toFixed(3)}`);
  if (!ok) process.exitCode = 1;
}
