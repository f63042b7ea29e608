import { ConfigError, InvariantError } from '../errors.js';
import { OUTAGE_OUTCOMES, type OutageOutcome } from './outage-run.js';
import { cadenceWaitS, measureGrowth, SizingRunner, warmupForUs, type CacheSizing } from './size-cache.js';
import { normalizeSizing, MAX_OUTAGE_US, type SizeCacheInput } from './sizing-input.js';
import type { VersionName } from '../types.js';

/** Input of sweepCache: the group of sizeCache (its `outage` is ignored) and the grid. */
export interface SweepCacheInput extends SizeCacheInput {
  /** Cache sizes to try, bytes. @defaultValue from the minimum up to about growth × the expel point, 5 steps */
  readonly sizes?: readonly number[];
  /** Outages to try, µs. @defaultValue 6 steps around the expel point of the 15 s cadence */
  readonly outagesUs?: readonly number[];
  /** Called after each seeded run of the grid (done, total): progress for the CLI. */
  readonly onProgress?: (done: number, total: number) => void;
  /**
   * sizeCache's answer for the same group (sweepAnswerOf): the default grid then includes its size
   * and outage, and the chart marks the size, the rule of thumb and the outage.
   */
  readonly answer?: SweepAnswer;
}

/** What the sweep chart marks: sizeCache's answer, the rule of thumb, and the outage it was sized for. */
export interface SweepAnswer {
  readonly cacheSizeBytes: number;
  readonly ruleOfThumbBytes: number;
  /** The longest outage without an expel (or the outage given to sizeCache), µs. */
  readonly outageUs: number;
  readonly outageSource: 'given' | 'longest-without-expel';
  /** Simulations sizeCache ran to find it, and their virtual seconds (the sweep's totals include them). */
  readonly runs: number;
  readonly simulatedSeconds: number;
  /** sizeCache's warnings (an offered load no real network carries…). */
  readonly warnings: readonly string[];
}

/** The part of a sizeCache result the sweep marks, and the work it took. */
export function sweepAnswerOf(r: CacheSizing): SweepAnswer {
  return {
    cacheSizeBytes: r.cacheSizeBytes, ruleOfThumbBytes: r.ruleOfThumbBytes, outageUs: r.outageUs, outageSource: r.outageSource,
    runs: r.runs, simulatedSeconds: r.simulatedSeconds, warnings: r.warnings,
  };
}

/** One cell of the sweep: a cache size and an outage, over the seeds. */
export interface SweepCell {
  readonly cacheBytes: number;
  readonly outageUs: number;
  /** The worst outcome over the seeds (expelled by timeout > evicted, rejoined > caught up). */
  readonly outcome: OutageOutcome;
  /** Outcome of each seed, in seed order. */
  readonly outcomes: readonly OutageOutcome[];
}

export interface CacheSweep {
  readonly sizes: readonly number[];
  readonly outagesUs: readonly number[];
  /** cells[i][j]: sizes[i] × outagesUs[j]. */
  readonly cells: readonly (readonly SweepCell[])[];
  readonly seeds: readonly number[];
  readonly silentMember: string;
  readonly expelTimeoutS: number;
  /** The MySQL version profile simulated. */
  readonly version: VersionName;
  readonly growthBytesPerSecond: number;
  readonly minimumBytes: number;
  /** Every simulation the sweep ran: the answer's sizing (when it has one), the growth measurement and the cells. */
  readonly runs: number;
  readonly simulatedSeconds: number;
  /** The answer the chart marks; null when the sweep was run without one. */
  readonly answer: SweepAnswer | null;
}

const MIB = 1_048_576;
/** Most cells in a sweep (each cell is one run per seed). */
export const MAX_SWEEP_CELLS = 400;

/** Default outages: 6 steps from a quarter to 1.5 × the expected expel point (detection ≈ 5 s + 15·⌈T/15⌉ s), whole seconds. */
export function defaultOutagesUs(expelTimeoutS: number): number[] {
  const expelS = 5 + cadenceWaitS(expelTimeoutS);
  const step = Math.max(1, Math.round(expelS / 4));
  return [1, 2, 3, 4, 5, 6].map((k) => k * step * 1_000_000);
}

/** Default sizes: the minimum, then 4 even steps (multiples of 16 MiB) up to growth × the expected expel point, at least 2 × the minimum. */
export function defaultSizes(minimumBytes: number, growthBytesPerSecond: number, expelTimeoutS: number): number[] {
  const top = Math.max(2 * minimumBytes, growthBytesPerSecond * (5 + cadenceWaitS(expelTimeoutS)));
  const step = Math.max(16 * MIB, Math.ceil((top - minimumBytes) / 4 / (16 * MIB)) * 16 * MIB);
  return [0, 1, 2, 3, 4].map((k) => minimumBytes + k * step);
}

/** The default grid, with the answer's size and outage added when there is one, so the chart shows its row and column. */
export function defaultGrid(minimumBytes: number, growthBytesPerSecond: number, expelTimeoutS: number, answer: SweepAnswer | null): { sizes: number[]; outagesUs: number[] } {
  return {
    sizes: [...defaultSizes(minimumBytes, growthBytesPerSecond, expelTimeoutS), ...(answer === null ? [] : [answer.cacheSizeBytes])],
    outagesUs: [...defaultOutagesUs(expelTimeoutS), ...(answer === null ? [] : [answer.outageUs])],
  };
}

function worst(outcomes: readonly OutageOutcome[]): OutageOutcome {
  let w = 0;
  for (const o of outcomes) w = Math.max(w, OUTAGE_OUTCOMES.indexOf(o));
  return OUTAGE_OUTCOMES[w] as OutageOutcome;
}

/** The part of a sweep every cell shares: the grid and the growth measured before it (sharding runs it in every shard). */
export interface SweepPlan {
  readonly sizes: readonly number[];
  readonly outagesUs: readonly number[];
  readonly seeds: readonly number[];
  readonly silentMember: string;
  readonly expelTimeoutS: number;
  readonly version: VersionName;
  readonly growthBytesPerSecond: number;
  readonly minimumBytes: number;
  readonly answer: SweepAnswer | null;
  /** Runs and simulated µs of the growth measurement. */
  readonly preludeRuns: number;
  readonly preludeSimulatedUs: number;
}

/** One cell's result: cell id = size index × number of outages + outage index (row-major, the order sweepCache runs them). */
export interface SweepCellRun {
  readonly outcomes: readonly OutageOutcome[];
  readonly runs: number;
  readonly simulatedUs: number;
}

/**
 * Measures the growth and fixes the grid (validated); `runCell` then runs any cell by id, alone,
 * calling `onRun` after each seeded run (input.onProgress is sweepCache's).
 */
export function planSweep(input: SweepCacheInput, onRun?: () => void): { plan: SweepPlan; runCell: (id: number) => SweepCellRun } {
  const { outage: _ignored, ...group } = input;
  const n = normalizeSizing(group);
  const runner = new SizingRunner(n.group, n.seeds);
  const growth = measureGrowth(runner).growthBytesPerSecond;
  const answer = input.answer ?? null;
  const grid = defaultGrid(n.minimumBytes, growth, n.expelTimeoutS, answer);
  const outagesUs = input.outagesUs === undefined ? grid.outagesUs : [...input.outagesUs];
  outagesUs.forEach((o, k) => {
    if (!Number.isSafeInteger(o) || o < 1_000_000 || o > MAX_OUTAGE_US) throw new ConfigError(`outagesUs[${k}]`, `must be an outage from 1s to ${MAX_OUTAGE_US / 1e6}s in integer µs`, o);
  });
  const sizes = input.sizes === undefined ? grid.sizes : [...input.sizes];
  sizes.forEach((s, k) => {
    if (!Number.isSafeInteger(s) || s < n.minimumBytes) throw new ConfigError(`sizes[${k}]`, `must be an integer number of bytes ≥ the minimum group_replication_message_cache_size (${n.minimumBytes})`, s);
  });
  if (sizes.length === 0) throw new ConfigError('sizes', 'must list at least one cache size', sizes);
  if (outagesUs.length === 0) throw new ConfigError('outagesUs', 'must list at least one outage', outagesUs);
  if (sizes.length * outagesUs.length > MAX_SWEEP_CELLS) throw new ConfigError('sizes × outagesUs', `must have at most ${MAX_SWEEP_CELLS} cells`, sizes.length * outagesUs.length);
  const sorted = (xs: number[]): number[] => [...new Set(xs)].sort((a, b) => a - b);
  const gridSizes = sorted(sizes), gridOutages = sorted(outagesUs);
  const plan: SweepPlan = {
    sizes: gridSizes, outagesUs: gridOutages, seeds: n.seeds, silentMember: n.group.silent, expelTimeoutS: n.expelTimeoutS, version: n.group.version,
    growthBytesPerSecond: growth, minimumBytes: n.minimumBytes, answer, preludeRuns: runner.runs, preludeSimulatedUs: runner.simulatedUs,
  };
  const runCell = (id: number): SweepCellRun => {
    const cacheBytes = gridSizes[Math.floor(id / gridOutages.length)], outageUs = gridOutages[id % gridOutages.length];
    if (cacheBytes === undefined || outageUs === undefined) throw new InvariantError(`sweep cell ${id} is outside the ${gridSizes.length}×${gridOutages.length} grid`);
    const runs0 = runner.runs, us0 = runner.simulatedUs;
    const outcomes = n.seeds.map((seed) => {
      const o = runner.run(seed, cacheBytes, warmupForUs(cacheBytes, growth), outageUs).outcome;
      onRun?.();
      return o;
    });
    return { outcomes, runs: runner.runs - runs0, simulatedUs: runner.simulatedUs - us0 };
  };
  return { plan, runCell };
}

/** Number of cells of a plan (cell ids are 0..count-1). */
export function sweepCellCount(plan: SweepPlan): number {
  return plan.sizes.length * plan.outagesUs.length;
}

/** The sweep from its plan and every cell's result by id (what sweepCache returns; a merge of shards builds the same). */
export function assembleSweep(plan: SweepPlan, cellRuns: readonly SweepCellRun[]): CacheSweep {
  let runs = (plan.answer?.runs ?? 0) + plan.preludeRuns, simulatedUs = (plan.answer?.simulatedSeconds ?? 0) * 1e6 + plan.preludeSimulatedUs;
  const cells = plan.sizes.map((cacheBytes, i) => plan.outagesUs.map((outageUs, j): SweepCell => {
    const r = cellRuns[i * plan.outagesUs.length + j];
    if (r === undefined) throw new InvariantError(`sweep cell ${i * plan.outagesUs.length + j} has no result`);
    runs += r.runs;
    simulatedUs += r.simulatedUs;
    return { cacheBytes, outageUs, outcome: worst(r.outcomes), outcomes: r.outcomes };
  }));
  return {
    sizes: plan.sizes, outagesUs: plan.outagesUs, cells, seeds: plan.seeds, silentMember: plan.silentMember, expelTimeoutS: plan.expelTimeoutS, version: plan.version,
    growthBytesPerSecond: plan.growthBytesPerSecond, minimumBytes: plan.minimumBytes, runs, simulatedSeconds: simulatedUs / 1e6, answer: plan.answer,
  };
}

/**
 * Runs the grid cache size × outage and classifies each cell (caught up | evicted, rejoined |
 * expelled by timeout), each seed separately, the member going silent after the cache reached
 * steady state. Deterministic in its input.
 */
export function sweepCache(input: SweepCacheInput): CacheSweep {
  let done = 0, total = 0;
  const { plan, runCell } = planSweep(input, () => { input.onProgress?.(++done, total); });
  total = sweepCellCount(plan) * plan.seeds.length;
  return assembleSweep(plan, Array.from({ length: sweepCellCount(plan) }, (_, id) => runCell(id)));
}
