/**
 * The MySQL error-log messages grsim prints, with their ids, levels and exact texts
 * (docs/mysql-behaviour.md §G5; ids from share/messages_to_error_log.txt of MySQL 8.0.41).
 * Texts are MySQL's printf templates with their placeholders already filled by the helpers below.
 */

/** Error-log label as MySQL prints it (`[System]`, `[ERROR]`, `[Warning]`, `[Note]`). */
export type LogLevel = 'System' | 'ERROR' | 'Warning' | 'Note';

export interface LogMessage {
  readonly code: string;
  readonly level: LogLevel;
  readonly message: string;
  /** A line the server writes itself (LogErr), without the "Plugin group_replication reported" wrapper. */
  readonly server?: true;
}

function m(code: string, level: LogLevel, message: string): LogMessage {
  return { code, level, message };
}

function serverLine(code: string, level: LogLevel, message: string): LogMessage {
  return { code, level, message, server: true };
}

/**
 * How the replication channel statements name the other end: MASTER/SLAVE up to 8.0.22, SOURCE and
 * REPLICA from 8.0.23 (share/messages_to_error_log.txt: ER_REPLICA_CHANGE_SOURCE_TO_EXECUTED).
 */
export type ChannelTerms = 'master' | 'source';

/** One side of a CHANGE MASTER/REPLICATION SOURCE TO line: the channel's source host, port, log position. */
export interface ChannelSource {
  /** `<NULL>` for a channel without a source (the group_replication_applier channel). */
  readonly host: string;
  readonly port: number;
  readonly logPos: number;
}

/** `group_replication_*` plugin messages (src/gcs_event_handlers.cc, group_partition_handling.cc, …). */
export const msg = {
  memberUnreachable: (hostPort: string) => m('MY-011493', 'Warning', `Member with address ${hostPort} has become unreachable.`),
  memberReachable: (hostPort: string) => m('MY-011494', 'Warning', `Member with address ${hostPort} is reachable again.`),
  serverBlocked: () =>
    m('MY-011495', 'ERROR',
      'This server is not able to reach a majority of members in the group. This server will now block all updates. The server will remain blocked until contact with the majority is restored. It is possible to use group_replication_force_members to force a new group membership.'),
  serverBlockedForSecs: (secs: number) =>
    m('MY-011496', 'ERROR',
      `This server is not able to reach a majority of members in the group. This server will now block all updates. The server will remain blocked for the next ${secs} seconds. Unless contact with the majority is restored, after this time the member will error out and leave the group. It is possible to use group_replication_force_members to force a new group membership.`),
  changeNotProcessed: () =>
    m('MY-011497', 'Warning', 'A group membership change was received but the plugin is already leaving due to the configured timeout on group_replication_unreachable_majority_timeout option.'),
  contactRestored: () =>
    m('MY-011498', 'Warning', 'The member has resumed contact with a majority of the members in the group. Regular operation is restored and transactions are unblocked.'),
  membersRemoved: (list: string) => m('MY-011499', 'Warning', `Members removed from the group: ${list}`),
  primaryLeft: (hostPort: string) => m('MY-011500', 'System', `Primary server with address ${hostPort} left the group. Electing new Primary.`),
  membersJoined: (list: string) => m('MY-011501', 'Note', `Members joined the group: ${list}`),
  membershipChanged: (list: string, viewId: string) => m('MY-011503', 'System', `Group membership changed to ${list} on view ${viewId}.`),
  memberLeftGroup: () => m('MY-011504', 'System', 'Group membership changed: This member has left the group.'),
  memberExpelled: () => m('MY-011505', 'ERROR', 'Member was expelled from the group due to network failures, changing member status to ERROR.'),
  newPrimaryElected: (hostPort: string, suffix: string) =>
    m('MY-011507', 'System', `A new primary with address ${hostPort} was elected. ${suffix}`),
  /**
   * gcs_event_handlers.cc compare_member_transaction_sets: the joiner's gtid_executed and retrieved
   * set is not a subset of the union of the other members' (ER_GRP_RPL_MEMBER_TRANS_GREATER_THAN_GRP).
   */
  memberTransGreaterThanGroup: (local: string, group: string) =>
    m('MY-011526', 'ERROR', `This member has more executed transactions than those present in the group. Local transactions: ${local} > Group transactions: ${group}`),
  /** gcs_event_handlers.cc check_group_compatibility after the check above (ER_GRP_RPL_TRANS_NOT_PRESENT_IN_GRP). */
  transNotPresentInGroup: () => m('MY-011522', 'ERROR', 'The member contains transactions not present in the group. The member will now exit the group.'),
  srvPrimary: () => m('MY-011510', 'System', 'This server is working as primary member.'),
  srvSecondary: (primaryHostPort: string) =>
    m('MY-011511', 'System', `This server is working as secondary member with primary member address ${primaryHostPort}.`),
  noSuitablePrimary: () => m('MY-011512', 'Warning', 'Unable to set any member as primary. No suitable candidate.'),
  srvOnline: () => m('MY-011490', 'System', 'This server was declared online within the replication group.'),
  memOnline: (hostPort: string) => m('MY-011492', 'System', `The member with address ${hostPort} was declared online within the replication group.`),
  superReadOnlyOn: () => m('MY-011565', 'System', 'Setting super_read_only=ON.'),
  superReadOnlyOff: () => m('MY-011566', 'System', 'Setting super_read_only=OFF.'),
  /**
   * observer_trans.cc group_replication_trans_before_commit: a commit that waited for STOP
   * GROUP_REPLICATION's lock (shared_plugin_stop_lock) finds the plugin stopping and fails.
   */
  cannotExecuteWhileStopping: () => m('MY-011599', 'ERROR', 'Transaction cannot be executed while Group Replication is stopping.'),
  transactionsRolledBack: () =>
    m('MY-011630', 'Warning', 'Due to a plugin error, some transactions were unable to be certified and will now rollback.'),
  /** plugin.cc initialize_plugin_and_join: the START's wait for its join view (view_change_notifier) timed out. */
  startViewTimeout: () => m('MY-011640', 'ERROR', 'Timeout on wait for view after joining group'),
  waitingForViewUpdate: () => m('MY-011647', 'Note', 'Going to wait for view modification'),
  /** plugin.cc leave_group: Gcs_operations::leave found a leave under way (a leave on a failure). */
  alreadyLeaving: () => m('MY-011645', 'Warning', 'Skipping leave operation: concurrent attempt to leave the group is on-going.'),
  /** plugin.cc leave_group: the GCS leave answered that this member already left (an expelled member's STOP). */
  alreadyLeft: () => m('MY-011646', 'Warning', 'Skipping leave operation: member already left the group.'),
  /**
   * plugin.cc plugin_group_replication_stop: logged at INFORMATION_LEVEL (Note) in the 2019 source
   * and at SYSTEM_LEVEL in the 2023 one (VersionProfile.stoppingLogLevel).
   */
  pluginStopping: (level: 'Note' | 'System') => m('MY-011650', level, "Plugin 'group_replication' is stopping."),
  pluginStopped: () => m('MY-011651', 'System', "Plugin 'group_replication' has been stopped."),
  leaveViewTimeout: () =>
    m('MY-011648', 'Warning', 'While leaving the group due to a stop, shutdown or failure there was a timeout receiving a view change. This can lead to a possible inconsistent state. Check the log for more details'),
  unreachableMajorityTimeout: (secs: number) =>
    m('MY-011711', 'ERROR', `This member could not reach a majority of the members for more than ${secs} seconds. The member will now leave the group as instructed by the group_replication_unreachable_majority_timeout option.`),
  setReadOnlyDueToErrors: () => m('MY-011712', 'ERROR', 'The server was automatically set into read only mode after an error was detected.'),
  pluginAbort: (reason: string) => m('MY-013173', 'ERROR', `The plugin encountered a critical error and will abort: ${reason}`),
  startedAutoRejoin: (attempt: number, of: number) => m('MY-013373', 'System', `Started auto-rejoin procedure attempt ${attempt} of ${of}`),
  autoRejoinViewTimeout: () => m('MY-013374', 'Warning', 'Timeout while waiting for a view change event during the auto-rejoin procedure'),
  finishedAutoRejoin: (attempt: number, of: number, success: boolean) =>
    m('MY-013375', 'System', `Auto-rejoin procedure attempt ${attempt} of ${of} finished. Member was${success ? '' : ' not'} able to join the group.`),
  recoveryStrategy: () => m('MY-013471', 'System', 'Distributed recovery will transfer data using: Incremental recovery from a group donor'),
  setOfflineModeDueToErrors: () => m('MY-013486', 'ERROR', 'The server was automatically set into offline mode after an error was detected.'),
  /** A session blocked in before_commit is released by a failure (observer_trans.cc group_replication_trans_before_commit). */
  conflictDetectionWaitFailed: (sessionId: number) =>
    m('MY-011615', 'ERROR', `Error while waiting for conflict detection procedure to finish on session ${sessionId}`),
  /**
   * A transaction larger than group_replication_transaction_size_limit is refused at commit
   * (observer_trans.cc group_replication_trans_before_commit, ER_GRP_RPL_TRANS_SIZE_EXCEEDS_LIMIT).
   */
  transactionSizeExceedsLimit: (sessionId: number, bytes: number, limit: number) =>
    m('MY-011608', 'ERROR', `Error on session ${sessionId}. Transaction of size ${bytes} exceeds specified limit ${limit}. To increase the limit please adjust group_replication_transaction_size_limit option.`),
  /** The server reports the failed observer hook of that session (sql/rpl_handler.cc FOREACH_OBSERVER). */
  hookFailed: (hook: string) => serverLine('MY-010207', 'ERROR', `Run function '${hook}' in plugin 'group_replication' failed`),
  /** CHANGE MASTER TO / CHANGE REPLICATION SOURCE TO a GR channel (sql/rpl_replica.cc change_master). */
  channelChanged: (terms: ChannelTerms, channel: string, before: ChannelSource, after: ChannelSource) => {
    const statement = terms === 'master' ? 'CHANGE MASTER TO' : 'CHANGE REPLICATION SOURCE TO';
    const side = (s: ChannelSource): string =>
      `${terms}_host='${s.host}', ${terms}_port= ${s.port}, ${terms}_log_file='', ${terms}_log_pos= ${s.logPos}, ${terms}_bind=''`;
    return serverLine('MY-010597', 'System', `'${statement} FOR CHANNEL '${channel}' executed'. Previous state ${side(before)}. New state ${side(after)}.`);
  },
  /** The recovery channel stores its user and password (ER_INSECURE_CHANGE_MASTER, logged as the receiver starts). */
  insecureChannelCredentials: (terms: ChannelTerms) => serverLine('MY-010897', 'Warning', terms === 'master'
    ? "Storing MySQL user name or password information in the master info repository is not secure and is therefore not recommended. Please consider using the USER and PASSWORD connection options for START SLAVE; see the 'START SLAVE Syntax' in the MySQL Manual for more information."
    : "Storing MySQL user name or password information in the connection metadata repository is not secure and is therefore not recommended. Please consider using the USER and PASSWORD connection options for START REPLICA; see the 'START REPLICA Syntax' in the MySQL Manual for more information."),
  /** The recovery channel's receiver connected to the donor (8.0.22 and earlier wording; later releases print another id). */
  receiverConnected: (channel: string, user: string, host: string, port: number) =>
    serverLine('MY-010562', 'System', `Slave I/O thread for channel '${channel}': connected to master '${user}@${host}:${port}',replication started in log 'FIRST' at position 4`),
  /** Every GCS and XCom line is wrapped in MY-011735 with the prefix "[GCS] " (src/gcs_logger.cc). */
  gcs: (level: LogLevel, text: string) => m('MY-011735', level, `[GCS] ${text}`),
  // ---- operator actions: force_members (src/plugin.cc check_force_members, src/gcs_operations.cc
  // Gcs_operations::force_members) and group actions (src/group_actions/group_action_coordinator.cc)
  /** plugin.cc check_if_server_properly_configured: START with group_replication_force_members set. */
  forceMembersMustBeEmpty: (value: string) => m('MY-011634', 'ERROR', `group_replication_force_members must be empty on group start. Current value: '${value}'`),
  /** Gcs_operations::force_members on a member that is not ONLINE (or whose GCS is not running). */
  forceMembersMemberOffline: () => m('MY-011719', 'ERROR', 'Member is not ONLINE, it is not possible to force a new group membership'),
  forceMembersValueSetError: (value: string) => m('MY-011721', 'ERROR', `Error setting group_replication_force_members value '${value}' on group communication interfaces`),
  forceMembersValueSet: (value: string) => m('MY-011722', 'System', `The group_replication_force_members value '${value}' was set in the group communication interfaces`),
  forceMembersViewTimeout: (value: string) =>
    m('MY-011723', 'ERROR', `Timeout on wait for view after setting group_replication_force_members value '${value}' into group communication interfaces`),
  /** check_force_members up to 8.0.3x: a SET while another one waits for its view (8.0.22, 8.0.27 src/plugin.cc). */
  forceMembersOnlyOneAtATime: () => m('MY-011692', 'ERROR', 'There is one group_replication_force_members operation already ongoing'),
  /** check_force_members up to 8.0.3x: GR not running or the majority reachable (8.0.22, 8.0.27 src/plugin.cc). */
  forceMembersUpdateNotAllowed: () =>
    m('MY-011693', 'ERROR', 'group_replication_force_members can only be updated when Group Replication is running and a majority of the members are unreachable'),
  forceMembersWhenLeaving: () => m('MY-013329', 'ERROR', 'A request to force a new group membership was issued when the member is leaving the group.'),
  /** Group_action_coordinator::terminate_action: the action's result on this member. */
  groupActionTerminated: (description: string, result: string) => m('MY-013213', 'System', `Configuration operation '${description}' terminated. ${result}`),
  groupActionStart: (description: string) => m('MY-013214', 'System', `Starting group operation local execution: ${description}`),
  groupActionEnd: (description: string) => m('MY-013215', 'Note', `Termination of group operation local execution: ${description}`),
} as const;

/** GCS/XCom texts carried by MY-011735 (gcs_xcom_control_interface.cc, xcom_base.cc). */
export const gcsText = {
  shuttingDownOutgoing: (xcomHostPort: string) =>
    `Shutting down an outgoing connection. This happens because something might be wrong on a bi-directional connection to node ${xcomHostPort}. Please check the connection status to this member`,
  engineExitTimeout: () => 'Timeout while waiting for the group communication engine to exit!',
  failedGracefulLeave: () => 'The member has failed to gracefully leave the group.',
  /** Gcs_xcom_control::connect_to_peer; `form` is VersionProfile.peerConnectErrorText. */
  peerConnectionFailed: (peerHostPort: string, localPort: number, form: 'local-port' | 'peer-node-when-joining') =>
    form === 'local-port'
      ? `Error on opening a connection to ${peerHostPort} on local port: ${localPort}.`
      : `Error on opening a connection to peer node ${peerHostPort} when joining a group. My local port is: ${localPort}.`,
  connectingToAllPeersFailed: (localPort: number) => `Error connecting to all peers. Member join failed. Local port: ${localPort}`,
  unableToJoin: (localPort: number) => `The member was unable to join the group. Local port: ${localPort}`,
  /** gcs_xcom_control_interface.cc do_leave when this node never joined at the XCom level. */
  leavingWithoutGroup: () => 'The member is leaving a group without being on one.',
  /**
   * xcom_base.cc allow_add_node: `xcomUuid` is the XCom identity of the node being added
   * (Gcs_xcom_uuid::create_uuid), not its server_uuid; `form` is VersionProfile.oldIncarnationLog.
   */
  oldIncarnation: (xcomHostPort: string, xcomUuid: string, form: 'note' | 'warning-stop-old-node') =>
    form === 'note'
      ? `Old incarnation found while trying to add node ${xcomHostPort} ${xcomUuid}.`
      : `Old incarnation found while trying to add node ${xcomHostPort} ${xcomUuid}. Please stop the old node or wait for it to leave the group.`,
  sendingGlobalView: (nodeNo: number, xcomHostPort: string) =>
    `A configuration change was detected. Sending a Global View Message to all nodes. My node identifier is ${nodeNo} and my address is ${xcomHostPort}`,
  /** xcom_base.cc process_die_op: the synode as XCom prints it, {group id (hex) msgno node}. */
  tooFarAhead: (nodeNo: number, groupIdHex: string, msgno: number, node: number) =>
    `Node ${nodeNo} is unable to get message {${groupIdHex} ${msgno} ${node}}, since the group is too far ahead. Node will now exit.`,
  /** gcs_xcom_control_interface.cc run_process_suspicions (two double spaces, as MySQL prints it). */
  messagesEvicted: (xcomHostPort: string) =>
    `Messages that are needed to recover node ${xcomHostPort} have been evicted from the message  cache. Consider resizing the maximum size of the cache by  setting group_replication_message_cache_size.`,
  // gcs_xcom_group_management.cc Gcs_xcom_group_management::modify_configuration (force_members)
  peerAddressInvalid: (address: string) => `Peer address "${address}" is not valid.`,
  peersInvalid: () => 'The peers list contains invalid addresses.Please provide a list with only valid addresses.',
  peersEmpty: () => 'The peers list to reconfigure the group was empty.',
  peersNotInView: () => "The peer is trying to set up a configuration where there are members that don't belong to the current view.",
} as const;

/** The client error a rolled-back write returns (ER_RUN_HOOK_ERROR). */
export const CLIENT_ERROR_HOOK = "ERROR 3100 (HY000): Error on observer while running replication hook 'before_commit'.";
/**
 * The client error of a statement held by a new primary's election process when Group Replication
 * stops meanwhile (ER_GR_HOLD_KILLED; hold_transactions.cc, wait_until_primary_failover_complete).
 */
export const CLIENT_ERROR_HOLD_KILLED =
  'ERROR 3782 (HY000): Held statement aborted because Group Replication plugin got shut down or thread was killed while new primary member was applying backlog.';
/**
 * The client error of a statement held by a new primary's election process for the session's whole
 * wait_timeout (ER_GR_HOLD_WAIT_TIMEOUT; hold_transactions.cc, wait_until_primary_failover_complete).
 */
export const CLIENT_ERROR_HOLD_WAIT_TIMEOUT =
  'ERROR 3781 (HY000): Timeout exceeded for held statement while new Group Replication primary member is applying backlog.';
/**
 * The client error of a statement held by a new primary's election process whose once-a-second
 * check found the member in ERROR with the hold still on (ER_GR_HOLD_MEMBER_STATUS_ERROR;
 * hold_transactions.cc, wait_until_primary_failover_complete).
 */
export const CLIENT_ERROR_HOLD_MEMBER_STATUS_ERROR =
  'ERROR 3783 (HY000): Held statement was aborted due to member being in error state, while backlog is being applied during Group Replication primary election.';
/**
 * The client error of a BEFORE transaction whose wait for the applier outlasted the session's
 * wait_timeout (ER_GRP_TRX_CONSISTENCY_BEFORE; consistency_manager.cc,
 * transaction_begin_sync_before_execution, wait_for_gtid_set_committed).
 */
export const CLIENT_ERROR_CONSISTENCY_BEFORE =
  "ERROR 3797 (HY000): Error while waiting for group transactions commit on group_replication_consistency= 'BEFORE'.";
/**
 * The client error of a transaction that waited behind a prepared AFTER transaction for the
 * session's whole wait_timeout (ER_GRP_TRX_CONSISTENCY_AFTER_ON_TRX_BEGIN; consistency_manager.cc,
 * transaction_begin_sync_prepared_transactions).
 */
export const CLIENT_ERROR_CONSISTENCY_AFTER_ON_BEGIN =
  "ERROR 3798 (HY000): Error while waiting for transactions with group_replication_consistency= 'AFTER' to commit.";
/**
 * The client error of a transaction whose begin hook ran after STOP GROUP_REPLICATION began, at a
 * BEFORE level or behind a prepared AFTER transaction (ER_GRP_TRX_CONSISTENCY_BEGIN_NOT_ALLOWED;
 * consistency_manager.cc, transaction_begin_sync_before_execution,
 * transaction_begin_sync_prepared_transactions).
 */
export const CLIENT_ERROR_CONSISTENCY_BEGIN_NOT_ALLOWED =
  'ERROR 3799 (HY000): The Group Replication plugin is stopping, therefore new transactions are not allowed to start.';
/** The client error for a write on a super_read_only server (ER_OPTION_PREVENTS_STATEMENT). */
export const CLIENT_ERROR_SUPER_READ_ONLY =
  'ERROR 1290 (HY000): The MySQL server is running with the --super-read-only option so it cannot execute this statement';
/** The client error when no mysqld listens (CR_CONN_HOST_ERROR, a client-side error: include/errmsg.h). */
export const CLIENT_ERROR_CONNECT = "ERROR 2003 (HY000): Can't connect to MySQL server";
/** The client error when connecting to a server in offline_mode (ER_SERVER_OFFLINE_MODE). */
export const CLIENT_ERROR_OFFLINE_MODE = 'ERROR 3032 (HY000): The server is currently in offline mode';
/** The error a topology UDF returns while a member is unreachable (include/udf/udf_utils.h, unreachable_member_on_group_str). */
export const UDF_ERROR_UNREACHABLE = 'All members in the group must be reachable.';
/**
 * The error a topology UDF returns while the plugin stops, off the majority or when not ONLINE
 * (include/udf/udf_utils.h, member_offline_or_minority_str).
 */
export const UDF_ERROR_NOT_ONLINE_MAJORITY = 'Member must be ONLINE and in the majority partition.';
/** The error a topology UDF returns while a member is RECOVERING (include/udf/udf_utils.h, recovering_member_on_group_str). */
export const UDF_ERROR_RECOVERING = 'A member is joining the group, wait for it to be ONLINE.';
/** validate_uuid_parameter's error for text that is no uuid (include/udf/udf_utils.h, server_uuid_not_valid_str). */
export const UDF_ERROR_UUID_NOT_VALID = 'Wrong arguments: The server uuid is not valid.';
/** validate_uuid_parameter's error for a uuid not in the member table (include/udf/udf_utils.h, server_uuid_not_on_group_str). */
export const UDF_ERROR_NOT_A_MEMBER = 'The requested uuid is not a member of the group.';
/**
 * START GROUP_REPLICATION's error when the plugin's checks refuse it, or when its join gives up (a
 * compatibility check cancels the view, or no view comes in time): ER_GROUP_REPLICATION_CONFIGURATION
 * (sql/rpl_group_replication.cc; plugin.cc initialize_plugin_and_join).
 */
export const START_ERROR_CONFIGURATION =
  'ERROR 3092 (HY000): The server is not configured properly to be an active member of the group. Please see more details on error log.';
/**
 * A SET of a system variable whose check function failed without an error of its own
 * (ER_WRONG_VALUE_FOR_VAR, 1231; sql/set_var.cc sys_var::check): how the 8.0.20 and 8.0.21
 * profiles refuse SET GLOBAL group_replication_force_members.
 */
export function wrongValueForVariable(name: string, value: string): string {
  // share/messages_to_clients.txt prints them with %-.64s and %-.200s: longer ones are cut there.
  return `ERROR 1231 (42000): Variable '${name.slice(0, 64)}' can't be set to the value of '${value.slice(0, 200)}'`;
}

/** A refused SET GLOBAL group_replication_force_members on the 8.4 and 9.x profiles (ER_GROUP_REPLICATION_FORCE_MEMBERS_COMMAND_FAILURE, 4118). */
export function forceMembersCommandFailure(value: string, reason: string): string {
  return `ERROR 4118 (HY000): The 'SET GLOBAL group_replication_force_members=${value}' command encountered a failure. ${reason}`;
}
