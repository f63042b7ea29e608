/**
 * 9.x single-primary, node3 and node5 crashed and restarted earlier, a 67.4 s ring from 546.3 s,
 * member_expel_timeout 0, unreachable_majority_timeout 55 (explore seed 367010407). In the ring each
 * node hears 3 of 5; two detector leaders ask to remove the other pairs ([node1, node2] and
 * [node4, node3]); both removals are decided in the five-node site by a majority of it and applied
 * one after the other to the newest site (xcom_base.cc handle_remove_node clones get_site_def()),
 * so the configuration goes to [node4, node3, node5] and then [node5]: faithful. node5, alone in its
 * site, then admits the rejoins. grsim used to decide each value with a majority of the group's
 * newest configuration whatever its proposer knew: node4's add_node, proposed by node5 while
 * [node5] was still its site, waited for the heal, and the adds and removals decided against sites
 * their proposers had not learned left every member ERROR by the end. A value is now decided in its
 * proposer's own site (reserve_synode_number: find_site_def of its synode): node4's add is decided
 * at once in [node5]'s last slots, before [node5, node1] starts, and the group converges.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { invariantByName, parseScenario, runRecordOf, runScenario, type SimEvent } from '../../src/index.js';

const FILE = new URL('./fixtures/ring-two-killers-then-rejoins.yaml', import.meta.url);
const RING_START_US = 546_269_000;
const HEAL_US = 613_649_000;

type ConfigEvent = Extract<SimEvent, { type: 'config' }>;

describe('two killers in a ring, then the rejoins', () => {
  const run = runScenario(parseScenario(readFileSync(FILE, 'utf8'), 'ring-two-killers-then-rejoins.yaml'));
  const configs = run.sim.trace.filter((e): e is ConfigEvent => e.type === 'config' && e.member === 'node5');

  it('applies both removals cumulatively: node5 installs [node4, node3, node5] and then [node5]', () => {
    const after = configs.filter((e) => e.t > RING_START_US).map((e) => e.nodes.join(','));
    expect(after.slice(0, 2)).toEqual(['node4,node3,node5', 'node5']);
  });

  it("admits node4 back during the ring, in node5's own site", () => {
    const withNode4 = configs.find((e) => e.t > RING_START_US && e.nodes.length > 1 && e.nodes.includes('node4') && e.nodes[0] === 'node5');
    expect(withNode4).toBeDefined();
    expect(withNode4!.t).toBeLessThan(HEAL_US);
  });

  it('converges after the heal: all five ONLINE and the liveness property holds', () => {
    for (const m of run.sim.members) expect(m.state, m.name).toBe('ONLINE');
    expect(invariantByName('liveness-after-quiet-period')!.check(runRecordOf(run.sim))).toBeNull();
  });
});
