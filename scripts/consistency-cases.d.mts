// Types for consistency-cases.mjs (the test imports it from TypeScript).
import type { createSimulation, Simulation } from '../src/index.js';

export function runConsistencyCase(create: typeof createSimulation, seed: number): Simulation;
export function convergenceProblems(sim: Simulation): string[];
