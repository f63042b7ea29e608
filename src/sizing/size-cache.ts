import { ConfigError, InvariantError } from '../errors.js';
import { TRANSACTION_SIZE_LIMIT_DEFAULT } from '../gr/options.js';
import type { VersionName } from '../types.js';
import { runOutage, type OutageOutcome, type OutageRun, type SizingGroup } from './outage-run.js';
import { normalizeSizing, type NormalizedSizing, type SizeCacheInput } from './sizing-input.js';

/**
 * Cache sizing by simulation (issue 4 "Sizing"): the smallest group_replication_message_cache_size
 * with which a member silent for an outage comes back as the same incarnation, beside the
 * "rate × (5 s + expel timeout)" rule of thumb and the estimate from the real suspicion cadence.
 */

/** SUSPICION_PROCESSING_THREAD_PERIOD: the GCS suspicions thread runs every 15 s (gcs_xcom_control_interface.cc). */
export const SUSPICION_PERIOD_S = 15;
/** DETECTOR_LIVE_TIMEOUT, the 5 s of the rule of thumb (xcom_detector.h). */
export const RULE_OF_THUMB_LIVE_TIMEOUT_S = 5;
/** A cache so large nothing is evicted (the option's maximum). */
export const UNLIMITED_CACHE_BYTES = Number.MAX_SAFE_INTEGER;
/**
 * How long a run watches after the heal, µs: reconnection back-off (≤ 10 s + 1 s connect), the
 * executor's read back-off (≤ 20 s) and the first catch-up round, where a die answer comes if a
 * needed message was evicted (the oldest missing message is read first and evicted first).
 */
export const AFTER_HEAL_US = 45_000_000;
/** Warm-up of a run with an unlimited cache, µs (past the 5 s eviction pause after the group's configuration). */
export const UNLIMITED_WARMUP_US = 20_000_000;
/** Warm-up beyond the time the cache needs to fill to its limit, µs: steady state (evicting at the limit) before the cut. */
export const STEADY_STATE_MARGIN_US = 10_000_000;
/**
 * Offered load above which cache-size warns that the answer assumes a network no real one is:
 * 10 Gbit/s (1.25e9 bytes/s) of transaction payload written by the group's members, one copy
 * (the writer sends each message to every other member, so its link carries more). grsim models
 * latency and loss, not bandwidth (docs/cache-sizing.md "What is approximate").
 */
export const PLAUSIBLE_NETWORK_BYTES_PER_SECOND = 1_250_000_000;
/** Precision of the default-outage search, µs. */
export const OUTAGE_PRECISION_US = 500_000;

export interface CacheSizing {
  /** The answer: smallest group_replication_message_cache_size (bytes, a multiple of `precisionBytes` above the minimum) that passed every seeded run. */
  readonly cacheSizeBytes: number;
  readonly precisionBytes: number;
  /** The next smaller size tried, which failed in at least one seeded run; null when the answer is the minimum. */
  readonly failingBelowBytes: number | null;
  /** Outcomes of the seeded runs at `failingBelowBytes` (up to the first failure). */
  readonly failingBelowOutcomes: readonly OutageOutcome[] | null;
  /** True when the option's minimum already suffices (the answer is then the minimum, not a tight bound). */
  readonly atMinimum: boolean;
  /** group_replication_message_cache_size minimum for the version, bytes. */
  readonly minimumBytes: number;
  /** The outage sized for, µs. */
  readonly outageUs: number;
  /** 'given', or 'longest-without-expel' when found by simulation. */
  readonly outageSource: 'given' | 'longest-without-expel';
  /** With the default outage: the shortest outage tried that was expelled by timeout (µs, within OUTAGE_PRECISION_US of outageUs). */
  readonly expelledOutageUs: number | null;
  readonly silentMember: string;
  readonly seeds: readonly number[];
  /** group_replication_member_expel_timeout in force, seconds. */
  readonly expelTimeoutS: number;
  /** The MySQL version profile simulated. */
  readonly version: VersionName;
  /** group_replication_transaction_size_limit in force, bytes (0: no limit). */
  readonly transactionSizeLimit: number;
  /** Transaction bytes (before compression) the workload submits per second, measured on a healthy group. */
  readonly offeredBytesPerSecond: number;
  /** What the answer may not hold for (e.g. an offered load no real network carries); empty when nothing. */
  readonly warnings: readonly string[];
  /** Cache growth measured in the run: bytes of cache per second of workload on a peer (nothing evicted). */
  readonly growthBytesPerSecond: number;
  /**
   * Cache growth while the member is silent and not yet expelled, bytes/s (mean over unlimited-cache
   * runs): lower than `growthBytesPerSecond` because the group fills the silent member's channel
   * with no-ops and its throughput drops (docs/mysql-behaviour.md §X5); null when no such run was made.
   */
  readonly outageGrowthBytesPerSecond: number | null;
  /**
   * The backlog built while the member is silent, as cache bytes per second (mean over the same
   * runs): when the offered load exceeds what the group decides while a member is silent, the
   * writers' transactions queue, and the queue is decided in a burst right after the heal, before
   * the writer hears the returning member, so the cache must hold it too. 0 when the group keeps
   * up; null when no such run was made.
   */
  readonly outageBacklogBytesPerSecond: number | null;
  /** Mean time from the cut to the peers' suspicion of the silent member, µs (measured). */
  readonly detectionUs: number;
  /** The rule of thumb: growth × (5 s + expel timeout), bytes. */
  readonly ruleOfThumbBytes: number;
  /**
   * The time the silent member's messages must stay cached under the real cadence, µs: detection
   * plus the wait for the suspicions-thread run that finds the suspicion older than the expel
   * timeout (15 s period: 15·⌈T/15⌉ s), i.e. the analytic counterpart of the default outage.
   */
  readonly cadenceWindowUs: number;
  /**
   * The exact-cadence estimate: the growth while the member is silent (`outageGrowthBytesPerSecond`
   * plus `outageBacklogBytesPerSecond`, else `growthBytesPerSecond`) × the cadence window, bytes.
   */
  readonly exactCadenceBytes: number;
  /** Rule of thumb ÷ answer: below 1 the rule of thumb undersizes the cache. */
  readonly ruleOfThumbRatio: number;
  /** Simulations run and virtual seconds simulated (for the record). */
  readonly runs: number;
  readonly simulatedSeconds: number;
}

/** Time the suspicions thread waits after a suspicion is created until a run finds it timed out, seconds. */
export function cadenceWaitS(expelTimeoutS: number): number {
  // Checked at creation, then every 15 s: the expel goes at creation + 15·k, the smallest k ≥ 0 with
  // 15·k ≥ T (docs/mysql-behaviour.md §G1.4; the thread's wake latency makes 15·k = T time out).
  return SUSPICION_PERIOD_S * Math.ceil(expelTimeoutS / SUSPICION_PERIOD_S);
}

/** Counts runs and simulated time; runs the seeded runs of one candidate. */
export class SizingRunner {
  runs = 0;
  simulatedUs = 0;
  readonly detections: number[] = [];
  /** Cache growth while the member was silent, from unlimited-cache runs it survived (bytes/s). */
  readonly outageGrowth: number[] = [];
  /** The backlog built while the member was silent, cache bytes/s, from the same runs. */
  readonly outageBacklog: number[] = [];
  /** Reports each finished run (progress for the command line). */
  onRun: (() => void) | null = null;
  constructor(readonly group: SizingGroup, readonly seeds: readonly number[]) {}

  run(seed: number, cacheBytes: number, warmupUs: number, outageUs: number): OutageRun {
    const r = runOutage(this.group, { seed, cacheBytes, warmupUs, outageUs, afterUs: AFTER_HEAL_US });
    this.runs++;
    this.simulatedUs += r.simulatedUs;
    if (r.detectionUs !== null) this.detections.push(r.detectionUs);
    if (cacheBytes === UNLIMITED_CACHE_BYTES && outageUs >= 10_000_000 && r.outcome === 'caught up') {
      this.outageGrowth.push(r.outageGrowthBytesPerSecond);
      this.outageBacklog.push(r.outageBacklogBytesPerSecond);
    }
    this.onRun?.();
    return r;
  }

  /** Outcomes over the seeds, stopping at the first that is not `caught up` when `stopEarly`. */
  outcomes(cacheBytes: number, warmupUs: number, outageUs: number, stopEarly = true): OutageOutcome[] {
    const out: OutageOutcome[] = [];
    for (const seed of this.seeds) {
      const o = this.run(seed, cacheBytes, warmupUs, outageUs).outcome;
      out.push(o);
      if (stopEarly && o !== 'caught up') break;
    }
    return out;
  }
}

/** Warm-up for a cache limit: until the cache has filled to the limit at `growth`, plus a margin in steady state. */
export function warmupForUs(cacheBytes: number, growthBytesPerSecond: number): number {
  if (cacheBytes >= UNLIMITED_CACHE_BYTES) return UNLIMITED_WARMUP_US;
  const us = Math.max(UNLIMITED_WARMUP_US, Math.ceil((cacheBytes / growthBytesPerSecond) * 1e6) + STEADY_STATE_MARGIN_US);
  // Whole seconds: the cut then falls at the same phase of the 1 s alive/detector ticks (and so of
  // the reaper and the dial back-off after it) whatever the size, so a size is not judged on a
  // different reconnection timing than the outage search saw.
  return Math.ceil(us / 1_000_000) * 1_000_000;
}

/**
 * Measures the cache growth and the offered load with an unlimited cache (seed: the first);
 * ConfigError when the workload commits nothing: naming group_replication_transaction_size_limit
 * when that limit refused its transactions (observer_trans.cc group_replication_trans_before_commit
 * rolls back a larger transaction at commit, so nothing of it reaches the cache).
 */
export function measureGrowth(runner: SizingRunner): { growthBytesPerSecond: number; offeredBytesPerSecond: number } {
  const r = runner.run(runner.seeds[0] as number, UNLIMITED_CACHE_BYTES, UNLIMITED_WARMUP_US, 1_000_000);
  if (r.warmupCommitted === 0 && r.warmupSizeLimitRefusals > 0) {
    throw new ConfigError('options.group_replication_transaction_size_limit',
      `must be at least the workload's transaction size (or 0, no limit): every transaction was larger and was rolled back at commit, so nothing reaches the cache`,
      runner.group.options.group_replication_transaction_size_limit ?? TRANSACTION_SIZE_LIMIT_DEFAULT);
  }
  if (r.warmupCommitted === 0 || !(r.warmupGrowthBytesPerSecond > 0)) {
    throw new ConfigError('workload', 'must commit writes before the cut (no cache growth was measured; in single-primary mode only the primary takes writes)', runner.group.workload);
  }
  return { growthBytesPerSecond: r.warmupGrowthBytesPerSecond, offeredBytesPerSecond: r.offeredBytesPerSecond };
}

/** The warning for an offered load above PLAUSIBLE_NETWORK_BYTES_PER_SECOND, or null. */
export function bandwidthWarning(offeredBytesPerSecond: number): string | null {
  if (offeredBytesPerSecond <= PLAUSIBLE_NETWORK_BYTES_PER_SECOND) return null;
  const gbit = (bytes: number): string => `${+(bytes * 8 / 1e9).toFixed(1)} Gbit/s`;
  return `the workload offers ${gbit(offeredBytesPerSecond)} of transaction payload, more than the ${gbit(PLAUSIBLE_NETWORK_BYTES_PER_SECOND)} a plausible network carries; ` +
    'grsim does not model bandwidth, so this answer assumes a network that carries it all';
}

/**
 * The longest outage (on a OUTAGE_PRECISION_US grid) that no seeded run ends in an expel by
 * timeout, with an unlimited cache; bracketed around the cadence prediction, then bisected.
 */
export function longestOutageWithoutExpel(runner: SizingRunner, expelTimeoutS: number): { okUs: number; expelledUs: number } {
  const step = OUTAGE_PRECISION_US;
  const grid = (us: number): number => Math.max(2 * step, Math.round(us / step) * step);
  const ok = (us: number): boolean => runner.outcomes(UNLIMITED_CACHE_BYTES, UNLIMITED_WARMUP_US, us).every((o) => o !== 'expelled by timeout');
  const predictedUs = (5.5 + cadenceWaitS(expelTimeoutS)) * 1e6;
  let lo = grid(predictedUs - 6e6), hi = grid(predictedUs + 6e6);
  while (!ok(lo)) {
    hi = lo;
    if (lo <= 2 * step) throw new ConfigError('options.group_replication_member_expel_timeout', 'leaves no outage of 1 s or more without an expel', expelTimeoutS);
    lo = grid(lo - 10e6);
  }
  for (let k = 0; ok(hi); k++) {
    if (k === 8) throw new InvariantError(`no expel by timeout within ${hi / 1e6} s of silence (expel timeout ${expelTimeoutS} s)`);
    lo = hi;
    hi = grid(hi + 15e6);
  }
  while (hi - lo > step) {
    const mid = lo + Math.floor((hi - lo) / step / 2) * step;
    if (ok(mid)) lo = mid;
    else hi = mid;
  }
  return { okUs: lo, expelledUs: hi };
}

/** The cache search on an outage: the smallest size on the precision grid above the minimum that passes every seed. */
function searchCache(runner: SizingRunner, n: NormalizedSizing, outageUs: number, growth: number): {
  bytes: number; failingBelow: number | null; failingOutcomes: OutageOutcome[] | null;
} {
  const min = n.minimumBytes, p = n.precisionBytes;
  const passes = (bytes: number): OutageOutcome[] | null => {
    const o = runner.outcomes(bytes, warmupForUs(bytes, growth), outageUs);
    return o.every((x) => x === 'caught up') ? null : o;
  };
  const atMin = passes(min);
  if (atMin === null) return { bytes: min, failingBelow: null, failingOutcomes: null };
  const onGrid = (bytes: number, up: boolean): number => min + Math.max(0, (up ? Math.ceil : Math.floor)((bytes - min) / p)) * p;
  const seconds = outageUs / 1e6;
  let lo = min, loOutcomes: OutageOutcome[] = atMin;
  const tighterLo = onGrid(growth * (seconds - 10), false);
  if (tighterLo > lo) {
    const o = passes(tighterLo);
    if (o !== null) { lo = tighterLo; loOutcomes = o; }
  }
  let hi = Math.max(lo + p, onGrid(growth * (seconds + 10), true));
  for (let k = 0; ; k++) {
    const o = passes(hi);
    if (o === null) break;
    if (k === 8) throw new InvariantError(`a member silent for ${seconds} s did not catch up even with a ${hi}-byte cache (outcomes ${o.join(', ')})`);
    lo = hi;
    loOutcomes = o;
    hi = onGrid(lo + (lo - min) + 64 * p, true);
  }
  while (hi - lo > p) {
    const mid = lo + Math.floor((hi - lo) / p / 2) * p;
    const o = passes(mid);
    if (o === null) hi = mid;
    else { lo = mid; loOutcomes = o; }
  }
  return { bytes: hi, failingBelow: lo, failingOutcomes: loOutcomes };
}

/**
 * Finds by simulation the smallest group_replication_message_cache_size with which the silent
 * member (the last one unless `silent` is given), cut off for `outage` after the cache reached
 * steady state, comes back and catches up as the same incarnation in every seeded run. Without
 * `outage`, sizes for the longest outage that does not end in an expel under these options.
 * Deterministic: same input, same answer. Throws ConfigError for bad input. `onRun` is called
 * after each simulation (progress; the number of runs is not known in advance).
 */
export function sizeCache(input: SizeCacheInput, onRun?: () => void): CacheSizing {
  const n = normalizeSizing(input);
  const runner = new SizingRunner(n.group, n.seeds);
  runner.onRun = onRun ?? null;
  const { growthBytesPerSecond: growth, offeredBytesPerSecond } = measureGrowth(runner);
  let outageUs: number, expelledOutageUs: number | null = null;
  if (n.outageUs === null) {
    const found = longestOutageWithoutExpel(runner, n.expelTimeoutS);
    outageUs = found.okUs;
    expelledOutageUs = found.expelledUs;
  } else {
    outageUs = n.outageUs;
    const o = runner.outcomes(UNLIMITED_CACHE_BYTES, UNLIMITED_WARMUP_US, outageUs, false);
    if (o.includes('expelled by timeout')) {
      throw new ConfigError('outage', `must end before the group expels the silent member by timeout (expel timeout ${n.expelTimeoutS} s on the 15 s suspicion cadence; no cache size helps; omit outage to size for the longest outage without an expel)`, input.outage);
    }
  }
  const found = searchCache(runner, n, outageUs, growth);
  const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  const detectionUs = runner.detections.length === 0 ? 0 : Math.round(mean(runner.detections));
  const ruleOfThumbBytes = Math.round(growth * (RULE_OF_THUMB_LIVE_TIMEOUT_S + n.expelTimeoutS));
  const outageGrowth = runner.outageGrowth.length === 0 ? null : mean(runner.outageGrowth);
  const outageBacklog = runner.outageBacklog.length === 0 ? null : mean(runner.outageBacklog);
  const warning = bandwidthWarning(offeredBytesPerSecond);
  const cadenceWindowUs = detectionUs + cadenceWaitS(n.expelTimeoutS) * 1_000_000;
  return {
    cacheSizeBytes: found.bytes,
    precisionBytes: n.precisionBytes,
    failingBelowBytes: found.failingBelow,
    failingBelowOutcomes: found.failingOutcomes,
    atMinimum: found.failingBelow === null,
    minimumBytes: n.minimumBytes,
    outageUs,
    outageSource: n.outageUs === null ? 'longest-without-expel' : 'given',
    expelledOutageUs,
    silentMember: n.group.silent,
    seeds: n.seeds,
    expelTimeoutS: n.expelTimeoutS,
    version: n.group.version,
    transactionSizeLimit: n.transactionSizeLimit,
    offeredBytesPerSecond,
    warnings: warning === null ? [] : [warning],
    growthBytesPerSecond: growth,
    outageGrowthBytesPerSecond: outageGrowth,
    outageBacklogBytesPerSecond: outageBacklog,
    detectionUs,
    ruleOfThumbBytes,
    cadenceWindowUs,
    exactCadenceBytes: Math.round(((outageGrowth === null ? growth : outageGrowth + (outageBacklog ?? 0)) * cadenceWindowUs) / 1e6),
    ruleOfThumbRatio: ruleOfThumbBytes / found.bytes,
    runs: runner.runs,
    simulatedSeconds: runner.simulatedUs / 1e6,
  };
}
