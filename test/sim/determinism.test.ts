import { describe, expect, it } from 'vitest';
import { createSimulation, traceHash, traceToJsonLines } from '../../src/index.js';
import { seedCaseSimulation } from '../helpers/seed-case.js';

function chaoticRun(seed: number): string {
  const sim = createSimulation({
    seed, members: ['a', 'b', 'c', 'd', 'e'], mode: 'single-primary',
    network: { latencyUs: 300, jitterUs: 200, loss: 0.01 },
  });
  sim.at('5s', (s) => s.network.partition(['a', 'b'], ['c', 'd', 'e']));
  sim.at('6s', (s) => { s.member('a').write(); s.member('c').write(); });
  sim.at('40s', (s) => s.network.repair());
  sim.at('50s', (s) => s.network.cut('c', 'd'));
  sim.at('70s', (s) => s.network.freeze('e'));
  sim.at('80s', (s) => s.network.thaw('e'));
  sim.at('90s', (s) => s.network.restore('c', 'd'));
  sim.at('100s', (s) => s.network.crash('b'));
  sim.at('130s', (s) => s.network.restart('b'));
  sim.runUntil('900s');
  return traceToJsonLines(sim.trace);
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
