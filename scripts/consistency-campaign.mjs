#!/usr/bin/env node
/**
 * A campaign of random consistency-and-faults cases (scripts/consistency-cases.mjs) on the built
 * package: `npm run build && node scripts/consistency-campaign.mjs [firstSeed] [runs]`. Prints each
 * case that breaks convergenceProblems' rules with its seed; replay one with the same first seed
 * and 1 run. Exits 1 when any case does.
 */
import { createSimulation } from '../dist/index.js';
import { convergenceProblems, runConsistencyCase } from './consistency-cases.mjs';

const [first = '1', runs = '200'] = process.argv.slice(2);
if (!/^\d+$/.test(first) || !/^\d+$/.test(runs)) {
  process.stderr.write('usage: node scripts/consistency-campaign.mjs [firstSeed] [runs]\n');
  process.exit(2);
}
let failed = 0;
for (let seed = Number(first); seed < Number(first) + Number(runs); seed++) {
  const problems = convergenceProblems(runConsistencyCase(createSimulation, seed));
  if (problems.length > 0) {
    failed++;
    process.stdout.write(`seed ${seed}: ${problems.join('; ')}\n`);
  }
}
process.stdout.write(`${runs} cases from seed ${first}: ${failed} broke the rules\n`);
process.exitCode = failed > 0 ? 1 : 0;
