import { describe, expect, it } from 'vitest';
import { assertReplayable, faultSchedule, scheduleToScenario, type FaultSchedule } from '../../src/arbitraries/index.js';
import { parseScenario, runScenario, type Scenario } from '../../src/index.js';

const S = 1_000_000;
const MARKER = 'replay with `grsim run <file>`):\n\n';

/** True when some member logged a removal (MY-011499) during the run. */
function someoneRemoved(scenario: Scenario): boolean {
  return runScenario(scenario).sim.trace.some((e) => e.type === 'log' && e.code === 'MY-011499');
}

/** Isolations of 30–60 s at expel timeout 5: every one ends in an expel, so "nobody is removed" fails. */
const longIsolations = faultSchedule({
  members: 3, versions: ['8.0.21'], modes: ['multi-primary'],
  options: { group_replication_member_expel_timeout: 5, group_replication_unreachable_majority_timeout: 0, group_replication_autorejoin_tries: 0 },
  kinds: ['isolate'], minFaults: 1, maxFaults: 2, minDurationUs: 30 * S, maxDurationUs: 60 * S, durationUs: 150 * S,
});

describe('assertReplayable', () => {
  it('returns when the property holds', () => {
    let runs = 0;
    assertReplayable(faultSchedule({ members: 3, maxFaults: 0, durationUs: 30 * S }), (schedule, seed) => {
      runs++;
      return !someoneRemoved(scheduleToScenario(schedule, seed));
    }, { seed: 1, numRuns: 5 });
    expect(runs).toBe(5);
  });

  it('throws a message ending with the shrunk counterexample as a scenario file that replays the failure', () => {
    let failure: unknown;
    try {
      assertReplayable(longIsolations, (schedule, seed) => {
        expect(someoneRemoved(scheduleToScenario(schedule, seed))).toBe(false);
      }, { seed: 42, numRuns: 20, scenarioName: 'nobody-removed' });
    } catch (e) {
      failure = e;
    }
    expect(failure).toBeInstanceOf(Error);
    const message = (failure as Error).message;
    // fast-check's own report (seed and path to re-run it) comes first.
    expect(message).toMatch(/Property failed after \d+ tests\n\{ seed: 42, path: "[\d:]+", endOnFailure: true \}/);
    const at = message.indexOf(MARKER);
    expect(at).toBeGreaterThan(0);
    const yaml = message.slice(at + MARKER.length);
    expect(yaml).toMatch(/^# fault: isolate node\d at \+[\d.]+s for 30s\n/); // shrunk to one fault of the minimum length
    const scenario = parseScenario(yaml, 'nobody-removed.yaml');
    expect(scenario.name).toBe('nobody-removed');
    expect(scenario.version).toBe('8.0.21');
    expect(scenario.options.group_replication_member_expel_timeout).toBe(5);
    // The printed file alone reproduces the failure.
    expect(someoneRemoved(scenario)).toBe(true);
    expect((failure as Error).cause).toBeInstanceOf(Error);
  });

  it('reports the counterexample the predicate rejected, with its simulation seed', () => {
    const seen: [FaultSchedule, number][] = [];
    let message = '';
    try {
      assertReplayable(longIsolations, (schedule, seed) => { seen.push([schedule, seed]); return false; }, { seed: 7, numRuns: 1 });
    } catch (e) {
      message = (e as Error).message;
    }
    const yaml = message.slice(message.indexOf(MARKER) + MARKER.length);
    const last = seen[seen.length - 1] as [FaultSchedule, number];
    expect(parseScenario(yaml, 'c.yaml').seed).toBe(last[1]);
  });
});
