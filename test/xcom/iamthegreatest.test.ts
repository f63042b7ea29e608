/**
 * Which node proposes no-ops for a missing synode on find_value's third wait: iamthegreatest
 * (xcom_base.cc), by xcom_base.cc's own get_leader — the lowest node that is not may_be_dead,
 * without the detector's global-node-set test (xcom_detector.cc get_leader, XcomCluster.isLeader).
 * The two differ while the lowest live node is outside the last global view.
 */
import { describe, expect, it } from 'vitest';
import { createSimulation } from '../../src/index.js';
import type { XcomCluster } from '../../src/xcom/xcom-cluster.js';

describe('iamthegreatest against the detector\'s leader', () => {
  it('a live lowest node outside the global view is the greatest, not the detector\'s leader', () => {
    const sim = createSimulation({ seed: 3, members: ['node1', 'node2', 'node3'] });
    sim.runFor('10s');
    const x = (sim as unknown as { xcom: XcomCluster }).xcom;
    const cfg = x.config[1]!;
    expect(cfg.nodes).toEqual([0, 1, 2]);
    // Everyone heard recently: node 0 leads by both rules.
    expect([x.isGreatest(0, cfg), x.isGreatest(1, cfg), x.isLeader(1, cfg)]).toEqual([true, false, false]);
    // node2's last global view leaves node1 (index 0) out, though node2 still hears it.
    x.globalMask[1] = cfg.mask & ~1;
    expect(x.isLeader(1, cfg)).toBe(true);
    expect(x.isGreatest(1, cfg)).toBe(false);
  });

  it('a node silent for more than MAX_SILENT is passed over; with every other node silent the node itself is the greatest', () => {
    const sim = createSimulation({ seed: 3, members: ['node1', 'node2', 'node3'] });
    sim.runFor('10s');
    sim.network.freeze('node1');
    sim.runFor('4.5s');
    const x = (sim as unknown as { xcom: XcomCluster }).xcom;
    const cfg = x.config[1]!;
    expect(x.isGreatest(1, cfg)).toBe(true);
    expect(x.isGreatest(2, cfg)).toBe(false);
  });
});
