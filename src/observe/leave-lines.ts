/**
 * The error-log lines that mark a member removing itself from the group: after each, the member's
 * GCS or XCom asks the group to remove this node (a remove_node for itself), so the view without it
 * that follows is its own doing, not the others' expel. One table for every reader of the trace:
 * the metrics (a removal after one of these is a leave, not an expel: metrics.ts LeaveRecord) and
 * the no-expel-without-majority invariant (a node that asked to be removed needs nobody's majority).
 *
 * Both readers need the same set. The invariant ties a line to the member's incarnation, not to a
 * time: any line of the leave will do. The metrics take the first line of the leave as the time
 * the member asked. Where MySQL writes two lines for one leave, one just before its removal request
 * and one just after (the unreachable-majority timeout: MY-011711, then MY-011647), both are here
 * and the earlier one dates the request; the simulation writes them at the same instant.
 *
 * A member removed by the others (its expel by the killer node, group_replication_force_members)
 * writes none of these before the removal: it learns of it afterwards (MY-011505, gcs_event_handlers.cc
 * was_member_expelled_from_group), or never when it crashed.
 */
/**
 * What made a member remove itself: STOP GROUP_REPLICATION (or a shutdown), the unreachable-majority
 * timeout, a join refused for transactions the group lacks, a START or an auto-rejoin attempt whose
 * view did not come, or XCom's exit when the messages it needs were evicted ("too far ahead").
 */
export type LeaveCause = 'stop' | 'majority-timeout' | 'join-refused' | 'join-timeout' | 'rejoin-timeout' | 'xcom-exit';

export interface OwnLeaveLine {
  readonly code: string;
  /** The MySQL error name (share/messages_to_error_log.txt). */
  readonly name: string;
  /**
   * Text the message must contain, for a code that carries many messages (MY-011735 wraps every
   * GCS and XCom line, src/gcs_logger.cc); undefined: every line with the code.
   */
  readonly text?: string;
  /** What made the member leave, as LeaveRecord.cause names it. */
  readonly cause: LeaveCause;
  /** Whether MySQL writes the line just before the removal request or just after it. */
  readonly order: 'before' | 'after';
  /** Where MySQL writes it and which removal request goes with it. */
  readonly source: string;
}

/** The words of XCom's die line (xcom_base.cc process_die_op) that no other MY-011735 message has. */
export const XCOM_DIE_OP_TEXT = 'since the group is too far ahead';

export const OWN_LEAVE_LINES: readonly OwnLeaveLine[] = [
  {
    code: 'MY-011647', cause: 'stop', name: 'ER_GRP_RPL_WAITING_FOR_VIEW_UPDATE', order: 'after',
    source: 'plugin.cc leave_group (STOP GROUP_REPLICATION, a shutdown) and leave_group_on_failure.cc leave (the ' +
      'unreachable-majority timeout\'s leave) log it right after gcs_module->leave() answered NOW_LEAVING or ALREADY_LEAVING',
  },
  {
    code: 'MY-011711', cause: 'majority-timeout', name: 'ER_GRP_RPL_UNREACHABLE_MAJORITY_TIMEOUT_FOR_MEMBER', order: 'before',
    source: 'plugin_handlers/group_partition_handling.cc partition_thread_handler logs it, then calls ' +
      'leave_group_on_failure::leave without ALREADY_LEFT_GROUP, which calls gcs_module->leave()',
  },
  {
    code: 'MY-011522', cause: 'join-refused', name: 'ER_GRP_RPL_TRANS_NOT_PRESENT_IN_GRP', order: 'before',
    source: 'gcs_event_handlers.cc check_group_compatibility: a joiner with transactions the group lacks ("The member ' +
      'will now exit the group"); handle_joining_members cancels the view wait (notify_of_view_change_cancellation), ' +
      'and the START leaves on its error path (plugin.cc initialize_plugin_and_join → leave_group_and_terminate_plugin_modules), ' +
      'an auto-rejoin attempt with gcs_module->leave (plugin.cc attempt_rejoin)',
  },
  {
    code: 'MY-011640', cause: 'join-timeout', name: 'ER_GRP_RPL_TIMEOUT_ON_VIEW_AFTER_JOINING_GRP', order: 'before',
    source: 'plugin.cc initialize_plugin_and_join: the START\'s view did not come; its error path calls ' +
      'leave_group_and_terminate_plugin_modules, whose leave_group() asks GCS to leave',
  },
  {
    code: 'MY-013374', cause: 'rejoin-timeout', name: 'ER_GRP_RPL_TIMEOUT_RECEIVED_VC_ON_REJOIN', order: 'before',
    source: 'plugin.cc attempt_rejoin: the auto-rejoin attempt\'s view did not come; the attempt ends with gcs_module->leave(nullptr)',
  },
  {
    code: 'MY-011735', cause: 'xcom-exit', name: 'ER_GRP_RPL_GCS_GR_ERROR_MSG', text: XCOM_DIE_OP_TEXT, order: 'before',
    source: 'xcom_base.cc process_die_op logs "Node N is unable to get message …, since the group is too far ahead. Node ' +
      'will now exit." and calls terminate_and_exit, which fires the expel callback (gcs_xcom_interface.cc cb_xcom_expel → ' +
      'make_gcs_leave_group_on_error); gcs_xcom_control_interface.cc do_remove_node_from_group then connects to a member ' +
      'of its view and asks it, with xcom_remove_nodes naming only this node ("invoked xcom_remove_self"), to remove it. ' +
      'No suspicion or expel request of the others is involved: they log only the removal (MY-011499). The member ' +
      'itself installs its leave view as MEMBER_EXPELLED (do_leave_view) and so logs MY-011505',
  },
];

const BY_CODE = new Map<string, OwnLeaveLine[]>();
for (const line of OWN_LEAVE_LINES) {
  const list = BY_CODE.get(line.code);
  if (list === undefined) BY_CODE.set(line.code, [line]);
  else list.push(line);
}

/** The OWN_LEAVE_LINES entry a member's log line `code`/`message` is (it is removing itself from the group), or undefined. */
export function ownLeaveLine(code: string, message: string): OwnLeaveLine | undefined {
  const lines = BY_CODE.get(code);
  if (lines === undefined) return undefined;
  for (const l of lines) if (l.text === undefined || message.includes(l.text)) return l;
  return undefined;
}

/** Whether a member's log line `code`/`message` is one of OWN_LEAVE_LINES: it is removing itself from the group. */
export function startsOwnLeave(code: string, message: string): boolean {
  return ownLeaveLine(code, message) !== undefined;
}
