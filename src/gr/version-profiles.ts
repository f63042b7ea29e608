import type { ChannelTerms } from '../observe/error-codes.js';
import type { VersionName } from '../types.js';
import { EXECUTOR_MAX_WAIT_DIVIDED_US, EXECUTOR_MAX_WAIT_US } from '../xcom/constants.js';

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
  /**
   * Whether an issued expel also counts as taken effect when its node is alive in a newer
   * configuration, not only when it left it (gcs_xcom_expels_in_progress.cc,
   * forget_expels_that_have_taken_effect): process_view passes only the members that left
   * (`left_nodes`) in the 8.0.22 and 8.0.27 sources, and the function's parameter is still
   * `members_that_left` in 8.0.39; it is `members_under_effect` from 8.0.41 and in 8.4.7 and 9.6.
   * The 8.4 profile follows the newer rule as a best estimate (its caller was not read for 8.4).
   */
  readonly forgetsExpelsOfAliveNodes: boolean;
  /**
   * How a refused SET GLOBAL group_replication_force_members fails. 'wrong-value': the check
   * function logs MY-011692 / MY-011693 and returns an error, which the server reports as ERROR 1231
   * (ER_WRONG_VALUE_FOR_VAR); a running SET refuses even '' (read in the 8.0.22 and 8.0.27
   * src/plugin.cc check_force_members). 'command-failure': ERROR 4118
   * (ER_GROUP_REPLICATION_FORCE_MEMBERS_COMMAND_FAILURE) with the reason (8.0.41); there too a running SET
   * refuses '' (its running check comes first).
   */
  readonly forceMembersRefusal: 'wrong-value' | 'command-failure';
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
  /**
   * How XCom caps its wait between read rounds (and proposer retries), which grows ×√2 a round
   * (xcom_base.cc wakeup_delay). 'divide-above-3s': a wait above 3 s is divided by 1.31415926
   * until it is 3 s or less, and a median consensus time of 0 or above 0.3 s counts as 0.1 s (the
   * source of 8.0.22 and of 8.0.26, and a 2018 copy). 'redraw-above-20s': a wait above 20 s is
   * replaced by a random one in 10–20 s, and a median above 4 s counts as 2 s (the source of 8.0.27
   * and later). The change came with 8.0.27 (docs/mysql-behaviour.md X3).
   */
  readonly wakeupDelayCap: WakeupDelayCap;
  /**
   * How XCom's sender_task backs off between failed dials of a peer (xcom_transport.cc
   * sender_task, constants in xcom_transport.h): the first wait is 0.1 s (INITIAL_CONNECT_WAIT) and
   * it resets after a connection. 'grow-1.1x-cap-1s': each failed dial multiplies the wait by 1.1
   * up to 1.0 s (the source of 8.0.22 and of 8.0.26). 'add-1s-cap-10s': each failed dial adds 1 s
   * up to 10 s (the source of 8.0.27 and later). The change came with 8.0.27, with the
   * wakeup_delay cap (docs/mysql-behaviour.md X3).
   */
  readonly dialBackoff: DialBackoff;
  /**
   * How a seed's XCom logs an add_node refused while an old incarnation of the node is configured
   * (xcom_base.cc allow_add_node). 'note': G_MESSAGE (XCOM_LOG_INFO, a Note) "Old incarnation found
   * while trying to add node %s %.*s." (the source of 8.0.22, 8.0.26 and 8.0.27).
   * 'warning-stop-old-node': G_WARNING with " Please stop the old node or wait for it to leave the
   * group." appended (a newer mysql-server source; a real 8.0.32 log shows it as a Warning). ⚠ Which
   * release between 8.0.27 and 8.0.32 changed it was not read.
   */
  readonly oldIncarnationLog: OldIncarnationLog;
  /**
   * The ERROR a joiner logs for every seed it cannot open a connection to, on every pass
   * (gcs_xcom_control_interface.cc Gcs_xcom_control::connect_to_peer). 'local-port': "Error on
   * opening a connection to %s:%d on local port: %d." (the source of 8.0.22, 8.0.26 and 8.0.27).
   * 'peer-node-when-joining': "Error on opening a connection to peer node %s:%d when joining a
   * group. My local port is: %d." (a newer mysql-server source; real logs show it). ⚠ Which release
   * after 8.0.27 changed it was not read.
   */
  readonly peerConnectErrorText: PeerConnectErrorText;
}

/** The two texts of connect_to_peer's ERROR (see VersionProfile.peerConnectErrorText). */
export type PeerConnectErrorText = 'local-port' | 'peer-node-when-joining';

/** The two forms of xcom_base.cc allow_add_node's "Old incarnation found" line (see VersionProfile.oldIncarnationLog). */
export type OldIncarnationLog = 'note' | 'warning-stop-old-node';

/** The two dial back-offs of xcom_transport.cc sender_task (see VersionProfile.dialBackoff). */
export type DialBackoff = 'grow-1.1x-cap-1s' | 'add-1s-cap-10s';

/** The two caps of xcom_base.cc wakeup_delay (see VersionProfile.wakeupDelayCap). */
export type WakeupDelayCap = 'divide-above-3s' | 'redraw-above-20s';

/** The longest wait wakeup_delay can return under a cap, in µs (3 s or 20 s). */
export function wakeupDelayMaxUs(cap: WakeupDelayCap): number {
  return cap === 'divide-above-3s' ? EXECUTOR_MAX_WAIT_DIVIDED_US : EXECUTOR_MAX_WAIT_US;
}

const GIB = 1_073_741_824;
const MIB_128 = 134_217_728;

export const VERSION_PROFILES: Readonly<Record<VersionName, VersionProfile>> = {
  '8.0.20': {
    name: '8.0.20', serverVersion: '8.0.20', defaultMemberExpelTimeout: 0, defaultAutorejoinTries: 0,
    messageCacheSizeMin: GIB, countsExpelsInProgress: true, forgetsExpelsOfAliveNodes: false, forceMembersRefusal: 'wrong-value', defaultConsistency: 'EVENTUAL', channelTerms: 'master',
    concurrentStartStop: 'wait', stoppingLogLevel: 'Note', wakeupDelayCap: 'divide-above-3s',
    dialBackoff: 'grow-1.1x-cap-1s', oldIncarnationLog: 'note', peerConnectErrorText: 'local-port',
  },
  '8.0.21': {
    name: '8.0.21', serverVersion: '8.0.21', defaultMemberExpelTimeout: 5, defaultAutorejoinTries: 3,
    messageCacheSizeMin: MIB_128, countsExpelsInProgress: true, forgetsExpelsOfAliveNodes: false, forceMembersRefusal: 'wrong-value', defaultConsistency: 'EVENTUAL', channelTerms: 'master',
    concurrentStartStop: 'refuse', stoppingLogLevel: 'Note', wakeupDelayCap: 'divide-above-3s',
    dialBackoff: 'grow-1.1x-cap-1s', oldIncarnationLog: 'note', peerConnectErrorText: 'local-port',
  },
  '8.4': {
    name: '8.4', serverVersion: '8.4.6', defaultMemberExpelTimeout: 5, defaultAutorejoinTries: 3,
    messageCacheSizeMin: MIB_128, countsExpelsInProgress: true, forgetsExpelsOfAliveNodes: true, forceMembersRefusal: 'command-failure', defaultConsistency: 'BEFORE_ON_PRIMARY_FAILOVER', channelTerms: 'source',
    concurrentStartStop: 'refuse', stoppingLogLevel: 'System', wakeupDelayCap: 'redraw-above-20s',
    dialBackoff: 'add-1s-cap-10s', oldIncarnationLog: 'warning-stop-old-node', peerConnectErrorText: 'peer-node-when-joining',
  },
  '9.x': {
    name: '9.x', serverVersion: '9.5.0', defaultMemberExpelTimeout: 5, defaultAutorejoinTries: 3,
    messageCacheSizeMin: MIB_128, countsExpelsInProgress: true, forgetsExpelsOfAliveNodes: true, forceMembersRefusal: 'command-failure', defaultConsistency: 'BEFORE_ON_PRIMARY_FAILOVER', channelTerms: 'source',
    concurrentStartStop: 'refuse', stoppingLogLevel: 'System', wakeupDelayCap: 'redraw-above-20s',
    dialBackoff: 'add-1s-cap-10s', oldIncarnationLog: 'warning-stop-old-node', peerConnectErrorText: 'peer-node-when-joining',
  },
};

export const VERSION_NAMES = Object.keys(VERSION_PROFILES) as VersionName[];
