import { describe, expect, it } from 'vitest';
import { createSimulation, type Simulation, type SimulationOptions } from '../../src/index.js';
import { stretchOutcome } from '../../src/sim/stretch-outcome.js';

/**
 * The kernel's run loop hands the tick lane every tick due before the queue's next event at once
 * (TickLane.runBefore), so that the XCom cache task's skipped ticks run in one call. A run driven
 * one kernel item at a time (Simulation.runUntil with a predicate: Kernel.step, which runs one
 * lane tick per call) takes them one by one. The two must leave everything the same: the clock,
 * the event count, the trace byte for byte, every member's tables and counters (stretchOutcome).
 */
function group(members: number, more: Partial<SimulationOptions>): Simulation {
  return createSimulation({ seed: 12345, members: Array.from({ length: members }, (_, i) => `node${i + 1}`), mode: 'multi-primary', ...more });
}

function outcome(build: () => Simulation, duration: string, oneByOne: boolean): string {
  const sim = build();
  if (oneByOne) sim.runUntil(() => false, { limit: duration });
  else sim.runFor(duration);
  return stretchOutcome(sim);
}

function same(build: () => Simulation, duration: string): void {
  expect(outcome(build, duration, false)).toBe(outcome(build, duration, true));
}

describe('cache-task ticks skipped in one call, against one at a time', () => {
  it('the default model, with a member frozen (its ticks dispatched, not skipped) and thawed, and one crashed and restarted', () => {
    same(() => group(9, {}).at('40s', (s) => s.network.freeze('node3')).at('43.5s', (s) => s.network.thaw('node3'))
      .at('70s', (s) => s.network.crash('node5')).at('75s', (s) => s.network.restart('node5')), '150s');
  });

  it('the traffic-off model', () => {
    same(() => group(5, { model: { flowControlStatsTraffic: 0, xcomRetryBackoff: 0 } }).at('20s', (s) => s.network.freeze('node2')).at('21s', (s) => s.network.thaw('node2')), '90s');
  });

  it('a workload whose cache fills and evicts', () => {
    same(() => group(3, {
      options: { group_replication_message_cache_size: 134_217_728 },
      workload: [{ member: 'node1', rate: 10_000, size: 1024, from: 0, to: 20_000_000 }],
    }), '40s');
  });
});
