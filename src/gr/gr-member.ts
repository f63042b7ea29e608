import type { Kernel } from '../kernel/kernel.js';
import type { ModelParameters } from '../model-parameters.js';
import type { Network } from '../network/network.js';
import type { Emit } from '../observe/events.js';
import {
  CLIENT_ERROR_CONNECT, CLIENT_ERROR_HOOK, CLIENT_ERROR_OFFLINE_MODE, CLIENT_ERROR_SUPER_READ_ONLY, gcsText, msg,
  UDF_ERROR_NOT_ONLINE_MAJORITY, UDF_ERROR_UNREACHABLE, type ChannelTerms, type LogMessage,
} from '../observe/error-codes.js';
import type { GroupMode, MemberState, WriteOutcome } from '../types.js';
import {
  CONNECT_TIMEOUT_US, CONNECTION_ATTEMPTS, PARTITION_HANDLER_SLICE_US, REJOIN_TIMEOUT_US, START_JOIN_ATTEMPTS,
  START_JOIN_SLEEP_US, XCOM_EXIT_WAIT_US, XCOM_READY_WAIT_US,
} from '../xcom/constants.js';
import type { LogEntry } from '../xcom/log-entry.js';
import type { XcomCluster } from '../xcom/xcom-cluster.js';
import type { GcsNode, GcsView } from '../gcs/gcs-node.js';
import type { GroupReplicationOptions } from './options.js';
import type { WriteRefusal } from './workload.js';
import { pickPrimary, shownRole, shownState, type MemberInfo, type ServerIdentity } from './member-info.js';
import { APPLIER_CHANNEL_RESET_AFTER_LEAVE_US, applierChannelReset, recoveryChannelLines } from './replication-channels.js';

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
}

/** Result of a topology UDF (group_replication_set_as_primary and friends). */
export type UdfResult = { readonly ok: true } | { readonly ok: false; readonly error: string };

/** Everything a GR member needs from the composition root. */
export interface GrContext {
  readonly kernel: Kernel;
  readonly params: ModelParameters;
  readonly xcom: XcomCluster;
  readonly net: Network;
  readonly servers: readonly ServerIdentity[];
  readonly emit: Emit;
  readonly viewIdPrefix: string;
  /** Log wording that depends on the release line. */
  readonly channelTerms: ChannelTerms;
  mode: GroupMode;
  gcs(slot: number): GcsNode;
  member(slot: number): GrMember;
  /** Runs `fn` after `delayUs` unless the server's process changed meanwhile (crash/restart); deferred while frozen. */
  later(slot: number, delayUs: number, fn: () => void): void;
  nextWriteId(): number;
  recordWrite(w: WriteRecord): void;
  /** Allocates the next XCom incarnation of a server (each GCS join is a new XCom identity). */
  nextIncarnation(slot: number): number;
  /** Stops the server process (ABORT_SERVER). */
  shutdownServer(slot: number): void;
}

/**
 * The first thread id grsim hands out after a server starts (client sessions, the plugin's internal
 * sessions and threads share one counter, the server's thread_id). The ids below it belong to the
 * server's own threads and to the sessions that configured and started Group Replication; grsim
 * starts at the reference case's blocked session (31).
 */
const FIRST_THREAD_ID = 31;

const NEW_PRIMARY_SUFFIX = 'The new primary will execute all previous group transactions before allowing writes.';

interface JoinAttempt {
  readonly gen: number;
  readonly incarnation: number;
  readonly success: () => void;
  readonly fail: () => void;
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
 * The group_replication plugin of one member (L5): member states as this member sees them, the
 * majority-loss handler and its unreachable_majority_timeout countdown, the expel path, auto-rejoin,
 * exit state actions, single-primary elections, writes and topology UDFs
 * (reference/gcs-and-plugin.md §2, §3, §6).
 */
export class GrMember {
  /** This member's own stored state (UNREACHABLE is never stored). */
  state: Exclude<MemberState, 'UNREACHABLE'> = 'OFFLINE';
  readonly table = new Map<number, MemberInfo>();
  private readonly shown = new Map<number, string>();
  superReadOnly = false;
  offlineMode = false;
  viewNumber: number | null = null;
  /** member_in_partition: set while the majority is lost. */
  inPartition = false;
  partitionTerminated = false;
  private partitionGen = 0;
  rejoinRunning = false;
  private joinGen = 0;
  private joining: JoinAttempt | null = null;
  private admission: Admission | null = null;
  private admissionGen = 0;
  /** Whether "This member has left the group" was printed since the member last left. */
  private leftLogged = false;
  /** A GCS leave in progress; `quiet`: the leave after a failed join attempt, which installs no view the plugin logs. */
  private leaving: { gen: number; then: () => void; quiet: boolean } | null = null;
  readonly writes = new Map<number, WriteRecord>();
  /** The client session (thread id) that runs each executed write still pending. */
  private readonly sessions = new Map<number, number>();
  private lastThreadId = FIRST_THREAD_ID - 1;
  /** The auto-rejoin thread of the running auto-rejoin process (0 when none). */
  private rejoinThread = 0;
  readonly id: ServerIdentity;

  constructor(readonly slot: number, private readonly ctx: GrContext, public opts: GroupReplicationOptions) {
    this.id = ctx.servers[slot] as ServerIdentity;
  }

  // ---------------------------------------------------------------- helpers

  private hostPort(slot: number): string {
    const s = this.ctx.servers[slot] as ServerIdentity;
    return `${s.host}:${s.port}`;
  }

  /** Writes a log line; `thread` is the writing session's id, 0 for threads without a session. */
  private log(m: LogMessage, thread = 0): void {
    this.ctx.emit({
      type: 'log', t: this.ctx.kernel.nowUs, member: this.id.name, level: m.level, code: m.code, message: m.message,
      ...(thread === 0 ? {} : { thread }), ...(m.server === true ? { server: true as const } : {}),
    });
  }

  /** A new thread or session of this server (the server's thread_id counter). */
  private newThreadId(): number {
    return ++this.lastThreadId;
  }

  private gcsLog(level: 'ERROR' | 'Warning' | 'Note', text: string): void {
    this.log(msg.gcs(level, text));
  }

  viewId(): string {
    return this.viewNumber === null ? '' : `${this.ctx.viewIdPrefix}:${this.viewNumber}`;
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

  private setFlags(superReadOnly: boolean, offlineMode: boolean): void {
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

  private selfInfo(): MemberInfo {
    return this.table.get(this.slot) as MemberInfo;
  }

  private primarySlot(): number {
    for (const [slot, info] of this.table) if (info.role === 'PRIMARY' && this.ctx.mode === 'single-primary') return slot;
    return -1;
  }

  /** Whether this member may accept writes (ONLINE, PRIMARY role, not read-only). */
  private inGroup(): boolean {
    return this.state === 'ONLINE' || this.state === 'RECOVERING';
  }

  // ---------------------------------------------------------------- bootstrap

  /** Starts as a member of a formed group (the state at virtual time zero). */
  bootstrapOnline(view: GcsView, primary: number): void {
    this.state = 'ONLINE';
    this.viewNumber = view.number;
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
      if (!this.inPartition && !this.partitionTerminated) this.launchPartitionHandler();
    } else if (this.inPartition) {
      this.abortPartitionHandler();
      this.log(msg.contactRestored());
    }
    this.refresh();
  }

  private launchPartitionHandler(): void {
    this.inPartition = true;
    const timeoutS = this.opts.group_replication_unreachable_majority_timeout; // snapshot: later SETs do not apply
    if (timeoutS <= 0) return;
    const gen = ++this.partitionGen;
    let remainingUs = timeoutS * 1_000_000;
    const slice = (): void => {
      if (gen !== this.partitionGen) return;
      const step = remainingUs >= PARTITION_HANDLER_SLICE_US ? PARTITION_HANDLER_SLICE_US : remainingUs;
      this.ctx.later(this.slot, step, () => {
        if (gen !== this.partitionGen) return;
        remainingUs -= step;
        if (remainingUs > 0) slice();
        else this.majorityTimeoutFired(timeoutS);
      });
    };
    slice();
  }

  private abortPartitionHandler(): void {
    this.inPartition = false;
    this.partitionGen++;
  }

  private majorityTimeoutFired(timeoutS: number): void {
    this.partitionTerminated = true;
    this.inPartition = false;
    this.log(msg.unreachableMajorityTimeout(timeoutS));
    this.leaveOnFailure();
  }

  // ---------------------------------------------------------------- views

  onViewChanged(view: GcsView, left: readonly number[], joined: readonly number[]): void {
    if (this.joining !== null && (view.mask & (1 << this.slot)) !== 0) {
      const j = this.joining;
      this.joining = null;
      this.joinedGroup(view, j);
      return;
    }
    if (this.admission !== null) {
      // GCS hands views to the plugin in order; the joiner handles them after its join view.
      this.admission.queued.push({ view, left, joined });
      return;
    }
    if (!this.inGroup()) return;
    if (this.partitionTerminated) {
      this.log(msg.changeNotProcessed());
      return;
    }
    if (this.inPartition) {
      this.abortPartitionHandler();
      this.log(msg.contactRestored());
    }
    const single = this.ctx.mode === 'single-primary';
    const oldPrimary = this.primarySlot();
    if (left.length > 0) this.log(msg.membersRemoved(left.map((s) => this.hostPort(s)).join(', ')));
    for (const s of left) this.table.delete(s);
    for (const s of view.members) {
      const info = this.table.get(s);
      if (info === undefined) {
        const joinerState = this.ctx.member(s).state === 'ONLINE' ? 'ONLINE' : 'RECOVERING';
        this.table.set(s, { state: joinerState, role: single ? 'SECONDARY' : 'PRIMARY', unreachable: false });
      } else {
        info.unreachable = false; // member info is replaced by the state-exchange data
      }
    }
    let elected = -1;
    if (single && (oldPrimary < 0 || left.includes(oldPrimary))) {
      if (oldPrimary >= 0) this.log(msg.primaryLeft(this.hostPort(oldPrimary)));
      elected = this.elect();
      if (elected >= 0) this.log(msg.newPrimaryElected(this.hostPort(elected), NEW_PRIMARY_SUFFIX));
      else if (this.table.size > 1) this.log(msg.noSuitablePrimary());
    }
    if (joined.length > 0) this.log(msg.membersJoined(joined.map((s) => this.hostPort(s)).join(', ')));
    this.viewNumber = view.number;
    this.log(msg.membershipChanged(this.sortedHostList(view.members), this.viewId()));
    this.emitView(view.members);
    if (elected >= 0) this.electionCompleted(elected);
    this.refresh();
  }

  private sortedHostList(members: readonly number[]): string {
    return [...members]
      .sort((a, b) => ((this.ctx.servers[a] as ServerIdentity).uuid < (this.ctx.servers[b] as ServerIdentity).uuid ? -1 : 1))
      .map((s) => this.hostPort(s)).join(', ');
  }

  private emitView(members: readonly number[]): void {
    this.ctx.emit({
      type: 'view', t: this.ctx.kernel.nowUs, member: this.id.name, viewId: this.viewId(),
      members: members.map((s) => (this.ctx.servers[s] as ServerIdentity).name),
    });
  }

  /** Picks the primary among ONLINE members and sets roles (single-primary). */
  private elect(): number {
    const candidates = [...this.table].filter(([, info]) => info.state === 'ONLINE').map(([slot]) => ({
      slot, weight: this.ctx.member(slot).opts.group_replication_member_weight, uuid: (this.ctx.servers[slot] as ServerIdentity).uuid,
    }));
    const p = pickPrimary(candidates);
    for (const [slot, info] of this.table) info.role = slot === p ? 'PRIMARY' : 'SECONDARY';
    return p;
  }

  private electionCompleted(primary: number): void {
    if (this.state !== 'ONLINE') return;
    if (primary === this.slot) {
      this.log(msg.srvPrimary());
      this.setFlags(false, this.offlineMode);
    } else {
      this.log(msg.srvSecondary(this.hostPort(primary)));
      this.setFlags(true, this.offlineMode);
    }
  }

  // ---------------------------------------------------------------- leaving on failure

  /** The expel path (was_member_expelled_from_group → leave_group_on_failure, ALREADY_LEFT_GROUP). */
  onExpelled(): void {
    if ((!this.inGroup() && this.admission === null) || this.joining !== null) return;
    this.admission = null; // expelled before handling its join view: it never goes RECOVERING
    this.log(msg.memberExpelled());
    this.enterError();
    this.ctx.gcs(this.slot).stop();
    this.ctx.xcom.stop(this.slot, 'expelled');
    this.leftLogged = false;
    if (this.opts.group_replication_autorejoin_tries > 0) {
      this.ctx.later(this.slot, this.ctx.params.autoRejoinStartUs, () => this.startAutoRejoin());
    } else {
      this.applyExitAction('Member was expelled from the group due to network failures.');
    }
  }

  /** Status ERROR, role cleared, blocked transactions rolled back, MY-011712 and super_read_only. */
  private enterError(): void {
    this.state = 'ERROR';
    if (this.inPartition) this.abortPartitionHandler();
    this.table.clear();
    this.table.set(this.slot, { state: 'ERROR', role: 'SECONDARY', unreachable: false });
    this.viewNumber = null;
    const released = this.rollbackPending(CLIENT_ERROR_HOOK, true);
    this.log(msg.setReadOnlyDueToErrors());
    // Each session blocked in before_commit wakes up, reports that the wait for certification failed
    // (observer_trans.cc group_replication_trans_before_commit) and the server reports the failed
    // hook (sql/rpl_handler.cc); both lines carry the session's thread id.
    for (const session of released) {
      this.log(msg.conflictDetectionWaitFailed(session), session);
      this.log(msg.hookFailed('before_commit'), session);
    }
    this.setFlags(true, this.offlineMode);
    this.emitView([]);
    this.refresh();
  }

  /** Rolls back every pending write; returns the sessions that were blocked in before_commit. */
  private rollbackPending(error: string, logIt: boolean): number[] {
    const pending = [...this.writes.values()].filter((w) => w.outcome === 'pending');
    if (pending.length === 0) return [];
    if (logIt) this.log(msg.transactionsRolledBack());
    const blocked: number[] = [];
    for (const w of pending) {
      const session = this.sessions.get(w.id);
      if (session !== undefined) blocked.push(session);
      this.finishWrite(w, 'rolled_back', error);
    }
    return blocked;
  }

  /** Majority timeout: leave_group_on_failure with a GCS leave (not ALREADY_LEFT). */
  private leaveOnFailure(): void {
    const tries = this.opts.group_replication_autorejoin_tries;
    const action = this.opts.group_replication_exit_state_action;
    this.enterError();
    if (tries === 0 && action === 'OFFLINE_MODE') this.goOfflineMode();
    this.log(msg.waitingForViewUpdate());
    this.gcsLeave(() => {
      if (tries === 0 && action === 'ABORT_SERVER') this.abortServer('This member could not reach a majority of the members.');
      else if (tries > 0) this.startAutoRejoin();
    });
  }

  /**
   * Gcs_xcom_control::do_leave: XCom asks the group to remove this node; from a minority that cannot
   * be agreed and GCS gives up after 30 s (gcs_xcom_proxy.cc WAITING_TIME), then installs the leave view.
   */
  private gcsLeave(then: () => void, quiet = false): void {
    const gen = ++this.joinGen;
    this.leaving = { gen, then, quiet };
    const x = this.ctx.xcom;
    if (x.booted[this.slot] === 1) x.consensus.proposeRemove(this.slot, [this.slot]);
    this.ctx.later(this.slot, XCOM_EXIT_WAIT_US, () => {
      if (this.leaving === null || this.leaving.gen !== gen) return;
      this.gcsLog('ERROR', gcsText.engineExitTimeout());
      this.gcsLog('ERROR', gcsText.failedGracefulLeave());
      this.finishLeave();
    });
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

  private goOfflineMode(): void {
    if (!this.offlineMode) {
      this.offlineMode = true;
      this.emitFlags();
    }
    this.log(msg.setOfflineModeDueToErrors());
  }

  private abortServer(reason: string): void {
    this.log(msg.pluginAbort(reason));
    this.ctx.shutdownServer(this.slot);
  }

  /** group_replication_exit_state_action, applied when the member fails for good. */
  private applyExitAction(abortReason: string): void {
    switch (this.opts.group_replication_exit_state_action) {
      case 'READ_ONLY':
        break;
      case 'OFFLINE_MODE':
        this.goOfflineMode();
        break;
      case 'ABORT_SERVER':
        this.abortServer(abortReason);
        break;
    }
  }

  // ---------------------------------------------------------------- auto-rejoin

  private startAutoRejoin(): void {
    if (this.ctx.net.running[this.slot] === 0) return;
    this.rejoinRunning = true;
    this.rejoinThread = this.newThreadId(); // the auto-rejoin thread (autorejoin.cc), which logs its attempts
    const tries = this.opts.group_replication_autorejoin_tries;
    const attempt = (k: number): void => {
      this.log(msg.startedAutoRejoin(k, tries), this.rejoinThread);
      this.ctx.later(this.slot, this.ctx.params.rejoinLeaveUs, () => {
        if (!this.leftLogged) {
          this.log(msg.memberLeftGroup());
          this.leftLogged = true;
        }
        // The attempt re-initialises the applier module, whose channel is created anew (plugin.cc
        // attempt_rejoin), from a thread of its own.
        this.ctx.later(this.slot, APPLIER_CHANNEL_RESET_AFTER_LEAVE_US, () => this.log(applierChannelReset(this.ctx.channelTerms), this.newThreadId()));
        this.ctx.later(this.slot, this.ctx.params.xcomJoinStartupUs, () => {
          this.joinGroup(
            () => {
              this.rejoinRunning = false;
              const thread = this.rejoinThread;
              this.ctx.later(this.slot, this.ctx.params.joinerReadyLagUs, () => this.log(msg.finishedAutoRejoin(k, tries, true), thread));
            },
            () => {
              if (k < tries) {
                this.ctx.later(this.slot, REJOIN_TIMEOUT_US, () => attempt(k + 1));
                return;
              }
              this.rejoinRunning = false;
              this.log(msg.finishedAutoRejoin(tries, tries, false), this.rejoinThread);
              this.setFlags(true, this.offlineMode);
              this.applyExitAction(`Could not rejoin the member to the group after ${tries} attempts`);
            },
          );
        });
      });
    };
    attempt(1);
  }

  /**
   * A GCS join: find a seed that answers, have it propose add_node, and wait for the view. With no
   * seed answering, GCS makes CONNECTION_ATTEMPTS passes over the seeds (1 s connect timeout each
   * for an unreachable host, a round trip for a refused connection) and fails.
   */
  joinGroup(success: () => void, fail: () => void): void {
    const ctx = this.ctx, net = ctx.net, x = ctx.xcom;
    const gen = ++this.joinGen;
    let seed = -1;
    let passUs = 0;
    for (let j = 0; j < ctx.servers.length; j++) {
      if (j === this.slot) continue;
      if (net.isPathUp(this.slot, j) && net.isResponsive(j) && x.booted[j] === 1) { seed = j; break; }
      passUs += net.isPathUp(this.slot, j) ? net.linkLatencyUs(this.slot, j) * 2 : CONNECT_TIMEOUT_US;
    }
    if (seed < 0) {
      ctx.later(this.slot, CONNECTION_ATTEMPTS * passUs, () => {
        if (gen !== this.joinGen) return;
        this.gcsLog('ERROR', gcsText.connectingToAllPeersFailed(this.id.xcomPort));
        this.gcsLog('ERROR', gcsText.unableToJoin(this.id.xcomPort));
        this.state = 'ERROR';
        this.refresh();
        fail();
      });
      return;
    }
    const incarnation = ctx.nextIncarnation(this.slot);
    const result = x.consensus.proposeAdd(seed, this.slot, incarnation);
    if (result === 'old-incarnation') {
      // The seed refuses the add_node while the old incarnation is configured. The request is
      // asynchronous: the joiner learns nothing, waits for its XCom to become ready, times out and
      // fails this attempt (gcs_xcom_control_interface.cc retry_do_join); a START tries again after
      // 5 s, up to 10 times.
      const me = ctx.servers[this.slot] as ServerIdentity;
      ctx.member(seed).gcsLog('Warning', gcsText.oldIncarnation(`${me.host}:${me.xcomPort}`, me.uuid));
      ctx.later(this.slot, XCOM_READY_WAIT_US, () => {
        if (gen !== this.joinGen) return;
        this.gcsLog('ERROR', gcsText.engineReadyTimeout());
        this.gcsLog('ERROR', gcsText.engineNotReady(this.id.xcomPort));
        this.gcsLog('ERROR', gcsText.unableToJoin(this.id.xcomPort));
        fail();
      });
      return;
    }
    this.joining = { gen, incarnation, success, fail };
    ctx.later(this.slot, ctx.params.joinViewTimeoutUs, () => {
      if (this.joining === null || this.joining.gen !== gen) return;
      this.joining = null;
      this.log(msg.autoRejoinViewTimeout());
      // The failed attempt leaves the group it may already belong to at the XCom level (attempt_rejoin
      // "end:" calls gcs_module->leave(), src/plugin.cc: "If we do not leave preemptively, the server
      // will only leave the group when the communication layer failure detector detects that it
      // left"): XCom asks the group to remove this node and exits once it executes its removal, or
      // GCS gives up after 30 s. Merely stopping XCom left a dead node in the configuration that
      // held back every view (joins included) until its 60 s non-member expel.
      ctx.gcs(this.slot).stop();
      if (x.booted[this.slot] === 1) this.gcsLeave(fail, true);
      else fail();
    });
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
    this.ctx.xcom.boot(this.slot, entry.config, j.incarnation, entry.index + 1, true);
    this.ctx.gcs(this.slot).start(null);
  }

  /**
   * The join view arrived: able to join; later the view is installed here, RECOVERING, then ONLINE.
   * The member table comes from the state exchange of the join view (each member's state and the
   * role the group gave it, Group_member_info in the state message), so it is captured now, from a
   * member of the view that is in the group, never rebuilt later from whatever servers hold then.
   */
  private joinedGroup(view: GcsView, j: JoinAttempt): void {
    j.success();
    const single = this.ctx.mode === 'single-primary';
    const table = new Map<number, MemberInfo>();
    const donor = this.stateExchangeSource(view);
    for (const s of view.members) {
      if (s === this.slot) continue;
      const info = donor?.table.get(s);
      // A member the source does not list yet joins in this same view: RECOVERING, no primary role.
      table.set(s, info === undefined
        ? { state: 'RECOVERING', role: single ? 'SECONDARY' : 'PRIMARY', unreachable: false }
        : { state: info.state === 'RECOVERING' ? 'RECOVERING' : 'ONLINE', role: single ? info.role : 'PRIMARY', unreachable: false });
    }
    table.set(this.slot, { state: 'RECOVERING', role: single ? 'SECONDARY' : 'PRIMARY', unreachable: false });
    const gen = ++this.admissionGen;
    this.admission = { gen, view, table, queued: [] };
    const p = this.ctx.params;
    this.ctx.later(this.slot, p.joinerReadyLagUs + p.joinerViewLagUs, () => {
      const a = this.admission;
      if (a === null || a.gen !== gen) return;
      this.admission = null;
      this.state = 'RECOVERING';
      this.partitionTerminated = false;
      this.inPartition = false;
      this.table.clear();
      for (const [s, info] of a.table) this.table.set(s, info);
      this.viewNumber = view.number;
      this.log(msg.recoveryStrategy());
      this.log(msg.membershipChanged(this.sortedHostList(view.members), this.viewId()));
      this.emitView(view.members);
      this.refresh();
      this.logRecoveryChannel(a.table, gen);
      // Views installed and GR messages delivered since the join view, in delivery order: no view
      // number is skipped and no member's recovery-end message is lost.
      for (const q of a.queued) {
        if (q.view !== null) this.onViewChanged(q.view, q.left, q.joined);
        else this.onGroupMessage(q.entry);
      }
      // Recovery done: the member broadcasts its recovery-end message; every member, itself
      // included, marks it ONLINE when the group delivers that message. A joiner the group removed
      // meanwhile never gets it delivered and stays RECOVERING until it learns of the removal.
      this.ctx.later(this.slot, p.distributedRecoveryUs, () => {
        if (this.state !== 'RECOVERING') return;
        this.ctx.xcom.consensus.proposeMessage(this.slot, 'gr', 0, { online: this.slot });
      });
    });
  }

  /**
   * Distributed recovery's channel lines while this joiner is RECOVERING: the recovery thread points
   * the recovery channel at a donor, the receiver thread connects, and the channel is reset before
   * the recovery-end message. The donor is the first ONLINE member of the view in grsim; MySQL picks
   * one at random (recovery_state_transfer.cc build_donor_list shuffles the ONLINE members).
   */
  private logRecoveryChannel(table: ReadonlyMap<number, MemberInfo>, gen: number): void {
    let donor = -1;
    for (const [s, info] of table) if (s !== this.slot && info.state === 'ONLINE') { donor = s; break; }
    if (donor < 0) return;
    const d = this.ctx.servers[donor] as ServerIdentity;
    const threads = { recovery: this.newThreadId(), receiver: this.newThreadId() };
    for (const line of recoveryChannelLines(this.ctx.channelTerms, d)) {
      this.ctx.later(this.slot, Math.floor(line.at * this.ctx.params.distributedRecoveryUs), () => {
        if (this.state === 'RECOVERING' && this.admissionGen === gen) this.log(line.message, threads[line.thread]);
      });
    }
  }

  /**
   * Whose member information the joiner's state exchange reflects: a member of the join view whose
   * server runs and that is in the group (it sent a state message); one that installed this view
   * or an earlier one, never a crashed server's emptied table. Null when none qualifies.
   */
  private stateExchangeSource(view: GcsView): GrMember | null {
    let best: GrMember | null = null;
    for (const s of view.members) {
      if (s === this.slot || this.ctx.net.running[s] === 0) continue;
      const m = this.ctx.member(s);
      if (!m.inGroup() || m.admission !== null || m.joining !== null || !m.table.has(s)) continue;
      if (m.viewNumber === view.number) return m;
      if (best === null) best = m;
    }
    return best;
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
    const payload = entry.payload as { online?: number; writeId?: number; origin?: number };
    if (payload.online === this.slot && this.state === 'RECOVERING') {
      this.declaredOnline();
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

  /** Its own recovery-end message was delivered: this member is ONLINE (MY-011490), writable unless a secondary. */
  private declaredOnline(): void {
    const single = this.ctx.mode === 'single-primary';
    this.state = 'ONLINE';
    this.selfInfo().state = 'ONLINE';
    this.log(msg.srvOnline());
    const primary = this.primarySlot();
    this.setFlags(single ? primary !== this.slot : false, false);
    if (single && primary >= 0 && primary !== this.slot) this.log(msg.srvSecondary(this.hostPort(primary)));
    this.refresh();
  }

  // ---------------------------------------------------------------- restart

  /** A restarted server starts GR (start_on_boot): a join with the manual START's retries (10 × 5 s). */
  startOnBoot(): void {
    this.lastThreadId = FIRST_THREAD_ID - 1; // a new mysqld process counts its threads from the start again
    this.state = 'OFFLINE';
    this.table.clear();
    this.table.set(this.slot, { state: 'OFFLINE', role: 'SECONDARY', unreachable: false });
    this.superReadOnly = true;
    this.offlineMode = false;
    this.leftLogged = true;
    this.emitFlags();
    this.refresh();
    let tries = 0;
    const attempt = (): void => {
      tries++;
      this.joinGroup(() => {}, () => {
        if (tries < START_JOIN_ATTEMPTS) {
          this.gcsLog('Note', gcsText.sleepingBeforeRetry(START_JOIN_ATTEMPTS - tries));
          this.ctx.later(this.slot, START_JOIN_SLEEP_US, attempt);
        } else { this.state = 'OFFLINE'; this.refresh(); }
      });
    };
    this.ctx.later(this.slot, this.ctx.params.xcomJoinStartupUs, attempt);
  }

  /** The process died: everything in memory is gone; connected clients lose their transactions. */
  crashed(): void {
    this.rollbackPending('ERROR 2013 (HY000): Lost connection to MySQL server during query', false);
    this.state = 'OFFLINE';
    this.table.clear();
    this.viewNumber = null;
    this.joining = null;
    this.admission = null;
    this.leaving = null;
    this.rejoinRunning = false;
    this.inPartition = false;
    this.partitionTerminated = false;
    this.partitionGen++;
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
    if (this.state === 'ERROR') return 'read_only_error';
    if (this.state !== 'ONLINE') return 'read_only_not_online';
    if (this.superReadOnly) return this.table.get(this.slot)?.role === 'SECONDARY' ? 'read_only_secondary' : 'read_only';
    return null;
  }

  /** Submits one transaction on this member. */
  write(): WriteRecord {
    const ctx = this.ctx;
    const w: WriteRecord = { id: ctx.nextWriteId(), member: this.id.name, submittedUs: ctx.kernel.nowUs, outcome: 'pending', atUs: null, error: null };
    ctx.recordWrite(w);
    this.ctx.emit({ type: 'write', t: w.submittedUs, member: w.member, id: w.id, outcome: 'pending' });
    if (ctx.net.running[this.slot] === 0) this.finishWrite(w, 'refused', CLIENT_ERROR_CONNECT);
    else if (ctx.net.frozen[this.slot] === 1) {
      // A stopped mysqld accepts the connection in the kernel backlog but runs no statement: the
      // client blocks, and the statement is checked and executed only after the thaw. It is held
      // in `writes` so a crash meanwhile still loses it.
      this.writes.set(w.id, w);
      ctx.later(this.slot, 0, () => {
        if (this.writes.get(w.id) === w && w.outcome === 'pending') this.executeWrite(w);
      });
    } else this.executeWrite(w);
    return w;
  }

  /** Runs a submitted statement: refused when read-only or not ONLINE, otherwise proposed to the group. */
  private executeWrite(w: WriteRecord): void {
    if (this.offlineMode) this.finishWrite(w, 'refused', CLIENT_ERROR_OFFLINE_MODE);
    else if (this.superReadOnly || this.state !== 'ONLINE') this.finishWrite(w, 'refused', CLIENT_ERROR_SUPER_READ_ONLY);
    else {
      this.writes.set(w.id, w);
      this.sessions.set(w.id, this.newThreadId()); // each scenario write is a client connection of its own
      this.ctx.xcom.consensus.proposeMessage(this.slot, 'app', 0, { writeId: w.id, origin: this.slot });
    }
  }

  /** An 'app' entry was executed here: the origin commits its transaction. */
  onAppMessage(entry: LogEntry): void {
    const p = entry.payload as { writeId: number; origin: number };
    if (p.origin !== this.slot) return;
    const w = this.writes.get(p.writeId);
    if (w !== undefined && w.outcome === 'pending') this.finishWrite(w, 'committed', null);
  }

  private finishWrite(w: WriteRecord, outcome: WriteOutcome, error: string | null): void {
    w.outcome = outcome;
    w.atUs = this.ctx.kernel.nowUs;
    w.error = error;
    this.writes.delete(w.id);
    this.sessions.delete(w.id);
    this.ctx.emit(error === null
      ? { type: 'write', t: w.atUs, member: w.member, id: w.id, outcome }
      : { type: 'write', t: w.atUs, member: w.member, id: w.id, outcome, error });
  }

  // ---------------------------------------------------------------- options and UDFs

  /** Whether a topology UDF may run here (udf_utils.cc): ONLINE, in the majority, nobody unreachable. */
  checkTopologyUdf(): UdfResult {
    if (this.state !== 'ONLINE' || this.inPartition || this.partitionTerminated) return { ok: false, error: UDF_ERROR_NOT_ONLINE_MAJORITY };
    for (const info of this.table.values()) if (info.unreachable) return { ok: false, error: UDF_ERROR_UNREACHABLE };
    return { ok: true };
  }

  /** Applies a new primary or mode decided by a topology UDF. */
  applyTopology(primary: number): void {
    if (!this.inGroup()) return;
    const single = this.ctx.mode === 'single-primary';
    for (const [slot, info] of this.table) info.role = !single || slot === primary ? 'PRIMARY' : 'SECONDARY';
    if (this.state === 'ONLINE') this.setFlags(single && primary !== this.slot, this.offlineMode);
    this.refresh();
  }

  /** The primary this member currently knows, for single-primary mode; -1 if none. */
  knownPrimary(): number {
    return this.primarySlot();
  }
}
