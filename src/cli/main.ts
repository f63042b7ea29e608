#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { EXIT } from './cli-io.js';
import { hasExploreTiering, rerunWithExploreTiering } from './explore-tiering.js';
import { prestartExploreWorkers } from './explore-workers.js';

/** The `grsim` binary: binds the command line to the process, the file system and the terminal. */

const packageRoot = new URL('../../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', packageRoot), 'utf8')) as { version: string };

/**
 * A reader that stops early (`grsim run … | head`) closes the pipe; the next write fails with
 * EPIPE. Nobody reads the rest, so that is not an error: stop quietly with exit 0 (as `yes | head`
 * does) instead of an unhandled 'error' event. On stderr a closed pipe only loses diagnostics.
 */
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(EXIT.ok);
  throw e;
});
process.stderr.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
});

const args = process.argv.slice(2);
// `grsim explore` runs in a child process started with V8 tiering flags (explore-tiering.ts).
if (args[0] === 'explore' && !hasExploreTiering(process.execArgv)) {
  process.exitCode = await rerunWithExploreTiering(fileURLToPath(import.meta.url), args, (text) => { process.stderr.write(text); });
} else {
  // explore's worker threads load the simulator while this thread loads the commands (cli.js,
  // imported only now for that reason) and parses the command line.
  const exploreWorkers = args[0] === 'explore' ? prestartExploreWorkers(args.slice(1), availableParallelism()) : undefined;
  const { runCli } = await import('./cli.js');
  process.exitCode = await runCli(args, {
    stdout: (text) => { process.stdout.write(text); },
    stderr: (text) => { if (!process.stderr.destroyed) process.stderr.write(text); },
    readFile: (path) => readFileSync(path, 'utf8'),
    version: pkg.version,
    seedCasePath: fileURLToPath(new URL('scenarios/seed-case.yaml', packageRoot)),
    isTty: process.stderr.isTTY === true,
    nowMs: () => performance.now(),
    controlInput: process.stdin,
    onSignal: (stop) => { process.once('SIGINT', stop); process.once('SIGTERM', stop); },
    ...(exploreWorkers === undefined ? {} : { exploreWorkers }),
  });
}
