import { describe, expect, it } from 'vitest';
import { createConnection, type Connection, type RowDataPacket, type ResultSetHeader } from 'mysql2/promise';
import { createSimulation, type Simulation } from '../../src/index.js';
import { serve, type ServeHandle, type ServeOptions } from '../../src/serve/serve.js';
import { testStatementEngine, FIXED_TABLE, type TestEngine } from '../helpers/test-statement-engine.js';
import { cleanupAfterEach, rejection } from './serve-harness.js';

const MEMBERS = ['node1', 'node2', 'node3'];

interface Served { readonly sim: Simulation; readonly engine: TestEngine; readonly handle: ServeHandle }
const cleanup = cleanupAfterEach();

async function start(extra: Partial<ServeOptions> = {}): Promise<Served> {
  const sim = createSimulation({ seed: 1, members: MEMBERS });
  const engine = testStatementEngine(sim);
  const handle = await serve(sim, {
    engine, portBase: 0, testDriven: true,
    accounts: [{ user: 'sha', password: 's3cret', plugin: 'caching_sha2_password' }, { user: 'native', password: 'n4tive', plugin: 'mysql_native_password' }],
    ...extra,
  });
  cleanup.closing(handle);
  return { sim, engine, handle };
}

async function connect(port: number, options: { user?: string; password?: string; database?: string } = {}): Promise<Connection> {
  const c = await createConnection({ host: '127.0.0.1', port, user: options.user ?? 'root', password: options.password ?? '', ...(options.database === undefined ? {} : { database: options.database }) });
  c.on('error', () => {});
  return cleanup.client(c);
}


describe('serve with the mysql2 client', () => {
  it('gives each member its own port and routes a session to that member', async () => {
    const { handle, engine } = await start();
    expect(Object.keys(handle.ports)).toEqual(MEMBERS);
    expect(new Set(Object.values(handle.ports)).size).toBe(3);
    for (const name of MEMBERS) {
      const c = await connect(handle.ports[name]!);
      const [rows] = await c.query<RowDataPacket[]>('SELECT @@hostname');
      expect(rows).toEqual([{ '@@hostname': name }]);
    }
    expect(engine.opened.map((o) => o.member)).toEqual(MEMBERS);
  });

  it('authenticates root with an empty password and both plugins with passwords', async () => {
    const { handle, engine } = await start();
    const port = handle.ports.node1!;
    for (const [user, password] of [['root', ''], ['sha', 's3cret'], ['native', 'n4tive']] as const) {
      const c = await connect(port, { user, password });
      const [rows] = await c.query<RowDataPacket[]>('SELECT 1');
      expect(rows).toEqual([{ 1: 1 }]);
    }
    expect(engine.opened.map((o) => o.user)).toEqual(['root', 'sha', 'native']);
  });

  it('refuses a wrong password, an unknown user and a missing password with ERROR 1045 (28000)', async () => {
    const { handle, engine } = await start();
    const port = handle.ports.node2!;
    for (const [user, password, using] of [['sha', 'wrong', 'YES'], ['native', 'wrong', 'YES'], ['nobody', 'x', 'YES'], ['sha', '', 'NO'], ['root', 'notempty', 'YES']] as const) {
      const e = await rejection(connect(port, { user, password }));
      expect(e.errno, `${user}/${password}`).toBe(1045);
      expect(e.sqlState).toBe('28000');
      expect(e.message).toBe(`Access denied for user '${user}'@'localhost' (using password: ${using})`);
    }
    expect(engine.opened).toEqual([]);
  });

  it('answers a text result set with strings, numbers and NULL', async () => {
    const { handle } = await start();
    const c = await connect(handle.ports.node1!);
    const [rows, fields] = await c.query<RowDataPacket[]>('SELECT * FROM t');
    expect(fields.map((f) => f.name)).toEqual(['id', 'name', 'score', 'note']);
    expect(rows).toEqual([
      { id: 1, name: 'node1', score: 1.5, note: null },
      { id: 2, name: 'ünïcødé ✓', score: -0.25, note: 'x' },
      { id: 3, name: '', score: 1e21, note: '' },
    ]);
    expect(rows).toHaveLength(FIXED_TABLE.rows.length);
  });

  it('passes the engine\'s errors through with their code and SQLSTATE, and the connection goes on', async () => {
    const { handle } = await start();
    const c = await connect(handle.ports.node1!);
    const e = await rejection(c.query('SELEKT 1'));
    expect([e.errno, e.sqlState]).toEqual([1064, '42000']);
    const [rows] = await c.query<RowDataPacket[]>('SELECT 1');
    expect(rows).toEqual([{ 1: 1 }]);
  });

  it('answers COM_PING, connects with a database, refuses COM_CHANGE_USER with ERROR 1047, and closes the session on COM_QUIT', async () => {
    const { handle, engine } = await start();
    const c = await connect(handle.ports.node3!, { database: 'mysql' });
    expect(engine.opened).toMatchObject([{ member: 'node3', user: 'root', database: 'mysql' }]);
    await c.ping();
    const e = await rejection(c.changeUser({ user: 'root' }));
    expect([e.errno, e.sqlState, e.message]).toEqual([1047, '08S01', 'Unknown command']);
    const c2 = await connect(handle.ports.node3!);
    expect(engine.closedCount).toBe(0);
    await c2.end(); // COM_QUIT
    await until(() => engine.closedCount === 1);
    expect(handle.connectionCount('node3')).toBe(1);
  });

  it('answers a pending statement only after virtual time passes', async () => {
    const { handle, sim } = await start();
    const c = await connect(handle.ports.node1!);
    let answered = false;
    const commit = c.query<ResultSetHeader>('COMMIT WAIT 5s').then((r) => { answered = true; return r; });
    await sleep(50);
    expect(answered).toBe(false);
    await handle.advance('4s');
    await sleep(50);
    expect(answered).toBe(false);
    await handle.advance('1s');
    const [ok] = await commit;
    expect(ok.info).toBe(`committed at ${sim.nowUs}`);
    const [rows] = await c.query<RowDataPacket[]>('SELECT 1');
    expect(rows).toEqual([{ 1: 1 }]);
  });
});

function sleep(ms: number): Promise<void> { return new Promise((r) => setTimeout(r, ms)); }
async function until(cond: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await sleep(5);
  }
}
