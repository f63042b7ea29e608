/**
 * performance_schema tables of the Group Replication plugin as one member shows them, built from
 * plain inputs (docs/mysql-behaviour.md §G7). Rows are plain objects keyed by MySQL's column
 * names, so that a SQL front end can serve them as they are.
 */
import type { PipelineMemberStats } from '../gr/pipeline-stats.js';
import type { VersionName } from '../types.js';

/** One row of performance_schema.replication_group_member_stats (MySQL 8.0/8.4 columns, in order). */
export type ReplicationGroupMemberStatsRow = {
  readonly CHANNEL_NAME: 'group_replication_applier';
  /** The view this member has installed ('' when it has none). */
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
};

/**
 * The row of performance_schema.replication_group_communication_information.
 * MEMBER_FAILURE_SUSPICIONS_COUNT exists only in the versions that have it (8.4, 9.x).
 */
export type ReplicationGroupCommunicationInformationRow = {
  readonly WRITE_CONCURRENCY: number;
  readonly PROTOCOL_VERSION: string;
  readonly WRITE_CONSENSUS_LEADERS_PREFERRED: string;
  readonly WRITE_CONSENSUS_LEADERS_ACTUAL: string;
  readonly WRITE_CONSENSUS_SINGLE_LEADER_CAPABLE: number;
  /** JSON object: member uuid → suspicions this member created of it, e.g. `{"uuid1":0,"uuid2":3}`. */
  readonly MEMBER_FAILURE_SUSPICIONS_COUNT?: string;
};

const BASE_COMMUNICATION_COLUMNS = [
  'WRITE_CONCURRENCY', 'PROTOCOL_VERSION', 'WRITE_CONSENSUS_LEADERS_PREFERRED', 'WRITE_CONSENSUS_LEADERS_ACTUAL',
  'WRITE_CONSENSUS_SINGLE_LEADER_CAPABLE',
] as const;

/**
 * The columns of replication_group_communication_information in `version`, in order, or null when
 * the version has no such table. MEMBER_FAILURE_SUSPICIONS_COUNT is in 8.4 and 9.x
 * (table_communication_information.cc, suspicious_per_node) but not in 8.0 (the 8.0.43 source's
 * row struct has no such field). ⚠ The table itself is taken as absent from the 8.0.20 and 8.0.21
 * profiles: its source file dates from 2020 and its leader columns from 8.0.27.
 */
export function communicationInformationColumns(version: VersionName): readonly string[] | null {
  if (version === '8.0.20' || version === '8.0.21') return null;
  return version === '8.4' || version === '9.x' ? [...BASE_COMMUNICATION_COLUMNS, 'MEMBER_FAILURE_SUSPICIONS_COUNT'] : BASE_COMMUNICATION_COLUMNS;
}

/**
 * The group's communication protocol as PROTOCOL_VERSION shows it: a group whose members are all
 * 8.0.27 or later speaks GCS protocol V3, shown as "8.0.27" (mysql_version_gcs_protocol_map.cc
 * convert_to_mysql_version).
 */
export const GCS_PROTOCOL_V3_VERSION = '8.0.27';

/** A member of the observer's member table, with what the observer knows of its pipeline. */
export interface MemberStatsInput {
  readonly uuid: string;
  /** The observer itself: its row is the collector's current values. */
  readonly local: boolean;
  /** The collector (local) or the copy last received (remote); null when none was received. */
  readonly stats: PipelineMemberStats | null;
}

/**
 * replication_group_member_stats on one member (ps_information.cc get_group_member_stats): one row
 * per member of its member table, in uuid order (the member manager's map); the local row from its
 * own collector, the others from the statistics they last broadcast. With no applier module (the
 * plugin stopped: `modulesRunning` false) only the ids are set.
 */
export function memberStatsRows(members: readonly MemberStatsInput[], viewId: string, modulesRunning: boolean): ReplicationGroupMemberStatsRow[] {
  const rows = members.map((m) => statsRow(m.uuid, viewId, modulesRunning ? m.stats : null));
  return rows.sort((a, b) => (a.MEMBER_ID < b.MEMBER_ID ? -1 : a.MEMBER_ID > b.MEMBER_ID ? 1 : 0));
}

/** The one mapping from pipeline statistics to the table's columns. */
function statsRow(uuid: string, viewId: string, s: PipelineMemberStats | null): ReplicationGroupMemberStatsRow {
  return {
    CHANNEL_NAME: 'group_replication_applier',
    VIEW_ID: viewId,
    MEMBER_ID: uuid,
    COUNT_TRANSACTIONS_IN_QUEUE: s?.waitingCertification ?? 0,
    COUNT_TRANSACTIONS_CHECKED: s?.certified ?? 0,
    COUNT_CONFLICTS_DETECTED: s?.negativeCertified ?? 0,
    COUNT_TRANSACTIONS_ROWS_VALIDATING: s?.rowsValidating ?? 0,
    TRANSACTIONS_COMMITTED_ALL_MEMBERS: s?.committedAllMembers ?? '',
    LAST_CONFLICT_FREE_TRANSACTION: s?.lastConflictFree ?? '',
    COUNT_TRANSACTIONS_REMOTE_IN_APPLIER_QUEUE: s?.waitingApply ?? 0,
    COUNT_TRANSACTIONS_REMOTE_APPLIED: s?.applied ?? 0,
    COUNT_TRANSACTIONS_LOCAL_PROPOSED: s?.local ?? 0,
    COUNT_TRANSACTIONS_LOCAL_ROLLBACK: s?.localRollback ?? 0,
  };
}

/** What replication_group_communication_information reads on one member. */
export interface CommunicationInformationInput {
  readonly version: VersionName;
  /** The write concurrency (XCom's event horizon). */
  readonly writeConcurrency: number;
  /** The uuids of the observer's member table. */
  readonly members: readonly string[];
  /** The uuids XCom leads consensus with, in XCom's node order, already limited to `members`. */
  readonly leaders: readonly string[];
  /** Suspicions this member created, per member uuid (absent: 0). */
  readonly suspicions: ReadonlyMap<string, number>;
}

/**
 * The row of replication_group_communication_information
 * (table_communication_information.cc fetch_row_data). grsim runs every member as a leader
 * (group_replication_paxos_single_leader OFF, its default), so the preferred and actual leaders are
 * the configuration's members the observer knows, and WRITE_CONSENSUS_SINGLE_LEADER_CAPABLE is 0.
 * MEMBER_FAILURE_SUSPICIONS_COUNT lists every member of the observer's table, in uuid order, with
 * its count (0 when never suspected), as `{"uuid":n,...}` with no spaces.
 */
export function communicationInformationRow(input: CommunicationInformationInput): ReplicationGroupCommunicationInformationRow | null {
  const columns = communicationInformationColumns(input.version);
  if (columns === null) return null;
  const base = {
    WRITE_CONCURRENCY: input.writeConcurrency,
    PROTOCOL_VERSION: GCS_PROTOCOL_V3_VERSION,
    WRITE_CONSENSUS_LEADERS_PREFERRED: input.leaders.join(','),
    WRITE_CONSENSUS_LEADERS_ACTUAL: input.leaders.join(','),
    WRITE_CONSENSUS_SINGLE_LEADER_CAPABLE: 0,
  };
  if (!columns.includes('MEMBER_FAILURE_SUSPICIONS_COUNT')) return base;
  const pairs = [...input.members].sort().map((uuid) => `"${uuid}":${input.suspicions.get(uuid) ?? 0}`);
  return { ...base, MEMBER_FAILURE_SUSPICIONS_COUNT: `{${pairs.join(',')}}` };
}
