import type { MemberHandle, Simulation } from '../../sim/simulation.js';
import { EVENT_HORIZON_MIN } from '../../xcom/constants.js';

/**
 * The two performance_schema tables grsim's core does not build yet, built here from what the
 * simulation exposes today. Each is one function so that it can be switched to the core's own
 * rows (MemberHandle.replicationGroupMemberStats() and friends) in one place.
 */

/** One row of performance_schema.replication_group_member_stats (MySQL 8.0 columns). */
export interface ReplicationGroupMemberStatsRow {
  readonly CHANNEL_NAME: 'group_replication_applier';
  readonly VIEW_ID: string;
  readonly MEMBER_ID: string;
  readonly COUNT_TRANSACTIONS_IN_QUEUE: number;
  readonly COUNT_TRANSACTIONS_CHECKED: number;
  readonly COUNT_CONFLICTS_DETECTED: number;
  readonly COUNT_TRANSACTIONS_ROWS_VALIDATING: number;
  readonly TRANSACTIONS_COMMITTED_ALL_MEMBERS: string;
  readonly LAST_CONFLICT_FREE_TRANSACTION: string;
  readonly COUNT_TRANSACTIONS_REMOTE_IN_APPLIER_QUEUE: number;
  readonly COUNT_TRANSACTIONS_REMOTE_APPLIED: number;
  readonly COUNT_TRANSACTIONS_LOCAL_PROPOSED: number;
  readonly COUNT_TRANSACTIONS_LOCAL_ROLLBACK: number;
}

/** Transactions a member proposed and saw committed so far: its workload's and its single writes'. */
function localCommitted(sim: Simulation, m: MemberHandle): { proposed: number; committed: number; rolledBack: number } {
  const w = m.workload();
  let proposed = w.submitted - w.refused, committed = w.committed, rolledBack = 0;
  for (const r of sim.writes) {
    if (r.member !== m.name || r.outcome === 'refused') continue;
    proposed++;
    if (r.outcome === 'committed') committed++;
    else if (r.outcome === 'rolled_back') rolledBack++;
  }
  return { proposed, committed, rolledBack };
}

/**
 * replication_group_member_stats as `member` shows it: one row per member it lists as ONLINE,
 * RECOVERING or UNREACHABLE, none when its plugin does not run (the table is filled from the
 * member's own certifier and the stats its peers broadcast; ps_information.cc,
 * get_group_member_stats). Adapter: grsim models no certifier or applier queue, so the queues
 * read 0 except COUNT_TRANSACTIONS_IN_QUEUE for the member itself (its transactions waiting in its
 * XCom proposer queue), and the counters count the workload's and single writes' transactions.
 */
export function replicationGroupMemberStatsRows(sim: Simulation, member: MemberHandle): ReplicationGroupMemberStatsRow[] {
  const rows: ReplicationGroupMemberStatsRow[] = [];
  const viewId = member.viewId();
  if (viewId === '') return rows;
  let groupCommitted = 0;
  for (const m of sim.members) groupCommitted += localCommitted(sim, m).committed;
  for (const r of member.replicationGroupMembers()) {
    if (r.MEMBER_STATE === 'OFFLINE' || r.MEMBER_STATE === 'ERROR') continue;
    const peer = sim.members.find((m) => m.uuid === r.MEMBER_ID)!;
    const own = localCommitted(sim, peer);
    rows.push({
      CHANNEL_NAME: 'group_replication_applier', VIEW_ID: viewId, MEMBER_ID: r.MEMBER_ID,
      COUNT_TRANSACTIONS_IN_QUEUE: peer === member ? member.workload().queued : 0,
      COUNT_TRANSACTIONS_CHECKED: groupCommitted,
      COUNT_CONFLICTS_DETECTED: 0,
      COUNT_TRANSACTIONS_ROWS_VALIDATING: 0,
      TRANSACTIONS_COMMITTED_ALL_MEMBERS: '',
      LAST_CONFLICT_FREE_TRANSACTION: '',
      COUNT_TRANSACTIONS_REMOTE_IN_APPLIER_QUEUE: 0,
      COUNT_TRANSACTIONS_REMOTE_APPLIED: groupCommitted - own.committed,
      COUNT_TRANSACTIONS_LOCAL_PROPOSED: own.proposed,
      COUNT_TRANSACTIONS_LOCAL_ROLLBACK: own.rolledBack,
    });
  }
  return rows;
}

/** One row of performance_schema.replication_group_communication_information. */
export interface ReplicationGroupCommunicationInformationRow {
  readonly WRITE_CONCURRENCY: number;
  readonly PROTOCOL_VERSION: string;
  readonly WRITE_CONSENSUS_LEADERS_PREFERRED: string;
  readonly WRITE_CONSENSUS_LEADERS_ACTUAL: string;
  readonly WRITE_CONSENSUS_SINGLE_LEADER_CAPABLE: number;
}

/**
 * replication_group_communication_information as `member` shows it: one row while its plugin is in
 * a group, none otherwise. Adapter: the communication protocol is the server's own release line
 * (8.0.16 for 8.0.16–8.0.26, 8.0.27 from 8.0.27 on: gcs_xcom_communication_protocol_changer.cc), and
 * the consensus leaders are every ONLINE member (grsim models XCom's everyone-leads mode only).
 */
export function replicationGroupCommunicationInformationRows(sim: Simulation, member: MemberHandle): ReplicationGroupCommunicationInformationRow[] {
  if (member.viewId() === '') return [];
  const [major, minor, patch] = sim.version.serverVersion.split('.').map(Number) as [number, number, number];
  const modern = major > 8 || minor > 0 || patch >= 27;
  const leaders = member.replicationGroupMembers().filter((r) => r.MEMBER_STATE === 'ONLINE').map((r) => r.MEMBER_ID).join(',');
  return [{
    WRITE_CONCURRENCY: EVENT_HORIZON_MIN, // the default write concurrency is XCom's default event horizon
    PROTOCOL_VERSION: modern ? '8.0.27' : '8.0.16',
    WRITE_CONSENSUS_LEADERS_PREFERRED: leaders,
    WRITE_CONSENSUS_LEADERS_ACTUAL: leaders,
    WRITE_CONSENSUS_SINGLE_LEADER_CAPABLE: modern ? 1 : 0,
  }];
}
