import { describe, expect, it } from 'vitest';
import { createSimulation } from '../../src/index.js';
import { createStatementEngine, loadSqlEngine } from '../../src/serve/sql/engine.js';
import type { StatementOutcome } from '../../src/serve/statement-engine.js';

/**
 * Statements the member API refuses reach the client as the same MySQL error, and statements
 * common clients send are answered as MySQL 8.0 answers them (docs/serve-sql.md).
 */

async function group(version?: '8.0.20' | '8.0.21' | '8.4') {
  await loadSqlEngine();
  const sim = createSimulation({ seed: 3, members: ['node1', 'node2', 'node3'], ...(version === undefined ? {} : { version }) });
  sim.runFor('10s');
  return { sim, engine: createStatementEngine(sim) };
}

/** "ERROR 4118 (HY000): text" as the API gives it, from an engine outcome. */
function asClientError(o: StatementOutcome): string {
  if (o.kind !== 'error') throw new Error(`expected an error, got ${JSON.stringify(o)}`);
  return `ERROR ${o.code} (${o.sqlState}): ${o.message}`;
}

describe('SET GLOBAL the member API refuses', () => {
  it('group_replication_force_members outside a blocked minority: the error the API returns, and nothing stored', async () => {
    const { sim, engine } = await group();
    const api = sim.member('node2').set('group_replication_force_members', 'banana');
    if (api.ok) throw new Error('the API accepted the forcing SET');
    const s = engine.openSession('node1', 'root', null);
    const o = s.execute("SET GLOBAL group_replication_force_members = 'banana'");
    expect(asClientError(o)).toBe(api.error);
    expect(sim.member('node1').options().group_replication_force_members).toBe('');
  });
});

describe('SET GLOBAL group_replication_force_members that GCS accepts waits for the forced view', () => {
  /** Five members; node1..node3 crash at 5 s, so node4 and node5 are a blocked minority by 30 s. */
  async function blocked(version: '8.0.21' | '8.4') {
    await loadSqlEngine();
    const members = ['node1', 'node2', 'node3', 'node4', 'node5'].map((name, k) => ({ name, host: `10.0.0.1${k + 1}`, port: 3306, xcomPort: 33061 }));
    const sim = createSimulation({ seed: 17, version, members });
    sim.runFor('5s');
    for (const n of ['node1', 'node2', 'node3']) sim.network.crash(n);
    sim.runFor('25s');
    return { sim, session: createStatementEngine(sim).openSession('node4', 'root', null) };
  }
  const poll = (o: StatementOutcome): StatementOutcome | undefined => {
    if (o.kind !== 'pending') throw new Error(`expected a waiting statement, got ${JSON.stringify(o)}`);
    return o.poll();
  };

  it('answers OK once the view is installed, then runs the assignments after it', async () => {
    const { sim, session } = await blocked('8.4');
    const o = session.execute("SET GLOBAL group_replication_force_members = '10.0.0.14:33061,10.0.0.15:33061', @after = 1");
    expect(poll(o)).toBeUndefined();
    expect(value(session.execute('SELECT @after'))).toBeNull();
    sim.runFor('5s');
    expect(poll(o)).toMatchObject({ kind: 'ok' });
    expect(value(session.execute('SELECT @after'))).toBe('1');
    expect(value(session.execute('SELECT @@global.group_replication_force_members'))).toBe('10.0.0.14:33061,10.0.0.15:33061');
  });

  it('no view within 120 s: ERROR 4118 with the timeout on 8.4, ERROR 1231 naming the value on 8.0.21', async () => {
    const value3 = '10.0.0.13:33061,10.0.0.14:33061,10.0.0.15:33061';
    for (const [version, code, message] of [
      ['8.4', 4118, `The 'SET GLOBAL group_replication_force_members=${value3}' command encountered a failure. Timeout on wait for view after setting group_replication_force_members.`],
      ['8.0.21', 1231, `Variable 'group_replication_force_members' can't be set to the value of '${value3}'`],
    ] as const) {
      const { sim, session } = await blocked(version);
      const o = session.execute(`SET GLOBAL group_replication_force_members = '${value3}'`);
      sim.runFor('119s');
      expect(poll(o)).toBeUndefined();
      sim.runFor('2s');
      expect(poll(o)).toMatchObject({ kind: 'error', code, message });
    }
  });
});

function expectError(o: StatementOutcome, code: number, sqlState: string, message: string): void {
  expect(o).toEqual({ kind: 'error', code, sqlState, message });
}

function value(o: StatementOutcome): string | null {
  if (o.kind !== 'rows') throw new Error(`expected rows, got ${JSON.stringify(o)}`);
  return o.rows[0]![0]!;
}

describe('SET GLOBAL group_replication_autorejoin_tries during an auto-rejoin', () => {
  it("is refused with MySQL's error (3916, check_autorejoin_tries' text), not as a wrong value", async () => {
    await loadSqlEngine();
    const sim = createSimulation({ seed: 73, members: ['node1', 'node2', 'node3'], mode: 'multi-primary' });
    const s = createStatementEngine(sim).openSession('node3', 'root', null);
    sim.at('10s', (x) => x.network.isolate('node3'));
    sim.at('70s', (x) => x.network.heal('node3'));
    expect(sim.runUntil(() => sim.member('node3').autoRejoinRunning, { limit: '130s' })).toBe(true);
    expect(s.execute('SET GLOBAL group_replication_autorejoin_tries = 5')).toEqual({
      kind: 'error', code: 3916, sqlState: 'HY000', message: 'Cannot update the number of auto-rejoin retry attempts when an auto-rejoin process is already running.',
    });
    expect(sim.member('node3').options().group_replication_autorejoin_tries).toBe(3);
  });
});

describe('statements common clients send, answered as MySQL 8.0 answers them', () => {
  it('SET GLOBAL … = DEFAULT stores the compiled-in default of this version; SET SESSION … = DEFAULT the global value; the string \'DEFAULT\' is a value like any other', async () => {
    const { sim, engine } = await group();
    const s = engine.openSession('node1', 'root', null);
    expect(s.execute('SET GLOBAL group_replication_member_expel_timeout = 30').kind).toBe('ok');
    expect(sim.member('node1').options().group_replication_member_expel_timeout).toBe(30);
    expect(s.execute('SET GLOBAL group_replication_member_expel_timeout = DEFAULT').kind).toBe('ok');
    expect(sim.member('node1').options().group_replication_member_expel_timeout).toBe(5);
    expect(s.execute("SET GLOBAL group_replication_exit_state_action = 'OFFLINE_MODE'").kind).toBe('ok');
    expect(s.execute('SET GLOBAL group_replication_exit_state_action = default').kind).toBe('ok');
    expect(sim.member('node1').options().group_replication_exit_state_action).toBe('READ_ONLY');
    expectError(s.execute("SET GLOBAL group_replication_consistency = 'DEFAULT'"), 1231, '42000', "Variable 'group_replication_consistency' can't be set to the value of 'DEFAULT'");
    expect(s.execute('SET autocommit = 0').kind).toBe('ok');
    expect(s.execute('SET autocommit = DEFAULT').kind).toBe('ok');
    expect(value(s.execute('SELECT @@autocommit'))).toBe('1');
    expect(s.execute('SET SESSION wait_timeout = 10').kind).toBe('ok');
    expect(s.execute('SET SESSION wait_timeout = DEFAULT').kind).toBe('ok');
    expect(value(s.execute('SELECT @@session.wait_timeout'))).toBe('28800');
    expect(s.execute('SET @x = DEFAULT')).toMatchObject({ kind: 'error', code: 1064 });
  });

  it('SET GLOBAL … = DEFAULT on 8.0.20 stores that version\'s default (expel timeout 0)', async () => {
    const { sim, engine } = await group('8.0.20');
    const s = engine.openSession('node1', 'root', null);
    expect(s.execute('SET GLOBAL group_replication_member_expel_timeout = 30').kind).toBe('ok');
    expect(s.execute('SET GLOBAL group_replication_member_expel_timeout = DEFAULT').kind).toBe('ok');
    expect(sim.member('node1').options().group_replication_member_expel_timeout).toBe(0);
  });

  it("START GROUP_REPLICATION USER='rpl', PASSWORD='x' starts as START does from 8.0.21; the parser's checks; a syntax error on 8.0.20", async () => {
    const { sim, engine } = await group();
    const s = engine.openSession('node3', 'root', null);
    expectError(s.execute("START GROUP_REPLICATION USER='rpl', PASSWORD='x'"), 3093, 'HY000', 'The START GROUP_REPLICATION command failed since the group is already running.');
    sim.member('node3').stopGroupReplication();
    sim.runFor('5s');
    expectError(s.execute("START GROUP_REPLICATION PASSWORD='x'"), 3971, 'HY000', 'The START GROUP_REPLICATION command failed since the USER option was not provided with PASSWORD for recovery channel.');
    expectError(s.execute("START GROUP_REPLICATION USER=''"), 3970, 'HY000', 'The START GROUP_REPLICATION command failed since the username provided for recovery channel is empty.');
    expect(s.execute("START GROUP_REPLICATION USER='rpl' PASSWORD='x'")).toMatchObject({ kind: 'error', code: 1064 });
    expect(sim.member('node3').lastStartOutcome()).toBeNull();
    let o: StatementOutcome | undefined = s.execute("START GROUP_REPLICATION USER='rpl', PASSWORD='x', DEFAULT_AUTH='caching_sha2_password'");
    for (let k = 0; k < 300 && o?.kind === 'pending'; k++) { sim.runFor('100ms'); o = o.poll() ?? o; }
    expect(o?.kind).toBe('ok');
    expect(sim.member('node3').lastStartOutcome()).toEqual({ outcome: 'joined', error: null });

    const old = await group('8.0.20');
    const s20 = old.engine.openSession('node1', 'root', null);
    expectError(s20.execute("START GROUP_REPLICATION USER='rpl', PASSWORD='x'"), 1064, '42000',
      "You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near 'USER='rpl', PASSWORD='x'' at line 1");
  });

  it('CURRENT_TIMESTAMP(6), NOW(3), SYSDATE(), UTC_TIMESTAMP: the simulated time with that many fractional digits; NOW(7) and NOW(x) are MySQL\'s errors', async () => {
    const { sim, engine } = await group();
    sim.runFor(123_456);
    const s = engine.openSession('node1', 'root', null);
    const at = new Date(Math.floor((sim.startEpochUs + sim.nowUs) / 1000)).toISOString().slice(0, 19).replace('T', ' ');
    expect(value(s.execute('SELECT CURRENT_TIMESTAMP(6)'))).toBe(`${at}.123456`);
    expect(value(s.execute('SELECT NOW(3)'))).toBe(`${at}.123`);
    expect(value(s.execute('SELECT LOCALTIMESTAMP'))).toBe(at);
    expect(value(s.execute('SELECT SYSDATE()'))).toBe(at);
    expect(value(s.execute('SELECT UTC_TIMESTAMP'))).toBe(at);
    expectError(s.execute('SELECT NOW(7)'), 1426, '42000', "Too-big precision 7 specified for 'now'. Maximum is 6.");
    expectError(s.execute('SELECT UTC_TIMESTAMP(9)'), 1426, '42000', "Too-big precision 9 specified for 'utc_timestamp'. Maximum is 6.");
    expect(s.execute('SELECT NOW(1 + 1)')).toMatchObject({ kind: 'error', code: 1064 });
    expectError(s.execute('SELECT version(1)'), 1582, '42000', "Incorrect parameter count in the call to native function 'version'");
    expect(s.execute('SELECT DATABASE(1)')).toMatchObject({ kind: 'error', code: 1064 });
  });

  it('a Group Replication UDF with arguments it does not take: its init function\'s refusal (ERROR 1123)', async () => {
    const { engine } = await group();
    const s = engine.openSession('node1', 'root', null);
    const cannot = (udf: string, why: string): StatementOutcome => ({ kind: 'error', code: 1123, sqlState: 'HY000', message: `Can't initialize function '${udf}'; ${why}` });
    for (const call of ['group_replication_set_as_primary()', "group_replication_set_as_primary('')", 'group_replication_set_as_primary(1)', "group_replication_set_as_primary('a', 'b', 'c', 'd')"]) {
      expect(s.execute(`SELECT ${call}`)).toEqual(cannot('group_replication_set_as_primary', 'Wrong arguments: You need to specify a server uuid.'));
    }
    expect(s.execute("SELECT group_replication_switch_to_single_primary_mode('a', 'b')"))
      .toEqual(cannot('group_replication_switch_to_single_primary_mode', 'Wrong arguments: This function either takes no arguments or a single server uuid.'));
    expect(s.execute('SELECT group_replication_switch_to_multi_primary_mode(1)'))
      .toEqual(cannot('group_replication_switch_to_multi_primary_mode', 'Wrong arguments: This function takes no arguments.'));
  });

  it('set_as_primary takes running_transactions_timeout as a second argument from 8.0.29 (the 8.4 profile), not before', async () => {
    const cannot = (why: string): StatementOutcome => ({ kind: 'error', code: 1123, sqlState: 'HY000', message: `Can't initialize function 'group_replication_set_as_primary'; ${why}` });
    const old = await group('8.0.21');
    const node3 = old.sim.member('node3').uuid;
    expect(old.engine.openSession('node1', 'root', null).execute(`SELECT group_replication_set_as_primary('${node3}', 10)`))
      .toEqual(cannot('Wrong arguments: You need to specify a server uuid.'));
    const { sim, engine } = await group('8.4');
    const s = engine.openSession('node1', 'root', null);
    const target = sim.member('node3').uuid;
    expect(s.execute(`SELECT group_replication_set_as_primary('${target}', 'ten')`))
      .toEqual(cannot('Wrong arguments: Second parameter `running_transactions_timeout` must be type integer between 0 - 3600 (seconds).'));
    expect(s.execute(`SELECT group_replication_set_as_primary('${target}', 1, 2)`)).toEqual(cannot('Wrong arguments: UDF accepts maximum of 2 parameters.'));
    expect(s.execute(`SELECT group_replication_set_as_primary('${target}', 3601)`)).toEqual({
      kind: 'error', code: 3910, sqlState: 'HY000', message: "The function 'group_replication_set_as_primary' failed. Valid range for running_transactions_timeout is 0 to 3600.",
    });
    expect(value(s.execute(`SELECT group_replication_set_as_primary('${target}', 30)`))).toBe(`Primary server switched to: ${target}`);
    sim.runFor('1s');
    expect(sim.member('node3').superReadOnly).toBe(false);
  });

  it('a switch to the mode the group is in: MySQL\'s text as the row, and nothing happens (udf_single_primary.cc, udf_multi_primary.cc, the UDFs\' bodies)', async () => {
    const { sim, engine } = await group();
    const s = engine.openSession('node1', 'root', null);
    const writable = (): string[] => ['node1', 'node2', 'node3'].filter((n) => !sim.member(n).superReadOnly);
    expect(writable()).toEqual(['node1']);
    const events = sim.trace.length;
    expect(value(s.execute(`SELECT group_replication_switch_to_single_primary_mode('${sim.member('node2').uuid}')`)))
      .toBe('Already in single-primary mode. Did you mean to use group_replication_set_as_primary?');
    expect(value(s.execute('SELECT group_replication_switch_to_single_primary_mode()'))).toBe('The group is already on single-primary mode.');
    expect(value(s.execute(`SELECT group_replication_set_as_primary('${sim.member('node1').uuid}')`))).toBe('The requested member is already the current group primary.');
    expect(sim.trace.length).toBe(events);
    sim.runFor('1s');
    expect(writable()).toEqual(['node1']);
    expect(value(s.execute('SELECT group_replication_switch_to_multi_primary_mode()'))).toBe('Mode switched to multi-primary successfully.');
    sim.runFor('1s');
    expect(value(s.execute('SELECT group_replication_switch_to_multi_primary_mode()'))).toBe('The group is already on multi-primary mode.');
    expect(value(s.execute(`SELECT group_replication_switch_to_single_primary_mode('${sim.member('node3').uuid}')`))).toBe('Mode switched to single-primary successfully.');
    sim.runFor('1s');
    expect(writable()).toEqual(['node3']);
  });

  it('the init checks in MySQL\'s order: the plugin stopping before the arguments, an UNREACHABLE member before an unknown uuid, every one before running_transactions_timeout\'s range', async () => {
    const cannot = (udf: string, why: string): StatementOutcome => ({ kind: 'error', code: 1123, sqlState: 'HY000', message: `Can't initialize function '${udf}'; ${why}` });
    const { sim, engine } = await group('8.4');
    const s = engine.openSession('node1', 'root', null);
    const unknown = '00000000-0000-0000-0000-0000000000aa';
    // set_as_primary's mode refusal is an init check (1123), its range a check of the body (3910).
    expect(s.execute('SELECT group_replication_switch_to_multi_primary_mode()').kind).toBe('rows');
    expect(s.execute(`SELECT group_replication_set_as_primary('${sim.member('node3').uuid}', 3601)`))
      .toEqual(cannot('group_replication_set_as_primary', 'In multi-primary mode. Use group_replication_switch_to_single_primary_mode.'));
    expect(s.execute(`SELECT group_replication_set_as_primary('${unknown}', 3601)`))
      .toEqual(cannot('group_replication_set_as_primary', 'The requested uuid is not a member of the group.'));
    sim.network.isolate('node3');
    expect(sim.runUntil(() => sim.member('node1').replicationGroupMembers().some((r) => r.MEMBER_STATE === 'UNREACHABLE'), { limit: '10s' })).toBe(true);
    for (const udf of ['group_replication_set_as_primary', 'group_replication_switch_to_single_primary_mode']) {
      expect(s.execute(`SELECT ${udf}('${unknown}')`)).toEqual(cannot(udf, 'All members in the group must be reachable.'));
    }
    expect(s.execute(`SELECT group_replication_set_as_primary('${sim.member('node2').uuid}', -1)`))
      .toEqual(cannot('group_replication_set_as_primary', 'All members in the group must be reachable.'));
    sim.network.heal('node3');
    sim.runFor('10s');
    // A STOP GROUP_REPLICATION under way: get_plugin_is_stopping comes before the argument checks.
    sim.member('node1').stopGroupReplication();
    expect(sim.member('node1').state).toBe('ONLINE');
    expect(s.execute('SELECT group_replication_switch_to_multi_primary_mode(1)'))
      .toEqual(cannot('group_replication_switch_to_multi_primary_mode', 'Member must be ONLINE and in the majority partition.'));
  });

  it("validate_uuid_parameter: text that is no uuid is 'not valid', a member's uuid in another spelling names no member, both after the shared checks", async () => {
    const cannot = (udf: string, why: string): StatementOutcome => ({ kind: 'error', code: 1123, sqlState: 'HY000', message: `Can't initialize function '${udf}'; ${why}` });
    const { sim, engine } = await group();
    const s = engine.openSession('node1', 'root', null);
    const node2 = sim.member('node2').uuid;
    for (const udf of ['group_replication_set_as_primary', 'group_replication_switch_to_single_primary_mode']) {
      for (const text of ['node2', `${node2}x`, node2.slice(1)]) {
        expect(s.execute(`SELECT ${udf}('${text}')`), text).toEqual(cannot(udf, 'Wrong arguments: The server uuid is not valid.'));
      }
      // Uuid::parse takes these spellings; the member table holds the lower-case 8-4-4-4-12 text only.
      for (const text of [node2.toUpperCase(), node2.replace(/-/g, ''), `{${node2}}`]) {
        expect(s.execute(`SELECT ${udf}('${text}')`), text).toEqual(cannot(udf, 'The requested uuid is not a member of the group.'));
      }
    }
    expect(sim.member('node1').replicationGroupMembers().find((r) => r.MEMBER_ID === node2)?.MEMBER_ROLE).toBe('SECONDARY');
    sim.network.isolate('node3');
    expect(sim.runUntil(() => sim.member('node1').replicationGroupMembers().some((r) => r.MEMBER_STATE === 'UNREACHABLE'), { limit: '10s' })).toBe(true);
    expect(s.execute("SELECT group_replication_set_as_primary('node2')"))
      .toEqual(cannot('group_replication_set_as_primary', 'All members in the group must be reachable.'));
  });

  it('no error names a function of the rewrite (__now, iif, last_insert_rowid…)', async () => {
    const { engine } = await group();
    const s = engine.openSession('node1', 'root', null);
    for (const q of ['SELECT NOW(1, 2)', 'SELECT CURRENT_TIMESTAMP(a)', 'SELECT UUID(1)', 'SELECT CONNECTION_ID(1)', "SELECT JSON_UNQUOTE('a', 'b')", 'SELECT LAST_INSERT_ID(5)',
      'SELECT IF(1, 2)', 'SELECT LCASE()', 'SELECT USER(1)', 'SELECT CURRENT_USER(1)', "SELECT CHAR_LENGTH('a', 'b')", 'SELECT SESSION_USER(1)']) {
      const o = s.execute(q);
      expect(o.kind, q).toBe('error');
      if (o.kind === 'error') expect(o.message, q).not.toMatch(/__|iif|last_insert_rowid|\blower\b|\blength\b/);
    }
  });

  it("a client's call of a rewrite helper (__now, __sysvar…) is a function MySQL does not have", async () => {
    const { engine } = await group();
    const inDb = engine.openSession('node1', 'root', null);
    expect(inDb.execute('USE performance_schema').kind).toBe('ok');
    expectError(inDb.execute('SELECT __now(0)'), 1305, '42000', 'FUNCTION performance_schema.__now does not exist');
    expectError(inDb.execute("SELECT 1 + __sysvar('server_id', '')"), 1305, '42000', 'FUNCTION performance_schema.__sysvar does not exist');
    expectError(engine.openSession('node1', 'root', null).execute('SELECT __version()'), 1046, '3D000', 'No database selected');
    // The helpers still serve the MySQL spellings they stand for.
    expect(value(inDb.execute('SELECT @@server_id'))).not.toBeNull();
  });
});
