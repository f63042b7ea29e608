/**
 * A member can suspect itself: a global view is a value of the log, and every member delivers the
 * node set its proposer's detector saw, itself included (issue 10, faithful).
 *
 * Case (the expel-timing scenario, seed 3, default model): three members multi-primary, node3
 * isolated at 10 s and healed at 22 s, expel timeout 5 s.
 * - At 14.52 s node3's detector finds node1 silent for 5 s while node2 is not yet (it heard node2
 *   last); node1 and node2 are both silent for more than 4 s, so node3 is the detector leader
 *   (xcom_detector.cc: the lowest node not may_be_dead and in the global node set) and, seeing 2 of
 *   3 alive (enough_live_nodes), proposes a global view {node2, node3} (send_my_view). Isolated, it
 *   cannot get it accepted; XCom's proposer task keeps the value and, when a synode it tried is
 *   taken by another value, tries the next one until its own value is learned (xcom_base.cc,
 *   proposer_task: "match_my_msg ... else GOTO(retry_new)"; no expiry). After the heal it is decided
 *   and executed by all three (execute_msg, case view_msg, delivers it without looking at its age).
 * - node1's GCS builds member suspects as the failed nodes of that view that are in its current
 *   view, with no exception for itself (gcs_xcom_control_interface.cc, xcom_receive_global_view,
 *   build_member_suspect_nodes; Gcs_suspicions_manager::add_suspicions), so node1 suspects node1.
 *   The suspicions manager is written for it: a timed-out suspicion of the member itself sets
 *   force_remove, so a non-killer removes itself (Gcs_suspicions_manager::run_process_suspicions).
 *   Here node2's view {node1, node2, node3} follows within a second and clears it
 *   (remove_suspicions for the alive nodes), long before the 5 s expel timeout.
 * - node3, catching up after the heal, executes the view the majority decided during the split
 *   ({node1, node2}) and suspects itself too, cleared by the next view in the same batch.
 */
import { describe, expect, it } from 'vitest';
import { createSimulation, type SuspicionEvent } from '../../src/index.js';
import { logsAnywhere, SEC } from './helpers.js';

const CUT_US = 10 * SEC;
const HEAL_US = 22 * SEC;

describe('self-suspicions after a 12 s isolation of node3 (seed 3, expel timeout 5 s)', () => {
  const sim = createSimulation({ seed: 3, members: ['node1', 'node2', 'node3'], mode: 'multi-primary' });
  sim.at(CUT_US, (s) => s.network.isolate('node3'));
  sim.at(HEAL_US, (s) => s.network.heal('node3'));
  sim.runFor('120s');
  const suspicions = sim.trace.filter((e): e is SuspicionEvent => e.type === 'suspicion');
  const of = (member: string, suspect: string) => suspicions.filter((e) => e.member === member && e.suspect === suspect);

  it("node3's detector saw node1 failed and node2 still alive, 4.5 s into the isolation", () => {
    const first = sim.trace.find((e) => e.type === 'localView' && e.member === 'node3' && e.t > CUT_US);
    expect(first).toMatchObject({ alive: ['node2', 'node3'], failed: ['node1'] });
    expect(first!.t).toBeLessThan(15 * SEC);
  });

  it('node1 suspects itself once that view is decided after the heal, and node2 suspects node1; both are cleared within a second', () => {
    expect(suspicions.filter((e) => e.member === e.suspect && e.t < HEAL_US)).toEqual([]);
    for (const member of ['node1', 'node2']) {
      const s = of(member, 'node1');
      expect(s.map((e) => [e.action, e.nonMember]), member).toEqual([['created', false], ['cleared', false]]);
      expect(s[0]!.t, member).toBeGreaterThan(HEAL_US);
      expect(s[0]!.t, member).toBeLessThan(HEAL_US + 1 * SEC);
      expect(s[1]!.t - s[0]!.t, member).toBeLessThan(1 * SEC);
    }
  });

  it('node3 suspects itself when it executes the view the majority decided during the split, cleared at once', () => {
    const s = of('node3', 'node3');
    expect(s.map((e) => e.action)).toEqual(['created', 'cleared']);
    expect(s[0]!.t).toBeGreaterThan(HEAL_US);
    expect(s[1]!.t - s[0]!.t).toBeLessThan(1 * SEC);
  });

  it('no self-suspicion times out: nobody is expelled or leaves, and all three stay ONLINE in one view', () => {
    expect(suspicions.filter((e) => e.action === 'timedOut' || e.action === 'expelRequested')).toEqual([]);
    expect(logsAnywhere(sim, 'MY-011499')).toEqual([]);
    expect(logsAnywhere(sim, 'MY-011505')).toEqual([]);
    const ids = ['node1', 'node2', 'node3'].map((m) => sim.member(m).viewId());
    expect(new Set(ids).size).toBe(1);
    for (const m of ['node1', 'node2', 'node3']) {
      expect(sim.member(m).replicationGroupMembers().map((r) => r.MEMBER_STATE), m).toEqual(['ONLINE', 'ONLINE', 'ONLINE']);
    }
  });
});
