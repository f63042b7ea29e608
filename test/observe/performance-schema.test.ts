/**
 * replication_group_member_stats and replication_group_communication_information as each member
 * sees them (ps_information.cc get_group_member_stats, table_communication_information.cc
 * fetch_row_data; docs/mysql-behaviour.md §G7).
 */
import { describe, expect, it } from 'vitest';
import { communicationInformationColumns, createSimulation, type Simulation } from '../../src/index.js';
import { memberStatsRows } from '../../src/observe/performance-schema.js';
import { logsOf } from '../rules/helpers.js';

const SEC = 1_000_000;

function statsOf(sim: Simulation, observer: string, member: string) {
  const row = sim.member(observer).replicationGroupMemberStats().find((r) => r.MEMBER_ID === sim.member(member).uuid);
  expect(row, `${observer} shows a row for ${member}`).toBeDefined();
  return row!;
}

function writing(seed: number, traffic: 0 | 1) {
  return createSimulation({
    seed, members: ['node1', 'node2', 'node3'], mode: 'multi-primary', version: '8.4',
    model: { flowControlStatsTraffic: traffic },
    workload: [{ member: 'node1', rate: 200, size: 1000 }, { member: 'node2', rate: 50, size: 1000 }],
  });
}

describe('replication_group_member_stats', () => {
  it('columns in MySQL order, one row per member of the table in uuid order, each with the observer\'s view id', () => {
    const sim = writing(1, 0);
    sim.runFor('5s');
    const rows = sim.member('node2').replicationGroupMemberStats();
    expect(Object.keys(rows[0]!)).toEqual([
      'CHANNEL_NAME', 'VIEW_ID', 'MEMBER_ID', 'COUNT_TRANSACTIONS_IN_QUEUE', 'COUNT_TRANSACTIONS_CHECKED', 'COUNT_CONFLICTS_DETECTED',
      'COUNT_TRANSACTIONS_ROWS_VALIDATING', 'TRANSACTIONS_COMMITTED_ALL_MEMBERS', 'LAST_CONFLICT_FREE_TRANSACTION',
      'COUNT_TRANSACTIONS_REMOTE_IN_APPLIER_QUEUE', 'COUNT_TRANSACTIONS_REMOTE_APPLIED', 'COUNT_TRANSACTIONS_LOCAL_PROPOSED',
      'COUNT_TRANSACTIONS_LOCAL_ROLLBACK',
    ]);
    expect(rows.map((r) => r.MEMBER_ID)).toEqual(sim.members.map((m) => m.uuid).sort());
    expect(new Set(rows.map((r) => r.VIEW_ID))).toEqual(new Set([sim.member('node2').viewId()]));
    expect(rows.every((r) => r.CHANNEL_NAME === 'group_replication_applier')).toBe(true);
  });

  it.each([[0], [1]] as const)('flowControlStatsTraffic %i: the local row is current; the others\' rows are what they broadcast at most one period ago', (traffic) => {
    const sim = writing(2, traffic);
    sim.runFor('10s');
    const w1 = sim.member('node1').workload().committed, w2 = sim.member('node2').workload().committed;
    expect(w1).toBeGreaterThan(1000);
    const own = statsOf(sim, 'node1', 'node1');
    // Every transaction is certified on every member; local ones are proposed here, remote ones applied.
    expect(own.COUNT_TRANSACTIONS_LOCAL_PROPOSED).toBe(w1);
    expect(own.COUNT_TRANSACTIONS_REMOTE_APPLIED).toBe(w2);
    expect(own.COUNT_TRANSACTIONS_CHECKED).toBe(w1 + w2);
    const third = statsOf(sim, 'node3', 'node3');
    expect(third.COUNT_TRANSACTIONS_LOCAL_PROPOSED).toBe(0);
    expect(third.COUNT_TRANSACTIONS_REMOTE_APPLIED).toBe(w1 + w2);
    // node3's copy of node1's row is older than node1's own, but not by more than one period (1 s at 200/s + 50/s).
    const seen = statsOf(sim, 'node3', 'node1');
    expect(seen.COUNT_TRANSACTIONS_LOCAL_PROPOSED).toBeLessThanOrEqual(w1);
    expect(seen.COUNT_TRANSACTIONS_LOCAL_PROPOSED).toBeGreaterThanOrEqual(w1 - 2 * 200);
    expect(seen.COUNT_TRANSACTIONS_CHECKED).toBeGreaterThan(0);
    expect(seen.COUNT_TRANSACTIONS_CHECKED).toBeLessThanOrEqual(own.COUNT_TRANSACTIONS_CHECKED);
  });

  it('a frozen member broadcasts nothing: the others keep its last row while its own keeps counting after the thaw', () => {
    const sim = writing(3, 0);
    sim.runFor('5s');
    sim.network.freeze('node2');
    sim.runFor('1.5s');
    const frozenAt = statsOf(sim, 'node1', 'node2').COUNT_TRANSACTIONS_CHECKED;
    sim.runFor('3s');
    expect(statsOf(sim, 'node1', 'node2').COUNT_TRANSACTIONS_CHECKED).toBe(frozenAt);
    sim.network.thaw('node2');
    sim.runFor('3s');
    expect(statsOf(sim, 'node1', 'node2').COUNT_TRANSACTIONS_CHECKED).toBeGreaterThan(frozenAt);
  });

  it('after STOP GROUP_REPLICATION only the member\'s own row is left, with no view and no counts; a crashed server shows none', () => {
    const sim = writing(4, 0);
    sim.runFor('5s');
    sim.member('node3').stopGroupReplication();
    sim.runFor('5s');
    const rows = sim.member('node3').replicationGroupMemberStats();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ MEMBER_ID: sim.member('node3').uuid, VIEW_ID: '', COUNT_TRANSACTIONS_CHECKED: 0, COUNT_TRANSACTIONS_REMOTE_APPLIED: 0 });
    sim.network.crash('node2');
    expect(sim.member('node2').replicationGroupMemberStats()).toEqual([]);
  });

  it('an expelled member shows the leave view GCS installed (the last view\'s id plus one) until GCS leaves: STOP, or an auto-rejoin attempt', () => {
    for (const tries of [0, 1]) {
      const sim = createSimulation({ seed: 8, version: '8.0.21', members: ['node1', 'node2', { name: 'node3', options: { group_replication_autorejoin_tries: tries } }] });
      sim.runFor('10s');
      const node3 = sim.member('node3');
      const [fixed, number] = node3.viewId().split(':');
      sim.network.isolate('node3');
      sim.runFor('40s');
      sim.network.heal('node3');
      expect(sim.runUntil(() => node3.state === 'ERROR', { limit: '60s' })).toBe(true);
      expect(node3.viewId()).toBe('');
      const leaveView = `${fixed}:${Number(number) + 1}`;
      expect(node3.replicationGroupMemberStats().map((r) => [r.MEMBER_ID, r.VIEW_ID])).toEqual([[node3.uuid, leaveView]]);
      if (tries === 0) {
        sim.runFor('30s');
        expect(node3.replicationGroupMemberStats()[0]!.VIEW_ID).toBe(leaveView);
        node3.stopGroupReplication();
        sim.runFor('5s');
      } else {
        expect(sim.runUntil(() => logsOf(sim, 'node3', 'MY-013373').length > 0 && node3.replicationGroupMemberStats()[0]!.VIEW_ID !== leaveView, { limit: '10s' })).toBe(true);
        expect(node3.state).toBe('ERROR');
      }
      expect(node3.replicationGroupMemberStats()[0]!.VIEW_ID).toBe('');
    }
  });

  it('a START begins with new counters (a new applier module) and no stats received', () => {
    const sim = writing(5, 0);
    sim.runFor('5s');
    sim.member('node3').stopGroupReplication();
    sim.runFor('5s');
    sim.member('node3').startGroupReplication();
    sim.runUntil(() => sim.member('node3').state === 'RECOVERING', { limit: '30s' });
    const started = sim.nowUs;
    sim.runFor('3s');
    const own = statsOf(sim, 'node3', 'node3');
    const delivered = sim.member('node1').workload().committed + sim.member('node2').workload().committed;
    // Only what was delivered since the join view: far fewer than the group's total.
    expect(own.COUNT_TRANSACTIONS_CHECKED).toBeGreaterThan(0);
    expect(own.COUNT_TRANSACTIONS_CHECKED).toBeLessThanOrEqual(Math.ceil(((sim.nowUs - started) / SEC) * 250) + 250);
    expect(own.COUNT_TRANSACTIONS_CHECKED).toBeLessThan(delivered / 2);
  });

  it('the mapping leaves the columns grsim does not count at 0 or empty, and zeroes everything without an applier module', () => {
    const stats = {
      waitingCertification: 0, waitingApply: 7, certified: 10, applied: 4, local: 6, localRollback: 0,
      negativeCertified: 0, rowsValidating: 0, committedAllMembers: '', lastConflictFree: '',
    };
    const rows = memberStatsRows([{ uuid: 'b', local: true, stats }, { uuid: 'a', local: false, stats: null }], 'v:3', true);
    expect(rows.map((r) => r.MEMBER_ID)).toEqual(['a', 'b']);
    expect(rows[1]).toMatchObject({ COUNT_TRANSACTIONS_CHECKED: 10, COUNT_TRANSACTIONS_REMOTE_IN_APPLIER_QUEUE: 7, COUNT_TRANSACTIONS_REMOTE_APPLIED: 4, COUNT_TRANSACTIONS_LOCAL_PROPOSED: 6 });
    expect(rows[0]).toMatchObject({ COUNT_TRANSACTIONS_CHECKED: 0, TRANSACTIONS_COMMITTED_ALL_MEMBERS: '' });
    const stopped = memberStatsRows([{ uuid: 'b', local: true, stats }], '', false);
    expect(stopped[0]!.COUNT_TRANSACTIONS_CHECKED).toBe(0);
  });
});

describe('replication_group_communication_information', () => {
  it('8.4: write concurrency 10, protocol 8.0.27, every member leads, single leader 0, suspicion counts per uuid', () => {
    const sim = createSimulation({ seed: 1, members: ['node1', 'node2', 'node3'], version: '8.4' });
    sim.runFor('3s');
    const rows = sim.member('node2').replicationGroupCommunicationInformation();
    expect(rows).toHaveLength(1);
    const uuids = sim.members.map((m) => m.uuid);
    expect(Object.keys(rows[0]!)).toEqual(communicationInformationColumns('8.4'));
    // Plain rows, as a SQL front end serves them: column name → string | number | null.
    const plain: readonly Readonly<Record<string, string | number | null>>[] = [...rows, ...sim.member('node2').replicationGroupMemberStats()];
    expect(plain.every((r) => Object.values(r).every((v) => typeof v === 'string' || typeof v === 'number'))).toBe(true);
    expect(rows[0]).toEqual({
      WRITE_CONCURRENCY: 10, PROTOCOL_VERSION: '8.0.27',
      WRITE_CONSENSUS_LEADERS_PREFERRED: uuids.join(','), WRITE_CONSENSUS_LEADERS_ACTUAL: uuids.join(','),
      WRITE_CONSENSUS_SINGLE_LEADER_CAPABLE: 0,
      MEMBER_FAILURE_SUSPICIONS_COUNT: `{${[...uuids].sort().map((u) => `"${u}":0`).join(',')}}`,
    });
  });

  it('a suspicion is counted by each observer that created it, once however long it lasts', () => {
    const sim = createSimulation({ seed: 2, members: ['node1', 'node2', 'node3'], version: '9.x', options: { group_replication_member_expel_timeout: 60 } });
    sim.runFor('3s');
    sim.network.isolate('node3');
    sim.runFor('40s');
    const u3 = sim.member('node3').uuid;
    for (const o of ['node1', 'node2']) {
      expect(JSON.parse(sim.member(o).replicationGroupCommunicationInformation()[0]!.MEMBER_FAILURE_SUSPICIONS_COUNT!)[u3]).toBe(1);
    }
    sim.network.heal('node3');
    sim.runFor('10s');
    sim.network.isolate('node3');
    sim.runFor('20s');
    expect(JSON.parse(sim.member('node1').replicationGroupCommunicationInformation()[0]!.MEMBER_FAILURE_SUSPICIONS_COUNT!)[u3]).toBe(2);
  });

  it('8.0.20 and 8.0.21 have no such table; 8.4 and 9.x have MEMBER_FAILURE_SUSPICIONS_COUNT', () => {
    expect(communicationInformationColumns('8.0.20')).toBeNull();
    expect(communicationInformationColumns('8.0.21')).toBeNull();
    expect(communicationInformationColumns('9.x')).toContain('MEMBER_FAILURE_SUSPICIONS_COUNT');
    const sim = createSimulation({ seed: 1, members: ['node1', 'node2', 'node3'], version: '8.0.21' });
    sim.runFor('3s');
    expect(sim.member('node1').replicationGroupCommunicationInformation()).toEqual([]);
  });

  it('no row while the member is not in a group (the write concurrency cannot be read)', () => {
    const sim = createSimulation({ seed: 1, members: ['node1', 'node2', 'node3'], version: '8.4' });
    sim.runFor('3s');
    sim.member('node3').stopGroupReplication();
    sim.runFor('5s');
    expect(sim.member('node3').replicationGroupCommunicationInformation()).toEqual([]);
    expect(sim.member('node1').replicationGroupCommunicationInformation()[0]!.WRITE_CONSENSUS_LEADERS_ACTUAL.split(',')).toHaveLength(2);
  });
});
