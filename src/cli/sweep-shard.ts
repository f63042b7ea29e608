import { OUTAGE_OUTCOMES, type OutageOutcome } from '../sizing/outage-run.js';
import { assembleSweep, sweepCellCount, type CacheSweep, type SweepCellRun, type SweepPlan } from '../sizing/sweep-cache.js';
import type { CacheSizeOptions } from './cache-size.js';
import { UsageError } from './flags.js';
import {
  canonicalJson, checkSameWork, configHash, idList, mergeResults, readResultFile, RESULT_FORMAT, RESULT_FORMAT_VERSION, ResultShapeError,
  type ResultFile, type Shard,
} from './shard.js';

/** Sharding of `grsim cache-size --sweep` (docs/sharding.md): the run ids are the grid's cells, row-major. */

export const SWEEP_COMMAND = 'cache-size --sweep';

/** What a sweep's results depend on (not --jobs, the shard, --json or --plot). */
export type SweepConfig = Pick<CacheSizeOptions,
  'members' | 'rate' | 'rateText' | 'sizeBytes' | 'sizeText' | 'expelTimeoutS' | 'mysqlVersion' | 'transactionSizeLimit' | 'seed' | 'runs' | 'precisionBytes' | 'sizes' | 'outagesUs'>;

/** A cell's result in a file: the run, and the wall time it took (measured, so not compared between files). */
export type SweepCellRecord = SweepCellRun & { readonly wallMs: number };

export type SweepResultFile = ResultFile<SweepConfig, SweepCellRecord>;

export function sweepConfig(o: CacheSizeOptions): SweepConfig {
  return {
    members: o.members, rate: o.rate, rateText: o.rateText, sizeBytes: o.sizeBytes, sizeText: o.sizeText, expelTimeoutS: o.expelTimeoutS,
    mysqlVersion: o.mysqlVersion, transactionSizeLimit: o.transactionSizeLimit, seed: o.seed, runs: o.runs, precisionBytes: o.precisionBytes, sizes: o.sizes, outagesUs: o.outagesUs,
  };
}

/** The result file of (a shard of) a sweep: the plan every shard shares, and the shard's cells in id order. */
export function sweepResultFile(o: CacheSizeOptions, shard: Shard, plan: SweepPlan, cells: readonly (SweepCellRecord | undefined)[], version: string): SweepResultFile {
  const config = sweepConfig(o);
  const results: (SweepCellRecord & { id: number })[] = [];
  cells.forEach((r, id) => { if (r !== undefined) results.push({ id, ...r }); });
  return {
    format: RESULT_FORMAT, formatVersion: RESULT_FORMAT_VERSION, grsimVersion: version, command: SWEEP_COMMAND, config, configHash: configHash(config),
    baseSeed: o.seed, totalIds: sweepCellCount(plan), shard, common: plan, results,
  };
}

function cellRecordOf(r: Record<string, unknown>, field: string): SweepCellRecord {
  const outcomes = r['outcomes'];
  if (!Array.isArray(outcomes) || !outcomes.every((x) => OUTAGE_OUTCOMES.includes(x as OutageOutcome))) {
    throw new ResultShapeError(`${field}.outcomes`, `must list one outcome per seed, each one of ${OUTAGE_OUTCOMES.join(' | ')}`, outcomes);
  }
  for (const k of ['runs', 'simulatedUs', 'wallMs'] as const) {
    if (typeof r[k] !== 'number' || !Number.isFinite(r[k]) || r[k] < 0) throw new ResultShapeError(`${field}.${k}`, 'must be a number ≥ 0', r[k]);
  }
  return { outcomes: outcomes as OutageOutcome[], runs: r['runs'] as number, simulatedUs: r['simulatedUs'] as number, wallMs: r['wallMs'] as number };
}

function planOf(file: string, common: unknown): SweepPlan {
  const p = common as Partial<SweepPlan> | null;
  const numbers = (xs: unknown): boolean => Array.isArray(xs) && xs.length > 0 && xs.every((x) => Number.isSafeInteger(x));
  if (p === null || typeof p !== 'object' || !numbers(p.sizes) || !numbers(p.outagesUs) || !numbers(p.seeds) || typeof p.silentMember !== 'string' ||
    typeof p.growthBytesPerSecond !== 'number' || typeof p.preludeRuns !== 'number' || typeof p.preludeSimulatedUs !== 'number') {
    throw new UsageError(`${file}: common must be the sweep's plan (sizes, outagesUs, seeds, silentMember, growthBytesPerSecond, preludeRuns, preludeSimulatedUs)`);
  }
  return p as SweepPlan;
}

/** Reads a sweep result file (null: it does not exist and `missingOk`). */
export function readSweepResultFile(read: (path: string) => string, file: string, missingOk = false): SweepResultFile | null {
  const f = readResultFile(read, file, SWEEP_COMMAND, cellRecordOf, missingOk);
  if (f === null) return null;
  const seeds = planOf(file, f.common).seeds.length;
  f.results.forEach((r, k) => {
    if (r.outcomes.length !== seeds) throw new UsageError(`${file}: results[${k}].outcomes must list ${seeds} outcomes (one per seed of the plan), got ${r.outcomes.length}`);
  });
  return f as SweepResultFile;
}

/** The cells of a sweep from its files (any order); throws naming the missing cells when a shard is absent. */
export function mergeSweep(read: (path: string) => string, files: readonly string[]): { config: SweepConfig; sweep: CacheSweep; wallMs: number } {
  const all = files.map((file) => ({ file, f: readSweepResultFile(read, file) as SweepResultFile }));
  const first = all[0] as { file: string; f: SweepResultFile };
  for (const { file, f } of all) checkSameWork(file, f, first.f, first.file);
  const plan = planOf(first.file, first.f.common);
  const byId = mergeResults(all, (a, b) => canonicalJson({ ...a, wallMs: 0 }) === canonicalJson({ ...b, wallMs: 0 }));
  const total = first.f.totalIds;
  if (total !== sweepCellCount(plan)) throw new UsageError(`${first.file}: totalIds must be the plan's ${sweepCellCount(plan)} cells, got ${total}`);
  const missing = Array.from({ length: total }, (_, k) => k).filter((k) => !byId.has(k));
  if (missing.length > 0) throw new UsageError(`the files lack cells ${idList(missing)} of ${total}: merge the result files of every shard, or rerun the missing shards with --resume`);
  const cells = Array.from({ length: total }, (_, k) => byId.get(k) as SweepCellRecord);
  return { config: first.f.config, sweep: assembleSweep(plan, cells), wallMs: cells.reduce((t, c) => t + c.wallMs, 0) };
}

