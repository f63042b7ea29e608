import { OPTION_NAMES, WAIT_TIMEOUT_DEFAULT_S } from '../../gr/options.js';
import { RandomStream } from '../../rng/random-stream.js';
import type { MemberHandle, Simulation } from '../../sim/simulation.js';
import { communicationInformationColumns } from '../../observe/performance-schema.js';
import type { VersionName } from '../../types.js';

/**
 * The tables the statement engine serves, as one member sees the simulated group: their
 * declarations and their rows, rebuilt from the simulation's state (docs/serve-sql.md lists each
 * table's source).
 */

export type SqlValue = string | number | null;
export type Row = readonly SqlValue[];

export interface TableDef {
  readonly schema: string;
  readonly name: string;
  /**
   * Columns as MySQL declares them, with the SQLite storage class they take; a text column compares
   * as MySQL's case-insensitive default collation does (SQLite's NOCASE) unless MySQL declares it
   * `collate utf8mb4_bin` ('BINARY': byte by byte, so case-sensitively).
   */
  readonly columns: readonly (readonly [name: string, type: 'TEXT' | 'INTEGER', collation?: 'BINARY'])[];
}

const T = 'TEXT' as const, I = 'INTEGER' as const;
/**
 * A text column MySQL declares `collate utf8mb4_bin`: the Plugin_table definitions of
 * storage/perfschema/table_replication_group_members.cc (MEMBER_ID, MEMBER_STATE, MEMBER_ROLE,
 * MEMBER_VERSION) and table_replication_group_member_stats.cc (VIEW_ID, MEMBER_ID). A literal
 * compared with one takes the column's collation (its derivation, IMPLICIT, outranks a literal's,
 * COERCIBLE: sql/item.cc, DTCollation::aggregate), so `MEMBER_STATE = 'online'` matches no
 * 'ONLINE' row in MySQL either.
 */
const BIN = ['TEXT', 'BINARY'] as const;

const COMMUNICATION_INFORMATION = 'replication_group_communication_information';

/**
 * The tables as a server of `version` declares them: replication_group_communication_information
 * takes the columns that version has, and is absent where the version has no such table
 * (docs/mysql-behaviour.md §G7).
 */
export function tablesFor(version: VersionName): TableDef[] {
  const out: TableDef[] = [];
  for (const t of TABLES) {
    if (t.name !== COMMUNICATION_INFORMATION) { out.push(t); continue; }
    const columns = communicationInformationColumns(version);
    if (columns !== null) out.push({ ...t, columns: t.columns.filter(([c]) => columns.includes(c)) });
  }
  return out;
}

/** Schemas the engine derives from the simulation (rebuilt, never written by clients), each an attached SQLite database. */
export const DERIVED_SCHEMAS = ['performance_schema', 'sys', 'mysql_innodb_cluster_metadata'] as const;

/**
 * information_schema: derived too, but its tables live in SQLite's main database (dialect.ts,
 * sqliteSchema), so that it takes none of the ten attachments the user databases share.
 */
export const INFORMATION_SCHEMA = 'information_schema';

/** The information_schema tables the engine serves (upper case, as MySQL 8.0 names them). */
export const INFORMATION_SCHEMA_TABLES: ReadonlySet<string> = new Set(['SCHEMATA', 'PLUGINS']);

/** Every schema a client may read and none may write: the derived ones, information_schema. */
export function isServedSchema(name: string): boolean {
  const lower = name.toLowerCase();
  return lower === INFORMATION_SCHEMA || (DERIVED_SCHEMAS as readonly string[]).includes(lower);
}

/**
 * The schemas SHOW DATABASES and information_schema.SCHEMATA list besides the user databases:
 * the served ones and `mysql`, which every server has (its tables are not served).
 */
export const SYSTEM_SCHEMAS: readonly string[] = [INFORMATION_SCHEMA, 'mysql', ...DERIVED_SCHEMAS];

export const TABLES: readonly TableDef[] = [
  { schema: 'performance_schema', name: 'replication_group_members', columns: [
    ['CHANNEL_NAME', T], ['MEMBER_ID', ...BIN], ['MEMBER_HOST', T], ['MEMBER_PORT', I], ['MEMBER_STATE', ...BIN], ['MEMBER_ROLE', ...BIN], ['MEMBER_VERSION', ...BIN],
  ] },
  { schema: 'performance_schema', name: 'replication_group_member_stats', columns: [
    ['CHANNEL_NAME', T], ['VIEW_ID', ...BIN], ['MEMBER_ID', ...BIN], ['COUNT_TRANSACTIONS_IN_QUEUE', I], ['COUNT_TRANSACTIONS_CHECKED', I],
    ['COUNT_CONFLICTS_DETECTED', I], ['COUNT_TRANSACTIONS_ROWS_VALIDATING', I], ['TRANSACTIONS_COMMITTED_ALL_MEMBERS', T],
    ['LAST_CONFLICT_FREE_TRANSACTION', T], ['COUNT_TRANSACTIONS_REMOTE_IN_APPLIER_QUEUE', I], ['COUNT_TRANSACTIONS_REMOTE_APPLIED', I],
    ['COUNT_TRANSACTIONS_LOCAL_PROPOSED', I], ['COUNT_TRANSACTIONS_LOCAL_ROLLBACK', I],
  ] },
  { schema: 'performance_schema', name: 'replication_group_communication_information', columns: [
    ['WRITE_CONCURRENCY', I], ['PROTOCOL_VERSION', T], ['WRITE_CONSENSUS_LEADERS_PREFERRED', T], ['WRITE_CONSENSUS_LEADERS_ACTUAL', T],
    ['WRITE_CONSENSUS_SINGLE_LEADER_CAPABLE', I], ['MEMBER_FAILURE_SUSPICIONS_COUNT', T],
  ] },
  { schema: 'performance_schema', name: 'global_variables', columns: [['VARIABLE_NAME', T], ['VARIABLE_VALUE', T]] },
  { schema: 'performance_schema', name: 'session_variables', columns: [['VARIABLE_NAME', T], ['VARIABLE_VALUE', T]] },
  { schema: 'performance_schema', name: 'global_status', columns: [['VARIABLE_NAME', T], ['VARIABLE_VALUE', T]] },
  { schema: 'performance_schema', name: 'session_status', columns: [['VARIABLE_NAME', T], ['VARIABLE_VALUE', T]] },
  { schema: 'sys', name: 'gr_member_routing_candidate_status', columns: [
    ['viable_candidate', T], ['read_only', T], ['transactions_behind', I], ['transactions_to_cert', I],
  ] },
  // MySQL 8.0's information_schema.SCHEMATA and PLUGINS (https://dev.mysql.com/doc/refman/8.0/en/information-schema-schemata-table.html,
  // …/information-schema-plugins-table.html); PLUGINS without PLUGIN_TYPE_VERSION and PLUGIN_LIBRARY_VERSION.
  { schema: INFORMATION_SCHEMA, name: 'SCHEMATA', columns: [
    ['CATALOG_NAME', T], ['SCHEMA_NAME', T], ['DEFAULT_CHARACTER_SET_NAME', T], ['DEFAULT_COLLATION_NAME', T], ['SQL_PATH', T], ['DEFAULT_ENCRYPTION', T],
  ] },
  { schema: INFORMATION_SCHEMA, name: 'PLUGINS', columns: [
    ['PLUGIN_NAME', T], ['PLUGIN_VERSION', T], ['PLUGIN_STATUS', T], ['PLUGIN_TYPE', T], ['PLUGIN_LIBRARY', T], ['PLUGIN_AUTHOR', T],
    ['PLUGIN_DESCRIPTION', T], ['PLUGIN_LICENSE', T], ['LOAD_OPTION', T],
  ] },
  { schema: 'mysql_innodb_cluster_metadata', name: 'schema_version', columns: [['major', I], ['minor', I], ['patch', I]] },
  { schema: 'mysql_innodb_cluster_metadata', name: 'clusters', columns: [
    ['cluster_id', T], ['cluster_name', T], ['description', T], ['options', T], ['attributes', T], ['cluster_type', T], ['primary_mode', T], ['router_options', T], ['clusterset_id', T],
  ] },
  { schema: 'mysql_innodb_cluster_metadata', name: 'instances', columns: [
    ['instance_id', I], ['cluster_id', T], ['address', T], ['mysql_server_uuid', T], ['instance_name', T], ['addresses', T], ['attributes', T], ['description', T],
  ] },
  { schema: 'mysql_innodb_cluster_metadata', name: 'v2_gr_clusters', columns: [
    ['cluster_type', T], ['primary_mode', T], ['cluster_id', T], ['cluster_name', T], ['group_name', T], ['attributes', T], ['options', T], ['router_options', T], ['description', T], ['clusterset_id', T],
  ] },
  { schema: 'mysql_innodb_cluster_metadata', name: 'v2_clusters', columns: [
    ['cluster_type', T], ['primary_mode', T], ['cluster_id', T], ['cluster_name', T], ['router_options', T],
  ] },
  { schema: 'mysql_innodb_cluster_metadata', name: 'v2_instances', columns: [
    ['instance_id', I], ['cluster_id', T], ['label', T], ['mysql_server_uuid', T], ['address', T], ['endpoint', T], ['xendpoint', T], ['attributes', T], ['instance_type', T],
  ] },
  { schema: 'mysql_innodb_cluster_metadata', name: 'v2_this_instance', columns: [
    ['mysql_server_uuid', T], ['instance_id', I], ['cluster_id', T], ['cluster_name', T], ['cluster_type', T],
  ] },
  { schema: 'mysql_innodb_cluster_metadata', name: 'v2_cs_members', columns: [
    ['cluster_id', T], ['cluster_name', T], ['member_role', T], ['view_id', I], ['clusterset_id', T], ['invalidated', I],
  ] },
  { schema: 'mysql_innodb_cluster_metadata', name: 'v2_routers', columns: [
    ['router_id', I], ['router_name', T], ['product_name', T], ['address', T], ['version', T], ['last_check_in', T], ['attributes', T], ['cluster_id', T], ['clusterset_id', T], ['options', T],
  ] },
  { schema: 'mysql_innodb_cluster_metadata', name: 'v2_router_options', columns: [['router_id', I], ['clusterset_id', T], ['cluster_id', T], ['router_options', T]] },
];

/** The metadata schema version served: 2.1.0, what MySQL Shell 8.0.27 and later create (Router 8.0 accepts 2.x). */
export const METADATA_SCHEMA_VERSION: readonly [number, number, number] = [2, 1, 0];
/** The InnoDB Cluster name in the served metadata. */
export const CLUSTER_NAME = 'grsim';

/** A system variable as the engine serves it. */
export interface SystemVariable {
  /** 'bool' values read 1/0 in SELECT @@x and ON/OFF in SHOW VARIABLES, as MySQL's boolean sysvars do. */
  readonly kind: 'bool' | 'int' | 'str';
  readonly value: SqlValue;
  /** Whether a session may hold its own value (SET SESSION); GLOBAL-only otherwise. */
  readonly session: boolean;
}

/** A stable UUID derived from the run's seed and a label (grsim has no group name or cluster id of its own). */
export function derivedUuid(sim: Simulation, label: string): string {
  const r = new RandomStream(sim.seed).fork(`serve/${label}`);
  return `${r.hex(8)}-${r.hex(4)}-${r.hex(4)}-${r.hex(4)}-${r.hex(12)}`;
}

/** The member's X Protocol address in the metadata: MySQL Shell's sandboxes use port × 10. */
function xPort(port: number): number {
  return port * 10 <= 65535 ? port * 10 : 33060;
}

/** The global system variables of `member`. */
export function globalVariables(sim: Simulation, member: MemberHandle, waitTimeoutS: number = WAIT_TIMEOUT_DEFAULT_S, interactiveTimeoutS: number = WAIT_TIMEOUT_DEFAULT_S): Map<string, SystemVariable> {
  const v = new Map<string, SystemVariable>();
  const g = (name: string, kind: SystemVariable['kind'], value: SqlValue, session = false): void => { v.set(name, { kind, value, session }); };
  const bool = (b: boolean): number => (b ? 1 : 0);
  const groupName = sim.groupName;
  const ver = sim.version.serverVersion;
  g('server_uuid', 'str', member.uuid);
  g('server_id', 'int', member.slot + 1);
  g('hostname', 'str', member.host);
  g('port', 'int', member.port);
  g('mysqlx_port', 'int', xPort(member.port));
  g('version', 'str', ver);
  g('version_comment', 'str', 'grsim simulated MySQL Community Server - GPL');
  g('version_compile_os', 'str', 'Linux');
  g('license', 'str', 'GPL');
  // The server sets read_only with super_read_only (sys_vars.cc, fix_super_read_only).
  g('read_only', 'bool', bool(member.superReadOnly));
  g('super_read_only', 'bool', bool(member.superReadOnly));
  g('offline_mode', 'bool', bool(member.offlineMode));
  g('gtid_mode', 'str', 'ON');
  g('enforce_gtid_consistency', 'str', 'ON');
  // The member's own GTID set: what it certified and applied, with the server-uuid GTIDs of
  // writes made while Group Replication was stopped (src/gr/transactions.ts).
  g('gtid_executed', 'str', member.gtidExecuted());
  g('gtid_purged', 'str', '');
  g('log_bin', 'bool', 1);
  g('binlog_format', 'str', 'ROW');
  g('binlog_checksum', 'str', 'NONE');
  g('performance_schema', 'bool', 1);
  g('lower_case_table_names', 'int', 0);
  g('max_allowed_packet', 'int', 67_108_864, true);
  g('max_connections', 'int', 151);
  g('system_time_zone', 'str', 'UTC');
  g('time_zone', 'str', 'SYSTEM', true);
  g('autocommit', 'bool', 1, true);
  g('sql_mode', 'str', 'ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION', true);
  for (const n of ['character_set_client', 'character_set_results', 'character_set_connection', 'character_set_server', 'character_set_database']) g(n, 'str', 'utf8mb4', true);
  g('collation_connection', 'str', 'utf8mb4_0900_ai_ci', true);
  g('collation_server', 'str', 'utf8mb4_0900_ai_ci', true);
  g('transaction_isolation', 'str', 'REPEATABLE-READ', true);
  g('transaction_read_only', 'bool', 0, true);
  g('auto_increment_increment', 'int', 1, true);
  g('auto_increment_offset', 'int', 1, true);
  g('wait_timeout', 'int', waitTimeoutS, true);
  g('interactive_timeout', 'int', interactiveTimeoutS, true);
  g('net_write_timeout', 'int', 60, true);
  g('net_read_timeout', 'int', 30, true);
  g('net_buffer_length', 'int', 16_384, true);
  g('sql_select_limit', 'int', null, true);
  g('init_connect', 'str', '');
  g('optimizer_switch', 'str', 'derived_merge=on', true);
  g('default_storage_engine', 'str', 'InnoDB', true);
  g('sql_log_bin', 'bool', 1, true);
  g('foreign_key_checks', 'bool', 1, true);
  g('unique_checks', 'bool', 1, true);
  g('sql_safe_updates', 'bool', 0, true);
  g('sql_auto_is_null', 'bool', 0, true);
  g('lock_wait_timeout', 'int', 31_536_000, true);
  g('innodb_lock_wait_timeout', 'int', 50, true);
  g('session_track_gtids', 'str', 'OFF', true);
  g('session_track_schema', 'bool', 1, true);
  g('session_track_state_change', 'bool', 0, true);
  // Group Replication: every option grsim models, then the fixed ones its members are configured with.
  const opts = member.options() as unknown as Record<string, unknown>;
  for (const name of OPTION_NAMES) {
    const value = name === 'group_replication_single_primary_mode' ? sim.mode === 'single-primary'
      // '' is grsim's usual seed list (GroupReplicationOptions.group_replication_group_seeds): every other server.
      : name === 'group_replication_group_seeds' && opts[name] === '' ? sim.members.filter((m) => m !== member).map((m) => `${m.host}:${xcomPortOf(sim, m)}`).join(',')
      : opts[name];
    if (typeof value === 'boolean') g(name, 'bool', bool(value));
    else if (typeof value === 'number') g(name, 'int', value);
    // group_replication_consistency also has a session value (the session's own, engine.ts).
    else g(name, 'str', String(value), name === 'group_replication_consistency');
  }
  g('group_replication_group_name', 'str', groupName);
  g('group_replication_start_on_boot', 'bool', 1);
  g('group_replication_bootstrap_group', 'bool', 0);
  g('group_replication_enforce_update_everywhere_checks', 'bool', bool(sim.mode === 'multi-primary'));
  g('group_replication_local_address', 'str', `${member.host}:${xcomPortOf(sim, member)}`);
  g('group_replication_ssl_mode', 'str', 'DISABLED');
  g('group_replication_paxos_single_leader', 'bool', 0);
  return v;
}

function xcomPortOf(sim: Simulation, m: MemberHandle): number {
  return sim._servers[m.slot]!.xcomPort;
}

/** What SHOW VARIABLES prints for a value: ON/OFF for booleans, '' for NULL. */
export function shownValue(v: SystemVariable): string {
  if (v.kind === 'bool') return v.value === 1 || v.value === '1' || v.value === 'ON' ? 'ON' : 'OFF';
  return v.value === null ? '' : String(v.value);
}

/** The global status variables of `member`. */
export function globalStatus(sim: Simulation, member: MemberHandle, threadsConnected: number): [string, string][] {
  const rows: [string, string][] = [];
  // group_replication_primary_member was removed in 8.3 (Router reads member_role instead).
  if (sim.version.serverVersion.startsWith('8.0')) {
    const primary = sim.mode === 'single-primary' ? member.replicationGroupMembers().find((r) => r.MEMBER_ROLE === 'PRIMARY')?.MEMBER_ID ?? '' : '';
    rows.push(['group_replication_primary_member', primary]);
  }
  rows.push(['Threads_connected', String(threadsConnected)]);
  rows.push(['Uptime', String(Math.floor(sim.nowUs / 1e6))]);
  return rows;
}

/**
 * The rows of every derived table at `member`, keyed `schema.table`. `vars` are its global
 * variables, `status` its status rows.
 */
export function derivedRows(sim: Simulation, member: MemberHandle, vars: Map<string, SystemVariable>, status: [string, string][], userDatabases: Iterable<string> = []): Map<string, Row[]> {
  const out = new Map<string, Row[]>();
  // Every schema with the server's character set and collation (the served variables); information_schema's
  // own is utf8mb3 (sql/dd/info_schema/metadata.cc creates it with system_charset_info).
  const charset = String(vars.get('character_set_server')?.value ?? 'utf8mb4'), collation = String(vars.get('collation_server')?.value ?? 'utf8mb4_0900_ai_ci');
  out.set(`${INFORMATION_SCHEMA}.SCHEMATA`, [...SYSTEM_SCHEMAS, ...userDatabases].sort().map((name) => (name === INFORMATION_SCHEMA
    ? ['def', name, 'utf8mb3', 'utf8mb3_general_ci', null, 'NO']
    : ['def', name, charset, collation, null, 'NO'])));
  // The Group Replication plugin, installed and active whether or not the member runs GR
  // (plugin/group_replication/src/plugin.cc, mysql_declare_plugin: version 0x0101, PLUGIN_AUTHOR_ORACLE,
  // "Group Replication (1.1.0)", PLUGIN_LICENSE_GPL; type MYSQL_GROUP_REPLICATION_PLUGIN, named in sql/sql_plugin.cc).
  out.set(`${INFORMATION_SCHEMA}.PLUGINS`, [['group_replication', '1.1', 'ACTIVE', 'GROUP REPLICATION', 'group_replication.so', 'Oracle Corporation', 'Group Replication (1.1.0)', 'GPL', 'ON']]);
  const members = member.replicationGroupMembers();
  out.set('performance_schema.replication_group_members', members.map((r) => [
    r.CHANNEL_NAME, r.MEMBER_ID, r.MEMBER_HOST, r.MEMBER_PORT, r.MEMBER_STATE, r.MEMBER_ROLE, r.MEMBER_VERSION,
  ]));
  const stats = member.replicationGroupMemberStats();
  out.set('performance_schema.replication_group_member_stats', stats.map((s) => [
    s.CHANNEL_NAME, s.VIEW_ID, s.MEMBER_ID, s.COUNT_TRANSACTIONS_IN_QUEUE, s.COUNT_TRANSACTIONS_CHECKED, s.COUNT_CONFLICTS_DETECTED,
    s.COUNT_TRANSACTIONS_ROWS_VALIDATING, s.TRANSACTIONS_COMMITTED_ALL_MEMBERS, s.LAST_CONFLICT_FREE_TRANSACTION,
    s.COUNT_TRANSACTIONS_REMOTE_IN_APPLIER_QUEUE, s.COUNT_TRANSACTIONS_REMOTE_APPLIED, s.COUNT_TRANSACTIONS_LOCAL_PROPOSED,
    s.COUNT_TRANSACTIONS_LOCAL_ROLLBACK,
  ]));
  const communicationColumns = communicationInformationColumns(sim.version.name);
  if (communicationColumns !== null) {
    out.set(`performance_schema.${COMMUNICATION_INFORMATION}`, member.replicationGroupCommunicationInformation().map((c) =>
      communicationColumns.map((name) => (c as Record<string, string | number | undefined>)[name] ?? null)));
  }
  out.set('performance_schema.global_variables', [...vars].map(([name, v]) => [name, shownValue(v)]));
  out.set('performance_schema.global_status', status.map(([n, s]) => [n, s]));
  out.set('sys.gr_member_routing_candidate_status', routingCandidateRows(member, members, stats, vars));
  const clusterId = derivedUuid(sim, 'cluster_id');
  const groupName = String(vars.get('group_replication_group_name')?.value ?? '');
  const primaryMode = sim.mode === 'single-primary' ? 'pm' : 'mm';
  const attributes = JSON.stringify({ group_replication_group_name: groupName, adopted: 0 });
  out.set('mysql_innodb_cluster_metadata.schema_version', [[...METADATA_SCHEMA_VERSION]]);
  out.set('mysql_innodb_cluster_metadata.clusters', [[clusterId, CLUSTER_NAME, 'Default Cluster', null, attributes, 'gr', primaryMode, null, null]]);
  out.set('mysql_innodb_cluster_metadata.v2_gr_clusters', [['gr', primaryMode, clusterId, CLUSTER_NAME, groupName, attributes, null, null, 'Default Cluster', null]]);
  out.set('mysql_innodb_cluster_metadata.v2_clusters', [['gr', primaryMode, clusterId, CLUSTER_NAME, null]]);
  const instances = sim.members.map((m) => {
    const classic = `${m.host}:${m.port}`, x = `${m.host}:${xPort(m.port)}`;
    return { m, classic, x, addresses: JSON.stringify({ mysqlClassic: classic, mysqlX: x, grLocal: `${m.host}:${xcomPortOf(sim, m)}` }) };
  });
  out.set('mysql_innodb_cluster_metadata.instances', instances.map((i) => [
    i.m.slot + 1, clusterId, i.classic, i.m.uuid, i.classic, i.addresses, '{}', null,
  ]));
  out.set('mysql_innodb_cluster_metadata.v2_instances', instances.map((i) => [
    i.m.slot + 1, clusterId, i.classic, i.m.uuid, i.classic, i.classic, i.x, '{}', 'group-member',
  ]));
  out.set('mysql_innodb_cluster_metadata.v2_this_instance', [[member.uuid, member.slot + 1, clusterId, CLUSTER_NAME, 'gr']]);
  return out;
}

/**
 * sys.gr_member_routing_candidate_status, the view of the well-known addition_to_sys.sql script
 * that ProxySQL's MySQL 5.7 monitor reads: for this member, viable_candidate is YES when it is
 * ONLINE and the members it shows not ONLINE are fewer than half of all it shows; read_only is YES
 * unless both read_only and super_read_only are OFF; transactions_behind is its remote applier
 * queue and transactions_to_cert its certification queue (replication_group_member_stats). No row
 * when it has no stats row (its plugin does not run), as the script's join gives none.
 */
function routingCandidateRows(
  member: MemberHandle, members: readonly { MEMBER_ID: string; MEMBER_STATE: string }[],
  stats: readonly { MEMBER_ID: string; COUNT_TRANSACTIONS_REMOTE_IN_APPLIER_QUEUE: number; COUNT_TRANSACTIONS_IN_QUEUE: number }[],
  vars: Map<string, SystemVariable>,
): Row[] {
  const own = stats.find((s) => s.MEMBER_ID === member.uuid);
  const self = members.find((r) => r.MEMBER_ID === member.uuid);
  if (own === undefined || self === undefined) return [];
  const notOnline = members.filter((r) => r.MEMBER_STATE !== 'ONLINE').length;
  const viable = self.MEMBER_STATE === 'ONLINE' && !(notOnline >= members.length / 2);
  const readOnly = vars.get('read_only')?.value === 1 || vars.get('super_read_only')?.value === 1;
  return [[viable ? 'YES' : 'NO', readOnly ? 'YES' : 'NO', own.COUNT_TRANSACTIONS_REMOTE_IN_APPLIER_QUEUE, own.COUNT_TRANSACTIONS_IN_QUEUE]];
}
