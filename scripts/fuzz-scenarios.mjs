#!/usr/bin/env node
/**
 * A long input-fuzzing campaign: `node scripts/fuzz-scenarios.mjs [files] [seed] [maxRunSeconds]`.
 *
 * Runs test/validation/fuzz-scenarios.test.ts (the CI sample, 150 files) with many more mutated
 * scenario files and prints how many ran, how many were refused with a located message, and how
 * many were longer than the campaign runs. A file that exits 3, prints an unlocated message,
 * kills the process (a signal, out of memory) or makes no progress for 5 minutes stops the
 * campaign; the file being run is left in the printed path so it can be replayed with
 * `grsim run <path>`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [files = '3000', seed = String(Date.now() % 2 ** 31), maxRunSeconds = '600'] = process.argv.slice(2);
if (!/^\d+$/.test(files) || !/^-?\d+$/.test(seed) || !/^\d+$/.test(maxRunSeconds)) {
  process.stderr.write('usage: node scripts/fuzz-scenarios.mjs [files] [seed] [maxRunSeconds]\n');
  process.exit(2);
}
const root = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'grsim-fuzz-'));
const current = join(dir, 'current.yaml');
const report = join(dir, 'counts.json');
const STALL_MS = 5 * 60_000;

process.stdout.write(`fuzzing ${files} scenario files, seed ${seed}, runs up to ${maxRunSeconds} s of virtual time\n`);
const started = Date.now();
const child = spawn(process.execPath, [join(root, 'node_modules/vitest/vitest.mjs'), 'run', 'test/validation/fuzz-scenarios.test.ts'], {
  cwd: root,
  env: { ...process.env, GRSIM_FUZZ_RUNS: files, GRSIM_FUZZ_SEED: seed, GRSIM_FUZZ_MAX_RUN_S: maxRunSeconds, GRSIM_FUZZ_CURRENT: current, GRSIM_FUZZ_REPORT: report },
  stdio: ['ignore', 'pipe', 'pipe'],
});
let output = '';
child.stdout.on('data', (d) => { output += d; });
child.stderr.on('data', (d) => { output += d; });

let stalled = false;
const watchdog = setInterval(() => {
  const last = existsSync(current) ? statSync(current).mtimeMs : started;
  if (Date.now() - last > STALL_MS) {
    stalled = true;
    child.kill('SIGKILL');
  }
}, 10_000);

child.on('exit', (code, signal) => {
  clearInterval(watchdog);
  const counts = existsSync(report) ? JSON.parse(readFileSync(report, 'utf8')) : {};
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  process.stdout.write(`\nafter ${seconds} s:\n`);
  for (const [outcome, n] of Object.entries(counts)) process.stdout.write(`  ${String(n).padStart(6)}  ${outcome}\n`);
  if (code === 0) {
    process.stdout.write('every file ran or was refused with a located message\n');
    process.exit(0);
  }
  const why = stalled ? `no progress for ${STALL_MS / 60_000} minutes (a hang)` : signal !== null ? `the process died (${signal})` : `a file got an unclear answer (vitest exit ${code})`;
  process.stdout.write(`FAILED: ${why}\nthe file being run: ${current}\n`);
  const failure = /Caused by: [\s\S]{0,3000}/.exec(output);
  if (failure !== null) process.stdout.write(`${failure[0]}\n`);
  process.exit(1);
});
