import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BUILT_IN_PROPERTIES, checkSchedule, combineProperties, exploreChunk, propertyByName, recordOfSchedule } from '../../src/arbitraries/experiments.js';

const S = 1_000_000;

describe('built-in experiment properties (fixed seeds, CI-sized)', () => {
  it.each([
    ['isolation-under-18s-not-expelled', 5, 120 * S, 60],
    ['minority-never-expels', 5, 300 * S, 40],
    ['one-primary-per-view', 5, 300 * S, 40],
    ['healed-group-converges', 3, 120 * S, 25],
  ])('%s holds on random schedules', (name, members, durationUs, runs) => {
    const r = exploreChunk({ property: name, members, durationUs, seed: 2026, runs });
    expect(r.counterexample?.scenarioYaml ?? null).toBeNull();
    expect(r.runs).toBe(runs);
  });

  it('isolation-under-20s-not-expelled is false: it shrinks to one isolation a little under 20 s', () => {
    const r = exploreChunk({ property: 'isolation-under-20s-not-expelled', members: 5, durationUs: 120 * S, seed: 2026, runs: 200 });
    expect(r.failed).toBe(1);
    const c = r.counterexample!;
    expect(c.schedule.faults).toHaveLength(1);
    const f = c.schedule.faults[0]!;
    expect(f.kind).toBe('isolate');
    // Detection takes 4–5 s after the last heartbeat, not 5 s after the cut, so the first expel
    // check (UNREACHABLE + 15 s) comes before cut + 20 s.
    expect(f.durationUs).toBeGreaterThan(18 * S);
    expect(f.durationUs).toBeLessThan(20 * S);
    const property = propertyByName('isolation-under-20s-not-expelled')!;
    expect(checkSchedule(property, c.schedule, c.seed)).not.toBeNull();
    expect(checkSchedule(property, { ...c.schedule, faults: [{ ...f, durationUs: f.durationUs - 1000 }] }, c.seed)).toBeNull();
    expect(c.scenarioYaml).toMatch(/^# fault: isolate node\d at \+[\d.]+s for 19\.\d+s\n/);
    // The message names both the member that removed the isolated one and the isolated one, in that role.
    const isolated = c.violation.members[0]!;
    expect(c.violation.message).toMatch(new RegExp(`^(node\\d) removed ${isolated} from the group: \\1 logged "|^${isolated} learned it was expelled: ${isolated} logged "`));
  });

  it('marks exactly the properties that are false by design as expected to fail, with the reason', () => {
    const expected = BUILT_IN_PROPERTIES.filter((p) => p.expectedToFail !== undefined).map((p) => p.name);
    expect(expected).toEqual(['isolation-under-20s-not-expelled']);
    expect(propertyByName('isolation-under-20s-not-expelled')!.expectedToFail).toMatch(/15 s/);
  });

  it('lists unique kebab-case names', () => {
    const names = BUILT_IN_PROPERTIES.map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(n).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });
});

describe('unreadEventTypes: the trace events a property never reads', () => {
  it('every built-in property gives the same verdict with and without them, on runs of its own schedules', () => {
    let violations = 0;
    for (const property of BUILT_IN_PROPERTIES) {
      const unread = property.unreadEventTypes ?? [];
      expect(unread, property.name).toContain('cache');
      const schedules = fc.sample(fc.tuple(property.schedules({ members: 5, durationUs: 90 * S }), fc.integer({ min: 0, max: 0x7fffffff })), { seed: 7, numRuns: 12 });
      // isolation-under-20s-not-expelled fails in a few per cent of its runs: more of them, so some verdicts are violations.
      if (property.expectedToFail !== undefined) schedules.push(...fc.sample(fc.tuple(property.schedules({ members: 5, durationUs: 90 * S }), fc.integer({ min: 0, max: 0x7fffffff })), { seed: 8, numRuns: 60 }));
      for (const [schedule, seed] of schedules) {
        const full = recordOfSchedule(schedule, seed, []);
        const without = { ...full, trace: full.trace.filter((e) => !unread.includes(e.type)) };
        const verdict = property.check(full);
        expect(property.check(without), property.name).toEqual(verdict);
        if (verdict !== null) violations++;
      }
    }
    expect(violations).toBeGreaterThan(0);
  });

  it('a record explored without them holds every other event of the run, in order, and the same members and end', () => {
    const property = propertyByName('one-primary-per-view')!;
    const [schedule, seed] = fc.sample(fc.tuple(property.schedules({ members: 5, durationUs: 120 * S }), fc.integer({ min: 0, max: 0x7fffffff })), { seed: 3, numRuns: 1 })[0]!;
    const full = recordOfSchedule(schedule, seed, []);
    const kept = recordOfSchedule(schedule, seed, ['cache', 'workload']);
    expect(full.trace.some((e) => e.type === 'cache')).toBe(true);
    expect(kept).toEqual({ ...full, trace: full.trace.filter((e) => e.type !== 'cache' && e.type !== 'workload') });
  });

  it('a combined property leaves out only what every part leaves out', () => {
    const a = propertyByName('one-primary-per-view')!;
    const r = combineProperties([a, { ...a, name: 'reads-workload', unreadEventTypes: ['cache'] }]);
    expect('property' in r && r.property.unreadEventTypes).toEqual(['cache']);
  });
});
