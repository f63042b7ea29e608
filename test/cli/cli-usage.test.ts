import { describe, expect, it } from 'vitest';
import { runCli, type CliIo } from '../../src/cli/cli.js';

/** The CLI in-process with a fake process: what it printed, and which files it tried to read. */
async function grsim(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string; reads: string[] }> {
  let stdout = '', stderr = '';
  const reads: string[] = [];
  const io: CliIo = {
    stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; },
    readFile: (path) => { reads.push(path); throw Object.assign(new Error('no files here'), { code: 'ENOENT' }); },
    version: '9.9.9-test', seedCasePath: '/nonexistent/seed-case.yaml', isTty: false, nowMs: () => 0,
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr, reads };
}

/** Every subcommand and the flags its --help must show. */
const FLAGS: Record<string, readonly string[]> = {
  run: ['<file>', '--format <format>', '--seed <seed>', '--until <time>', '--at <time>', '-h, --help'],
  demo: ['--format <format>', '--seed <seed>', '-h, --help'],
  explore: ['--list', '--property <name>', '--members <n>', '--duration <duration>', '--runs <n>', '--seed <n>', '--jobs <n>', '--shard <i/n>', '--out <file>', '--resume', '-h, --help'],
  'cache-size': ['--rate <rate>', '--size <size>', '--members <n>', '--expel-timeout <seconds>', '--outage <duration>', '--seed <n>', '--runs <n>',
    '--precision <size>', '--json', '--sweep', '--sizes <list>', '--outages <list>', '--plot <file.svg>',
    '--shard <i/n>', '--out <file>', '--resume', '-h, --help'],
  merge: ['<files...>', '--save <prefix>', '--json', '--plot <file.svg>', '-h, --help'],
};

describe('grsim <command> --help', () => {
  it.each(Object.entries(FLAGS))('%s --help exits 0 and prints its usage and every flag on stdout', async (command, flags) => {
    const r = await grsim(command, '--help');
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(new RegExp(`^Usage: grsim ${command} `));
    for (const flag of flags) expect(r.stdout).toContain(flag);
    expect(r.stdout).toContain('Examples:');
    expect((await grsim(command, '-h')).stdout).toBe(r.stdout);
    expect((await grsim('help', command)).stdout).toBe(r.stdout);
  });

  it('--help lists every subcommand; with no command the help goes to stderr with exit 2', async () => {
    const r = await grsim('--help');
    expect(r.code).toBe(0);
    for (const command of Object.keys(FLAGS)) expect(r.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    expect(await grsim()).toEqual({ code: 2, stdout: '', stderr: r.stdout, reads: [] });
    expect(await grsim('help')).toEqual({ ...r, reads: [] });
  });

  it('--version and -v print the version', async () => {
    expect(await grsim('--version')).toEqual({ code: 0, stdout: '9.9.9-test\n', stderr: '', reads: [] });
    expect((await grsim('-v')).stdout).toBe('9.9.9-test\n');
  });

  it('run --format lists the formats (the place a new one is added)', async () => {
    const help = (await grsim('run', '--help')).stdout.replace(/\s+/g, ' ');
    expect(help).toContain("--format <format> output: text (each member's error log and replication_group_members table), " +
      'json (the report described in docs/report-format.md) or html (a self-contained HTML timeline page, docs/timeline.md) (default: "text")');
    expect(help).toContain('--html <file.html> also write the run as a self-contained HTML timeline');
  });
});

describe('suggestions for unknown commands and flags', () => {
  it('grsim rnu suggests run', async () => {
    expect(await grsim('rnu', 'x.yaml')).toEqual({ code: 2, stdout: '', stderr: 'grsim: unknown command rnu (did you mean run?); grsim --help lists the commands\n', reads: [] });
  });

  it('grsim help <unknown> says the command is unknown, as grsim <unknown> does, with its suggestion', async () => {
    expect(await grsim('help', 'bogus')).toEqual({ code: 2, stdout: '', stderr: 'grsim: unknown command bogus; grsim --help lists the commands\n', reads: [] });
    expect(await grsim('help', 'rnu')).toEqual(await grsim('rnu'));
    expect((await grsim('help', 'cach-size')).stderr).toBe('grsim: unknown command cach-size (did you mean cache-size?); grsim --help lists the commands\n');
    // help help is the overview, as help alone.
    expect(await grsim('help', 'help')).toEqual(await grsim('help'));
  });

  it('grsim run x.yaml --formt json suggests --format, says it is a flag, and reads no file', async () => {
    const r = await grsim('run', 'x.yaml', '--formt', 'json');
    expect(r).toEqual({ code: 2, stdout: '', stderr: 'grsim run: unknown flag --formt (did you mean --format?); grsim run --help lists the flags\n', reads: [] });
  });

  it.each([
    [['explore', '--propety', 'one-primary-per-view'], 'grsim explore: unknown flag --propety (did you mean --property?)'],
    [['demo', '--sed', '3'], 'grsim demo: unknown flag --sed (did you mean --seed?)'],
    [['cache-size', '--expel-timout', '60s'], 'grsim cache-size: unknown flag --expel-timout (did you mean --expel-timeout?)'],
    [['cach-size'], 'grsim: unknown command cach-size (did you mean cache-size?)'],
    [['--verison'], 'grsim: unknown flag --verison (did you mean --version?)'],
  ])('%j → %s', async (argv, message) => {
    const r = await grsim(...argv);
    expect(r.code).toBe(2);
    expect(r.stderr.startsWith(`${message}; `)).toBe(true);
  });

  it('a flag without its value is reported as that flag', async () => {
    expect((await grsim('run', 'x.yaml', '--until')).stderr).toBe('grsim run: flag --until needs a value (--until <time>)\n');
  });

  it('a bad flag value is reported before any file is read', async () => {
    const r = await grsim('run', 'x.yaml', '--format', 'xml');
    expect(r).toEqual({ code: 2, stdout: '', stderr: 'grsim run: --format: must be one of text, json, html, got "xml"\n', reads: [] });
  });

  it('a file that cannot be read is a usage error naming it', async () => {
    expect(await grsim('run', 'x.yaml')).toEqual({ code: 2, stdout: '', stderr: 'grsim run: cannot read x.yaml (ENOENT)\n', reads: ['x.yaml'] });
  });
});
