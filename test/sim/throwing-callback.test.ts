// A caller's code that throws inside a run (an `at` callback, as a failed `expect` in a test would)
// ends that run with its error; the simulation stays usable, and with the stretch on it goes on
// exactly as event by event (Kernel.runUntil clears its dispatching state however it ends).
import { describe, expect, it } from 'vitest';
import { ConfigError, createSimulation, type Simulation } from '../../src/index.js';
import { stretchOutcome } from '../../src/sim/stretch-outcome.js';

/** A 3-member group whose `at` callback at 2 s throws (thaw of a member that is not frozen). */
function throwingRun(stretch: boolean): Simulation {
  const sim = createSimulation({ seed: 1, members: ['a', 'b', 'c'], stretch });
  sim.at('2s', (s) => { s.network.thaw('b'); });
  expect(() => sim.runFor('5s')).toThrow(ConfigError);
  return sim;
}

describe('a callback that throws', () => {
  it('leaves the simulation usable, and the stretch still jumps afterwards', () => {
    const sim = throwingRun(true);
    sim.runFor('10m');
    expect(sim.nowUs).toBe(2_000_000 + 600_000_000); // the throw left the clock at the callback's time
    expect(sim.stretchStats.jumpedUs).toBeGreaterThan(0);
    expect(sim.member('a').replicationGroupMembers().map((r) => r.MEMBER_STATE)).toEqual(['ONLINE', 'ONLINE', 'ONLINE']);
  });

  it('the run after it is the same with the stretch on and off', () => {
    const on = throwingRun(true), off = throwingRun(false);
    expect(on.nowUs).toBe(off.nowUs);
    on.runFor('10m');
    off.runFor('10m');
    expect(stretchOutcome(on)).toBe(stretchOutcome(off));
  });
});
