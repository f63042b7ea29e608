import type { ChannelTerms } from '../observe/error-codes.js';
import type { VersionName } from '../types.js';

/** Defaults and version-specific rules of one MySQL release line (docs/mysql-behaviour.md §G1.3, §G4). */
export interface VersionProfile {
  readonly name: VersionName;
  /** MEMBER_VERSION shown in replication_group_members. */
  readonly serverVersion: string;
  /** group_replication_member_expel_timeout default: 0 up to 8.0.20, 5 from 8.0.21 (WL#13773). */
  readonly defaultMemberExpelTimeout: number;
  /** group_replication_autorejoin_tries default: 0 in 8.0.16–8.0.20, 3 from 8.0.21. */
  readonly defaultAutorejoinTries: number;
  /** group_replication_message_cache_size minimum: 1 GiB until 8.0.20, 128 MiB from 8.0.21 (WL#13979). */
  readonly messageCacheSizeMin: number;
  /**
   * Whether the suspicion manager counts expels already issued but not yet in effect toward the
   * majority test (gcs_xcom_control_interface.cc process_view; "since 8.0.20" per the manual).
   */
  readonly countsExpelsInProgress: boolean;
  /** group_replication_consistency default (BEFORE_ON_PRIMARY_FAILOVER from 8.4.0). */
  readonly defaultConsistency: 'EVENTUAL' | 'BEFORE_ON_PRIMARY_FAILOVER';
  /** Replication-channel wording in the server's log lines: MASTER/SLAVE up to 8.0.22, SOURCE/REPLICA from 8.0.23. */
  readonly channelTerms: ChannelTerms;
  /**
   * A START or STOP GROUP_REPLICATION issued while another one runs on the member: 'wait' for it
   * (up to 8.0.20 both hold plugin_running_mutex for their whole run, plugin.cc), or 'refuse' at once
   * with ER_GROUP_REPLICATION_COMMAND_FAILURE (3663), "Another instance of START/STOP
   * GROUP_REPLICATION command is executing." (sql/rpl_group_replication.cc, group_replication_start
   * and group_replication_stop test start_stop_executing). ⚠ The flag came with the credentials of
   * START GROUP_REPLICATION (WL#13768, 8.0.21), which is the boundary taken here.
   */
  readonly concurrentStartStop: 'wait' | 'refuse';
  /**
   * The level of STOP GROUP_REPLICATION's MY-011650 "Plugin 'group_replication' is stopping.":
   * plugin.cc plugin_group_replication_stop logs it at INFORMATION_LEVEL (Note) in the 2019 source
   * (8.0.20's line) and at SYSTEM_LEVEL in the 2023 one. ⚠ 8.0.21 is taken as Note; where between
   * the two the level changed is not known.
   */
  readonly stoppingLogLevel: 'Note' | 'System';
}

const GIB = 1_073_741_824;
const MIB_128 = 134_217_728;

export const VERSION_PROFILES: Readonly<Record<VersionName, VersionProfile>> = {
  '8.0.20': {
    name: '8.0.20', serverVersion: '8.0.20', defaultMemberExpelTimeout: 0, defaultAutorejoinTries: 0,
    messageCacheSizeMin: GIB, countsExpelsInProgress: true, defaultConsistency: 'EVENTUAL', channelTerms: 'master',
    concurrentStartStop: 'wait', stoppingLogLevel: 'Note',
  },
  '8.0.21': {
    name: '8.0.21', serverVersion: '8.0.21', defaultMemberExpelTimeout: 5, defaultAutorejoinTries: 3,
    messageCacheSizeMin: MIB_128, countsExpelsInProgress: true, defaultConsistency: 'EVENTUAL', channelTerms: 'master',
    concurrentStartStop: 'refuse', stoppingLogLevel: 'Note',
  },
  '8.4': {
    name: '8.4', serverVersion: '8.4.6', defaultMemberExpelTimeout: 5, defaultAutorejoinTries: 3,
    messageCacheSizeMin: MIB_128, countsExpelsInProgress: true, defaultConsistency: 'BEFORE_ON_PRIMARY_FAILOVER', channelTerms: 'source',
    concurrentStartStop: 'refuse', stoppingLogLevel: 'System',
  },
  '9.x': {
    name: '9.x', serverVersion: '9.5.0', defaultMemberExpelTimeout: 5, defaultAutorejoinTries: 3,
    messageCacheSizeMin: MIB_128, countsExpelsInProgress: true, defaultConsistency: 'BEFORE_ON_PRIMARY_FAILOVER', channelTerms: 'source',
    concurrentStartStop: 'refuse', stoppingLogLevel: 'System',
  },
};

export const VERSION_NAMES = Object.keys(VERSION_PROFILES) as VersionName[];
