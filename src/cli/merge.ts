import { Command } from 'commander';
import type { ChunkResult, Counterexample } from '../arbitraries/experiments.js';
import { describeFault } from '../arbitraries/index.js';
import { propertyByName } from '../arbitraries/experiments.js';
import { formatDuration } from '../scenario/scenario-time.js';
import { EXIT, type CliOutcome } from './cli-io.js';
import { EXPLORE_COMMAND, exploreOutcome, printExploreSummary, readExploreResultFile, type ExploreConfig, type ExploreIo, type ExploreResultFile } from './explore.js';
import { FlagError, UsageError } from './flags.js';
import { canonicalJson, checkOutputPath, checkSameWork, idList, mergeResults, RESULT_FORMAT } from './shard.js';
import { printSweep, type CacheSizeIo } from './cache-size.js';
import { mergeSweep, SWEEP_COMMAND } from './sweep-shard.js';

/** What merge needs from the process (bound in main.ts, faked in tests). */
export interface MergeIo extends ExploreIo, CacheSizeIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly readFile: (path: string) => string;
}

/**
 * A failure's signature: the invariant and the violation's message with its numbers (times,
 * member numbers, counts) blanked, so the same mistake found in two chunks counts once.
 */
export function failureSignature(c: Counterexample): string {
  return `${c.violation.invariant}: ${c.violation.message.replace(/\d+(\.\d+)?/g, '#')}`;
}

/** Smaller first: fewer faults, then a shorter scenario, then the lower chunk (a total order, so the choice is order-independent). */
function smaller(a: { k: number; c: Counterexample }, b: { k: number; c: Counterexample }): boolean {
  const fa = a.c.schedule.faults.length, fb = b.c.schedule.faults.length;
  if (fa !== fb) return fa < fb;
  if (a.c.scenarioYaml.length !== b.c.scenarioYaml.length) return a.c.scenarioYaml.length < b.c.scenarioYaml.length;
  return a.k < b.k;
}

export interface FailureGroup {
  readonly signature: string;
  /** Chunk ids that failed with this signature, increasing. */
  readonly chunks: readonly number[];
  /** The smallest counterexample of the group and its chunk. */
  readonly smallest: { readonly k: number; readonly c: Counterexample };
}

/** Every failing chunk present, grouped by signature (groups in order of their lowest chunk). */
export function failureGroups(results: ReadonlyMap<number, ChunkResult>): FailureGroup[] {
  const groups = new Map<string, { chunks: number[]; smallest: { k: number; c: Counterexample } }>();
  for (const k of [...results.keys()].sort((a, b) => a - b)) {
    const c = results.get(k)?.counterexample;
    if (c === null || c === undefined) continue;
    const sig = failureSignature(c);
    const g = groups.get(sig);
    if (g === undefined) groups.set(sig, { chunks: [k], smallest: { k, c } });
    else {
      g.chunks.push(k);
      if (smaller({ k, c }, g.smallest)) g.smallest = { k, c };
    }
  }
  return [...groups].map(([signature, g]) => ({ signature, ...g }));
}

/** The one command that reproduces chunk k's counterexample: the exploration's shard that holds only chunk k. */
export function replayCommand(config: ExploreConfig, k: number, chunks: number): string {
  return `grsim explore --property ${config.property} --members ${config.members} --duration ${formatDuration(config.durationUs)} ` +
    `--runs ${config.runs} --seed ${config.seed} --shard ${k}/${chunks} --jobs 1`;
}

function checkExploreConfig(file: string, c: unknown): ExploreConfig {
  const x = c as Partial<ExploreConfig> | null;
  if (x === null || typeof x !== 'object' || typeof x.property !== 'string' || propertyByName(x.property) === undefined ||
    !Number.isSafeInteger(x.members) || !Number.isSafeInteger(x.durationUs) || !Number.isSafeInteger(x.runs) || !Number.isSafeInteger(x.seed) ||
    !Number.isSafeInteger(x.runsPerChunk) || (x.runsPerChunk as number) < 1) {
    throw new UsageError(`${file}: config must name a built-in property and give members, durationUs, runs, seed and runsPerChunk as integers, got ${JSON.stringify(c)}`);
  }
  return x as ExploreConfig;
}

/** Merges explore result files: prints what the unsharded exploration prints; distinct failures on stderr. */
export function mergeExplore(files: readonly string[], io: MergeIo, save: string | undefined): number {
  const read = files.map((file) => ({ file, f: readExploreResultFile(io.readFile, file) as ExploreResultFile }));
  const first = read[0] as { file: string; f: ExploreResultFile };
  for (const { file, f } of read) checkSameWork(file, f, first.f, first.file);
  const config = checkExploreConfig(first.file, first.f.config);
  if (first.f.totalIds !== Math.ceil(config.runs / config.runsPerChunk)) {
    throw new UsageError(`${first.file}: totalIds must be the number of chunks of config (${Math.ceil(config.runs / config.runsPerChunk)}), got ${first.f.totalIds}`);
  }
  const byId = mergeResults(read, (a, b) => canonicalJson(a) === canonicalJson(b));
  const total = first.f.totalIds;
  const results = Array.from({ length: total }, (_, k) => byId.get(k));
  const outcome = exploreOutcome(results);
  if (!outcome.complete) {
    const upTo = Math.min(total, ...[...byId].filter(([, r]) => r.counterexample !== null).map(([k]) => k));
    const missing = Array.from({ length: upTo }, (_, k) => k).filter((k) => !byId.has(k));
    throw new UsageError(`the files lack chunks ${idList(missing)} of ${total} (every chunk before the first failing one is needed; ` +
      'merge the result files of every shard, or rerun the missing shards with --resume)');
  }
  io.stderr(`grsim merge: ${files.length} file${files.length === 1 ? '' : 's'}, explore ${config.property}, seed ${config.seed}, ${byId.size} of ${total} chunks\n`);
  const groups = failureGroups(byId);
  if (groups.length > 0) {
    const failing = groups.reduce((n, g) => n + g.chunks.length, 0);
    io.stderr(`grsim merge: ${groups.length} distinct failure${groups.length === 1 ? '' : 's'} in ${failing} failing chunk${failing === 1 ? '' : 's'} ` +
      '(by signature; the smallest counterexample of each and the command that replays it):\n' +
      groups.map((g) => {
        const faults = g.smallest.c.schedule.faults;
        return `  ${g.signature}\n    chunks ${idList(g.chunks)}; smallest in chunk ${g.smallest.k}, ${faults.length} fault${faults.length === 1 ? '' : 's'}` +
          `${faults.length === 0 ? '' : `: ${faults.map(describeFault).join('; ')}`}\n    ${replayCommand(config, g.smallest.k, total)}\n`;
      }).join(''));
  }
  return printExploreSummary({ property: config.property, seed: config.seed, ...(save === undefined ? {} : { save }) }, outcome, io);
}

/** The `command` field of a result file, read leniently (the command's own reader checks the rest). */
function commandOf(read: (path: string) => string, file: string): unknown {
  try {
    const o = JSON.parse(read(file)) as Record<string, unknown> | null;
    return o !== null && typeof o === 'object' && o['format'] === RESULT_FORMAT ? o['command'] : undefined;
  } catch {
    return undefined;
  }
}

export interface MergeFlags {
  readonly save?: string;
  readonly json?: true;
  readonly plot?: string;
}

/** Runs `grsim merge`; returns the exit code. */
export function merge(files: readonly string[], io: MergeIo, flags: MergeFlags): number {
  // Read through a cache: each file is read once, whichever reader asks.
  const texts = new Map<string, string>();
  const read = (path: string): string => {
    let t = texts.get(path);
    if (t === undefined) texts.set(path, t = io.readFile(path));
    return t;
  };
  const cached: MergeIo = { ...io, readFile: read };
  let command: unknown;
  try {
    command = commandOf(read, files[0] as string);
  } catch {
    command = undefined;
  }
  if (command === SWEEP_COMMAND) {
    if (flags.save !== undefined) throw new UsageError('--save goes with explore result files');
    if (flags.plot !== undefined && !/\.svg$/i.test(flags.plot)) throw new FlagError('--plot', 'must name an .svg file', flags.plot);
    if (flags.plot !== undefined && io.writeFile === undefined) checkOutputPath('--plot', flags.plot, [flags.plot]);
    const { config, sweep, wallMs } = mergeSweep(read, files);
    io.stderr(`grsim merge: ${files.length} file${files.length === 1 ? '' : 's'}, cache-size --sweep, seed ${config.seed}, ${sweep.sizes.length * sweep.outagesUs.length} cells\n`);
    printSweep(sweep, config, wallMs, cached, flags.json === true, flags.plot ?? null, 'grsim merge', ' (the cells\' run time summed over the shards)');
    return EXIT.ok;
  }
  if (flags.json !== undefined || flags.plot !== undefined) throw new UsageError('--json and --plot go with cache-size --sweep result files');
  if (flags.save !== undefined && io.writeFile === undefined) checkOutputPath('--save', flags.save, [`${flags.save}.yaml`, `${flags.save}.html`]);
  return mergeExplore(files, cached, flags.save);
}

/** `grsim merge`: combines the result files of sharded runs into the output of the unsharded run. */
export function mergeCommand(io: MergeIo, outcome: CliOutcome): Command {
  return new Command('merge')
    .summary('combine the result files of sharded explore or cache-size --sweep runs')
    .description('Combine the --out result files of `grsim explore --shard i/n` or `grsim cache-size --sweep --shard i/n` (in any order) ' +
      'and print what the unsharded run prints, with its exit code. See docs/sharding.md.')
    .argument('<files...>', 'result files written with --out')
    .option('--save <prefix>', 'explore: write the counterexample to <prefix>.yaml and its HTML timeline to <prefix>.html')
    .option('--json', 'cache-size --sweep: print the sweep as JSON')
    .option('--plot <file.svg>', 'cache-size --sweep: also write the sweep as an SVG chart')
    .addHelpText('after', '\nExamples:\n  grsim merge shard-*.json\n  grsim merge a.json b.json c.json --save counterexample\n  grsim merge sweep-*.json --plot sweep.svg\n')
    .action((files: string[], flags: MergeFlags) => {
      outcome.exitCode = merge(files, io, flags);
    });
}

