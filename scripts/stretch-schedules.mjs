// Differential campaign for SimulationOptions.stretch on explore's own fault schedules: for each
// run of an exploration (the property's schedules, as `grsim explore` generates them chunk by
// chunk), the scenario is run with the stretch off and on, and what each leaves
// (src/sim/stretch-outcome.ts: trace, tables, counters, event count) must be the same. Prints the
// mismatches (with the scenario written to a file) and the share of the simulated time
// replayed and jumped over. The schedules are richer than scripts/stretch-campaign.mjs's one
// fault on an idle group: several faults, loss, option changes, versions, single-primary groups.
//
// usage: npm run build && node scripts/stretch-schedules.mjs [--runs=1000] [--seed=1] [--property=one-primary-per-view] [--members=5] [--minutes=10] [--out=DIR]
import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { propertyByName } from '../dist/arbitraries/experiments.js';
import { scheduleToScenario } from '../dist/arbitraries/index.js';
import { scheduleToYaml } from '../dist/arbitraries/schedule-to-yaml.js';
import { exploreChunkAt, chunkCount } from '../dist/cli/explore-chunks.js';
import { runScenario } from '../dist/index.js';
import { stretchOutcome } from '../dist/sim/stretch-outcome.js';

const args = Object.fromEntries(process.argv.slice(2).map((a) => { const [k, v] = a.replace(/^--/, '').split('='); return [k, v ?? '1']; }));
const runs = Number(args.runs ?? 1000), seed = Number(args.seed ?? 1), members = Number(args.members ?? 5);
const durationUs = Number(args.minutes ?? 10) * 60_000_000, name = args.property ?? 'one-primary-per-view', out = args.out ?? '.';
const property = propertyByName(name);
if (property === undefined) throw new Error(`unknown property ${name}`);
const plan = { property: name, members, durationUs, runs, seed };
let done = 0, mismatches = 0, errors = 0, replayedUs = 0, jumpedUs = 0, simulatedUs = 0;
const t0 = process.cpuUsage();
for (let k = 0; k < chunkCount(plan); k++) {
  const chunk = exploreChunkAt(plan, k);
  const arb = fc.tuple(property.schedules({ members, durationUs }), fc.integer({ min: 0, max: 0x7fffffff }));
  for (const [schedule, simSeed] of fc.sample(arb, { seed: chunk.seed, numRuns: chunk.runs })) {
    const scenario = scheduleToScenario(schedule, simSeed);
    const file = () => { const f = join(out, `stretch-schedule-${k}-${done}.yaml`); writeFileSync(f, scheduleToYaml(schedule, simSeed, `stretch-${k}-${done}`)); return f; };
    let on, off;
    try {
      off = runScenario(scenario, { stretch: false }).sim;
      on = runScenario(scenario, { stretch: true }).sim;
    } catch (err) {
      errors++;
      console.log(`chunk ${k} run ${done}: ${err.message} (${file()})`);
      done++;
      continue;
    }
    if (stretchOutcome(on) !== stretchOutcome(off)) {
      mismatches++;
      console.log(`chunk ${k} run ${done}: stretch on and off differ (${file()})`);
    }
    replayedUs += on.stretchStats.replayedUs;
    simulatedUs += on.nowUs;
    jumpedUs += on.stretchStats.jumpedUs;
    done++;
  }
}
const cpu = process.cpuUsage(t0);
console.log(`${done} runs of ${name} (${members} members, ${durationUs / 60e6} min, seed ${seed}): ${mismatches} mismatches, ${errors} errors; ` +
  `${(100 * replayedUs / simulatedUs).toFixed(1)} % of the simulated time replayed, ${(100 * jumpedUs / simulatedUs).toFixed(1)} % jumped over; ${((cpu.user + cpu.system) / 1e6).toFixed(1)} CPU-s`);
if (mismatches + errors > 0) process.exitCode = 1;
