import { describe, expect, it } from 'vitest';
import { traceHash, traceToJsonLines } from '../../src/index.js';
import { chaoticSimulation } from '../helpers/chaotic-run.js';
import { seedCaseSimulation } from '../helpers/seed-case.js';

function chaoticRun(seed: number): string {
  return traceToJsonLines(chaoticSimulation(seed).trace);
}

describe('determinism', () => {
  it('the same seed gives a byte-identical trace', () => {
    const a = chaoticRun(42);
    const b = chaoticRun(42);
    expect(a.length).toBeGreaterThan(1000);
    expect(a).toBe(b);
  });

  it('a different seed gives a different trace', () => {
    expect(chaoticRun(42)).not.toBe(chaoticRun(43));
  });

  it('the seed case hashes the same twice', () => {
    const h1 = traceHash(seedCaseSimulation(7).runFor('320s').trace);
    const h2 = traceHash(seedCaseSimulation(7).runFor('320s').trace);
    expect(h1).toBe(h2);
  });
});
