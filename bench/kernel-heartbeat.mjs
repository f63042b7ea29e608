// grsim's kernel against the speed yardstick (bench/heartbeat-yardstick.mjs).
//
// The same model as the yardstick, written on grsim's public kernel API: K nodes (default 9), each
// broadcasts a heartbeat every 1 s of virtual time (first at a random phase), each broadcast
// schedules K-1 deliveries with 0.1–0.3 ms latency (LAT * (0.5 + rng), rounded to whole
// microseconds), a delivery records lastHeard[dst][src], and every node runs a 1 s detector tick
// (own phase) that counts peers silent for more than 5 s. K * (K + 1) events per simulated second:
// 90 for K = 9. Randomness comes from grsim's RandomStream (seedrandom Alea), not xorshift.
//
// One run measures both: the yardstick is spawned as a child process first, then grsim's model runs
// in this process. Needs `npm run build` first (imports ../dist).
//
// usage: node bench/kernel-heartbeat.mjs [--hours=24] [--nodes=9] [--seed=12345]
// prints a readable line, then one JSON line:
// {"bench":"kernel-heartbeat","grsim":{…},"yardstick":{…},"ratioEventsPerSec":…,"ratioSimSecPerWallSec":…,"check":{…}}

import { execFileSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kernel, PRIORITY } from '../dist/kernel/kernel.js';
import { RandomStream } from '../dist/rng/random-stream.js';
import { cpuSecondsSince, reportTarget } from './targets.mjs';

const args = Object.fromEntries(process.argv.slice(2).map((a) => {
  const [k, v] = a.replace(/^--/, '').split('=');
  return [k, v ?? '1'];
}));
const HOURS = Number(args.hours ?? 24);
const K = Number(args.nodes ?? 9);
const SEED = Number(args.seed ?? 12345);
if (!(K >= 2 && K <= 16 && Number.isInteger(K))) throw new Error(`--nodes must be an integer in 2..16, got ${args.nodes}`);
if (!(HOURS > 0)) throw new Error(`--hours must be > 0, got ${args.hours}`);

/** Heartbeat period, detector period, base latency and suspicion threshold, in microseconds. */
const HB_US = 1_000_000, DET_US = 1_000_000, LAT_US = 200, SUSPECT_US = 5_000_000;
const END_S = HOURS * 3600;
const END_US = Math.round(END_S * 1e6);

// ---- the yardstick, in its own process -------------------------------------------------------
const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..');
const yardstickPath = resolve(here, 'heartbeat-yardstick.mjs');
const yardOut = execFileSync(process.execPath, [yardstickPath, `--hours=${HOURS}`, `--nodes=${K}`, `--seed=${SEED}`], {
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'inherit'],
});
const yardLine = yardOut.trim().split('\n').filter((l) => l.startsWith('{')).pop();
if (yardLine === undefined) throw new Error(`yardstick printed no JSON line: ${yardOut}`);
const yard = JSON.parse(yardLine);

// ---- grsim's kernel ---------------------------------------------------------------------------
function runGrsim() {
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
  return { events, suspects, secs, cpuSecs, eventsPerSec: events / secs, simSecPerWallSec: END_S / secs, simSecPerCpuSec: END_S / cpuSecs };
}

const grsim = runGrsim();

// ---- checks: the model predicts K*(K+1) events per simulated second ---------------------------
// Each node's heartbeats fall at phase + n s (phase in [0, 1 s)), so END_S of them fit (one more
// if the phase is 0), and the last broadcast's K-1 deliveries may land after the end.
const perSec = K * (K + 1);
const predicted = perSec * END_S;
const lo = predicted - K * (K - 1), hi = predicted + K * (K + 1);
const check = {
  predictedEvents: predicted,
  eventsInRange: grsim.events >= lo && grsim.events <= hi,
  eventsMatchYardstick: grsim.events === yard.events,
  suspectsZero: grsim.suspects === 0 && yard.suspects === 0,
};
const ok = check.eventsInRange && check.suspectsZero;
const ratio = grsim.eventsPerSec / yard.eventsPerSec;
// The target compares CPU time (steady on a shared machine); the same events are run by both.
const cpuRatio = grsim.simSecPerCpuSec / yard.simSecPerCpuSec;

const fmt = (x) => (x / 1e6).toFixed(2) + 'M';
console.log(
  `kernel-heartbeat K=${K} ${HOURS}h: grsim ${fmt(grsim.eventsPerSec)} ev/s (${Math.round(grsim.simSecPerWallSec)} sim-s/s, ` +
  `${grsim.events} events, ${grsim.suspects} suspects) | yardstick ${fmt(yard.eventsPerSec)} ev/s ` +
  `(${Math.round(yard.simSecPerWallSec)} sim-s/s, ${yard.events} events) | ratio ${ratio.toFixed(3)} wall, ${cpuRatio.toFixed(3)} CPU` +
  ` | checks ${ok ? 'ok' : 'FAILED'}`,
);
console.log(JSON.stringify({
  bench: 'kernel-heartbeat',
  nodes: K,
  hours: HOURS,
  seed: SEED,
  grsim: { events: grsim.events, suspects: grsim.suspects, secs: grsim.secs, cpuSecs: grsim.cpuSecs, eventsPerSec: grsim.eventsPerSec, simSecPerWallSec: grsim.simSecPerWallSec },
  yardstick: { events: yard.events, suspects: yard.suspects, secs: yard.secs, cpuSecs: yard.cpuSecs, eventsPerSec: yard.eventsPerSec, simSecPerWallSec: yard.simSecPerWallSec },
  ratioEventsPerSec: ratio,
  ratioSimSecPerWallSec: grsim.simSecPerWallSec / yard.simSecPerWallSec,
  ratioSimSecPerCpuSec: cpuRatio,
  check,
}));
reportTarget('kernel', cpuRatio, `wall-time ratio ${ratio.toFixed(3)}`);
if (!ok) process.exitCode = 1;
