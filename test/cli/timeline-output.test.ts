/**
 * The HTML timeline from the command line: `run --format html`, `run/demo --html FILE`, and
 * `explore --save PREFIX` writing a counterexample beside its timeline (docs/timeline.md).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildReport, parseScenario, renderTimelineHtml, runScenario } from '../../src/index.js';

const BIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const SEED_CASE = fileURLToPath(new URL('../../scenarios/seed-case.yaml', import.meta.url));
const PKG = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

function grsim(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const dir = mkdtempSync(join(tmpdir(), 'grsim-timeline-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The page the library renders for the seed case with `seed`, as the CLI names its replay command. */
function expectedPage(replayCommand: string, seed?: number): string {
  const scenario = parseScenario(readFileSync(SEED_CASE, 'utf8'), SEED_CASE, seed === undefined ? {} : { seed });
  return renderTimelineHtml(buildReport(runScenario(scenario, { source: SEED_CASE }), PKG.version), { replayCommand });
}

describe('grsim run --format html / --html', () => {
  it('--format html prints the timeline page the library renders, with the command that replays it', () => {
    const r = grsim('run', SEED_CASE, '--format', 'html', '--seed', '8');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(expectedPage(`grsim run ${SEED_CASE} --seed 8`, 8));
    expect(r.stdout).toContain(`grsim run ${SEED_CASE} --seed 8`);
  });

  it('--html FILE writes the same page beside the text output', () => {
    const out = join(dir, 'seed-case.html');
    const r = grsim('run', SEED_CASE, '--html', out);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('=== node1');
    expect(readFileSync(out, 'utf8')).toBe(expectedPage(`grsim run ${SEED_CASE}`));
  });

  it('--html needs an .html file name, and an unwritable path is a usage error', () => {
    expect(grsim('run', SEED_CASE, '--html', join(dir, 'x.txt'))).toMatchObject({ code: 2, stderr: `grsim run: --html: must name an .html file, got "${join(dir, 'x.txt')}"\n` });
    // Checked before the run: nothing is simulated or printed.
    const path = join(dir, 'no-such-dir', 'x.html');
    expect(grsim('demo', '--html', path)).toMatchObject({
      code: 2, stdout: '', stderr: `grsim demo: --html: its directory ${join(dir, 'no-such-dir')} must exist (grsim does not create directories), got ${JSON.stringify(path)}\n`,
    });
  });
});

describe('grsim explore --save', () => {
  it('writes the counterexample to PREFIX.yaml and its timeline to PREFIX.html; the file replays the run the page shows', () => {
    const prefix = join(dir, 'cex');
    const r = grsim('explore', '--property', 'isolation-under-20s-not-expelled', '--members', '3', '--duration', '1m',
      '--runs', '50', '--seed', '3', '--jobs', '1', '--save', prefix);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Counterexample written to ${prefix}.yaml, its timeline to ${prefix}.html\n`);
    const yaml = readFileSync(`${prefix}.yaml`, 'utf8');
    expect(r.stdout).toContain(yaml);
    const replay = grsim('run', `${prefix}.yaml`, '--format', 'html');
    expect(replay.code).toBe(0);
    // The same run and the same replay command: the saved page is what `grsim run` renders.
    expect(readFileSync(`${prefix}.html`, 'utf8')).toBe(replay.stdout);
  });

  it('writes nothing when no counterexample is found', () => {
    const prefix = join(dir, 'none');
    const r = grsim('explore', '--property', 'isolation-under-18s-not-expelled', '--members', '3', '--duration', '1m',
      '--runs', '5', '--seed', '3', '--jobs', '1', '--save', prefix);
    expect(r.code).toBe(0);
    expect(existsSync(`${prefix}.yaml`)).toBe(false);
    expect(existsSync(`${prefix}.html`)).toBe(false);
  });
});
