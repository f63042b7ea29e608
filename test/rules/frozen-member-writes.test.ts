/**
 * A frozen (SIGSTOP) member runs no statement and proposes nothing: a write submitted on it blocks
 * until the thaw (docs/model.md "Network loss and freeze"; reference/xcom.md §0, one XCom thread).
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
