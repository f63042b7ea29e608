/**
 * A frozen (SIGSTOP) member runs no statement and proposes nothing: a write submitted on it blocks
 * until the thaw (docs/model.md "Network loss and freeze"; docs/mysql-behaviour.md §X0, one XCom thread).
 */
import { describe, expect, it } from 'vitest';
import { createSimulation, type WriteRecord } from '../../src/index.js';
import { SEC } from './helpers.js';

describe('a frozen member does not commit writes', () => {
  it('a write on a frozen member stays pending while frozen and commits after the thaw', () => {
    const sim = createSimulation({ seed: 1, members: ['n1', 'n2', 'n3'], mode: 'multi-primary' });
    let w: WriteRecord | undefined;
    sim.at('5s', (s) => s.network.freeze('n1'));
    sim.at('8s', (s) => { w = s.member('n1').write(); });
    sim.runUntil('9s');
    expect(w?.outcome).toBe('pending');
    expect(w?.atUs).toBeNull();
    sim.network.thaw('n1');
    const done = sim.runUntil(() => w!.outcome !== 'pending', { limit: '5s' });
    expect(done).toBe(true);
    // Thawed after 4 s, before anyone could expel it (expel timeout 5 + the 15 s cadence): it commits.
    expect(w!.outcome).toBe('committed');
    expect(w!.atUs!).toBeGreaterThanOrEqual(9 * SEC);
  });

  it('a proposal of a member frozen while its round is in flight is not decided before the thaw', () => {
    const sim = createSimulation({ seed: 1, members: ['n1', 'n2', 'n3'], mode: 'multi-primary' });
    let w: WriteRecord | undefined;
    // The write is proposed at 8 s; the freeze lands in the same instant, before the round trip ends.
    sim.at('8s', (s) => { w = s.member('n1').write(); s.network.freeze('n1'); });
    sim.runUntil('9s');
    expect(w?.outcome).toBe('pending');
    expect(sim.trace.some((e) => e.type === 'write' && e.outcome === 'committed')).toBe(false);
    sim.network.thaw('n1');
    expect(sim.runUntil(() => w!.outcome === 'committed', { limit: '5s' })).toBe(true);
  });
});

describe('workload transactions sent to a frozen member wait for the thaw, like a write', () => {
  const S = 1_000_000;
  const run = (events: (s: ReturnType<typeof createSimulation>) => void) => {
    const sim = createSimulation({
      seed: 3, members: ['n1', 'n2', 'n3'], mode: 'multi-primary',
      workload: [{ member: 'n1', rate: '100/s', size: '1KiB', from: '1s', to: '10s' }],
    });
    events(sim);
    sim.runUntil('30s');
    return sim.member('n1').workload();
  };

  it('nothing is refused: the 300 sent during a 3 s freeze commit after the thaw, with the freeze in their latency', () => {
    const open = run(() => undefined);
    const frozen = run((sim) => {
      sim.at('4s', (s) => s.network.freeze('n1'));
      sim.at('7s', (s) => s.network.thaw('n1'));
    });
    expect(open.refused).toBe(0);
    expect(frozen.submitted).toBe(open.submitted);
    expect(frozen.refused).toBe(0);
    expect(frozen.committed).toBe(frozen.submitted);
    const held = frozen.holds.find((h) => h.reason === 'frozen')!;
    expect(held.count).toBe(300);
    expect(held.firstUs).toBeGreaterThanOrEqual(4 * S);
    expect(held.lastUs).toBeLessThanOrEqual(7 * S);
    // About 300 transactions waited 1.5 s on average (sent evenly over the 3 s freeze).
    expect((frozen.latencySumUs - open.latencySumUs) / 300).toBeGreaterThan(1.3 * S);
    expect((frozen.latencySumUs - open.latencySumUs) / 300).toBeLessThan(1.7 * S);
  });

  it('a crash during the freeze loses them: refused as not running once the member is seen down', () => {
    const w = run((sim) => {
      sim.at('4s', (s) => s.network.freeze('n1'));
      sim.at('6s', (s) => s.network.crash('n1'));
    });
    const held = w.holds.find((h) => h.reason === 'frozen')!.count;
    expect(held).toBeGreaterThanOrEqual(199);
    expect(held).toBeLessThanOrEqual(201);
    // The ~200 held plus the ~400 sent from 6 s to 10 s to a server that is not running.
    const lost = w.holds.find((h) => h.reason === 'not_running')!.count;
    expect(Math.abs(lost - 600)).toBeLessThanOrEqual(1);
    expect(w.refused).toBe(lost);
    expect(w.committed).toBe(w.submitted - lost);
  });
});
