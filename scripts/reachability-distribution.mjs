#!/usr/bin/env node
/**
 * How a cut-off member hears the group again and learns of its expel, over many seeds (not a CI
 * test; run after `npm run build`): `node scripts/reachability-distribution.mjs [--seeds 50]`.
 *
 * Two cases, three members, node3 isolated, a hung write on node3 during the cut:
 * - the reference case (scenarios/seed-case.yaml, heal 269 s after the cut), printed beside the
 *   real run's heal → MY-011494 of 0.46 s and MY-011494 → MY-011505 of 7.0 s;
 * - the same group isolated for 60 s (the removal is decided ~21 s after the cut, well inside).
 * For each: heal → node3's first MY-011494 ("reachable again"), MY-011494 → MY-011505 ("expelled"),
 * heal → MY-011505, as min / p10 / median / p90 / max over the seeds.
 */
import { readFileSync } from 'node:fs';
import { parseScenario, simulationOf } from '../dist/index.js';

const args = process.argv.slice(2);
const seedsAt = args.indexOf('--seeds');
const SEEDS = seedsAt >= 0 ? Number(args[seedsAt + 1]) : 50;
if (!Number.isInteger(SEEDS) || SEEDS < 1) {
  process.stderr.write('--seeds must be a positive integer\n');
  process.exit(2);
}

const SEED_CASE = readFileSync(new URL('../scenarios/seed-case.yaml', import.meta.url), 'utf8');
const SEC = 1_000_000;
const CUT_US = 11 * SEC; // 13:03:01 from the 13:02:50 start

const CASES = [
  { name: 'reference case (isolated 269 s)', text: SEED_CASE, healUs: 280 * SEC },
  {
    name: 'isolated 60 s',
    text: SEED_CASE.replace('{ at: "13:07:30", heal: node3 }', '{ at: "13:04:01", heal: node3 }').replace('until: "13:08:10"', 'until: "13:05:30"'),
    healUs: 71 * SEC,
  },
];

function quantiles(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * (s.length - 1) + 0.5))];
  return { n: s.length, min: s[0], p10: q(0.1), median: q(0.5), p90: q(0.9), max: s[s.length - 1] };
}

function fmt(stats) {
  if (stats.n === 0) return 'no sample';
  const f = (us) => (us / SEC).toFixed(2).padStart(6);
  return `n=${String(stats.n).padStart(2)}  min ${f(stats.min)}  p10 ${f(stats.p10)}  median ${f(stats.median)}  p90 ${f(stats.p90)}  max ${f(stats.max)} s`;
}

// The model flags compared: grsim's earlier approximation, xcom_base.cc's back-off, and that plus GR's
// flow-control statistics traffic, the default (see ModelParameters.xcomRetryBackoff, flowControlStatsTraffic).
const MODELS = [
  { name: 'earlier approximation', model: 'model: { xcomRetryBackoff: 0, flowControlStatsTraffic: 0 }\n' },
  { name: 'source back-off', model: 'model: { xcomRetryBackoff: 1, flowControlStatsTraffic: 0 }\n' },
  { name: 'source back-off + GR flow-control traffic (default)', model: 'model: { xcomRetryBackoff: 1, flowControlStatsTraffic: 1 }\n' },
];

for (const m of MODELS) for (const c of CASES) {
  const reach = [], expel = [], healToExpel = [];
  for (let seed = 1; seed <= SEEDS; seed++) {
    const sim = simulationOf(parseScenario(c.text.replace('events:', `${m.model}events:`), 'seed-case.yaml', { seed }));
    sim.runUntil(c.healUs + 40 * SEC);
    const logs = sim.member('node3').logEvents();
    const back = logs.find((e) => e.code === 'MY-011494' && e.t >= c.healUs);
    const out = logs.find((e) => e.code === 'MY-011505' && e.t >= c.healUs);
    if (back !== undefined) reach.push(back.t - c.healUs);
    if (back !== undefined && out !== undefined) expel.push(out.t - back.t);
    if (out !== undefined) healToExpel.push(out.t - c.healUs);
  }
  process.stdout.write(`${m.name}: ${c.name}, seeds 1..${SEEDS}\n`);
  process.stdout.write(`  heal -> MY-011494 (reachable again)  ${fmt(quantiles(reach))}\n`);
  process.stdout.write(`  MY-011494 -> MY-011505 (expelled)     ${fmt(quantiles(expel))}\n`);
  process.stdout.write(`  heal -> MY-011505                     ${fmt(quantiles(healToExpel))}\n`);
}
process.stdout.write('real case (reference run): heal -> MY-011494 0.46 s, MY-011494 -> MY-011505 7.0 s\n');
