/**
 * The plugin's pipeline statistics (pipeline_stats.cc): each member's own counters
 * (Pipeline_stats_member_collector, current), the copy it broadcasts every
 * group_replication_flow_control_period (send_stats_member_message), and each member's store of
 * the copies it received from the others (Flow_control_module::handle_stats_data, keyed by the
 * sender's GCS address, so a restarted sender overwrites its old entry).
 * replication_group_member_stats shows the local row from the collector and the others as last
 * received (ps_information.cc get_group_member_stats). docs/mysql-behaviour.md §G7.
 */

/** One member's pipeline statistics, as the collector holds them and as Pipeline_stats_member_message carries them. */
export interface PipelineMemberStats {
  /** Transactions waiting for certification (applier module message queue). */
  readonly waitingCertification: number;
  /** Remote transactions certified and waiting in the applier queue. */
  readonly waitingApply: number;
  /** Transactions certified on this member, local and remote. */
  readonly certified: number;
  /** Remote transactions applied on this member. */
  readonly applied: number;
  /**
   * Transactions originated on this member and sent to the group, and those its before_commit hook
   * refused for their size (observer_trans.cc: increment_transactions_local comes before that check).
   */
  readonly local: number;
  /** Transactions originated on this member and rolled back by the group (negative certification). */
  readonly localRollback: number;
  /** Transactions that failed certification. */
  readonly negativeCertified: number;
  /** Rows of the certification database (certification info size). */
  readonly rowsValidating: number;
  /** GTID set committed on every member (the certifier's stable set); '' when none. */
  readonly committedAllMembers: string;
  /** The last transaction certified without conflict; '' when none. */
  readonly lastConflictFree: string;
}

/**
 * Where the counters that grsim does not count itself come from. This is the one place that maps
 * simulator state to the collector's fields: the applier queue and GTID sets plug in here.
 */
export interface PipelineSources {
  /** Remote transactions certified on `slot` and not yet applied (its GTID applier's queue). */
  waitingApply(slot: number): number;
  /** The certifier's stable GTID set on `slot` ('': grsim models no certification). */
  committedAllMembers(slot: number): string;
  /** The last conflict-free transaction's GTID on `slot` ('': grsim models no certification). */
  lastConflictFree(slot: number): string;
}

/** Sources for a simulator without an applier queue or GTIDs. */
export const NO_PIPELINE_SOURCES: PipelineSources = {
  waitingApply: () => 0,
  committedAllMembers: () => '',
  lastConflictFree: () => '',
};

/** Numeric fields of a PipelineMemberStats, in the order the flat stores below keep them. */
const NUMERIC_FIELDS = 8;
/** String fields (committedAllMembers, lastConflictFree). */
const STRING_FIELDS = 2;

/**
 * Every member's collector, its last broadcast copy and its store of received copies. The copies
 * live in flat arrays so that a broadcast allocates nothing (it runs every second on every member).
 */
export class PipelineStats {
  private readonly n: number;
  private readonly certified: Float64Array;
  private readonly applied: Float64Array;
  private readonly local: Float64Array;
  /** Per sender: whether it has broadcast since its modules started, and the copy. */
  private readonly sentHas: Uint8Array;
  private readonly sentNum: Float64Array;
  private readonly sentStr: string[];
  /** Per observer × sender: whether a copy was received since the observer's modules started, and the copy. */
  private readonly receivedHas: Uint8Array;
  /**
   * Per observer × sender: 1 while the copy received is the sender's latest broadcast, held only
   * in `sentNum`/`sentStr` (a reference); 0 when `receivedNum`/`receivedStr` hold it. A broadcast
   * that changes the sender's copy first writes it out for the observers that refer to it, so a
   * delivery costs no copy, and an idle group's unchanging statistics are never copied at all.
   */
  private readonly receivedRef: Uint8Array;
  /**
   * Per sender: the observers whose pair has `receivedHas` and `receivedRef` both 1, as a bit mask,
   * so that a receipt by observers that all hold the sender's latest copy already (every second in
   * an idle group) is seen to change nothing without a loop.
   */
  private readonly refObservers: Int32Array;
  private readonly receivedNum: Float64Array;
  private readonly receivedStr: string[];

  constructor(n: number, private readonly sources: PipelineSources = NO_PIPELINE_SOURCES) {
    this.n = n;
    this.certified = new Float64Array(n);
    this.applied = new Float64Array(n);
    this.local = new Float64Array(n);
    this.sentHas = new Uint8Array(n);
    this.sentNum = new Float64Array(n * NUMERIC_FIELDS);
    this.sentStr = new Array<string>(n * STRING_FIELDS).fill('');
    this.receivedHas = new Uint8Array(n * n);
    this.receivedRef = new Uint8Array(n * n);
    this.refObservers = new Int32Array(n);
    this.receivedNum = new Float64Array(n * n * NUMERIC_FIELDS);
    this.receivedStr = new Array<string>(n * n * STRING_FIELDS).fill('');
  }

  /**
   * `transactions` proposed by `proposer` were delivered on `slot`: certified there (every member
   * certifies every transaction), counted as local on the proposer and, with no applier queue, as
   * applied at once on the others.
   */
  delivered(slot: number, proposer: number, transactions: number): void {
    this.certified[slot] = (this.certified[slot] as number) + transactions;
    if (proposer === slot) this.local[slot] = (this.local[slot] as number) + transactions;
    else this.applied[slot] = (this.applied[slot] as number) + transactions;
  }

  /**
   * `transactions` of `slot` were refused at commit for exceeding
   * group_replication_transaction_size_limit: group_replication_trans_before_commit
   * (observer_trans.cc) counted them as local (increment_transactions_local) before its size check.
   */
  localRefusedForSize(slot: number, transactions: number): void {
    this.local[slot] = (this.local[slot] as number) + transactions;
  }

  /**
   * The plugin's modules start again on `slot` (START, an auto-rejoin attempt, a new server
   * process): a new applier module has a new collector and a new flow-control module with no stats
   * received (plugin.cc initialize_plugin_modules creates a new Applier_module).
   */
  restartModules(slot: number): void {
    this.certified[slot] = 0;
    this.applied[slot] = 0;
    this.local[slot] = 0;
    this.sentHas[slot] = 0;
    this.receivedHas.fill(0, slot * this.n, (slot + 1) * this.n);
    this.receivedRef.fill(0, slot * this.n, (slot + 1) * this.n);
    for (let sender = 0; sender < this.n; sender++) this.refObservers[sender] = (this.refObservers[sender] as number) & ~(1 << slot);
  }

  /** The collector of `slot` now: its own row of replication_group_member_stats. */
  current(slot: number): PipelineMemberStats {
    this.collect(slot, this.scratchNum, 0, this.scratchStr, 0);
    return toStats(this.scratchNum, 0, this.scratchStr, 0);
  }

  /** `slot` broadcasts its statistics now (send_stats_member_message): the copy its peers will receive. */
  send(slot: number): void {
    const num = this.scratchNum, str = this.scratchStr, sentNum = this.sentNum, sentStr = this.sentStr;
    this.collect(slot, num, 0, str, 0);
    const k = slot * NUMERIC_FIELDS, ks = slot * STRING_FIELDS;
    let same = str[0] === sentStr[ks] && str[1] === sentStr[ks + 1];
    for (let f = 0; same && f < NUMERIC_FIELDS; f++) same = num[f] === sentNum[k + f];
    this.sentHas[slot] = 1;
    if (same) return;
    // The observers that refer to the previous copy keep it: written out before it changes.
    const n = this.n, ref = this.receivedRef;
    this.refObservers[slot] = 0;
    for (let observer = 0; observer < n; observer++) {
      const pair = observer * n + slot;
      if (ref[pair] === 0) continue;
      ref[pair] = 0;
      this.copySent(slot, pair);
    }
    for (let f = 0; f < NUMERIC_FIELDS; f++) sentNum[k + f] = num[f] as number;
    sentStr[ks] = str[0] as string;
    sentStr[ks + 1] = str[1] as string;
  }

  private readonly scratchNum = new Float64Array(NUMERIC_FIELDS);
  private readonly scratchStr: string[] = ['', ''];

  /**
   * Writes the collector of `slot` at `num[k…]` and `str[ks…]`: the one mapping from the
   * simulator's counters to the collector's fields (PipelineMemberStats order). Fields grsim does
   * not model (certification queue, rollbacks, conflicts, validating rows) are 0.
   */
  private collect(slot: number, num: Float64Array, k: number, str: string[], ks: number): void {
    const src = this.sources;
    num[k] = 0;
    num[k + 1] = src.waitingApply(slot);
    num[k + 2] = this.certified[slot] as number;
    num[k + 3] = this.applied[slot] as number;
    num[k + 4] = this.local[slot] as number;
    num[k + 5] = 0;
    num[k + 6] = 0;
    num[k + 7] = 0;
    str[ks] = src.committedAllMembers(slot);
    str[ks + 1] = src.lastConflictFree(slot);
  }

  /** `observer` received the last copy `sender` broadcast (handle_stats_data): by reference until that copy changes. */
  receive(observer: number, sender: number): void {
    if (this.sentHas[sender] === 0) return;
    const pair = observer * this.n + sender;
    this.receivedHas[pair] = 1;
    this.receivedRef[pair] = 1;
    this.refObservers[sender] = (this.refObservers[sender] as number) | (1 << observer);
  }

  /**
   * Whether `receive(observer, sender)` would change nothing now: the observer holds the sender's
   * latest broadcast by reference already, or the sender has not broadcast since its modules started.
   */
  receiveChangesNothing(observer: number, sender: number): boolean {
    return ((this.unchangedBy(sender) >>> observer) & 1) === 1;
  }

  /**
   * The observers (bit o: observer o) for which `receive(o, sender)` would change nothing now
   * (receiveChangesNothing): every one while the sender has not broadcast since its modules
   * started, else those that hold its latest broadcast by reference. A receive changes only its
   * own observer's bit.
   */
  unchangedBy(sender: number): number {
    return this.sentHas[sender] === 0 ? -1 : (this.refObservers[sender] as number);
  }

  /** `receive` by every observer whose bit is set in `observers`. */
  receiveAll(sender: number, observers: number): void {
    if (this.sentHas[sender] === 0) return;
    const held = this.refObservers[sender] as number;
    if ((observers & ~held) === 0) return;
    this.refObservers[sender] = held | observers;
    const n = this.n, has = this.receivedHas, ref = this.receivedRef;
    for (let o = 0; o < n; o++) {
      if (((observers >> o) & 1) === 0) continue;
      has[o * n + sender] = 1;
      ref[o * n + sender] = 1;
    }
  }

  /** Writes `sender`'s latest broadcast copy into the received store of `pair`. */
  private copySent(sender: number, pair: number): void {
    const from = sender * NUMERIC_FIELDS, to = pair * NUMERIC_FIELDS;
    for (let f = 0; f < NUMERIC_FIELDS; f++) this.receivedNum[to + f] = this.sentNum[from + f] as number;
    this.receivedStr[pair * STRING_FIELDS] = this.sentStr[sender * STRING_FIELDS] as string;
    this.receivedStr[pair * STRING_FIELDS + 1] = this.sentStr[sender * STRING_FIELDS + 1] as string;
  }

  /** What `observer` last received from `sender`, or null when nothing since its modules started. */
  receivedFrom(observer: number, sender: number): PipelineMemberStats | null {
    const pair = observer * this.n + sender;
    if (this.receivedHas[pair] === 0) return null;
    if (this.receivedRef[pair] === 1) return toStats(this.sentNum, sender * NUMERIC_FIELDS, this.sentStr, sender * STRING_FIELDS);
    return toStats(this.receivedNum, pair * NUMERIC_FIELDS, this.receivedStr, pair * STRING_FIELDS);
  }
}

/** A PipelineMemberStats from its flat form at `num[k…]`, `str[ks…]`. */
function toStats(num: Float64Array, k: number, str: readonly string[], ks: number): PipelineMemberStats {
  return {
    waitingCertification: num[k] as number,
    waitingApply: num[k + 1] as number,
    certified: num[k + 2] as number,
    applied: num[k + 3] as number,
    local: num[k + 4] as number,
    localRollback: num[k + 5] as number,
    negativeCertified: num[k + 6] as number,
    rowsValidating: num[k + 7] as number,
    committedAllMembers: str[ks] as string,
    lastConflictFree: str[ks + 1] as string,
  };
}
