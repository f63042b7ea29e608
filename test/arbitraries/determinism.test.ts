import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { faultSchedule, scheduleToScenario } from '../../src/arbitraries/index.js';
import { runScenario, traceHash } from '../../src/index.js';

describe('determinism self-check', () => {
  it('random scenarios run twice with one seed give the same trace hash', () => {
    fc.assert(fc.property(faultSchedule({ maxMembers: 7, durationUs: 180_000_000 }), fc.integer({ min: 0, max: 1e6 }), (schedule, seed) => {
      const scenario = scheduleToScenario(schedule, seed);
      const a = runScenario(scenario).sim.trace;
      const b = runScenario(scenario).sim.trace;
      expect(traceHash(b)).toBe(traceHash(a));
      expect(b.length).toBe(a.length);
    }), { seed: 11, numRuns: 40 });
  });
});
