/**
 * MySQL's MTR test group_replication.gr_suspect_member_statistics, step by step: in a 3-member
 * group with group_replication_member_expel_timeout = 15, server 3 is killed and brought back three
 * times; each time server 1's replication_group_communication_information counts one more
 * suspicion of it in MEMBER_FAILURE_SUSPICIONS_COUNT (1, 2, 3), while the restarted server 3 counts
 * 0 for itself; then server 2 is killed once: server 1 shows 1 for server 2 and still 3 for server 3.
 * The count is kept per member address by the observer's GCS statistics manager, so a restarted
 * server keeps adding to the same entry (docs/mysql-behaviour.md §G14).
 *
 * The MTR test restarts mysqld at once with group_replication_start_on_boot OFF and runs START
 * GROUP_REPLICATION after the expel; grsim's restart starts Group Replication on boot, so the
 * restart is done where the MTR test runs START (a server without the plugin running is invisible
 * to the group either way).
 */
import { describe, expect, it } from 'vitest';
import { createSimulation, type Simulation } from '../../src/index.js';

function suspicionsOn(sim: Simulation, observer: string): Record<string, number> {
  const rows = sim.member(observer).replicationGroupCommunicationInformation();
  expect(rows).toHaveLength(1);
  return JSON.parse(rows[0]!.MEMBER_FAILURE_SUSPICIONS_COUNT!) as Record<string, number>;
}

function countIn(sim: Simulation, observer: string, state: string): number {
  return sim.member(observer).replicationGroupMembers().filter((r) => r.MEMBER_STATE === state).length;
}

/** wait_condition.inc: polls until `cond` holds, for at most 5 virtual minutes. */
function waitFor(sim: Simulation, what: string, cond: () => boolean): void {
  expect(sim.runUntil(() => cond(), { limit: '300s' }), what).toBe(true);
}

/** kill, wait for UNREACHABLE on `observers`, check the count, wait for the expel, START, wait for 3 ONLINE. */
function crashRound(sim: Simulation, victim: string, observers: readonly string[], expected: number): void {
  const uuid = sim.member(victim).uuid;
  sim.network.crash(victim);
  for (const o of observers) {
    waitFor(sim, `${o} shows 2 ONLINE, 1 UNREACHABLE`, () => countIn(sim, o, 'ONLINE') === 2 && countIn(sim, o, 'UNREACHABLE') === 1);
  }
  expect(suspicionsOn(sim, observers[0]!)[uuid], `suspicions of ${victim} seen by ${observers[0]}`).toBe(expected);
  for (const o of observers) waitFor(sim, `${o} expelled ${victim}`, () => sim.member(o).replicationGroupMembers().length === 2);
  sim.network.restart(victim);
  for (const m of ['node1', 'node2', 'node3']) waitFor(sim, `${m} shows 3 ONLINE`, () => countIn(sim, m, 'ONLINE') === 3);
}

describe('gr_suspect_member_statistics', () => {
  it.each([1, 2, 3])('seed %i: the observer counts 1, 2, 3 suspicions over three crash rounds of server 3, the restarted server 0; then 1 for server 2', (seed) => {
    const sim = createSimulation({ seed, version: '8.4', members: ['node1', 'node2', 'node3'], mode: 'single-primary' });
    for (const m of ['node1', 'node2', 'node3']) sim.member(m).set('group_replication_member_expel_timeout', 15);
    sim.runFor('5s');
    const uuid3 = sim.member('node3').uuid, uuid2 = sim.member('node2').uuid;
    expect(suspicionsOn(sim, 'node1')).toEqual({ [sim.member('node1').uuid]: 0, [uuid2]: 0, [uuid3]: 0 });
    for (let round = 1; round <= 3; round++) {
      crashRound(sim, 'node3', ['node1', 'node2'], round);
      // 8.1: the restarted server has seen no suspicion of itself (a new process counts from zero).
      expect(suspicionsOn(sim, 'node3')[uuid3]).toBe(0);
    }
    crashRound(sim, 'node2', ['node1', 'node3'], 1);
    const onNode1 = suspicionsOn(sim, 'node1');
    expect(onNode1[uuid2]).toBe(1);
    expect(onNode1[uuid3]).toBe(3);
  });
});
