#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runCli } from './cli.js';

/** The `grsim` binary: binds the command line to the process, the file system and the terminal. */

const packageRoot = new URL('../../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', packageRoot), 'utf8')) as { version: string };

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: (text) => { process.stdout.write(text); },
  stderr: (text) => { process.stderr.write(text); },
  readFile: (path) => readFileSync(path, 'utf8'),
  version: pkg.version,
  seedCasePath: fileURLToPath(new URL('scenarios/seed-case.yaml', packageRoot)),
  isTty: process.stderr.isTTY === true,
  nowMs: () => performance.now(),
});
