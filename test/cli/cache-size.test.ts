import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli, type CliIo } from '../../src/cli/cli.js';

interface Captured { code: number; stdout: string; stderr: string; files: Map<string, string> }

/** runCli in memory; the fake clock advances `tickMs` per reading (another tick: another wall time). */
async function grsim(args: string[], tty = false, tickMs = 10, files = new Map<string, string>()): Promise<Captured> {
  let stdout = '', stderr = '', clock = 0;
  const io: CliIo = {
    stdout: (t) => { stdout += t; },
    stderr: (t) => { stderr += t; },
    readFile: (path) => {
      const text = files.get(path);
      if (text === undefined) throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
      return text;
    },
    version: '0.0.0-test',
    seedCasePath: '/nonexistent',
    isTty: tty,
    nowMs: () => (clock += tickMs),
    writeFile: (path, text) => { files.set(path, text); },
  };
  const code = await runCli(['cache-size', ...args], io);
  return { code, stdout, stderr, files };
}

const WORKLOAD = ['--rate', '2000/s', '--size', '1KiB'];

describe('grsim cache-size', () => {
  it('prints the answer beside the rule of thumb and the exact-cadence estimate (expel timeout 5: the minimum suffices)', async () => {
    const r = await grsim(WORKLOAD);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^grsim cache-size: \d+ simulations in \d+\.\d s\n$/);
    expect(r.stdout).toMatch(/^grsim cache-size: MySQL 8\.0\.21, 3 members, node1 writes 2000\/s × 1KiB, node3 silent, expel timeout 5 s, seeds 1, 2, 3\n/);
    expect(r.stdout).toMatch(/^Outage {18}1\d\.\d s: the longest outage without an expel, found by simulation \(\d+\.\d s was expelled by timeout\)$/m);
    expect(r.stdout).toMatch(/^Answer {18}128 MiB \(134217728 bytes\): the minimum group_replication_message_cache_size already suffices$/m);
    expect(r.stdout).toMatch(/^Rule of thumb {11}[\d.]+ MiB = [\d.]+ MiB\/s × \(5 s \+ expel timeout 5 s\)$/m);
    expect(r.stdout).toMatch(/^Exact-cadence estimate  [\d.]+ MiB = [\d.]+ MiB\/s × \(detection \d\.\d s \+ suspicion cadence 15\.0 s: 15 s × ⌈5\/15⌉\)$/m);
    expect(r.stdout).toMatch(/^Rule of thumb is off    \d+% too small against the exact-cadence estimate/m);
  });

  it('a bare-number rate and size are printed with their units, and a small load in MiB with two significant digits, not as 0.0', async () => {
    const r = await grsim(['--rate', '10', '--size', '512', '--runs', '1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^grsim cache-size: MySQL 8\.0\.21, 3 members, node1 writes 10\/s × 512 B, node3 silent/);
    expect(r.stdout).toMatch(/^Cache growth {12}0\.0\d\d MiB\/s on a healthy group/m);
    expect(r.stdout).toMatch(/^Rule of thumb {11}0\.\d+ MiB = 0\.0\d\d MiB\/s × /m);
  });

  it('expel timeout 60s with one seed: an answer above the minimum, the size below it failing, the rule of thumb off', async () => {
    const r = await grsim([...WORKLOAD, '--expel-timeout', '60s', '--runs', '1', '--seed', '2']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('expel timeout 60 s, seeds 2\n');
    expect(r.stdout).toMatch(/^Answer {18}1\d\d\.0 MiB \(\d+ bytes\), precision 1 MiB; 1\d\d\.0 MiB failed \(seed 2: evicted, rejoined\)$/m);
    expect(r.stdout).toMatch(/^Rule of thumb is off    \d+% too (large|small) against the simulated answer \(\d\.\d\d×\)$/m);
  });

  it('--json prints the sizing result', async () => {
    const r = await grsim([...WORKLOAD, '--outage', '15s', '--runs', '1', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(j).toMatchObject({ command: 'cache-size', outageUs: 15_000_000, outageSource: 'given', atMinimum: true, cacheSizeBytes: 134217728, seeds: [1], expelTimeoutS: 5 });
    expect(typeof j.ruleOfThumbBytes).toBe('number');
    expect(typeof j.exactCadenceBytes).toBe('number');
  });

  it('--sweep prints the table and, off a terminal, only the wall time on stderr (no progress bar)', async () => {
    const r = await grsim([...WORKLOAD, '--expel-timeout', '60', '--runs', '1', '--sweep', '--sizes', '128MiB,192MiB', '--outages', '30s,58s,70s']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[3]).toMatch(/^cache size \\ outage\s+30 s\s+58 s\s+70 s$/);
    expect(lines[4]).toMatch(/^128 MiB\s+caught up\s+evicted, rejoined\s+expelled by timeout$/);
    expect(lines[5]).toMatch(/^192 MiB\s+caught up\s+caught up\s+expelled by timeout$/);
    // sizeCache's answer for the same group, beside the grid the user chose (it is not in it).
    expect(r.stdout).toMatch(/^answer: \d+ MiB \(rule of thumb [\d.]+ MiB\) for an outage of 64 s \(the longest without an expel\)$/m);
    expect(r.stdout).toMatch(/^\d+ simulations, \d+ simulated seconds\n$/m);
    expect(r.stderr).toMatch(/^grsim cache-size: \d+ simulations in \d+\.\d s\n$/);
  });

  it('the --sweep example of --help and docs/cli.md shows every outcome (an expel timeout the outages straddle)', async () => {
    const example = /^ *grsim cache-size (.*--sweep.*)$/m.exec((await grsim(['--help'])).stdout)?.[1];
    expect(example).toBeDefined();
    expect(readFileSync(new URL('../../docs/cli.md', import.meta.url), 'utf8')).toContain(`\ngrsim cache-size ${example}\n`);
    const r = await grsim((example as string).split(' '));
    expect(r.code).toBe(0);
    const table = r.stdout.split('\n\n')[1] as string;
    for (const outcome of ['caught up', 'evicted, rejoined', 'expelled by timeout']) expect(table).toContain(outcome);
  });

  it('--sweep with the default grid includes the answer\'s row and column', async () => {
    const r = await grsim([...WORKLOAD, '--expel-timeout', '60', '--runs', '1', '--sweep']);
    expect(r.code).toBe(0);
    const answer = /^answer: (\d+) MiB .*; its row and column are in the grid$/m.exec(r.stdout);
    expect(answer).not.toBeNull();
    expect(r.stdout).toMatch(new RegExp(`^${answer![1]} MiB\\s+caught up`, 'm'));
    expect(r.stdout).toMatch(/^cache size \\ outage\s.*\b64 s\b/m);
  });

  it('--plot writes an SVG of the sweep (implies --sweep); on a terminal the bar redraws one line', async () => {
    const r = await grsim([...WORKLOAD, '--runs', '1', '--sizes', '128MiB', '--outages', '10s,25s', '--plot', 'out.svg'], true);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('chart written');
    // The sizing step first (its number of runs is not known in advance: a count), then the cells' bar.
    expect(r.stderr).toMatch(/^\rsizing: 1 runs so far, [\d.]+ s, \d+ runs\/min(\rsizing: \d+ runs so far, [\d.]+ s, \d+ runs\/min)*\n\r\[#+\.+\] 1\/2 runs, [\d.]+ s, \d+ runs\/min\r\[#{30}\] 2\/2 runs, [\d.]+ s, \d+ runs\/min\n/);
    expect(r.stderr).toMatch(/\ngrsim cache-size: \d+ simulations in \d+\.\d s\ngrsim cache-size: chart written to out\.svg\n$/);
    const svg = r.files.get('out.svg')!;
    expect(svg).toMatch(/^<svg [^>]*>[\s\S]*<\/svg>\n$/);
    expect(svg).toContain('>caught up</text>');
  });

  it.each([
    ['the answer', [...WORKLOAD, '--outage', '15s', '--runs', '1']],
    ['the sweep and its chart', [...WORKLOAD, '--runs', '1', '--sizes', '128MiB', '--outages', '10s', '--plot', 'out.svg']],
  ])('%s: stdout is the same whatever the wall time; the wall time and the chart\'s path are on stderr', async (_, args) => {
    const quick = await grsim(args, false, 1), slow = await grsim(args, false, 977);
    expect(quick.code).toBe(0);
    expect(slow.stdout).toBe(quick.stdout);
    expect(quick.stdout).not.toMatch(/ in \d+\.\d s|written to/);
    expect(slow.stderr).not.toBe(quick.stderr);
    expect(slow.stderr).toMatch(/^grsim cache-size: \d+ simulations in \d+\.\d s\n/);
  });

  it('--help prints the usage, every flag and examples', async () => {
    const r = await grsim(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: grsim cache-size /);
    for (const flag of ['--rate <rate>', '--size <size>', '--members <n>', '--expel-timeout <seconds>', '--outage <duration>', '--seed <n>', '--runs <n>',
      '--precision <size>', '--json', '--sweep', '--sizes <list>', '--outages <list>', '--plot <file.svg>']) expect(r.stdout).toContain(flag);
    expect(r.stdout).toContain('grsim cache-size --rate 2000/s --size 1KiB --expel-timeout 60s');
  });

  it('numeric flags take the scenario format\'s units: the same answer for 1024 and 1KiB, 15s and 15000ms, 1m and 60', async () => {
    const plain = await grsim(['--rate', '2000', '--size', '1024', '--outage', '15s', '--expel-timeout', '60', '--runs', '1', '--precision', '1048576', '--json']);
    const units = await grsim(['--rate', '2000/s', '--size', '1KiB', '--outage', '15000ms', '--expel-timeout', '1m', '--runs', '1', '--precision', '1MiB', '--json']);
    expect(plain.code).toBe(0);
    expect(JSON.parse(plain.stdout)).toMatchObject({ outageUs: 15_000_000, expelTimeoutS: 60, precisionBytes: 1_048_576 });
    expect(units.stdout).toBe(plain.stdout);
  });

  it.each([
    [[], /^grsim cache-size: --rate is required/],
    [['--rate', '2000/s'], /^grsim cache-size: --size is required/],
    [['--rate', 'lots', '--size', '1KiB'], /^grsim cache-size: --rate: must be a rate above 0 .*, got "lots"$/m],
    [['--rate', '2000/s', '--size', '1 parsec'], /^grsim cache-size: --size: must be a size in bytes .*, got "1 parsec"$/m],
    [[...WORKLOAD, '--members', '2'], /^grsim cache-size: --members: must be an integer in 3\.\.9, got "2"$/m],
    [[...WORKLOAD, '--expel-timeout', '-1'], /^grsim cache-size: --expel-timeout: must be a whole number of seconds in 0\.\.3600 .*, got "-1"$/m],
    [[...WORKLOAD, '--expel-timeout', '4000'], /^grsim cache-size: --expel-timeout: must be a whole number of seconds in 0\.\.3600 .*, got "4000"$/m],
    [[...WORKLOAD, '--expel-timeout', '60.5s'], /^grsim cache-size: --expel-timeout: must be a whole number of seconds .*, got "60\.5s"$/m],
    [[...WORKLOAD, '--precision', '512B'], /^grsim cache-size: --precision: must be a size from 1KiB to 1GiB .*, got "512B"$/m],
    [[...WORKLOAD, '--outage', 'long'], /^grsim cache-size: --outage: must be a duration .*, got "long"$/m],
    [[...WORKLOAD, '--sizes', '128MiB'], /^grsim cache-size: --sizes and --outages go with --sweep$/m],
    [[...WORKLOAD, '--sweep', '--sizes', '128MiB,big'], /^grsim cache-size: --sizes: each comma-separated item must be a size in bytes .*, got "big"$/m],
    [[...WORKLOAD, '--sweep', '--outage', '10s'], /^grsim cache-size: --outage does not go with --sweep/],
    [[...WORKLOAD, '--plot', 'chart.png'], /^grsim cache-size: --plot: must name an \.svg file, got "chart\.png"$/m],
    [[...WORKLOAD, '--bogus'], /^grsim cache-size: unknown flag --bogus; grsim cache-size --help lists the flags$/m],
    [[...WORKLOAD, '--outages', '10s', '--swep'], /^grsim cache-size: unknown flag --swep \(did you mean --sweep\?\)/],
    [[...WORKLOAD, '--sweep', '--sizes', '64MiB', '--outages', '10s', '--runs', '1'], /^grsim cache-size: --sizes: each comma-separated item must be an integer number of bytes ≥ the minimum .*, got "64MiB"$/m],
  ])('usage error %j → exit 2 with a clear message', async (args, message) => {
    const r = await grsim(args as string[]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
  });

  it.each([
    [['--rate', '1/s', '--size', '160MB', '--expel-timeout', '30'],
      /^grsim cache-size: --size: must be at most group_replication_transaction_size_limit, here its default, 150000000 bytes: MySQL rolls back a larger transaction at commit, so nothing reaches the cache; raise --transaction-size-limit \(0: no limit\) or lower --size \(160000000 bytes\), got "160MB"\n$/],
    [['--rate', '1/s', '--size', '2MB', '--transaction-size-limit', '1MB', '--sweep'],
      /^grsim cache-size: --size: must be at most group_replication_transaction_size_limit, here 1000000 bytes \(--transaction-size-limit 1MB\): .*, got "2MB"\n$/],
    [[...WORKLOAD, '--transaction-size-limit', '-1'], /^grsim cache-size: --transaction-size-limit: must be a number of bytes in 0\.\.2147483647 \(0: no limit\), or a size like "150MB", got "-1"\n$/],
    [[...WORKLOAD, '--transaction-size-limit', '2147483648'], /^grsim cache-size: --transaction-size-limit: must be a number of bytes in 0\.\.2147483647 .*, got "2147483648"\n$/],
    [[...WORKLOAD, '--mysql-version', '8.3'], /^grsim cache-size: --mysql-version: must be one of '8\.0\.20', '8\.0\.21', '8\.4', '9\.x', got "8\.3"\n$/],
    [[...WORKLOAD, '--sweep', '--shard', '0/3'], /^grsim cache-size: --shard needs --out FILE .*\n$/],
    [[...WORKLOAD, '--sweep', '--resume'], /^grsim cache-size: --resume needs --out FILE \(the result file to resume\)\n$/],
  ])('refused before anything is simulated %j → exit 2 (no sizing count on a terminal)', async (args, message) => {
    const r = await grsim(args as string[], true);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.files.size).toBe(0);
  });

  it('--transaction-size-limit 0 (no limit) or above --size lets the size through; a size at the limit commits', async () => {
    for (const limit of ['0', '2MB', '1000000']) {
      const r = await grsim(['--rate', '10/s', '--size', '1MB', '--transaction-size-limit', limit, '--outage', '5s', '--runs', '1', '--json']);
      expect(r.code).toBe(0);
      const j = JSON.parse(r.stdout) as { transactionSizeLimit: number; growthBytesPerSecond: number };
      expect(j.transactionSizeLimit).toBe(limit === '2MB' ? 2_000_000 : Number(limit));
      expect(j.growthBytesPerSecond).toBeGreaterThan(10 * 1_000_000 / 2);
    }
  });

  it('--mysql-version picks the version profile and the output names it (text and JSON)', async () => {
    const args = [...WORKLOAD, '--expel-timeout', '60', '--runs', '1'];
    const v84 = await grsim([...args, '--mysql-version', '8.4', '--json']);
    const v21 = await grsim([...args, '--json']);
    const j84 = JSON.parse(v84.stdout) as { version: string; outageUs: number }, j21 = JSON.parse(v21.stdout) as { version: string; outageUs: number };
    expect(j84.version).toBe('8.4');
    expect(j21.version).toBe('8.0.21');
    expect(j84.outageUs).toBeLessThan(j21.outageUs);
    expect((await grsim([...WORKLOAD, '--outage', '15s', '--runs', '1', '--mysql-version', '9.x'])).stdout).toMatch(/^grsim cache-size: MySQL 9\.x, 3 members, /);
  });

  it('--resume with a file of other work is refused before the sizing runs', async () => {
    const files = new Map<string, string>();
    const sweep = [...WORKLOAD, '--runs', '1', '--sweep', '--sizes', '128MiB', '--outages', '10s', '--out', 'r.json'];
    expect((await grsim(sweep, false, 10, files)).code).toBe(0);
    const r = await grsim([...sweep, '--precision', '2MiB', '--resume'], true, 10, files);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^grsim cache-size: r\.json: config\.precisionBytes must be 2097152 as in this command .*, got 1048576$/m);
    expect(r.stderr).not.toContain('sizing:');
  });

  it('the sweep\'s simulations count the sizing runs behind its answer', async () => {
    const args = [...WORKLOAD, '--runs', '2', '--json'];
    const s = JSON.parse((await grsim([...args, '--sweep', '--sizes', '128MiB,130MiB', '--outages', '10s,15s,20s'])).stdout) as { runs: number; answer: { runs: number } };
    const alone = JSON.parse((await grsim(args)).stdout) as { runs: number };
    expect(s.answer.runs).toBe(alone.runs);
    // The answer's sizing, the sweep's growth measurement, 2 × 3 cells × 2 seeds.
    expect(s.runs).toBe(alone.runs + 1 + 12);
  });

  it('an offered load above 10 Gbit/s warns on stderr and in the JSON', async () => {
    const r = await grsim(['--rate', '2000/s', '--size', '1MiB', '--outage', '5s', '--runs', '1', '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^grsim cache-size: warning: the workload offers 16\.8 Gbit\/s of transaction payload, more than the 10 Gbit\/s a plausible network carries; grsim does not model bandwidth/);
    expect((JSON.parse(r.stdout) as { warnings: string[] }).warnings).toHaveLength(1);
    expect((await grsim([...WORKLOAD, '--outage', '15s', '--runs', '1'])).stderr).not.toContain('warning');
    // The sweep carries its answer's warning: on stderr, and in the JSON's answer (a merge of shards prints it too).
    const s = await grsim(['--rate', '2000/s', '--size', '1MiB', '--runs', '1', '--sweep', '--sizes', '1GiB', '--outages', '5s', '--json']);
    expect(s.stderr).toMatch(/^grsim cache-size: warning: the workload offers 16\.8 Gbit\/s/);
    expect((JSON.parse(s.stdout) as { answer: { warnings: string[] } }).answer.warnings).toHaveLength(1);
  });

  it('an outage the group expels by timeout → exit 2 naming --outage', async () => {
    const r = await grsim([...WORKLOAD, '--outage', '40s', '--runs', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^grsim cache-size: --outage: must end before the group expels the silent member by timeout .*got "40s"\n$/);
  });
});
