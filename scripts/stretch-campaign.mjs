// Differential campaign for SimulationOptions.stretch (docs/speed.md, "Design: advancing a steady
// group a stretch at a time"): for each seed, an idle group with one fault at a random microsecond
// is run twice, with the stretch switch off and on (the second run split by runFor at random
// instants), and what each leaves (src/sim/stretch-outcome.ts: trace, tables, counters, event count)
// must be the same. Prints the mismatches and what the steady check found (the share of its checks
// that found the group steady, the share of the simulated time the stretches took, its refusals by
// reason, the seeds whose phases collide, the share of the time replayed a whole second at a time).
//
// --cacheCells=N: every member's message cache limit set at time 0 to N statistics cells
// (statsBytesPerSecond / members bytes each), through XCom, below the option's 128 MiB minimum, so that the caches evict
// within seconds (the replay of evicting seconds; docs/speed.md, "Eviction in the steady replay").
//
// usage: npm run build && node scripts/stretch-campaign.mjs [--seeds=300] [--first=1] [--members=9] [--minutes=60] [--cacheCells=N]
import { createSimulation } from '../dist/index.js';
import { stretchOutcome } from '../dist/sim/stretch-outcome.js';
import { statsBytesPerSecond } from '../dist/sim/stretch.js';

const args = Object.fromEntries(process.argv.slice(2).map((a) => { const [k, v] = a.replace(/^--/, '').split('='); return [k, v ?? '1']; }));
const seeds = Number(args.seeds ?? 300), first = Number(args.first ?? 1), members = Number(args.members ?? 9), minutes = Number(args.minutes ?? 60);
const durationUs = minutes * 60_000_000;
const cacheCells = args.cacheCells === undefined ? 0 : Number(args.cacheCells);

/** A small deterministic generator (mulberry32) for the campaign's own choices, one per seed. */
function chooser(seed) {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

const FAULTS = ['freeze', 'isolate', 'crash', 'partition', 'none'];
let mismatches = 0;
const totals = { checks: 0, steady: 0, orderFixed: 0, stretchedUs: 0, replayedUs: 0, jumpedUs: 0, refusals: {}, orderRefusals: {} };
const collide = [];
const t0 = process.cpuUsage();
for (let seed = first; seed < first + seeds; seed++) {
  const pick = chooser(seed);
  const kind = FAULTS[pick(FAULTS.length)];
  const atUs = 1 + pick(durationUs - 120_000_000);
  const victim = `node${1 + pick(members)}`;
  const build = (stretch) => {
    const sim = createSimulation({ seed, members: Array.from({ length: members }, (_, i) => `node${i + 1}`), mode: 'multi-primary', stretch });
    if (cacheCells > 0) for (let i = 0; i < members; i++) sim.xcom.setCacheLimit(i, cacheCells * (statsBytesPerSecond(members) / members));
    if (kind === 'freeze') { sim.at(atUs, (s) => s.network.freeze(victim)); sim.at(atUs + 3_000_000, (s) => s.network.thaw(victim)); }
    if (kind === 'isolate') { sim.at(atUs, (s) => s.network.isolate(victim)); sim.at(atUs + 10_000_000, (s) => s.network.heal(victim)); }
    if (kind === 'crash') { sim.at(atUs, (s) => s.network.crash(victim)); sim.at(atUs + 30_000_000, (s) => s.network.restart(victim)); }
    if (kind === 'partition') { sim.at(atUs, (s) => s.network.partition([victim])); sim.at(atUs + 20_000_000, (s) => s.network.repair()); }
    return sim;
  };
  const off = build(false);
  off.runFor(durationUs);
  const on = build(true);
  let left = durationUs;
  while (left > 0) {
    const d = Math.min(left, 1 + pick(durationUs / 4));
    on.runFor(d);
    left -= d;
  }
  if (stretchOutcome(on) !== stretchOutcome(off)) {
    mismatches++;
    console.log(`seed ${seed} (${kind} ${victim} at ${atUs} µs): stretch on and off differ`);
  }
  const s = on.stretchStats;
  totals.checks += s.checks;
  totals.steady += s.steady;
  totals.orderFixed += s.orderFixed;
  totals.stretchedUs += s.stretchedUs;
  totals.replayedUs += s.replayedUs;
  totals.jumpedUs += s.jumpedUs;
  for (const [k, v] of Object.entries(s.refusals)) totals.refusals[k] = (totals.refusals[k] ?? 0) + v;
  for (const [k, v] of Object.entries(s.orderRefusals)) totals.orderRefusals[k] = (totals.orderRefusals[k] ?? 0) + v;
  if ((s.refusals.phases ?? 0) > s.checks / 2) collide.push(seed);
}
const cpu = process.cpuUsage(t0);
console.log(`${seeds} seeds from ${first}, ${members} members, ${minutes} min each${cacheCells > 0 ? `, caches of ${cacheCells} cells` : ''}: ${mismatches} mismatches; ` +
  `checks ${totals.checks}, steady ${totals.steady} (${(100 * totals.steady / totals.checks).toFixed(1)} %), of which the second's order fixed ${totals.orderFixed} (not fixed: ${JSON.stringify(totals.orderRefusals)}); ` +
  `${(100 * totals.stretchedUs / (seeds * durationUs)).toFixed(1)} % of the simulated time in stretches, ${(100 * totals.replayedUs / (seeds * durationUs)).toFixed(1)} % replayed a whole second at a time (${(100 * totals.jumpedUs / (seeds * durationUs)).toFixed(1)} % jumped over: SteadyJump); refusals ${JSON.stringify(totals.refusals)}; ` +
  `seeds refused mostly for colliding phases: ${collide.length} (${collide.join(' ')}); ${((cpu.user + cpu.system) / 1e6).toFixed(1)} CPU-s`);
if (mismatches > 0) process.exitCode = 1;
