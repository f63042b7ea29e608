import { describe, expect, it } from 'vitest';
import { createSimulation } from '../../src/index.js';
import { serve, type ServeHandle, type ServeOptions } from '../../src/serve/serve.js';
import { CAP, handshakeResponse, login, parseErr, parseGreeting, RawClient, scrambleFor, type RawPacket } from '../helpers/raw-mysql-client.js';
import { testStatementEngine, type TestEngine } from '../helpers/test-statement-engine.js';
import { cleanupAfterEach } from './serve-harness.js';

const BASE = CAP.PROTOCOL_41 | CAP.SECURE_CONNECTION | CAP.PLUGIN_AUTH | CAP.PLUGIN_AUTH_LENENC_CLIENT_DATA;
const cleanup = cleanupAfterEach();

async function start(extra: Partial<ServeOptions> = {}): Promise<{ handle: ServeHandle; engine: TestEngine; port: number }> {
  const sim = createSimulation({ seed: 1, members: ['node1', 'node2', 'node3'] });
  const engine = testStatementEngine(sim);
  const handle = await serve(sim, {
    engine, portBase: 0, testDriven: true,
    accounts: [{ user: 'sha', password: 's3cret' }, { user: 'native', password: 'n4tive', plugin: 'mysql_native_password' }],
    ...extra,
  });
  cleanup.closing(handle);
  return { handle, engine, port: handle.ports.node1! };
}

async function client(port: number): Promise<RawClient> {
  return cleanup.client(await RawClient.open(port));
}

/** COM_QUERY `sql` and every packet of the answer up to its end (ERR, OK, or the result set's last packet). */
async function query(c: RawClient, sql: string, deprecateEof: boolean): Promise<RawPacket[]> {
  c.write(0, Buffer.concat([Buffer.from([0x03]), Buffer.from(sql)]));
  const first = await c.read();
  if (first.payload[0] === 0x00 || first.payload[0] === 0xff) return [first];
  const out = [first];
  let eofs = 0;
  for (;;) {
    const p = await c.read();
    out.push(p);
    if (p.payload[0] === 0xfe && p.payload.length < 0xffffff) {
      eofs++;
      if (deprecateEof || eofs === 2) return out;
    }
  }
}

describe('the connection phase, byte by byte', () => {
  it('greets with handshake v10: version, a 20-byte nonce without NUL, caching_sha2_password, and no SSL or multi-statements offered', async () => {
    const { port, handle } = await start();
    const c = await client(port);
    const p = await c.read();
    expect(p.seq).toBe(0);
    const g = parseGreeting(p.payload);
    expect(g.protocol).toBe(10);
    expect(g.serverVersion).toBe(handle.sim.version.serverVersion);
    expect(g.scramble).toHaveLength(20);
    expect([...g.scramble].every((b) => b > 0 && b < 0x80)).toBe(true);
    expect(g.plugin).toBe('caching_sha2_password');
    for (const bit of [CAP.PROTOCOL_41, CAP.SECURE_CONNECTION, CAP.PLUGIN_AUTH, CAP.CONNECT_WITH_DB, CAP.DEPRECATE_EOF, CAP.PLUGIN_AUTH_LENENC_CLIENT_DATA]) {
      expect(g.capabilities & bit, `bit 0x${bit.toString(16)}`).toBe(bit);
    }
    expect(g.capabilities & CAP.SSL).toBe(0);
    expect(g.capabilities & CAP.MULTI_STATEMENTS).toBe(0);
  });

  it('caching_sha2_password: a matching scramble gets fast_auth_success (0x01 0x03, seq 2) then OK (seq 3)', async () => {
    const { port, engine } = await start();
    const c = await client(port);
    const { packets } = await login(c, 'sha', 's3cret', BASE, 'caching_sha2_password');
    expect(packets.map((p) => [p.seq, p.payload[0]])).toEqual([[2, 0x01], [3, 0x00]]);
    expect([...packets[0]!.payload]).toEqual([0x01, 0x03]);
    expect(engine.opened).toEqual([{ member: 'node1', user: 'sha', database: null, interactive: false }]);
  });

  it('caching_sha2_password: a wrong scramble gets perform_full_authentication (0x01 0x04); without TLS or RSA keys the next reply is ERROR 1045', async () => {
    const { port } = await start();
    const c = await client(port);
    const g = parseGreeting((await c.read()).payload);
    c.write(1, handshakeResponse({ capabilities: BASE, user: 'sha', auth: scrambleFor('caching_sha2_password', 'wrong', g.scramble), plugin: 'caching_sha2_password' }));
    const more = await c.read();
    expect([more.seq, ...more.payload]).toEqual([2, 0x01, 0x04]);
    c.write(3, Buffer.from([0x02])); // request the server's public key
    const err = await c.read();
    expect(err.seq).toBe(4);
    expect(parseErr(err.payload)).toEqual({ code: 1045, sqlState: '28000', message: "Access denied for user 'sha'@'localhost' (using password: YES)" });
    await c.closed;
  });

  it('switches plugin when the client answered with another one: AuthSwitchRequest (seq 2), the answer (seq 3), OK (seq 4)', async () => {
    const { port } = await start();
    const c = await client(port);
    const { packets, greeting } = await login(c, 'native', 'n4tive', BASE, 'caching_sha2_password');
    expect(packets.map((p) => [p.seq, p.payload[0]])).toEqual([[2, 0xfe], [4, 0x00]]);
    const sw = packets[0]!.payload;
    expect(sw.subarray(1, sw.indexOf(0)).toString()).toBe('mysql_native_password');
    expect(sw.length).toBe(1 + 'mysql_native_password'.length + 1 + 20 + 1);
    expect(sw.subarray(sw.indexOf(0) + 1, sw.length - 1).equals(greeting.scramble)).toBe(false);
  });

  it('mysql_native_password without a switch when the client already uses it; a wrong one is ERROR 1045 at seq 2', async () => {
    const { port } = await start();
    const ok = await login(await client(port), 'native', 'n4tive', BASE, 'mysql_native_password');
    expect(ok.packets.map((p) => [p.seq, p.payload[0]])).toEqual([[2, 0x00]]);
    const bad = await login(await client(port), 'native', 'nope', BASE, 'mysql_native_password');
    expect(bad.packets.map((p) => p.seq)).toEqual([2]);
    expect(parseErr(bad.packets[0]!.payload).code).toBe(1045);
  });

  it('an empty password for root is an empty response and gets OK directly', async () => {
    const { port } = await start();
    const { packets } = await login(await client(port), 'root', '', BASE, 'caching_sha2_password');
    expect(packets.map((p) => [p.seq, p.payload[0]])).toEqual([[2, 0x00]]);
  });

  it('refuses an SSLRequest (no TLS is offered) with ERROR 1043 and closes', async () => {
    const { port } = await start();
    const c = await client(port);
    await c.read();
    const ssl = Buffer.alloc(32);
    ssl.writeUInt32LE((BASE | CAP.SSL) >>> 0, 0);
    c.write(1, ssl);
    const err = await c.read();
    expect(parseErr(err.payload)).toMatchObject({ code: 1043, sqlState: '08S01' });
    await c.closed;
  });
});

describe('the command phase, byte by byte', () => {
  async function loggedIn(capabilities: number, extra: Partial<ServeOptions> = {}): Promise<{ c: RawClient; engine: TestEngine; port: number; handle: ServeHandle }> {
    const s = await start(extra);
    const c = await client(s.port);
    const r = await login(c, 'root', '', capabilities);
    expect(r.packets.at(-1)!.payload[0]).toBe(0x00);
    return { c, ...s };
  }

  it('without CLIENT_DEPRECATE_EOF: count, definitions, EOF, rows, EOF, with sequence ids 1, 2, 3…', async () => {
    const { c } = await loggedIn(BASE);
    const ps = await query(c, 'SELECT * FROM t', false);
    expect(ps.map((p) => p.seq)).toEqual(ps.map((_, i) => i + 1));
    expect(ps[0]!.payload[0]).toBe(4);
    expect(ps.map((p) => p.payload[0] === 0xfe).map((x, i) => (x ? i : -1)).filter((i) => i >= 0)).toEqual([5, 9]);
    expect(ps[5]!.payload).toHaveLength(5);
    // Row 1: '1', 'node1', '1.5', NULL.
    expect([...ps[6]!.payload]).toEqual([1, 0x31, 5, ...Buffer.from('node1'), 3, ...Buffer.from('1.5'), 0xfb]);
  });

  it('with CLIENT_DEPRECATE_EOF: no EOF after the definitions, and an OK with header 0xfe ends the rows', async () => {
    const { c } = await loggedIn(BASE | CAP.DEPRECATE_EOF);
    const ps = await query(c, 'SELECT * FROM t', true);
    expect(ps).toHaveLength(1 + 4 + 3 + 1);
    expect(ps.map((p) => p.seq)).toEqual(ps.map((_, i) => i + 1));
    const last = ps.at(-1)!.payload;
    expect([...last]).toEqual([0xfe, 0, 0, 0x02, 0x00, 0, 0]);
    expect(ps.slice(0, -1).some((p) => p.payload[0] === 0xfe)).toBe(false);
  });

  it('answers COM_INIT_DB with the engine\'s OK or error, COM_PING with OK, an unknown command with ERROR 1047 (08S01), and stays open', async () => {
    const { c, engine } = await loggedIn(BASE);
    c.write(0, Buffer.concat([Buffer.from([0x02]), Buffer.from('nosuch')]));
    const e1 = await c.read();
    expect([e1.seq, parseErr(e1.payload).code, parseErr(e1.payload).sqlState]).toEqual([1, 1049, '42000']);
    c.write(0, Buffer.concat([Buffer.from([0x02]), Buffer.from('performance_schema')]));
    expect((await c.read()).payload[0]).toBe(0x00);
    c.write(0, Buffer.from([0x0e]));
    const ping = await c.read();
    expect([ping.seq, ping.payload[0]]).toEqual([1, 0x00]);
    for (const cmd of [0x04, 0x09, 0x16, 0x11, 0x63]) {
      c.write(0, Buffer.from([cmd, 1, 2, 3]));
      const err = await c.read();
      expect([err.seq, parseErr(err.payload)]).toEqual([1, { code: 1047, sqlState: '08S01', message: 'Unknown command' }]);
    }
    const ok = await query(c, 'SELECT 1', false);
    expect(ok).toHaveLength(5);
    expect(engine.statements.map((s) => s.sql)).toEqual(['SELECT 1']);
  });

  it('hands "a; b" to the engine as one statement (multi-statements stay off even when the client asks)', async () => {
    const { c, engine } = await loggedIn(BASE | CAP.MULTI_STATEMENTS);
    const [err] = await query(c, 'SELECT 1; SELECT 1', false);
    expect(parseErr(err!.payload).code).toBe(1064);
    expect(engine.statements.map((s) => s.sql)).toEqual(['SELECT 1; SELECT 1']);
  });

  it('answers a packet longer than max_allowed_packet with ERROR 1153 (08S01) and closes that connection only', async () => {
    const { c, port } = await loggedIn(BASE, { max_allowed_packet: 1024 });
    const other = await client(port);
    await login(other, 'root', '', BASE);
    c.write(0, Buffer.concat([Buffer.from([0x03]), Buffer.alloc(2000, 0x41)]));
    const err = await c.read();
    expect([err.seq, parseErr(err.payload)]).toEqual([1, { code: 1153, sqlState: '08S01', message: "Got a packet bigger than 'max_allowed_packet' bytes" }]);
    await c.closed;
    expect(await query(other, 'SELECT 1', false)).toHaveLength(5);
  });

  it('reassembles a command split over two packets (a payload of 2^24-1 bytes continues in the next)', async () => {
    const { c, engine } = await loggedIn(BASE);
    const sql = `SELECT '${'z'.repeat(0xffffff)}'`;
    const payload = Buffer.concat([Buffer.from([0x03]), Buffer.from(sql)]);
    c.write(0, payload.subarray(0, 0xffffff));
    c.write(1, payload.subarray(0xffffff));
    const err = await c.read(10_000);
    // The parts carried ids 0 and 1, so the answer starts at 2.
    expect([err.seq, parseErr(err.payload).code]).toEqual([2, 1064]);
    expect(engine.statements.at(-1)!.sql).toBe(sql);
  });

  it('answers a command whose sequence id is not 0 with ERROR 1156 (08S01) and closes', async () => {
    const { c } = await loggedIn(BASE);
    c.write(5, Buffer.from([0x0e]));
    const err = await c.read();
    expect(parseErr(err.payload)).toMatchObject({ code: 1156, sqlState: '08S01' });
    await c.closed;
  });

  it('refuses the connection after max_connections with ERROR 1040 (08004) instead of the greeting', async () => {
    const { port, handle } = await start({ max_connections: 2 });
    const a = await client(port);
    const b = await client(port);
    await a.read();
    await b.read();
    const c = await client(port);
    const p = await c.read();
    expect([p.seq, parseErr(p.payload)]).toEqual([0, { code: 1040, sqlState: '08004', message: 'Too many connections' }]);
    await c.closed;
    expect(handle.connectionCount('node1')).toBe(2);
  });

  it('closes an idle connection after wait_timeout with ERROR 4031', async () => {
    const { c } = await loggedIn(BASE, { wait_timeout: 1 });
    const err = await c.read(3000);
    expect(parseErr(err.payload)).toMatchObject({ code: 4031, sqlState: 'HY000' });
    await c.closed;
  });

  it('an interactive client (CLIENT_INTERACTIVE) idles for interactive_timeout, another for wait_timeout', async () => {
    const { c, engine } = await loggedIn(BASE | CAP.INTERACTIVE, { wait_timeout: 60, interactive_timeout: 1 });
    expect(engine.opened.at(-1)!.interactive).toBe(true);
    const err = await c.read(3000);
    expect(parseErr(err.payload)).toMatchObject({ code: 4031, sqlState: 'HY000' });
    await c.closed;
    const other = await loggedIn(BASE, { wait_timeout: 60, interactive_timeout: 1 });
    expect(other.engine.opened.at(-1)!.interactive).toBe(false);
    expect(await other.c.silentFor(1500)).toBe(true);
  });

  it('answers pipelined commands in order, holding the ones behind a pending statement until virtual time decides it', async () => {
    const { c, handle } = await loggedIn(BASE | CAP.DEPRECATE_EOF);
    const cmd = (sql: string): Buffer => { const p = Buffer.concat([Buffer.from([0x03]), Buffer.from(sql)]); const h = Buffer.alloc(4); h.writeUIntLE(p.length, 0, 3); return Buffer.concat([h, p]); };
    c.writeRaw(Buffer.concat([cmd('SELECT 1'), cmd('COMMIT WAIT 5s'), cmd('SELECT @@hostname')]));
    const first = [await c.read(), await c.read(), await c.read(), await c.read()];
    expect(first.map((p) => p.seq)).toEqual([1, 2, 3, 4]);
    expect(await c.silentFor(100)).toBe(true);
    await handle.advance('5s');
    const ok = await c.read();
    expect([ok.seq, ok.payload[0]]).toEqual([1, 0x00]);
    expect(ok.payload.subarray(7).toString()).toBe(`committed at ${handle.sim.nowUs}`);
    const rows = [await c.read(), await c.read(), await c.read(), await c.read()];
    expect(rows[2]!.payload.subarray(1).toString()).toBe('node1');
    expect(rows.map((p) => p.seq)).toEqual([1, 2, 3, 4]);
  });

  it('closes the session on COM_QUIT', async () => {
    const { c, engine } = await loggedIn(BASE);
    c.write(0, Buffer.from([0x01]));
    await c.closed;
    expect(engine.closedCount).toBe(1);
  });
});
