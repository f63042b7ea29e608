// Consensus.decisionDelayUs remembers its answer per node (consensus.ts: the network's reachEpoch,
// the node's configuration, the one site in force and the configuration its executor ran last).
// Every change of what the answer depends on must make it work the answer out again: after each
// step below, as it plays out (views, configurations, rejoins), the answer it gives is compared
// with one worked out afresh, with the acceptors it counted (they become a decision's acceptors).
import { describe, expect, it } from 'vitest';
import { createSimulation, type Simulation } from '../../src/index.js';

interface DelayProbe {
  decisionDelayUs(i: number): number;
  readonly reachedCount: number;
  readonly reachedMask: number;
  /** What the remembered answers were worked out from. */
  readonly delayEpoch: Float64Array;
  readonly delayOwn: unknown[];
  readonly delayInForce: unknown[];
  readonly delayExecutedConfig: Float64Array;
}

/** Makes every remembered answer's keys match nothing, so the next answers are worked out afresh. */
function forget(c: DelayProbe): void {
  c.delayEpoch.fill(-1);
  c.delayOwn.fill({});
  c.delayInForce.fill({});
  c.delayExecutedConfig.fill(Number.NaN);
}

function consensusOf(sim: Simulation): DelayProbe {
  return (sim as unknown as { xcom: { consensus: DelayProbe } }).xcom.consensus;
}

/** Per node: [delay, reached count, reached mask], as decisionDelayUs answers now. */
function answers(c: DelayProbe, n: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < n; i++) {
    const delay = c.decisionDelayUs(i);
    out.push([delay, c.reachedCount, c.reachedMask]);
  }
  return out;
}

describe('decisionDelayUs remembered per node', () => {
  it('answers as a fresh computation after every change of links, processes, membership and configuration', () => {
    const sim = createSimulation({
      seed: 11, members: ['node1', 'node2', 'node3', 'node4'], mode: 'multi-primary',
      workload: [{ member: 'node1', rate: 2_000, size: 1024 }, { member: 'node2', rate: 500, size: 512 }],
    });
    const c = consensusOf(sim);
    const n = 4;
    const steps: [string, (s: Simulation) => void][] = [
      ['steady', () => {}],
      ['partition', (s) => s.network.partition(['node1'], ['node2', 'node3', 'node4'])],
      ['repair', (s) => s.network.repair()],
      ['latency', (s) => s.network.setLinkProfile({ latencyUs: 900 }, [['node1', 'node3'], ['node3', 'node1']])],
      ['cut', (s) => s.network.cut('node2', 'node1')],
      ['restore', (s) => s.network.restore()],
      ['freeze', (s) => s.network.freeze('node2')],
      ['thaw', (s) => s.network.thaw('node2')],
      ['stop', (s) => { s.member('node3').stopGroupReplication(); }],
      ['start', (s) => { s.member('node3').startGroupReplication(); }],
      ['crash', (s) => s.network.crash('node4')],
      ['restart', (s) => s.network.restart('node4')],
      ['isolate', (s) => s.network.isolate('node2')],
      ['heal', (s) => s.network.heal()],
      ['remove', (s) => s.removeMember('node3')],
    ];
    let remembered = 0;
    for (const [name, act] of steps) {
      act(sim);
      for (const after of ['1ms', '40ms', '900ms', '6s', '40s']) {
        sim.runFor(after);
        const first = answers(c, n);
        const again = answers(c, n);
        forget(c);
        const fresh = answers(c, n);
        expect(first, `${name}, then ${after}`).toEqual(fresh);
        expect(again, `${name}, then ${after}, asked twice`).toEqual(fresh);
        remembered += fresh.filter((a) => (a[0] as number) >= 0).length;
      }
    }
    // The comparisons covered nodes that could propose (a remembered answer), not only refusals.
    expect(remembered).toBeGreaterThan(100);
  });
});
