import { describe, expect, it } from 'vitest';
import { faultSchedule } from '../../src/arbitraries/index.js';
import { BUILT_IN_PROPERTIES, combineProperties, exploreProperty, resolveProperty, type ExperimentProperty } from '../../src/arbitraries/experiments.js';
import { runRecordOf } from '../../src/observe/run-record.js';
import { scheduleToScenario } from '../../src/scenario/fault-schedule.js';
import { runScenario } from '../../src/scenario/run-scenario.js';

/** Network events in a run: a stand-in for "how many faults" that a check can read from the record. */
function networkEvents(trace: readonly { type: string }[]): number {
  return trace.filter((e) => e.type === 'network').length;
}

function threshold(name: string, atLeast: number): ExperimentProperty {
  return {
    name, description: `fewer than ${atLeast} network events`, scheduleSpace: 'test',
    schedules: ({ members, durationUs }) => faultSchedule({ members, durationUs, kinds: ['isolate', 'split'], maxFaults: 8 }),
    check: (record) => networkEvents(record.trace) >= atLeast
      ? { invariant: name, t: 0, members: [], message: `${networkEvents(record.trace)} network events` } : null,
  };
}

describe('--property a,b: one run checked against several properties', () => {
  it('the invariant-based built-ins share one schedule space, so the campaign can run them together', () => {
    const shared = BUILT_IN_PROPERTIES.filter((p) => p.scheduleSpace === 'faultSchedule {}').map((p) => p.name);
    expect(shared).toEqual(expect.arrayContaining(['no-expel-without-majority', 'views-agreed-and-consecutive', 'liveness-after-quiet-period']));
    const r = resolveProperty(shared.join(','));
    expect('property' in r && r.property.parts?.length).toBe(shared.length);
  });

  it('refuses unknown or repeated names, a property expected to fail, and properties with different schedules', () => {
    expect(resolveProperty('no-expel-without-majority,nope')).toEqual({ error: expect.stringContaining('must be one of') });
    expect(resolveProperty('no-expel-without-majority,no-expel-without-majority')).toEqual({ error: 'names no-expel-without-majority twice' });
    expect(resolveProperty('isolation-under-18s-not-expelled,isolation-under-20s-not-expelled')).toEqual({ error: expect.stringContaining('expected to fail') });
    expect(resolveProperty('one-primary-per-view,no-expel-without-majority')).toEqual({ error: expect.stringContaining('different fault schedules (one-primary-per-view and no-expel-without-majority)') });
  });

  it('runs the same schedules as each part alone: a part fails on the same run whether combined or not', () => {
    const chunk = { members: 3, durationUs: 60_000_000, seed: 5, runs: 30 };
    const alone = exploreProperty(threshold('many', 5), chunk);
    const combined = combineProperties([threshold('never', 1e9), threshold('many', 5)]);
    if (!('property' in combined)) throw new Error(combined.error);
    const together = exploreProperty(combined.property, chunk);
    expect(alone.failed).toBe(1);
    expect(together.runs).toBe(alone.runs);
    expect(together.counterexample?.violation).toEqual(alone.counterexample?.violation);
  });

  it('shrinks within the part that failed first, not towards another part', () => {
    // "most" (listed first) fails with at least 8 network events, "many" with at least 2. The first
    // failing run of this seed has 8 or more, so "most" fails first; shrinking must then keep to
    // "most". Shrinking towards any failure ends at one fault (2 events), reported as "many".
    const combined = combineProperties([threshold('most', 8), threshold('many', 2)]);
    if (!('property' in combined)) throw new Error(combined.error);
    const r = exploreProperty(combined.property, { members: 3, durationUs: 60_000_000, seed: 1, runs: 30 });
    const c = r.counterexample!;
    expect(c.violation.invariant).toBe('most');
    const record = runRecordOf(runScenario(scheduleToScenario(c.schedule, c.seed)).sim);
    expect(networkEvents(record.trace)).toBeGreaterThanOrEqual(8);
  });
});
