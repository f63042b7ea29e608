import { describe, expect, it } from 'vitest';
import { createConnection, type Connection, type ResultSetHeader, type RowDataPacket } from 'mysql2/promise';
import { createSimulation, type Simulation } from '../../src/index.js';
import { serve, type ServeHandle } from '../../src/serve/serve.js';
import {
  PROXYSQL_MYSQL8_GR_QUERY, ROUTER_GR_MEMBERS, ROUTER_SESSION_SETUP, SHELL_GET_MEMBERS,
} from '../serve-sql/tool-statements.js';
import { advanceUntilAnswered, atRest, cleanupAfterEach, MARIADB, rejection, runProcess, track } from './serve-harness.js';

/**
 * grsim serve end to end: the real statement engine behind the wire protocol, asked over TCP by
 * the mysql2 client (and Debian's mariadb command-line client) with the exact statements ProxySQL,
 * MySQL Router and MySQL Shell send, before and after faults, in test-driven virtual time.
 */

const MEMBERS = ['node1', 'node2', 'node3'] as const;
const cleanup = cleanupAfterEach();

/** A three-member single-primary group (node1 is the primary) served with the real engine. */
async function start(seed = 14): Promise<{ sim: Simulation; handle: ServeHandle }> {
  const sim = createSimulation({ seed, members: [...MEMBERS], mode: 'single-primary' });
  const handle = cleanup.closing(await serve(sim, { portBase: 0, testDriven: true }));
  return { sim, handle };
}

async function connect(handle: ServeHandle, member: string): Promise<Connection> {
  const c = await createConnection({ host: '127.0.0.1', port: handle.ports[member]!, user: 'root', password: '', connectTimeout: 10_000 });
  c.on('error', () => {});
  return cleanup.client(c);
}

async function query(c: Connection, sql: string): Promise<RowDataPacket[]> {
  const [rows] = await c.query<RowDataPacket[]>(sql);
  return rows;
}

/** host:port of each member as the members table lists it. */
function addresses(sim: Simulation, names: readonly string[]): string[] {
  return names.map((n) => `${sim.member(n).host}:${sim.member(n).port}`).sort();
}

describe("ProxySQL's MySQL 8 monitor query over TCP", () => {
  it('every member of a healthy group is a viable candidate; only the primary is writable', async () => {
    const { sim, handle } = await start();
    for (const name of MEMBERS) {
      const rows = await query(await connect(handle, name), PROXYSQL_MYSQL8_GR_QUERY);
      expect(rows).toHaveLength(1);
      expect(rows[0]!.viable_candidate).toBe('YES');
      expect(rows[0]!.read_only).toBe(name === 'node1' ? 'NO' : 'YES');
      expect(rows[0]!.transactions_behind).toBe(0);
      expect(String(rows[0]!.members).split(',').sort()).toEqual(addresses(sim, MEMBERS));
    }
  });

  it('an isolated member answers NO once it shows the others UNREACHABLE; the majority keeps YES and lists 2 members after the expel', async () => {
    const { sim, handle } = await start();
    const atNode3 = await connect(handle, 'node3');
    const atNode2 = await connect(handle, 'node2');
    sim.network.isolate('node3');
    await handle.advance('1s');
    // The failure detector has not fired: node3 still sees everyone ONLINE.
    expect((await query(atNode3, PROXYSQL_MYSQL8_GR_QUERY))[0]!.viable_candidate).toBe('YES');
    const seen = await handle.runUntil((s) => s.member('node3').replicationGroupMembers().filter((r) => r.MEMBER_STATE === 'UNREACHABLE').length === 2, { limit: '30s' });
    expect(seen).toBe(true);
    const isolated = (await query(atNode3, PROXYSQL_MYSQL8_GR_QUERY))[0]!;
    expect(isolated.viable_candidate).toBe('NO');
    // The client path is not cut: the isolated member still answers, from its own view.
    expect(String(isolated.members).split(',')).toHaveLength(3);
    const expelled = await handle.runUntil((s) => s.member('node2').replicationGroupMembers().length === 2, { limit: '60s' });
    expect(expelled).toBe(true);
    const majority = (await query(atNode2, PROXYSQL_MYSQL8_GR_QUERY))[0]!;
    expect(majority.viable_candidate).toBe('YES');
    expect(String(majority.members).split(',').sort()).toEqual(addresses(sim, ['node1', 'node2']));
    expect((await query(atNode3, PROXYSQL_MYSQL8_GR_QUERY))[0]!.viable_candidate).toBe('NO');
  });
});

describe("MySQL Router's session setup and member query over TCP", () => {
  it('finds the new primary after the old one is isolated and expelled', async () => {
    const { sim, handle } = await start();
    const c = await connect(handle, 'node2');
    for (const q of ROUTER_SESSION_SETUP) {
      const [ok] = await c.query<ResultSetHeader>(q);
      expect(ok.affectedRows).toBe(0);
    }
    const before = await query(c, ROUTER_GR_MEMBERS);
    expect(before.map((r) => r.member_id).sort()).toEqual(MEMBERS.map((n) => sim.member(n).uuid).sort());
    expect(before.filter((r) => r.member_role === 'PRIMARY').map((r) => r.member_id)).toEqual([sim.member('node1').uuid]);
    expect(before.every((r) => r.member_state === 'ONLINE' && r['@@group_replication_single_primary_mode'] === 1)).toBe(true);
    expect(before.map((r) => r.member_port)).toEqual(MEMBERS.map((n) => sim.member(n).port));

    sim.network.isolate('node1');
    const expelled = await handle.runUntil((s) => s.member('node2').replicationGroupMembers().length === 2, { limit: '60s' });
    expect(expelled).toBe(true);
    const after = await query(c, ROUTER_GR_MEMBERS);
    expect(after.map((r) => r.member_id).sort()).toEqual([sim.member('node2').uuid, sim.member('node3').uuid].sort());
    const primaries = after.filter((r) => r.member_role === 'PRIMARY');
    expect(primaries).toHaveLength(1);
    // The one the simulation elected, as node2 sees it.
    const elected = sim.member('node2').replicationGroupMembers().find((r) => r.MEMBER_ROLE === 'PRIMARY')!;
    expect(primaries[0]!.member_id).toBe(elected.MEMBER_ID);
    expect(elected.MEMBER_ID).not.toBe(sim.member('node1').uuid);
  });
});

describe("MySQL Shell's get_members over TCP", () => {
  it('lists the members with their versions, before and after a member crashes', async () => {
    const { sim, handle } = await start();
    const c = await connect(handle, 'node1');
    const before = await query(c, SHELL_GET_MEMBERS);
    const byId = new Map(before.map((r) => [r.member_id, [r.member_state, r.member_role, r.member_version, r.member_host, r.member_port]]));
    expect(MEMBERS.map((n) => byId.get(sim.member(n).uuid))).toEqual(MEMBERS.map((n) => [
      'ONLINE', n === 'node1' ? 'PRIMARY' : 'SECONDARY', '8.0.21', sim.member(n).host, sim.member(n).port,
    ]));
    sim.network.crash('node3');
    await handle.advance('1s');
    const noticed = await handle.runUntil((s) => s.member('node1').replicationGroupMembers().some((r) => r.MEMBER_STATE === 'UNREACHABLE'), { limit: '30s' });
    expect(noticed).toBe(true);
    const unreachable = await query(c, SHELL_GET_MEMBERS);
    expect(unreachable.filter((r) => r.member_state === 'UNREACHABLE').map((r) => r.member_id)).toEqual([sim.member('node3').uuid]);
    await handle.runUntil((s) => s.member('node1').replicationGroupMembers().length === 2, { limit: '60s' });
    const after = await query(c, SHELL_GET_MEMBERS);
    expect(after.map((r) => r.member_id).sort()).toEqual([sim.member('node1').uuid, sim.member('node2').uuid].sort());
    expect(after.every((r) => r.member_state === 'ONLINE')).toBe(true);
    // The crashed member's port refuses connections.
    expect((await rejection(connect(handle, 'node3'))).code).toBe('ECONNREFUSED');
  });
});

describe('writes through mysql2', () => {
  /** Creates app.t on node1 (the primary) and returns a connection there. */
  async function withTable(handle: ServeHandle): Promise<Connection> {
    const c = await connect(handle, 'node1');
    for (const ddl of ['CREATE DATABASE app', 'CREATE TABLE app.t (id INT PRIMARY KEY AUTO_INCREMENT, v VARCHAR(20))']) {
      const t = track(c.query(ddl));
      await advanceUntilAnswered(handle, 'node1', t);
      await t.promise;
    }
    return c;
  }

  it('a write on the primary waits for the group, then commits', async () => {
    const { sim, handle } = await start();
    const c = await withTable(handle);
    const t = track(c.query<ResultSetHeader>("INSERT INTO app.t (v) VALUES ('x')"));
    await atRest(handle, 'node1', t);
    expect(t.settled).toBe(false); // the group has not ordered it: no virtual time has passed
    expect(handle.pendingStatements('node1')).toBe(1);
    const steps = await advanceUntilAnswered(handle, 'node1', t, '10ms');
    expect(steps).toBeGreaterThan(0);
    const [ok] = await t.promise;
    expect(ok.affectedRows).toBe(1);
    expect(await query(c, 'SELECT v FROM app.t')).toEqual([{ v: 'x' }]);
    expect((await query(c, 'SELECT @@gtid_executed AS g'))[0]!.g).toBe(sim.member('node1').gtidExecuted());
  });

  it('blocks while its member is in a minority and is answered after the heal', async () => {
    const { sim, handle } = await start();
    const c = await withTable(handle);
    sim.network.isolate('node1');
    const minority = await handle.runUntil((s) => s.member('node1').replicationGroupMembers().filter((r) => r.MEMBER_STATE === 'UNREACHABLE').length === 2, { limit: '30s' });
    expect(minority).toBe(true);
    const t = track(c.query<ResultSetHeader>("INSERT INTO app.t (v) VALUES ('in the minority')"));
    await atRest(handle, 'node1', t);
    for (let k = 0; k < 4; k++) {
      await handle.advance('500ms');
      await atRest(handle, 'node1', t);
      expect(t.settled).toBe(false);
      expect(handle.pendingStatements('node1')).toBe(1);
    }
    // Healed before the majority expels it: node1 is still a member, and the write commits.
    expect(sim.member('node2').replicationGroupMembers()).toHaveLength(3);
    sim.network.heal('node1');
    await advanceUntilAnswered(handle, 'node1', t);
    const [ok] = await t.promise;
    expect(ok.affectedRows).toBe(1);
    expect(sim.member('node1').state).toBe('ONLINE');
    expect(await query(c, 'SELECT v FROM app.t')).toEqual([{ v: 'in the minority' }]);
  });

  it('SET SESSION group_replication_consistency=AFTER: that session waits for an UNREACHABLE member, an EVENTUAL session does not', async () => {
    const { sim, handle } = await start();
    const c = await withTable(handle);
    const other = await connect(handle, 'node1');
    await c.query("SET SESSION group_replication_consistency = 'AFTER'");
    expect(await query(c, 'SELECT @@SESSION.group_replication_consistency AS s, @@GLOBAL.group_replication_consistency AS g, @@group_replication_consistency AS d'))
      .toEqual([{ s: 'AFTER', g: 'EVENTUAL', d: 'AFTER' }]);
    expect(await query(other, 'SELECT @@SESSION.group_replication_consistency AS s')).toEqual([{ s: 'EVENTUAL' }]);
    expect(sim.member('node1').options().group_replication_consistency).toBe('EVENTUAL');
    const e = await rejection(c.query("SET @@SESSION.group_replication_consistency = 'STRONG'"));
    expect([e.errno, e.sqlState, e.message]).toEqual([1231, '42000', "Variable 'group_replication_consistency' can't be set to the value of 'STRONG'"]);
    expect(await query(c, 'SELECT @@SESSION.group_replication_consistency AS s')).toEqual([{ s: 'AFTER' }]);
    sim.network.isolate('node3');
    const unreachable = await handle.runUntil((s) => s.member('node1').replicationGroupMembers().some((r) => r.MEMBER_STATE === 'UNREACHABLE'), { limit: '30s' });
    expect(unreachable).toBe(true);
    const waits = track(c.query<ResultSetHeader>("INSERT INTO app.t (v) VALUES ('after')"));
    await atRest(handle, 'node1', waits);
    const goes = track(other.query<ResultSetHeader>("INSERT INTO app.t (v) VALUES ('eventual')"));
    await atRest(handle, 'node1', waits, goes);
    for (let k = 0; k < 30; k++) {
      await handle.advance('100ms');
      await atRest(handle, 'node1', waits, goes);
    }
    // Both were ordered by node1 and node2; only the AFTER session waits for node3 to prepare its transaction.
    expect(goes.settled).toBe(true);
    expect(waits.settled).toBe(false);
    expect(sim.member('node2').transactionCounters().checked).toBe(sim.member('node1').transactionCounters().checked);
    sim.network.heal('node3');
    const steps = await advanceUntilAnswered(handle, 'node1', waits, '100ms');
    expect(steps).toBeGreaterThan(0);
    const [ok] = await waits.promise;
    expect(ok.affectedRows).toBe(1);
    expect(await query(c, 'SELECT v FROM app.t ORDER BY v')).toEqual([{ v: 'after' }, { v: 'eventual' }]);
    // DEFAULT takes the global value again.
    await c.query('SET SESSION group_replication_consistency = DEFAULT');
    expect(await query(c, 'SELECT @@SESSION.group_replication_consistency AS s')).toEqual([{ s: 'EVENTUAL' }]);
  });

  it('fails with ERROR 3100 when the member goes ERROR (expelled while isolated, then healed)', async () => {
    const { sim, handle } = await start();
    const c = await withTable(handle);
    sim.network.isolate('node1');
    await handle.advance('2s');
    const t = track(c.query("INSERT INTO app.t (v) VALUES ('lost')"));
    await atRest(handle, 'node1', t);
    // The majority expels node1 and elects a new primary; node1 waits, its write with it.
    const expelled = await handle.runUntil((s) => s.member('node2').replicationGroupMembers().length === 2, { limit: '60s' });
    expect(expelled).toBe(true);
    await handle.advance('10s');
    await atRest(handle, 'node1', t);
    expect(t.settled).toBe(false);
    sim.network.heal('node1');
    const steps = await advanceUntilAnswered(handle, 'node1', t, '500ms');
    expect(steps).toBeGreaterThan(0);
    const e = await rejection(t.promise);
    expect([e.errno, e.sqlState, e.message]).toEqual([3100, 'HY000', "Error on observer while running replication hook 'before_commit'."]);
    expect(sim.writes.filter((w) => w.member === 'node1' && w.outcome === 'rolled_back')).toHaveLength(1);
    // The connection goes on; the table holds nothing of the lost write.
    expect(await query(c, 'SELECT COUNT(*) AS n FROM app.t')).toEqual([{ n: 0 }]);
  });

  it('is refused with ERROR 1290 on a secondary (super_read_only)', async () => {
    const { handle } = await start();
    const c = await connect(handle, 'node2');
    const e = await rejection(c.query('CREATE DATABASE app'));
    expect([e.errno, e.sqlState]).toEqual([1290, 'HY000']);
    expect(e.message).toBe('The MySQL server is running with the --super-read-only option so it cannot execute this statement');
    expect(handle.pendingStatements()).toBe(0);
  });
});

if (MARIADB === undefined) console.warn('test/serve/end-to-end.test.ts: the mariadb client test is skipped, no mariadb client binary (apt-get install mariadb-client; .ci/run installs it)');

describe.skipIf(MARIADB === undefined)("Debian's mariadb command-line client", () => {
  const mariadb = (port: number, sql: string) =>
    runProcess(MARIADB!, ['--protocol=TCP', '-h', '127.0.0.1', '-P', String(port), '-u', 'root', '--skip-ssl', '--batch', '-e', sql]);

  it("prints ProxySQL's monitor query as tab-separated text, before and after the member is isolated", async () => {
    const { sim, handle } = await start();
    const healthy = await mariadb(handle.ports.node2!, PROXYSQL_MYSQL8_GR_QUERY);
    expect(`${healthy.code} ${healthy.stderr}`).toBe('0 ');
    const [header, row, ...rest] = healthy.stdout.split('\n');
    expect(header).toBe('viable_candidate\tread_only\ttransactions_behind\tmembers');
    const fields = row!.split('\t');
    expect(fields.slice(0, 3)).toEqual(['YES', 'YES', '0']);
    expect(fields[3]!.split(',').sort()).toEqual(addresses(sim, MEMBERS));
    expect(rest).toEqual(['']);
    sim.network.isolate('node2');
    await handle.runUntil((s) => s.member('node2').replicationGroupMembers().filter((r) => r.MEMBER_STATE === 'UNREACHABLE').length === 2, { limit: '30s' });
    const isolated = await mariadb(handle.ports.node2!, PROXYSQL_MYSQL8_GR_QUERY);
    expect(isolated.code).toBe(0);
    expect(isolated.stdout.split('\n')[1]!.split('\t').slice(0, 3)).toEqual(['NO', 'YES', '0']);
  });
});

describe('wait_timeout per session', () => {
  it('a session starts with the server\'s wait_timeout and SET SESSION wait_timeout closes that connection alone when idle that long', async () => {
    const sim = createSimulation({ seed: 14, members: [...MEMBERS], mode: 'single-primary' });
    const handle = cleanup.closing(await serve(sim, { portBase: 0, testDriven: true, wait_timeout: 600 }));
    const short = await connect(handle, 'node2');
    const other = await connect(handle, 'node2');
    expect((await query(short, 'SELECT @@wait_timeout AS w'))[0]!.w).toBe(600);
    await query(short, "SET SESSION wait_timeout = 1");
    expect((await query(short, 'SELECT @@SESSION.wait_timeout AS w, @@GLOBAL.wait_timeout AS g'))[0]).toMatchObject({ w: 1, g: 600 });
    const lost = new Promise<unknown>((resolve) => short.once('error', resolve));
    // ERROR 4031 arrives about a second after the last statement; the other session stays.
    const error = await Promise.race([lost, new Promise((resolve) => setTimeout(() => resolve('no error within 5 s'), 5000))]);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ code: 4031, message: expect.stringContaining('disconnected by the server because of inactivity') });
    expect((await query(other, 'SELECT @@wait_timeout AS w'))[0]!.w).toBe(600);
  });
});
