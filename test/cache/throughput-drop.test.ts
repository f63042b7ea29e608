/**
 * While a member is UNREACHABLE and not yet expelled its channel must be filled with no-ops by the
 * executor back-off, so the group decides about one event-horizon window per no-op round
 * (docs/mysql-behaviour.md §X5 "A dead member's channel must be filled with no-ops"): commit latency jumps to the
 * stall, and with a bounded number of clients throughput collapses until the expel.
 */
import { describe, expect, it } from 'vitest';
import { createSimulation, type WorkloadEvent } from '../../src/index.js';

const SEC = 1_000_000;

function samples(seed: number, clients?: number): { samples: WorkloadEvent[]; removedAt: number } {
  const sim = createSimulation({
    seed, members: ['node1', 'node2', 'node3'], mode: 'multi-primary',
    workload: [{ member: 'node1', rate: 20_000, size: 1024, ...(clients === undefined ? {} : { clients }) }],
  });
  sim.at(20 * SEC, (s) => s.network.isolate('node3'));
  sim.runFor('60s');
  const removed = sim.trace.find((e) => e.type === 'log' && e.member === 'node1' && e.code === 'MY-011499');
  return { samples: sim.trace.filter((e): e is WorkloadEvent => e.type === 'workload' && e.member === 'node1'), removedAt: removed!.t };
}

describe('group throughput while a member is unreachable', () => {
  it.each([1, 2])('seed %i: 64 clients commit 20,000 tx/s, ~1% of that until the expel, then 20,000 again', (seed) => {
    const { samples: s, removedAt } = samples(seed, 64);
    const rate = (from: number, to: number): number => {
      const w = s.filter((e) => e.t > from && e.t <= to);
      return w.reduce((a, e) => a + e.committedLastSecond, 0) / w.length;
    };
    expect(rate(5 * SEC, 20 * SEC)).toBeGreaterThan(19_000);
    const during = rate(21 * SEC, removedAt - SEC);
    expect(during).toBeLessThan(400);
    expect(during).toBeGreaterThan(50);
    expect(rate(removedAt + 2 * SEC, 60 * SEC)).toBeGreaterThan(19_000);
    // The throttled counter shows the work the clients could not do.
    expect(s[s.length - 1]!.throttled).toBeGreaterThan(200_000);
  });

  it('an open-loop stream keeps its throughput but commit latency rises to the no-op stall', () => {
    const { samples: s, removedAt } = samples(3);
    const before = s.filter((e) => e.t > 5 * SEC && e.t <= 20 * SEC);
    const during = s.filter((e) => e.t > 22 * SEC && e.t < removedAt - SEC);
    for (const e of before) expect(e.meanLatencyUs!).toBeLessThan(20_000);
    for (const e of during) {
      expect(e.meanLatencyUs!).toBeGreaterThan(400_000);
      expect(e.committedLastSecond).toBeGreaterThan(15_000);
    }
  });
});
