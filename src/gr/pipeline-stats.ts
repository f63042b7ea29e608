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
  /** Transactions originated on this member and sent to the group. */
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
  /** Remote transactions delivered on `slot` and not yet applied (0 while grsim applies at delivery). */
  waitingApply(slot: number): number;
  /** The certifier's stable GTID set on `slot` ('' while grsim has no GTIDs). */
  committedAllMembers(slot: number): string;
  /** The last conflict-free transaction's GTID on `slot` ('' while grsim has no GTIDs). */
  lastConflictFree(slot: number): string;
}

/** Sources for a simulator without an applier queue or GTIDs. */
export const NO_PIPELINE_SOURCES: PipelineSources = {
  waitingApply: () => 0,
  committedAllMembers: () => '',
  lastConflictFree: () => '',
};

/** Every member's collector, its last broadcast copy and its store of received copies. */
export class PipelineStats {
  private readonly certified: Float64Array;
  private readonly applied: Float64Array;
  private readonly local: Float64Array;
  private readonly lastSent: (PipelineMemberStats | null)[];
  private readonly received: Map<number, PipelineMemberStats>[];

  constructor(n: number, private readonly sources: PipelineSources = NO_PIPELINE_SOURCES) {
    this.certified = new Float64Array(n);
    this.applied = new Float64Array(n);
    this.local = new Float64Array(n);
    this.lastSent = Array.from({ length: n }, () => null);
    this.received = Array.from({ length: n }, () => new Map());
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
   * The plugin's modules start again on `slot` (START, an auto-rejoin attempt, a new server
   * process): a new applier module has a new collector and a new flow-control module with no stats
   * received (plugin.cc initialize_plugin_modules creates a new Applier_module).
   */
  restartModules(slot: number): void {
    this.certified[slot] = 0;
    this.applied[slot] = 0;
    this.local[slot] = 0;
    this.lastSent[slot] = null;
    this.received[slot]!.clear();
  }

  /** The collector of `slot` now: its own row of replication_group_member_stats. */
  current(slot: number): PipelineMemberStats {
    const s = this.sources;
    return {
      waitingCertification: 0,
      waitingApply: s.waitingApply(slot),
      certified: this.certified[slot] as number,
      applied: this.applied[slot] as number,
      local: this.local[slot] as number,
      localRollback: 0,
      negativeCertified: 0,
      rowsValidating: 0,
      committedAllMembers: s.committedAllMembers(slot),
      lastConflictFree: s.lastConflictFree(slot),
    };
  }

  /** `slot` broadcasts its statistics now (send_stats_member_message): the copy its peers will receive. */
  send(slot: number): void {
    this.lastSent[slot] = this.current(slot);
  }

  /** `observer` received the last copy `sender` broadcast (handle_stats_data). */
  receive(observer: number, sender: number): void {
    const copy = this.lastSent[sender];
    if (copy !== null && copy !== undefined) this.received[observer]!.set(sender, copy);
  }

  /** What `observer` last received from `sender`, or null when nothing since its modules started. */
  receivedFrom(observer: number, sender: number): PipelineMemberStats | null {
    return this.received[observer]!.get(sender) ?? null;
  }
}
