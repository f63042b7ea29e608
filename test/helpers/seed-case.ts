import { readFileSync } from 'node:fs';
import { parseScenario, simulationOf, type Scenario, type Simulation } from '../../src/index.js';

/** The seed case scenario file shipped with the package (scenarios/seed-case.yaml). */
export const SEED_CASE_FILE = new URL('../../scenarios/seed-case.yaml', import.meta.url);

export function seedCaseScenario(seed?: number): Scenario {
  return parseScenario(readFileSync(SEED_CASE_FILE, 'utf8'), 'seed-case.yaml', seed === undefined ? {} : { seed });
}

/** The seed case's simulation, events scheduled, not yet run. */
export function seedCaseSimulation(seed = 7): Simulation {
  return simulationOf(seedCaseScenario(seed));
}

/** Virtual times of the seed case's actions (µs since 13:02:50), as the file schedules them. */
export const SEED_CASE_TIMES = { cutUs: 11_000_000, writeUs: 30_000_000, healUs: 280_000_000, endUs: 320_000_000 } as const;
