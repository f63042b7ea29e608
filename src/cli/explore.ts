import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { Piscina } from 'piscina';
import { BUILT_IN_PROPERTIES, exploreChunk, propertyByName, type ChunkResult, type ExploreChunk } from '../arbitraries/experiments.js';
import { parseDuration } from '../duration.js';
import { describeFault } from '../arbitraries/index.js';

/** What explore needs from the process (bound in main.ts, faked in tests). */
export interface ExploreIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Whether stderr is a terminal (progress redraws one line) or not (a line per 10 %). */
  readonly isTty: boolean;
  /** Monotonic milliseconds, for the runs/min figure only (never inside a simulation). */
  readonly nowMs: () => number;
}

/** Runs per chunk: the unit of parallel work and of reproducibility (independent of --jobs). */
export const RUNS_PER_CHUNK = 25;

export class ExploreUsageError extends Error {}

export interface ExploreOptions {
  readonly property: string;
  readonly members: number;
  readonly durationUs: number;
  readonly runs: number;
  readonly seed: number;
  readonly jobs: number;
}

/** The fast-check seed of chunk k: a fixed function of the run's seed, so results do not depend on --jobs. */
export function chunkSeed(seed: number, k: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ (k + 1), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

export function parseExploreArgs(args: readonly string[]): ExploreOptions | 'list' {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args], strict: true, allowPositionals: false,
      options: {
        list: { type: 'boolean' }, property: { type: 'string' }, members: { type: 'string' }, duration: { type: 'string' },
        runs: { type: 'string' }, seed: { type: 'string' }, jobs: { type: 'string' },
      },
    });
  } catch (e) {
    throw new ExploreUsageError(`grsim explore: ${(e as Error).message}`);
  }
  const v = parsed.values as Record<string, string | boolean | undefined>;
  if (v.list === true) return 'list';
  const int = (name: string, lo: number, hi: number, dflt: number): number => {
    const raw = v[name];
    if (raw === undefined) return dflt;
    if (typeof raw !== 'string' || !/^\d+$/.test(raw) || Number(raw) < lo || Number(raw) > hi) {
      throw new ExploreUsageError(`grsim explore: --${name} must be an integer in ${lo}..${hi}, got ${JSON.stringify(raw)}`);
    }
    return Number(raw);
  };
  const property = v.property;
  if (typeof property !== 'string') throw new ExploreUsageError('grsim explore: --property <name> is required (grsim explore --list prints the names)');
  if (propertyByName(property) === undefined) {
    throw new ExploreUsageError(`grsim explore: --property must be one of ${BUILT_IN_PROPERTIES.map((p) => p.name).join(', ')}, got ${JSON.stringify(property)}`);
  }
  let durationUs = 600_000_000;
  if (v.duration !== undefined) {
    try {
      durationUs = parseDuration(v.duration, '--duration');
    } catch (e) {
      throw new ExploreUsageError(`grsim explore: ${(e as Error).message}`);
    }
    if (durationUs < 1_000_000 || durationUs > 86_400_000_000) throw new ExploreUsageError(`grsim explore: --duration must be between 1s and 24h, got ${JSON.stringify(v.duration)}`);
  }
  return {
    property, durationUs,
    members: int('members', 1, 9, 5),
    runs: int('runs', 1, 10_000_000, 100),
    seed: int('seed', 0, 0xffffffff, 1),
    jobs: int('jobs', 1, 256, availableParallelism()),
  };
}

function progressBar(done: number, total: number, failed: number, rate: number): string {
  const width = 30;
  const filled = Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} runs, ${failed} failed, ${Math.round(rate)} runs/min`;
}

/**
 * Explores random fault schedules for one property, in chunks of RUNS_PER_CHUNK runs, on `jobs`
 * worker threads (piscina). Returns the exit code: 0 no failure, 1 a counterexample was printed.
 * The counterexample reported is the one of the lowest-numbered failing chunk, so the output does
 * not depend on --jobs or on thread timing.
 */
export async function explore(o: ExploreOptions, io: ExploreIo): Promise<number> {
  const chunks: ExploreChunk[] = [];
  for (let k = 0, left = o.runs; left > 0; k++, left -= RUNS_PER_CHUNK) {
    chunks.push({ property: o.property, members: o.members, durationUs: o.durationUs, seed: chunkSeed(o.seed, k), runs: Math.min(RUNS_PER_CHUNK, left) });
  }
  const startMs = io.nowMs();
  let done = 0, failed = 0, lastDecile = 0;
  let firstFailure: { k: number; result: ChunkResult } | null = null;
  const report = (): void => {
    const rate = done / Math.max(1e-9, (io.nowMs() - startMs) / 60_000);
    if (io.isTty) io.stderr(`\r${progressBar(done, o.runs, failed, rate)}`);
    else if (Math.floor((done / o.runs) * 10) > lastDecile) {
      lastDecile = Math.floor((done / o.runs) * 10);
      io.stderr(`${progressBar(done, o.runs, failed, rate)}\n`);
    }
  };
  const settle = (k: number, r: ChunkResult): void => {
    done += r.runs;
    failed += r.failed;
    if (r.counterexample !== null && (firstFailure === null || k < firstFailure.k)) firstFailure = { k, result: r };
    report();
  };
  io.stderr(`grsim explore: ${o.property}, ${o.members} members, ${o.durationUs / 1e6} s per run, ${o.runs} runs, seed ${o.seed}, ${o.jobs} job${o.jobs === 1 ? '' : 's'}\n`);
  if (o.jobs === 1) {
    for (let k = 0; k < chunks.length && firstFailure === null; k++) settle(k, exploreChunk(chunks[k] as ExploreChunk));
  } else {
    const pool = new Piscina<ExploreChunk, ChunkResult>({
      filename: new URL('./explore-worker.js', import.meta.url).href, minThreads: o.jobs, maxThreads: o.jobs,
    });
    try {
      let next = 0;
      const inFlight = new Set<Promise<void>>();
      // Submit in order and stop submitting at the first failure; chunks before it still finish.
      while ((next < chunks.length && firstFailure === null) || inFlight.size > 0) {
        while (next < chunks.length && firstFailure === null && inFlight.size < o.jobs * 2) {
          const k = next++;
          const p: Promise<void> = pool.run(chunks[k] as ExploreChunk).then((r) => { settle(k, r); inFlight.delete(p); });
          inFlight.add(p);
        }
        if (inFlight.size > 0) await Promise.race(inFlight);
      }
    } finally {
      await pool.destroy();
    }
  }
  if (io.isTty) io.stderr('\n');
  const minutes = Math.max(1e-9, (io.nowMs() - startMs) / 60_000);
  const found = firstFailure as { k: number; result: ChunkResult } | null;
  if (found !== null) {
    const c = found.result.counterexample!;
    io.stdout(`Property ${o.property} failed (seed ${o.seed}, chunk ${found.k}, simulation seed ${c.seed}):\n  ${c.violation.message}\n` +
      `  at ${(c.violation.t / 1e6).toFixed(6)} s on ${c.violation.members.join(', ')}\n` +
      `Shrunk counterexample (${c.schedule.faults.length} fault${c.schedule.faults.length === 1 ? '' : 's'}${c.schedule.faults.length === 0 ? '' : `: ${c.schedule.faults.map(describeFault).join('; ')}`}); replay with grsim run:\n\n${c.scenarioYaml}\n`);
  }
  io.stdout(`${done} runs, ${failed} failed, ${Math.round(done / minutes)} runs/min\n`);
  return found === null ? 0 : 1;
}
