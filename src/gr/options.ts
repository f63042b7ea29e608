import { ConfigError } from '../errors.js';
import type { ExitStateAction, VersionName } from '../types.js';
import { processPeerNodes, validPeer } from '../gcs/peer-nodes.js';
import { VERSION_PROFILES, type VersionProfile } from './version-profiles.js';

/**
 * The group_replication system variables grsim models, by their MySQL names and units
 * (ranges from src/plugin.cc and include/plugin_variables.h, MySQL 8.0.41).
 */
export interface GroupReplicationOptions {
  /** Seconds a suspect may stay suspected before the killer node expels it. @defaultValue 5 (0 in 8.0.20) */
  group_replication_member_expel_timeout: number;
  /** Seconds a member in a minority waits before it leaves the group; 0 waits forever. @defaultValue 0 */
  group_replication_unreachable_majority_timeout: number;
  /** Auto-rejoin attempts after an expel or a majority timeout. @defaultValue 3 (0 in 8.0.20) */
  group_replication_autorejoin_tries: number;
  /** What a member does when it fails for good. @defaultValue 'READ_ONLY' */
  group_replication_exit_state_action: ExitStateAction;
  /** XCom message cache limit in bytes. @defaultValue 1073741824 */
  group_replication_message_cache_size: number;
  /** Payloads above this many bytes are LZ4-compressed; 0 disables compression. @defaultValue 1000000 */
  group_replication_compression_threshold: number;
  /** GCS messages above this many bytes are fragmented; 0 disables fragmentation. @defaultValue 10485760 */
  group_replication_communication_max_message_size: number;
  /**
   * Largest transaction message in bytes a member sends to the group: a bigger one is rolled back
   * at commit with MY-011608 (observer_trans.cc group_replication_trans_before_commit); 0 is no
   * limit. Dynamic: a SET applies to the next commit. @defaultValue 150000000
   */
  group_replication_transaction_size_limit: number;
  /** Weight in primary elections, 0..100. @defaultValue 50 */
  group_replication_member_weight: number;
  /** ON for single-primary mode; set through `mode`, not changeable while running. @defaultValue true */
  group_replication_single_primary_mode: boolean;
  /** Seconds between a member's flow-control statistics broadcasts, 1..60. @defaultValue 1 */
  group_replication_flow_control_period: number;
  /**
   * XCom addresses (`host:port,host:port`) a blocked minority forces as the new membership; a
   * run-time statement only (src/plugin.cc check_force_members), and START is refused until it is
   * '' again. @defaultValue ''
   */
  group_replication_force_members: string;
  /**
   * XCom addresses (`host:port,host:port`) a joining member asks, in the order listed, to add it
   * to the group (GCS peer_nodes: Gcs_xcom_control::try_send_add_node_request_to_seeds goes
   * through them in that order and skips the member's own address); read at each join. ''
   * stands for grsim's usual configuration: every other server of the simulation, in the order
   * the members are listed (MySQL's own '' leaves a joiner with no seeds). @defaultValue ''
   */
  group_replication_group_seeds: string;
  /**
   * The consistency guarantee of this member's transactions (the global value its sessions take;
   * docs/mysql-behaviour.md §T5). @defaultValue 'EVENTUAL' ('BEFORE_ON_PRIMARY_FAILOVER' from 8.4)
   */
  group_replication_consistency: ConsistencyLevel;
}

/** group_replication_consistency values (plugin.cc consistency_level_values, in their ordinal order). */
export type ConsistencyLevel = 'EVENTUAL' | 'BEFORE_ON_PRIMARY_FAILOVER' | 'BEFORE' | 'AFTER' | 'BEFORE_AND_AFTER';
export const CONSISTENCY_LEVELS: readonly ConsistencyLevel[] = ['EVENTUAL', 'BEFORE_ON_PRIMARY_FAILOVER', 'BEFORE', 'AFTER', 'BEFORE_AND_AFTER'];

/**
 * A group_replication_consistency value, for SET GLOBAL and SET SESSION alike: an ENUM system
 * variable of the server (sql/sys_vars.cc, Sys_group_replication_consistency), so MySQL takes the
 * name in any case or its ordinal 0..4. Throws a ConfigError naming `field` otherwise.
 */
export function parseConsistencyLevel(value: unknown, field: string): ConsistencyLevel {
  const v = typeof value === 'string' ? value.toUpperCase() : typeof value === 'number' ? CONSISTENCY_LEVELS[value] : value;
  if (typeof v !== 'string' || !CONSISTENCY_LEVELS.includes(v as ConsistencyLevel)) {
    throw new ConfigError(field, `must be one of ${CONSISTENCY_LEVELS.join(', ')} (or its ordinal 0..4)`, value);
  }
  return v as ConsistencyLevel;
}

/**
 * wait_timeout, the session's net_wait_timeout in seconds: its default (8 hours) and range (1 s to
 * a year) (sql/sys_vars.cc, Sys_net_wait_timeout). Besides idle connections it bounds each wait of
 * Group Replication's begin hook (sql/rpl_handler.cc: Trans_param hold_timeout).
 */
export const WAIT_TIMEOUT_DEFAULT_S = 28_800;
export const WAIT_TIMEOUT_RANGE_S = [1, 31_536_000] as const;

/** A session's wait_timeout: whole seconds in WAIT_TIMEOUT_RANGE_S. Throws a ConfigError naming `field` otherwise. */
export function parseWaitTimeout(value: unknown, field: string): number {
  const [lo, hi] = WAIT_TIMEOUT_RANGE_S;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < lo || value > hi) {
    throw new ConfigError(field, `must be a whole number of seconds in ${lo}..${hi} (MySQL's wait_timeout)`, value);
  }
  return value;
}

export type OptionName = keyof GroupReplicationOptions;

/** Why a group cannot form with group_replication_force_members set (plugin.cc check_if_server_properly_configured, MY-011634). */
export const FORCE_MEMBERS_AT_START_RULE = "must be '' when the group forms (START refuses it, MY-011634); force a membership at run time with set";

/**
 * How a SET stores an option: GLOBAL changes the running server only (lost when its mysqld
 * restarts); PERSIST changes it and writes it to mysqld-auto.cnf, which a restarted mysqld reads;
 * PERSIST_ONLY writes the file only (sql/persisted_variable.cc, Persisted_variables_cache).
 */
export type SetScope = 'GLOBAL' | 'PERSIST' | 'PERSIST_ONLY';
export const SET_SCOPES: readonly SetScope[] = ['GLOBAL', 'PERSIST', 'PERSIST_ONLY'];

/** The statement's words for a scope: `SET GLOBAL`, `SET PERSIST`, `SET PERSIST_ONLY`. */
export function setStatement(scope: SetScope = 'GLOBAL'): string {
  return `SET ${scope}`;
}
export const OPTION_NAMES: readonly OptionName[] = [
  'group_replication_member_expel_timeout',
  'group_replication_unreachable_majority_timeout',
  'group_replication_autorejoin_tries',
  'group_replication_exit_state_action',
  'group_replication_message_cache_size',
  'group_replication_compression_threshold',
  'group_replication_communication_max_message_size',
  'group_replication_transaction_size_limit',
  'group_replication_member_weight',
  'group_replication_single_primary_mode',
  'group_replication_flow_control_period',
  'group_replication_force_members',
  'group_replication_group_seeds',
  'group_replication_consistency',
];

/** Largest exact integer a JS number holds; MySQL's ULONG_MAX is above it. */
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
/** LONG_TIMEOUT, the unreachable_majority_timeout maximum (sql/sql_const.h). */
const LONG_TIMEOUT = 31_536_000;
/** MAX_AUTOREJOIN_TRIES (include/plugin_variables.h). */
const MAX_AUTOREJOIN_TRIES = 2016;
/** member_expel_timeout maximum per the 8.0 manual (include/plugin_variables.h). */
const MAX_MEMBER_EXPEL_TIMEOUT = 3600;
/**
 * group_replication_transaction_size_limit: DEFAULT_TRANSACTION_SIZE_LIMIT and
 * MAX_TRANSACTION_SIZE_LIMIT (include/plugin_variables.h; MIN_TRANSACTION_SIZE_LIMIT is 0, no limit),
 * the same on every version grsim models (8.0.20 to 9.x).
 */
export const TRANSACTION_SIZE_LIMIT_DEFAULT = 150_000_000;
export const TRANSACTION_SIZE_LIMIT_MAX = 2_147_483_647;
const EXIT_STATE_ACTIONS: readonly ExitStateAction[] = ['READ_ONLY', 'OFFLINE_MODE', 'ABORT_SERVER'];

export function defaultOptions(profile: VersionProfile): GroupReplicationOptions {
  return {
    group_replication_member_expel_timeout: profile.defaultMemberExpelTimeout,
    group_replication_unreachable_majority_timeout: 0,
    group_replication_autorejoin_tries: profile.defaultAutorejoinTries,
    group_replication_exit_state_action: 'READ_ONLY',
    group_replication_message_cache_size: 1_073_741_824,
    group_replication_compression_threshold: 1_000_000,
    group_replication_communication_max_message_size: 10_485_760,
    group_replication_transaction_size_limit: TRANSACTION_SIZE_LIMIT_DEFAULT,
    group_replication_member_weight: 50,
    group_replication_single_primary_mode: true,
    group_replication_flow_control_period: 1,
    group_replication_force_members: '',
    group_replication_group_seeds: '',
    group_replication_consistency: profile.defaultConsistency,
  };
}

export function versionProfile(version: unknown, field = 'version'): VersionProfile {
  if (typeof version !== 'string' || !Object.hasOwn(VERSION_PROFILES, version)) {
    throw new ConfigError(field, `must be one of ${Object.keys(VERSION_PROFILES).map((v) => `'${v}'`).join(', ')}`, version);
  }
  return VERSION_PROFILES[version as VersionName];
}

function integerIn(field: string, value: unknown, lo: number, hi: number): number {
  if (typeof value === 'boolean') value = value ? 1 : 0;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < lo || value > hi) {
    throw new ConfigError(field, `must be an integer in ${lo}..${hi}`, value);
  }
  return value;
}

/**
 * Validates one option value with MySQL's range for `profile` and returns it normalised.
 * `field` is the path used in the error message.
 */
export function validateOption<K extends OptionName>(
  name: K, value: unknown, profile: VersionProfile, field: string,
): GroupReplicationOptions[K] {
  switch (name) {
    case 'group_replication_member_expel_timeout':
      return integerIn(field, value, 0, MAX_MEMBER_EXPEL_TIMEOUT) as GroupReplicationOptions[K];
    case 'group_replication_unreachable_majority_timeout':
      return integerIn(field, value, 0, LONG_TIMEOUT) as GroupReplicationOptions[K];
    case 'group_replication_autorejoin_tries':
      return integerIn(field, value, 0, MAX_AUTOREJOIN_TRIES) as GroupReplicationOptions[K];
    case 'group_replication_member_weight':
      return integerIn(field, value, 0, 100) as GroupReplicationOptions[K];
    case 'group_replication_flow_control_period':
      // src/plugin.cc MYSQL_SYSVAR_INT(flow_control_period, …): min 1, max 60, written as literals (no named constant).
      return integerIn(field, value, 1, 60) as GroupReplicationOptions[K];
    case 'group_replication_message_cache_size':
      return integerIn(field, value, profile.messageCacheSizeMin, MAX_SAFE) as GroupReplicationOptions[K];
    case 'group_replication_compression_threshold':
      // src/plugin.cc: 0..UINT32_MAX.
      return integerIn(field, value, 0, 4_294_967_295) as GroupReplicationOptions[K];
    case 'group_replication_communication_max_message_size':
      // src/plugin.cc: 0..MAX_COMMUNICATION_MAX_MESSAGE_SIZE (1 GiB).
      return integerIn(field, value, 0, 1_073_741_824) as GroupReplicationOptions[K];
    case 'group_replication_transaction_size_limit':
      // src/plugin.cc MYSQL_SYSVAR_ULONG(transaction_size_limit): 0..MAX_TRANSACTION_SIZE_LIMIT.
      return integerIn(field, value, 0, TRANSACTION_SIZE_LIMIT_MAX) as GroupReplicationOptions[K];
    case 'group_replication_exit_state_action': {
      const v = typeof value === 'string' ? value.toUpperCase() : value;
      if (typeof v !== 'string' || !EXIT_STATE_ACTIONS.includes(v as ExitStateAction)) {
        throw new ConfigError(field, `must be one of ${EXIT_STATE_ACTIONS.join(', ')}`, value);
      }
      return v as GroupReplicationOptions[K];
    }
    case 'group_replication_force_members':
      // A string system variable: its content is checked by the SET itself (src/gr/force-members.ts).
      if (typeof value !== 'string') throw new ConfigError(field, "must be a string of XCom addresses 'host:port,host:port' ('' clears it)", value);
      return value as GroupReplicationOptions[K];
    case 'group_replication_group_seeds':
      // Gcs_xcom_utils::process_peer_nodes and validate_peer_nodes (gcs_xcom_utils.cc).
      if (typeof value !== 'string' || !processPeerNodes(value).every(validPeer)) {
        throw new ConfigError(field, "must be '' or a comma-separated list of XCom addresses 'host:port' (port 1..65535)", value);
      }
      return value as GroupReplicationOptions[K];
    case 'group_replication_consistency':
      return parseConsistencyLevel(value, field) as GroupReplicationOptions[K];
    case 'group_replication_single_primary_mode': {
      if (value === true || value === 1 || value === 'ON') return true as GroupReplicationOptions[K];
      if (value === false || value === 0 || value === 'OFF') return false as GroupReplicationOptions[K];
      throw new ConfigError(field, 'must be ON or OFF (true/false)', value);
    }
    default:
      throw new ConfigError(field, `is not a known option; known options are ${OPTION_NAMES.join(', ')}`, name);
  }
}

export function isOptionName(name: string): name is OptionName {
  return (OPTION_NAMES as readonly string[]).includes(name);
}

/** Merges and validates a partial option set over `base`. */
export function mergeOptions(
  base: GroupReplicationOptions, partial: unknown, profile: VersionProfile, field: string,
): GroupReplicationOptions {
  if (partial === undefined) return { ...base };
  if (partial === null || typeof partial !== 'object' || Array.isArray(partial)) {
    throw new ConfigError(field, 'must be an object of group_replication_* options', partial);
  }
  const out: GroupReplicationOptions = { ...base };
  for (const [key, value] of Object.entries(partial)) {
    if (!isOptionName(key)) {
      throw new ConfigError(`${field}.${key}`, `is not a known option; known options are ${OPTION_NAMES.join(', ')}`, value);
    }
    (out as unknown as Record<string, unknown>)[key] = validateOption(key, value, profile, `${field}.${key}`);
  }
  return out;
}
