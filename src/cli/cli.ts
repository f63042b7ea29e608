import { parseArgs } from 'node:util';
import { ConfigError } from '../errors.js';
import { buildReport } from '../report/json-report.js';
import { renderRunText } from '../report/text-report.js';
import { parseScenario, type ScenarioOverrides } from '../scenario/parse-scenario.js';
import type { Scenario } from '../scenario/scenario.js';
import { parseScenarioTime } from '../scenario/scenario-time.js';
import { runScenario } from '../scenario/run-scenario.js';
import { parseStart } from '../sim/simulation-options.js';
import { BUILT_IN_PROPERTIES } from '../arbitraries/experiments.js';
import { explore, ExploreUsageError, parseExploreArgs } from './explore.js';
import { cacheSize, CacheSizeUsageError, CACHE_SIZE_HELP, parseCacheSizeArgs } from './cache-size.js';

/** What the command line needs from the outside world; main.ts binds it to the process. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Reads a UTF-8 file; throws (with a Node error code) when it cannot. */
  readonly readFile: (path: string) => string;
  /** The package version (package.json). */
  readonly version: string;
  /** Path of the seed case scenario shipped with the package. */
  readonly seedCasePath: string;
  /** Whether stderr is a terminal (explore's progress bar redraws one line). */
  readonly isTty: boolean;
  /** Monotonic milliseconds (explore's runs/min figure; never used inside a simulation). */
  readonly nowMs: () => number;
  /** Writes a UTF-8 file (cache-size --plot). @defaultValue node:fs writeFileSync */
  readonly writeFile?: (path: string, text: string) => void;
}

/** Exit codes, as the README and `grsim --help` document them. */
export const EXIT = { ok: 0, failed: 1, usage: 2, internal: 3 } as const;

export const HELP = `grsim — deterministic simulator of MySQL Group Replication failure detection

Usage:
  grsim run <file> [--format text|json] [--seed N] [--until T] [--at T ...]
                          run a scenario file (YAML or JSON; see docs/scenario-format.md)
  grsim demo [--seed N] [--format text|json]
                          run the reference partition/heal case shipped with grsim
  grsim explore --property <name> [--members 5] [--duration 10m] [--runs 100] [--seed S] [--jobs N]
                          run random fault schedules, check a property, print the shrunk
                          counterexample as a scenario file (exit 1) — see docs/partition-experiments.md
  grsim explore --list    print the built-in property names
  grsim cache-size --rate 2000/s --size 1KiB [--members 3] [--expel-timeout 5] [--outage 30s]
                   [--seed N] [--runs K] [--json] [--sweep [--sizes L] [--outages L] [--plot f.svg]]
                          smallest group_replication_message_cache_size with which a silent member
                          catches up, beside the rule of thumb (grsim cache-size --help)
  grsim --help            this text
  grsim --version         print the version

Options:
  --format text|json      text: each member's error log and replication_group_members table
                          (default); json: the report described in docs/report-format.md
  --seed N                override the scenario's seed (an integer)
  --until T               override the scenario's end time
  --at T                  also show every member's table at time T (repeatable)
  Times T are clock times on the start day ("13:03:10"), offsets ("+40s") or ISO UTC times.

Exit codes: 0 the run finished (explore: no counterexample; cache-size: answered); 1 explore
found a counterexample; 2 bad usage or an invalid scenario; 3 an internal error (a bug in grsim:
the message names the seed that reproduces it).
`;

/** Thrown for command-line mistakes; reported with exit code 2. */
class UsageError extends Error {}

interface RunFlags {
  readonly format: 'text' | 'json';
  readonly seed?: number;
  readonly until?: string;
  readonly at: readonly string[];
}

function parseFlags(command: string, args: readonly string[], allowFile: boolean): { file?: string; flags: RunFlags } {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: allowFile,
      strict: true,
      options: {
        format: { type: 'string' },
        seed: { type: 'string' },
        ...(allowFile ? { until: { type: 'string' }, at: { type: 'string', multiple: true } } : {}),
      },
    });
  } catch (e) {
    throw new UsageError(`grsim ${command}: ${(e as Error).message}`);
  }
  const v = parsed.values as unknown as { format?: string; seed?: string; until?: string; at?: string[] };
  const format = v.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`grsim ${command}: --format must be text or json, got ${JSON.stringify(format)}`);
  let seed: number | undefined;
  if (v.seed !== undefined) {
    if (!/^-?\d+$/.test(v.seed) || !Number.isSafeInteger(Number(v.seed))) throw new UsageError(`grsim ${command}: --seed must be an integer, got ${JSON.stringify(v.seed)}`);
    seed = Number(v.seed);
  }
  const flags: RunFlags = { format, at: v.at ?? [], ...(seed === undefined ? {} : { seed }), ...(v.until === undefined ? {} : { until: v.until }) };
  if (!allowFile) return { flags };
  if (parsed.positionals.length !== 1) throw new UsageError(`grsim ${command}: expected exactly one scenario file, got ${parsed.positionals.length}`);
  return { file: parsed.positionals[0] as string, flags };
}

function readScenario(io: CliIo, file: string, label: string, flags: RunFlags): Scenario {
  let text: string;
  try {
    text = io.readFile(file);
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new UsageError(`grsim: cannot read ${file}${code === undefined ? '' : ` (${code})`}`);
  }
  const overrides: ScenarioOverrides = { ...(flags.seed === undefined ? {} : { seed: flags.seed }), ...(flags.until === undefined ? {} : { until: flags.until }) };
  return parseScenario(text, label, overrides);
}

function runAndPrint(io: CliIo, scenario: Scenario, label: string, flags: RunFlags, extraAtUs: readonly number[] = []): void {
  const startEpochUs = parseStart(scenario.start);
  const at = [...extraAtUs, ...flags.at.map((t) => parseScenarioTime(t, '--at', startEpochUs))];
  const run = runScenario(scenario, { snapshotsAtUs: at, source: label });
  if (flags.format === 'json') io.stdout(JSON.stringify(buildReport(run, io.version), null, 2) + '\n');
  else io.stdout(renderRunText(run, io.version));
}

/** Times the demo shows tables at: after detection and after the expel (reference/seed-case.md). */
const DEMO_SNAPSHOTS = ['13:03:09', '13:03:41'];

/** Runs the command line; resolves to the exit code. Never rejects. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [cmd, ...rest] = argv;
  let seedForBugReport: string | number | undefined;
  try {
    if (cmd === undefined) {
      io.stderr(HELP);
      return EXIT.usage;
    }
    if (cmd === '--help' || cmd === '-h' || cmd === 'help') {
      io.stdout(HELP);
      return EXIT.ok;
    }
    if (cmd === '--version' || cmd === '-v') {
      io.stdout(io.version + '\n');
      return EXIT.ok;
    }
    if (cmd === 'run') {
      const { file, flags } = parseFlags('run', rest, true);
      const scenario = readScenario(io, file as string, file as string, flags);
      seedForBugReport = scenario.seed;
      runAndPrint(io, scenario, file as string, flags);
      return EXIT.ok;
    }
    if (cmd === 'demo') {
      const { flags } = parseFlags('demo', rest, false);
      const scenario = readScenario(io, io.seedCasePath, 'seed-case.yaml', flags);
      seedForBugReport = scenario.seed;
      const startEpochUs = parseStart(scenario.start);
      runAndPrint(io, scenario, 'seed-case.yaml', flags, DEMO_SNAPSHOTS.map((t) => parseScenarioTime(t, 'demo', startEpochUs)));
      return EXIT.ok;
    }
    if (cmd === 'explore') {
      const parsed = parseExploreArgs(rest);
      if (parsed === 'list') {
        io.stdout(BUILT_IN_PROPERTIES.map((p) => `${p.name}\n`).join(''));
        return EXIT.ok;
      }
      seedForBugReport = parsed.seed;
      return await explore(parsed, io);
    }
    if (cmd === 'cache-size') {
      const parsed = parseCacheSizeArgs(rest);
      if (parsed === 'help') {
        io.stdout(CACHE_SIZE_HELP);
        return EXIT.ok;
      }
      seedForBugReport = parsed.seed;
      return cacheSize(parsed, io);
    }
    throw new UsageError(`grsim: unknown command ${JSON.stringify(cmd)}\n\n${HELP}`);
  } catch (e) {
    if (e instanceof UsageError || e instanceof ConfigError || e instanceof ExploreUsageError || e instanceof CacheSizeUsageError) {
      io.stderr(`${e.message}\n`);
      return EXIT.usage;
    }
    const err = e instanceof Error ? e : new Error(String(e));
    io.stderr(`grsim: internal error (${err.name}): ${err.message}\n` +
      `This is a bug in grsim. Reproduce with the same command${seedForBugReport === undefined ? '' : ` (seed ${seedForBugReport})`}.\n${err.stack ?? ''}\n`);
    return EXIT.internal;
  }
}
