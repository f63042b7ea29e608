import { Command, Option } from 'commander';
import { writeFileSync } from 'node:fs';
import { ConfigError } from '../errors.js';
import { buildReport } from '../report/json-report.js';
import { simulationOf, snapshotMembers } from '../scenario/run-scenario.js';
import type { Scenario } from '../scenario/scenario.js';
import { defaultEngine } from '../serve/default-engine.js';
import { checkSpeed, ListenError, serve, type ServeHandle } from '../serve/serve.js';
import type { StatementEngine } from '../serve/statement-engine.js';
import type { Simulation } from '../sim/simulation.js';
import { EXIT, type CliOutcome } from './cli-io.js';
import { FlagError, UsageError } from './flags.js';
import { readScenario } from './run-command.js';
import { writeOrFail } from './shard.js';

/** What `grsim serve` needs besides the common CLI io; main.ts binds it to the process. */
export interface ServeIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly readFile: (path: string) => string;
  readonly writeFile?: (path: string, text: string) => void;
  readonly version: string;
  /** Live control lines (stdin). Its end does not stop serving (a daemon's stdin may be /dev/null). */
  readonly controlInput?: NodeJS.ReadableStream;
  /** Registers `stop` to run on SIGINT/SIGTERM. */
  readonly onSignal?: (stop: () => void) => void;
  /** Builds the statement engine. @defaultValue defaultEngine (src/serve/default-engine.ts) */
  readonly createEngine?: (sim: Simulation) => StatementEngine;
}

interface ServeFlags {
  readonly speed: number;
  readonly host: string;
  readonly portBase: number;
  readonly portsFile?: string;
  readonly testDriven?: boolean;
}

function parsePortBase(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isInteger(n) || n > 65535) throw new FlagError('--port-base', 'must be an integer in 0..65535 (0: free ports the system picks)', text);
  return n;
}

function parseSpeedFlag(text: string): number {
  const n = Number(text);
  try {
    return checkSpeed(text.trim() === '' ? NaN : n, '--speed');
  } catch (e) {
    if (e instanceof ConfigError) throw new FlagError('--speed', e.rule, text);
    throw e;
  }
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

const CONTROL_HELP = `Live control, one line at a time on stdin (member names as in the file):
  isolate M | heal [M|all] | partition A,B C | repair | cut A B | restore [A B]
  freeze M | thaw M | crash M | restart M | stop M | start M     (stop/start: GROUP_REPLICATION)
  speed N | advance DURATION (test-driven) | report [FILE] | ports | quit`;

/** `grsim serve <file>`: every member of the scenario answers the MySQL protocol on its own port. */
export function serveCommand(io: ServeIo, outcome: CliOutcome): Command {
  return new Command('serve')
    .summary('serve a scenario over the MySQL protocol: every member on its own port')
    .description('Build the group a scenario file describes and let MySQL clients connect to every member (docs/serve.md). ' +
      "The file's events run as virtual time passes; its until is ignored: serving goes on until quit or Ctrl-C.")
    .argument('<file>', 'the scenario file')
    .addOption(new Option('--speed <n>', 'virtual seconds per real second').argParser(parseSpeedFlag).default(1))
    .option('--host <address>', 'address to bind (loopback unless you mean it)', '127.0.0.1')
    .addOption(new Option('--port-base <port>', 'port of the first member; member i listens on port-base + i').argParser(parsePortBase).default(13306))
    .option('--ports-file <file>', 'write the member → port map as JSON to this file')
    .option('--test-driven', 'virtual time moves only on "advance DURATION" lines')
    .addHelpText('after', `\n${CONTROL_HELP}\n\nExamples:\n  grsim serve scenarios/seed-case.yaml\n  grsim serve my-case.yaml --speed 10 --port-base 23306 --ports-file ports.json\n`)
    .action(async (file: string, flags: ServeFlags) => {
      const scenario = readScenario(io, file, file, {});
      outcome.seed = scenario.seed;
      await serveScenario(io, scenario, file, flags);
      outcome.exitCode = EXIT.ok;
    });
}

/**
 * A port that cannot be opened is the caller's environment, not a bug in grsim: a usage error
 * (exit 2) that names the flag to change and the value it had.
 */
function listenUsageError(e: ListenError, flags: ServeFlags): UsageError {
  const port = `port ${e.port} on ${e.host}`;
  const whose = `${e.member}'s port`;
  switch (e.code) {
    case 'EADDRINUSE':
      return new UsageError(`--port-base: ${port} is in use (${whose}); choose another --port-base, or 0 for free ports`);
    case 'EACCES':
      return new UsageError(`--port-base: ${port} needs privileges (${whose}); choose a --port-base above 1023`);
    case 'EADDRNOTAVAIL':
      return new UsageError(`--host: ${JSON.stringify(flags.host)} is not an address of this machine; give one of its addresses (127.0.0.1: loopback)`);
    case 'ENOTFOUND': case 'EAI_AGAIN': case 'EAI_NONAME': case 'EAI_FAIL':
      return new UsageError(`--host: ${JSON.stringify(flags.host)} does not resolve to an address; give an address of this machine (127.0.0.1: loopback)`);
    default:
      return new UsageError(`--host/--port-base: cannot listen on ${e.host}:${e.port} (${whose}): ${e.cause instanceof Error ? e.cause.message : String(e.cause)}`);
  }
}

async function serveScenario(io: ServeIo, scenario: Scenario, file: string, flags: ServeFlags): Promise<void> {
  try {
    await serveUntilStopped(io, scenario, file, flags);
  } catch (e) {
    if (e instanceof ListenError) throw listenUsageError(e, flags);
    throw e;
  }
}

async function serveUntilStopped(io: ServeIo, scenario: Scenario, file: string, flags: ServeFlags): Promise<void> {
  const sim = simulationOf(scenario, file);
  const engine = io.createEngine === undefined ? await defaultEngine(sim) : io.createEngine(sim);
  const write = io.writeFile ?? ((path: string, t: string): void => writeFileSync(path, t, 'utf8'));
  let fail: (e: unknown) => void = () => {};
  const failed = new Promise<never>((_, reject) => { fail = reject; });
  failed.catch(() => {});
  const handle = await serve(sim, {
    engine, host: flags.host, portBase: flags.portBase, speed: flags.speed, testDriven: flags.testDriven === true,
    ...(scenario.accounts === undefined ? {} : { accounts: scenario.accounts }),
    onError: (e) => { fail(e); },
  });
  const clock = (): string => `+${(sim.nowUs / 1e6).toFixed(3)}s`;
  const onNetwork = (e: { action: string; detail: string }): void => { io.stderr(`grsim serve: ${clock()} ${e.action} ${e.detail}\n`); };
  sim.on('network', onNetwork);
  try {
    if (flags.portsFile !== undefined) {
      writeOrFail(write, flags.portsFile, `${JSON.stringify(handle.ports, null, 2)}\n`);
    }
    if (!LOOPBACK.test(flags.host)) io.stderr(`grsim serve: warning: listening on ${flags.host}, not loopback; anyone who reaches it can log in as root with no password\n`);
    io.stdout(portsText(handle, scenario));
    let stop: () => void = () => {};
    const stopped = new Promise<void>((resolve) => { stop = resolve; });
    io.onSignal?.(() => { stop(); });
    const lines = io.controlInput === undefined ? null : controlLines(io.controlInput, async (line) => {
      if (await control(io, handle, scenario, line, write)) stop();
    }, fail);
    await Promise.race([stopped, failed]);
    lines?.close();
  } finally {
    sim.off('network', onNetwork);
    await handle.close();
  }
}

function portsText(handle: ServeHandle, scenario: Scenario): string {
  const rows = Object.entries(handle.ports).map(([name, port]) => `  ${name}  ${handle.host}:${port}`);
  const clock = handle.testDriven ? 'test-driven (advance DURATION moves virtual time)' : `real time × ${handle.speed}`;
  return `grsim serve: ${scenario.name}, ${rows.length} members, clock ${clock}\n${rows.join('\n')}\n`;
}

/** Feeds `input` to `onLine` line by line, one at a time in order. */
function controlLines(input: NodeJS.ReadableStream, onLine: (line: string) => Promise<void>, onError: (e: unknown) => void): { close(): void } {
  let buffered = '';
  let chain = Promise.resolve();
  const onData = (chunk: Buffer | string): void => {
    buffered += chunk.toString();
    // A line longer than this is not a control line: dropped rather than held.
    if (buffered.length > 65536 && !buffered.includes('\n')) buffered = '';
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl).trim();
      buffered = buffered.slice(nl + 1);
      if (line !== '') chain = chain.then(() => onLine(line)).catch(onError);
    }
  };
  input.on('data', onData);
  return {
    close: () => {
      input.off('data', onData);
      // A paused stdin no longer holds the process open.
      input.pause();
    },
  };
}

/** Applies one control line; returns true for quit. Mistakes are reported on stderr and serving goes on. */
async function control(io: ServeIo, handle: ServeHandle, scenario: Scenario, line: string, write: (path: string, text: string) => void): Promise<boolean> {
  const [verb = '', ...args] = line.split(/\s+/);
  const net = handle.sim.network;
  const one = (): string => {
    if (args.length !== 1) throw new ConfigError(verb, 'takes one member name', args.join(' '));
    return args[0]!;
  };
  try {
    switch (verb) {
      case 'quit': case 'exit': return true;
      case 'isolate': net.isolate(one()); break;
      case 'heal': if (args.length === 0 || args[0] === 'all') net.heal(); else net.heal(one()); break;
      case 'partition': net.partition(...args.map((g) => g.split(','))); break;
      case 'repair': net.repair(); break;
      case 'cut': if (args.length !== 2) throw new ConfigError('cut', 'takes two member names: cut FROM TO', args.join(' ')); net.cut(args[0]!, args[1]!); break;
      case 'restore': if (args.length === 0 || args[0] === 'all') net.restore(); else if (args.length === 2) net.restore(args[0], args[1]); else throw new ConfigError('restore', 'takes no argument, all, or FROM TO', args.join(' ')); break;
      case 'freeze': net.freeze(one()); break;
      case 'thaw': net.thaw(one()); break;
      case 'crash': net.crash(one()); break;
      case 'restart': net.restart(one()); break;
      case 'stop': {
        const r = handle.sim.member(one()).stopGroupReplication();
        if (!r.ok) io.stderr(`grsim serve: stop ${args[0]}: ${r.error}\n`);
        break;
      }
      case 'start': {
        const r = handle.sim.member(one()).startGroupReplication();
        if (!r.ok) io.stderr(`grsim serve: start ${args[0]}: ${r.error}\n`);
        break;
      }
      case 'speed':
        if (args.length !== 1) throw new ConfigError('speed', 'takes one number', args.join(' '));
        handle.setSpeed(Number(args[0]));
        io.stderr(`grsim serve: speed ${handle.speed}\n`);
        break;
      case 'advance': {
        if (args.length !== 1) throw new ConfigError('advance', 'takes one duration, like 10s', args.join(' '));
        const now = (): void => { io.stderr(`grsim serve: now +${(handle.sim.nowUs / 1e6).toFixed(3)}s\n`); };
        try {
          await handle.advance(args[0]!);
        } catch (e) {
          // A scripted event refused as it fires: the advance stopped at it (as grsim run stops
          // there); the refusal, then where the clock stands (docs/serve.md).
          if (!(e instanceof ConfigError) || e.field === 'advance') throw e;
          io.stderr(`grsim serve: ${line}: ${e.message}\n`);
          now();
          return false;
        }
        now();
        break;
      }
      case 'report': {
        const json = `${JSON.stringify(buildReport({ scenario, sim: handle.sim, snapshots: snapshotMembers(handle.sim), networkAfter: [] }, io.version), null, 2)}\n`;
        if (args.length === 0) io.stdout(json);
        else {
          const path = args.join(' ');
          try {
            writeOrFail(write, path, json);
            io.stderr(`grsim serve: report written to ${path}\n`);
          } catch (e) {
            if (!(e instanceof UsageError)) throw e;
            io.stderr(`grsim serve: ${e.message}\n`);
          }
        }
        break;
      }
      case 'ports': io.stdout(portsText(handle, scenario)); break;
      default:
        io.stderr(`grsim serve: unknown control line ${JSON.stringify(line)}\n${CONTROL_HELP}\n`);
        return false;
    }
    await handle.sync();
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    io.stderr(`grsim serve: ${line}: ${e.message}\n`);
  }
  return false;
}
