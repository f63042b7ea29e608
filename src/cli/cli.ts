import { Command, CommanderError } from 'commander';
import { ConfigError } from '../errors.js';
import { cacheSizeCommand } from './cache-size.js';
import { EXIT, type CliIo, type CliOutcome } from './cli-io.js';
import { exploreCommand } from './explore.js';
import { mergeCommand } from './merge.js';
import { asFlagError, UsageError } from './flags.js';
import { demoCommand, runCommand } from './run-command.js';
import { serveCommand } from './serve-command.js';

export { EXIT, type CliIo } from './cli-io.js';

const EXIT_CODES_HELP = `Exit codes:
  0  the command ran (explore: no counterexample, or the expected one; cache-size: answered)
  1  explore (or merge of explore results) found an unexpected counterexample
  2  bad usage (an unknown command or flag, a bad flag value) or an invalid scenario file
  3  an internal error: a bug in grsim; the message names the seed that reproduces it`;

/** Commander's own messages, reworded to say what kind of word was wrong and where help is. */
function describeCommanderError(e: CommanderError, command: string | undefined): string {
  const text = e.message.replace(/^error: /, '');
  const suggestion = /\n\(Did you mean (.+)\?\)$/.exec(text)?.[1];
  const didYouMean = suggestion === undefined ? '' : ` (did you mean ${suggestion}?)`;
  const helpFor = `grsim${command === undefined ? '' : ` ${command}`} --help`;
  switch (e.code) {
    case 'commander.unknownOption': {
      const flag = /^unknown option '(.*?)'/.exec(text)?.[1] ?? text;
      return `unknown flag ${flag}${didYouMean}; ${helpFor} lists the flags`;
    }
    case 'commander.unknownCommand': {
      const name = /^unknown command '(.*?)'/.exec(text)?.[1] ?? text;
      return `unknown command ${name}${didYouMean}; grsim --help lists the commands`;
    }
    case 'commander.optionMissingArgument': {
      const flags = /^option '(.*?)' argument missing/.exec(text)?.[1] ?? text;
      return `flag ${flags.split(' ')[0]} needs a value (${flags})`;
    }
    case 'commander.missingArgument': {
      const name = /^missing required argument '(.*?)'/.exec(text)?.[1] ?? text;
      return `missing the <${name}> argument; ${helpFor} shows the usage`;
    }
    case 'commander.excessArguments': {
      const counts = /Expected (\d+) arguments? but got (\d+)/.exec(text);
      return `too many arguments (expected ${counts?.[1] ?? '?'}, got ${counts?.[2] ?? '?'}); ${helpFor} shows the usage`;
    }
    default:
      return `${text.replace(/\n/g, ' ')}; ${helpFor} shows the usage`;
  }
}

/** The `grsim` program: its subcommands, each reporting its exit code and seed into `outcome`. */
function program(io: CliIo, outcome: CliOutcome, onCommand: (name: string) => void): Command {
  const out = {
    writeOut: (text: string) => io.stdout(text),
    writeErr: (text: string) => io.stderr(text),
    // runCli writes commander's errors itself, reworded and prefixed with the command.
    outputError: () => {},
  };
  const root = new Command('grsim')
    .description('grsim — deterministic simulator of MySQL Group Replication failure detection')
    .version(io.version, '-v, --version', 'print the version')
    .helpOption('-h, --help', 'print this help')
    .helpCommand('help [command]', 'print the help of a command')
    .configureOutput(out)
    .exitOverride()
    .addHelpText('after', `\n"grsim <command> --help" prints a command's flags; docs/cli.md describes them all.\n\n${EXIT_CODES_HELP}\n`)
    .hook('preSubcommand', (_root, sub) => { onCommand(sub.name()); });
  for (const sub of [runCommand(io, outcome), demoCommand(io, outcome), exploreCommand(io, outcome), cacheSizeCommand(io, outcome), mergeCommand(io, outcome), serveCommand(io, outcome)]) {
    // Set on each subcommand (addCommand does not copy settings): errors and help go through io.
    root.addCommand(sub.helpOption('-h, --help', 'print this help').configureOutput(out).exitOverride());
  }
  return root;
}

/**
 * `grsim help <name>` for a name that is no command: the arguments that make commander report it
 * as `grsim <name>` does (unknown command, its did-you-mean, exit 2); commander itself would print
 * the overview on stderr and say nothing about the name. `help help` is the overview, as `help`.
 * Null for any other command line.
 */
function helpOfUnknownCommand(root: Command, argv: readonly string[]): string[] | null {
  const [first, name] = argv;
  if (first !== 'help' || name === undefined || name.startsWith('-')) return null;
  if (name === 'help') return ['help'];
  return root.commands.some((c) => c.name() === name || c.aliases().includes(name)) ? null : [name];
}

/** Runs the command line; resolves to the exit code. Never rejects. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const outcome: CliOutcome = { exitCode: EXIT.ok };
  let command: string | undefined;
  const prefix = (): string => `grsim${command === undefined ? '' : ` ${command}`}`;
  try {
    const root = program(io, outcome, (name) => { command = name; });
    await root.parseAsync(helpOfUnknownCommand(root, argv) ?? [...argv], { from: 'user' });
    return outcome.exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version have been printed (help on stderr when no command was given): nothing to add.
      if (e.code === 'commander.help' || e.code === 'commander.helpDisplayed' || e.code === 'commander.version') {
        return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
      }
      io.stderr(`${prefix()}: ${describeCommanderError(e, command)}\n`);
      return EXIT.usage;
    }
    const flagError = e instanceof UsageError ? e : asFlagError(e);
    if (flagError !== null) {
      io.stderr(`${prefix()}: ${flagError.message}\n`);
      return EXIT.usage;
    }
    // A scenario file's mistake: the message names the file, the line and the path.
    if (e instanceof ConfigError) {
      io.stderr(`${e.message}\n`);
      return EXIT.usage;
    }
    const err = e instanceof Error ? e : new Error(String(e));
    io.stderr(`grsim: internal error (${err.name}): ${err.message}\n` +
      `This is a bug in grsim. Reproduce with the same command${outcome.seed === undefined ? '' : ` (seed ${outcome.seed})`}.\n${err.stack ?? ''}\n`);
    return EXIT.internal;
  }
}
