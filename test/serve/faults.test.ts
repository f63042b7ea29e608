import { describe, expect, it } from 'vitest';
import { createConnection, type Connection, type RowDataPacket } from 'mysql2/promise';
import { createSimulation, type Simulation } from '../../src/index.js';
import { serve, type ServeHandle, type ServeOptions } from '../../src/serve/serve.js';
import { testStatementEngine } from '../helpers/test-statement-engine.js';
import { cleanupAfterEach } from './serve-harness.js';

const cleanup = cleanupAfterEach();

async function start(extra: Partial<ServeOptions> = {}): Promise<{ sim: Simulation; handle: ServeHandle }> {
  const sim = createSimulation({ seed: 3, members: ['node1', 'node2', 'node3'] });
  const handle = cleanup.closing(await serve(sim, { engine: testStatementEngine(sim), portBase: 0, testDriven: true, ...extra }));
  return { sim, handle };
}

async function connect(port: number): Promise<Connection> {
  const c = await createConnection({ host: '127.0.0.1', port, user: 'root', connectTimeout: 5000 });
  c.on('error', () => {});
  return cleanup.client(c);
}

async function selectOne(c: Connection): Promise<unknown> {
  const [rows] = await c.query<RowDataPacket[]>('SELECT 1');
  return rows;
}

async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
}

/** Whether `p` is still unsettled after `ms` of real time. */
async function stillPending(p: Promise<unknown>, ms: number): Promise<boolean> {
  let settled = false;
  p.then(() => { settled = true; }, () => { settled = true; });
  await new Promise((r) => setTimeout(r, ms));
  return !settled;
}

describe('faults as a client sees them', () => {
  it('a crashed member drops its open connections and refuses new ones; the others answer; a restart listens again on the same port', async () => {
    const { sim, handle } = await start();
    const port = handle.ports.node2!;
    const c = await connect(port);
    const other = await connect(handle.ports.node1!);
    sim.network.crash('node2');
    await handle.sync();
    expect(await outcome(c.query('SELECT 1'))).toMatch(/PROTOCOL_CONNECTION_LOST|ECONNRESET|EPIPE|Can't add new command when connection is in closed state/);
    expect(await outcome(connect(port))).toBe('ECONNREFUSED');
    expect(await selectOne(other)).toEqual([{ 1: 1 }]);
    sim.network.restart('node2');
    await handle.sync();
    expect(await selectOne(await connect(port))).toEqual([{ 1: 1 }]);
  });

  it('a crash scheduled in virtual time takes effect when advance() reaches it', async () => {
    const { sim, handle } = await start();
    sim.at('10s', (s) => { s.network.crash('node3'); });
    const c = await connect(handle.ports.node3!);
    await handle.advance('9s');
    expect(await selectOne(c)).toEqual([{ 1: 1 }]);
    await handle.advance('1s');
    expect(await outcome(connect(handle.ports.node3!))).toBe('ECONNREFUSED');
    expect(handle.connectionCount('node3')).toBe(0);
  });

  it('a frozen member accepts TCP but answers nothing, then answers the queued statement and greets the waiting client after thaw', async () => {
    const { sim, handle } = await start();
    const port = handle.ports.node1!;
    const c = await connect(port);
    sim.network.freeze('node1');
    await handle.sync();
    const queued = c.query<RowDataPacket[]>('SELECT @@hostname');
    const newcomer = connect(port);
    expect(await stillPending(queued, 200)).toBe(true);
    expect(await stillPending(newcomer, 1)).toBe(true);
    expect(handle.connectionCount('node1')).toBe(2);
    await handle.advance('30s');
    expect(await stillPending(queued, 50)).toBe(true);
    sim.network.thaw('node1');
    await handle.sync();
    const [rows] = await queued;
    expect(rows).toEqual([{ '@@hostname': 'node1' }]);
    expect(await selectOne(await newcomer)).toEqual([{ 1: 1 }]);
  });

  it('a member cut off from the group stays reachable: isolation cuts group links, not the client path', async () => {
    const { sim, handle } = await start();
    const c = await connect(handle.ports.node3!);
    sim.network.isolate('node3');
    await handle.advance('60s');
    const [rows] = await c.query<RowDataPacket[]>('SELECT member_state');
    // The answer comes from node3's own view, whatever it is after a minute alone.
    expect(rows).toEqual([{ member_state: sim.member('node3').state }]);
    expect(await selectOne(await connect(handle.ports.node3!))).toEqual([{ 1: 1 }]);
  });
});

describe('the two clocks', () => {
  it('test-driven: virtual time does not move between advances', async () => {
    const { sim, handle } = await start();
    const t0 = sim.nowUs;
    await new Promise((r) => setTimeout(r, 100));
    expect(sim.nowUs).toBe(t0);
    await handle.advance('2s');
    expect(sim.nowUs).toBe(t0 + 2_000_000);
    const reached = await handle.runUntil((s) => s.nowUs >= t0 + 3_000_000, { limit: '10s' });
    expect(reached).toBe(true);
  });

  it('real time × speed: virtual time follows the wall clock, and a pending statement is answered without advance()', async () => {
    const beforeServe = performance.now();
    const { sim, handle } = await start({ testDriven: false, speed: 100 });
    const v0 = sim.nowUs;
    const c = await connect(handle.ports.node1!);
    const t0 = sim.nowUs;
    await c.query('COMMIT WAIT 5s');
    // Virtual time moved by itself far enough to answer the statement...
    expect(sim.nowUs - t0).toBeGreaterThanOrEqual(5_000_000);
    // ...and never ran ahead of the wall clock × speed since serving began (the clock may lag it
    // on a loaded machine, so there is no lower bound on the real time a statement takes).
    const realUs = (performance.now() - beforeServe) * 1000;
    expect(sim.nowUs - v0).toBeLessThanOrEqual(realUs * 100);
    handle.setSpeed(1);
    expect(handle.speed).toBe(1);
  });
});
