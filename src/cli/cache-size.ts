import { Command, Option } from 'commander';
import { writeFileSync } from 'node:fs';
import { parseDuration } from '../duration.js';
import { ConfigError } from '../errors.js';
import { TRANSACTION_SIZE_LIMIT_DEFAULT, TRANSACTION_SIZE_LIMIT_MAX, validateOption, versionProfile } from '../gr/options.js';
import { VERSION_NAMES } from '../gr/version-profiles.js';
import { parseBytes, parseRate } from '../gr/workload.js';
import type { VersionName } from '../types.js';
import { OUTAGE_OUTCOMES } from '../sizing/outage-run.js';
import { sizeCache, type CacheSizing } from '../sizing/size-cache.js';
import type { SizeCacheInput } from '../sizing/sizing-input.js';
import { assembleSweep, planSweep, sweepAnswerOf, sweepCellCount, type CacheSweep } from '../sizing/sweep-cache.js';
import { formatCacheSize, renderSweepSvg } from '../sizing/sweep-svg.js';
import { EXIT, type CliOutcome } from './cli-io.js';
import { flagParser, FlagError, integerFlag, listFlag, secondsFlag, UsageError } from './flags.js';
import { startProgressBar, type ProgressBar, type ProgressIo } from './progress-bar.js';
import { checkOutputPath, checkSameWork, configHash, parseShard, readerOf, resultFileText, shardIds, WHOLE, writeFileAtomic, writeOrFail, type Shard } from './shard.js';
import { readSweepResultFile, sweepConfig, sweepResultFile, type SweepCellRecord, type SweepResultFile } from './sweep-shard.js';

/** What cache-size needs from the process (bound in main.ts, faked in tests). */
export interface CacheSizeIo extends ProgressIo {
  readonly stdout: (text: string) => void;
  /** The package version (the key of a result file). */
  readonly version: string;
  /** Writes a UTF-8 file (--plot, --out). @defaultValue node:fs writeFileSync (--out: through a temporary file and a rename) */
  readonly writeFile?: (path: string, text: string) => void;
  /** Reads a UTF-8 file (--resume); throws with a Node error code (ENOENT) when it cannot. @defaultValue node:fs readFileSync */
  readonly readFile?: (path: string) => string;
}

export interface CacheSizeOptions {
  readonly members: number;
  readonly rate: number;
  readonly rateText: string;
  readonly sizeBytes: number;
  readonly sizeText: string;
  readonly expelTimeoutS: number | null;
  /** --mysql-version: the version profile simulated (the scenario format's `version:`). */
  readonly mysqlVersion: VersionName;
  /** --transaction-size-limit: group_replication_transaction_size_limit, bytes (0: no limit); null: the option's default. */
  readonly transactionSizeLimit: number | null;
  readonly outageUs: number | null;
  /** --outage as given (error messages quote it). */
  readonly outageText: string | null;
  readonly seed: number;
  readonly runs: number;
  readonly precisionBytes: number;
  readonly json: boolean;
  readonly sweep: boolean;
  readonly sizes: readonly number[] | null;
  readonly outagesUs: readonly number[] | null;
  readonly plot: string | null;
  /** --sweep: run only the cells of this shard (docs/sharding.md). */
  readonly shard?: Shard;
  /** --sweep: write the result file here, after each cell. */
  readonly out: string | null;
  /** --sweep: skip the cells already in `out`. */
  readonly resume: boolean;
  /** Each flag's text as typed, by flag (`--sizes` → "128MiB,big"): errors from the sizing library quote it. */
  readonly typed: Readonly<Record<string, string>>;
}

function inputOf(o: CacheSizeOptions): SizeCacheInput {
  const members = Array.from({ length: o.members }, (_, k) => `node${k + 1}`);
  return {
    members,
    workload: [{ member: 'node1', rate: o.rate, size: o.sizeBytes }],
    options: {
      ...(o.expelTimeoutS === null ? {} : { group_replication_member_expel_timeout: o.expelTimeoutS }),
      ...(o.transactionSizeLimit === null ? {} : { group_replication_transaction_size_limit: o.transactionSizeLimit }),
    },
    version: o.mysqlVersion,
    seeds: Array.from({ length: o.runs }, (_, k) => o.seed + k),
    precision: o.precisionBytes,
    ...(o.outageText === null ? {} : { outage: o.outageText }),
  };
}

const MIB = 1_048_576;
/** MiB with one decimal; below 1 MiB with two significant digits, so a small load does not read 0.0. */
const mib = (bytes: number): string => {
  const v = bytes / MIB;
  return `${v === 0 || v >= 1 ? v.toFixed(1) : v.toPrecision(2)} MiB`;
};
/** The workload as the user gave it, with the unit a bare number stands for (transactions per second, bytes). */
const workloadText = (o: Pick<CacheSizeOptions, 'rateText' | 'sizeText'>): string =>
  `${o.rateText}${/^[\d.]+$/.test(o.rateText) ? '/s' : ''} × ${o.sizeText}${/^[\d.]+$/.test(o.sizeText) ? ' B' : ''}`;
const sec = (us: number): string => `${(us / 1e6).toFixed(1)} s`;

/**
 * The sizing answer as text: the answer beside the rule of thumb and the exact-cadence estimate.
 * Deterministic in its input (the wall time goes to stderr, see {@link wallTimeLine}).
 */
export function formatCacheSizing(r: CacheSizing, o: CacheSizeOptions): string {
  const lines: string[] = [];
  const row = (label: string, text: string): void => { lines.push(`${label.padEnd(24)}${text}`); };
  const T = r.expelTimeoutS;
  lines.push(`grsim cache-size: MySQL ${r.version}, ${o.members} members, node1 writes ${workloadText(o)}, ${r.silentMember} silent, expel timeout ${T} s, seeds ${r.seeds.join(', ')}`);
  lines.push('');
  row('Outage', r.outageSource === 'given'
    ? `${sec(r.outageUs)} (given)`
    : `${sec(r.outageUs)}: the longest outage without an expel, found by simulation (${sec(r.expelledOutageUs as number)} was expelled by timeout)`);
  row('Cache growth', `${mib(r.growthBytesPerSecond)}/s on a healthy group` +
    (r.outageGrowthBytesPerSecond === null ? '' : `, ${mib(r.outageGrowthBytesPerSecond)}/s while ${r.silentMember} is silent (its channel is filled with no-ops)`));
  if (r.atMinimum) {
    row('Answer', `${formatCacheSize(r.cacheSizeBytes)} (${r.cacheSizeBytes} bytes): the minimum group_replication_message_cache_size already suffices`);
  } else {
    const failed = (r.failingBelowOutcomes ?? []).map((x, k) => `seed ${r.seeds[k]}: ${x}`).filter((x) => !x.endsWith('caught up'));
    row('Answer', `${mib(r.cacheSizeBytes)} (${r.cacheSizeBytes} bytes), precision ${formatCacheSize(r.precisionBytes)}; ` +
      `${mib(r.failingBelowBytes as number)} failed (${failed.join('; ')})`);
  }
  row('Rule of thumb', `${mib(r.ruleOfThumbBytes)} = ${mib(r.growthBytesPerSecond)}/s × (5 s + expel timeout ${T} s)`);
  const backlog = r.outageBacklogBytesPerSecond ?? 0;
  const silentGrowth = r.outageGrowthBytesPerSecond === null ? `${mib(r.growthBytesPerSecond)}/s`
    : backlog > 0 ? `(${mib(r.outageGrowthBytesPerSecond)}/s + backlog ${mib(backlog)}/s)` : `${mib(r.outageGrowthBytesPerSecond)}/s`;
  row('Exact-cadence estimate', `${mib(r.exactCadenceBytes)} = ${silentGrowth} × ` +
    `(detection ${sec(r.detectionUs)} + suspicion cadence ${sec(r.cadenceWindowUs - r.detectionUs)}: 15 s × ⌈${T}/15⌉)`);
  const pct = (ratio: number): string => ratio >= 1 ? `${Math.round((ratio - 1) * 100)}% too large` : `${Math.round((1 - ratio) * 100)}% too small`;
  if (r.atMinimum) {
    const vsEstimate = r.ruleOfThumbBytes / r.exactCadenceBytes;
    row('Rule of thumb is off', `${pct(vsEstimate)} against the exact-cadence estimate (${vsEstimate.toFixed(2)}×); both are below the ${formatCacheSize(r.minimumBytes)} minimum, so any allowed size works for this outage`);
  } else {
    row('Rule of thumb is off', `${pct(r.ruleOfThumbRatio)} against the simulated answer (${r.ruleOfThumbRatio.toFixed(2)}×)`);
  }
  row('Work', `${r.runs} simulations, ${Math.round(r.simulatedSeconds)} simulated seconds`);
  return lines.join('\n') + '\n';
}

/** The sweep as a text table (worst outcome over the seeds; `*` where the seeds disagree); deterministic in its input. */
export function formatSweep(s: CacheSweep, o: Pick<CacheSizeOptions, 'members' | 'rateText' | 'sizeText'>): string {
  const header = ['cache size \\ outage', ...s.outagesUs.map((u) => `${+(u / 1e6).toFixed(1)} s`)];
  const rows = s.cells.map((row, i) => [formatCacheSize(s.sizes[i] as number), ...row.map((c) => c.outcome + (new Set(c.outcomes).size > 1 ? '*' : ''))]);
  const widths = header.map((h, k) => Math.max(h.length, ...rows.map((r) => (r[k] as string).length)));
  const line = (cells: readonly string[]): string => cells.map((c, k) => c.padEnd(widths[k] as number)).join('  ').trimEnd();
  const out = [
    `grsim cache-size --sweep: MySQL ${s.version}, ${o.members} members, node1 writes ${workloadText(o)}, ${s.silentMember} silent, expel timeout ${s.expelTimeoutS} s, seeds ${s.seeds.join(', ')}`,
    `cache growth ${mib(s.growthBytesPerSecond)}/s; outcomes: ${OUTAGE_OUTCOMES.join(' | ')}; worst over the seeds, * where they disagree`,
    '',
    line(header),
    ...rows.map(line),
    '',
    ...(s.answer === null ? [] : [
      `answer: ${formatCacheSize(s.answer.cacheSizeBytes)} (rule of thumb ${formatCacheSize(s.answer.ruleOfThumbBytes)}) for an outage of ` +
      `${+(s.answer.outageUs / 1e6).toFixed(1)} s (${s.answer.outageSource === 'given' ? 'given' : 'the longest without an expel'})` +
      (s.sizes.includes(s.answer.cacheSizeBytes) && s.outagesUs.includes(s.answer.outageUs) ? '; its row and column are in the grid' : ''),
    ]),
    `${s.runs} simulations, ${Math.round(s.simulatedSeconds)} simulated seconds`,
  ];
  return out.join('\n') + '\n';
}

/**
 * The sizing library names its own fields (`outage`, `sizes[2]`, `precision`…); this maps each to
 * the flag it came from, with the text typed for it, so the message reads like any other flag error.
 */
function asCacheSizeFlagError(e: ConfigError, o: CacheSizeOptions): FlagError | null {
  const item = /^(sizes|outagesUs)\[(\d+)\]$/.exec(e.field);
  if (item !== null) {
    const flag = item[1] === 'sizes' ? '--sizes' : '--outages';
    const text = (o.typed[flag] ?? '').split(',')[Number(item[2])]?.trim() ?? e.value;
    return new FlagError(flag, `each comma-separated item ${e.rule}`, text);
  }
  const flag = {
    outage: '--outage', precision: '--precision',
    'options.group_replication_member_expel_timeout': '--expel-timeout',
    'options.group_replication_transaction_size_limit': '--transaction-size-limit',
    'sizes × outagesUs': '--sizes × --outages',
  }[e.field];
  if (flag === undefined) return null;
  return new FlagError(flag, e.rule, o.typed[flag] ?? e.value);
}

/** The stderr line with the wall time (`grsim cache-size: 44 simulations in 1.7 s`): stdout stays the same run after run. */
export function wallTimeLine(command: string, runs: number, wallMs: number, wallNote = ''): string {
  return `${command}: ${runs} simulations in ${(wallMs / 1000).toFixed(1)} s${wallNote}\n`;
}

/**
 * Prints a sweep (table or JSON) on stdout and writes its chart; the wall time and the chart's
 * path go to stderr, after `command:`. cache-size --sweep and merge print alike.
 */
export function printSweep(s: CacheSweep, header: Pick<CacheSizeOptions, 'members' | 'rateText' | 'sizeText'>, wallMs: number, io: CacheSizeIo, json: boolean, plot: string | null,
  command: string, wallNote = ''): void {
  if (plot !== null) writeOrFail(io.writeFile ?? ((path: string, text: string): void => writeFileSync(path, text, 'utf8')), plot, renderSweepSvg(s));
  io.stdout(json ? JSON.stringify({ command: 'cache-size --sweep', ...s }, null, 2) + '\n' : formatSweep(s, header));
  for (const w of s.answer?.warnings ?? []) io.stderr(`${command}: warning: ${w}\n`);
  io.stderr(wallTimeLine(command, s.runs, wallMs, wallNote));
  if (plot !== null) io.stderr(`${command}: chart written to ${plot}\n`);
}

/**
 * The sweep: sizeCache's answer and the growth (the plan every shard computes alike), then the
 * cells of the shard by id (row-major), skipping those already in the --out file with --resume.
 * With --shard it writes the file and prints no table (grsim merge does); exit 0.
 */
function sweep(o: CacheSizeOptions, io: CacheSizeIo, input: SizeCacheInput, startMs: number): number {
  const shard = o.shard ?? WHOLE;
  // Output paths are checked before the first cell, not after the sweep (with the real file system only).
  if (io.writeFile === undefined) {
    if (o.out !== null) checkOutputPath('--out', o.out, [o.out]);
    if (o.plot !== null) checkOutputPath('--plot', o.plot, [o.plot]);
  }
  // A --resume file of other work is refused before anything is simulated: its version, flags and
  // seed are known now; its grid and growth (`common`) are compared once the plan is computed.
  let prior: SweepResultFile | null = null;
  if (o.resume) {
    if (o.out === null) throw new UsageError('--resume needs --out FILE (the result file to resume)');
    prior = readSweepResultFile(readerOf(io), o.out, true);
    if (prior !== null) {
      const config = sweepConfig(o);
      checkSameWork(o.out, prior, { ...prior, grsimVersion: io.version, config, configHash: configHash(config), baseSeed: o.seed }, 'this command');
      if (prior.shard.index !== shard.index || prior.shard.count !== shard.count) {
        throw new UsageError(`${o.out}: shard must be ${shard.index}/${shard.count} as --shard says, got ${prior.shard.index}/${prior.shard.count}`);
      }
    }
  }
  let bar: ProgressBar | null = null, done = 0;
  // The chart and the table mark the answer (the computed size, the rule of thumb and the outage
  // it was sized for), and the default grid includes its row and column. Its runs have no total
  // known in advance: a running count shows them.
  const sizing = startProgressBar(io, null, 'runs', 'sizing');
  let sizingRuns = 0;
  const sized = sizeCache(input, () => { sizing.update(++sizingRuns); });
  sizing.finish();
  const answer = sweepAnswerOf(sized);
  const { plan, runCell } = planSweep({
    ...input, answer, ...(o.sizes === null ? {} : { sizes: o.sizes }), ...(o.outagesUs === null ? {} : { outagesUs: o.outagesUs }),
  }, () => { bar?.update(++done); });
  const cells: (SweepCellRecord | undefined)[] = new Array<SweepCellRecord | undefined>(sweepCellCount(plan)).fill(undefined);
  const write = io.writeFile ?? writeFileAtomic;
  const save = (): void => { if (o.out !== null) writeOrFail(write, o.out, resultFileText(sweepResultFile(o, shard, plan, cells, io.version))); };
  if (prior !== null) {
    checkSameWork(o.out as string, prior, sweepResultFile(o, shard, plan, cells, io.version), 'this command');
    for (const { id, ...r } of prior.results) cells[id] = r;
  }
  const todo = shardIds(cells.length, shard).filter((id) => cells[id] === undefined);
  bar = startProgressBar(io, todo.length * plan.seeds.length);
  for (const id of todo) {
    const cellStartMs = io.nowMs();
    const r = runCell(id);
    cells[id] = { ...r, wallMs: Math.round(io.nowMs() - cellStartMs) };
    save();
  }
  (bar as ProgressBar).finish();
  save();
  if (o.shard !== undefined) {
    io.stderr(`grsim cache-size --sweep: shard ${shard.index}/${shard.count}: ${todo.length} cells run, ` +
      `${shardIds(cells.length, shard).length - todo.length} resumed, of ${cells.length}${o.out === null ? '' : `; result in ${o.out}`}\n`);
    return EXIT.ok;
  }
  printSweep(assembleSweep(plan, cells as SweepCellRecord[]), o, io.nowMs() - startMs, io, o.json, o.plot, 'grsim cache-size');
  return EXIT.ok;
}

/**
 * --transaction-size-limit: a plain number is bytes, as the system variable takes it (0: no
 * limit); anything else a size in the scenario format; then the option's own range check.
 */
function transactionSizeLimitFlag(text: string): number {
  const flag = '--transaction-size-limit';
  try {
    const bytes = /^\s*\d+\s*$/.test(text) ? Number(text) : parseBytes(text, flag);
    return validateOption('group_replication_transaction_size_limit', bytes, versionProfile('8.0.21'), flag);
  } catch (e) {
    if (e instanceof ConfigError) throw new FlagError(flag, `must be a number of bytes in 0..${TRANSACTION_SIZE_LIMIT_MAX} (0: no limit), or a size like "150MB"`, text);
    throw e;
  }
}

/**
 * Refuses, before anything is simulated, a --size above the group_replication_transaction_size_limit
 * in force: MySQL rolls such a transaction back at commit (observer_trans.cc
 * group_replication_trans_before_commit: transaction_size > transaction_size_limit), so nothing
 * would reach the cache and any size would "suffice".
 */
function checkSizeLimit(sizeBytes: number, sizeText: string, limit: number | null, limitText: string | null): void {
  const inForce = limit ?? TRANSACTION_SIZE_LIMIT_DEFAULT;
  if (inForce === 0 || sizeBytes <= inForce) return;
  const what = limitText === null ? `its default, ${inForce} bytes` : `${inForce} bytes (--transaction-size-limit ${limitText})`;
  throw new FlagError('--size', `must be at most group_replication_transaction_size_limit, here ${what}: MySQL rolls back a larger transaction at commit, ` +
    `so nothing reaches the cache; raise --transaction-size-limit (0: no limit) or lower --size (${sizeBytes} bytes)`, sizeText);
}

/** Runs `grsim cache-size`; returns the exit code (bad input throws UsageError). */
export function cacheSize(o: CacheSizeOptions, io: CacheSizeIo): number {
  const startMs = io.nowMs();
  const input = inputOf(o);
  try {
    if (!o.sweep) {
      const sizing = startProgressBar(io, null, 'runs', 'sizing');
      let sizingRuns = 0;
      const r = sizeCache(input, () => { sizing.update(++sizingRuns); });
      sizing.finish();
      const wallMs = io.nowMs() - startMs;
      io.stdout(o.json ? JSON.stringify({ command: 'cache-size', ...r }, null, 2) + '\n' : formatCacheSizing(r, o));
      for (const w of r.warnings) io.stderr(`grsim cache-size: warning: ${w}\n`);
      io.stderr(wallTimeLine('grsim cache-size', r.runs, wallMs));
      return EXIT.ok;
    }
    return sweep(o, io, input, startMs);
  } catch (e) {
    if (e instanceof ConfigError) throw asCacheSizeFlagError(e, o) ?? new UsageError(e.message);
    throw e;
  }
}

interface CacheSizeFlags {
  readonly rate?: number;
  readonly size?: number;
  readonly members: number;
  readonly expelTimeout?: number;
  readonly mysqlVersion: VersionName;
  readonly transactionSizeLimit?: number;
  readonly outage?: number;
  readonly seed: number;
  readonly runs: number;
  readonly precision: number;
  readonly json?: true;
  readonly sweep?: true;
  readonly sizes?: number[];
  readonly outages?: number[];
  readonly plot?: string;
  readonly shard?: Shard;
  readonly out?: string;
  readonly resume?: true;
}

const ABOUT = `node1 writes --rate transactions/s of --size bytes (multi-primary group of --members, node1..nodeN);
the last member goes silent (isolated) for --outage after the cache is in steady state, then
returns. Without --outage, the outage is the longest one that does not end in an expel under
these options (found by simulation). Every candidate size runs with --runs seeds from --seed;
it passes only if the member catches up in all of them.

Values take the scenario format's units: sizes 512B, 1KiB, 128MiB, 1.5GB; rates 2000/s, 120/m;
durations 250ms, 40s, 5m; --expel-timeout a number of seconds (as the system variable) or a duration.

Examples:
  grsim cache-size --rate 2000/s --size 1KiB
  grsim cache-size --rate 2000/s --size 1KiB --expel-timeout 60s --runs 1 --seed 2
  grsim cache-size --rate 2000/s --size 1KiB --expel-timeout 60s --sweep --sizes 128MiB,192MiB --outages 30s,58s,70s --plot sweep.svg
`;

/**
 * `grsim cache-size`: the smallest group_replication_message_cache_size with which a silent
 * member catches up, or with --sweep the outcome table over sizes × outages.
 */
export function cacheSizeCommand(io: CacheSizeIo, outcome: CliOutcome): Command {
  const typed: Record<string, string> = {};
  /** Records the text typed for a flag (sizing errors quote it), then parses it. */
  const keep = <T>(flag: string, parse: (text: string) => T) => (text: string): T => {
    typed[flag] = text;
    return parse(text);
  };
  return new Command('cache-size')
    .summary('smallest group_replication_message_cache_size with which a silent member catches up')
    .description('Find, by simulation, the smallest group_replication_message_cache_size with which a member that was silent ' +
      'comes back as the same incarnation, beside the rule of thumb; or, with --sweep, the outcome over a grid of sizes and outages.')
    .addOption(new Option('--rate <rate>', 'transactions per second node1 writes (required), e.g. 2000/s').argParser(keep('--rate', flagParser('--rate', parseRate))))
    .addOption(new Option('--size <size>', 'bytes per transaction (required), e.g. 1KiB').argParser(keep('--size', flagParser('--size', parseBytes))))
    .addOption(new Option('--members <n>', 'group size').argParser(keep('--members', integerFlag('--members', 3, 9))).default(3))
    .addOption(new Option('--expel-timeout <seconds>', 'group_replication_member_expel_timeout: seconds, or a duration like 60s (default: the version\'s, 5)')
      .argParser(keep('--expel-timeout', secondsFlag('--expel-timeout', 0, 3600))))
    .addOption(new Option('--mysql-version <version>', `MySQL version profile, as a scenario's version: (${VERSION_NAMES.join(', ')})`)
      .argParser(keep('--mysql-version', flagParser('--mysql-version', (text, field) => versionProfile(text, field).name))).default('8.0.21'))
    .addOption(new Option('--transaction-size-limit <bytes>', 'group_replication_transaction_size_limit: bytes (0: no limit) or a size like 150MB; a larger --size is refused')
      .argParser(keep('--transaction-size-limit', transactionSizeLimitFlag)))
    .addOption(new Option('--outage <duration>', 'how long the last member is silent (default: the longest outage without an expel)')
      .argParser(keep('--outage', flagParser('--outage', parseDuration))))
    .addOption(new Option('--seed <n>', 'first seed').argParser(keep('--seed', integerFlag('--seed', 0, 0xffffffff))).default(1))
    .addOption(new Option('--runs <n>', 'seeds per candidate size (--seed, --seed+1, …)').argParser(keep('--runs', integerFlag('--runs', 1, 100))).default(3))
    .addOption(new Option('--precision <size>', 'precision of the answer (1KiB..1GiB)').argParser(keep('--precision', flagParser('--precision', parseBytes))).default(1_048_576, '1MiB'))
    .option('--json', 'print the result as JSON')
    .option('--sweep', 'print a table cache size × outage → caught up | evicted, rejoined | expelled by timeout')
    .addOption(new Option('--sizes <list>', 'sweep sizes, comma-separated (default: 5 steps from 128MiB)').argParser(keep('--sizes', listFlag('--sizes', flagParser('--sizes', parseBytes)))))
    .addOption(new Option('--outages <list>', 'sweep outages, comma-separated durations (default: 6 steps around the expel point)')
      .argParser(keep('--outages', listFlag('--outages', flagParser('--outages', parseDuration)))))
    .option('--plot <file.svg>', 'also write the sweep as an SVG chart (implies --sweep)')
    .addOption(new Option('--shard <i/n>', 'sweep: run only cells k with k mod n = i (0-based); grsim merge prints the table').argParser(parseShard))
    .option('--out <file>', 'sweep: write the result file (JSON, docs/sharding.md), updated after each cell')
    .option('--resume', 'sweep: skip the cells already in the --out file')
    .addHelpText('after', `\n${ABOUT}`)
    .action((flags: CacheSizeFlags) => {
      if (flags.rate === undefined) throw new UsageError('--rate is required (transactions per second on node1, e.g. --rate 2000/s)');
      if (flags.size === undefined) throw new UsageError('--size is required (bytes per transaction, e.g. --size 1KiB)');
      const plot = flags.plot ?? null;
      if (plot !== null && !/\.svg$/i.test(plot)) throw new FlagError('--plot', 'must name an .svg file', plot);
      const sweep = flags.sweep === true || plot !== null;
      if (!sweep && (flags.sizes !== undefined || flags.outages !== undefined)) throw new UsageError('--sizes and --outages go with --sweep');
      if (sweep && flags.outage !== undefined) throw new UsageError('--outage does not go with --sweep (use --outages)');
      if (!sweep && (flags.shard !== undefined || flags.out !== undefined || flags.resume !== undefined)) throw new UsageError('--shard, --out and --resume go with --sweep');
      if (flags.shard !== undefined && flags.out === undefined) throw new UsageError('--shard needs --out FILE (a shard prints no table: its cells go only to the result file grsim merge reads)');
      if (flags.resume !== undefined && flags.out === undefined) throw new UsageError('--resume needs --out FILE (the result file to resume)');
      checkSizeLimit(flags.size, typed['--size'] as string, flags.transactionSizeLimit ?? null, typed['--transaction-size-limit'] ?? null);
      if (flags.shard !== undefined && plot !== null) throw new UsageError('--plot does not go with --shard (grsim merge --plot draws the merged sweep)');
      outcome.seed = flags.seed;
      outcome.exitCode = cacheSize({
        members: flags.members, rate: flags.rate, rateText: typed['--rate'] as string, sizeBytes: flags.size, sizeText: typed['--size'] as string,
        expelTimeoutS: flags.expelTimeout ?? null, mysqlVersion: flags.mysqlVersion, transactionSizeLimit: flags.transactionSizeLimit ?? null, outageUs: flags.outage ?? null, outageText: typed['--outage'] ?? null,
        seed: flags.seed, runs: flags.runs, precisionBytes: flags.precision, json: flags.json === true, sweep,
        sizes: flags.sizes ?? null, outagesUs: flags.outages ?? null, plot, typed,
        ...(flags.shard === undefined ? {} : { shard: flags.shard }), out: flags.out ?? null, resume: flags.resume === true,
      }, io);
    });
}
