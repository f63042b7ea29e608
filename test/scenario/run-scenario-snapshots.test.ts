import { describe, expect, it } from 'vitest';
import { ConfigError, parseScenario, runScenario } from '../../src/index.js';

// runScenario's snapshot times are the library's own option (µs), not the CLI's --at flag: an
// error names the option and the entry, and quotes the value as the caller passed it.
const scenario = parseScenario('members: [node1, node2, node3]\nuntil: +60s\n', 'three.yaml');

function refusal(times: readonly unknown[]): ConfigError {
  try {
    runScenario(scenario, { snapshotsAtUs: times as number[] });
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error(`snapshotsAtUs ${JSON.stringify(times)} was accepted`);
}

describe('runScenario snapshotsAtUs', () => {
  it('takes every member\'s snapshot at each requested time, once per distinct time', () => {
    const run = runScenario(scenario, { snapshotsAtUs: [30_000_000, 10_000_000, 30_000_000] });
    expect(run.snapshots.map((s) => s.tUs)).toEqual([10_000_000, 10_000_000, 10_000_000, 30_000_000, 30_000_000, 30_000_000]);
  });

  it('refuses a time after until, naming the entry and quoting microseconds', () => {
    const e = refusal([10_000_000, 61_000_000]);
    expect(e.field).toBe('snapshotsAtUs[1]');
    expect(e.message).toBe('snapshotsAtUs[1] must not be after the scenario\'s until (60000000 µs), got 61000000');
  });

  it('refuses a negative, fractional or non-number time with the entry\'s index', () => {
    expect(refusal([-5]).message).toBe('snapshotsAtUs[0] must be a non-negative integer number of microseconds, got -5');
    expect(refusal([1, 1.5]).field).toBe('snapshotsAtUs[1]');
    expect(refusal(['10s']).message).toBe('snapshotsAtUs[0] must be a non-negative integer number of microseconds, got "10s"');
  });
});
