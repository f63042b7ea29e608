import { describe, expect, it } from 'vitest';
import type { ChunkResult, Counterexample } from '../../src/arbitraries/experiments.js';
import { runCli, type CliIo } from '../../src/cli/cli.js';
import { exploreResultFile, type ExploreOptions } from '../../src/cli/explore.js';
import { failureGroups, failureSignature } from '../../src/cli/merge.js';
import { configHash, parseShard, resultFileText, shardIds } from '../../src/cli/shard.js';

/** runCli on an in-memory file system shared between calls (several shards, then a merge). */
function machine(): { grsim: (...args: string[]) => Promise<{ code: number; stdout: string; stderr: string }>; files: Map<string, string> } {
  const files = new Map<string, string>();
  const grsim = async (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
    let stdout = '', stderr = '';
    const io: CliIo = {
      stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; },
      readFile: (path) => {
        const t = files.get(path);
        if (t === undefined) throw Object.assign(new Error(`no ${path}`), { code: 'ENOENT' });
        return t;
      },
      writeFile: (path, text) => { files.set(path, text); },
      version: '0.0.0-test', seedCasePath: '', isTty: false, nowMs: () => 0,
    };
    const code = await runCli(args, io);
    return { code, stdout, stderr };
  };
  return { grsim, files };
}

const PASSING = ['explore', '--property', 'isolation-under-18s-not-expelled', '--members', '3', '--duration', '1m', '--runs', '120', '--seed', '4', '--jobs', '1'];

describe('--shard i/n', () => {
  it('parses 0-based i/n and names the flag, the rule and the value when wrong', () => {
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
    for (const bad of ['3/3', '1/0', '-1/3', '1', 'a/b', '1/3/4']) expect(() => parseShard(bad)).toThrow(`--shard: must be i/n with n in 1..100000 and i in 0..n-1 (0-based, e.g. 0/3, 1/3, 2/3), got "${bad}"`);
  });
  it('splits the run ids into disjoint slices that cover them all', () => {
    const slices = [0, 1, 2].map((index) => shardIds(8, { index, count: 3 }));
    expect(slices).toEqual([[0, 3, 6], [1, 4, 7], [2, 5]]);
    expect(shardIds(8, { index: 0, count: 1 })).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(shardIds(2, { index: 4, count: 5 })).toEqual([]);
  });
});

describe('grsim explore --shard, grsim merge (in-process)', () => {
  it('three shards merged in any order print what the unsharded run prints', async () => {
    const { grsim, files } = machine();
    const whole = await grsim(...PASSING);
    for (const i of [0, 1, 2]) expect((await grsim(...PASSING, '--shard', `${i}/3`, '--out', `s${i}.json`)).code).toBe(0);
    // 120 runs = 5 chunks: shard 0 holds chunks 0 and 3, shard 1 chunks 1 and 4, shard 2 chunk 2.
    expect((JSON.parse(files.get('s0.json')!) as { results: { id: number }[] }).results.map((r) => r.id)).toEqual([0, 3]);
    for (const order of [['s0.json', 's1.json', 's2.json'], ['s2.json', 's0.json', 's1.json']]) {
      const merged = await grsim('merge', ...order);
      expect(merged.code).toBe(0);
      expect(merged.stdout).toBe(whole.stdout);
    }
    expect(whole.stdout).toBe('120 runs, 0 failed\n');
  });

  it('--resume runs only the chunks missing from the file and ends with the same file', async () => {
    const { grsim, files } = machine();
    await grsim(...PASSING, '--shard', '0/2', '--out', 'a.json');
    const fresh = files.get('a.json')!;
    const f = JSON.parse(fresh) as { results: unknown[] };
    expect(f.results).toHaveLength(3);
    files.set('a.json', JSON.stringify({ ...f, results: f.results.slice(0, 1) }));
    const resumed = await grsim(...PASSING, '--shard', '0/2', '--out', 'a.json', '--resume');
    expect(resumed.stderr).toContain("resuming a.json: 1 of the shard's 3 chunks already ran");
    // Chunks 0, 2, 4 (25 + 25 + 20 runs) are the shard's; 0 was in the file: 45 runs remain.
    expect(resumed.stderr).toMatch(/^grsim explore: 45 runs in /m);
    expect(files.get('a.json')).toBe(fresh);
    // A first --resume (no file yet) simply runs the shard.
    expect((await grsim(...PASSING, '--shard', '1/2', '--out', 'b.json', '--resume')).code).toBe(0);
    expect(files.has('b.json')).toBe(true);
  });

  it('refuses to resume or merge files of another seed, version or shard, edited files, and an incomplete set', async () => {
    const { grsim, files } = machine();
    await grsim(...PASSING, '--shard', '0/2', '--out', 'a.json');
    await grsim(...PASSING, '--shard', '1/2', '--out', 'b.json');
    const other = PASSING.map((x, k) => (PASSING[k - 1] === '--seed' ? '5' : x));
    await grsim(...other, '--shard', '1/2', '--out', 'c.json');
    // The message names the configuration field that differs, not only the hash.
    expect(await grsim('merge', 'a.json', 'c.json')).toMatchObject({ code: 2, stderr: 'grsim merge: c.json: config.seed must be 4 as in a.json (results of another version, configuration or seed do not combine), got 5\n' });
    const more = PASSING.map((x, k) => (PASSING[k - 1] === '--seed' ? '5' : PASSING[k - 1] === '--runs' ? '100' : x));
    await grsim(...more, '--shard', '1/2', '--out', 'd.json');
    expect((await grsim('merge', 'a.json', 'd.json')).stderr).toBe('grsim merge: d.json: config.runs must be 120, config.seed must be 4 as in a.json (results of another version, configuration or seed do not combine), got 100, 5\n');
    expect(await grsim('merge', 'a.json')).toMatchObject({ code: 2, stderr: 'grsim merge: the files lack chunks 1, 3 of 5 (every chunk before the first failing one is needed; merge the result files of every shard, or rerun the missing shards with --resume)\n' });
    expect((await grsim(...PASSING, '--shard', '1/3', '--out', 'a.json', '--resume')).stderr).toBe('grsim explore: a.json: shard must be 1/3 as --shard says, got 0/2\n');
    const a = JSON.parse(files.get('a.json')!) as Record<string, unknown>;
    files.set('e.json', JSON.stringify({ ...a, config: { ...(a['config'] as object), runs: 1000 } }));
    expect((await grsim('merge', 'e.json', 'b.json')).stderr).toMatch(/^grsim merge: e\.json: configHash must be the sha256 of the canonical JSON of config \(the file was edited or damaged\)/);
    files.set('v.json', JSON.stringify({ ...a, formatVersion: 2 }));
    expect((await grsim('merge', 'v.json', 'b.json')).stderr).toBe('grsim merge: v.json: formatVersion must be 1 (this grsim reads no other), got 2\n');
    files.set('g.json', JSON.stringify({ ...a, grsimVersion: '9.9.9' }));
    expect((await grsim('merge', 'b.json', 'g.json')).stderr).toMatch(/^grsim merge: g\.json: grsimVersion must be "0\.0\.0-test" as in b\.json/);
    files.set('x.json', 'not json');
    expect((await grsim('merge', 'x.json')).stderr).toMatch(/^grsim merge: x\.json: not a grsim result file \(not JSON: /);
    expect((await grsim('merge', 'nothing.json')).stderr).toBe('grsim merge: cannot read nothing.json (ENOENT)\n');
    const results = a['results'] as { runs: number }[];
    files.set('d.json', JSON.stringify({ ...a, results: [{ ...results[0], runs: 24 }, ...results.slice(1)] }));
    expect((await grsim('merge', 'a.json', 'd.json', 'b.json')).stderr).toBe('grsim merge: d.json: run id 0 has another result than in a.json (the same run must give the same result; was a file edited?)\n');
    expect((await grsim(...PASSING, '--resume')).stderr).toBe('grsim explore: --resume needs --out FILE (the result file to resume)\n');
  });
});

/** A failing chunk whose violation message carries `n` (a time, a member number). */
function failing(runs: number, n: number, faults: number): ChunkResult {
  const c: Counterexample = {
    schedule: { faults: Array.from({ length: faults }, () => ({ kind: 'isolate', member: `node${n}`, atUs: 1_000_000, durationUs: 19_000_000 })) } as unknown as Counterexample['schedule'],
    seed: n, violation: { invariant: 'p', t: n * 1_000_000, members: [`node${n}`], message: `node1 removed node${n} at ${n}.5 s` },
    scenarioYaml: `# case ${n}\n`,
  };
  return { runs, failed: 1, counterexample: c };
}
const pass: ChunkResult = { runs: 25, failed: 0, counterexample: null };

describe('merge: the lowest failing chunk and the failures by signature', () => {
  const o: ExploreOptions = { property: 'minority-never-expels', members: 3, durationUs: 60_000_000, runs: 200, seed: 7, jobs: 1 };
  // The unsharded run stops at chunk 2 (it fails at its 4th run). Shard 0 ran on to chunk 3 and
  // shard 1 to its own failure in chunk 4: those are past chunk 2 and not counted.
  const results: (ChunkResult | undefined)[] = [pass, pass, failing(4, 2, 2), pass, failing(9, 3, 1), undefined, undefined, undefined];
  const shard = (index: number): string => resultFileText(exploreResultFile(o, { index, count: 3 }, results, '0.0.0-test'));

  it('prints the counterexample of the lowest failing chunk and counts the runs up to it; exit 1', async () => {
    const { grsim, files } = machine();
    [0, 1, 2].forEach((i) => files.set(`s${i}.json`, shard(i)));
    expect((JSON.parse(files.get('s1.json')!) as { results: { id: number }[] }).results.map((r) => r.id)).toEqual([1, 4]);
    const r = await grsim('merge', 's1.json', 's2.json', 's0.json');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^Property minority-never-expels failed \(seed 7, chunk 2, simulation seed 2\):\n  node1 removed node2 at 2\.5 s\n/);
    expect(r.stdout).toContain('# case 2\n');
    expect(r.stdout.endsWith('\n54 runs, 1 failed\n')).toBe(true);
    // Both failures share a signature; the smaller (one fault) is chunk 4's, with its replay command.
    expect(r.stderr).toContain('1 distinct failure in 2 failing chunks');
    expect(r.stderr).toContain('    chunks 2, 4; smallest in chunk 4, 1 fault');
    expect(r.stderr).toContain('    grsim explore --property minority-never-expels --members 3 --duration 1m --runs 200 --seed 7 --shard 4/8 --jobs 1\n');
  });

  it('a signature blanks the numbers; the smallest counterexample does not depend on the order found', () => {
    expect(failureSignature(failing(1, 2, 1).counterexample!)).toBe('p: node# removed node# at # s');
    const a = new Map([[2, failing(4, 2, 2)], [4, failing(9, 3, 1)], [6, failing(9, 5, 1)]]);
    const b = new Map([...a].reverse());
    expect(failureGroups(a)).toEqual(failureGroups(b));
    expect(failureGroups(a).map((g) => [g.chunks, g.smallest.k])).toEqual([[[2, 4, 6], 4]]);
  });

  it('the config hash is over the canonical JSON (key order does not matter)', () => {
    expect(configHash({ a: 1, b: [1, { c: 2, d: 3 }] })).toBe(configHash({ b: [1, { d: 3, c: 2 }], a: 1 }));
    expect(configHash({ a: 1 })).not.toBe(configHash({ a: 2 }));
  });
});

describe('grsim cache-size --sweep --shard (in-process)', () => {
  const SWEEP = ['cache-size', '--rate', '2000/s', '--size', '1KiB', '--expel-timeout', '60', '--runs', '1', '--sweep', '--sizes', '128MiB,192MiB', '--outages', '30s,70s'];
  it('two shards merged print the unsharded sweep byte for byte (JSON and table; the wall time, summed, on stderr)', async () => {
    const { grsim, files } = machine();
    const json = await grsim(...SWEEP, '--json');
    const text = await grsim(...SWEEP);
    for (const i of [0, 1]) {
      const r = await grsim(...SWEEP, '--shard', `${i}/2`, '--out', `w${i}.json`);
      expect(r).toMatchObject({ code: 0, stdout: '' });
      expect(r.stderr).toBe(`grsim cache-size --sweep: shard ${i}/2: 2 cells run, 0 resumed, of 4; result in w${i}.json\n`);
    }
    expect((await grsim('merge', 'w1.json', 'w0.json', '--json')).stdout).toBe(json.stdout);
    const merged = await grsim('merge', 'w0.json', 'w1.json', '--plot', 'm.svg');
    expect(merged.stdout).toBe(text.stdout);
    expect(merged.stderr).toMatch(/\ngrsim merge: \d+ simulations in [\d.]+ s \(the cells' run time summed over the shards\)\ngrsim merge: chart written to m\.svg\n$/);
    expect(files.get('m.svg')).toMatch(/^<svg/);
    expect(await grsim('merge', 'w0.json')).toMatchObject({ code: 2, stderr: 'grsim merge: the files lack cells 1, 3 of 4: merge the result files of every shard, or rerun the missing shards with --resume\n' });
    // --resume of a shard whose file lost a cell runs that cell alone and writes the same results.
    const w0 = JSON.parse(files.get('w0.json')!) as { results: { wallMs: number }[] };
    files.set('w0.json', JSON.stringify({ ...w0, results: w0.results.slice(1) }));
    const resumed = await grsim(...SWEEP, '--shard', '0/2', '--out', 'w0.json', '--resume');
    expect(resumed.stderr).toBe('grsim cache-size --sweep: shard 0/2: 1 cells run, 1 resumed, of 4; result in w0.json\n');
    const noWall = (t: string): string => t.replace(/"wallMs": \d+/g, '"wallMs": 0');
    expect(noWall(files.get('w0.json')!)).toBe(noWall(resultFileText(w0 as unknown as Parameters<typeof resultFileText>[0])));
    expect((await grsim('cache-size', '--rate', '2000/s', '--size', '1KiB', '--shard', '0/2')).stderr).toBe('grsim cache-size: --shard, --out and --resume go with --sweep\n');
  });
});
