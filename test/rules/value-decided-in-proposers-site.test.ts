/**
 * A value is decided in the site its proposer knows, not in the group's newest configuration.
 * 8.0.20, five members: [node1, node4] split from the rest while node5 is frozen; node5 thaws at
 * 34.683 s, the split is repaired at 40.334 s (unreachable_majority_timeout 30). node2 and node3
 * leave on the majority timeout and {node2, node3, node5} decide configurations 2 and 3 ([node1,
 * node4, node5]) while node1 and node4, still cut off, know only configuration 1 (five nodes).
 * node4 also leaves (35.2 s) and asks to remove itself. grsim used to decide that removal at
 * 36.76 s with node1 and node4 as "2 of [node1, node4, node5]", a configuration neither had
 * learned: node4 executed its removal without ever installing configurations 2 and 3.
 * In XCom the proposer takes the synode after current_message and pushes in that synode's site
 * among the sites it installed (xcom_base.cc reserve_synode_number / proposer_task:
 * find_site_def_rw of the synode), and too_far keeps the synode within the event horizon of its
 * own executor: node4's removal needs 3 of 5 and waits for the repair, and lands after the group's
 * configurations once node4's executor has caught up with them.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { invariantByName, parseScenario, runRecordOf, runScenario, type SimEvent } from '../../src/index.js';

const FILE = new URL('./fixtures/minority-decides-in-unknown-site.yaml', import.meta.url);
const REPAIR_US = 40_334_000;

type ConfigEvent = Extract<SimEvent, { type: 'config' }>;

describe('a cut-off member that asks to remove itself', () => {
  const run = runScenario(parseScenario(readFileSync(FILE, 'utf8'), 'minority-decides-in-unknown-site.yaml'));
  const configs = run.sim.trace.filter((e): e is ConfigEvent => e.type === 'config');
  const removesNode4 = (e: ConfigEvent): boolean => (e.configId ?? 0) > 1 && !e.nodes.includes('node4') && e.nodes.includes('node1');

  it('installs the configurations the majority decided meanwhile (2 and 3) before its removal is executed anywhere', () => {
    const firstRemoval = configs.find(removesNode4);
    expect(firstRemoval).toBeDefined();
    expect(firstRemoval!.t).toBeGreaterThan(REPAIR_US);
    for (const m of ['node1', 'node4']) {
      const mine = configs.filter((e) => e.member === m && e.t <= firstRemoval!.t).map((e) => e.configId);
      expect(mine, m).toEqual([2, 3]);
    }
  });

  it('is removed from [node1, node4, node5], the configuration it then knows, by a majority of it', () => {
    const removal = configs.find(removesNode4)!;
    expect(removal.nodes).toEqual(['node1', 'node5']);
    expect(removal.configId).toBe(4);
  });

  it('lets the group converge: every member ONLINE and the liveness property holds', () => {
    for (const m of ['node1', 'node2', 'node3', 'node4', 'node5']) expect(run.sim.member(m).state, m).toBe('ONLINE');
    expect(invariantByName('liveness-after-quiet-period')!.check(runRecordOf(run.sim))).toBeNull();
  });
});
