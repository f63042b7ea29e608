/**
 * GCS compares memberships by node identity, which includes the XCom incarnation: a restarted
 * server removed and re-added between two global views is a view change on the survivors too
 * (docs/mysql-behaviour.md §G1.2 "a view whose membership equals the last delivered one is
 * filtered out", §G6 "Restarted node with the same address", "View ids").
 */
import { describe, expect, it } from 'vitest';
import { checkInvariants, createSimulation, runRecordOf } from '../../src/index.js';
import { hasLogged } from './helpers.js';

describe('a restarted member removed and re-added back to back', () => {
  it('survivors install the view the rejoined incarnation installs (seed 1, expel timeout 0, restart at 15 s)', () => {
    const sim = createSimulation({
      seed: 1, members: ['n1', 'n2', 'n3'], mode: 'multi-primary', options: { group_replication_member_expel_timeout: 0 },
    });
    sim.at('10s', (s) => s.network.crash('n3'));
    sim.at('15s', (s) => s.network.restart('n3'));
    sim.runUntil('120s');
    const ids = sim.members.map((m) => m.viewId());
    expect(new Set(ids).size).toBe(1);
    expect(ids[0]).not.toBe(sim.atStart.viewId);
    for (const m of sim.members) expect(m.state).toBe('ONLINE');
    // The old incarnation left and the new one joined in the same view.
    expect(hasLogged(sim, 'n1', 'MY-011499')).toBe(true);
    expect(hasLogged(sim, 'n1', 'MY-011501')).toBe(true);
    expect(checkInvariants(runRecordOf(sim))).toEqual([]);
  });
});
