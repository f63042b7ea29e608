import { Command, Option } from 'commander';
import { parseScenario, type ScenarioOverrides } from '../scenario/parse-scenario.js';
import type { Scenario } from '../scenario/scenario.js';
import { parseScenarioTime } from '../scenario/scenario-time.js';
import { runScenario } from '../scenario/run-scenario.js';
import { parseStart, SEED_FORMS } from '../sim/simulation-options.js';
import { EXIT, type CliIo, type CliOutcome } from './cli-io.js';
import { FlagError, UsageError } from './flags.js';
import { writeFileSync } from 'node:fs';
import { fileSpools } from './file-spool.js';
import { checkOutputPath } from './shard.js';
import { isRunFormatName, renderRunHtml, RUN_FORMAT_NAMES, RUN_FORMATS, type RunFormatName } from './run-formats.js';

/** Flags `run` and `demo` share (demo has no --until/--at: its times are fixed). */
interface RunFlags {
  readonly format: RunFormatName;
  readonly seed?: number | string;
  readonly until?: string;
  readonly at: readonly string[];
  /** Also write the HTML timeline to this file. */
  readonly html?: string;
}

function parseFormat(text: string): RunFormatName {
  if (!isRunFormatName(text)) throw new FlagError('--format', `must be one of ${RUN_FORMAT_NAMES.join(', ')}`, text);
  return text;
}

/**
 * A seed as the scenario file's `seed:` takes it: digits are an integer (`seed: 7`), any other
 * non-empty text a string seed, as a quoted `seed: "1.5"` is (the text is all a flag has).
 */
function parseSeed(text: string): number | string {
  if (/^\s*-?\d+\s*$/.test(text)) {
    const n = Number(text);
    if (!Number.isSafeInteger(n)) throw new FlagError('--seed', `must be ${SEED_FORMS} (digits are read as an integer)`, text);
    return n;
  }
  if (text === '') throw new FlagError('--seed', `must be ${SEED_FORMS}`, text);
  return text;
}

function formatOption(): Option {
  const each = RUN_FORMAT_NAMES.map((name) => `${name} (${RUN_FORMATS[name].description})`);
  const list = each.length === 1 ? each.join('') : `${each.slice(0, -1).join(', ')} or ${each.at(-1) as string}`;
  return new Option('--format <format>', `output: ${list}`).argParser(parseFormat).default(RUN_FORMAT_NAMES[0]);
}

function seedOption(): Option {
  return new Option('--seed <seed>', "override the scenario's seed (an integer or a string, like the file's seed:)").argParser(parseSeed);
}

/** Reads and parses a scenario file with the --seed/--until overrides; an unreadable file is a usage error naming it. */
export function readScenario(io: Pick<CliIo, 'readFile'>, file: string, label: string, flags: Pick<RunFlags, 'seed' | 'until'>): Scenario {
  let text: string;
  try {
    text = io.readFile(file);
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new UsageError(`cannot read ${file}${code === undefined ? '' : ` (${code})`}`);
  }
  const overrides: ScenarioOverrides = { ...(flags.seed === undefined ? {} : { seed: flags.seed }), ...(flags.until === undefined ? {} : { until: flags.until }) };
  return parseScenario(text, label, overrides);
}

function htmlOption(): Option {
  return new Option('--html <file.html>', 'also write the run as a self-contained HTML timeline (docs/timeline.md)').argParser((text: string) => {
    if (!/\.html?$/i.test(text)) throw new FlagError('--html', 'must name an .html file', text);
    return text;
  });
}

/** A word for a POSIX shell: as it is when it needs no quoting, else in single quotes. */
function shellWord(s: string): string {
  return /^[\w./:+-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`;
}

/** The command line that replays this run (the HTML timeline shows it). */
function replayCommand(command: string, flags: RunFlags): string {
  return [command, ...(flags.seed === undefined ? [] : ['--seed', shellWord(String(flags.seed))]), ...(flags.until === undefined ? [] : ['--until', shellWord(flags.until)])].join(' ');
}

function runAndPrint(io: CliIo, scenario: Scenario, label: string, flags: RunFlags, command: string, extraAt: readonly string[] = []): void {
  const startEpochUs = parseStart(scenario.start);
  const typedAt = [...extraAt, ...flags.at];
  const at = typedAt.map((t) => parseScenarioTime(t, '--at', startEpochUs));
  // Checked here, not only by runScenario, so that the message quotes the time as typed.
  const late = at.findIndex((us) => us > scenario.untilUs);
  if (late >= 0) throw new FlagError('--at', `must not be after the end of the run (${scenario.untilUs / 1e6} s)`, typedAt[late] as string);
  const context = { version: io.version, replayCommand: replayCommand(command, flags) };
  const options = { snapshotsAtUs: at, source: label };
  const format = RUN_FORMATS[flags.format];
  if (flags.html === undefined && format.stream !== undefined) {
    // A long run's report is streamed: the trace is folded as it is produced, never kept.
    const spools = fileSpools();
    try {
      format.stream(scenario, options, context, { spool: spools.spool, write: io.stdout });
    } finally {
      spools.dispose();
    }
    return;
  }
  if (flags.html !== undefined && io.writeFile === undefined) checkOutputPath('--html', flags.html, [flags.html]);
  const run = runScenario(scenario, options);
  if (flags.html !== undefined) {
    const write = io.writeFile ?? ((path: string, text: string): void => writeFileSync(path, text, 'utf8'));
    try {
      write(flags.html, renderRunHtml(run, context));
    } catch (e) {
      const code = (e as { code?: string }).code;
      throw new UsageError(`cannot write ${flags.html}${code === undefined ? '' : ` (${code})`}`);
    }
  }
  io.stdout(format.render(run, context));
}

/** Times the demo shows tables at: after detection and after the expel (the seed case's timeline). */
const DEMO_SNAPSHOTS = ['13:03:09', '13:03:41'];

const TIMES = 'Times are clock times on the start day ("13:03:10"), offsets from the start ("+40s") or ISO UTC times.';

/** `grsim run <file>`: runs a scenario file and prints the report. */
export function runCommand(io: CliIo, outcome: CliOutcome): Command {
  return new Command('run')
    .summary('run a scenario file and print what each member logged and showed')
    .description('Run a scenario file (YAML or JSON; see docs/scenario-format.md) and print each member\'s error log and replication_group_members table, or the JSON report.')
    .argument('<file>', 'the scenario file')
    .addOption(formatOption())
    .addOption(seedOption())
    .option('--until <time>', "override the scenario's end time")
    .addOption(new Option('--at <time>', "also show every member's table at this time (repeatable)").argParser((t: string, prev: string[] | undefined) => [...(prev ?? []), t]))
    .addOption(htmlOption())
    .addHelpText('after', `\n${TIMES}\n\nExamples:\n  grsim run scenarios/seed-case.yaml\n  grsim run my-case.yaml --format json --seed 8 --at 13:03:10 --at +60s\n  grsim run my-case.yaml --format html > my-case.html\n`)
    .action((file: string, given: Omit<RunFlags, 'at'> & { at?: string[] }) => {
      const flags: RunFlags = { ...given, at: given.at ?? [] };
      const scenario = readScenario(io, file, file, flags);
      outcome.seed = scenario.seed;
      runAndPrint(io, scenario, file, flags, `grsim run ${shellWord(file)}`);
      outcome.exitCode = EXIT.ok;
    });
}

/** `grsim demo`: runs the partition/heal case shipped with grsim. */
export function demoCommand(io: CliIo, outcome: CliOutcome): Command {
  return new Command('demo')
    .summary('run the reference partition/heal case shipped with grsim')
    .description('Run scenarios/seed-case.yaml: three members on MySQL 8.0.21, node3 cut off from the others at 13:03:01 ' +
      `with a write on it while cut off, healed at 13:07:30; the tables are also shown at ${DEMO_SNAPSHOTS.join(' and ')} (after detection, after the expel).`)
    .addOption(formatOption())
    .addOption(seedOption())
    .addOption(htmlOption())
    .addHelpText('after', '\nExamples:\n  grsim demo\n  grsim demo --format json --seed 8\n  grsim demo --html seed-case.html\n')
    .action((flags: Omit<RunFlags, 'at'>) => {
      const all: RunFlags = { ...flags, at: [] };
      const scenario = readScenario(io, io.seedCasePath, 'seed-case.yaml', all);
      outcome.seed = scenario.seed;
      runAndPrint(io, scenario, 'seed-case.yaml', all, 'grsim demo', DEMO_SNAPSHOTS);
      outcome.exitCode = EXIT.ok;
    });
}
