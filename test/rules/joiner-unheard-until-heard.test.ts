/**
 * A node an add_node configuration brings in is not alive to a member until that member hears it
 * (xcom_transport.cc mksrv starts a server entry's stamp at 0, xcom_detector.cc reset_disjunct_servers
 * clears it when a removal takes effect, update_detected copies it into the new site): the member's
 * local view marks the joiner failed, GCS suspects it as a non-member, and the detector leader's
 * global views leave it out, so no membership view lists it before it is heard. Such suspicions are
 * not counted in MEMBER_FAILURE_SUSPICIONS_COUNT (docs/mysql-behaviour.md §X2, §G7).
 */
import { describe, expect, it } from 'vitest';
import { createSimulation, type SimEvent } from '../../src/index.js';

type Ev<T extends SimEvent['type']> = Extract<SimEvent, { type: T }>;

describe('a joiner is not alive to a member until it is heard', () => {
  /**
   * As in MTR gr_suspect_member_statistics: expel timeout 15 s, node3 crashes and restarts once
   * node1 has expelled it; the peers' dial back-off towards its address delays hearing it.
   */
  function rejoin(addedNodeUnheard: 0 | 1) {
    const sim = createSimulation({ seed: 1, version: '8.4', members: ['node1', 'node2', 'node3'], mode: 'single-primary', model: { addedNodeUnheard } });
    for (const m of ['node1', 'node2', 'node3']) sim.member(m).set('group_replication_member_expel_timeout', 15);
    sim.runFor('5s');
    sim.network.crash('node3');
    expect(sim.runUntil(() => sim.member('node1').replicationGroupMembers().length === 2, { limit: '120s' })).toBe(true);
    const restartedAt = sim.nowUs;
    sim.network.restart('node3');
    expect(sim.runUntil(() => sim.member('node1').replicationGroupMembers().filter((r) => r.MEMBER_STATE === 'ONLINE').length === 3, { limit: '120s' })).toBe(true);
    const after = <T extends SimEvent['type']>(type: T) => sim.trace.filter((e): e is Ev<T> => e.type === type && e.t >= restartedAt);
    const added = after('config').find((e) => e.member === 'node1' && e.nodes.includes('node3'))!;
    const joinView = after('view').find((e) => e.member === 'node1' && e.members.includes('node3'))!;
    const heard = after('localView').find((e) => e.member === 'node1' && e.alive.includes('node3'))!;
    const all = after('suspicion').filter((e) => e.member === 'node1' && e.suspect === 'node3');
    const suspicions = all.filter((e) => e.action === 'created');
    return { sim, added, joinView, heard, suspicions, all };
  }

  it('the member suspects the joiner as a non-member from the activation until it hears it, and the join view follows', () => {
    const { sim, added, joinView, heard, suspicions } = rejoin(1);
    expect(added).toBeDefined();
    expect(suspicions.map((e) => e.nonMember)).toEqual([true]);
    expect(suspicions[0]!.t).toBeGreaterThanOrEqual(added.t);
    expect(suspicions[0]!.t).toBeLessThan(heard.t);
    expect(joinView.t).toBeGreaterThan(heard.t);
    // Not counted: node1 counts node3's crash only.
    const row = sim.member('node1').replicationGroupCommunicationInformation()[0]!;
    expect((JSON.parse(row.MEMBER_FAILURE_SUSPICIONS_COUNT!) as Record<string, number>)[sim.member('node3').uuid]).toBe(1);
  });

  it('the suspicion is cleared when the joiner is heard, and its end is reported as a non-member one too', () => {
    const { all, heard } = rejoin(1);
    expect(all.map((e) => [e.action, e.nonMember])).toEqual([['created', true], ['cleared', true]]);
    expect(all[1]!.t).toBe(heard.t);
  });

  it('a joiner that stops once added is expelled as a non-member 60 s on: the killer node asks for it as such', () => {
    // NON_MEMBER_EXPEL_TIMEOUT (gcs_xcom_control_interface.cc) applies; node1, the first alive
    // node, is the killer node. Frozen, node3 cannot give up its join (MY-011640) first.
    const sim = createSimulation({ seed: 1, version: '8.4', members: ['node1', 'node2', 'node3'], mode: 'single-primary', model: { addedNodeUnheard: 1 } });
    sim.runFor('5s');
    sim.network.crash('node3');
    expect(sim.runUntil(() => sim.member('node1').replicationGroupMembers().length === 2, { limit: '120s' })).toBe(true);
    sim.network.restart('node3');
    const t0 = sim.nowUs;
    expect(sim.runUntil(() => sim.trace.some((e) => e.t >= t0 && e.type === 'config' && e.member === 'node1' && e.nodes.includes('node3')), { limit: '120s' })).toBe(true);
    sim.network.freeze('node3');
    sim.runFor('120s');
    const of1 = sim.trace.filter((e): e is Ev<'suspicion'> => e.type === 'suspicion' && e.t >= t0 && e.member === 'node1' && e.suspect === 'node3');
    expect(of1.map((e) => [e.action, e.nonMember])).toEqual([['created', true], ['timedOut', true], ['expelRequested', true]]);
    expect(of1[1]!.t - of1[0]!.t).toBeGreaterThan(60_000_000);
  });

  it('with the earlier approximation (model addedNodeUnheard 0) the joiner counts as heard at the activation: no suspicion', () => {
    const { suspicions, added, heard } = rejoin(0);
    expect(suspicions).toEqual([]);
    expect(heard.t).toBeLessThan(added.t + 1_100_000);
  });
});
