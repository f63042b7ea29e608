import { Command, Option } from 'commander';
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { BUILT_IN_PROPERTIES, exploreChunk, propertyByName, type ChunkResult, type ExploreChunk } from '../arbitraries/experiments.js';
import { describeFault } from '../arbitraries/index.js';
import { EXIT, type CliOutcome } from './cli-io.js';
import { durationFlag, FlagError, integerFlag, UsageError } from './flags.js';
import { startProgressBar, type ProgressIo } from './progress-bar.js';

/** What explore needs from the process (bound in main.ts, faked in tests). */
export interface ExploreIo extends ProgressIo {
  readonly stdout: (text: string) => void;
}

/** Runs per chunk: the unit of parallel work and of reproducibility (independent of --jobs). */
export const RUNS_PER_CHUNK = 25;

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

/** The chunks of an exploration, in order: RUNS_PER_CHUNK runs each, the last one what is left. */
export function exploreChunks(o: ExploreOptions): ExploreChunk[] {
  const chunks: ExploreChunk[] = [];
  for (let k = 0, left = o.runs; left > 0; k++, left -= RUNS_PER_CHUNK) {
    chunks.push({ property: o.property, members: o.members, durationUs: o.durationUs, seed: chunkSeed(o.seed, k), runs: Math.min(RUNS_PER_CHUNK, left) });
  }
  return chunks;
}

/**
 * What an exploration reports, from the results of its chunks by index (undefined: not run).
 * Only chunks up to the first failing one count: with one job those are exactly the chunks that
 * run; with more, later chunks may already be in flight when a failure settles, and counting
 * them would make the totals depend on --jobs and on thread timing.
 */
export function exploreOutcome(results: readonly (ChunkResult | undefined)[]): { runs: number; failed: number; firstFailure: { k: number; result: ChunkResult } | null } {
  let runs = 0;
  for (let k = 0; k < results.length; k++) {
    const r = results[k];
    if (r === undefined) break;
    runs += r.runs;
    if (r.counterexample !== null) return { runs, failed: 1, firstFailure: { k, result: r } };
  }
  return { runs, failed: 0, firstFailure: null };
}

/**
 * Explores random fault schedules for one property, in chunks of RUNS_PER_CHUNK runs, on `jobs`
 * worker threads (piscina). Returns the exit code: 0 no failure, 1 a counterexample was printed.
 * stdout (the counterexample of the lowest-numbered failing chunk and the run count up to it) is
 * the same for any --jobs; timing and throughput go to stderr.
 */
export async function explore(o: ExploreOptions, io: ExploreIo): Promise<number> {
  const chunks = exploreChunks(o);
  const results: (ChunkResult | undefined)[] = new Array<ChunkResult | undefined>(chunks.length).fill(undefined);
  const startMs = io.nowMs();
  const bar = startProgressBar(io, o.runs);
  let ran = 0, failed = 0, lowestFailing = Number.POSITIVE_INFINITY;
  const settle = (k: number, r: ChunkResult): void => {
    results[k] = r;
    ran += r.runs;
    failed += r.failed;
    if (r.counterexample !== null) lowestFailing = Math.min(lowestFailing, k);
    bar.update(ran, `${failed} failed`);
  };
  io.stderr(`grsim explore: ${o.property}, ${o.members} members, ${o.durationUs / 1e6} s per run, ${o.runs} runs, seed ${o.seed}, ${o.jobs} job${o.jobs === 1 ? '' : 's'}\n`);
  if (o.jobs === 1) {
    for (let k = 0; k < chunks.length && lowestFailing === Number.POSITIVE_INFINITY; k++) settle(k, exploreChunk(chunks[k] as ExploreChunk));
  } else {
    const pool = new Piscina<ExploreChunk, ChunkResult>({
      filename: new URL('./explore-worker.js', import.meta.url).href, minThreads: o.jobs, maxThreads: o.jobs,
    });
    try {
      let next = 0;
      const inFlight = new Set<Promise<void>>();
      // Submit in order and stop submitting at the first failure; the chunks before it still finish.
      const more = (): boolean => next < chunks.length && lowestFailing === Number.POSITIVE_INFINITY;
      while (more() || inFlight.size > 0) {
        while (more() && inFlight.size < o.jobs * 2) {
          const k = next++;
          const p: Promise<void> = pool.run(chunks[k] as ExploreChunk).then((r) => { settle(k, r); inFlight.delete(p); });
          inFlight.add(p);
          // A worker's failure rejects the race below (an internal error); the chunks still in flight
          // are rejected when the pool is destroyed, and nobody waits for them any more.
          p.catch(() => undefined);
        }
        await Promise.race(inFlight);
      }
    } finally {
      await pool.destroy();
    }
  }
  bar.finish();
  const { runs, failed: counted, firstFailure } = exploreOutcome(results);
  const seconds = Math.max(1e-6, (io.nowMs() - startMs) / 1000);
  io.stderr(`grsim explore: ${ran} runs in ${seconds.toFixed(1)} s, ${Math.round(ran / (seconds / 60))} runs/min` +
    `${ran > runs ? ` (${ran - runs} of them ran past the first failing chunk and are not counted)` : ''}\n`);
  // A property that is false by design reports its counterexample as the expected one (exit 0):
  // exit 1 always means an unexpected failure.
  const expected = propertyByName(o.property)?.expectedToFail;
  if (firstFailure !== null) {
    const c = firstFailure.result.counterexample!;
    const faults = c.schedule.faults;
    const verdict = expected === undefined ? 'failed' : 'found the expected counterexample';
    io.stdout(`Property ${o.property} ${verdict} (seed ${o.seed}, chunk ${firstFailure.k}, simulation seed ${c.seed}):\n  ${c.violation.message}\n` +
      `  at ${(c.violation.t / 1e6).toFixed(6)} s (members: ${c.violation.members.join(', ')})\n` +
      (expected === undefined ? '' : `This property is expected to fail: ${expected}.\n`) +
      `Shrunk counterexample (${faults.length} fault${faults.length === 1 ? '' : 's'}${faults.length === 0 ? '' : `: ${faults.map(describeFault).join('; ')}`}); replay with grsim run:\n\n${c.scenarioYaml}\n`);
  }
  if (firstFailure === null && expected !== undefined) {
    io.stdout(`Property ${o.property} is expected to fail (${expected}), but no counterexample was found in ${runs} runs.\n`);
  }
  io.stdout(`${runs} runs, ${counted} failed\n`);
  return firstFailure === null || expected !== undefined ? EXIT.ok : EXIT.failed;
}

const PROPERTY_NAMES = BUILT_IN_PROPERTIES.map((p) => p.name);

function parseProperty(text: string): string {
  if (propertyByName(text) === undefined) throw new FlagError('--property', `must be one of ${PROPERTY_NAMES.join(', ')}`, text);
  return text;
}

interface ExploreFlags {
  readonly list?: true;
  readonly property?: string;
  readonly members: number;
  readonly duration: number;
  readonly runs: number;
  readonly seed: number;
  readonly jobs: number;
}

/** `grsim explore`: random fault schedules against a property; the shrunk counterexample as a scenario. */
export function exploreCommand(io: ExploreIo, outcome: CliOutcome): Command {
  const cores = availableParallelism();
  return new Command('explore')
    .summary('run random fault schedules against a property and print the shrunk counterexample')
    .description('Run random fault schedules, check a property after each run, and print the first counterexample, ' +
      'shrunk, as a scenario file that grsim run replays (exit 1). See docs/partition-experiments.md.')
    .option('--list', 'print the built-in property names, marking those expected to fail, and exit')
    .addOption(new Option('--property <name>', 'the property to check (required; --list prints the names)').argParser(parseProperty))
    .addOption(new Option('--members <n>', 'group size').argParser(integerFlag('--members', 1, 9)).default(5))
    .addOption(new Option('--duration <duration>', 'simulated time per run (1s..24h)').argParser(durationFlag('--duration', 1_000_000, 86_400_000_000)).default(600_000_000, '10m'))
    .addOption(new Option('--runs <n>', 'number of runs').argParser(integerFlag('--runs', 1, 10_000_000)).default(100))
    .addOption(new Option('--seed <n>', 'seed of the exploration (0..4294967295)').argParser(integerFlag('--seed', 0, 0xffffffff)).default(1))
    .addOption(new Option('--jobs <n>', 'worker threads; the output is the same for any value').argParser(integerFlag('--jobs', 1, 256)).default(cores, `the number of cores, ${cores} here`))
    .addHelpText('after', '\nExamples:\n  grsim explore --list\n' +
      '  grsim explore --property isolation-under-20s-not-expelled --members 3 --duration 2m --runs 200 --seed 3\n')
    .action(async (flags: ExploreFlags) => {
      if (flags.list === true) {
        io.stdout(BUILT_IN_PROPERTIES.map((p) => `${p.name}${p.expectedToFail === undefined ? '' : '  (expected to fail: a worked example of a boundary)'}\n`).join(''));
        outcome.exitCode = EXIT.ok;
        return;
      }
      if (flags.property === undefined) throw new UsageError('--property <name> is required (grsim explore --list prints the names)');
      outcome.seed = flags.seed;
      outcome.exitCode = await explore({
        property: flags.property, members: flags.members, durationUs: flags.duration, runs: flags.runs, seed: flags.seed, jobs: flags.jobs,
      }, io);
    });
}
