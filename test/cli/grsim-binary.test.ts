import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { ScenarioReport, ReportLogLine } from '../../src/index.js';
import { validateReport } from '../helpers/report-schema.js';

/** Runs the built `grsim` binary (npm test builds first) as a user would. */
const BIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const SEED_CASE = fileURLToPath(new URL('../../scenarios/seed-case.yaml', import.meta.url));
const PKG = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

function grsim(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const dir = mkdtempSync(join(tmpdir(), 'grsim-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('grsim --help, --version and usage errors', () => {
  it('--version prints the package version', () => {
    expect(grsim('--version')).toEqual({ code: 0, stdout: `${PKG.version}\n`, stderr: '' });
  });
  it('--help lists the commands and the exit codes', () => {
    const r = grsim('--help');
    expect(r.code).toBe(0);
    for (const command of ['run [options] <file>', 'demo [options]', 'explore [options]', 'cache-size [options]']) expect(r.stdout).toMatch(new RegExp(`^  ${command.replace(/[[\]]/g, '\\$&')} +\\w`, 'm'));
    expect(r.stdout).toMatch(/^Exit codes:\n {2}0 .*\n {2}1 .*\n {2}2 .*\n {2}3 {2}an internal error/m);
  });
  it('exits 2 with usage for no command, an unknown command, a bad flag or a missing file', () => {
    expect(grsim().code).toBe(2);
    const unknown = grsim('simulate');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('grsim: unknown command simulate; grsim --help lists the commands\n');
    const badFormat = grsim('run', SEED_CASE, '--format', 'xml');
    expect(badFormat).toMatchObject({ code: 2, stdout: '' });
    expect(badFormat.stderr).toBe('grsim run: --format: must be one of text, json, html, got "xml"\n');
    expect(grsim('run', SEED_CASE, '--seed', '').stderr).toBe('grsim run: --seed: must be an integer in -9007199254740991..9007199254740991 or a non-empty string, got ""\n');
    expect(grsim('run', SEED_CASE, '--seed', '99999999999999999999').stderr)
      .toBe('grsim run: --seed: must be an integer in -9007199254740991..9007199254740991 or a non-empty string (digits are read as an integer), got "99999999999999999999"\n');
    expect(grsim('run', SEED_CASE, '--colour').code).toBe(2);
    expect(grsim('run').stderr).toBe('grsim run: missing the <file> argument; grsim run --help shows the usage\n');
    expect(grsim('run', SEED_CASE, SEED_CASE).stderr).toBe('grsim run: too many arguments (expected 1, got 2); grsim run --help shows the usage\n');
    const missing = grsim('run', join(dir, 'nope.yaml'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read .*nope\.yaml \(ENOENT\)/);
  });
  it('exits 2 naming the file and the path for an invalid scenario', () => {
    const bad = file('bad.yaml', 'members: [a, b, c]\nevents:\n  - { at: "+1s", cut: { from: a, to: d } }\n');
    const r = grsim('run', bad);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`${bad}:3: events[0].cut.to must name a member (a, b, c), got "d"\n`);
  });
  it('exits 2 when --until is before the last event or --at after the end', () => {
    expect(grsim('run', SEED_CASE, '--until', '+100s').stderr).toBe('grsim run: --until: must not be before the last event (events[2]), got "+100s"\n');
    const late = grsim('run', SEED_CASE, '--at', '+400s');
    expect(late.code).toBe(2);
    expect(late.stderr).toBe('grsim run: --at: must not be after the end of the run (320 s), got "+400s"\n');
    // The time as typed, whatever its form, and whichever --at is late.
    expect(grsim('run', SEED_CASE, '--at', '+1m', '--at', '+10m').stderr).toBe('grsim run: --at: must not be after the end of the run (320 s), got "+10m"\n');
    expect(grsim('run', SEED_CASE, '--at', '13:09:00').stderr).toBe('grsim run: --at: must not be after the end of the run (320 s), got "13:09:00"\n');
  });
  it('reports a bad --until as a flag, not as a line of the scenario file', () => {
    const r = grsim('run', SEED_CASE, '--until', 'soon');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^grsim run: --until: must be a clock time .*, got "soon"\n$/);
    expect(r.stderr).not.toContain('seed-case.yaml');
  });
  it('exits 2 naming the event when the simulation refuses it as it fires', () => {
    const p = file('restart.yaml', 'members: [a, b, c]\nevents:\n  - { at: "+1s", restart: b }\n');
    const r = grsim('run', p);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${p}:3: events[0].restart names a member whose server is running (crash it first) when it fires at 1.000000 s, got "b"`);
  });
});

/** The reference case's tolerances (docs/seed-case.md), checked on the JSON report. */
describe('grsim run scenarios/seed-case.yaml --format json', () => {
  const r = grsim('run', SEED_CASE, '--format', 'json', '--at', '13:03:09', '--at', '+51s');
  const report = JSON.parse(r.stdout) as ScenarioReport;
  const cut = 11, heal = 280;
  const logs = (member: string, code: string): ReportLogLine[] => report.log.filter((l) => l.member === member && l.code === code);
  const hosts = (table: readonly { MEMBER_HOST: string; MEMBER_STATE: string; MEMBER_ROLE: string }[]): string[] =>
    table.map((row) => `${row.MEMBER_HOST}:${row.MEMBER_STATE}:${row.MEMBER_ROLE}`);

  it('exits 0 with a report that satisfies docs/report.schema.json', () => {
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(validateReport(report), JSON.stringify(validateReport.errors)).toBe(true);
    expect(report).toMatchObject({ grsim: PKG.version, scenario: 'seed-case', seed: 7, version: '8.0.21', start: '2022-07-31T13:02:50Z', end: 320 });
    expect(report.members.map((m) => `${m.name} ${m.host}:${m.port} ${m.uuid}`)).toEqual([
      'node1 192.168.244.10:3306 207db264-0192-11ed-92c9-02001700754e',
      'node2 192.168.244.20:3306 2cee229d-0192-11ed-8eff-02001700f110',
      'node3 192.168.244.30:3306 4cbfdc79-0192-11ed-8b01-02001701bd0a',
    ]);
  });
  it('log lines carry t in seconds with microseconds and the same instant as MySQL prints it', () => {
    const first = report.log[0]!;
    const us = Math.round(first.t * 1e6);
    expect(first.t).toBe(us / 1e6);
    const d = new Date(Date.UTC(2022, 6, 31, 13, 2, 50) + Math.floor(us / 1000));
    expect(first.time).toBe(`${d.toISOString().slice(0, 19)}.${String((Date.UTC(2022, 6, 31, 13, 2, 50) * 1000 + us) % 1_000_000).padStart(6, '0')}Z`);
    expect(report.log.every((l, i) => i === 0 || l.t >= report.log[i - 1]!.t)).toBe(true);
    expect(report.log.some((l) => (l.level as string) === 'Note')).toBe(false);
  });
  it('node1 and node2 see node3 unreachable 4–7 s after the cut; node3 loses the majority then', () => {
    for (const m of ['node1', 'node2']) {
      const e = logs(m, 'MY-011493')[0]!;
      expect(e.message).toBe('Member with address 192.168.244.30:3306 has become unreachable.');
      expect(e.t - cut).toBeGreaterThanOrEqual(4);
      expect(e.t - cut).toBeLessThanOrEqual(7);
    }
    const n3 = logs('node3', 'MY-011493').filter((l) => l.t < heal);
    expect(n3).toHaveLength(2);
    for (const l of [...n3, logs('node3', 'MY-011495')[0]!]) expect(l.t - cut).toBeGreaterThanOrEqual(4), expect(l.t - cut).toBeLessThanOrEqual(7);
  });
  it('node1 removes node3 15–17 s after its MY-011493, in a two-member view, and node3 expels nobody', () => {
    const unreachable = logs('node1', 'MY-011493')[0]!;
    const removed = logs('node1', 'MY-011499')[0]!;
    expect(removed.t - unreachable.t).toBeGreaterThanOrEqual(15);
    expect(removed.t - unreachable.t).toBeLessThanOrEqual(17);
    expect(logs('node1', 'MY-011503')[0]!.message).toMatch(/^Group membership changed to 192\.168\.244\.10:3306, 192\.168\.244\.20:3306 on view \d+:3\.$/);
    expect(report.log.filter((l) => l.member === 'node3' && l.t < heal && ['MY-011499', 'MY-011503', 'MY-011505'].includes(l.code))).toEqual([]);
    const v3 = report.views.find((v) => v.member === 'node1' && v.viewId.endsWith(':3'))!;
    expect(v3.members).toEqual(['node1', 'node2']);
  });
  it('states: node1 shows node3 UNREACHABLE, then drops it; node3 shows its peers UNREACHABLE', () => {
    const n1n3 = report.states.filter((s) => s.observer === 'node1' && s.member === 'node3');
    expect(n1n3.map((s) => [s.t === 0 ? 0 : 't', s.state])).toEqual([[0, 'ONLINE'], ['t', 'UNREACHABLE'], ['t', null], ['t', 'RECOVERING'], ['t', 'ONLINE']]);
    expect(n1n3[1]!.t).toBe(logs('node1', 'MY-011493')[0]!.t);
    expect(n1n3[2]!.t).toBe(logs('node1', 'MY-011499')[0]!.t);
    expect(report.states.filter((s) => s.observer === 'node3' && s.member !== 'node3' && s.t > 0 && s.t < heal).map((s) => s.state)).toEqual(['UNREACHABLE', 'UNREACHABLE']);
    expect(report.states.filter((s) => s.t === 0)).toHaveLength(9); // every observer's initial belief about every member
  });
  it('the --at snapshots match the case’s performance_schema tables', () => {
    const at = (t: number, m: string) => report.snapshots.find((s) => s.t === t && s.member === m)!;
    expect(hosts(at(19, 'node1').table)).toEqual(['192.168.244.10:ONLINE:PRIMARY', '192.168.244.20:ONLINE:PRIMARY', '192.168.244.30:UNREACHABLE:PRIMARY']);
    expect(hosts(at(19, 'node3').table)).toEqual(['192.168.244.10:UNREACHABLE:PRIMARY', '192.168.244.20:UNREACHABLE:PRIMARY', '192.168.244.30:ONLINE:PRIMARY']);
    expect(at(19, 'node3').time).toBe('2022-07-31T13:03:09.000000Z');
    expect(hosts(at(51, 'node1').table)).toEqual(['192.168.244.10:ONLINE:PRIMARY', '192.168.244.20:ONLINE:PRIMARY']);
    expect(hosts(at(51, 'node3').table)).toEqual(hosts(at(19, 'node3').table));
  });
  it('after the heal node3 is expelled, rolls back the DELETE, rejoins and is ONLINE; node1 sees it online', () => {
    const after = report.log.filter((l) => l.member === 'node3' && l.t >= heal).map((l) => l.code);
    expect(after).toEqual(['MY-011494', 'MY-011494', 'MY-011498', 'MY-011505', 'MY-011630', 'MY-011712', 'MY-011615', 'MY-010207',
      'MY-011565', 'MY-013373', 'MY-011504', 'MY-010597', 'MY-013375', 'MY-013471', 'MY-011503', 'MY-010597', 'MY-010897',
      'MY-010562', 'MY-010597', 'MY-011490', 'MY-011566']);
    const expelled = logs('node3', 'MY-011505')[0]!;
    expect(expelled.t - heal).toBeGreaterThan(3);
    expect(expelled.t - heal).toBeLessThan(25);
    expect(report.writes).toEqual([{ id: 1, member: 'node3', submitted: 30, outcome: 'rolled_back', at: expelled.t, error: expect.stringContaining('ERROR 3100'), consistency: 'EVENTUAL' }]);
    expect(logs('node1', 'MY-011503')[1]!.message).toMatch(/192\.168\.244\.30:3306 on view \d+:4\.$/);
    expect(logs('node1', 'MY-011492')[0]!.t).toBeGreaterThan(heal);
    expect(report.states.filter((s) => s.observer === 'node3' && s.member === 'node3' && s.t >= heal).map((s) => s.state)).toEqual(['ERROR', 'RECOVERING', 'ONLINE']);
    for (const m of ['node1', 'node2', 'node3']) {
      expect(report.final[m]!.state).toBe('ONLINE');
      expect(hosts(report.final[m]!.table)).toEqual(['192.168.244.10:ONLINE:PRIMARY', '192.168.244.20:ONLINE:PRIMARY', '192.168.244.30:ONLINE:PRIMARY']);
    }
    expect(report.final.node3!.superReadOnly).toBe(false);
  });
  it('is byte-identical when run again, and differs with another --seed', () => {
    expect(grsim('run', SEED_CASE, '--format', 'json', '--at', '13:03:09', '--at', '+51s').stdout).toBe(r.stdout);
    const other = JSON.parse(grsim('run', SEED_CASE, '--format', 'json', '--seed', '8').stdout) as ScenarioReport;
    expect(other.seed).toBe(8);
    expect(other.log[0]!.t).not.toBe(report.log[0]!.t);
  });
  it('--seed takes a string seed as the file\'s seed: does, with the same run', () => {
    const flag = grsim('run', SEED_CASE, '--format', 'json', '--seed', 'abc');
    expect(flag.code).toBe(0);
    expect((JSON.parse(flag.stdout) as ScenarioReport).seed).toBe('abc');
    const inFile = file('string-seed.yaml', readFileSync(SEED_CASE, 'utf8').replace(/^seed: 7$/m, 'seed: abc'));
    const fromFile = grsim('run', inFile, '--format', 'json');
    expect(fromFile.code).toBe(0);
    expect(fromFile.stdout.replace(/"scenario": "[^"]*"/, '')).toBe(flag.stdout.replace(/"scenario": "[^"]*"/, ''));
  });
  it('--seed 1.5 is the string seed "1.5", as the file\'s quoted seed: "1.5"; the file\'s unquoted 1.5 is a number, refused', () => {
    const flag = grsim('run', SEED_CASE, '--format', 'json', '--seed', '1.5');
    expect(flag.code).toBe(0);
    expect((JSON.parse(flag.stdout) as ScenarioReport).seed).toBe('1.5');
    const quoted = grsim('run', file('quoted-seed.yaml', readFileSync(SEED_CASE, 'utf8').replace(/^seed: 7$/m, 'seed: "1.5"')), '--format', 'json');
    expect(quoted.stdout.replace(/"scenario": "[^"]*"/, '')).toBe(flag.stdout.replace(/"scenario": "[^"]*"/, ''));
    const bare = file('bare-seed.yaml', readFileSync(SEED_CASE, 'utf8').replace(/^seed: 7$/m, 'seed: 1.5'));
    expect(grsim('run', bare)).toMatchObject({
      code: 2, stderr: `${bare}:${readFileSync(SEED_CASE, 'utf8').split('\n').indexOf('seed: 7') + 1}: seed must be an integer in -9007199254740991..9007199254740991 or a non-empty string (quote a number to use it as a string seed, like "1.5"), got 1.5\n`,
    });
  });
});

describe('grsim text output', () => {
  it('run prints the schedule, each error log in MySQL format and the tables at --at and at the end', () => {
    const r = grsim('run', SEED_CASE, '--at', '13:03:10');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('2022-07-31T13:03:01.000000Z  node3 is cut off from every other member (both ways)');
    expect(r.stdout).toMatch(/^2022-07-31T13:03:0\d\.\d{6}Z 0 \[Warning\] \[MY-011493\] \[Repl\] Plugin group_replication reported: 'Member with address 192\.168\.244\.30:3306 has become unreachable\.'$/m);
    for (const m of ['node1', 'node2', 'node3']) {
      expect(r.stdout).toContain(`=== ${m} (192.168.244.`);
      expect(r.stdout).toContain(`--- ${m}: replication_group_members at 2022-07-31T13:03:10.000000Z ---`);
      expect(r.stdout).toContain(`--- ${m}: replication_group_members at 2022-07-31T13:08:10.000000Z (end) ---`);
    }
    expect(r.stdout).toMatch(/\| 4cbfdc79-0192-11ed-8b01-02001701bd0a \| 192\.168\.244\.30 \| 3306 +\| UNREACHABLE +\| PRIMARY +\|/);
    expect(r.stdout).toMatch(/#1 on node3 at 2022-07-31T13:03:20\.000000Z, consistency EVENTUAL: rolled_back at .* — ERROR 3100/);
  });
  it('demo runs the shipped seed case as text', () => {
    const r = grsim('demo');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe(`grsim ${PKG.version} — seed-case: 3 members, multi-primary, MySQL 8.0.21 (profile 8.0.21), seed 7`);
    expect(r.stdout).toContain("[MY-011505] [Repl] Plugin group_replication reported: 'Member was expelled from the group due to network failures, changing member status to ERROR.'");
    expect(r.stdout).toContain('--- node1: replication_group_members at 2022-07-31T13:03:41.000000Z ---');
  });
});

describe('grsim explore runs in a child node process with the tiering flags', () => {
  const args = ['explore', '--property', 'one-primary-per-view', '--members', '3', '--duration', '1m', '--runs', '4', '--jobs', '1', '--seed', '7'];

  it('prints what the same command prints in process, and exits with its status', async () => {
    const { runCli } = await import('../../src/cli/cli.js');
    let stdout = '';
    const code = await runCli(args, {
      stdout: (t) => { stdout += t; }, stderr: () => {}, readFile: (p) => readFileSync(p, 'utf8'), version: PKG.version,
      seedCasePath: SEED_CASE, isTty: false, nowMs: () => 0,
    });
    const r = grsim(...args);
    expect(r.code).toBe(code);
    expect(r.stdout).toBe(stdout);
    expect(r.stdout).toMatch(/^4 runs, 0 failed$/m);
  });

  it('passes a usage error and its exit status through', () => {
    const r = grsim('explore', '--property', 'nope');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--property: must be one of');
  });

  it('a process started with the flags runs explore itself (no second child), with the same output', async () => {
    const { EXPLORE_V8_FLAGS, hasExploreTiering } = await import('../../src/cli/explore-tiering.js');
    expect(hasExploreTiering([...EXPLORE_V8_FLAGS])).toBe(true);
    expect(hasExploreTiering([])).toBe(false);
    const r = spawnSync(process.execPath, [...EXPLORE_V8_FLAGS, BIN, ...args], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(grsim(...args).stdout);
  });
});

describe('output paths are checked before the work, not after it', () => {
  // Each command would otherwise simulate everything and then fail with "cannot write … (ENOENT)".
  const missing = join(dir, 'no-such-directory');
  const sweep = ['cache-size', '--rate', '2000/s', '--size', '1KiB', '--sweep', '--sizes', '128MiB', '--outages', '30s'];
  const cases: readonly (readonly [string, readonly string[], string, string])[] = [
    ['run', ['run', SEED_CASE], '--html', join(missing, 'timeline.html')],
    ['cache-size', sweep, '--out', join(missing, 'sweep.json')],
    ['cache-size', sweep, '--plot', join(missing, 'sweep.svg')],
  ];
  for (const [command, args, flag, path] of cases) {
    it(`${command} ${flag} into a missing directory exits 2 at once, naming the flag and the path`, () => {
      const r = grsim(...args, flag, path);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`grsim ${command}: ${flag}: its directory ${missing} must exist (grsim does not create directories), got ${JSON.stringify(path)}\n`);
      expect(r.stdout).toBe('');
    });
  }

  it('merge --plot and --save into a missing directory exit 2 before printing the merged result', () => {
    const shard = join(dir, 'sweep-shard.json');
    expect(grsim(...sweep, '--shard', '0/1', '--out', shard).code).toBe(0);
    const plot = join(missing, 'merged.svg');
    expect(grsim('merge', shard, '--plot', plot)).toEqual({ code: 2, stdout: '', stderr: `grsim merge: --plot: its directory ${missing} must exist (grsim does not create directories), got ${JSON.stringify(plot)}\n` });
    const explored = join(dir, 'explore-shard.json');
    expect(grsim('explore', '--property', 'one-primary-per-view', '--runs', '2', '--jobs', '1', '--shard', '0/1', '--out', explored).code).toBe(0);
    const save = join(missing, 'cx');
    expect(grsim('merge', explored, '--save', save)).toEqual({ code: 2, stdout: '', stderr: `grsim merge: --save: its directory ${missing} must exist (grsim does not create directories), got ${JSON.stringify(save)}\n` });
  });
});
