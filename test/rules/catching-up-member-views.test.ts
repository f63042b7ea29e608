/**
 * Regression (docs/findings: healed-group-converges, ring seed 29; views-agreed-and-consecutive):
 * a member that catches up through read rounds executes a configuration and the view_msg decided
 * after it in one go. XCom runs the view in the site in force at its synode (xcom_base.cc
 * execute_msg, find_site_def; docs/mysql-behaviour.md §X2 "Global view delivery", §X5 "Event horizon"):
 * the detector leader proposed it after activating that configuration, so the catching-up member
 * is past the configuration's start too. grsim used to drop such a view because the member's
 * configuration activates configActivationDelayUs (0.5 s) after it executes it; the member then
 * never installed the GCS views of the joins (here node2 stayed in view :3 for good).
 */
import { describe, expect, it } from 'vitest';
import { fiveMemberScenarioHead, SEC } from './helpers.js';
import {
  checkInvariants, invariantByName, parseScenario, runRecordOf, simulationOf,
  type ConfigEvent, type ViewEvent,
} from '../../src/index.js';


/** A 5-member ring (each member reaches only its neighbours) for 73.355 s; explore's shrunk counterexample. */
const RING = fiveMemberScenarioHead({
  name: 'ring-catch-up', seed: 29, version: '9.x',
  options: { group_replication_member_expel_timeout: 60, group_replication_autorejoin_tries: 1, group_replication_unreachable_majority_timeout: 2, group_replication_exit_state_action: 'READ_ONLY', group_replication_member_weight: 6 },
}) + `${['node1>node3', 'node1>node4', 'node2>node4', 'node2>node5', 'node3>node5'].map((l) => {
  const [a, b] = l.split('>');
  return [
    `  - { at: +0ms, cut: { from: ${a}, to: ${b} } }`, `  - { at: +0ms, cut: { from: ${b}, to: ${a} } }`,
    `  - { at: +73.355s, restore: { from: ${a}, to: ${b} } }`, `  - { at: +73.355s, restore: { from: ${b}, to: ${a} } }`,
  ].join('\n');
}).join('\n')}
until: +853s
`;

describe('a member catching up executes views in the configuration they belong to', () => {
  it('node2, which learns the two join configurations 11 s late, installs the same views as the others', () => {
    const sim = simulationOf(parseScenario(RING, 'ring.yaml'));
    sim.runFor('100s');
    const configs = (m: string): ConfigEvent[] => sim.trace.filter((e): e is ConfigEvent => e.type === 'config' && e.member === m);
    const views = (m: string): ViewEvent[] => sim.trace.filter((e): e is ViewEvent => e.type === 'view' && e.member === m && e.viewId !== '');
    // The scenario still has node2 lagging: node5's learn of the first join was lost on the cut
    // path 1 ms before the heal, and node2's read rounds were at their 10–20 s back-off.
    const joinAll = (m: string): ConfigEvent => configs(m).find((e) => e.nodes.length === 5 && e.t > 70 * SEC)!;
    const caughtUp = joinAll('node2').t;
    expect(caughtUp - joinAll('node1').t).toBeGreaterThan(5 * SEC);
    // Both join configurations activate on node2 together, when their views execute.
    const joinOne = configs('node2').find((e) => e.nodes.length === 4 && e.t > 70 * SEC)!;
    expect(joinOne.t).toBe(caughtUp);
    // ...and node2 installs the same views as node1, at once. The 4-member view is installed by
    // nobody: its state exchange waits for node2's state message, and the 5-member view restarts
    // it first (gcs_xcom_control_interface.cc xcom_receive_global_view, reset_with_flush), so the
    // 5-member view is :4 everywhere.
    const ids = (m: string): string[] => views(m).map((v) => v.viewId);
    expect(ids('node2')).toEqual(ids('node1'));
    const late = views('node2').filter((v) => v.t > 70 * SEC);
    expect(late.map((v) => v.members.length)).toEqual([5]);
    expect(late[0]!.viewId.endsWith(':4')).toBe(true);
    for (const v of late) expect(v.t - caughtUp).toBeLessThan(0.1 * SEC);
  });

  it('the whole run converges and no built-in invariant is broken', () => {
    const sim = simulationOf(parseScenario(RING, 'ring.yaml'));
    sim.runFor('853s');
    const names = ['node1', 'node2', 'node3', 'node4', 'node5'];
    const finalViews = new Set(names.map((m) => {
      const v = sim.trace.filter((e): e is ViewEvent => e.type === 'view' && e.member === m).at(-1)!;
      return v.viewId;
    }));
    expect(finalViews.size).toBe(1);
    for (const m of names) expect(sim.member(m).state).toBe('ONLINE');
    expect(invariantByName('liveness-after-quiet-period')).toBeDefined();
    expect(checkInvariants(runRecordOf(sim))).toEqual([]);
  });
});
