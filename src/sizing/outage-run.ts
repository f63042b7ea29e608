import type { GroupReplicationOptions } from '../gr/options.js';
import type { WorkloadInput } from '../gr/workload.js';
import type { ModelParameters } from '../model-parameters.js';
import type { SimEvent } from '../observe/events.js';
import { XCOM_DIE_OP_TEXT } from '../observe/leave-lines.js';
import { createSimulation } from '../sim/simulation.js';
import type { MemberSpec } from '../sim/simulation-options.js';
import type { GroupMode, VersionName } from '../types.js';

/**
 * One sizing experiment (issue 4 "Sizing"): a group runs its workload, one member goes silent
 * (isolate) for an outage, comes back (heal), and the run says how it came back.
 */

/**
 * How a member silent for an outage came back:
 * - `caught up`: the same incarnation, never expelled (it fetched what it missed from a peer's cache);
 * - `evicted, rejoined`: a peer had evicted a message it needed; it logged "… since the group is too
 *   far ahead. Node will now exit.", was expelled (MY-011505) and took the auto-rejoin path;
 * - `expelled by timeout`: the group removed it because its suspicion outlived
 *   group_replication_member_expel_timeout (on the 15 s suspicions-thread cadence).
 */
export type OutageOutcome = 'caught up' | 'evicted, rejoined' | 'expelled by timeout';

/** The outcomes from best to worst (a bigger cache can only move an outcome towards the front). */
export const OUTAGE_OUTCOMES: readonly OutageOutcome[] = ['caught up', 'evicted, rejoined', 'expelled by timeout'];

/** The group an experiment runs, normalised (see sizeCache for the defaults). */
export interface SizingGroup {
  readonly members: readonly (string | MemberSpec)[];
  readonly memberNames: readonly string[];
  readonly mode: GroupMode;
  readonly version: VersionName;
  readonly options: Partial<GroupReplicationOptions>;
  readonly workload: readonly WorkloadInput[];
  readonly model: Partial<ModelParameters>;
  /** The member that goes silent. */
  readonly silent: string;
}

export interface OutageRunInput {
  readonly seed: number;
  /** group_replication_message_cache_size for every member, bytes. */
  readonly cacheBytes: number;
  /** Virtual time before the cut, µs (long enough for the cache to reach its limit). */
  readonly warmupUs: number;
  /** How long the member stays silent, µs. */
  readonly outageUs: number;
  /** Longest time to watch after the heal, µs (the run stops early at an expel or a die line). */
  readonly afterUs: number;
}

export interface OutageRun {
  readonly outcome: OutageOutcome;
  /** From the cut to the first suspicion of the silent member on a peer, µs; null if none. */
  readonly detectionUs: number | null;
  /** Whether the silent member was ONLINE again when the run ended. */
  readonly onlineAtEnd: boolean;
  /** Cache bytes of the first peer at the cut. */
  readonly peerCacheBytesAtCut: number;
  /** Growth of the first peer's cache during the warm-up's second half, bytes per second (valid while below the limit). */
  readonly warmupGrowthBytesPerSecond: number;
  /** Growth of the first peer's cache from the cut to the heal, bytes per second (valid while below the limit). */
  readonly outageGrowthBytesPerSecond: number;
  /**
   * Growth of the backlog while the member is silent, as cache bytes per second: the transactions
   * the peers' workloads had queued at the heal beyond those queued at the cut (the steady pipeline;
   * submitted, not yet decided, because the
   * group decides at most one event-horizon window per no-op round while a member is silent,
   * docs/mysql-behaviour.md §X5) × the cache bytes per transaction decided during the outage, ÷ the
   * outage. The backlog is decided in a burst right after the heal, before the writer hears the
   * returning member again, so the cache must hold it too. 0 when the group kept up.
   */
  readonly outageBacklogBytesPerSecond: number;
  /** Transaction bytes (before compression) the peers' workloads submitted per second during the warm-up's second half. */
  readonly offeredBytesPerSecond: number;
  /** Transactions the peers' workloads committed during the warm-up. */
  readonly warmupCommitted: number;
  /** Transactions the peers' workloads refused during the warm-up for group_replication_transaction_size_limit. */
  readonly warmupSizeLimitRefusals: number;
  /** Slots the first peer had evicted by the end of the run. */
  readonly peerEvictedSlots: number;
  /** Virtual time simulated, µs. */
  readonly simulatedUs: number;
}

/** Text of XCom's die line (xcom_base.cc process_die_op), as MY-011735 on the returning member. */
export const TOO_FAR_AHEAD = XCOM_DIE_OP_TEXT;
/** MY-011505: "Member was expelled from the group due to network failures, …". */
const EXPELLED_CODE = 'MY-011505';

/** What the trace says about `member` after `cutUs`; exported for tests on hand-made traces. */
export interface OutageEvidence {
  /** First suspicion of the member on a peer (µs), or null. */
  readonly suspectedAt: number | null;
  /** First expel request or timed-out suspicion of the member on a peer (µs), or null. */
  readonly timedOutAt: number | null;
  /** The member's "too far ahead" die line (µs), or null. */
  readonly dieAt: number | null;
  /** The member's MY-011505 (µs), or null. */
  readonly expelledAt: number | null;
}

/** Collects the evidence incrementally (one event at a time). */
export class OutageWitness {
  suspectedAt: number | null = null;
  timedOutAt: number | null = null;
  dieAt: number | null = null;
  expelledAt: number | null = null;
  constructor(private readonly member: string, private readonly cutUs: number) {}

  see(e: SimEvent): void {
    if (e.t < this.cutUs) return;
    if (e.type === 'suspicion' && e.suspect === this.member && e.member !== this.member) {
      if (e.action === 'created' && this.suspectedAt === null) this.suspectedAt = e.t;
      if ((e.action === 'timedOut' || e.action === 'expelRequested') && this.timedOutAt === null) this.timedOutAt = e.t;
    } else if (e.type === 'log' && e.member === this.member) {
      if (this.dieAt === null && e.message.includes(TOO_FAR_AHEAD)) this.dieAt = e.t;
      if (this.expelledAt === null && e.code === EXPELLED_CODE) this.expelledAt = e.t;
    }
  }

  /** Whether the outcome can no longer change (an expel or a die line was seen). */
  get decided(): boolean {
    return this.timedOutAt !== null || this.dieAt !== null || this.expelledAt !== null;
  }
}

/**
 * Classifies from the evidence: a timed-out suspicion (expel request) before any die line means the
 * group removed the member by timeout; a die line first means eviction; an expel without either
 * (e.g. the member learnt of a removal decided while it was away) counts as by timeout.
 */
export function classifyOutage(ev: OutageEvidence): OutageOutcome {
  if (ev.timedOutAt !== null && (ev.dieAt === null || ev.timedOutAt <= ev.dieAt)) return 'expelled by timeout';
  if (ev.dieAt !== null) return 'evicted, rejoined';
  if (ev.expelledAt !== null) return 'expelled by timeout';
  return 'caught up';
}

/** Classifies a finished trace (the member went silent at `cutUs`). */
export function classifyTrace(trace: readonly SimEvent[], member: string, cutUs: number): OutageOutcome {
  const w = new OutageWitness(member, cutUs);
  for (const e of trace) w.see(e);
  return classifyOutage(w);
}

/**
 * The backlog at the heal as cache bytes per second of outage: `queued` transactions (more than at
 * the cut, and more than one second of the outage's throughput), each costing
 * what a transaction decided during the outage cost the cache (`cacheBytes` ÷ `committed`: batches
 * are full while the group is behind, as they are when the backlog drains); 0 without a backlog.
 */
export function backlogBytesPerSecond(cacheBytes: number, committed: number, queued: number, outageUs: number): number {
  // Less than a second of the outage's throughput is the pipeline's jitter (a 10 ms batch more or
  // less in flight at the heal), not a backlog.
  if (queued <= 0 || committed <= 0 || outageUs <= 0 || queued <= (committed * 1e6) / outageUs) return 0;
  return ((queued * (cacheBytes / committed)) * 1e6) / outageUs;
}

/** Runs one experiment; deterministic in (group, input). */
export function runOutage(group: SizingGroup, input: OutageRunInput): OutageRun {
  const sim = createSimulation({
    seed: input.seed,
    members: group.members,
    mode: group.mode,
    version: group.version,
    options: { ...group.options, group_replication_message_cache_size: input.cacheBytes },
    workload: group.workload,
    model: group.model,
  });
  const peer = group.memberNames.find((m) => m !== group.silent) as string;
  const peers = group.memberNames.filter((m) => m !== group.silent);
  /** The peers' workload counters, summed (the silent member's own writes cannot be decided while it is cut off). */
  const work = (): { committed: number; queued: number; submittedBytes: number; sizeLimit: number } => {
    let committed = 0, queued = 0, submittedBytes = 0, sizeLimit = 0;
    for (const m of peers) {
      const w = sim.member(m).workload();
      committed += w.committed;
      queued += w.queued;
      submittedBytes += w.admittedBytes;
      for (const h of w.holds) if (h.reason === 'size_limit') sizeLimit += h.count;
    }
    return { committed, queued, submittedBytes, sizeLimit };
  };
  const halfUs = Math.floor(input.warmupUs / 2);
  sim.runFor(halfUs);
  const bytesHalf = sim.member(peer).xcomCache().bytes;
  const workHalf = work();
  sim.runFor(input.warmupUs - halfUs);
  const cutUs = sim.nowUs;
  const peerCacheBytesAtCut = sim.member(peer).xcomCache().bytes;
  const workAtCut = work();
  const witness = new OutageWitness(group.silent, cutUs);
  const listen = (e: SimEvent): void => witness.see(e);
  sim.on('suspicion', listen).on('log', listen);
  sim.network.isolate(group.silent);
  sim.runFor(input.outageUs);
  const peerCacheBytesAtHeal = sim.member(peer).xcomCache().bytes;
  const workAtHeal = work();
  sim.network.heal(group.silent);
  if (!witness.decided) sim.runUntil(() => witness.decided, { limit: input.afterUs });
  sim.off('suspicion', listen).off('log', listen);
  const secondHalfUs = input.warmupUs - halfUs;
  return {
    outcome: classifyOutage(witness),
    detectionUs: witness.suspectedAt === null ? null : witness.suspectedAt - cutUs,
    onlineAtEnd: sim.member(group.silent).state === 'ONLINE',
    peerCacheBytesAtCut,
    warmupGrowthBytesPerSecond: secondHalfUs > 0 ? ((peerCacheBytesAtCut - bytesHalf) * 1e6) / secondHalfUs : 0,
    outageGrowthBytesPerSecond: input.outageUs > 0 ? ((peerCacheBytesAtHeal - peerCacheBytesAtCut) * 1e6) / input.outageUs : 0,
    outageBacklogBytesPerSecond: backlogBytesPerSecond(peerCacheBytesAtHeal - peerCacheBytesAtCut, workAtHeal.committed - workAtCut.committed, workAtHeal.queued - workAtCut.queued, input.outageUs),
    offeredBytesPerSecond: secondHalfUs > 0 ? ((workAtCut.submittedBytes - workHalf.submittedBytes) * 1e6) / secondHalfUs : 0,
    warmupCommitted: workAtCut.committed,
    warmupSizeLimitRefusals: workAtCut.sizeLimit,
    peerEvictedSlots: sim.member(peer).xcomCache().evicted,
    simulatedUs: sim.nowUs,
  };
}
