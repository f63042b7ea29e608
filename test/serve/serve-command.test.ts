import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createConnection, type Connection, type RowDataPacket } from 'mysql2/promise';
import { runCli, type CliIo } from '../../src/cli/cli.js';
import { testStatementEngine } from '../helpers/test-statement-engine.js';
import { cleanupAfterEach } from './serve-harness.js';

const SCENARIO = `name: served
members: [node1, node2, node3]
accounts:
  - { user: app, password: app-pw }
events:
  - { at: +5s, crash: node3 }
`;

interface Cli { code: Promise<number>; out: () => string; err: () => string; input: PassThrough; ports: () => Record<string, number> }

const cleanup = cleanupAfterEach();

function startCli(flags: readonly string[], scenario = SCENARIO): Cli {
  const dir = mkdtempSync(join(tmpdir(), 'grsim-serve-'));
  const portsFile = join(dir, 'ports.json');
  let stdout = '', stderr = '';
  const input = new PassThrough();
  const io: CliIo = {
    stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; },
    readFile: () => scenario, version: '0.0.0-test', seedCasePath: '', isTty: false, nowMs: () => 0,
    controlInput: input, createEngine: testStatementEngine,
  };
  const code = runCli(['serve', 'served.yaml', '--port-base', '0', '--ports-file', portsFile, ...flags], io);
  // After the test: the CLI is told to quit (again, if the test did) and its directory removed.
  cleanup.defer(async () => { input.write('quit\n'); await code; });
  cleanup.defer(() => { rmSync(dir, { recursive: true, force: true }); });
  return {
    code, out: () => stdout, err: () => stderr, input,
    ports: () => JSON.parse(readFileSync(portsFile, 'utf8')) as Record<string, number>,
  };
}

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function connect(port: number, user = 'root', password = ''): Promise<Connection> {
  const c = await createConnection({ host: '127.0.0.1', port, user, password });
  c.on('error', () => {});
  return cleanup.client(c);
}

async function ready(cli: Cli): Promise<Record<string, number>> {
  await until(() => cli.out().includes('node3'));
  return cli.ports();
}

describe('grsim serve', () => {
  it('prints the member → port map, writes it to --ports-file, takes the file\'s accounts, and quits on "quit" with exit 0', async () => {
    const cli = startCli(['--test-driven']);
    const ports = await ready(cli);
    expect(Object.keys(ports)).toEqual(['node1', 'node2', 'node3']);
    expect(cli.out()).toBe(`grsim serve: served, 3 members, clock test-driven (advance DURATION moves virtual time)\n${Object.entries(ports).map(([n, p]) => `  ${n}  127.0.0.1:${p}`).join('\n')}\n`);
    const c = await connect(ports.node2!, 'app', 'app-pw');
    const [rows] = await c.query<RowDataPacket[]>('SELECT @@hostname');
    expect(rows).toEqual([{ '@@hostname': 'node2' }]);
    cli.input.write('quit\n');
    expect(await cli.code).toBe(0);
  });

  it('runs the file\'s events as virtual time passes ("advance"), and applies live lines: freeze, thaw, report', async () => {
    const cli = startCli(['--test-driven']);
    const ports = await ready(cli);
    const c1 = await connect(ports.node1!);
    await connect(ports.node3!);
    cli.input.write('advance 5s\n');
    await until(() => cli.err().includes('now +5.000s'));
    expect(cli.err()).toContain('+5.000s crash node3');
    await expect(connect(ports.node3!)).rejects.toMatchObject({ code: 'ECONNREFUSED' });

    cli.input.write('freeze node1\n');
    await until(() => cli.err().includes('freeze node1'));
    let answered = false;
    const q = c1.query<RowDataPacket[]>('SELECT 1').then((r) => { answered = true; return r; });
    await new Promise((r) => setTimeout(r, 100));
    expect(answered).toBe(false);
    cli.input.write('thaw node1\n');
    expect((await q)[0]).toEqual([{ 1: 1 }]);

    const before = cli.out().length;
    cli.input.write('report\n');
    await until(() => cli.out().length > before && cli.out().trimEnd().endsWith('}'));
    const report = JSON.parse(cli.out().slice(before)) as { scenario: string; faults: { action?: string }[] };
    expect(report.scenario).toBe('served');
    expect(JSON.stringify(report.faults)).toContain('crash');
  });

  it('reports a bad control line on stderr and keeps serving', async () => {
    const cli = startCli(['--test-driven']);
    const ports = await ready(cli);
    cli.input.write('isolate node9\nfly away\nspeed -1\n');
    await until(() => cli.err().includes('speed -1'));
    expect(cli.err()).toContain('grsim serve: isolate node9: ');
    expect(cli.err()).toContain('unknown control line "fly away"');
    expect(cli.err()).toContain('grsim serve: speed -1: speed must be a number greater than 0');
    const c = await connect(ports.node1!);
    expect((await c.query('SELECT 1'))[0]).toEqual([{ 1: 1 }]);
  });

  it('a scripted event refused as it fires stops that advance there: the refusal, then where the clock stands; later events still fire', async () => {
    const cli = startCli(['--test-driven'], `name: refused
members: [node1, node2, node3]
events:
  - { at: +5s, stop: node1 }
  - { at: +8s, isolate: node2 }
`);
    await ready(cli);
    cli.input.write('advance 2s\n');
    await until(() => cli.err().includes('now +2.000s'));
    cli.input.write('crash node1\n');
    await until(() => cli.err().includes('crash node1'));
    cli.input.write('advance 10s\n');
    await until(() => cli.err().includes('now +5.000s'));
    const lines = cli.err().trimEnd().split('\n');
    expect(lines[lines.length - 2]).toMatch(/^grsim serve: advance 10s: .*events\[0\]\.stop names a member whose server is not running.* when it fires at 5\.000000 s, got "node1"$/);
    expect(lines[lines.length - 1]).toBe('grsim serve: now +5.000s');
    cli.input.write('advance 5s\n');
    await until(() => cli.err().includes('now +10.000s'));
    expect(cli.err()).toContain('grsim serve: +8.000s isolate node2\n');
  });

  it('in real time, virtual time moves by itself at --speed', async () => {
    const cli = startCli(['--speed', '1000']);
    const ports = await ready(cli);
    // The file crashes node3 at +5s: at speed 1000 that is 5 ms of real time.
    await until(() => cli.err().includes('crash node3'));
    await expect(connect(ports.node3!)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('refuses bad flags with exit 2 before listening', async () => {
    let stderr = '';
    const io: CliIo = { stdout: () => {}, stderr: (t) => { stderr += t; }, readFile: () => SCENARIO, version: '0', seedCasePath: '', isTty: false, nowMs: () => 0, createEngine: testStatementEngine };
    expect(await runCli(['serve', 'x.yaml', '--speed', '0'], io)).toBe(2);
    expect(stderr).toContain('grsim serve: --speed: must be a number greater than 0');
    stderr = '';
    expect(await runCli(['serve', 'x.yaml', '--port-base', '70000'], io)).toBe(2);
    expect(stderr).toContain('grsim serve: --port-base: must be an integer in 0..65535');
  });

  it('a port in use or a host it cannot bind is a usage error (exit 2, one line naming the flag and the value), not an internal error', async () => {
    // Another process holds node2's port (port-base + 1).
    const holder = createServer();
    await new Promise<void>((resolve) => { holder.listen({ host: '127.0.0.1', port: 0 }, resolve); });
    cleanup.closing(holder);
    const taken = (holder.address() as AddressInfo).port;
    let stderr = '';
    const io: CliIo = { stdout: () => {}, stderr: (t) => { stderr += t; }, readFile: () => SCENARIO, version: '0', seedCasePath: '', isTty: false, nowMs: () => 0, createEngine: testStatementEngine };
    expect(await runCli(['serve', 'x.yaml', '--port-base', String(taken - 1)], io)).toBe(2);
    expect(stderr).toBe(`grsim serve: --port-base: port ${taken} on 127.0.0.1 is in use (node2's port); choose another --port-base, or 0 for free ports\n`);
    stderr = '';
    expect(await runCli(['serve', 'x.yaml', '--port-base', '0', '--host', '999.1.1.1'], io)).toBe(2);
    expect(stderr).toBe('grsim serve: --host: "999.1.1.1" does not resolve to an address; give an address of this machine (127.0.0.1: loopback)\n');
  });
});
