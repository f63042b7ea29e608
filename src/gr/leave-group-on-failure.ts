import { CLIENT_ERROR_HOOK, msg } from '../observe/error-codes.js';
import type { GrMember } from './gr-member.js';

/**
 * leave_group_on_failure.cc: how a member that failed leaves the group (status ERROR, role cleared,
 * blocked transactions rolled back, super_read_only), then auto-rejoin or the exit state action.
 */

/** The expel path (was_member_expelled_from_group → leave_group_on_failure, ALREADY_LEFT_GROUP). */
export function leaveGroupOnExpel(m: GrMember): void {
  m.admission = null; // expelled before handling its join view: it never goes RECOVERING
  m.startStop.joinViewLost();
  m.log(msg.memberExpelled());
  enterError(m, 'expelled');
  m.ctx.gcs(m.slot).stop();
  m.ctx.xcom.stop(m.slot, 'expelled');
  m.leftLogged = false;
  // A STOP under way ends the plugin's modules, auto-rejoin included (plugin.cc attempt_rejoin).
  const stopping = m.startStop.isStopping();
  if (m.opts.group_replication_autorejoin_tries > 0) {
    if (!stopping) m.ctx.later(m.slot, m.ctx.params.autoRejoinStartUs, () => { if (!m.startStop.isStopping()) m.autorejoin.start(); });
  } else {
    applyExitAction(m, 'Member was expelled from the group due to network failures.');
  }
}

/**
 * The majority timeout: leave_group_on_failure with a GCS leave (not ALREADY_LEFT), and without
 * CLEAN_GROUP_MEMBERSHIP (group_partition_handling.cc partition_thread_handler): the member keeps
 * the others in its member table, as they were (UNREACHABLE where suspected), until the leave view
 * (gcs_event_handlers.cc on_view_changed → update_group_info_manager with is_leaving keeps only
 * itself). From a minority that view comes when GCS gives up the leave, about 30 s later.
 */
export function leaveGroupOnMajorityTimeout(m: GrMember): void {
  const stopping = m.startStop.isStopping();
  const tries = m.opts.group_replication_autorejoin_tries;
  const action = m.opts.group_replication_exit_state_action;
  // A STOP's leave under way (its partition handler runs until the plugin's modules end, after the
  // leave): Gcs_operations::leave answers ALREADY_LEAVING, logged before the rest of the leave.
  if (m.leaveInProgress()) m.log(msg.alreadyLeaving());
  enterError(m, 'leaving');
  if (tries === 0 && action === 'OFFLINE_MODE') goOfflineMode(m);
  m.log(msg.waitingForViewUpdate());
  m.gcsLeave(() => {
    // A STOP that waited for this leave ends with its own empty view (start-stop-group-replication.ts).
    if (m.state === 'ERROR' && !m.startStop.isStopping()) keepOnlySelf(m);
    // The leave view ends the election process (primary_election_primary_process.cc after_view_change).
    m.consistency.leaveViewInstalled();
    if (tries === 0 && action === 'ABORT_SERVER') abortServer(m, 'This member could not reach a majority of the members.');
    else if (tries > 0 && !stopping && !m.startStop.isStopping()) m.autorejoin.start();
  });
}

/**
 * Status ERROR, role SECONDARY, the member table emptied but for itself when expelled
 * (leave_group_on_failure's CLEAN_GROUP_MEMBERSHIP), blocked transactions rolled back, MY-011712 and
 * super_read_only. `path`: expelled (already left) or leaving (the majority timeout's GCS leave to come).
 */
function enterError(m: GrMember, path: 'expelled' | 'leaving'): void {
  const cleanMembership = path === 'expelled';
  m.state = 'ERROR';
  if (m.partition.inPartition) m.partition.abort();
  if (cleanMembership) {
    m.table.clear();
    m.expelLeaveViewId = m.viewNumber === null ? null : `${m.viewFixed}:${m.viewNumber + 1}`;
    m.viewNumber = null;
  }
  m.table.set(m.slot, { state: 'ERROR', role: 'SECONDARY', unreachable: false });
  const released = m.rollbackPending(CLIENT_ERROR_HOOK, true, path);
  m.log(msg.setReadOnlyDueToErrors());
  m.logReleasedSessions(released);
  m.setFlags(true, m.offlineMode);
  if (cleanMembership) m.emitView([]);
  m.refresh();
}

/** The leave view of a member in ERROR: only itself in its member table, no view. */
function keepOnlySelf(m: GrMember): void {
  const self = m.table.get(m.slot);
  m.table.clear();
  if (self !== undefined) m.table.set(m.slot, self);
  m.viewNumber = null;
  m.emitView([]);
  m.refresh();
}

function goOfflineMode(m: GrMember): void {
  if (!m.offlineMode) {
    m.offlineMode = true;
    m.emitFlags();
  }
  m.log(msg.setOfflineModeDueToErrors());
}

function abortServer(m: GrMember, reason: string): void {
  m.log(msg.pluginAbort(reason));
  m.ctx.shutdownServer(m.slot);
}

/** group_replication_exit_state_action, applied when the member fails for good. */
export function applyExitAction(m: GrMember, abortReason: string): void {
  switch (m.opts.group_replication_exit_state_action) {
    case 'READ_ONLY':
      break;
    case 'OFFLINE_MODE':
      goOfflineMode(m);
      break;
    case 'ABORT_SERVER':
      abortServer(m, abortReason);
      break;
  }
}
