import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { BUILT_IN_PROPERTIES } from '../../src/arbitraries/experiments.js';

/** `grsim explore` as a user runs it (the built binary; npm test builds first). */
const BIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
function grsim(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const dir = mkdtempSync(join(tmpdir(), 'grsim-explore-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const LAST_LINE = /^(\d+) runs, (\d+) failed$/;

describe('grsim explore', () => {
  it('--list prints the built-in property names, one per line, marking those expected to fail', () => {
    const r = grsim('explore', '--list');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.map((l) => l.split(' ')[0])).toEqual(BUILT_IN_PROPERTIES.map((p) => p.name));
    expect(lines.filter((l) => l.includes('expected to fail'))).toEqual(['isolation-under-20s-not-expelled  (expected to fail: a worked example of a boundary)']);
  });

  it('exits 0 when no run fails, ending with "<runs> runs, <failed> failed"; timing on stderr, no progress bar off a terminal', () => {
    const r = grsim('explore', '--property', 'isolation-under-18s-not-expelled', '--members', '3', '--duration', '1m', '--runs', '60', '--seed', '5', '--jobs', '2');
    expect(r.code).toBe(0);
    const last = r.stdout.trimEnd().split('\n').pop()!;
    expect(last).toMatch(LAST_LINE);
    expect(LAST_LINE.exec(last)!.slice(1, 3)).toEqual(['60', '0']);
    expect(r.stderr).toMatch(/^grsim explore: 60 runs in [\d.]+ s, \d+ runs\/min\n$/m);
    expect(r.stderr).not.toMatch(/[\r[]/);
  });

  const failing = ['explore', '--property', 'isolation-under-20s-not-expelled', '--members', '5', '--duration', '2m', '--runs', '200', '--seed', '3'];
  const twoJobs = grsim(...failing, '--jobs', '2');

  it('reports a property false by design as the expected counterexample (exit 0), with the seed, the reason and the shrunk scenario file', () => {
    expect(twoJobs.code).toBe(0);
    expect(twoJobs.stdout).toMatch(/^Property isolation-under-20s-not-expelled found the expected counterexample \(seed 3, chunk \d+, simulation seed \d+\):\n  node\d removed node\d from the group: /);
    expect(twoJobs.stdout).toMatch(/\nThis property is expected to fail: .*15 s/);
    expect(twoJobs.stdout).toMatch(/Shrunk counterexample \(1 fault: isolate node\d at \+[\d.]+s for 19\.\d+s\)/);
    const last = twoJobs.stdout.trimEnd().split('\n').pop()!;
    expect(last).toMatch(LAST_LINE);
    expect(Number(LAST_LINE.exec(last)![2])).toBeGreaterThanOrEqual(1);
  });

  it('prints the same stdout, run count included, with one job as with two or three', () => {
    // With two jobs a chunk after the failing one may already run on the other thread when the
    // failure is found (how many depends on thread timing): stderr counts them, stdout does not.
    const ran = Number(/^grsim explore: (\d+) runs in /m.exec(twoJobs.stderr)![1]);
    const counted = Number(LAST_LINE.exec(twoJobs.stdout.trimEnd().split('\n').pop()!)![1]);
    expect(ran).toBeGreaterThanOrEqual(counted);
    if (ran > counted) expect(twoJobs.stderr).toContain(`(${ran - counted} of them ran past the first failing chunk and are not counted)`);
    else expect(twoJobs.stderr).not.toContain('not counted');
    const oneJob = grsim(...failing, '--jobs', '1');
    expect(oneJob.code).toBe(0);
    expect(oneJob.stderr).not.toContain('not counted');
    expect(oneJob.stdout).toBe(twoJobs.stdout);
    const threeJobs = grsim(...failing, '--jobs', '3');
    expect(threeJobs.code).toBe(0);
    expect(threeJobs.stdout).toBe(oneJob.stdout);
    // Two full explore processes: GR's statistics traffic (the default since issue 10) makes each
    // run dearer, and on a shared machine they can pass vitest's default 60 s.
  }, 180_000);

  it('writes the same --out result file, byte for byte, with one job as with two or three when later chunks fail too', () => {
    // Seed 5: chunk 0 holds, chunks 1, 2, 3... fail. With several threads, chunk 1 and the chunks
    // claimed before its failure is known run on different threads and settle in any order; the
    // file keeps the chunks up to the first failing one, whichever thread ran them.
    const args = ['explore', '--property', 'isolation-under-20s-not-expelled', '--members', '3', '--duration', '1m', '--runs', '250', '--seed', '5'];
    const runs = ['1', '2', '3'].map((jobs) => {
      const out = join(dir, `jobs-${jobs}.json`);
      const r = grsim(...args, '--jobs', jobs, '--out', out);
      return { ...r, file: readFileSync(out, 'utf8') };
    });
    const [one, two, three] = runs as [typeof runs[0], typeof runs[0], typeof runs[0]];
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/\(seed 5, chunk 1, simulation seed \d+\)/);
    expect((JSON.parse(one.file) as { results: { id: number }[] }).results.map((r) => r.id)).toEqual([0, 1]);
    for (const r of [two, three]) {
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(one.stdout);
      expect(r.file).toBe(one.file);
    }
    // 50 runs: two chunks, which two jobs run in pieces of 5 runs (the last `jobs` chunks are), the failing one included.
    const short = args.map((a) => a === '250' ? '50' : a);
    const [a, b] = ['1', '2'].map((jobs) => {
      const out = join(dir, `short-jobs-${jobs}.json`);
      return { ...grsim(...short, '--jobs', jobs, '--out', out), file: readFileSync(out, 'utf8') };
    }) as [typeof runs[0], typeof runs[0]];
    expect(a.stdout).toBe(one.stdout);
    expect(b.stdout).toBe(a.stdout);
    expect(b.file).toBe(a.file);
  });

  it('the counterexample replays with grsim run and shows the expel', () => {
    const yaml = twoJobs.stdout.slice(twoJobs.stdout.indexOf('# fault:'), twoJobs.stdout.lastIndexOf('\n\n'));
    const file = join(dir, 'counterexample.yaml');
    writeFileSync(file, yaml);
    const r = grsim('run', file, '--format', 'json');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { log: { code: string; member: string }[] };
    const isolated = /isolate (node\d)/.exec(yaml)![1];
    expect(report.log.some((l) => l.code === 'MY-011505' && l.member === isolated)).toBe(true);
  });

  it('exits 2 on usage errors', () => {
    expect(grsim('explore', '--property', 'no-such-thing').stderr).toMatch(/^grsim explore: --property: must be one of isolation-under-18s-not-expelled, .*, got "no-such-thing"\n$/);
    expect(grsim('explore', '--property', 'one-primary-per-view', '--runs', 'many')).toMatchObject({ code: 2, stderr: 'grsim explore: --runs: must be an integer in 1..10000000, got "many"\n' });
    expect(grsim('explore', '--property', 'one-primary-per-view', '--members', '10').stderr).toBe('grsim explore: --members: must be an integer in 1..9, got "10"\n');
    expect(grsim('explore', '--property', 'one-primary-per-view', '--duration', '10').stderr).toMatch(/^grsim explore: --duration: must be a duration .*, got "10"\n$/);
    expect(grsim('explore', '--property', 'one-primary-per-view', '--duration', '25h').stderr).toBe('grsim explore: --duration: must be a duration from 1s to 24h, got "25h"\n');
    expect(grsim('explore').stderr).toBe('grsim explore: --property <name> is required (grsim explore --list prints the names)\n');
  });

  it('refuses a --save prefix or an --out file it could not write before running anything (exit 2, the flag and the path named)', () => {
    const missing = join(dir, 'no-such-directory');
    mkdirSync(join(dir, 'taken.yaml'));
    const cases = [
      ['--save', join(missing, 'iso'), `its directory ${missing} must exist`],
      ['--out', join(missing, 'result.json'), `its directory ${missing} must exist`],
      ['--save', join(dir, 'taken'), `must not name a directory (${join(dir, 'taken.yaml')} is one)`],
      ['--out', dir, `must not name a directory (${dir} is one)`],
    ] as const;
    for (const [flag, path, rule] of cases) {
      const r = grsim(...failing, '--runs', '30', '--jobs', '1', flag, path);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`grsim explore: ${flag}: ${rule}${rule.startsWith('its') ? ' (grsim does not create directories)' : ''}, got ${JSON.stringify(path)}\n`);
      expect(r.stdout).toBe('');
    }
  });

  it('ends the worker threads it started before parsing when the command fails or needs fewer of them', () => {
    // The binary starts --jobs − 1 workers before it parses the command line (src/cli/explore-workers.ts);
    // a worker left waiting would keep the process alive until spawnSync's timeout.
    const started = Date.now();
    expect(grsim('explore', '--property', 'no-such-thing', '--jobs', '3')).toMatchObject({ code: 2, stdout: '' });
    const fewer = grsim('explore', '--property', 'one-primary-per-view', '--members', '3', '--duration', '10s', '--runs', '5', '--seed', '2', '--jobs', '4');
    expect(fewer.code).toBe(0);
    expect(fewer.stdout).toBe('5 runs, 0 failed\n');
    expect(Date.now() - started).toBeLessThan(60_000);
  });
});
