import { describe, expect, it } from 'vitest';
import { BUILT_IN_PROPERTIES, checkSchedule, exploreChunk, propertyByName } from '../../src/arbitraries/experiments.js';

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
