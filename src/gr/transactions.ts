import { GtidSet } from './gtid-set.js';

/**
 * The transactions of one member: its gtid_executed, its certifier's view of the group's GTIDs and
 * its applier queue (docs/mysql-behaviour.md §T1–§T3).
 *
 * - Certification (certifier.cc, Certifier::certify and get_next_available_gtid): every member
 *   certifies every delivered transaction in the group's total order and gives it the next free
 *   GTID `<group_name>:<n>`, so the members of one group number a transaction alike without
 *   talking. With gtid_assignment_block_size 1 MySQL searches for the first free number from 1
 *   every time (get_next_available_gtid_candidate(sidno, 1, GNO_END)); grsim searches from the
 *   last number it gave plus one (`counter`), the same number as long as no hole is left below
 *   it, which no modelled path does (docs/mysql-behaviour.md §T1).
 * - The origin's session commits its own transaction (gtid_executed at once); on the others it goes
 *   to the group_replication_applier queue (applier.cc) and is applied in order at
 *   `applierTransactionUs` each. The applier is modelled lazily: `busyUntilUs` is when the queue
 *   will be empty, so a queue of 100,000 costs one number, not one timer per transaction.
 * - gtid_executed is kept as what the member knows (`known`: certified here, received from a
 *   donor, committed outside the group) minus what it has not committed yet (the applier queue,
 *   AFTER transactions waiting, the state transfer in progress), and computed only when asked: on
 *   a multi-primary member whose applier lags, its own commits interleave with queued runs, and a
 *   set updated on every apply would hold one interval per run.
 * - A transaction committed on the server outside the group (super_read_only OFF while Group
 *   Replication is stopped) gets a GTID of the server's own uuid (Gtid_state::get_automatic_gno).
 */
/**
 * `s` as V8's internalized copy (a property key always is one): the group's uuid is built at run
 * time, and `===` between strings that are not internalized is a call to V8's string comparison,
 * while between internalized ones it compares references. The certifier's set compares the uuid
 * with the one it numbered last at every delivered batch, on every member.
 */
function internalized(s: string): string {
  return Object.keys({ [s]: 0 })[0] as string;
}

export class MemberTransactions {
  /**
   * Every GTID this member has or is committing: certified here (its certifier's
   * group_gtid_executed), received by recovery, committed outside the group. gtid_executed is this
   * set minus `queue`, `deferred` and `transferPending`; it is also the state-exchange set
   * (gtid_executed plus the applier's retrieved set).
   */
  private readonly known = new GtidSet();
  /** Where the search for a free number starts: the last number given plus one (a shortcut for MySQL's search from 1; restarts at 1 on a join). */
  private counter = 1;
  /**
   * Group GTIDs certified and not yet applied, as flattened [lo, hi] runs in [head, tail), in apply
   * order. A typed buffer reused for the member's life: certify runs once per delivered batch and
   * the queue empties between batches, so a fresh array each time would be garbage per batch.
   */
  private queue = new Float64Array(16);
  private head = 0;
  private tail = 0;
  /** Transactions in `queue`. */
  private queued = 0;
  /**
   * This member's own AFTER transactions certified but not committed yet, as flattened [lo, hi]
   * runs of GTID numbers (a workload batch is one run, or a few where used numbers break it).
   */
  private deferred: number[] = [];
  /** What distributed recovery has still to copy (null when no state transfer runs). */
  private transferPending: GtidSet | null = null;
  /** When the applier will have applied every queued transaction (valid while `running`), µs. */
  private busyUntilUs = 0;
  /** Whether the applier runs (it waits while distributed recovery transfers state, while the server is down, and while it holds a prepared AFTER transaction). */
  private running = true;
  /**
   * Remote transactions ever queued for the applier on this server: the applier's position. A
   * transaction's position is this count right after it was queued; the applier has applied
   * through position `enqueued - queued`.
   */
  private enqueued = 0;
  /**
   * The applier commits nothing past this position (Infinity: no limit): another member's AFTER
   * transaction comes next, and it commits only once the group has prepared it (consistency.ts).
   */
  private applyLimit = Infinity;
  /** How many transactions that AFTER transaction is (a workload batch is many). */
  private limitedCount = 0;
  /** Transactions at the head of the queue that the applier has prepared and holds, uncommitted (0: none). */
  private heldAtHead = 0;
  /**
   * When the server's process was frozen (SIGSTOP), µs; null while it runs. A stopped mysqld
   * applies nothing: the applier's time stands still from here until the thaw.
   */
  private frozenAtUs: number | null = null;
  /** replication_group_member_stats counts (docs/mysql-behaviour.md §T4). */
  private checked = 0;
  private remoteApplied = 0;
  private localProposed = 0;
  private localCommitted = 0;

  /** The group's uuid, internalized (see `internalized`): certify hands it to `known` at every batch. */
  readonly groupName: string;

  constructor(groupName: string, readonly serverUuid: string, private readonly applierTransactionUs: number) {
    this.groupName = internalized(groupName);
  }

  /**
   * Certifies `count` transactions delivered now, in order: returns the first GTID number given
   * (the others follow; a run only breaks where a number is already used). `local`: this member's
   * own sessions commit them at once (`deferCommit`: the session still waits, e.g. for AFTER).
   */
  certify(nowUs: number, count: number, local: boolean, deferCommit = false): number {
    this.settle(nowUs);
    this.checked += count;
    const g = this.groupName;
    let first = -1;
    let left = count;
    while (left > 0) {
      // The run up to the next used number (usually all of it).
      const lo = this.known.addFreeRun(g, this.counter, left);
      const hi = this.known.runHi;
      this.counter = hi + 1;
      if (first < 0) first = lo;
      const n = hi - lo + 1;
      left -= n;
      if (local) {
        this.localProposed += n;
        if (deferCommit) this.deferred.push(lo, hi);
        else this.localCommitted += n;
      } else this.enqueue(nowUs, lo, hi);
    }
    return first;
  }

  /**
   * The `count` local transactions certified together with `deferCommit` from GTID number `gno`
   * commit now (their consistency wait ended). One certify call's runs are adjacent in `deferred`.
   */
  commitDeferred(gno: number, count = 1): void {
    const d = this.deferred;
    let k = 0;
    while (k < d.length && !((d[k] as number) <= gno && gno <= (d[k + 1] as number))) k += 2;
    let end = k, left = count;
    while (end < d.length && left > 0) {
      left -= (d[end + 1] as number) - (d[end] as number) + 1;
      end += 2;
    }
    if (end > k) d.splice(k, end - k);
    this.localCommitted += count;
  }

  /**
   * The sessions still waiting to commit their own certified transactions were rolled back (the
   * member left the group or its server stopped): this member does not have those GTIDs, so a
   * later join's state transfer copies them from the group.
   */
  rollBackDeferred(): void {
    if (this.deferred.length === 0) return;
    this.known.subtractIntervals(this.groupName, this.deferred);
    this.deferred = [];
  }

  /** A transaction committed on this server outside the group: the next GTID of its own uuid. Returns the GTID. */
  commitOutsideGroup(): string {
    const gno = this.known.firstFree(this.serverUuid, 1);
    this.known.addRange(this.serverUuid, gno, gno);
    return `${this.serverUuid}:${gno}`;
  }

  private enqueue(nowUs: number, lo: number, hi: number): void {
    const t = this.tail;
    if (t > this.head && (this.queue[t - 1] as number) + 1 === lo) this.queue[t - 1] = hi;
    else {
      if (t + 2 > this.queue.length) this.makeRoom();
      this.queue[this.tail] = lo;
      this.queue[this.tail + 1] = hi;
      this.tail += 2;
    }
    const count = hi - lo + 1;
    this.queued += count;
    this.enqueued += count;
    if (this.running) this.busyUntilUs = Math.max(this.busyUntilUs, this.frozenAtUs ?? nowUs) + count * this.applierTransactionUs;
  }

  /** Drops from the queue what the applier has applied by `nowUs` (committed: no longer subtracted from `known`). */
  settle(nowUs: number): void {
    if (!this.running || this.queued === 0) return;
    const t = this.frozenAtUs ?? nowUs;
    const remaining = this.busyUntilUs > t && this.applierTransactionUs > 0 ? Math.ceil((this.busyUntilUs - t) / this.applierTransactionUs) : 0;
    const applied = Math.min(this.queued - remaining, this.applyLimit - (this.enqueued - this.queued));
    if (applied > 0) this.dropApplied(applied);
  }

  /** The first `applied` queued transactions were applied: they leave the queue (and count as applied). */
  private dropApplied(applied: number): void {
    this.queued -= applied;
    this.remoteApplied += applied;
    const q = this.queue;
    while (applied > 0) {
      const lo = q[this.head] as number, hi = q[this.head + 1] as number;
      const size = hi - lo + 1;
      if (applied >= size) {
        this.head += 2;
        applied -= size;
      } else {
        q[this.head] = lo + applied;
        applied = 0;
      }
    }
    if (this.head === this.tail) this.head = this.tail = 0;
  }

  /** Room for one more run at `tail`: the applied prefix is dropped first, the buffer doubles only when it is full of pending runs. */
  private makeRoom(): void {
    const live = this.tail - this.head;
    if (live * 2 > this.queue.length) {
      const grown = new Float64Array(this.queue.length * 2);
      grown.set(this.queue.subarray(this.head, this.tail));
      this.queue = grown;
    } else this.queue.copyWithin(0, this.head, this.tail);
    this.head = 0;
    this.tail = live;
  }

  /** Transactions certified here and not yet applied (COUNT_TRANSACTIONS_REMOTE_IN_APPLIER_QUEUE). */
  applierQueue(nowUs: number): number {
    this.settle(nowUs);
    return this.queued;
  }

  /** The applier stops (recovery transfers state first; the server went down). */
  stopApplier(nowUs: number): void {
    this.settle(nowUs);
    this.running = false;
    this.frozenAtUs = null;
  }

  /** The server's process was frozen (SIGSTOP): the applier applies nothing until `thaw`. */
  freeze(nowUs: number): void {
    this.settle(nowUs);
    this.frozenAtUs = nowUs;
  }

  /** The frozen process was thawed: the applier goes on where it stopped, later by the time it was frozen. */
  thaw(nowUs: number): void {
    const at = this.frozenAtUs;
    if (at === null) return;
    this.frozenAtUs = null;
    if (this.running && this.busyUntilUs > at) this.busyUntilUs += nowUs - at;
  }

  /** The applier starts again and works through its queue. */
  startApplier(nowUs: number): void {
    if (this.running) return;
    this.running = true;
    this.busyUntilUs = nowUs + this.queued * this.applierTransactionUs;
  }

  /** The applier's position now: the position the transaction queued last has (see `enqueued`). */
  get position(): number {
    return this.enqueued;
  }

  /**
   * When the applier will have applied every transaction up to `position`, µs: `nowUs` once it has,
   * Infinity while it is stopped or when `position` lies past a limit of holdBefore (a time known
   * only once the applier moves again). It may be a fraction of a µs early or late against
   * `settle`'s count; callers treat a time less than 1 µs away as reached.
   */
  appliedThroughAtUs(position: number, nowUs: number): number {
    this.settle(nowUs);
    if (this.enqueued - this.queued >= position) return nowUs;
    // Past the held transaction, or past the one to hold once prepared, nothing is applied before a release.
    if (!this.running || position > this.applyLimit + (this.heldAtHead > 0 ? 0 : this.limitedCount)) return Infinity;
    // While frozen, as if the thaw came now (a waiter's timer runs only after the thaw and asks again).
    const busyUntilUs = this.frozenAtUs === null ? this.busyUntilUs : this.busyUntilUs + Math.max(0, nowUs - this.frozenAtUs);
    return Math.max(nowUs, busyUntilUs - (this.enqueued - position) * this.applierTransactionUs);
  }

  /**
   * The `count` queued transactions after `position` are another member's AFTER transaction, then
   * what follows it: the applier applies up to `position` as usual, then takes the next one but does not
   * commit it (consistency_manager.cc after_applier_prepare waits on its ticket) until releaseHeld.
   */
  holdBefore(position: number, count: number): void {
    this.applyLimit = position;
    this.limitedCount = count;
  }

  /** The applier has prepared the `count` transactions after the limit: it holds them, uncommitted, until releaseHeld. */
  holdPrepared(count: number): void {
    this.heldAtHead = count;
  }

  /** The held transactions commit now (or, with none held, the limit goes) and the applier goes on with its queue. */
  releaseHeld(nowUs: number): void {
    if (this.applyLimit === Infinity) return;
    this.settle(nowUs);
    const held = Math.min(this.heldAtHead, this.queued);
    this.heldAtHead = 0;
    this.applyLimit = Infinity;
    this.limitedCount = 0;
    if (held === 0) return;
    this.dropApplied(held);
    // What follows waited from the prepare on: it is applied from now.
    this.busyUntilUs = nowUs + this.queued * this.applierTransactionUs;
  }

  /**
   * A join (the certifier gets the group's certification information): it takes the group's set
   * `target` and the search restarts at 1; the applier waits for recovery.
   * Returns how many GTIDs of `target` this member lacks: what state transfer must copy.
   */
  joinGroup(nowUs: number, target: GtidSet | null): number {
    this.stopApplier(nowUs);
    this.counter = 1;
    // A state transfer cut short (the member left while RECOVERING) copied nothing it still owes.
    if (this.transferPending !== null) this.known.subtractSet(this.transferPending);
    this.transferPending = null;
    if (target === null) return 0;
    const missing = target.clone();
    missing.subtractSet(this.known);
    this.known.addSet(target);
    this.transferPending = missing;
    return missing.count();
  }

  /** State transfer ended: the copied GTIDs are committed and the applier starts on what was ordered since. */
  recoveryDone(nowUs: number): void {
    this.transferPending = null;
    this.startApplier(nowUs);
  }

  /**
   * What this member tells the group in the state exchange (gcs_event_handlers.cc
   * get_exchangeable_data): gtid_executed and the applier channel's retrieved set.
   */
  exchangedSet(nowUs: number): GtidSet {
    this.settle(nowUs);
    return this.known.clone();
  }

  /** gtid_executed now. */
  executed(nowUs: number): GtidSet {
    this.settle(nowUs);
    const s = this.known.clone();
    const g = this.groupName;
    const pending = Array.from(this.queue.subarray(this.head, this.tail));
    for (const v of this.deferred) pending.push(v);
    s.subtractIntervals(g, pending);
    if (this.transferPending !== null) s.subtractSet(this.transferPending);
    return s;
  }

  /** @@gtid_executed as MySQL prints it. */
  gtidExecuted(nowUs: number): string {
    return this.executed(nowUs).toString();
  }

  /** COUNT_TRANSACTIONS_REMOTE_IN_APPLIER_QUEUE at `nowUs`, without building every count (read each flow-control period). */
  remoteInApplierQueue(nowUs: number): number {
    this.settle(nowUs);
    return this.queued;
  }

  /** Counts for performance_schema.replication_group_member_stats. */
  counters(nowUs: number): TransactionCounters {
    this.settle(nowUs);
    return {
      checked: this.checked, remoteInApplierQueue: this.queued, remoteApplied: this.remoteApplied,
      localProposed: this.localProposed, localCommitted: this.localCommitted,
    };
  }
}

/** A member's transaction counts (the columns of performance_schema.replication_group_member_stats grsim models). */
export interface TransactionCounters {
  /** COUNT_TRANSACTIONS_CHECKED: transactions certified here since the server started. */
  readonly checked: number;
  /** COUNT_TRANSACTIONS_REMOTE_IN_APPLIER_QUEUE: certified, waiting for the applier. */
  readonly remoteInApplierQueue: number;
  /** COUNT_TRANSACTIONS_REMOTE_APPLIED: other members' transactions the applier committed here. */
  readonly remoteApplied: number;
  /**
   * This member's own transactions it certified. performance_schema's COUNT_TRANSACTIONS_LOCAL_PROPOSED
   * also counts those refused at commit for group_replication_transaction_size_limit, which were
   * never certified (observer_trans.cc counts them before its size check).
   */
  readonly localProposed: number;
  /** This member's own transactions committed (LOCAL_PROPOSED minus those still waiting or rolled back). */
  readonly localCommitted: number;
}
