import { describe, expect, it } from 'vitest';
import { createSimulation } from '../../src/index.js';
import { createStatementEngine, loadSqlEngine } from '../../src/serve/sql/engine.js';
import { expectError, records, settle, threeMembers } from './helpers.js';

describe('writes are transactions of the member', () => {
  it('autocommit writes on the primary commit once the group orders them, and the data is there', async () => {
    const { sim, engine } = await threeMembers();
    const s = engine.openSession('a', 'root', null);
    const before = sim.writes.length;
    expect(settle(sim, s.execute('CREATE DATABASE app'), 2000)?.kind).toBe('ok');
    expect(s.execute('USE app').kind).toBe('ok');
    expect(settle(sim, s.execute('CREATE TABLE t (id INT PRIMARY KEY AUTO_INCREMENT, v VARCHAR(10) NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4'), 2000)?.kind).toBe('ok');
    const insert = s.execute("INSERT INTO t (v) VALUES ('x'), ('y')");
    expect(insert.kind).toBe('pending'); // the client waits for the group
    const done = settle(sim, insert, 2000);
    expect(done).toMatchObject({ kind: 'ok', affectedRows: 2 });
    expect(sim.writes.length - before).toBe(3);
    expect(sim.writes.slice(before).every((w) => w.member === 'a' && w.outcome === 'committed')).toBe(true);
    expect(records(s.execute('SELECT id, v FROM t ORDER BY id'))).toEqual([{ id: '1', v: 'x' }, { id: '2', v: 'y' }]);
    // Every member applied the three transactions; an isolated one keeps what it had.
    const group = records(s.execute('SELECT @@group_replication_group_name g'))[0]!.g;
    const atC = engine.openSession('c', 'root', null);
    expect(records(atC.execute('SELECT @@gtid_executed g'))).toEqual([{ g: `${group}:1-3` }]);
    sim.network.isolate('c');
    sim.runFor('10s');
    expect(settle(sim, s.execute("INSERT INTO t (v) VALUES ('z')"), 2000)?.kind).toBe('ok');
    expect(records(s.execute('SELECT @@gtid_executed g'))).toEqual([{ g: `${group}:1-4` }]);
    expect(records(atC.execute('SELECT @@gtid_executed g'))).toEqual([{ g: `${group}:1-3` }]);
    // The simulation's own GTID set of each member, not a count the engine keeps.
    expect(group).toBe(sim.groupName);
    expect(records(atC.execute('SELECT @@gtid_executed g'))).toEqual([{ g: sim.member('c').gtidExecuted() }]);
    expect(records(s.execute('SELECT @@gtid_executed g'))).toEqual([{ g: sim.member('a').gtidExecuted() }]);
  });

  it('STOP GROUP_REPLICATION in a minority returns only after 51 s of waiting for the INSERT in flight (3100) and the leave; meanwhile a BEFORE read gets 3799', async () => {
    const { sim, engine } = await threeMembers();
    const s = engine.openSession('a', 'root', null);
    settle(sim, s.execute('CREATE DATABASE app'), 2000);
    s.execute('USE app');
    settle(sim, s.execute('CREATE TABLE t (id INT PRIMARY KEY, v INT)'), 2000);
    sim.network.isolate('a');
    sim.runFor('5s');
    const insert = s.execute('INSERT INTO t VALUES (1, 10)');
    expect(insert.kind).toBe('pending');
    const admin = engine.openSession('a', 'root', null);
    const stopAtUs = sim.nowUs;
    const stop = admin.execute('STOP GROUP_REPLICATION');
    expect(stop.kind).toBe('pending');
    const reader = engine.openSession('a', 'root', null);
    expect(reader.execute("SET SESSION group_replication_consistency = 'BEFORE'").kind).toBe('ok');
    expectError(reader.execute('SELECT * FROM t'), 3799, 'HY000');
    // The INSERT is killed when the stop's wait runs out; the STOP returns after the leave.
    expectError(settle(sim, insert, 52_000)!, 3100, 'HY000');
    expect(sim.nowUs - stopAtUs).toBeGreaterThanOrEqual(51_000_000);
    expect(stop.kind === 'pending' ? stop.poll() : stop).toBeUndefined();
    expect(settle(sim, stop, 60_000)?.kind).toBe('ok');
    expect(sim.member('a').state).toBe('OFFLINE');
  });

  it.each(['8.0.20', '8.0.21'] as const)('%s: START GROUP_REPLICATION during a STOP waits for it (8.0.20) or gets ERROR 3663 (8.0.21+); a second STOP likewise', async (version) => {
    await loadSqlEngine();
    const sim = createSimulation({ seed: 14, version, members: ['a', 'b', 'c'], mode: 'single-primary' });
    const engine = createStatementEngine(sim);
    const s = engine.openSession('a', 'root', null);
    settle(sim, s.execute('CREATE DATABASE app'), 2000);
    settle(sim, s.execute('CREATE TABLE app.t (id INT PRIMARY KEY)'), 2000);
    sim.network.isolate('a');
    sim.runFor('5s');
    const insert = s.execute('INSERT INTO app.t VALUES (1)');
    const stop = engine.openSession('a', 'root', null).execute('STOP GROUP_REPLICATION');
    expect(stop.kind).toBe('pending');
    const start = engine.openSession('a', 'root', null).execute('START GROUP_REPLICATION');
    const stopAgain = engine.openSession('a', 'root', null).execute('STOP GROUP_REPLICATION');
    if (version === '8.0.21') {
      expectError(start, 3663, 'HY000');
      expectError(stopAgain, 3663, 'HY000');
      expectError(settle(sim, insert, 52_000)!, 3100, 'HY000');
      expect(settle(sim, stop, 60_000)?.kind).toBe('ok');
      expect(sim.member('a').state).toBe('OFFLINE');
      return;
    }
    expect(start.kind).toBe('pending'); // it waits for the lock
    expectError(settle(sim, insert, 52_000)!, 3100, 'HY000');
    sim.network.heal('a');
    expect(settle(sim, stop, 60_000)?.kind).toBe('ok');
    const stoppedUs = sim.nowUs;
    expect(start.kind === 'pending' ? start.poll() : start).toBeUndefined(); // now joining
    expect(settle(sim, start, 60_000)?.kind).toBe('ok');
    expect(['RECOVERING', 'ONLINE']).toContain(sim.member('a').state);
    expect(sim.nowUs).toBeGreaterThan(stoppedUs);
    // The second STOP waited behind the START and then stopped what it began.
    expect(settle(sim, stopAgain, 60_000)?.kind).toBe('ok');
    expect(sim.member('a').state).toBe('OFFLINE');
  });

  it('8.4: a STOP during start_on_boot\'s join waits for it and then stops the member; a START meanwhile gets 3663', async () => {
    // delayed_plugin_initialization.cc holds plugin_running_lock through the boot's join without
    // setting start_stop_executing: the first client command waits, a second one meets its flag.
    await loadSqlEngine();
    const sim = createSimulation({ seed: 14, version: '8.4', members: ['a', 'b', 'c'], mode: 'single-primary' });
    const engine = createStatementEngine(sim);
    sim.runFor('5s');
    sim.network.crash('c');
    sim.runFor('25s');
    sim.network.restart('c');
    sim.runFor('0.5s');
    const stop = engine.openSession('c', 'root', null).execute('STOP GROUP_REPLICATION');
    expect(stop.kind).toBe('pending');
    expectError(engine.openSession('c', 'root', null).execute('START GROUP_REPLICATION'), 3663, 'HY000');
    expect(settle(sim, stop, 90_000)?.kind).toBe('ok');
    // The boot's join was handled first (RECOVERING), then the STOP ran.
    const recovering = sim.trace.find((e) => e.type === 'stateChange' && e.observer === 'c' && e.member === 'c' && e.state === 'RECOVERING' && e.t > 30_000_000);
    const stopping = sim.trace.find((e) => e.type === 'log' && e.member === 'c' && e.code === 'MY-011650' && e.t > 30_000_000);
    expect(recovering).toBeDefined();
    expect(stopping!.t).toBeGreaterThanOrEqual(recovering!.t);
    expect(sim.member('c').state).toBe('OFFLINE');
  });

  it('CREATE TABLE IF NOT EXISTS and DROP TABLE IF EXISTS are writes that leave an existing (or missing) table alone', async () => {
    const { sim, engine } = await threeMembers();
    const s = engine.openSession('a', 'root', null);
    settle(sim, s.execute('CREATE DATABASE IF NOT EXISTS app'), 2000);
    const create = 'CREATE TABLE IF NOT EXISTS app.t (id INT PRIMARY KEY AUTO_INCREMENT, v BIGINT NOT NULL)';
    expect(settle(sim, s.execute(create), 2000)).toMatchObject({ kind: 'ok', affectedRows: 0 });
    expect(settle(sim, s.execute('INSERT INTO app.t (v) VALUES (7)'), 2000)?.kind).toBe('ok');
    expect(settle(sim, s.execute(create), 2000)).toMatchObject({ kind: 'ok', affectedRows: 0 });
    expect(records(s.execute('SELECT id, v FROM app.t'))).toEqual([{ id: '1', v: '7' }]);
    expectError(s.execute('CREATE TABLE app.t (id INT)'), 1050, '42S01');
    // Still a write: a secondary refuses it even where nothing would change.
    expectError(engine.openSession('b', 'root', null).execute('CREATE TABLE IF NOT EXISTS app.t (id INT)'), 1290, 'HY000');
    expect(settle(sim, s.execute('DROP TABLE IF EXISTS app.t'), 2000)?.kind).toBe('ok');
    expect(settle(sim, s.execute('DROP TABLE IF EXISTS app.t'), 2000)?.kind).toBe('ok');
    expectError(s.execute('SELECT * FROM app.t'), 1146, '42S02');
  });

  it('BEGIN … COMMIT is one transaction; its reads see its own writes; ROLLBACK drops them', async () => {
    const { sim, engine } = await threeMembers();
    const s = engine.openSession('a', 'root', null);
    settle(sim, s.execute('CREATE DATABASE app'), 2000);
    s.execute('USE app');
    settle(sim, s.execute('CREATE TABLE t (id INT PRIMARY KEY, v INT)'), 2000);
    const writesBefore = sim.writes.length;
    expect(s.execute('BEGIN').kind).toBe('ok');
    expect(s.execute('INSERT INTO t VALUES (1, 10)')).toMatchObject({ kind: 'ok', affectedRows: 1 });
    expect(s.execute('UPDATE t SET v = v + 1 WHERE id = 1')).toMatchObject({ kind: 'ok', affectedRows: 1 });
    expect(records(s.execute('SELECT v FROM t'))).toEqual([{ v: '11' }]);
    // Another session does not see the uncommitted row.
    expect(records(engine.openSession('a', 'root', 'app').execute('SELECT COUNT(*) n FROM t'))).toEqual([{ n: '0' }]);
    expect(sim.writes.length).toBe(writesBefore);
    const commit = s.execute('COMMIT');
    expect(settle(sim, commit, 2000)?.kind).toBe('ok');
    if (commit.kind === 'pending') expect(commit.poll()?.kind).toBe('ok'); // polling again applies nothing twice
    expect(sim.writes.length).toBe(writesBefore + 1);
    expect(records(engine.openSession('a', 'root', 'app').execute('SELECT v FROM t'))).toEqual([{ v: '11' }]);
    s.execute('START TRANSACTION');
    s.execute('DELETE FROM t');
    expect(s.execute('ROLLBACK').kind).toBe('ok');
    expect(records(s.execute('SELECT COUNT(*) n FROM t'))).toEqual([{ n: '1' }]);
    expect(sim.writes.length).toBe(writesBefore + 1);
  });

  it('constraint errors are MySQL errors and roll back nothing else; INSERT IGNORE skips the duplicate', async () => {
    const { sim, engine } = await threeMembers();
    const s = engine.openSession('a', 'root', null);
    settle(sim, s.execute('CREATE DATABASE app'), 2000);
    s.execute('USE app');
    settle(sim, s.execute('CREATE TABLE t (id INT NOT NULL, PRIMARY KEY (id))'), 2000);
    expect(settle(sim, s.execute('INSERT INTO t VALUES (1)'), 2000)?.kind).toBe('ok');
    const writes = sim.writes.length;
    expectError(s.execute('INSERT INTO t VALUES (1)'), 1062, '23000');
    expectError(s.execute('INSERT INTO t VALUES (NULL)'), 1048, '23000');
    expectError(s.execute('CREATE TABLE t (x INT)'), 1050, '42S01');
    expect(sim.writes.length).toBe(writes); // refused before they became transactions
    expect(settle(sim, s.execute('INSERT IGNORE INTO t VALUES (1), (2)'), 2000)).toMatchObject({ kind: 'ok', affectedRows: 1 });
    expect(records(s.execute('SELECT id FROM t ORDER BY id'))).toEqual([{ id: '1' }, { id: '2' }]);
  });

  it('a write on a secondary in single-primary mode is refused with ERROR 1290', async () => {
    const { sim, engine } = await threeMembers();
    const primary = engine.openSession('a', 'root', null);
    settle(sim, primary.execute('CREATE DATABASE app'), 2000);
    const s = engine.openSession('b', 'root', null);
    const r = s.execute('CREATE TABLE app.t (id INT)');
    expectError(r, 1290, 'HY000');
    if (r.kind === 'error') expect(r.message).toBe('The MySQL server is running with the --super-read-only option so it cannot execute this statement');
    expectError(s.execute('INSERT INTO app.nope VALUES (1)'), 1290, 'HY000');
    // A syntax error is found before the read-only check, as MySQL parses first.
    expectError(s.execute('INSERT INTO app.t VALUES ('), 1064, '42000');
  });

  it('a commit in a minority blocks while the simulation advances, and is rolled back with ERROR 3100 when the member leaves the group', async () => {
    const { sim, engine } = await threeMembers();
    const s = engine.openSession('a', 'root', null);
    settle(sim, s.execute('CREATE DATABASE app'), 2000);
    settle(sim, s.execute('CREATE TABLE app.t (id INT)'), 2000);
    expect(s.execute('SET GLOBAL group_replication_unreachable_majority_timeout = 40').kind).toBe('ok');
    expect(sim.member('a').options().group_replication_unreachable_majority_timeout).toBe(40);
    sim.network.isolate('a');
    sim.runFor('1s');
    const w = s.execute('INSERT INTO app.t VALUES (1)');
    expect(w.kind).toBe('pending');
    if (w.kind !== 'pending') return;
    for (let k = 0; k < 300; k++) {
      sim.runFor('100ms');
      expect(w.poll()).toBeUndefined(); // 30 s in a minority: the client still waits
    }
    const end = settle(sim, w, 60_000);
    expectError(end!, 3100, 'HY000');
    if (end?.kind === 'error') expect(end.message).toBe("Error on observer while running replication hook 'before_commit'.");
    expect(sim.member('a').state).toBe('ERROR');
  });

  it('without a majority timeout the commit waits as long as the minority lasts; after the heal the expelled member rolls it back', async () => {
    const { sim, engine } = await threeMembers();
    const s = engine.openSession('a', 'root', null);
    settle(sim, s.execute('CREATE DATABASE app'), 2000);
    sim.network.partition(['a'], ['b', 'c']);
    sim.runFor('1s');
    const w = s.execute('CREATE TABLE app.t (id INT)');
    expect(w.kind).toBe('pending');
    expect(settle(sim, w, 120_000)).toBeUndefined();
    sim.network.repair();
    expectError(settle(sim, w, 60_000)!, 3100, 'HY000');
  });
});

describe('operator statements', () => {
  it('SET GLOBAL group_replication_* changes the member option; bad values and unknown variables get MySQL errors', async () => {
    const { sim, engine } = await threeMembers();
    const s = engine.openSession('b', 'root', null);
    expect(s.execute('SET GLOBAL group_replication_member_expel_timeout = 30').kind).toBe('ok');
    expect(s.execute("SET @@GLOBAL.group_replication_exit_state_action = 'OFFLINE_MODE'").kind).toBe('ok');
    expect(sim.member('b').options()).toMatchObject({ group_replication_member_expel_timeout: 30, group_replication_exit_state_action: 'OFFLINE_MODE' });
    expect(records(s.execute('SELECT @@group_replication_member_expel_timeout AS t'))).toEqual([{ t: '30' }]);
    expectError(s.execute('SET GLOBAL group_replication_member_expel_timeout = -1'), 1231, '42000');
    expectError(s.execute('SET GLOBAL group_replication_single_primary_mode = OFF'), 3093, 'HY000');
    expectError(s.execute('SET GLOBAL no_such_variable = 1'), 1193, 'HY000');
    expectError(s.execute("SET SESSION group_replication_group_name = 'x'"), 1229, 'HY000');
    expect(sim.member('a').options().group_replication_member_expel_timeout).toBe(5);
  });

  it('SET PERSIST keeps a value through a restart, SET GLOBAL does not, SET PERSIST_ONLY changes the restart alone', async () => {
    const { sim, engine } = await threeMembers();
    const s = engine.openSession('b', 'root', null);
    expect(s.execute('SET GLOBAL group_replication_member_expel_timeout = 30').kind).toBe('ok');
    expect(s.execute('SET PERSIST group_replication_member_weight = 70').kind).toBe('ok');
    expect(s.execute('SET PERSIST_ONLY group_replication_autorejoin_tries = 1').kind).toBe('ok');
    expect(sim.member('b').options()).toMatchObject({ group_replication_member_expel_timeout: 30, group_replication_member_weight: 70, group_replication_autorejoin_tries: 3 });
    sim.network.crash('b');
    sim.runFor('1s');
    sim.network.restart('b');
    expect(sim.member('b').options()).toMatchObject({ group_replication_member_expel_timeout: 5, group_replication_member_weight: 70, group_replication_autorejoin_tries: 1 });
  });

  it('group_replication_set_as_primary moves the primary; refused by the UDF init function (ERROR 1123) while a member is unreachable', async () => {
    const { sim, engine } = await threeMembers();
    const s = engine.openSession('a', 'root', null);
    const c = sim.member('c').uuid;
    expect(records(s.execute(`SELECT group_replication_set_as_primary('${c}') AS r`))).toEqual([{ r: `Primary server switched to: ${c}` }]);
    sim.runFor('100ms'); // the new primary's election process goes through the group
    expect(sim.member('c').superReadOnly).toBe(false);
    expect(sim.member('a').superReadOnly).toBe(true);
    sim.network.isolate('b');
    sim.runFor('10s');
    const r = s.execute(`SELECT group_replication_set_as_primary('${sim.member('a').uuid}')`);
    expectError(r, 1123, 'HY000');
    if (r.kind === 'error') expect(r.message).toBe("Can't initialize function 'group_replication_set_as_primary'; All members in the group must be reachable.");
  });

  it('STOP GROUP_REPLICATION waits for the leave; START GROUP_REPLICATION waits for the join', async () => {
    const { sim, engine } = await threeMembers();
    const s = engine.openSession('c', 'root', null);
    const stop = settle(sim, s.execute('STOP GROUP_REPLICATION'), 60_000);
    expect(stop?.kind).toBe('ok');
    expect(records(s.execute('SELECT member_state FROM performance_schema.replication_group_members'))).toEqual([{ member_state: 'OFFLINE' }]);
    expect(records(engine.openSession('a', 'root', null).execute('SELECT COUNT(*) n FROM performance_schema.replication_group_members'))).toEqual([{ n: '2' }]);
    const start = s.execute('START GROUP_REPLICATION');
    expect(start.kind).toBe('pending');
    expect(settle(sim, start, 60_000)?.kind).toBe('ok');
    expect(['ONLINE', 'RECOVERING']).toContain(sim.member('c').state);
    expectError(s.execute('START GROUP_REPLICATION'), 3093, 'HY000');
  });

  it('a START that cannot reach any seed fails with ERROR 3092', async () => {
    const { sim, engine } = await threeMembers();
    const s = engine.openSession('c', 'root', null);
    settle(sim, s.execute('STOP GROUP_REPLICATION'), 60_000);
    sim.network.isolate('c');
    expectError(settle(sim, s.execute('START GROUP_REPLICATION'), 200_000)!, 3092, 'HY000');
  });
});
