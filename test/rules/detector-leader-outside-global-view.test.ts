/**
 * A node the last global view left out still leads a site in which no node is both alive and in
 * that view: XCom's get_leader falls back to the site's first node (xcom_detector.cc: after its
 * loop over the nodes that are not may_be_dead and are in the global node set, it returns node 0).
 * Scenario from `grsim explore` (healed-group-converges, 8.0.21 multi-primary, explore seed 99,
 * chunk 28): node2 isolated, then 50 % loss and node1 frozen for 54 s; node3–node5 leave on the 3 s
 * majority timeout. While node1 was frozen, node3 (then the leader) had a view of [node1, node3,
 * node4] decided with node1 failed, so after the thaw node1's global node set is {node3, node4};
 * node5 and node4 rejoin into sites [node1, node5] and [node1, node5, node4]. grsim counted no
 * leader at all there (node1 not in its own global set, node5 and node4 not in it either), and the
 * joiners took node1 for the leader: no view was ever proposed, each join view timed out after 60 s
 * and node3 ended ERROR 569 s after the last fault. With the fallback node1 proposes the view at
 * once. A joiner also takes its global node set from the member that admitted it, less itself (a
 * new entry of a site is cleared: site_def.cc realloc_node_set; sites come with their global node
 * sets in the snapshot: export_config / import_config), so joiners and members agree on the leader.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { invariantByName, parseScenario, runRecordOf, runScenario, type ViewEvent } from '../../src/index.js';
import { logsOf, SEC } from './helpers.js';

const FILE = new URL('./fixtures/detector-leader-outside-global-view.yaml', import.meta.url);

describe('a site whose only live nodes are outside the last global view', () => {
  const sim = runScenario(parseScenario(readFileSync(FILE, 'utf8'), 'detector-leader-outside-global-view.yaml')).sim;

  it('is led by its first node: node1 installs the view with the two joiners within 2 s of its thaw', () => {
    const view = sim.trace.find((e): e is ViewEvent => e.type === 'view' && e.member === 'node1' && e.t > 585 * SEC && e.viewId !== '');
    expect(view?.members).toEqual(['node1', 'node5', 'node4']);
    expect(view!.t).toBeLessThan(587.5 * SEC);
  });

  it("admits node4's and node5's first auto-rejoin attempts, and the group converges", () => {
    for (const m of ['node4', 'node5']) {
      expect(logsOf(sim, m, 'MY-013374').filter((e) => e.t > 585 * SEC && e.t < 700 * SEC), m).toEqual([]);
      expect(logsOf(sim, m, 'MY-013375')[0]?.message, m).toContain('attempt 1 of 3 finished. Member was able to join');
    }
    for (const m of sim.members) expect(m.state, m.name).toBe('ONLINE');
    expect(new Set(sim.members.map((m) => m.viewId())).size).toBe(1);
    expect(invariantByName('liveness-after-quiet-period')!.check(runRecordOf(sim))).toBeNull();
  });
});
