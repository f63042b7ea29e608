import { Command, Option } from 'commander';
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { BUILT_IN_PROPERTIES, exploreChunk, propertyByName, resolveProperty, type ChunkResult, type Counterexample } from '../arbitraries/experiments.js';
import { describeFault } from '../arbitraries/index.js';
import { buildReport } from '../report/json-report.js';
import { renderTimelineHtml } from '../report/timeline-html.js';
import { parseScenario } from '../scenario/parse-scenario.js';
import { runScenario } from '../scenario/run-scenario.js';
import { ChunkBoard } from './chunk-board.js';
import { EXIT, type CliOutcome } from './cli-io.js';
import { ChunkAssembly, chunkCount, chunkOfItem, exploreChunkAt, exploreItemAt, RUNS_PER_CHUNK, workItems } from './explore-chunks.js';
import type { ExploreWorkerData, ExploreWorkerMessage } from './explore-worker.js';
import { FRESH_EXPLORE_WORKERS, MAX_EXPLORE_JOBS, type ExploreWorkerSource } from './explore-workers.js';
import { durationFlag, FlagError, integerFlag, UsageError } from './flags.js';
import { startProgressBar, type ProgressIo } from './progress-bar.js';
import {
  checkSameWork, configHash, readerOf, parseShard, readResultFile, RESULT_FORMAT, RESULT_FORMAT_VERSION, resultFileText, ResultShapeError, shardIds, WHOLE,
  checkOutputPath, writeFileAtomic, writeOrFail, type ResultFile, type Shard,
} from './shard.js';

/** What explore needs from the process (bound in main.ts, faked in tests). */
export interface ExploreIo extends ProgressIo {
  readonly stdout: (text: string) => void;
  /** The package version (shown in a saved timeline). */
  readonly version: string;
  /** Writes a UTF-8 file (--save, --out). @defaultValue node:fs writeFileSync (--out: through a temporary file and a rename) */
  readonly writeFile?: (path: string, text: string) => void;
  /** Reads a UTF-8 file (--resume); throws with a Node error code (ENOENT) when it cannot. @defaultValue node:fs readFileSync */
  readonly readFile?: (path: string) => string;
  /** Where the worker threads come from. @defaultValue FRESH_EXPLORE_WORKERS (started when explore asks) */
  readonly exploreWorkers?: ExploreWorkerSource;
  /**
   * Throws a UsageError naming `flag` and the `value` typed when one of `files` (those of a --save
   * prefix, or the --out file) could not be written, so that explore refuses it before running anything.
   * @defaultValue checkOutputPath when writeFile is node:fs's, else no check
   */
  readonly checkOutputPath?: (flag: string, value: string, files: readonly string[]) => void;
}


export interface ExploreOptions {
  readonly property: string;
  readonly members: number;
  readonly durationUs: number;
  readonly runs: number;
  readonly seed: number;
  readonly jobs: number;
  /** Write the counterexample to `<save>.yaml` and its HTML timeline to `<save>.html`. */
  readonly save?: string;
  /** Run only this shard's chunks (chunk k when k mod count = index). */
  readonly shard?: Shard;
  /** Write the result file here (docs/sharding.md), after each chunk. */
  readonly out?: string;
  /** Skip the chunks already in `out`. */
  readonly resume?: boolean;
}

/**
 * What an exploration reports, from the results of its chunks by chunk id (undefined: not run),
 * over the chunk ids `ids` in order (all of them by default; a shard's own with --shard).
 * Only chunks up to the first failing one count: with one job those are exactly the chunks that
 * run; with more, later chunks may already be in flight when a failure settles, and counting
 * them would make the totals depend on --jobs and on thread timing. `complete` is false when a
 * chunk before the first failure (or, without one, any chunk) has no result.
 */
export function exploreOutcome(results: readonly (ChunkResult | undefined)[], ids: readonly number[] = results.map((_, k) => k)): ExploreOutcome {
  let runs = 0;
  for (const k of ids) {
    const r = results[k];
    if (r === undefined) return { runs, failed: 0, firstFailure: null, complete: false };
    runs += r.runs;
    if (r.counterexample !== null) return { runs, failed: 1, firstFailure: { k, result: r }, complete: true };
  }
  return { runs, failed: 0, firstFailure: null, complete: true };
}

export interface ExploreOutcome {
  /** Runs counted: those of the chunks up to and including the first failing one. */
  readonly runs: number;
  readonly failed: number;
  readonly firstFailure: { readonly k: number; readonly result: ChunkResult } | null;
  readonly complete: boolean;
}

/**
 * Writes a counterexample as `<prefix>.yaml` and its HTML timeline as `<prefix>.html` (the run the
 * scenario file replays, so the page and `grsim run <prefix>.yaml` show the same story).
 */
function saveCounterexample(io: ExploreIo, prefix: string, scenarioYaml: string): void {
  const write = io.writeFile ?? ((path: string, text: string): void => writeFileSync(path, text, 'utf8'));
  const yamlFile = `${prefix}.yaml`, htmlFile = `${prefix}.html`;
  const run = runScenario(parseScenario(scenarioYaml, yamlFile));
  const html = renderTimelineHtml(buildReport(run, io.version), { replayCommand: `grsim run ${yamlFile}` });
  for (const [file, text] of [[yamlFile, scenarioYaml], [htmlFile, html]] as const) writeOrFail(write, file, text);
  io.stdout(`Counterexample written to ${yamlFile}, its timeline to ${htmlFile}\n`);
}

/**
 * Prints what an exploration found on stdout (explore and merge print it alike, so a merged run
 * reads byte for byte like an unsharded one) and returns the exit code: 1 for an unexpected
 * counterexample. A property that is false by design reports its counterexample as the expected
 * one (exit 0): exit 1 always means an unexpected failure.
 */
export function printExploreSummary(o: Pick<ExploreOptions, 'property' | 'seed' | 'save'>, outcome: ExploreOutcome, io: ExploreIo): number {
  const { runs, failed, firstFailure } = outcome;
  const expected = propertyByName(o.property)?.expectedToFail;
  if (firstFailure !== null) {
    const c = firstFailure.result.counterexample!;
    const faults = c.schedule.faults;
    const verdict = expected === undefined ? 'failed' : 'found the expected counterexample';
    // A combined run (--property a,b) names the part that failed; the others held until that run.
    const which = o.property.includes(',') ? `${c.violation.invariant} (one of ${o.property})` : o.property;
    io.stdout(`Property ${which} ${verdict} (seed ${o.seed}, chunk ${firstFailure.k}, simulation seed ${c.seed}):\n  ${c.violation.message}\n` +
      `  at ${(c.violation.t / 1e6).toFixed(6)} s (members: ${c.violation.members.join(', ')})\n` +
      (expected === undefined ? '' : `This property is expected to fail: ${expected}.\n`) +
      `Shrunk counterexample (${faults.length} fault${faults.length === 1 ? '' : 's'}${faults.length === 0 ? '' : `: ${faults.map(describeFault).join('; ')}`}); replay with grsim run:\n\n${c.scenarioYaml}\n`);
    if (o.save !== undefined) saveCounterexample(io, o.save, c.scenarioYaml);
  }
  if (firstFailure === null && expected !== undefined) {
    io.stdout(`Property ${o.property} is expected to fail (${expected}), but no counterexample was found in ${runs} runs.\n`);
  }
  io.stdout(`${runs} runs, ${failed} failed\n`);
  return firstFailure === null || expected !== undefined ? EXIT.ok : EXIT.failed;
}

/** What the results of an exploration depend on: the key of its result files (not --jobs, not the shard). */
export function exploreConfig(o: ExploreOptions): ExploreConfig {
  return { property: o.property, members: o.members, durationUs: o.durationUs, runs: o.runs, seed: o.seed, runsPerChunk: RUNS_PER_CHUNK };
}

export interface ExploreConfig {
  readonly property: string;
  readonly members: number;
  readonly durationUs: number;
  readonly runs: number;
  readonly seed: number;
  readonly runsPerChunk: number;
}

/** The result file of (a shard of) an exploration: one result per chunk id. */
export type ExploreResultFile = ResultFile<ExploreConfig, ChunkResult>;

export const EXPLORE_COMMAND = 'explore';

/** The result file `--out` writes: the shard's chunks up to and including its first failing one, in id order. */
export function exploreResultFile(o: ExploreOptions, shard: Shard, results: readonly (ChunkResult | undefined)[], version: string): ExploreResultFile {
  const config = exploreConfig(o);
  const ids: number[] = [];
  for (const k of shardIds(chunkCount(o), shard)) {
    const r = results[k];
    if (r === undefined) continue;
    ids.push(k);
    if (r.counterexample !== null) break;
  }
  return {
    format: RESULT_FORMAT, formatVersion: RESULT_FORMAT_VERSION, grsimVersion: version, command: EXPLORE_COMMAND,
    config, configHash: configHash(config), baseSeed: o.seed, totalIds: chunkCount(o), shard, common: null,
    results: ids.map((id) => ({ id, ...(results[id] as ChunkResult) })),
  };
}

/** Checks one chunk result read from a file (its shape; the values are the run's own). */
export function chunkResultOf(r: Record<string, unknown>, field: string): ChunkResult {
  const runs = r['runs'], failed = r['failed'], c = r['counterexample'];
  if (!Number.isSafeInteger(runs) || (runs as number) < 1 || (runs as number) > RUNS_PER_CHUNK) throw new ResultShapeError(`${field}.runs`, `must be an integer in 1..${RUNS_PER_CHUNK}`, runs);
  if (failed !== (c === null ? 0 : 1)) throw new ResultShapeError(`${field}.failed`, 'must be 1 with a counterexample and 0 without', failed);
  if (c !== null) {
    const x = c as Record<string, unknown> | undefined;
    const v = x?.['violation'] as Record<string, unknown> | undefined;
    const faults = (x?.['schedule'] as Record<string, unknown> | undefined)?.['faults'];
    const ok = typeof x === 'object' && Number.isSafeInteger(x['seed']) && typeof x['scenarioYaml'] === 'string' && Array.isArray(faults) &&
      typeof v === 'object' && v !== null && typeof v['message'] === 'string' && typeof v['t'] === 'number' && Array.isArray(v['members']);
    if (!ok) throw new ResultShapeError(`${field}.counterexample`, 'must be null or {schedule: {faults}, seed, violation: {message, t, members}, scenarioYaml}', c);
  }
  return { runs: runs as number, failed: failed as number, counterexample: c as Counterexample | null };
}

/** Reads an explore result file (null: it does not exist and `missingOk`). */
export function readExploreResultFile(read: (path: string) => string, file: string, missingOk = false): ExploreResultFile | null {
  return readResultFile(read, file, EXPLORE_COMMAND, chunkResultOf, missingOk) as ExploreResultFile | null;
}

/**
 * Explores random fault schedules for one property, in chunks of RUNS_PER_CHUNK runs, on `jobs`
 * threads: the main thread and jobs − 1 worker threads. Returns the exit code: 0 no failure, 1 a
 * counterexample was printed. stdout (the counterexample of the lowest-numbered failing chunk and
 * the run count up to it) is the same for any --jobs; timing and throughput go to stderr. With a
 * shard only the shard's chunks run (it stops at its own first failure), `out` receives its result
 * file after each chunk, and the exit code is 0 once the slice ran: the verdict is grsim merge's.
 */
export async function explore(o: ExploreOptions, io: ExploreIo): Promise<number> {
  const total = chunkCount(o);
  const shard = o.shard ?? WHOLE;
  const ids = shardIds(total, shard);
  const results: (ChunkResult | undefined)[] = new Array<ChunkResult | undefined>(total).fill(undefined);
  const write = io.writeFile ?? writeFileAtomic;
  const checkPath = io.checkOutputPath ?? (io.writeFile === undefined ? checkOutputPath : undefined);
  if (o.save !== undefined) checkPath?.('--save', o.save, [`${o.save}.yaml`, `${o.save}.html`]);
  if (o.out !== undefined) checkPath?.('--out', o.out, [o.out]);
  const save = (): void => { if (o.out !== undefined) writeOrFail(write, o.out, resultFileText(exploreResultFile(o, shard, results, io.version))); };
  let lowestFailing = Number.POSITIVE_INFINITY;
  if (o.resume === true) {
    if (o.out === undefined) throw new UsageError('--resume needs --out FILE (the result file to resume)');
    const prior = readExploreResultFile(readerOf(io), o.out, true);
    if (prior !== null) {
      const mine = exploreResultFile(o, shard, results, io.version);
      checkSameWork(o.out, prior, mine, 'this command');
      if (prior.shard.index !== shard.index || prior.shard.count !== shard.count) {
        throw new UsageError(`${o.out}: shard must be ${shard.index}/${shard.count} as --shard says, got ${prior.shard.index}/${prior.shard.count}`);
      }
      for (const r of prior.results) {
        results[r.id] = { runs: r.runs, failed: r.failed, counterexample: r.counterexample };
        if (r.counterexample !== null) lowestFailing = Math.min(lowestFailing, r.id);
      }
      io.stderr(`grsim explore: resuming ${o.out}: ${prior.results.length} of the shard's ${ids.length} chunks already ran\n`);
    }
  }
  const todo = ids.filter((k) => results[k] === undefined && k < lowestFailing);
  const startMs = io.nowMs();
  const todoRuns = todo.reduce((n, k) => n + exploreChunkAt(o, k).runs, 0);
  const bar = startProgressBar(io, todoRuns);
  let ran = 0, failed = 0;
  const settle = (k: number, r: ChunkResult): void => {
    results[k] = r;
    ran += r.runs;
    failed += r.failed;
    bar.update(ran, `${failed} failed`);
    save();
  };
  const slice = o.shard === undefined ? '' : `, shard ${shard.index}/${shard.count} (${ids.length} of ${total} chunks)`;
  io.stderr(`grsim explore: ${o.property}, ${o.members} members, ${o.durationUs / 1e6} s per run, ${o.runs} runs, seed ${o.seed}${slice}, ${o.jobs} job${o.jobs === 1 ? '' : 's'}\n`);
  await runChunks(o, todo, io.exploreWorkers ?? FRESH_EXPLORE_WORKERS, settle);
  bar.finish();
  save();
  const outcome = exploreOutcome(results, ids);
  const newlyCounted = todo.filter((k) => k <= (outcome.firstFailure?.k ?? Number.POSITIVE_INFINITY)).reduce((n, k) => n + (results[k]?.runs ?? 0), 0);
  const seconds = Math.max(1e-6, (io.nowMs() - startMs) / 1000);
  io.stderr(`grsim explore: ${ran} runs in ${seconds.toFixed(1)} s, ${Math.round(ran / (seconds / 60))} runs/min` +
    `${ran > newlyCounted ? ` (${ran - newlyCounted} of them ran past the first failing chunk and are not counted)` : ''}\n`);
  const code = printExploreSummary(o, outcome, io);
  if (o.out !== undefined) io.stderr(`grsim explore: result written to ${o.out}\n`);
  return o.shard === undefined ? code : EXIT.ok;
}

/**
 * Runs the chunks `todo` (increasing ids) on the main thread and min(jobs, chunks) − 1 worker
 * threads, calling `settle` on the main thread with each result, until a failure stops the
 * claiming (the chunks before it still run). Every thread claims its own chunks from a shared
 * board, so a worker runs chunk after chunk while the main thread runs one of its own: handing
 * out work by message (one chunk per message, as before) left the worker idle from the end of
 * each chunk until the main thread finished its current one and read the message. (The other
 * reason two jobs are far from 2× on two cores: one job's V8 compiler threads already use part of
 * the second core; V8 flags given at start-up halve that, docs/speed.md.)
 * The main thread explores too: a worker costs a module load and a JIT warm-up of its own (about
 * 0.2 s of CPU for the load, and a first chunk up to 3× slower than a warm one), which a short
 * exploration does not win back, and the main thread would otherwise idle. With several threads
 * the last `threads` chunks are run in pieces of RUNS_PER_PIECE runs (explore-chunks.ts,
 * `workItems`), put back together into the same chunk results before `settle`: the threads end
 * within a piece of each other instead of one idling while another runs the last chunk.
 */
async function runChunks(o: ExploreOptions, todo: readonly number[], source: ExploreWorkerSource, settle: (k: number, r: ChunkResult) => void): Promise<void> {
  const threads = Math.min(o.jobs, todo.length);
  const board = ChunkBoard.of(workItems(o, todo, threads));
  const plan = { property: o.property, members: o.members, durationUs: o.durationUs, runs: o.runs, seed: o.seed };
  const workerData: ExploreWorkerData = { plan, board: board.buffer };
  const workers = source.take(Math.max(0, threads - 1));
  for (const w of workers) w.postMessage(workerData);
  const assembly = new ChunkAssembly(o);
  const settleItem = (item: number, r: ChunkResult): void => {
    const chunk = assembly.add(item, r);
    if (chunk !== undefined) settle(chunkOfItem(item), chunk);
  };
  // Each worker's results, then its `done`; an error on any thread stops every thread's claiming.
  const finished = Promise.all(workers.map((w) => new Promise<void>((resolve, reject) => {
    let done = false;
    const fail = (e: unknown): void => { if (!done) { board.abort(); reject(e); } };
    w.on('message', (m: ExploreWorkerMessage) => {
      if ('done' in m) {
        done = true;
        return resolve();
      }
      try {
        settleItem(m.item, m.result);
      } catch (e) {
        fail(e);
      }
    });
    w.on('error', fail);
    w.on('exit', (code) => fail(new Error(`grsim explore: a worker thread exited (code ${code}) before its last chunk`)));
  })));
  finished.catch(() => undefined); // awaited below; until then a rejection only stops the claiming
  try {
    for (let item = board.claim(); item !== undefined; item = board.claim()) {
      const r = exploreChunk(exploreItemAt(plan, item));
      if (r.counterexample !== null) board.markFailed(item);
      settleItem(item, r);
      // Let the workers' results in (progress, --out): their messages wait for the event loop.
      if (workers.length > 0) await new Promise<void>((resolve) => { setImmediate(resolve); });
    }
    await finished;
  } catch (e) {
    board.abort();
    throw e;
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}


function parseProperty(text: string): string {
  const r = resolveProperty(text);
  if ('error' in r) throw new FlagError('--property', r.error, text);
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
  readonly save?: string;
  readonly shard?: Shard;
  readonly out?: string;
  readonly resume?: true;
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
    .addOption(new Option('--jobs <n>', 'worker threads; the output is the same for any value').argParser(integerFlag('--jobs', 1, MAX_EXPLORE_JOBS)).default(cores, `the number of cores, ${cores} here`))
    .option('--save <prefix>', 'write a counterexample to <prefix>.yaml and its HTML timeline to <prefix>.html')
    .addOption(new Option('--shard <i/n>', 'run only chunks k with k mod n = i (0-based; grsim merge combines the --out files; exit 0 once the slice ran)').argParser(parseShard))
    .option('--out <file>', 'write the result file (JSON, docs/sharding.md), updated after each chunk')
    .option('--resume', 'skip the chunks already in the --out file')
    .addHelpText('after', '\nExamples:\n  grsim explore --list\n' +
      '  grsim explore --property isolation-under-20s-not-expelled --members 3 --duration 2m --runs 200 --seed 3\n' +
      '  grsim explore --property one-primary-per-view --runs 10000 --shard 0/4 --out shard-0.json --resume\n')
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
        ...(flags.save === undefined ? {} : { save: flags.save }),
        ...(flags.shard === undefined ? {} : { shard: flags.shard }),
        ...(flags.out === undefined ? {} : { out: flags.out }),
        ...(flags.resume === undefined ? {} : { resume: true }),
      }, io);
    });
}
