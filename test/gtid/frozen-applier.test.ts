/**
 * A frozen mysqld (SIGSTOP) applies nothing: its group_replication_applier thread is stopped with
 * the rest of the process, so its queue stands still until the thaw and then drains at the same
 * rate, later by the time it was frozen.
 */
import { describe, expect, it } from 'vitest';
import { createSimulation, type Simulation } from '../../src/index.js';

const SEC = 1_000_000;

/** node1 writes 2,000 tx/s for 5 s; the secondaries apply 1,000 tx/s (a 5,000-transaction backlog at 5 s). */
function backlogged(): Simulation {
  return createSimulation({
    seed: 4, version: '8.4', members: ['node1', 'node2', 'node3'], mode: 'single-primary',
    model: { applierTransactionUs: 1000 },
    workload: [{ member: 'node1', rate: 2000, size: 512, from: 1 * SEC, to: 6 * SEC }],
  });
}

describe('a frozen member\'s applier', () => {
  it('stands still while the process is frozen and resumes at the thaw', () => {
    const sim = backlogged();
    const queue = (m: string): number => sim.member(m).transactionCounters().remoteInApplierQueue;
    sim.runUntil(6 * SEC);
    const atFreeze = queue('node3');
    expect(atFreeze).toBeGreaterThan(4_000);
    sim.network.freeze('node3');
    sim.runUntil(9 * SEC);
    expect(queue('node3')).toBe(atFreeze);
    // The unfrozen secondary went on: 3 s at 1,000 tx/s.
    expect(queue('node2')).toBeLessThan(atFreeze - 2_500);
    sim.network.thaw('node3');
    sim.runUntil(10 * SEC);
    const drained = atFreeze - queue('node3');
    expect(drained).toBeGreaterThan(900);
    expect(drained).toBeLessThanOrEqual(1_000);
  });

  it('finishes its backlog later by exactly the time it was frozen', () => {
    const emptyAtUs = (freezeForUs: number): number => {
      const sim = backlogged();
      if (freezeForUs > 0) {
        sim.at(7 * SEC, (s) => s.network.freeze('node3'));
        sim.at(7 * SEC + freezeForUs, (s) => s.network.thaw('node3'));
      }
      sim.runUntil(8 * SEC + freezeForUs);
      let t = sim.nowUs;
      while (sim.member('node3').transactionCounters().remoteInApplierQueue > 0) {
        t += 1_000;
        sim.runUntil(t);
      }
      return t;
    };
    const plain = emptyAtUs(0), frozen = emptyAtUs(4 * SEC);
    expect(frozen - plain).toBeGreaterThanOrEqual(4 * SEC - 1_000);
    expect(frozen - plain).toBeLessThanOrEqual(4 * SEC + 1_000);
  });
});
