import { CLIENT_ERROR_HOOK, msg, START_ERROR_CONFIGURATION } from '../observe/error-codes.js';
import { START_JOIN_ATTEMPTS, START_JOIN_SLEEP_US } from '../xcom/constants.js';
import type { GrMember, UdfResult } from './gr-member.js';

/** ER_GROUP_REPLICATION_RUNNING (3093): START on a member whose plugin runs (ONLINE, RECOVERING, ERROR or joining). */
export const START_ERROR_RUNNING =
  'ERROR 3093 (HY000): The START GROUP_REPLICATION command failed since the group is already running.';

/**
 * ER_GROUP_REPLICATION_COMMAND_FAILURE (3663) for a START or STOP issued while another one runs
 * (sql/rpl_group_replication.cc, start_stop_executing; from 8.0.21, VersionProfile.concurrentStartStop).
 */
export function anotherCommandRunning(command: 'START' | 'STOP'): string {
  return `ERROR 3663 (HY000): The ${command} GROUP_REPLICATION command encountered a failure. Another instance of START/STOP GROUP_REPLICATION command is executing.`;
}

/**
 * START and STOP GROUP_REPLICATION on one member (plugin.cc plugin_group_replication_start,
 * initialize_plugin_and_join, plugin_group_replication_stop, leave_group), and start_on_boot.
 */
/**
 * TRANSACTION_KILL_TIMEOUT, 50 (include/plugin_constants.h): the timeout STOP GROUP_REPLICATION
 * hands transactions_latch->block_until_empty (plugin.cc plugin_group_replication_stop).
 */
export const TRANSACTION_KILL_TIMEOUT_S = 50;
/**
 * How long that wait lasts when the latch does not empty: Wait_ticket::block_until_empty
 * (plugin_utils.h) waits 1 s at a time and counts the timeout down after each wait while it is at
 * least 1, giving up only at the wait after it reached 0: TRANSACTION_KILL_TIMEOUT + 1 waits.
 */
export const STOP_GIVES_UP_WAITING_US = (TRANSACTION_KILL_TIMEOUT_S + 1) * 1_000_000;

/**
 * What became of one client START command: 'pending' until it returns, then 'joined' (its join view
 * arrived and was handled) or 'failed' with `error`, the client error the command returned (null
 * unless failed). Its checks' refusals after waiting for the command lock give theirs (3093, 3092
 * for group_replication_force_members); a start that gives up gives ERROR 3092
 * (START_ERROR_CONFIGURATION, see startEnded); a server that dies meanwhile, the client's lost
 * connection (ERROR 2013).
 */
export interface StartOutcome {
  outcome: 'pending' | 'joined' | 'failed';
  error: string | null;
}

export class StartStopGroupReplication {
  /** A START waiting for its join view. */
  private startingNow = false;
  /** The session of the last START (0: start_on_boot's initialization thread). */
  private startThread = 0;
  /** That START is a client's command (not start_on_boot): it holds the command lock until it ends. */
  private startByClient = false;
  /** A client's START whose join view arrived and is not handled yet: the command returns once it is. */
  private awaitingAdmission = false;
  /**
   * A START whose join was refused and that leaves the group again before it returns:
   * initialize_plugin_and_join's error path (plugin.cc) runs leave_group_and_terminate_plugin_modules,
   * and leave_group waits for the leave view when GCS belongs to the group (it installed the join
   * view it then refused), still holding the lock.
   */
  private leavingAfterFailure = false;
  /**
   * A STOP in progress, from the command until the plugin has stopped (plugin_is_stopping and
   * shared_plugin_stop_lock held): while `draining` it waits for the transactions latch to empty and
   * `leave` goes on with the stop; `serial` is its command's place in line (0: not a command); null
   * when no STOP runs.
   */
  private stopping: { draining: boolean; checkQueued: boolean; serial: number; readonly leave: () => void } | null = null;
  /**
   * START and STOP commands waiting for plugin_running_lock, in the order issued, with the session
   * that issued each. Both commands hold the lock for their whole run (plugin.cc
   * plugin_group_replication_start and plugin_group_replication_stop), and so does start_on_boot's
   * START, so a command issued meanwhile waits and then runs with its own checks. Up to 8.0.20 any
   * command can wait here; from 8.0.21 only one issued during start_on_boot's START, as a second
   * client command meets start_stop_executing and is refused (ERROR 3663).
   */
  private queued: { readonly start: StartOutcome | null; readonly thread: number; readonly serial: number }[] = [];
  /** The running client START's outcome, and the last client START command's. */
  private runningStart: StartOutcome | null = null;
  private lastStart: StartOutcome | null = null;
  /** STOP commands issued, and the place in line of the last that has returned (they return in turn). */
  private stopsIssued = 0;
  private stopsEnded = 0;
  private gen = 0;
  /** super_read_only when the START began: restored when the join is refused (plugin.cc, the START's error path). */
  private superReadOnlyBefore = true;

  constructor(private readonly m: GrMember) {}

  /**
   * START GROUP_REPLICATION from a client session: refused with ER_GROUP_REPLICATION_RUNNING while
   * the plugin runs, and by the configuration checks (check_if_server_properly_configured) while
   * group_replication_force_members is not empty (MY-011634, ER_GROUP_REPLICATION_CONFIGURATION).
   */
  startCommand(): UdfResult {
    if (this.clientCommandRunning() && this.m.ctx.concurrentStartStop === 'refuse') return { ok: false, error: anotherCommandRunning('START') };
    if (this.mustWaitForLock()) {
      // It waits for the command running and runs when that ends; its own checks run then, so a
      // refusal shows only in the error log (MY-011634) or not at all (3093).
      this.lastStart = { outcome: 'pending', error: null };
      this.queued.push({ start: this.lastStart, thread: this.m.newThreadId(), serial: 0 });
      return { ok: true };
    }
    if (this.running()) return { ok: false, error: START_ERROR_RUNNING };
    this.lastStart = { outcome: 'pending', error: null };
    return this.startFrom(this.m.newThreadId(), this.lastStart);
  }

  /** What became of the last client START command (null before the first). */
  lastStartOutcome(): StartOutcome | null {
    return this.lastStart;
  }

  /** A START waiting for its join view (a client's, start_on_boot's or none). */
  get starting(): boolean {
    return this.startingNow;
  }

  /**
   * The START's wait for its join view ended (the view, its timeout, a refused join, a STOP): a
   * client's START command returns, and a command waiting for it runs next. One that did not join
   * returns ER_GROUP_REPLICATION_CONFIGURATION (3092) however it gave up: initialize_plugin_and_join
   * (plugin.cc) returns view_change_notifier->get_error(), which is GROUP_REPLICATION_CONFIGURATION_ERROR
   * after the 60 s timeout (gcs_view_modification_notifier.cc, wait_for_view_modification) and after a
   * cancelled view (cancel_view_modification's default; gcs_event_handlers.cc, on_view_changed: a
   * refused join, check_group_compatibility's MY-011526/MY-011522 and version checks), and
   * sql/sql_parse.cc (SQLCOM_START_GROUP_REPLICATION) turns that 1 into ER_GROUP_REPLICATION_CONFIGURATION.
   */
  startEnded(joined: boolean): void {
    this.startingNow = false;
    this.awaitingAdmission = false;
    this.leavingAfterFailure = false;
    const started = this.runningStart;
    this.runningStart = null;
    if (started !== null) {
      started.outcome = joined ? 'joined' : 'failed';
      started.error = joined ? null : START_ERROR_CONFIGURATION;
    }
    this.startByClient = false;
    // initialize_plugin_and_join returned: the START (a client's, or start_on_boot's delayed
    // initialization thread) releases plugin_running_lock, and the commands waiting for it run.
    this.runQueuedNext();
  }

  /**
   * The join view arrived (GCS's join succeeded): the START stops waiting for it, but a client's
   * START command returns only once the plugin has handled it (the view wait is signalled at the end
   * of on_view_changed's handle_joining_members): joinViewHandled.
   */
  private joinViewArrived(): void {
    this.startingNow = false;
    this.awaitingAdmission = true;
  }

  /**
   * The START failed and `leave` takes the member out of the group again: it returns once that
   * leave is over (see leavingAfterFailure), and makes no further join attempt meanwhile. Where no
   * START runs (an auto-rejoin attempt was refused), the leave just runs.
   */
  failedStartLeaves(leave: (done: () => void) => void): void {
    if (!this.startingNow && !this.awaitingAdmission) {
      leave(() => {});
      return;
    }
    this.startingNow = false;
    this.awaitingAdmission = false;
    this.leavingAfterFailure = true;
    const gen = this.gen;
    leave(() => {
      if (gen === this.gen && this.leavingAfterFailure) this.startEnded(false);
    });
  }

  /**
   * The member handled its join view (RECOVERING): the START returns. Returns the thread of that
   * START (0 for start_on_boot's), or -1 when no START waited for the view (an auto-rejoin attempt's
   * join: attempt_rejoin, plugin.cc).
   */
  joinViewHandled(): number {
    if (!this.awaitingAdmission) return -1;
    this.startEnded(true);
    return this.startThread;
  }

  /** The member was expelled before it handled its join view: a client's START command fails. */
  joinViewLost(): void {
    if (this.awaitingAdmission) this.startEnded(false);
  }

  /**
   * A START or STOP holds plugin_running_lock (plugin_running_mutex up to 8.0.20): a STOP from its
   * command to its end, a START (a client's, or start_on_boot's: delayed_plugin_initialization.cc
   * initialization_thread_handler takes the lock around initialize_plugin_and_join) until it has
   * handled its join view or given up.
   */
  private lockHeld(): boolean {
    return this.stopping !== null || this.startingNow || this.awaitingAdmission || this.leavingAfterFailure;
  }

  /** A new command waits: the lock is held, or others already wait for it (they take it first, in turn). */
  private mustWaitForLock(): boolean {
    return this.lockHeld() || this.queued.length > 0;
  }

  /**
   * A client's START or STOP command runs or waits for the lock: the start_stop_executing flag
   * (sql/rpl_group_replication.cc) a new command meets from 8.0.21. start_on_boot does not set it.
   */
  private clientCommandRunning(): boolean {
    return this.stopping !== null || (this.startByClient && (this.startingNow || this.awaitingAdmission || this.leavingAfterFailure)) || this.queued.length > 0;
  }

  /** The START's checks and the start itself, once it holds the command lock. */
  private startFrom(thread: number, outcome: StartOutcome): UdfResult {
    const refused = (error: string): UdfResult => {
      outcome.outcome = 'failed';
      outcome.error = error;
      return { ok: false, error };
    };
    if (this.running()) return refused(START_ERROR_RUNNING);
    const m = this.m;
    if (this.refusedByConfiguration(thread)) return refused(START_ERROR_CONFIGURATION);
    m.leftLogged = true;
    this.superReadOnlyBefore = m.superReadOnly;
    // The plugin sets super_read_only while it joins (plugin.cc enable_super_read_only_mode) and the
    // member shows OFFLINE until its join view arrives.
    m.setFlags(true, m.offlineMode);
    this.start(thread);
    this.runningStart = outcome;
    return { ok: true };
  }

  /**
   * start_on_boot: the server's own start thread runs the same START, configuration checks first
   * (plugin.cc plugin_group_replication_start, check_if_server_properly_configured), so a
   * group_replication_force_members that SET PERSIST kept stops it with MY-011634 and the member
   * stays OFFLINE.
   */
  startAtBoot(): void {
    if (!this.refusedByConfiguration(0)) this.start(0);
  }

  /** check_if_server_properly_configured: logs MY-011634 and refuses while group_replication_force_members is not empty. */
  private refusedByConfiguration(thread: number): boolean {
    const forced = this.m.opts.group_replication_force_members;
    if (forced.length === 0) return false;
    this.m.log(msg.forceMembersMustBeEmpty(forced), thread);
    return true;
  }

  /**
   * STOP GROUP_REPLICATION from a client session (a no-op when the plugin does not run). While
   * another command holds plugin_running_lock it waits for it: behind a START (start_on_boot's too)
   * it stops what that START began; behind a STOP with nothing after it, it finds the plugin stopped
   * and does nothing.
   */
  stopCommand(): UdfResult {
    if (this.clientCommandRunning() && this.m.ctx.concurrentStartStop === 'refuse') return { ok: false, error: anotherCommandRunning('STOP') };
    const thread = this.m.newThreadId();
    const serial = ++this.stopsIssued;
    if (this.mustWaitForLock()) this.queued.push({ start: null, thread, serial });
    else this.stopFrom(thread, serial);
    return { ok: true };
  }

  /** A STOP command that holds the command lock: it returns at once when it finds nothing to stop. */
  private stopFrom(thread: number, serial: number): void {
    this.stop(thread);
    if (this.stopping === null) this.stopsEnded = Math.max(this.stopsEnded, serial);
    else this.stopping.serial = serial;
  }

  /** The number of STOP commands issued so far: the last one's place in line. */
  stopCommandsIssued(): number {
    return this.stopsIssued;
  }

  /** Whether the STOP command that was `serial`-th in line has returned. */
  stopCommandEnded(serial: number): boolean {
    return this.stopsEnded >= serial;
  }

  /**
   * The STOP released plugin_running_lock: the commands that waited for it take it in turn, up to
   * a STOP that starts stopping again (the rest wait for that one).
   */
  private runQueuedNext(): void {
    if (this.queued.length === 0) return;
    const m = this.m;
    m.ctx.later(m.slot, 0, () => {
      while (this.queued.length > 0 && !this.lockHeld()) {
        const c = this.queued.shift()!;
        if (c.start !== null) this.startFrom(c.thread, c.start);
        else this.stopFrom(c.thread, c.serial);
      }
    });
  }

  /** Whether a START waits for the command lock (plugin_running_lock). */
  startQueued(): boolean {
    return this.queued.some((c) => c.start !== null);
  }

  /** Whether the plugin runs (group_replication_running, or a START in progress): STOP acts, START is refused. */
  running(): boolean {
    const m = this.m;
    return this.starting || m.state !== 'OFFLINE' || m.joining !== null || m.admission !== null || m.autorejoin.running;
  }

  /**
   * initialize_plugin_and_join: the GCS join request, then one wait of VIEW_MODIFICATION_TIMEOUT
   * (view_change_notifier->wait_for_view_modification, include/plugin_constants.h, 60 s) for the
   * join view. GCS retries the join meanwhile (join_attempts 10, join_sleep_time 5 s, plugin.cc
   * build_gcs_parameters). When the wait times out the START logs MY-011640, leaves and fails: the
   * plugin does not try again (unlike auto-rejoin). `thread`: the session that runs START (0: the
   * server's own start thread, start_on_boot). The plugin's modules start first (xcomJoinStartupUs).
   */
  start(thread: number): void {
    const m = this.m;
    const gen = ++this.gen;
    this.startingNow = true;
    this.startByClient = thread !== 0;
    this.startThread = thread;
    if (thread === 0) this.superReadOnlyBefore = true; // start_on_boot: the plugin set it as the server started
    m.ctx.later(m.slot, m.ctx.params.xcomJoinStartupUs, () => {
      if (gen === this.gen && this.starting) this.join(thread, gen);
    });
  }

  /** start_group_communication, then the wait for the join view while GCS retries the join. */
  private join(thread: number, gen: number): void {
    const m = this.m;
    m.ctx.later(m.slot, m.ctx.params.joinViewTimeoutUs, () => {
      if (gen !== this.gen || !this.starting) return;
      // The START returns at once: with no view installed GCS does not belong to the group, so the
      // error path's leave_group (plugin.cc) does not wait for a leave view; XCom still asks to be
      // removed from a configuration it entered, in the background.
      this.startEnded(false);
      m.log(msg.startViewTimeout(), thread);
      m.abandonJoin(() => {});
      m.showOffline();
      m.refresh();
    });
    let tries = 0;
    const attempt = (): void => {
      if (gen !== this.gen || !this.starting) return;
      tries++;
      m.joinGroup(() => { this.joinViewArrived(); }, () => {
        if (gen !== this.gen || !this.starting || tries >= START_JOIN_ATTEMPTS) return;
        // Gcs_xcom_control::do_join logs "Sleeping for %u seconds before retrying to join the
        // group…" with MYSQL_GCS_LOG_DEBUG: the GCS debug file has it, the error log does not.
        m.ctx.later(m.slot, START_JOIN_SLEEP_US, attempt);
      }, 'start', () => {
        // The join was refused (group-compatibility.ts) and the member left again: the START fails
        // with ERROR 3092 (START_ERROR_CONFIGURATION) and the plugin stops, OFFLINE, with
        // super_read_only as it was before the START.
        if (gen !== this.gen) return;
        m.showOffline();
        m.refresh();
        m.setFlags(this.superReadOnlyBefore, m.offlineMode);
      });
    };
    attempt();
  }

  /**
   * plugin_group_replication_stop: a no-op when the plugin does not run; otherwise MY-011650, an
   * auto-rejoin or START in progress is abandoned, the stop waits up to TRANSACTION_KILL_TIMEOUT for
   * the transactions in flight (see below; new BEFORE or AFTER-blocked transactions fail with
   * ER_GRP_TRX_CONSISTENCY_BEGIN_NOT_ALLOWED, new commits wait for the stop and then fail with
   * ER_RUN_HOOK_ERROR after MY-011599), then, once no SET group_replication_force_members holds
   * gcs_operations_lock (ForceMembers.afterGcsOperationsLock), the member leaves the group voluntarily (a view
   * without it on the others, no expel, no exit state action; MY-011647, the leave view, MY-011504)
   * unless it already left (ERROR), then MY-011651 and super_read_only=ON.
   */
  stop(thread: number): void {
    const m = this.m;
    if (!this.running() || this.stopping !== null) return;
    this.gen++;
    if (this.startingNow || this.awaitingAdmission) this.startEnded(false);
    m.log(msg.pluginStopping(m.ctx.stoppingLogLevel), thread);
    m.autorejoin.abort();
    m.admission = null;
    const stopped = (): void => {
      if (this.stopping !== stop) return; // the server died meanwhile
      this.stopping = null;
      // Commits that waited for the stop's lock meanwhile fail now (observer_trans.cc
      // group_replication_trans_before_commit, is_plugin_waiting_to_set_server_read_mode).
      for (let k = m.commitsBlockedByStop(); k > 0; k--) m.log(msg.cannotExecuteWhileStopping());
      m.rollbackPending(CLIENT_ERROR_HOOK, false, 'stopping');
      // terminate_plugin_modules, once leave_group has had its view (or given up waiting for it):
      // the partition handler ends only now, so its countdown can still run out during the leave.
      if (m.partition.inPartition) m.partition.abort();
      m.showOffline();
      m.viewNumber = null;
      m.expelLeaveViewId = null;
      m.partition.terminated = false;
      m.emitView([]);
      m.refresh();
      m.log(msg.pluginStopped(), thread);
      m.setFlags(true, m.offlineMode);
      // The STOP returns; the commands waiting for it run in turn.
      this.stopsEnded = Math.max(this.stopsEnded, stop.serial);
      this.runQueuedNext();
    };
    const leave = (): void => {
      if (this.stopping !== stop || !stop.draining) return;
      stop.draining = false;
      // leave_group's first calls into GCS wait for a SET group_replication_force_members that
      // holds gcs_operations_lock while it waits for its view (ForceMembers.afterGcsOperationsLock).
      m.forceMembers.afterGcsOperationsLock(() => { if (this.stopping === stop) leaveGroup(); });
    };
    const leaveGroup = (): void => {
      // leave_group_and_terminate_plugin_modules: no leave while an auto-rejoin a failure started
      // meanwhile runs (it ends with the plugin's modules). The partition handler ends with them
      // too, after the leave (see stopped).
      m.autorejoin.abort();
      m.admission = null;
      if (m.leaveInProgress()) {
        // A leave on a failure is under way (Gcs_operations::leave answers ALREADY_LEAVING): the
        // stop ends with it.
        m.log(msg.alreadyLeaving(), thread);
        m.dropJoin();
        m.afterLeave(stopped);
      } else if (m.ctx.xcom.booted[m.slot] === 1) {
        m.log(msg.waitingForViewUpdate(), thread);
        m.dropJoin();
        m.gcsLeave(stopped);
      } else {
        if (m.state === 'ERROR') m.log(msg.alreadyLeft(), thread);
        m.dropJoin();
        m.ctx.gcs(m.slot).stop();
        stopped();
      }
    };
    const stop = { draining: true, checkQueued: false, serial: 0, leave };
    this.stopping = stop;
    // plugin_group_replication_stop: Transaction_consistency_manager::plugin_is_stopping, then
    // (holding shared_plugin_stop_lock, so new commits block) a wait for the sessions in the
    // transactions latch: transactions waiting for certification or for the group's AFTER
    // acknowledgements, begin hooks waiting for BEFORE's sync message or behind a prepared AFTER
    // transaction. Those still waiting when it gives up are killed (unblock_waiting_transactions).
    // The partition handler keeps running meanwhile (it ends with the plugin's modules).
    if (m.latchWaiters() === 0) {
      leave();
      return;
    }
    m.ctx.later(m.slot, STOP_GIVES_UP_WAITING_US, () => {
      if (this.stopping !== stop || !stop.draining) return;
      if (m.latchWaiters() > 0) m.killLatchWaiters();
      leave();
    });
  }

  /** Whether a STOP runs (from the command until the plugin has stopped): plugin_is_stopping. */
  isStopping(): boolean {
    return this.stopping !== null;
  }

  /**
   * A session left the transactions latch: a STOP waiting for it to empty goes on once it has,
   * checked after the current event (Wait_ticket wakes the stop once the ticket is erased), so
   * that what ended the session is complete first.
   */
  latchChanged(): void {
    const stop = this.stopping;
    if (stop === null || !stop.draining || stop.checkQueued) return;
    // One check per instant, however many sessions left the latch in it.
    stop.checkQueued = true;
    const m = this.m;
    m.ctx.later(m.slot, 0, () => {
      stop.checkQueued = false;
      if (this.stopping === stop && stop.draining && m.latchWaiters() === 0) stop.leave();
    });
  }

  /**
   * The server died or shut down: a STOP in progress ends with it, and so do the START commands
   * running or waiting, whose clients lose their connection (`lostConnection`, ERROR 2013).
   */
  abandonStop(lostConnection: string): void {
    this.stopping = null;
    this.startingNow = false;
    this.startByClient = false;
    this.awaitingAdmission = false;
    this.leavingAfterFailure = false;
    const lost = (start: StartOutcome): void => {
      start.outcome = 'failed';
      start.error = lostConnection;
    };
    if (this.runningStart !== null) lost(this.runningStart);
    this.runningStart = null;
    for (const c of this.queued) if (c.start !== null) lost(c.start);
    this.queued = []; // their sessions end with the server
    this.stopsEnded = this.stopsIssued;
  }
}
