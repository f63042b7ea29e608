// Prints, as a markdown table, the reference case's real error-log lines beside the lines grsim
// logs for scenarios/seed-case.yaml (its own seed): member, code, real time, grsim time, and the
// difference of their delays after the cut (lines before the heal) or the heal (the others), in
// the order of the real times.
// docs/model.md "The reference case, line by line" is this script's output; the rules and
// tolerances are in docs/seed-case.md.
//
// usage: npm run build && node scripts/seed-case-table.mjs

import { readFileSync } from 'node:fs';
import { formatLogLine, parseScenario, simulationOf } from '../dist/index.js';
import { PHASE_TOLERANCE_US, pairLines, readRealErrorLog } from './seed-case-lines.mjs';

const file = new URL('../scenarios/seed-case.yaml', import.meta.url);
const scenario = parseScenario(readFileSync(file, 'utf8'), 'scenarios/seed-case.yaml');
const startEpochUs = Date.parse(scenario.start) * 1000;
const sim = simulationOf(scenario);
sim.runUntil(scenario.untilUs);
const simulated = scenario.members.flatMap((m) => sim.member(m.name).logEvents().map((e) => ({
  member: m.name, timeEpochUs: startEpochUs + e.t, code: e.code, text: formatLogLine(startEpochUs, e),
})));

/** HH:MM:SS.mmm of an epoch time in µs (UTC). */
const clock = (us) => new Date(Math.floor(us / 1000)).toISOString().slice(11, 23);
const seconds = (us) => `${us >= 0 ? '+' : '−'}${(Math.abs(us) / 1e6).toFixed(2)} s`;

const pairs = pairLines(readRealErrorLog(), simulated).sort((a, b) => a.real.timeEpochUs - b.real.timeEpochUs);
const rows = pairs.map((p) => {
  const tolerance = `${p.real.phase}, ±${PHASE_TOLERANCE_US[p.real.phase] / 1e6} s`;
  const sim = p.sim === null ? 'not logged' : clock(p.sim.timeEpochUs);
  const delta = p.deltaUs === null ? '' : seconds(p.deltaUs);
  return `| ${p.real.member} | ${p.real.code} | ${clock(p.real.timeEpochUs)} (${seconds(p.realDelayUs)}) | ${sim}${p.simDelayUs === null ? '' : ` (${seconds(p.simDelayUs)})`} | ${delta} | ${p.real.anchor} | ${tolerance} |`;
});
console.log('| member | code | real (after anchor) | grsim (after anchor) | grsim − real | anchor | phase, tolerance |');
console.log('|---|---|---|---|---|---|---|');
for (const r of rows) console.log(r);
