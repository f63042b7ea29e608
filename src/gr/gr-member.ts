import type { Kernel } from '../kernel/kernel.js';
import type { ModelParameters } from '../model-parameters.js';
import type { Network } from '../network/network.js';
import type { Emit } from '../observe/events.js';
import {
  CLIENT_ERROR_CONNECT, CLIENT_ERROR_HOOK, CLIENT_ERROR_OFFLINE_MODE, CLIENT_ERROR_SUPER_READ_ONLY, gcsText, msg,
  UDF_ERROR_NOT_A_MEMBER, UDF_ERROR_NOT_ONLINE_MAJORITY, UDF_ERROR_RECOVERING, UDF_ERROR_UNREACHABLE, type ChannelTerms, type LogMessage,
} from '../observe/error-codes.js';
import type { GroupMode, MemberState, WriteOutcome } from '../types.js';
import {
  CONNECT_TIMEOUT_US, CONNECTION_ATTEMPTS, START_JOIN_ATTEMPTS,
  START_JOIN_SLEEP_US, XCOM_EXIT_WAIT_US,
} from '../xcom/constants.js';
import type { LogEntry } from '../xcom/log-entry.js';
import type { XcomCluster } from '../xcom/xcom-cluster.js';
import type { GcsNode, GcsView } from '../gcs/gcs-node.js';
import { WAIT_TIMEOUT_DEFAULT_S, type ConsistencyLevel, type GroupReplicationOptions } from './options.js';
import type { WorkloadRollback, WriteRefusal } from './workload.js';
import { MemberTable, shownRole, shownState, type MemberInfo, type ServerIdentity } from './member-info.js';
import { AutoRejoin } from './autorejoin.js';
import { ForceMembers } from './force-members.js';
import { GroupPartitionHandler } from './group-partition-handling.js';
import { leaveGroupOnExpel } from './leave-group-on-failure.js';
import { handleLeaderElectionIfNeeded, launchElectionProcess, SecondaryElectionProcess } from './primary-election.js';
import { declaredOnline, joinedGroup } from './recovery.js';
import { StartStopGroupReplication } from './start-stop-group-replication.js';
import { processPeerNodes } from '../gcs/peer-nodes.js';
import type { OldIncarnationLog, PeerConnectErrorText } from './version-profiles.js';
import { MemberTransactions } from './transactions.js';
import { ConsistencyManager, heldOnElection, leftOnFailure, waitsAfter, type ConsistencyMessage, type WaitsEndCause } from './consistency.js';

/** A transaction submitted on a member. */
export interface WriteRecord {
  readonly id: number;
  readonly member: string;
  readonly submittedUs: number;
  outcome: WriteOutcome;
  /** When the outcome was reached (virtual µs); null while pending. */
  atUs: number | null;
  /** The client error for rolled_back and refused writes. */
  error: string | null;
  /**
   * The session's group_replication_consistency (SET SESSION) the transaction runs with; null when
   * the session kept the member's global value, read when the transaction begins.
   */
  readonly consistency: ConsistencyLevel | null;
  /**
   * The session's wait_timeout in seconds: how long each wait of its begin hook may last (BEFORE's
   * wait for the applier, the wait behind a prepared AFTER transaction, a new primary's hold) before
   * the transaction fails (docs/mysql-behaviour.md §T5).
   */
  readonly waitTimeoutS: number;
  /**
   * The group_replication_consistency the transaction began with: `consistency`, or the member's
   * global value when the transaction began (at submission; after the thaw for a frozen server).
   */
  level: ConsistencyLevel;
}

/** The client error of a session whose server died under it (CR_SERVER_LOST, a client-side error: include/errmsg.h). */
const CLIENT_ERROR_LOST_CONNECTION = 'ERROR 2013 (HY000): Lost connection to MySQL server during query';

/** Result of an operator's statement: a topology UDF (group_replication_set_as_primary and friends), a SET, START or STOP. */
export type UdfResult = { readonly ok: true } | { readonly ok: false; readonly error: string };

/** Everything a GR member needs from the composition root. */
export interface GrContext {
  readonly kernel: Kernel;
  readonly params: ModelParameters;
  readonly xcom: XcomCluster;
  readonly net: Network;
  readonly servers: readonly ServerIdentity[];
  readonly emit: Emit;
  /** group_replication_group_name: the uuid of every GTID the group's certifier gives. */
  readonly groupName: string;
  /** Log wording that depends on the release line. */
  readonly channelTerms: ChannelTerms;
  /** START/STOP GROUP_REPLICATION while another runs: wait for it or refuse (VersionProfile.concurrentStartStop). */
  readonly concurrentStartStop: 'wait' | 'refuse';
  /** How a refused SET of group_replication_force_members fails (VersionProfile.forceMembersRefusal). */
  readonly forceMembersRefusal: 'wrong-value' | 'command-failure';
  /** The level of STOP's MY-011650 (VersionProfile.stoppingLogLevel). */
  readonly stoppingLogLevel: 'Note' | 'System';
  /** The form of a seed's "Old incarnation found" line (VersionProfile.oldIncarnationLog). */
  readonly oldIncarnationLog: OldIncarnationLog;
  /** The text of a joiner's failed connection to a seed (VersionProfile.peerConnectErrorText). */
  readonly peerConnectErrorText: PeerConnectErrorText;
  /** The wall-clock time of virtual time zero, µs since the Unix epoch (the scenario's start). */
  readonly startEpochUs: number;
  mode: GroupMode;
  gcs(slot: number): GcsNode;
  member(slot: number): GrMember;
  /** Runs `fn` after `delayUs` unless the server's process changed meanwhile (crash/restart); deferred while frozen. */
  later(slot: number, delayUs: number, fn: () => void): void;
  nextWriteId(): number;
  recordWrite(w: WriteRecord): void;
  /** Workload transactions of `slot` whose commit waited for the group's acknowledgements (AFTER) commit now. */
  loadCommitted(slot: number, transactions: number, submittedSumUs: number): void;
  /** Rolls back the workload transactions of `slot` still waiting for the group (WorkloadDriver.rollBackWaiting); returns how many. */
  loadRolledBack(slot: number, reason: WorkloadRollback): number;
  /** The workload transactions of `slot` whose sessions still wait for the group (WorkloadDriver.waiting). */
  loadWaiting(slot: number): number;
  /** Allocates the next XCom incarnation of a server (each GCS join is a new XCom identity). */
  nextIncarnation(slot: number): number;
  /** Stops the server process (ABORT_SERVER). */
  shutdownServer(slot: number): void;
}

/**
 * The XCom identity a GCS join gives this node (Gcs_xcom_uuid::create_uuid, called by
 * Gcs_xcom_control::retry_do_join through init_me for every join attempt): the system time
 * (My_xp_util::getsystime, 100 ns units since the Unix epoch) printed in decimal. `epochUs` is the
 * virtual wall clock at the join, so the same seed prints the same identity.
 */
export function xcomNodeUuid(epochUs: number): string {
  return String(BigInt(epochUs) * 10n);
}

/**
 * The first thread id grsim hands out after a server starts (client sessions, the plugin's internal
 * sessions and threads share one counter, the server's thread_id). The ids below it belong to the
 * server's own threads and to the sessions that configured and started Group Replication; grsim
 * starts at the reference case's blocked session (31).
 */
const FIRST_THREAD_ID = 31;

/** @internal A GCS join in progress: its generation, its XCom incarnation and what to do on each outcome. */
export interface JoinAttempt {
  readonly gen: number;
  readonly incarnation: number;
  readonly success: () => void;
  readonly fail: () => void;
  /** The group's join view came but this member may not join it (check_group_compatibility); called once it has left again. */
  readonly refused: () => void;
}

/** A view or a GR message the plugin received but has not handled yet. */
type PendingDelivery =
  | { readonly view: GcsView; readonly left: readonly number[]; readonly joined: readonly number[] }
  | { readonly view: null; readonly entry: LogEntry };

/**
 * A joiner whose GCS installed the join view while its plugin has not handled it yet
 * (joinerReadyLagUs + joinerViewLagUs): the group's member information as the state exchange gave
 * it, and the views and GR messages GCS delivered meanwhile, handled in delivery order right after
 * the join view.
 */
interface Admission {
  readonly gen: number;
  readonly view: GcsView;
  readonly table: Map<number, MemberInfo>;
  readonly queued: PendingDelivery[];
}

/**
 * The group_replication plugin of one member (L5): member states as this member sees them, the GCS
 * event handlers (gcs_event_handlers.cc: on_suspicions, on_view_changed, on_message_received), GCS
 * join and leave, writes and topology UDFs. The rules MySQL keeps in modules of their own live in
 * files named after them: group-partition-handling.ts, leave-group-on-failure.ts, autorejoin.ts,
 * primary-election.ts, recovery.ts, and START/STOP in start-stop-group-replication.ts
 * (docs/mysql-behaviour.md §G2, §G3, §G6).
 */
export class GrMember {
  /** This member's own stored state (UNREACHABLE is never stored). */
  state: Exclude<MemberState, 'UNREACHABLE'> = 'OFFLINE';
  readonly table = new MemberTable();
  private readonly shown = new Map<number, string>();
  superReadOnly = false;
  offlineMode = false;
  viewNumber: number | null = null;
  /** The fixed part of the installed view's id (meaningful while `viewNumber` is set). */
  viewFixed = '';
  /** The majority-loss handler (group_partition_handling.cc). */
  readonly partition: GroupPartitionHandler = new GroupPartitionHandler(this);
  /** The auto-rejoin process (autorejoin.cc). */
  readonly autorejoin: AutoRejoin = new AutoRejoin(this);
  /** START and STOP GROUP_REPLICATION (plugin.cc). */
  readonly startStop: StartStopGroupReplication = new StartStopGroupReplication(this);
  /** SET GLOBAL group_replication_force_members (plugin.cc check_force_members). */
  readonly forceMembers: ForceMembers = new ForceMembers(this);
  private joinGen = 0;
  /** @internal */ joining: JoinAttempt | null = null;
  /** @internal */ admission: Admission | null = null;
  /**
   * @internal The last log entry whose transactions this member's certifier has: the last it
   * certified, or, after a join, the last its state source had certified when the joiner took the
   * source's GTID set (those come by state transfer, not by certification).
   */
  certifiedThrough = -1;
  /** @internal */ admissionGen = 0;
  /** @internal Whether "This member has left the group" was printed since the member last left. */
  leftLogged = false;
  /** A GCS leave in progress; `quiet`: the leave after a failed join attempt, which installs no view the plugin logs. */
  private leaving: { gen: number; then: () => void; readonly quiet: boolean } | null = null;
  readonly writes = new Map<number, WriteRecord>();
  /** The client session (thread id) that runs each executed write still pending. */
  private readonly sessions = new Map<number, number>();
  /** Writes whose commit waits for STOP GROUP_REPLICATION to end, by write id. */
  private readonly blockedByStop = new Set<number>();
  private lastThreadId = FIRST_THREAD_ID - 1;
  readonly id: ServerIdentity;
  /** gtid_executed, the certifier and the applier queue (transactions.ts). */
  readonly tx: MemberTransactions;
  /** Consistency levels and the new primary's hold on transactions (consistency.ts). */
  readonly consistency: ConsistencyManager;
  /** The election process of a member that is not the new primary (primary-election.ts). */
  readonly secondaryElection: SecondaryElectionProcess = new SecondaryElectionProcess(this);

  constructor(readonly slot: number, /** @internal */ readonly ctx: GrContext, public opts: GroupReplicationOptions) {
    this.id = ctx.servers[slot] as ServerIdentity;
    this.tx = new MemberTransactions(ctx.groupName, this.id.uuid, ctx.params.applierTransactionUs);
    this.consistency = new ConsistencyManager(this);
  }

  // ---------------------------------------------------------------- helpers

  /** @internal */
  hostPort(slot: number): string {
    const s = this.ctx.servers[slot] as ServerIdentity;
    return `${s.host}:${s.port}`;
  }

  /** Writes a log line; `thread` is the writing session's id, 0 for threads without a session. */
  /** @internal */
  log(m: LogMessage, thread = 0): void {
    this.ctx.emit({
      type: 'log', t: this.ctx.kernel.nowUs, member: this.id.name, level: m.level, code: m.code, message: m.message,
      ...(thread === 0 ? {} : { thread }), ...(m.server === true ? { server: true as const } : {}),
    });
  }

  /** A new thread or session of this server (the server's thread_id counter). */
  /** @internal */
  newThreadId(): number {
    return ++this.lastThreadId;
  }

  /** @internal */
  gcsLog(level: 'ERROR' | 'Warning' | 'Note', text: string): void {
    this.log(msg.gcs(level, text));
  }

  viewId(): string {
    return this.viewNumber === null ? '' : `${this.viewFixed}:${this.viewNumber}`;
  }

  /**
   * After an expel, the id of the leave view GCS installed for it (install_leave_view with
   * MEMBER_EXPELLED, gcs_xcom_control_interface.cc: the last view's id plus one, installed as the
   * current view with belongs_to_group set): GCS's current view until GCS leaves (STOP, an
   * auto-rejoin attempt) or the server dies, as the expel path asks no leave of its own
   * (leave_group_on_failure.cc, ALREADY_LEFT_GROUP). Null otherwise.
   */
  expelLeaveViewId: string | null = null;

  /** The id of GCS's current view (Gcs_operations::get_current_view), as replication_group_member_stats prints it. */
  gcsViewId(): string {
    return this.viewNumber !== null ? this.viewId() : this.expelLeaveViewId ?? '';
  }

  /** Emits a stateChange for every observer/member pair whose shown state or role changed. */
  refresh(): void {
    const t = this.ctx.kernel.nowUs;
    for (const [slot, info] of this.table) {
      const state = shownState(info), role = shownRole(info);
      const key = `${state}|${role}`;
      if (this.shown.get(slot) !== key) {
        this.shown.set(slot, key);
        this.ctx.emit({ type: 'stateChange', t, observer: this.id.name, member: (this.ctx.servers[slot] as ServerIdentity).name, state, role });
      }
    }
    for (const slot of [...this.shown.keys()]) {
      if (!this.table.has(slot)) {
        this.shown.delete(slot);
        this.ctx.emit({ type: 'stateChange', t, observer: this.id.name, member: (this.ctx.servers[slot] as ServerIdentity).name, state: null, role: '' });
      }
    }
  }

  /** @internal */
  setFlags(superReadOnly: boolean, offlineMode: boolean): void {
    if (superReadOnly === this.superReadOnly && offlineMode === this.offlineMode) return;
    // The plugin changes super_read_only through an internal server session of its own
    // (Sql_service_command_interface), a new thread each time.
    if (superReadOnly !== this.superReadOnly) this.log(superReadOnly ? msg.superReadOnlyOn() : msg.superReadOnlyOff(), this.newThreadId());
    this.superReadOnly = superReadOnly;
    this.offlineMode = offlineMode;
    this.emitFlags();
  }

  emitFlags(): void {
    this.ctx.emit({
      type: 'flags', t: this.ctx.kernel.nowUs, member: this.id.name, superReadOnly: this.superReadOnly,
      offlineMode: this.offlineMode, running: this.ctx.net.running[this.slot] === 1,
    });
  }

  /** @internal */
  selfInfo(): MemberInfo {
    return this.table.get(this.slot) as MemberInfo;
  }

  /** @internal */
  primarySlot(): number {
    for (const [slot, info] of this.table) if (info.role === 'PRIMARY' && this.ctx.mode === 'single-primary') return slot;
    return -1;
  }

  /** Whether this member may accept writes (ONLINE, PRIMARY role, not read-only). */
  /** @internal */
  inGroup(): boolean {
    return this.state === 'ONLINE' || this.state === 'RECOVERING';
  }

  // ---------------------------------------------------------------- bootstrap

  /** Starts as a member of a formed group (the state at virtual time zero). */
  bootstrapOnline(view: GcsView, primary: number): void {
    this.state = 'ONLINE';
    this.viewNumber = view.number;
    this.viewFixed = view.fixed;
    this.table.clear();
    for (const s of view.members) {
      this.table.set(s, { state: 'ONLINE', role: this.ctx.mode === 'multi-primary' || s === primary ? 'PRIMARY' : 'SECONDARY', unreachable: false });
    }
    this.superReadOnly = this.selfInfo().role === 'SECONDARY';
    this.offlineMode = false;
    this.leftLogged = false;
    this.refresh();
    this.emitFlags();
  }

  // ---------------------------------------------------------------- on_suspicions

  onSuspicions(members: readonly number[], unreachable: readonly number[]): void {
    if (!this.inGroup() || this.joining !== null) return;
    for (const m of members) {
      if (m === this.slot) continue;
      const info = this.table.get(m);
      if (info === undefined) continue;
      const u = unreachable.includes(m);
      if (u && !info.unreachable) {
        info.unreachable = true;
        this.log(msg.memberUnreachable(this.hostPort(m)));
      } else if (!u && info.unreachable) {
        info.unreachable = false;
        this.log(msg.memberReachable(this.hostPort(m)));
      }
    }
    const total = members.length;
    const lost = total - unreachable.length <= Math.floor(total / 2);
    if (lost) {
      const t = this.opts.group_replication_unreachable_majority_timeout;
      this.log(t > 0 ? msg.serverBlockedForSecs(t) : msg.serverBlocked());
      if (!this.partition.isCounting() && !this.partition.terminated) this.partition.launch();
    } else if (this.partition.inPartition) {
      this.partition.abort();
      this.log(msg.contactRestored());
    }
    this.refresh();
  }

  // ---------------------------------------------------------------- views

  onViewChanged(view: GcsView, left: readonly number[], joined: readonly number[]): void {
    if (this.joining !== null && (view.mask & (1 << this.slot)) !== 0) {
      // Its GCS is in a view again (shown once admitted): a leave from here on is a view change.
      this.showsNoView = false;
      const j = this.joining;
      this.joining = null;
      joinedGroup(this, view, j);
      return;
    }
    if (this.admission !== null) {
      // GCS hands views to the plugin in order; the joiner handles them after its join view.
      this.admission.queued.push({ view, left, joined });
      return;
    }
    if (!this.inGroup()) return;
    if (this.partition.terminated) {
      this.log(msg.changeNotProcessed());
      return;
    }
    if (this.partition.inPartition) {
      this.partition.abort();
      this.log(msg.contactRestored());
    }
    const single = this.ctx.mode === 'single-primary';
    const oldPrimary = this.primarySlot();
    if (left.length > 0) this.log(msg.membersRemoved(left.map((s) => this.hostPort(s)).join(', ')));
    for (const s of left) this.table.delete(s);
    this.consistency.membersLeft(left);
    for (const s of view.members) {
      const info = this.table.get(s);
      if (info === undefined) {
        const joinerState = this.ctx.member(s).state === 'ONLINE' ? 'ONLINE' : 'RECOVERING';
        this.table.set(s, { state: joinerState, role: single ? 'SECONDARY' : 'PRIMARY', unreachable: false });
      } else {
        info.unreachable = false; // member info is replaced by the state-exchange data
      }
    }
    const elected = handleLeaderElectionIfNeeded(this, oldPrimary, left);
    if (joined.length > 0) this.log(msg.membersJoined(joined.map((s) => this.hostPort(s)).join(', ')));
    this.viewNumber = view.number;
    this.viewFixed = view.fixed;
    this.log(msg.membershipChanged(this.sortedHostList(view.members), this.viewId()));
    this.emitView(view.members);
    if (elected >= 0) launchElectionProcess(this, elected, 'DEAD_OLD_PRIMARY');
    this.refresh();
    this.forceMembers.viewInstalled();
  }

  /** @internal */
  sortedHostList(members: readonly number[]): string {
    return [...members]
      .sort((a, b) => ((this.ctx.servers[a] as ServerIdentity).uuid < (this.ctx.servers[b] as ServerIdentity).uuid ? -1 : 1))
      .map((s) => this.hostPort(s)).join(', ');
  }

  /** @internal */
  emitView(members: readonly number[]): void {
    // A member already out of every view (an expel, a majority-timeout leave) that then runs STOP
    // shows no second empty view: its view did not change. Its GCS joining a view again (before the
    // plugin shows it, at admission) clears this, so that leaving that view shows.
    const empty = members.length === 0;
    if (empty && this.showsNoView) return;
    this.showsNoView = empty;
    this.ctx.emit({
      type: 'view', t: this.ctx.kernel.nowUs, member: this.id.name, viewId: this.viewId(),
      members: members.map((s) => (this.ctx.servers[s] as ServerIdentity).name),
    });
  }

  /** The last view event this member emitted was empty (it is in no view). */
  private showsNoView = false;

  // ---------------------------------------------------------------- leaving on failure

  /** The expel path (was_member_expelled_from_group → leave_group_on_failure, ALREADY_LEFT_GROUP). */
  onExpelled(): void {
    if ((!this.inGroup() && this.admission === null) || this.joining !== null) return;
    leaveGroupOnExpel(this);
  }

  /**
   * Sessions in the plugin's transactions latch (plugin.cc transactions_latch): writes proposed and
   * waiting for their certification or, under AFTER, for the group's acknowledgements; begin hooks
   * waiting on it (ConsistencyManager.beginLatchWaits); workload transactions not yet delivered or
   * acknowledged. STOP GROUP_REPLICATION waits for it to empty.
   */
  latchWaiters(): number {
    return this.sessions.size + this.consistency.beginLatchWaits() + this.ctx.loadWaiting(this.slot);
  }

  /**
   * Blocked_transaction_handler::unblock_waiting_transactions (plugin_utils.cc), when STOP
   * GROUP_REPLICATION's wait for the latch ran out: MY-011630, then every ticket is released with
   * an error: a write waiting for certification or acknowledgements is rolled back with
   * ER_RUN_HOOK_ERROR (3100), a begin hook fails (killBeginWaits), and so are the workload's
   * transactions in flight (WorkloadDriver.rollBackWaiting, 'stop_timeout').
   */
  killLatchWaiters(): void {
    this.log(msg.transactionsRolledBack());
    this.consistency.killBeginWaits();
    this.ctx.loadRolledBack(this.slot, 'stop_timeout');
    const released: number[] = [];
    for (const w of [...this.writes.values()]) {
      const session = this.sessions.get(w.id);
      if (w.outcome !== 'pending' || session === undefined) continue;
      released.push(session);
      this.finishWrite(w, 'rolled_back', CLIENT_ERROR_HOOK);
    }
    this.logReleasedSessions(released);
  }

  /**
   * Each session released from its wait for certification wakes up, reports that the wait failed
   * (observer_trans.cc, group_replication_trans_before_commit: waitTicket returned an error,
   * ER_GRP_RPL_ERROR_WHILE_WAITING_FOR_CONFLICT_DETECTION) and the server reports the failed hook
   * (sql/rpl_handler.cc); both lines carry the session's thread id. The same for a leave on a
   * failure and for STOP GROUP_REPLICATION's give-up: both release through
   * unblock_waiting_transactions.
   */
  logReleasedSessions(sessions: readonly number[]): void {
    for (const session of sessions) {
      this.log(msg.conflictDetectionWaitFailed(session), session);
      this.log(msg.hookFailed('before_commit'), session);
    }
  }

  /**
   * A workload transaction of `bytes` failed its commit for exceeding
   * group_replication_transaction_size_limit `limit` (observer_trans.cc,
   * group_replication_trans_before_commit): the plugin's MY-011608, then the server's failed
   * before_commit hook (sql/rpl_handler.cc), both with the client's session id, a thread of its
   * own (the workload models no sessions otherwise).
   */
  transactionTooLarge(bytes: number, limit: number): void {
    const session = this.newThreadId();
    this.log(msg.transactionSizeExceedsLimit(session, bytes, limit), session);
    this.log(msg.hookFailed('before_commit'), session);
  }

  /** Writes whose commit waits for STOP GROUP_REPLICATION to end (they fail then). */
  commitsBlockedByStop(): number {
    return this.blockedByStop.size;
  }

  /**
   * @internal Rolls back every pending write; returns the sessions that were blocked in before_commit.
   * `cause` says how the consistency waits end (a statement held by the election process is not rolled back).
   */
  rollbackPending(error: string, logIt: boolean, cause: WaitsEndCause): number[] {
    // A leave on a failure releases every session in the transactions latch with an error
    // (leave_group_on_failure.cc → Blocked_transaction_handler::unblock_waiting_transactions): the
    // begin hooks waiting on it fail with their own errors (killBeginWaits), the writes waiting for
    // certification are rolled back below, and so are the workload's transactions in flight
    // (before the consistency reset forgets those waiting for acknowledgements). MY-011630 when the
    // latch held anyone. A crash or a STOP's own leave releases nothing this way: a crashed
    // server's clients lose their connections, and a STOP leaves once the latch is empty (or after
    // killLatchWaiters).
    const onFailure = leftOnFailure(cause);
    const beginWaits = onFailure ? this.consistency.beginLatchWaits() : 0;
    if (beginWaits > 0) this.consistency.killBeginWaits();
    const workload = onFailure ? this.ctx.loadRolledBack(this.slot, 'left_group') : 0;
    // A STOP waiting for the latch to empty goes on once it has (Wait_ticket::block_until_empty).
    if (workload > 0) this.startStop.latchChanged();
    // Leaving the group ends the election process and every consistency wait (transactions are rolled back below).
    const stillHeld = this.consistency.reset(cause);
    this.secondaryElection.terminate();
    const pending = [...this.writes.values()].filter((w) => w.outcome === 'pending' && !stillHeld.has(w.id));
    if (pending.length === 0 && beginWaits === 0 && workload === 0) return [];
    if (logIt) this.log(msg.transactionsRolledBack());
    const blocked: number[] = [];
    for (const w of pending) {
      const session = this.sessions.get(w.id);
      if (session !== undefined) blocked.push(session);
      this.finishWrite(w, 'rolled_back', error);
    }
    return blocked;
  }

  /**
   * Gcs_xcom_control::do_leave: XCom asks the group to remove this node; from a minority that cannot
   * be agreed and GCS gives up after 30 s (gcs_xcom_proxy.cc WAITING_TIME), then installs the leave view.
   */
  /** @internal */
  gcsLeave(then: () => void, quiet = false): void {
    // A second leave while one is under way (a failure during a STOP's leave) ends with it
    // (Gcs_operations::leave: ALREADY_LEAVING).
    if (this.leaving !== null) {
      this.afterLeave(then);
      return;
    }
    const gen = ++this.joinGen;
    this.leaving = { gen, then, quiet };
    const x = this.ctx.xcom;
    if (x.booted[this.slot] === 1) {
      this.ctx.gcs(this.slot).beginLeave();
      x.consensus.proposeRemove(this.slot, [this.slot]);
    }
    this.ctx.later(this.slot, XCOM_EXIT_WAIT_US, () => {
      if (this.leaving === null || this.leaving.gen !== gen) return;
      this.gcsLog('ERROR', gcsText.engineExitTimeout());
      this.gcsLog('ERROR', gcsText.failedGracefulLeave());
      this.finishLeave();
    });
  }

  /** @internal Whether a GCS leave is under way (gcsLeave until its view or its timeout). */
  leaveInProgress(): boolean {
    return this.leaving !== null;
  }

  /** @internal Runs `fn` when the leave under way ends, after what it was started for. */
  afterLeave(fn: () => void): void {
    const l = this.leaving;
    if (l === null) {
      fn();
      return;
    }
    const first = l.then;
    // Not a function literal assigned to the property, which V8 would allocate in the old
    // generation (test/sim/pretenured-closures.test.ts).
    const both = (): void => { first(); fn(); };
    l.then = both;
  }

  /** XCom exited on its own: the end of a leave, or the end of an expel. */
  onXcomExited(): void {
    if (this.leaving !== null) this.finishLeave();
    else this.onExpelled();
  }

  private finishLeave(): void {
    const l = this.leaving;
    this.leaving = null;
    this.ctx.gcs(this.slot).stop();
    this.ctx.xcom.stop(this.slot, 'left the group');
    if (l === null || !l.quiet) {
      this.log(msg.memberLeftGroup());
      this.leftLogged = true;
    }
    if (l !== null) l.then();
  }

  /**
   * The seeds a join asks, in order (GCS peer_nodes, built from group_replication_group_seeds by
   * Gcs_xcom_interface::initialize_peer_nodes in the order listed): each XCom address with the
   * slot of the server it names (-1: none of the simulation's). The member's own address is left
   * out, as Gcs_xcom_control::connect_to_peer skips it (skip_own_peer_address) without a
   * connection or a log line. '' is grsim's usual configuration: every other server, in slot order.
   */
  private joinSeeds(): { address: string; slot: number }[] {
    const servers = this.ctx.servers;
    const me = servers[this.slot] as ServerIdentity;
    const own = `${me.host}:${me.xcomPort}`;
    const addressOf = (s: ServerIdentity): string => `${s.host}:${s.xcomPort}`;
    const listed = this.opts.group_replication_group_seeds === ''
      // A spare server slot addMember has not provisioned has no address (no name, no host).
      ? servers.filter((s) => s.name !== '').map(addressOf)
      : processPeerNodes(this.opts.group_replication_group_seeds);
    return listed.filter((a) => a !== own).map((address) => ({ address, slot: servers.findIndex((s) => s.name !== '' && addressOf(s) === address) }));
  }

  /**
   * A GCS join: ask the seeds of group_replication_group_seeds, in the order listed, until one
   * takes the add_node request, and wait for the view. Gcs_xcom_control::send_add_node_request
   * makes up to CONNECTION_ATTEMPTS passes over the seeds (try_send_add_node_request_to_seeds);
   * each connection that fails takes a refusal's round trip or the 1 s connect timeout (an
   * address that names no server of the simulation: the timeout) and logs an ERROR
   * (connect_to_peer), also when a later seed of the same pass then answers. A seed that refuses
   * the request itself (sendAddNode) answers a round trip later and the walk goes on with the next
   * seed. With no seed taking the request on any pass the join fails at once: retry_do_join logs
   * "Error connecting to all peers…" and goes to its error path without waiting for XCom to
   * become ready.
   */
  joinGroup(success: () => void, fail: () => void, viewWait: 'auto-rejoin' | 'start' = 'auto-rejoin', refused: () => void = fail): void {
    const ctx = this.ctx, net = ctx.net, x = ctx.xcom;
    const gen = ++this.joinGen;
    // The attempt's XCom identity is made before the seeds are asked (retry_do_join: init_me).
    const uuidEpochUs = ctx.startEpochUs + ctx.kernel.nowUs;
    const seeds = this.joinSeeds();
    // The attempt's XCom incarnation, the same in every add_node request of the attempt; taken
    // when the first request is sent (-1: none sent yet).
    let incarnation = -1;
    // Whether a seed answered a request of this attempt with a refusal (REQUEST_FAIL).
    let answered = false;
    const roundTripUs = (j: number): number => net.linkLatencyUs(this.slot, j) * 2;
    // How long a failed connection to a seed takes: a refusal's round trip, or the connect timeout.
    const connectFailureUs = (j: number): number => j >= 0 && net.isPathUp(this.slot, j) ? roundTripUs(j) : CONNECT_TIMEOUT_US;
    const allFailed = (): void => {
      this.gcsLog('ERROR', gcsText.connectingToAllPeersFailed(this.id.xcomPort));
      this.gcsLog('ERROR', gcsText.unableToJoin(this.id.xcomPort));
      // No seed reachable: grsim shows the member in ERROR (its model of that case). An attempt a
      // seed answered with a refusal leaves the state alone: GCS does not tell the plugin of a
      // failed attempt, and a START's wait for its view goes on.
      if (!answered) {
        this.state = 'ERROR';
        this.refresh();
      }
      fail();
    };
    // Seed k of pass `pass` (and those after it), as of now: each connection is tried when the
    // previous one has failed, so a seed that comes back during the passes is found.
    const trySeeds = (pass: number, k: number, first: boolean): void => {
      for (; pass < CONNECTION_ATTEMPTS; pass++, k = 0) {
        if (k >= seeds.length) continue;
        const seed = seeds[k] as { address: string; slot: number };
        const j = seed.slot;
        const nextPass = pass, next = k + 1;
        if (j >= 0 && net.isPathUp(this.slot, j) && net.isResponsive(j) && x.booted[j] === 1) {
          if (incarnation < 0) incarnation = ctx.nextIncarnation(this.slot);
          if (this.sendAddNode(gen, j, incarnation, uuidEpochUs, success, fail, refused, viewWait)) return;
          // The seed answered REQUEST_FAIL: xcom_client_add_node returns 0 and the pass goes on
          // with the next seed once the answer is in, a round trip after the request.
          answered = true;
          ctx.later(this.slot, roundTripUs(j), () => {
            if (gen === this.joinGen) trySeeds(nextPass, next, false);
          });
          return;
        }
        ctx.later(this.slot, connectFailureUs(j), () => {
          if (gen !== this.joinGen) return;
          this.gcsLog('ERROR', gcsText.peerConnectionFailed(seed.address, this.id.xcomPort, ctx.peerConnectErrorText));
          trySeeds(nextPass, next, false);
        });
        return;
      }
      // A seed list with no one to ask fails at once, still after joinGroup has returned.
      if (first) ctx.later(this.slot, 0, () => { if (gen === this.joinGen) allFailed(); });
      else allFailed();
    };
    trySeeds(0, 0, true);
  }

  /**
   * The add_node request to `seed`, which took the connection: false when the seed refuses it,
   * otherwise true and the wait for the view (or the attempt's failure) begins. `incarnation`: the
   * attempt's; `uuidEpochUs`: the wall clock the attempt's XCom identity was made at.
   */
  private sendAddNode(gen: number, seed: number, incarnation: number, uuidEpochUs: number, success: () => void, fail: () => void, refused: () => void, viewWait: 'auto-rejoin' | 'start'): boolean {
    const ctx = this.ctx, x = ctx.xcom;
    const result = x.consensus.proposeAdd(seed, this.slot, incarnation);
    if (result === 'old-incarnation') {
      // The seed checks the request before proposing anything (xcom_base.cc dispatch_op, or
      // process_client_msg in newer sources: can_execute_cfgchange → allow_add_node), logs "Old
      // incarnation found…" and answers the client REQUEST_FAIL; nothing is proposed. The joiner
      // learns it from that answer (xcom_send_app_wait_and_get → xcom_client_add_node returns 0).
      const me = ctx.servers[this.slot] as ServerIdentity;
      const text = gcsText.oldIncarnation(`${me.host}:${me.xcomPort}`, xcomNodeUuid(uuidEpochUs), ctx.oldIncarnationLog);
      ctx.member(seed).gcsLog(ctx.oldIncarnationLog === 'note' ? 'Note' : 'Warning', text);
      return false;
    }
    this.joining = { gen, incarnation, success, fail, refused };
    // A START waits for the view itself (start-stop-group-replication.ts); an auto-rejoin attempt here.
    if (viewWait === 'start') return true;
    ctx.later(this.slot, ctx.params.joinViewTimeoutUs, () => {
      if (this.joining === null || this.joining.gen !== gen) return;
      this.joining = null;
      this.log(msg.autoRejoinViewTimeout());
      this.leaveAfterFailedJoin(fail, false);
    });
    return true;
  }

  /**
   * The failed attempt leaves the group it may already belong to at the XCom level (attempt_rejoin
   * "end:" calls gcs_module->leave(), src/plugin.cc: "If we do not leave preemptively, the server
   * will only leave the group when the communication layer failure detector detects that it
   * left"): XCom asks the group to remove this node and exits once it executes its removal, or
   * GCS gives up after 30 s. Merely stopping XCom left a dead node in the configuration that
   * held back every view (joins included) until its 60 s non-member expel. `logNotInGroup`: GCS
   * reports a leave of a node that never joined (do_leave).
   */
  private leaveAfterFailedJoin(then: () => void, logNotInGroup: boolean): void {
    this.ctx.gcs(this.slot).stop();
    if (this.ctx.xcom.booted[this.slot] === 1) this.gcsLeave(then, true);
    else {
      if (logNotInGroup) this.gcsLog('ERROR', gcsText.leavingWithoutGroup());
      then();
    }
  }

  /** @internal A START's wait for its join view timed out: the join in progress is dropped and the node leaves, then `then`. */
  abandonJoin(then: () => void): void {
    this.dropJoin();
    this.leaveAfterFailedJoin(then, true);
  }

  /** @internal Forgets a join in progress: the attempt's pending connect timers and seed answers no longer act. */
  dropJoin(): void {
    this.joinGen++;
    this.joining = null;
  }


  /**
   * The add_node configuration was decided: XCom on the joiner boots into it, if it admits this
   * attempt's XCom instance. Each join attempt starts XCom with a new identity (GCS regenerates the
   * node's uuid, Gcs_xcom_node_information::regenerate_member_uuid, on every retry_do_join), and
   * XCom recognises itself in a configuration by address and that uuid: an add_node of an earlier,
   * failed attempt decided late (its request was still queued at the seed) configures that old
   * instance, not this one, which waits and times out. Booting into it anyway ran the new instance
   * as a member it is not: its values, its recovery-end message included, could never be decided.
   */
  joinerAdmitted(entry: LogEntry): void {
    const j = this.joining;
    if (j === null || entry.config === null) return;
    if ((entry.payload as { incarnation?: number } | null)?.incarnation !== j.incarnation) return;
    this.ctx.xcom.boot(this.slot, entry.config, j.incarnation, entry.index + 1, true, entry.proposer);
    this.ctx.gcs(this.slot).start(null);
  }

  /**
   * A GR message was delivered: a member declared itself ONLINE (Recovery_message). The plugin
   * handles messages on the GCS delivery thread in the total order, after the view they follow
   * (gcs_event_handlers.cc, Plugin_gcs_events_handler::on_message_received then
   * handle_recovery_message, which marks the sender ONLINE in the member table): a joiner still
   * handling its join view queues the message behind that view instead of dropping it, or it
   * would keep the sender RECOVERING for good and leave it out of the next primary election.
   */
  onGroupMessage(entry: LogEntry): void {
    if (this.admission !== null) {
      this.admission.queued.push({ view: null, entry });
      return;
    }
    const payload = entry.payload as { online?: number; writeId?: number; origin?: number } & ConsistencyMessage;
    if (this.consistency.onMessage(payload)) return;
    if (payload.online === this.slot && this.state === 'RECOVERING') {
      declaredOnline(this);
      return;
    }
    if (payload.online !== undefined && payload.online !== this.slot && this.inGroup()) {
      const info = this.table.get(payload.online);
      if (info !== undefined && info.state !== 'ONLINE') {
        info.state = 'ONLINE';
        this.log(msg.memOnline(this.hostPort(payload.online)));
        this.refresh();
      }
    }
  }

  // ---------------------------------------------------------------- restart

  /** A restarted server starts GR (start_on_boot): the START of start-stop-group-replication.ts, from the server's own thread. */
  startOnBoot(): void {
    this.lastThreadId = FIRST_THREAD_ID - 1; // a new mysqld process counts its threads from the start again
    // The applier channel starts with the plugin and applies what its relay log still holds.
    this.tx.startApplier(this.ctx.kernel.nowUs);
    this.showOffline();
    this.superReadOnly = true;
    this.offlineMode = false;
    this.leftLogged = true;
    this.emitFlags();
    this.refresh();
    this.startStop.startAtBoot(); // the plugin's own start thread, no client session
  }

  /** @internal The plugin does not run: OFFLINE, and only itself in its member table (empty role). */
  showOffline(): void {
    this.state = 'OFFLINE';
    this.table.clear();
    this.table.set(this.slot, { state: 'OFFLINE', role: 'SECONDARY', unreachable: false });
  }

  /**
   * The server shut down (ABORT_SERVER's abort, or the end of a removal): a STOP under way ends
   * with it, and connected clients lose their transactions still waiting.
   */
  serverShutDown(): void {
    this.startStop.abandonStop(CLIENT_ERROR_LOST_CONNECTION);
    this.rollbackPending(CLIENT_ERROR_LOST_CONNECTION, false, 'crashed');
    this.emitFlags();
  }

  /** The process died: everything in memory is gone; connected clients lose their transactions. */
  crashed(): void {
    this.startStop.abandonStop(CLIENT_ERROR_LOST_CONNECTION);
    this.rollbackPending(CLIENT_ERROR_LOST_CONNECTION, false, 'crashed');
    this.tx.stopApplier(this.ctx.kernel.nowUs);
    this.state = 'OFFLINE';
    this.table.clear();
    this.viewNumber = null;
    this.expelLeaveViewId = null;
    this.joining = null;
    this.admission = null;
    this.leaving = null;
    this.autorejoin.running = false;
    this.partition.reset();
    this.forceMembers.reset(CLIENT_ERROR_LOST_CONNECTION);
    this.joinGen++;
    this.refresh();
    this.emitFlags();
  }

  // ---------------------------------------------------------------- writes

  /** Why a transaction submitted now would not be run and proposed (the checks of `write`, without blocking); null when it would. */
  writeRefusal(): WriteRefusal | null {
    const net = this.ctx.net;
    if (net.running[this.slot] === 0) return 'not_running';
    if (net.frozen[this.slot] === 1) return 'frozen';
    if (this.offlineMode) return 'offline_mode';
    // A commit while STOP GROUP_REPLICATION runs waits for the stop, then fails (start-stop-group-replication.ts).
    if (this.startStop.isStopping()) return 'plugin_stopping';
    if (this.state === 'ERROR') return 'read_only_error';
    if (this.state !== 'ONLINE') return 'read_only_not_online';
    // A new primary holds such a transaction until its election process ends (consistency.ts).
    if (this.consistency.electionActive && heldOnElection(this.opts.group_replication_consistency)) return 'primary_election';
    // The begin hook holds every transaction behind another member's prepared AFTER transaction (consistency.ts).
    if (this.consistency.heldOnApplier()) return 'prepared_transaction';
    if (this.superReadOnly) return this.table.get(this.slot)?.role === 'SECONDARY' ? 'read_only_secondary' : 'read_only';
    return null;
  }

  /**
   * Submits one transaction on this member, from a session whose group_replication_consistency is
   * `consistency` (SET SESSION), or the member's global value when null, and whose wait_timeout is
   * `waitTimeoutS` seconds. `begun`: the transaction already passed the begin hook at an earlier
   * statement (BEGIN, or its first statement without autocommit), so its COMMIT does not run the
   * hook again (sql/rpl_handler.cc launch_hook_trans_begin, set_trans_begin_hook_invoked).
   */
  write(consistency: ConsistencyLevel | null = null, waitTimeoutS: number = WAIT_TIMEOUT_DEFAULT_S, begun = false): WriteRecord {
    const ctx = this.ctx;
    const w: WriteRecord = { id: ctx.nextWriteId(), member: this.id.name, submittedUs: ctx.kernel.nowUs, outcome: 'pending', atUs: null, error: null, consistency,
      waitTimeoutS, level: consistency ?? this.opts.group_replication_consistency };
    ctx.recordWrite(w);
    this.ctx.emit({ type: 'write', t: w.submittedUs, member: w.member, id: w.id, outcome: 'pending' });
    if (ctx.net.running[this.slot] === 0) this.finishWrite(w, 'refused', CLIENT_ERROR_CONNECT);
    else if (ctx.net.frozen[this.slot] === 1) {
      // A stopped mysqld accepts the connection in the kernel backlog but runs no statement: the
      // client blocks, and the statement is checked and executed only after the thaw. It is held
      // in `writes` so a crash meanwhile still loses it.
      this.writes.set(w.id, w);
      ctx.later(this.slot, 0, () => {
        if (this.writes.get(w.id) === w && w.outcome === 'pending') this.executeWrite(w, begun);
      });
    } else this.executeWrite(w, begun);
    return w;
  }

  /**
   * An operator's SET GLOBAL super_read_only=OFF, then one transaction, on this server. While Group
   * Replication does not run here (OFFLINE after STOP, before START) the server commits it on its
   * own with a GTID of its own uuid: an errant transaction the group does not have
   * (docs/mysql-behaviour.md §T3). While the plugin runs, the write goes through the group's rules.
   */
  writeLocal(): WriteRecord {
    if (this.ctx.net.running[this.slot] === 1 && this.state === 'OFFLINE' && !this.startStop.running() && this.superReadOnly) {
      this.superReadOnly = false;
      this.emitFlags();
    }
    return this.write();
  }

  /**
   * Runs a submitted statement: committed by the server alone when Group Replication does not run
   * and super_read_only is OFF; refused when offline or not ONLINE; otherwise the transaction begins
   * under its consistency level (consistency.ts; at once when it `begun` at an earlier statement)
   * and is then proposed to the group.
   */
  private executeWrite(w: WriteRecord, begun: boolean): void {
    if (this.offlineMode) this.finishWrite(w, 'refused', CLIENT_ERROR_OFFLINE_MODE);
    else if (this.state === 'OFFLINE' && !this.superReadOnly && !this.startStop.running()) {
      this.tx.commitOutsideGroup();
      this.finishWrite(w, 'committed', null);
    } else if (this.state !== 'ONLINE') this.finishWrite(w, 'refused', CLIENT_ERROR_SUPER_READ_ONLY);
    else {
      // Held in `writes` while it waits to begin, so a failure meanwhile rolls it back.
      this.writes.set(w.id, w);
      w.level = this.consistency.level(w);
      if (begun) this.runStatement(w);
      else {
        this.consistency.begin(w, () => this.runStatement(w), (error) => {
          if (w.outcome === 'pending') this.finishWrite(w, 'refused', error);
        });
      }
    }
  }

  /** The transaction began: refused on a read-only server, otherwise proposed to the group. */
  private runStatement(w: WriteRecord): void {
    if (w.outcome !== 'pending') return;
    if (this.offlineMode) this.finishWrite(w, 'refused', CLIENT_ERROR_OFFLINE_MODE);
    else if (this.superReadOnly || this.state !== 'ONLINE') this.finishWrite(w, 'refused', CLIENT_ERROR_SUPER_READ_ONLY);
    else if (this.startStop.isStopping()) {
      // Its commit waits for STOP GROUP_REPLICATION's lock (shared_plugin_stop_lock in
      // group_replication_trans_before_commit) and fails once the stop is over (rollbackPending).
      this.writes.set(w.id, w);
      this.blockedByStop.add(w.id);
    } else {
      this.writes.set(w.id, w);
      this.sessions.set(w.id, this.newThreadId()); // each scenario write is a client connection of its own
      const after = waitsAfter(this.consistency.level(w));
      this.ctx.xcom.consensus.proposeMessage(this.slot, 'app', 0, after ? { writeId: w.id, origin: this.slot, after } : { writeId: w.id, origin: this.slot });
    }
  }

  /**
   * An 'app' entry (one transaction) was delivered here: every member certifies it; the origin
   * commits it, at once or, under AFTER, once the others prepared it; another member queues it for
   * its applier and, under AFTER, acknowledges it once prepared there and commits it once the group
   * has (consistency.ts remoteAfterCertified).
   */
  onAppMessage(entry: LogEntry): void {
    if (!this.certifies(entry)) return;
    const p = entry.payload as { writeId: number; origin: number; after?: boolean };
    const now = this.ctx.kernel.nowUs;
    if (p.origin !== this.slot) {
      this.tx.certify(now, 1, false);
      if (p.after === true) this.consistency.remoteAfterCertified(p.origin, p.writeId, false, 1);
      return;
    }
    const w = this.writes.get(p.writeId);
    const pending = w !== undefined && w.outcome === 'pending';
    const waits = pending && p.after === true && this.consistency.wouldWait();
    const gno = this.tx.certify(now, 1, true, waits);
    if (!pending) return;
    if (waits && this.consistency.waitForPrepared(w, gno)) return;
    this.finishWrite(w, 'committed', null);
  }

  /**
   * A workload batch was delivered here: certified, committed by its origin, queued for the
   * applier elsewhere. Under AFTER (the origin's global level when the batch was decided) the
   * origin's commit waits for the others' acknowledgements and they acknowledge once prepared, as
   * for a write (consistency.ts). Returns whether the origin commits the batch now.
   */
  onLoadBatch(entry: LogEntry, transactions: number, submittedSumUs: number): boolean {
    if (!this.certifies(entry)) return true;
    const now = this.ctx.kernel.nowUs;
    const local = entry.proposer === this.slot;
    const origin = local ? this.consistency : this.ctx.member(entry.proposer).consistency;
    if (!origin.batchWaitsAfter(entry.decidedAtUs)) {
      this.tx.certify(now, transactions, local);
      return true;
    }
    if (!local) {
      this.tx.certify(now, transactions, false);
      this.consistency.remoteAfterCertified(entry.proposer, entry.index, true, transactions);
      return true;
    }
    const waits = this.consistency.wouldWait();
    const gno = this.tx.certify(now, transactions, true, waits);
    if (!waits) return true;
    this.consistency.waitForBatchPrepared(entry.index, gno, transactions, submittedSumUs);
    return false;
  }

  /**
   * Whether the transactions of `entry` reach this member's certifier (and if so, records that they
   * did). A joiner's certifier starts at its join view from the group's (Certifier::initialize), and
   * distributed recovery brings what the group certified before that view; so the joiner certifies
   * only what is ordered after it: nothing before it has its join view, and nothing its state
   * source had certified when it took the source's set, which may still reach the joiner after the
   * view (certifiedThrough). What the source had delivered but not certified yet (GCS holds data
   * while it installs a view) the joiner certifies itself.
   */
  private certifies(entry: LogEntry): boolean {
    if (!(this.inGroup() || this.admission !== null) || entry.index <= this.certifiedThrough) return false;
    this.certifiedThrough = entry.index;
    return true;
  }

  /** @internal An AFTER transaction of this member got its last acknowledgement: it commits. */
  commitWaitingWrite(writeId: number): void {
    const w = this.writes.get(writeId);
    if (w !== undefined && w.outcome === 'pending') this.finishWrite(w, 'committed', null);
  }

  private finishWrite(w: WriteRecord, outcome: WriteOutcome, error: string | null): void {
    w.outcome = outcome;
    w.atUs = this.ctx.kernel.nowUs;
    w.error = error;
    this.writes.delete(w.id);
    this.sessions.delete(w.id);
    this.blockedByStop.delete(w.id);
    this.consistency.forget(w.id);
    this.startStop.latchChanged();
    this.ctx.emit(error === null
      ? { type: 'write', t: w.atUs, member: w.member, id: w.id, outcome }
      : { type: 'write', t: w.atUs, member: w.member, id: w.id, outcome, error });
  }

  // ---------------------------------------------------------------- options and UDFs

  /**
   * get_plugin_is_stopping: each topology UDF's init function checks it before anything else, its
   * argument checks included, and again in checkTopologyUdf's order (udf_single_primary.cc,
   * udf_multi_primary.cc, the *_init functions).
   */
  checkUdfPluginStopping(): UdfResult {
    return this.startStop.isStopping() ? { ok: false, error: UDF_ERROR_NOT_ONLINE_MAJORITY } : { ok: true };
  }

  /**
   * The init checks the three topology UDFs share, in MySQL's order (udf_single_primary.cc,
   * group_replication_set_as_primary_init and group_replication_switch_to_single_primary_mode_init;
   * udf_multi_primary.cc, group_replication_switch_to_multi_primary_mode_init; udf_utils.cc): the
   * plugin not stopping, this member ONLINE in the majority (member_online_with_majority), no
   * member RECOVERING (group_contains_recovering_member), none UNREACHABLE
   * (group_contains_unreachable_member), then for a uuid argument validate_uuid_parameter: `target`
   * is the slot it names, -1 when it names none of the group's members; undefined without one.
   */
  checkTopologyUdf(target?: number): UdfResult {
    const stopping = this.checkUdfPluginStopping();
    if (!stopping.ok) return stopping;
    if (this.state !== 'ONLINE' || this.partition.inPartition || this.partition.terminated) return { ok: false, error: UDF_ERROR_NOT_ONLINE_MAJORITY };
    for (const info of this.table.values()) if (info.state === 'RECOVERING') return { ok: false, error: UDF_ERROR_RECOVERING };
    for (const info of this.table.values()) if (info.unreachable) return { ok: false, error: UDF_ERROR_UNREACHABLE };
    if (target !== undefined && !this.table.has(target)) return { ok: false, error: UDF_ERROR_NOT_A_MEMBER };
    return { ok: true };
  }

  /** Applies a new primary or mode decided by a topology UDF. */
  applyTopology(primary: number): void {
    if (!this.inGroup()) return;
    const single = this.ctx.mode === 'single-primary';
    for (const [slot, info] of this.table) info.role = !single || slot === primary ? 'PRIMARY' : 'SECONDARY';
    this.secondaryElection.terminate();
    if (this.state === 'ONLINE') this.setFlags(single && primary !== this.slot, this.offlineMode);
    this.refresh();
  }

  /** The primary this member currently knows, for single-primary mode; -1 if none. */
  knownPrimary(): number {
    return this.primarySlot();
  }
}
