/**
 * MySQL's MTR test group_replication.gr_suspect_member_statistics, step by step: in a 3-member
 * group with group_replication_member_expel_timeout = 15, server 3 is killed and brought back three
 * times; each time server 1's replication_group_communication_information counts one more
 * suspicion of it in MEMBER_FAILURE_SUSPICIONS_COUNT (1, 2, 3), while the restarted server 3 counts
 * 0 for itself; then server 2 is killed once: server 1 shows 1 for server 2 and still 3 for server 3.
 * The count is kept per member address by the observer's GCS statistics manager, so a restarted
 * server keeps adding to the same entry (docs/mysql-behaviour.md §G7).
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

/** Suspicions `observer`'s GCS created of `suspect` since `fromUs`, from the trace. */
function created(sim: Simulation, observer: string, suspect: string, fromUs = 0): number {
  return sim.trace.filter((e) => e.type === 'suspicion' && e.action === 'created' && e.member === observer && e.suspect === suspect && e.t >= fromUs).length;
}

describe('gr_suspect_member_statistics', () => {
  it.each([1, 2, 3])('seed %i: each crash of server 3 adds one suspicion on the observers; a restarted server counts from zero; the count survives the suspect\'s restarts', (seed) => {
    const sim = createSimulation({ seed, version: '8.4', members: ['node1', 'node2', 'node3'], mode: 'single-primary' });
    for (const m of ['node1', 'node2', 'node3']) sim.member(m).set('group_replication_member_expel_timeout', 15);
    sim.runFor('5s');
    const uuid1 = sim.member('node1').uuid, uuid2 = sim.member('node2').uuid, uuid3 = sim.member('node3').uuid;
    // Every member of the observer's table is listed, never-suspected ones with 0, in uuid order, no spaces.
    const text = sim.member('node1').replicationGroupCommunicationInformation()[0]!.MEMBER_FAILURE_SUSPICIONS_COUNT!;
    expect(text).toBe(`{${[uuid1, uuid2, uuid3].sort().map((u) => `"${u}":0`).join(',')}}`);
    let restartedAt = 0;
    for (let round = 1; round <= 3; round++) {
      const before = suspicionsOn(sim, 'node1')[uuid3]!;
      sim.network.crash('node3');
      for (const o of ['node1', 'node2']) {
        waitFor(sim, `${o} shows 2 ONLINE, 1 UNREACHABLE`, () => countIn(sim, o, 'ONLINE') === 2 && countIn(sim, o, 'UNREACHABLE') === 1);
      }
      // 4.1: one more suspicion of server 3 than before the crash.
      expect(suspicionsOn(sim, 'node1')[uuid3]).toBe(before + 1);
      if (round === 1) expect(suspicionsOn(sim, 'node1')[uuid3]).toBe(1);
      for (const o of ['node1', 'node2']) waitFor(sim, `${o} expelled node3`, () => sim.member(o).replicationGroupMembers().length === 2);
      sim.network.restart('node3');
      restartedAt = sim.nowUs;
      for (const m of ['node1', 'node2', 'node3']) waitFor(sim, `${m} shows 3 ONLINE`, () => countIn(sim, m, 'ONLINE') === 3);
      // The observer's count is its GCS's count of suspicions it created, kept across the suspect's restarts.
      expect(suspicionsOn(sim, 'node1')[uuid3]).toBe(created(sim, 'node1', 'node3'));
      // 8.1: the restarted server counts only what its new process saw (0 unless it was suspected while joining).
      expect(suspicionsOn(sim, 'node3')[uuid3]).toBe(created(sim, 'node3', 'node3', restartedAt));
      expect(suspicionsOn(sim, 'node3')[uuid1]).toBe(created(sim, 'node3', 'node1', restartedAt));
    }
    expect(created(sim, 'node1', 'node3')).toBeGreaterThanOrEqual(3);
  });

  // Known divergence: a restarted server added back to the group can stay silent until its peers'
  // XCom dial back-off towards its address expires (up to 10 s): XCom reuses the server entry of that
  // address, sender task and back-off included (xcom_transport.cc update_servers, find_server; the
  // entry lives while an older retained site still lists it, garbage_collect_servers), so nothing
  // resets the wait on re-add. Its peers then suspect it while it joins and it counts itself
  // suspected. The view now waits for its state message (gcs_xcom_state_exchange.cc), but in grsim
  // the joiner boots as soon as its add_node is decided and catches up through its own connections,
  // so it sends its state and is a member when the suspicion comes. In MySQL it boots only from a
  // member's snapshot (xcom_base.cc handle_alive: need_boot_op, process_need_boot_op), which needs a
  // member's connection to it, so those suspicions would be of a non-member; whether non-member
  // suspicions count in MEMBER_FAILURE_SUSPICIONS_COUNT depends on the call site of
  // add_suspicious_for_a_node, not found in the stored sources. This pins the MTR assertions verbatim.
  it.fails('MTR assertions verbatim: 1, 2, 3 on server 1; 0 on the restarted server 3; then 1 for server 2 and 3 for server 3', () => {
    const sim = createSimulation({ seed: 1, version: '8.4', members: ['node1', 'node2', 'node3'], mode: 'single-primary' });
    for (const m of ['node1', 'node2', 'node3']) sim.member(m).set('group_replication_member_expel_timeout', 15);
    sim.runFor('5s');
    const uuid3 = sim.member('node3').uuid, uuid2 = sim.member('node2').uuid;
    for (let round = 1; round <= 3; round++) {
      crashRound(sim, 'node3', ['node1', 'node2'], round);
      expect(suspicionsOn(sim, 'node3')[uuid3]).toBe(0);
    }
    crashRound(sim, 'node2', ['node1', 'node3'], 1);
    const onNode1 = suspicionsOn(sim, 'node1');
    expect(onNode1[uuid2]).toBe(1);
    expect(onNode1[uuid3]).toBe(3);
  });

  it('the restarted server counts from zero: a new process has a new GCS statistics manager', () => {
    const sim = createSimulation({ seed: 4, version: '8.4', members: ['node1', 'node2', 'node3'], mode: 'single-primary' });
    sim.runFor('5s');
    sim.network.crash('node2');
    sim.runFor('7s');
    expect(suspicionsOn(sim, 'node3')[sim.member('node2').uuid]).toBe(1);
    sim.runFor('20s');
    // Expelled: no longer in the member table, so no longer listed.
    expect(suspicionsOn(sim, 'node3')[sim.member('node2').uuid]).toBeUndefined();
    sim.network.restart('node2');
    waitFor(sim, 'node2 back', () => countIn(sim, 'node1', 'ONLINE') === 3);
    expect(suspicionsOn(sim, 'node3')[sim.member('node2').uuid]).toBe(1);
    sim.network.crash('node3');
    expect(sim.member('node3').replicationGroupCommunicationInformation()).toEqual([]);
    sim.network.restart('node3');
    // Not in a group yet: no row (the write concurrency cannot be read).
    expect(sim.member('node3').replicationGroupCommunicationInformation()).toEqual([]);
    waitFor(sim, 'node3 back', () => countIn(sim, 'node3', 'ONLINE') === 3);
    expect(Object.values(suspicionsOn(sim, 'node3'))).toEqual([0, 0, 0]);
  });
});
