// The streamed reports (grsim run --format json|text) against the reports built from a kept trace:
// byte for byte on every scenario file of the repository, with and without snapshots.
import { describe, expect, it } from 'vitest';
import { fstatSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  buildReport, memorySpool, parseScenario, parseScenarioTime, renderRunText, runScenario, streamReport, streamRunText, type Scenario,
} from '../../src/index.js';
import { parseStart } from '../../src/sim/simulation-options.js';
import { fileSpools } from '../../src/cli/file-spool.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Every scenario file under `dir` (YAML), recursively. */
function scenarioFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (name === 'node_modules') continue;
    if (statSync(path).isDirectory()) out.push(...scenarioFiles(path));
    else if (name.endsWith('.yaml')) out.push(path);
  }
  return out.sort();
}

const FILES = [...scenarioFiles(join(ROOT, 'scenarios')), ...scenarioFiles(join(ROOT, 'test'))];

/** Snapshot times every run also takes: one early, one at the middle of the run. */
function snapshotTimes(s: Scenario): number[] {
  return [parseScenarioTime('+1s', '--at', parseStart(s.start)), Math.floor(s.untilUs / 2)];
}

function streamed(s: Scenario, label: string, format: 'json' | 'text', spool = memorySpool): { text: string; traceKept: number } {
  let text = '';
  const io = { spool, write: (t: string): void => { text += t; } };
  const options = { snapshotsAtUs: snapshotTimes(s), source: label };
  const run = format === 'json' ? streamReport(s, options, '0.0.0-test', io) : streamRunText(s, options, '0.0.0-test', io);
  return { text, traceKept: run.sim.trace.length };
}

describe('streamed reports are byte-identical to the reports of a kept trace', () => {
  it('finds the repository\'s scenario files', () => {
    expect(FILES.length).toBeGreaterThanOrEqual(20);
  });

  for (const file of FILES) {
    const label = relative(ROOT, file);
    it(label, () => {
      const s = parseScenario(readFileSync(file, 'utf8'), label);
      const kept = runScenario(s, { snapshotsAtUs: snapshotTimes(s), source: label });
      const json = streamed(s, label, 'json');
      expect(json.traceKept).toBe(0);
      expect(json.text).toBe(`${JSON.stringify(buildReport(kept, '0.0.0-test'), null, 2)}\n`);
      const text = streamed(s, label, 'text');
      expect(text.traceKept).toBe(0);
      expect(text.text).toBe(renderRunText(kept, '0.0.0-test'));
    });
  }

  it('through temporary files, as the command line streams', () => {
    const file = join(ROOT, 'scenarios/seed-cache-experiment.yaml');
    const s = parseScenario(readFileSync(file, 'utf8'), 'seed-cache-experiment.yaml');
    const spools = fileSpools();
    try {
      expect(streamed(s, 'x', 'json', spools.spool).text).toBe(streamed(s, 'x', 'json').text);
    } finally {
      spools.dispose();
    }
  });
});

describe('file spools', () => {
  it('give back what was written, in order, across many chunks and split UTF-8 characters', () => {
    const spools = fileSpools();
    try {
      const a = spools.spool();
      const b = spools.spool();
      expect(a.empty).toBe(true);
      // 3-byte characters at odd offsets: 1 MiB reads split some of them.
      const piece = `x${'→'.repeat(999)}né\n`;
      let expected = '';
      for (let k = 0; k < 1500; k++) { a.write(`${k}${piece}`); expected += `${k}${piece}`; b.write(String(k)); }
      let got = '';
      a.drain((t) => { got += t; });
      expect(a.empty).toBe(false);
      expect(got.length).toBe(expected.length);
      expect(got === expected).toBe(true);
      let gotB = '';
      b.drain((t) => { gotB += t; });
      expect(gotB).toBe(Array.from({ length: 1500 }, (_, k) => String(k)).join(''));
    } finally {
      spools.dispose();
    }
  });

  it.runIf(process.platform === 'linux')('write to their file once 64 Ki characters are pending, so a long report does not pile up in memory', () => {
    // The descriptors of spool files open in this process (/proc/self/fd links to the unlinked file).
    const spoolFds = (): number[] => readdirSync('/proc/self/fd').filter((fd) => {
      try {
        return /grsim-report-[^/]*\/spool/.test(readlinkSync(`/proc/self/fd/${fd}`));
      } catch {
        return false; // closed since the listing
      }
    }).map(Number);
    const before = new Set(spoolFds());
    const spools = fileSpools();
    try {
      const a = spools.spool();
      const line = `${'x'.repeat(99)}\n`;
      for (let k = 0; k < 3000; k++) a.write(line);
      // 300,000 characters written: all but the last chunk (under 64 Ki) must be in the file already.
      const sizes = spoolFds().filter((fd) => !before.has(fd)).map((fd) => fstatSync(fd).size);
      expect(sizes.some((size) => size <= 300_000 && 300_000 - size < 65_536)).toBe(true);
      let got = 0;
      a.drain((t) => { got += t.length; });
      expect(got).toBe(300_000);
    } finally {
      spools.dispose();
    }
  });

  it.runIf(process.platform !== 'win32')('leave nothing in the temporary directory while they are in use, so a killed run leaves nothing behind', () => {
    const ours = (): string[] => readdirSync(tmpdir()).filter((n) => n.startsWith('grsim-report-')).sort();
    const before = ours();
    const spools = fileSpools();
    try {
      const a = spools.spool();
      a.write('still readable through its descriptor');
      expect(ours()).toEqual(before);
      let got = '';
      a.drain((t) => { got += t; });
      expect(got).toBe('still readable through its descriptor');
    } finally {
      spools.dispose();
    }
  });
});

describe('a member added during the run', () => {
  it('has its own error-log section in the streamed text report, with the lines it logged', () => {
    const label = 'test/report/fixtures/member-added-during-run.yaml';
    const s = parseScenario(readFileSync(join(ROOT, label), 'utf8'), label);
    const run = runScenario(s, { source: label });
    const logged = run.sim.trace.filter((e) => e.type === 'log' && e.member === 'node4' && (e.level === 'System' || e.level === 'ERROR' || e.level === 'Warning'));
    expect(logged.length).toBeGreaterThan(3);
    // Streamed as `grsim run` does: the report's fold exists before the member is added.
    const text = streamed(s, label, 'text').text;
    const section = text.slice(text.indexOf('=== node4 '), text.indexOf('--- node4: replication_group_members'));
    for (const e of logged) expect(section).toContain((e as { message: string }).message);
  });
});
