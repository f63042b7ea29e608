/**
 * MySQL's MTR test group_replication.gr_join_with_suspect_member (WL#11570), step by step: with
 * group_replication_member_expel_timeout = 300 and server 3 stopped by SIGSTOP, server 4's START
 * GROUP_REPLICATION fails ("Timeout on wait for view after joining group", MY-011640: no view is
 * installed while a member is suspected) and server 3 is not expelled; setting the expel timeout to 0
 * expels server 3 at once (the suspicions thread is woken when the timeout changes); then server 4's
 * START succeeds; server 3 resumes, is told it was expelled, and STOP then START brings it back, so
 * all four are ONLINE.
 *
 * grsim's startGroupReplication() returns at once and the join runs in virtual time, so where the
 * MTR test reads START's ER_GROUP_REPLICATION_CONFIGURATION this test reads the error log and the
 * member's state after the START's 60 s view wait.
 */
import { describe, expect, it } from 'vitest';
import { createSimulation, type Simulation } from '../../src/index.js';
import { addr, logsOf, SEC } from './helpers.js';

const SERVERS = ['node1', 'node2', 'node3', 'node4'];

function countIn(sim: Simulation, observer: string, state: string): number {
  return sim.member(observer).replicationGroupMembers().filter((r) => r.MEMBER_STATE === state).length;
}

/** wait_condition.inc: polls until `cond` holds, for at most 5 virtual minutes. */
function waitFor(sim: Simulation, what: string, cond: () => boolean): void {
  expect(sim.runUntil(() => cond(), { limit: '300s' }), what).toBe(true);
}

describe('gr_join_with_suspect_member', () => {
  it.each([1, 2, 3])('seed %i: START fails while a suspicion is active; an expel timeout of 0 expels the suspect at once; then START succeeds and all four end ONLINE', (seed) => {
    const sim = createSimulation({ seed, members: SERVERS, mode: 'single-primary' });
    // 1. A group of three: server 4 does not run Group Replication.
    sim.runFor('2s');
    sim.member('node4').stopGroupReplication();
    waitFor(sim, 'a group of three', () => sim.member('node1').replicationGroupMembers().length === 3);
    // 2. SET GLOBAL group_replication_member_expel_timeout = 300 on every server.
    for (const m of SERVERS) sim.member(m).set('group_replication_member_expel_timeout', 300);
    // 3. SIGSTOP server 3.  4. Servers 1 and 2 stay ONLINE; server 3 is UNREACHABLE, not expelled.
    sim.network.freeze('node3');
    for (const o of ['node1', 'node2']) {
      waitFor(sim, `${o}: 2 ONLINE, 1 UNREACHABLE`, () => countIn(sim, o, 'ONLINE') === 2 && countIn(sim, o, 'UNREACHABLE') === 1);
    }
    // 5. START on server 4 fails: no view while server 3 is suspected.
    const start = sim.nowUs;
    expect(sim.member('node4').startGroupReplication()).toEqual({ ok: true });
    waitFor(sim, 'the START gave up', () => logsOf(sim, 'node4', 'MY-011640').some((e) => e.t >= start));
    const timeout = logsOf(sim, 'node4', 'MY-011640').filter((e) => e.t >= start);
    expect(timeout.map((e) => [e.level, e.message])).toEqual([['ERROR', 'Timeout on wait for view after joining group']]);
    sim.runFor('1s');
    expect(sim.member('node4').state).toBe('OFFLINE');
    expect(sim.member('node4').superReadOnly).toBe(true);
    // Server 3 is still UNREACHABLE on server 1 (not expelled), and server 4 is not a member.
    expect(countIn(sim, 'node1', 'ONLINE')).toBe(2);
    expect(countIn(sim, 'node1', 'UNREACHABLE')).toBe(1);
    expect(sim.member('node1').replicationGroupMembers().some((r) => r.MEMBER_HOST === sim.member('node4').host)).toBe(false);
    expect(logsOf(sim, 'node1', 'MY-011499').filter((e) => e.t >= start)).toEqual([]);
    // 6. group_replication_member_expel_timeout = 0 on servers 1, 2 and 4: server 3 is expelled at once.
    const lowered = sim.nowUs;
    for (const m of ['node1', 'node2', 'node4']) sim.member(m).set('group_replication_member_expel_timeout', 0);
    waitFor(sim, 'server 3 expelled', () => sim.member('node1').replicationGroupMembers().length === 2);
    const removed = logsOf(sim, 'node1', 'MY-011499').filter((e) => e.t >= lowered);
    expect(removed.map((e) => e.message)).toEqual([`Members removed from the group: ${addr(sim, 'node3')}`]);
    // At once: the suspicions thread is woken by the change, not left to its 15 s period.
    expect(removed[0]!.t - lowered).toBeLessThan(5 * SEC);
    expect(countIn(sim, 'node1', 'ONLINE')).toBe(2);
    // 7. START on server 4 succeeds.
    sim.member('node4').startGroupReplication();
    waitFor(sim, 'server 4 ONLINE on server 1', () => countIn(sim, 'node1', 'ONLINE') === 3);
    expect(sim.member('node4').state).toBe('ONLINE');
    // 8. Server 3 resumes; STOP and START bring it back.
    sim.network.thaw('node3');
    sim.runFor('10s');
    sim.member('node3').stopGroupReplication();
    sim.runFor('5s');
    expect(sim.member('node3').state).toBe('OFFLINE');
    sim.member('node3').startGroupReplication();
    waitFor(sim, 'all four ONLINE on server 1', () => countIn(sim, 'node1', 'ONLINE') === 4);
    expect(new Set(SERVERS.map((m) => sim.member(m).viewId())).size).toBe(1);
  });
});
