/**
 * Runs in which the whole group dissolves, faithfully: every member leaves (unreachable-majority
 * timeout), the XCom configuration is left holding only dead instances, and nobody is left to admit
 * a rejoin. MySQL needs an operator to bootstrap the group again (group_replication_bootstrap_group);
 * a join needs a seed whose XCom is in the group (gcs_xcom_control_interface.cc, do_join:
 * "Error connecting to all peers. Member join failed."). liveness-after-quiet-period demands
 * convergence here, which MySQL does not provide (docs/findings/README.md, Resolved).
 *
 * 1. group-dissolves-after-majority-timeouts.yaml (8.0.20, seed 1599016215): node1 crashes and
 *    restarts at once (its incarnation 1 stays configured), a [node2, node4] / [node1, node3, node5]
 *    split with 1286 ms latency leaves no side with 3 live members of 5, so node2–node5 all leave on
 *    the 7 s majority timeout. Each leave asks XCom to remove the member (Gcs_xcom_control::do_leave,
 *    xcom_remove_node then xcom_wait_exit); at the repair the four self-removals are decided in the
 *    five-node site and applied one after the other (xcom_base.cc handle_remove_node clones the
 *    newest site), which leaves [node1's crashed incarnation].
 * 2. group-dissolves-after-failed-leave.yaml (8.4, three members; explore's seed 2018474759, run with
 *    seed 1 since the read-round fix of read-round-back-off-belongs-to-its-synode.test.ts changed
 *    seed 2018474759's run, where all three now leave and re-form the group; under seed 1 node3's
 *    executor never gets past synode 0, as before): node3 is split off
 *    and node2 frozen; node1 and node3 leave on the 7 s timeout, node2 after its thaw. node3's
 *    self-removal waits: every instance that learned or accepted the values before it has since
 *    restarted (node1 and node2 rejoin as new incarnations), so its executor cannot get them and its
 *    proposer stays within the event horizon of that executor (too_far); after 30 s GCS kills its XCom
 *    ("The member has failed to gracefully leave the group"). The dead instance stays configured, the
 *    rejoins of node1 and node2 never get a view and time out (60 s), and the group empties.
 * 3. group-dissolves-nine-member-ring.yaml (8.4, nine members, explore seed 0): a ring for 95.9 s
 *    leaves every member with its two neighbours, 3 of 9, so all nine leave on the 69 s majority
 *    timeout; at the heal their self-removals are decided and applied one after the other, and no
 *    instance is left in the group. Every auto-rejoin attempt then finds no seed in a group: each one
 *    joins without bootstrapping (src/plugin.cc, attempt_rejoin adds bootstrap_group "false").
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { livenessAfterQuietPeriod, parseScenario, runRecordOf, runScenario, type Simulation } from '../../src/index.js';
import { ev, handRecord } from '../observe/fixtures.js';
import { hasLogged, logsOf, SEC } from './helpers.js';

function run(file: string): Simulation {
  return runScenario(parseScenario(readFileSync(new URL(`./fixtures/${file}`, import.meta.url), 'utf8'), file)).sim;
}

const NO_SEED = 'Error connecting to all peers. Member join failed.';

describe('a 2/3 split with a crashed, still configured incarnation (majority timeout 7 s)', () => {
  const sim = run('group-dissolves-after-majority-timeouts.yaml');
  const leavers = ['node2', 'node3', 'node4', 'node5'];

  it('makes every running member leave on the majority timeout, before the repair', () => {
    for (const m of leavers) {
      const left = logsOf(sim, m, 'MY-011711');
      expect(left.length, m).toBeGreaterThan(0);
      expect(left[0]!.t, m).toBeLessThan(29_318_000);
    }
  });

  it("refuses the restarted node1 while its old incarnation is configured, and node1's START gives up after its 60 s view wait", () => {
    expect(hasLogged(sim, 'node3', 'MY-011735', 'Old incarnation found')).toBe(true);
    // initialize_plugin_and_join (plugin.cc) waits 60 s for the join view, then leaves for good.
    expect(hasLogged(sim, 'node1', 'MY-011640', 'Timeout on wait for view after joining group')).toBe(true);
  });

  it('leaves no member ONLINE after the repair: every later rejoin finds no seed in a group', () => {
    for (const m of leavers) expect(hasLogged(sim, m, 'MY-011735', NO_SEED), m).toBe(true);
    const online = sim.trace.filter((e) => e.type === 'stateChange' && e.observer === e.member && e.state === 'ONLINE' && e.t > 0);
    expect(online).toEqual([]);
    for (const m of sim.members) expect(['ERROR', 'OFFLINE'], m.name).toContain(m.state);
  });
});

describe('a member whose self-removal cannot be decided before GCS gives up on its leave', () => {
  const sim = run('group-dissolves-after-failed-leave.yaml');

  it("kills node3's XCom 30 s after its leave, still configured", () => {
    const left = logsOf(sim, 'node3', 'MY-011711')[0]!;
    const failed = logsOf(sim, 'node3', 'MY-011735').find((e) => e.message.includes('failed to gracefully leave'));
    expect(failed).toBeDefined();
    expect(failed!.t - left.t).toBe(30_000_000);
    // No member ever executed a configuration without node3.
    const configs = sim.trace.filter((e) => e.type === 'config');
    expect(configs.every((e) => e.nodes.includes('node3'))).toBe(true);
  });

  it('never admits the rejoining node1 and node2 again, and ends with no member in a group', () => {
    const online = sim.trace.filter((e) => e.type === 'stateChange' && e.observer === e.member && e.state === 'ONLINE' && e.t > 0);
    expect(online).toEqual([]);
    for (const m of ['node1', 'node2']) expect(logsOf(sim, m, 'MY-013374').length, m).toBeGreaterThan(0);
    for (const m of ['node1', 'node2', 'node3']) expect(hasLogged(sim, m, 'MY-011735', NO_SEED), m).toBe(true);
  });
});

describe('a nine-member ring longer than the majority timeout', () => {
  const sim = run('group-dissolves-nine-member-ring.yaml');
  const all = ['node1', 'node2', 'node3', 'node4', 'node5', 'node6', 'node7', 'node8', 'node9'];

  it('makes all nine leave on the majority timeout, and every rejoin attempt finds no seed in a group', () => {
    for (const m of all) {
      const left = logsOf(sim, m, 'MY-011711');
      expect(left.length, m).toBe(1);
      // The ring starts at 491.926 s and ends at 587.871 s: 69 s (plus detection) inside it.
      expect(left[0]!.t, m).toBeGreaterThan(560_000_000);
      expect(left[0]!.t, m).toBeLessThan(587_871_000);
      // Attempts at ~591.8 s, 300 s apart; the third one starts 1 s before the run ends.
      const failed = logsOf(sim, m, 'MY-011735').filter((e) => e.message.includes(NO_SEED));
      expect(failed.length, m).toBe(2);
      expect(logsOf(sim, m, 'MY-013373').length, m).toBe(3);
    }
    const online = sim.trace.filter((e) => e.type === 'stateChange' && e.observer === e.member && e.state === 'ONLINE' && e.t > 0);
    expect(online).toEqual([]);
    const views = sim.trace.filter((e) => e.type === 'view' && e.viewId !== '' && e.t > 491_926_000);
    expect(views).toEqual([]);
  });
});

describe('liveness-after-quiet-period does not demand convergence of a dissolved group', () => {
  // A configuration left holding only instances that will never run again (crashed, or whose XCom
  // GCS killed after "The member has failed to gracefully leave the group") can never change: no
  // majority remains to remove them (Gcs_xcom_control::do_leave, xcom_base.cc handle_remove_node).
  it.each(['group-dissolves-after-majority-timeouts.yaml', 'group-dissolves-after-failed-leave.yaml',
    'group-dissolves-nine-member-ring.yaml'])('%s is accepted', (file) => {
    expect(livenessAfterQuietPeriod.check(runRecordOf(run(file)))).toBeNull();
  });

  // Every member out of the group at once: nothing but an operator's bootstrap re-forms it.
  const base = [
    ev.view(1 * SEC, 'a', '', []), ev.self(1 * SEC, 'a', 'ERROR', ''),
    ev.view(2 * SEC, 'b', '', []), ev.self(2 * SEC, 'b', 'ERROR', ''),
  ];
  it('accepts every member out of the group for good on a hand-made trace', () => {
    expect(livenessAfterQuietPeriod.check(handRecord([...base, ev.view(3 * SEC, 'c', '', []), ev.self(3 * SEC, 'c', 'ERROR', '')], { endUs: 1_000 * SEC }))).toBeNull();
  });
  it('still rejects members out of a group that one member still holds', () => {
    const v = livenessAfterQuietPeriod.check(handRecord(base, { endUs: 1_000 * SEC }));
    expect(v?.members).toEqual(['a']);
  });
  it('applies again once a member installs a view after the dissolution (a bootstrap)', () => {
    const v = livenessAfterQuietPeriod.check(handRecord([...base, ev.view(3 * SEC, 'c', '', []), ev.self(3 * SEC, 'c', 'ERROR', ''),
      ev.view(4 * SEC, 'c', '100:9', ['c']), ev.self(4 * SEC, 'c', 'ONLINE')], { endUs: 1_000 * SEC }));
    expect(v?.members).toEqual(['a']);
  });
});
