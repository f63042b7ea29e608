import { CLIENT_ERROR_CONSISTENCY_AFTER_ON_BEGIN, CLIENT_ERROR_CONSISTENCY_BEFORE, CLIENT_ERROR_CONSISTENCY_BEGIN_NOT_ALLOWED, CLIENT_ERROR_HOLD_KILLED, CLIENT_ERROR_HOLD_MEMBER_STATUS_ERROR, CLIENT_ERROR_HOLD_WAIT_TIMEOUT, msg } from '../observe/error-codes.js';
import type { GrMember, WriteRecord } from './gr-member.js';
import type { ConsistencyLevel } from './options.js';

/**
 * group_replication_consistency for one member's transactions (consistency_manager.cc,
 * Transaction_consistency_manager; hold_transactions.cc), and the new primary's election process
 * that decides when it takes writes (primary_election_primary_process.cc). docs/mysql-behaviour.md §T5, §T6.
 *
 * - BEFORE, BEFORE_AND_AFTER: before the transaction begins, a Sync_before_execution_message goes
 *   through the group; once it is delivered here the session waits until the applier has applied
 *   everything certified before it (transaction_begin_sync_before_execution).
 * - BEFORE_ON_PRIMARY_FAILOVER, AFTER: while this member runs its primary election process, a new
 *   transaction is held (not refused) until the process ends (before_transaction_begin,
 *   Hold_transactions::wait_until_primary_failover_complete). EVENTUAL and BEFORE are not held: a
 *   write then meets super_read_only and fails (ERROR 1290).
 * - AFTER, BEFORE_AND_AFTER: the origin commits only when every member that was ONLINE in its table
 *   at certification has prepared the transaction and said so (Transaction_prepared_message;
 *   Transaction_consistency_info::handle_remote_prepare), or has left the group
 *   (handle_member_leave). An UNREACHABLE member is still ONLINE there: it blocks the commit until
 *   its message arrives or a view removes it.
 *
 * The level is the session's (sql/sys_vars.cc, Sys_group_replication_consistency: GLOBAL and
 * SESSION scope; sql/rpl_handler.cc hands the plugin thd->variables.group_replication_consistency
 * in Trans_param, which observer_trans.cc group_replication_trans_before_commit reads): a write
 * made with SET SESSION uses its own level, others the member's global value.
 *
 * Workload batches (workload.ts) follow the same rules in aggregate: a batch takes its origin's
 * global level at the time consensus decided it (every member computes the same from the origin's
 * level history), waits under AFTER for one acknowledgement per member and batch (MySQL sends one
 * Transaction_prepared_message per transaction), and is held on a new primary
 * (WriteRefusal 'primary_election') until the election process ends.
 */

/** The GR messages this module sends through the group (each a Plugin_gcs_message kind). */
export interface ConsistencyMessage {
  /** Sync_before_execution_message of session `writeId` on `origin`. */
  readonly syncBefore?: number;
  /** Transaction_prepared_message: member `from` prepared `writeId` of `origin`. */
  readonly prepared?: number;
  /** Transaction_prepared_message for a whole workload batch: member `from` prepared the batch of log entry `preparedBatch` of `origin`. */
  readonly preparedBatch?: number;
  readonly from?: number;
  /** Single_primary_message SINGLE_PRIMARY_PRIMARY_READY / QUEUE_APPLIED of the new primary `origin`, election `gen`. */
  readonly primaryReady?: number;
  readonly queueApplied?: number;
  readonly origin?: number;
  readonly gen?: number;
}

/**
 * What before_transaction_begin needs of a transaction: its id (a write's, or a negative one for a
 * read), its state (it waits to begin while 'pending'), its session's level (null: the member's
 * global value) and its session's wait_timeout in seconds, which bounds each of the hook's waits
 * but the one for the Sync_before_execution_message (sql/rpl_handler.cc hands the plugin
 * thd->variables.net_wait_timeout as Trans_param hold_timeout).
 */
export interface BeginRequest {
  readonly id: number;
  readonly outcome: string;
  readonly consistency: ConsistencyLevel | null;
  readonly waitTimeoutS: number;
}

/** The refusal of a transaction that waited to begin: the client error it gets. */
type Refuse = (error: string) => void;

/** One wait of the begin hook, over once it ended or timed out (whichever came first). */
interface HookWait {
  over: boolean;
}

/** Ends `wait`; false when it had already ended (the other way). */
function endWait(wait: HookWait): boolean {
  if (wait.over) return false;
  wait.over = true;
  return true;
}

/** What runs a transaction once BEFORE's Sync_before_execution_message is delivered back. */
interface Syncing {
  readonly w: BeginRequest;
  readonly level: ConsistencyLevel;
  readonly run: () => void;
  readonly refuse: Refuse;
}

/** A transaction waiting behind another member's prepared AFTER transaction to begin (transaction_begin_sync_prepared_transactions). */
interface BeginWaiter {
  readonly wait: HookWait;
  /** Begins it (the prepared transaction committed). */
  readonly resume: () => void;
  /** Fails it with a client error (its latch ticket was released with an error). */
  readonly refuse: Refuse;
}

/** A read of the façade waiting to begin (beginRead). */
interface WaitingRead extends BeginRequest {
  outcome: 'pending' | 'begun' | 'refused';
  readonly start: () => void;
}

/**
 * Why a member's consistency waits end all at once (ConsistencyManager.reset): it left the group on
 * a failure and is in ERROR, either expelled ('expelled': it has already left) or on the majority
 * timeout with its own GCS leave still to come ('leaving'); its plugin stopped (STOP
 * GROUP_REPLICATION: 'stopping'); or its server died ('crashed').
 */
export type WaitsEndCause = 'expelled' | 'leaving' | 'stopping' | 'crashed';

/** Whether `cause` is a leave on a failure (leave_group_on_failure.cc), either path. */
export function leftOnFailure(cause: WaitsEndCause): boolean {
  return cause === 'expelled' || cause === 'leaving';
}

/** A statement held by the new primary's election process: what runs it, or refuses it with a client error. */
interface ElectionHeld {
  readonly w: BeginRequest;
  /** When the statement began to wait (its once-a-second checks count from then), µs. */
  readonly sinceUs: number;
  readonly run: () => void;
  readonly refuse: Refuse;
}

/** The new primary's hold checks its conditions once a second (hold_transactions.cc wait_until_primary_failover_complete: set_timespec(&abstime, 1)). */
const HOLD_CHECK_US = 1_000_000;

/** Whether `level` makes the commit wait for the group's acknowledgements. */
export function waitsAfter(level: ConsistencyLevel): boolean {
  return level === 'AFTER' || level === 'BEFORE_AND_AFTER';
}

/**
 * Whether a transaction at `level` begun while this member runs its primary election process is
 * held until the process ends (consistency_manager.cc before_transaction_begin: only
 * BEFORE_ON_PRIMARY_FAILOVER and AFTER call Hold_transactions::wait_until_primary_failover_complete).
 */
export function heldOnElection(level: ConsistencyLevel): boolean {
  return level === 'BEFORE_ON_PRIMARY_FAILOVER' || level === 'AFTER';
}

/**
 * Another member's AFTER transaction (a write, or a workload batch) queued for this member's
 * applier: Transaction_consistency_info on a member that is not its origin.
 */
interface RemoteAfter {
  readonly origin: number;
  /** The write id, or the batch's log entry index. */
  readonly key: number;
  readonly batch: boolean;
  /** Its applier position (MemberTransactions.position right after it was queued) and its transactions. */
  readonly position: number;
  readonly count: number;
  /**
   * The members whose Transaction_prepared_message it waits for: those ONLINE in this member's
   * table when it was delivered, its origin excepted (gcs_event_handlers.cc
   * handle_transactional_message, get_online_members_with_guarantees(origin)).
   */
  readonly members: Set<number>;
  /** The applier has prepared it and holds it (after_applier_prepare). */
  prepared: boolean;
}

/** A workload batch of this member certified under AFTER and waiting for the others' acknowledgements. */
interface WaitingBatch {
  readonly gno: number;
  readonly transactions: number;
  readonly submittedSumUs: number;
  readonly members: Set<number>;
}

export class ConsistencyManager {
  /** AFTER transactions of this member certified and waiting for prepared acknowledgements: write id → members still to answer. */
  private readonly waiting = new Map<number, { readonly gno: number; readonly members: Set<number> }>();
  /** Sessions waiting for their Sync_before_execution_message: write id → what to do once delivered. */
  private readonly syncing = new Map<number, Syncing>();
  /** Transactions held while this member's primary election runs, in arrival order. */
  private held: ElectionHeld[] = [];
  /** Reads waiting to begin (beginRead), and the last read id given (reads count down from -1). */
  private readonly readsWaiting = new Set<WaitingRead>();
  private readSeq = 0;
  /** m_primary_election_active: this member runs the election process as the new primary. */
  electionActive = false;
  /** What runs when the current election process ends (whenElectionEnds). */
  private afterElection: (() => void)[] = [];
  /** Bumped by each election process and by reset, so a stale step does nothing. */
  private electionGen = 0;
  /** Workload batches of this member waiting for acknowledgements (AFTER): log entry index → batch. */
  private readonly waitingBatches = new Map<number, WaitingBatch>();
  /** Transactions in `waitingBatches` (their clients still wait for the commit). */
  batchTransactionsWaiting = 0;
  /**
   * When this member's global level last changed between waiting and not waiting for
   * acknowledgements, µs, in order; `afterAtStart` is the level before the first change.
   */
  private readonly afterChanges: number[] = [];
  private readonly afterAtStart: boolean;
  /** Other members' AFTER transactions on this member's applier, in applier order (the first may be held prepared). */
  private readonly onApplier: RemoteAfter[] = [];
  /** The same, by write id and by batch log index, for their acknowledgements. */
  private readonly remoteWrites = new Map<number, RemoteAfter>();
  private readonly remoteBatches = new Map<number, RemoteAfter>();
  /**
   * Transactions that began while the applier held a prepared AFTER transaction, waiting for it to
   * commit (transaction_begin_sync_prepared_transactions), in arrival order.
   */
  private beginWaiters: BeginWaiter[] = [];
  /**
   * Statements whose hold ends after a leave on a failure, not yet woken (holdEndsOnFailure), by id;
   * `atLeaveView` when the election process ends only with the member's leave view (leaving).
   */
  private readonly holdsEnding = new Map<number, { readonly h: ElectionHeld; readonly wait: HookWait; readonly atLeaveView: boolean }>();
  /** What waits for the applier to move again (a held transaction commits, recovery starts it). */
  private applierWaiters: (() => void)[] = [];
  /** Bumped by reset, so that a prepare timer of an earlier membership does nothing. */
  private applierGen = 0;
  /** The remote transaction whose prepare is waited for (one wait per transaction). */
  private armedFor: RemoteAfter | null = null;

  constructor(private readonly m: GrMember) {
    this.afterAtStart = waitsAfter(m.opts.group_replication_consistency);
  }

  /** The level of transaction `w` (its session's), or of a session that kept the member's global value. */
  level(w?: BeginRequest): ConsistencyLevel {
    return w?.consistency ?? this.m.opts.group_replication_consistency;
  }

  /**
   * The member's global level was set (SET GLOBAL, or a new server's configuration): workload
   * batches decided from now on take it.
   */
  globalLevelSet(): void {
    const after = waitsAfter(this.m.opts.group_replication_consistency);
    if (after === this.batchWaitsAfter(Infinity)) return;
    this.afterChanges.push(this.m.ctx.kernel.nowUs);
  }

  /**
   * Whether this member's workload batch decided at `decidedAtUs` waits for acknowledgements: its
   * global level then. A change at the very µs of the decision does not count, so every member
   * delivering the batch, before or after the change, answers alike.
   */
  batchWaitsAfter(decidedAtUs: number): boolean {
    const c = this.afterChanges;
    let k = c.length;
    while (k > 0 && (c[k - 1] as number) >= decidedAtUs) k--;
    return k % 2 === 0 ? this.afterAtStart : !this.afterAtStart;
  }

  /**
   * before_transaction_begin: `run` executes the statement once the level lets the transaction
   * start; `refuse` fails it with a client error instead (the hook returned an error).
   */
  begin(w: BeginRequest, run: () => void, refuse: Refuse): void {
    const level = this.level(w);
    if (level === 'BEFORE' || level === 'BEFORE_AND_AFTER') {
      // transaction_begin_sync_before_execution refuses before it registers a ticket.
      if (this.m.startStop.isStopping()) {
        refuse(CLIENT_ERROR_CONSISTENCY_BEGIN_NOT_ALLOWED);
        return;
      }
      this.syncing.set(w.id, { w, level, run, refuse });
      const message: ConsistencyMessage = { syncBefore: w.id, origin: this.m.slot };
      this.m.ctx.xcom.consensus.proposeMessage(this.m.slot, 'gr', 0, message);
      return;
    }
    this.afterSync(w, level, run, refuse);
  }

  /**
   * A statement of a client session that begins a transaction without writing (the façade's reads
   * of tables, BEGIN) at the session's level `consistency`: `run` runs once before_transaction_begin
   * lets it start, as for a write (BEFORE's sync message and applier wait, the wait behind a
   * prepared AFTER transaction, the new primary's hold). If the member leaves the group meanwhile,
   * a latch wait (BEFORE's sync message, behind a prepared AFTER transaction) is refused
   * (killBeginWaits); the other waits end and `run` runs then, except in the new primary's hold:
   * a stop gives `refuse` ER_GR_HOLD_KILLED, a failure ER_GR_HOLD_MEMBER_STATUS_ERROR unless the
   * backlog is applied first (see reset, holdEndsOnFailure).
   */
  beginRead(consistency: ConsistencyLevel | null, waitTimeoutS: number, run: () => void, refuse: Refuse): void {
    const read: WaitingRead = {
      id: -(++this.readSeq), outcome: 'pending', consistency, waitTimeoutS,
      start: () => {
        if (read.outcome !== 'pending') return;
        read.outcome = 'begun';
        this.readsWaiting.delete(read);
        this.m.startStop.latchChanged();
        run();
      },
    };
    this.readsWaiting.add(read);
    this.begin(read, read.start, (error) => {
      if (read.outcome !== 'pending') return;
      read.outcome = 'refused';
      this.readsWaiting.delete(read);
      this.m.startStop.latchChanged();
      refuse(error);
    });
  }

  private afterSync(w: BeginRequest, level: ConsistencyLevel, run: () => void, refuse: Refuse): void {
    if (w.outcome !== 'pending') return;
    // transaction_begin_sync_prepared_transactions, at every level: a transaction that begins while
    // the applier holds another member's prepared AFTER transaction waits until that one commits.
    if (this.heldOnApplier()) {
      // It checks the plugin's stop only when it would wait (an empty queue returns at once).
      if (this.m.startStop.isStopping()) {
        refuse(CLIENT_ERROR_CONSISTENCY_BEGIN_NOT_ALLOWED);
        return;
      }
      const wait = this.timedWait(w, refuse, CLIENT_ERROR_CONSISTENCY_AFTER_ON_BEGIN);
      this.beginWaiters.push({
        wait,
        resume: () => { if (endWait(wait)) this.afterSync(w, level, run, refuse); },
        refuse: (error) => { if (endWait(wait)) refuse(error); },
      });
      return;
    }
    if (this.electionActive && heldOnElection(level)) {
      // Hold_transactions counts one-second waits up to the timeout: the statement fails after
      // wait_timeout seconds of hold.
      const wait = this.timedWait(w, refuse, CLIENT_ERROR_HOLD_WAIT_TIMEOUT);
      this.held.push({ w, sinceUs: this.m.ctx.kernel.nowUs, run: () => { if (endWait(wait)) run(); }, refuse: (error) => { if (endWait(wait)) refuse(error); } });
      return;
    }
    run();
  }

  /**
   * Starts one wait of `w`'s begin hook bounded by its session's wait_timeout: if the wait has not
   * ended by then (the caller sets `over` when it ends), the transaction is refused with `error`.
   * The timer runs on the member's process: a crash drops it, a freeze defers it.
   */
  private timedWait(w: BeginRequest, refuse: Refuse, error: string): HookWait {
    const wait: HookWait = { over: false };
    this.m.ctx.later(this.m.slot, w.waitTimeoutS * 1_000_000, () => {
      if (w.outcome === 'pending' && endWait(wait)) {
        refuse(error);
        this.m.startStop.latchChanged();
      }
    });
    return wait;
  }

  /**
   * The members whose prepared acknowledgement an AFTER transaction certified now must wait for
   * (get_online_members_with_guarantees): every member ONLINE in this member's table, itself excepted.
   */
  private mustPrepare(): Set<number> {
    const out = new Set<number>();
    for (const [slot, info] of this.m.table) if (slot !== this.m.slot && info.state === 'ONLINE') out.add(slot);
    return out;
  }

  /**
   * This member's own AFTER transaction was certified as `gno`: returns true when its commit waits
   * for acknowledgements (then commitDeferred follows), false when nobody else must prepare it.
   */
  waitForPrepared(w: WriteRecord, gno: number): boolean {
    const members = this.mustPrepare();
    if (members.size === 0) return false;
    this.waiting.set(w.id, { gno, members });
    return true;
  }

  /**
   * This member's workload batch (log entry `index`, `transactions` from GTID number `gno`) was
   * certified under AFTER with wouldWait() true: its clients commit when every member ONLINE here
   * now has acknowledged it or left.
   */
  waitForBatchPrepared(index: number, gno: number, transactions: number, submittedSumUs: number): void {
    this.waitingBatches.set(index, { gno, transactions, submittedSumUs, members: this.mustPrepare() });
    this.batchTransactionsWaiting += transactions;
  }

  /**
   * Another member's AFTER transaction (`batch`: a workload batch of `count` transactions, keyed by
   * its log entry index; otherwise write `key`) was certified here and queued for the applier. When
   * the applier reaches it, it prepares it, says so to the group if this member must, and holds it
   * uncommitted, applying nothing behind it, until every member that must has prepared it or left
   * (consistency_manager.cc after_applier_prepare, handle_remote_prepare, handle_member_leave;
   * mysql-test gr_consistent_reads_member_unreachable: the other member's applier waits "for handler
   * commit" while one member is UNREACHABLE). One acknowledgement per batch.
   */
  remoteAfterCertified(origin: number, key: number, batch: boolean, count: number): void {
    const members = new Set<number>();
    for (const [slot, info] of this.m.table) if (slot !== origin && info.state === 'ONLINE') members.add(slot);
    const entry: RemoteAfter = { origin, key, batch, position: this.m.tx.position, count, members, prepared: false };
    this.onApplier.push(entry);
    (batch ? this.remoteBatches : this.remoteWrites).set(key, entry);
    if (this.onApplier.length === 1) this.armPrepare();
  }

  /**
   * Whether the applier holds another member's prepared AFTER transaction
   * (m_prepared_transactions_on_my_applier not empty): a transaction that begins now waits.
   */
  heldOnApplier(): boolean {
    return this.onApplier.length > 0 && (this.onApplier[0] as RemoteAfter).prepared;
  }

  /** The applier prepares the first remote AFTER transaction once it has applied everything before it. */
  private armPrepare(): void {
    const head = this.onApplier[0];
    if (head === undefined || head.prepared || this.armedFor === head) return;
    this.armedFor = head;
    this.m.tx.holdBefore(head.position - head.count, head.count);
    const gen = this.applierGen;
    this.whenAppliedThrough(head.position, () => {
      if (gen === this.applierGen && this.onApplier[0] === head && !head.prepared) this.prepare(head);
    });
  }

  private prepare(entry: RemoteAfter): void {
    const m = this.m;
    this.armedFor = null;
    entry.prepared = true;
    m.tx.holdPrepared(entry.count);
    if (entry.members.has(m.slot) && m.inGroup()) {
      const message: ConsistencyMessage = entry.batch
        ? { preparedBatch: entry.key, origin: entry.origin, from: m.slot }
        : { prepared: entry.key, origin: entry.origin, from: m.slot };
      m.ctx.xcom.consensus.proposeMessage(m.slot, 'gr', 0, message);
    }
    if (entry.members.size === 0) this.releaseRemote(entry);
  }

  /** Member `from` prepared another member's AFTER transaction `entry` (handle_remote_prepare). */
  private remotePrepared(entry: RemoteAfter | undefined, origin: number, from: number): void {
    if (entry === undefined || entry.origin !== origin) return;
    entry.members.delete(from);
    if (entry.prepared && entry.members.size === 0) this.releaseRemote(entry);
  }

  /** The held transaction commits: the applier goes on, and the transactions waiting to begin begin. */
  private releaseRemote(entry: RemoteAfter): void {
    this.onApplier.shift();
    (entry.batch ? this.remoteBatches : this.remoteWrites).delete(entry.key);
    this.m.tx.releaseHeld(this.m.ctx.kernel.nowUs);
    const waiting = this.beginWaiters;
    this.beginWaiters = [];
    for (const b of waiting) b.resume();
    this.m.startStop.latchChanged();
    this.applierMoved();
  }

  /**
   * The applier moves again (a held transaction committed, recovery started it): what waited for
   * it looks again, and the next remote AFTER transaction waits for its prepare.
   */
  applierMoved(): void {
    if (this.applierWaiters.length > 0) {
      const waiting = this.applierWaiters;
      this.applierWaiters = [];
      for (const fn of waiting) fn();
    }
    this.armPrepare();
  }

  /**
   * Runs `fn` once the applier has applied everything up to `position` (MemberTransactions
   * positions), going through the kernel even when it already has. While the applier is stopped or
   * holds a prepared transaction the wait goes on until it moves again.
   */
  private whenAppliedThrough(position: number, fn: () => void): void {
    const m = this.m, now = m.ctx.kernel.nowUs;
    const at = m.tx.appliedThroughAtUs(position, now);
    if (at === Infinity) {
      this.applierWaiters.push(() => this.whenAppliedThrough(position, fn));
      return;
    }
    const gen = this.applierGen;
    m.ctx.later(m.slot, at - now, () => {
      if (gen !== this.applierGen) return;
      const t = m.ctx.kernel.nowUs;
      const again = m.tx.appliedThroughAtUs(position, t);
      // Less than 1 µs away is the lazy applier's rounding: reached.
      if (again - t < 1) fn();
      else this.whenAppliedThrough(position, fn);
    });
  }

  /** Runs `fn` once the applier has applied everything queued now (see whenAppliedThrough). */
  private whenApplied(fn: () => void): void {
    this.whenAppliedThrough(this.m.tx.position, fn);
  }

  /** Whether an AFTER transaction certified now would wait (so its GTID is not committed at certification). */
  wouldWait(): boolean {
    for (const [slot, info] of this.m.table) if (slot !== this.m.slot && info.state === 'ONLINE') return true;
    return false;
  }

  /** A GR message of this module was delivered here. Returns whether it was one. */
  onMessage(p: ConsistencyMessage): boolean {
    const m = this.m;
    if (p.syncBefore !== undefined) {
      if (p.origin !== m.slot) return true;
      const s = this.syncing.get(p.syncBefore);
      if (s === undefined) return true;
      this.syncing.delete(p.syncBefore);
      m.startStop.latchChanged();
      // Wait until the applier has committed what it had received when the message was delivered
      // (8.0.27: channel_wait_until_apply_queue_applied on group_replication_applier; newer:
      // wait_for_gtid_set_committed; bounded by wait_timeout).
      const wait = this.timedWait(s.w, s.refuse, CLIENT_ERROR_CONSISTENCY_BEFORE);
      this.whenApplied(() => { if (endWait(wait)) this.afterSync(s.w, s.level, s.run, s.refuse); });
      return true;
    }
    if (p.prepared !== undefined) {
      if (p.from === undefined || p.origin === undefined) return true;
      if (p.origin === m.slot) this.prepared(p.prepared, p.from);
      else this.remotePrepared(this.remoteWrites.get(p.prepared), p.origin, p.from);
      return true;
    }
    if (p.preparedBatch !== undefined) {
      if (p.from !== undefined && p.origin !== undefined && p.origin !== m.slot) this.remotePrepared(this.remoteBatches.get(p.preparedBatch), p.origin, p.from);
      else if (p.origin === m.slot && p.from !== undefined) {
        const batch = this.waitingBatches.get(p.preparedBatch);
        if (batch !== undefined) {
          batch.members.delete(p.from);
          if (batch.members.size === 0) this.commitBatch(p.preparedBatch, batch);
        }
      }
      return true;
    }
    if (p.primaryReady !== undefined || p.queueApplied !== undefined) {
      if (p.origin === m.slot) {
        if (p.gen !== this.electionGen) return true;
        if (p.primaryReady !== undefined) this.primaryReady();
        else this.queueApplied();
      } else if (p.origin !== undefined) {
        // Another member's election process: this member's secondary process waits for it.
        m.secondaryElection.onSinglePrimaryMessage(p.origin, p.primaryReady !== undefined ? 'primaryReady' : 'queueApplied');
      }
      return true;
    }
    return false;
  }

  private prepared(writeId: number, from: number): void {
    const entry = this.waiting.get(writeId);
    if (entry === undefined) return;
    entry.members.delete(from);
    if (entry.members.size === 0) this.commit(writeId, entry.gno);
  }

  /** A view removed `left`: they no longer have to prepare anything (handle_member_leave). */
  membersLeft(left: readonly number[]): void {
    if (left.length === 0) return;
    if (this.waiting.size > 0) {
      for (const [writeId, entry] of [...this.waiting]) {
        for (const s of left) entry.members.delete(s);
        if (entry.members.size === 0) this.commit(writeId, entry.gno);
      }
    }
    // Batches commit in their order, as the sessions they stand for would.
    for (const [index, batch] of this.waitingBatches) {
      for (const s of left) batch.members.delete(s);
      if (batch.members.size === 0) this.commitBatch(index, batch);
    }
    // Other members' transactions on this applier: only the first can be held prepared.
    for (const entry of this.onApplier) for (const s of left) entry.members.delete(s);
    const head = this.onApplier[0];
    if (head !== undefined && head.prepared && head.members.size === 0) this.releaseRemote(head);
  }

  private commitBatch(index: number, batch: WaitingBatch): void {
    this.waitingBatches.delete(index);
    this.batchTransactionsWaiting -= batch.transactions;
    this.m.tx.commitDeferred(batch.gno, batch.transactions);
    this.m.ctx.loadCommitted(this.m.slot, batch.transactions, batch.submittedSumUs);
    this.m.startStop.latchChanged();
  }

  private commit(writeId: number, gno: number): void {
    this.waiting.delete(writeId);
    this.m.tx.commitDeferred(gno);
    this.m.commitWaitingWrite(writeId);
  }

  /** A write finished (committed, rolled back): forget what it waited for. */
  forget(writeId: number): void {
    this.waiting.delete(writeId);
    this.syncing.delete(writeId);
  }

  /**
   * Begin hooks waiting on the plugin's transactions latch (plugin.cc transactions_latch): for
   * BEFORE's Sync_before_execution_message, or behind a prepared AFTER transaction. Not the
   * applier wait of BEFORE (channel_wait_until_apply_queue_applied) nor the new primary's hold
   * (hold_transactions.cc), which wait on other objects.
   */
  beginLatchWaits(): number {
    let n = this.syncing.size;
    for (const b of this.beginWaiters) if (!b.wait.over) n++;
    return n;
  }

  /**
   * Blocked_transaction_handler::unblock_waiting_transactions (plugin_utils.cc) for the begin
   * hook's latch waits: every ticket is released with an error (Wait_ticket::releaseTicket with
   * release_due_to_error), so a session waiting for its BEFORE sync message fails with
   * ER_GRP_TRX_CONSISTENCY_BEFORE and one waiting behind a prepared AFTER transaction with
   * ER_GRP_TRX_CONSISTENCY_AFTER_ON_TRX_BEGIN (consistency_manager.cc
   * transaction_begin_sync_before_execution, transaction_begin_sync_prepared_transactions).
   */
  killBeginWaits(): void {
    const syncing = [...this.syncing.values()];
    this.syncing.clear();
    const waiters = this.beginWaiters;
    this.beginWaiters = [];
    for (const s of syncing) s.refuse(CLIENT_ERROR_CONSISTENCY_BEFORE);
    for (const b of waiters) b.refuse(CLIENT_ERROR_CONSISTENCY_AFTER_ON_BEGIN);
  }

  /**
   * The member left the group, its plugin stopped or its server died (`cause`): no election process,
   * nothing held or awaited. Returns the statements the election process still holds for a moment
   * (holdEndsOnFailure), which the caller must not roll back.
   */
  reset(cause: WaitsEndCause): ReadonlySet<number> {
    const electionHeld = this.held;
    this.waiting.clear();
    // The waiting workload transactions are rolled back with the member's other sessions.
    this.waitingBatches.clear();
    this.batchTransactionsWaiting = 0;
    this.m.tx.rollBackDeferred();
    this.syncing.clear();
    this.held = [];
    this.electionActive = false;
    this.electionGen++;
    this.afterElection = [];
    // Other members' transactions are no longer awaited: a held one commits and the applier goes on.
    this.applierGen++;
    this.armedFor = null;
    this.onApplier.length = 0;
    this.remoteWrites.clear();
    this.remoteBatches.clear();
    this.beginWaiters = [];
    this.applierWaiters = [];
    this.m.tx.releaseHeld(this.m.ctx.kernel.nowUs);
    // Leaving ends the election process (primary_election_primary_process.cc: after_view_change with
    // is_leaving calls terminate_election_process; the aborted process then disables the hold). Each
    // held statement wakes in hold_transactions.cc wait_until_primary_failover_complete: with the
    // plugin stopping it fails with ER_GR_HOLD_KILLED; after a failure see holdEndsOnFailure. A dead
    // server's clients lost their connection.
    const stillHeld = new Set<number>();
    for (const h of electionHeld) {
      if (cause === 'stopping') h.refuse(CLIENT_ERROR_HOLD_KILLED);
      else if (leftOnFailure(cause)) this.holdEndsOnFailure(h, cause === 'leaving');
    }
    // Holds still ending after an earlier leave on a failure: a stop ends the election process
    // (the hold wakes with the plugin stopping: ER_GR_HOLD_KILLED), a dead server their sessions.
    if (cause === 'stopping') {
      for (const { h, wait } of this.holdsEnding.values()) if (endWait(wait)) h.refuse(CLIENT_ERROR_HOLD_KILLED);
    }
    if (!leftOnFailure(cause)) this.holdsEnding.clear();
    for (const id of this.holdsEnding.keys()) stillHeld.add(id);
    // Reads still waiting to begin (for the applier, or in the hold) go on: what they waited for no
    // longer exists. Those in latch waits were refused before a leave on a failure (killBeginWaits).
    for (const read of [...this.readsWaiting]) if (!this.holdsEnding.has(read.id)) read.start();
    return stillHeld;
  }

  /**
   * A statement the new primary's election process held when the member left the group on a
   * failure. leave_group_on_failure.cc (leave) sets the member's status to ERROR at once; the
   * election process ends when after_view_change runs with is_leaving
   * (primary_election_primary_process.cc terminate_election_process): the aborted process thread
   * wakes from its wait for the backlog and still runs hold_transactions->disable(), which wakes
   * the held sessions (hold_transactions.cc disable broadcasts). When that happens depends on the
   * path:
   * - expelled (`atLeaveView` false): gcs_event_handlers.cc on_view_changed calls leave and then
   *   after_view_change, and leave waits only for the applier module to reach its suspension
   *   packet (Applier_module::wait_for_applier_complete_suspension with wait_for_execution false:
   *   the packets before it certified and queued, not applied), sets super_read_only and returns.
   *   grsim's applier module has nothing queued before it, so the process ends in the same instant,
   *   once the leave's own work is done;
   * - on the majority timeout (`atLeaveView` true): leave_group_on_failure runs on the partition
   *   thread and only asks GCS to leave; after_view_change with is_leaving comes with the leave
   *   view, which from a minority arrives when GCS gives up the leave, about 30 s on.
   * The held session also wakes once a second from when it began to wait (mysql_cond_timedwait of
   * 1 s in wait_until_primary_failover_complete) and, finding the member in ERROR with the hold
   * still on, fails with ER_GR_HOLD_MEMBER_STATUS_ERROR; woken by the disabled hold it goes on (a
   * write then meets the super_read_only of a member in ERROR).
   */
  private holdEndsOnFailure(h: ElectionHeld, atLeaveView: boolean): void {
    const m = this.m, now = m.ctx.kernel.nowUs;
    const nextCheckUs = h.sinceUs + (Math.floor((now - h.sinceUs) / HOLD_CHECK_US) + 1) * HOLD_CHECK_US;
    const wait: HookWait = { over: false };
    this.holdsEnding.set(h.w.id, { h, wait, atLeaveView });
    m.ctx.later(m.slot, nextCheckUs - now, () => { if (endWait(wait)) this.wakeHeld(h, true); });
    // After the leave's work in this instant (super_read_only set), not inside it.
    if (!atLeaveView) m.ctx.later(m.slot, 0, () => { if (endWait(wait)) this.wakeHeld(h, false); });
  }

  /**
   * The leave view of a member that left on the majority timeout arrived: its election process ends
   * now (terminate_election_process), and the statements it still held go on (holdEndsOnFailure).
   */
  leaveViewInstalled(): void {
    for (const { h, wait, atLeaveView } of [...this.holdsEnding.values()]) {
      if (atLeaveView && endWait(wait)) this.wakeHeld(h, false);
    }
  }

  /**
   * A held statement wakes with the hold over (`memberInError`: at a check that found the member
   * in ERROR with the hold still on). wait_until_primary_failover_complete then fails it with
   * ER_GR_HOLD_KILLED while the plugin stops (plugin_is_stopping, whatever ended the wait), else with
   * ER_GR_HOLD_MEMBER_STATUS_ERROR for `memberInError`, else lets it run.
   */
  private wakeHeld(h: ElectionHeld, memberInError: boolean): void {
    this.holdsEnding.delete(h.w.id);
    if (this.m.startStop.isStopping()) h.refuse(CLIENT_ERROR_HOLD_KILLED);
    else if (memberInError) h.refuse(CLIENT_ERROR_HOLD_MEMBER_STATUS_ERROR);
    else h.run();
  }

  // ---------------------------------------------------------------- the new primary's election process

  /**
   * Primary_election_primary_process::primary_election_process_handler for a dead old primary:
   * transactions are held from now (enable_primary_election_checks); the applier applies the
   * backlog; then SINGLE_PRIMARY_PRIMARY_READY goes through the group, and on its delivery here
   * super_read_only is disabled: the member takes writes. SINGLE_PRIMARY_QUEUE_APPLIED follows;
   * on its delivery the process ends, held transactions run, and MY-011510 is logged.
   */
  startPrimaryProcess(): void {
    const m = this.m;
    if (!this.electionActive) this.holdForElection();
    const gen = this.electionGen;
    this.whenApplied(() => {
      if (gen !== this.electionGen || m.state !== 'ONLINE') return;
      const message: ConsistencyMessage = { primaryReady: m.slot, origin: m.slot, gen };
      m.ctx.xcom.consensus.proposeMessage(m.slot, 'gr', 0, message);
    });
  }

  /**
   * This member was just elected primary (execute_primary_election → internal_primary_election →
   * notify_election_running): from now its BEFORE_ON_PRIMARY_FAILOVER and AFTER transactions are held.
   */
  holdForElection(): void {
    this.electionActive = true;
    this.electionGen++;
    this.afterElection = [];
  }

  /**
   * Runs `fn` when this member's election process ends (QUEUE_APPLIED delivered, MY-011510 logged);
   * never if the process is abandoned (the member leaves, a newer election starts). A group action
   * that ran the election ends here (primary_election_action.cc waits for the election's end).
   */
  whenElectionEnds(fn: () => void): void {
    if (this.electionActive) this.afterElection.push(fn);
    else fn();
  }

  private primaryReady(): void {
    const m = this.m;
    if (m.state !== 'ONLINE') return;
    m.setFlags(false, m.offlineMode);
    const message: ConsistencyMessage = { queueApplied: m.slot, origin: m.slot, gen: this.electionGen };
    m.ctx.xcom.consensus.proposeMessage(m.slot, 'gr', 0, message);
  }

  private queueApplied(): void {
    const m = this.m;
    if (m.state !== 'ONLINE') return;
    this.electionActive = false;
    m.log(msg.srvPrimary());
    const ended = this.afterElection;
    this.afterElection = [];
    for (const fn of ended) fn();
    const held = this.held;
    this.held = [];
    for (const h of held) this.wakeHeld(h, false);
  }
}
