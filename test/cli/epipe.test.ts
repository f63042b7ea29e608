import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** The built binary (npm test builds first), as `grsim … | head` runs it. */
const BIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const SEED_CASE = fileURLToPath(new URL('../../scenarios/seed-case.yaml', import.meta.url));

/** Runs grsim with the reading end of its stdout closed before it writes: every write fails with EPIPE. */
function withClosedStdout(args: readonly string[]): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (t: string) => { stderr += t; });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
}

describe('a closed stdout (grsim … | head) ends the command quietly with exit 0', () => {
  it.each([
    [['run', SEED_CASE]],
    [['run', SEED_CASE, '--format', 'json']],
    [['demo']],
    [['--help']],
    [['run', '--help']],
    [['explore', '--list']],
    [['explore', '--property', 'one-primary-per-view', '--members', '3', '--duration', '1m', '--runs', '2', '--jobs', '1']],
    [['cache-size', '--help']],
    [['cache-size', '--rate', '2000/s', '--size', '1KiB', '--outage', '10s', '--runs', '1']],
  ])('grsim %j', async (args) => {
    const r = await withClosedStdout(args);
    expect(r.stderr).not.toMatch(/EPIPE|Error|at .*\.js:\d+/);
    expect(r).toMatchObject({ code: 0, signal: null });
  });
});
