import { describe, expect, it } from 'vitest';
import { expectError, records, rows, threeMembers } from './helpers.js';
import {
  PROXYSQL_MYSQL8_GR_QUERY, PROXYSQL_OLDER_SPELLING, ROUTER_GR_MEMBERS, ROUTER_METADATA_REFRESH, ROUTER_SESSION_SETUP, SHELL_GET_MEMBERS,
} from './tool-statements.js';

/**
 * The exact statements real tools send, quoted from their sources, answered from the simulated
 * state before and after a fault.
 */

describe('ProxySQL monitor query', () => {
  it('every member is a viable candidate in a healthy group; only the primary is writable', async () => {
    const { sim, engine } = await threeMembers();
    for (const m of sim.members) {
      const r = records(engine.openSession(m.name, 'root', null).execute(PROXYSQL_MYSQL8_GR_QUERY));
      expect(r).toHaveLength(1);
      expect(r[0]!.viable_candidate).toBe('YES');
      expect(r[0]!.read_only).toBe(m.name === 'a' ? 'NO' : 'YES');
      expect(r[0]!.transactions_behind).toBe('0');
      const members = r[0]!.members!.split(',').sort();
      expect(members).toEqual(sim.members.map((x) => `${x.host}:${x.port}`).sort());
    }
  });

  it('viable_candidate turns NO on an isolated member once it shows the others UNREACHABLE, and stays YES in the majority', async () => {
    const { sim, engine } = await threeMembers();
    const atC = engine.openSession('c', 'root', null);
    const atA = engine.openSession('a', 'root', null);
    sim.network.isolate('c');
    sim.runFor('1s');
    // Before the failure detector fires, c still shows everyone ONLINE: still a candidate.
    expect(records(atC.execute(PROXYSQL_MYSQL8_GR_QUERY))[0]!.viable_candidate).toBe('YES');
    const seen = sim.runUntil((s) => s.member('c').replicationGroupMembers().filter((r) => r.MEMBER_STATE === 'UNREACHABLE').length === 2, { limit: '30s' });
    expect(seen).toBe(true);
    expect(records(atC.execute(PROXYSQL_MYSQL8_GR_QUERY))[0]!.viable_candidate).toBe('NO');
    sim.runFor('30s'); // a and b expel c
    const fromA = records(atA.execute(PROXYSQL_MYSQL8_GR_QUERY))[0]!;
    expect(fromA.viable_candidate).toBe('YES');
    expect(fromA.members!.split(',')).toHaveLength(2);
  });

  it('the older spelling (concatenated lines, ":" in double quotes) gets the same answer', async () => {
    const { sim, engine } = await threeMembers();
    const s = engine.openSession('b', 'root', null);
    expect(rows(s.execute(PROXYSQL_OLDER_SPELLING)).rows).toEqual(rows(s.execute(PROXYSQL_MYSQL8_GR_QUERY)).rows);
    sim.network.isolate('b');
    sim.runFor('20s');
    expect(records(s.execute(PROXYSQL_OLDER_SPELLING))[0]!.viable_candidate).toBe('NO');
  });

  it('sys.gr_member_routing_candidate_status (the 5.7 monitor reads it) agrees', async () => {
    const { sim, engine } = await threeMembers();
    const s = engine.openSession('c', 'root', null);
    const q = 'SELECT viable_candidate, read_only, transactions_behind, transactions_to_cert FROM sys.gr_member_routing_candidate_status';
    expect(records(s.execute(q))).toEqual([{ viable_candidate: 'YES', read_only: 'YES', transactions_behind: '0', transactions_to_cert: '0' }]);
    sim.network.isolate('c');
    sim.runFor('20s');
    expect(records(s.execute(q))[0]!.viable_candidate).toBe('NO');
  });
});

describe('MySQL Router', () => {
  it('accepts its session setup and answers its metadata refresh', async () => {
    const { sim, engine } = await threeMembers();
    const s = engine.openSession('b', 'root', null);
    for (const q of ROUTER_SESSION_SETUP) expect(s.execute(q).kind).toBe('ok');
    expect(records(s.execute('SELECT @@SESSION.autocommit, @@session.sql_mode'))[0]).toEqual({
      '@@SESSION.autocommit': '1',
      '@@session.sql_mode': 'ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION',
    });
    expect(s.execute('START TRANSACTION').kind).toBe('ok');
    expect(records(s.execute(ROUTER_METADATA_REFRESH.schemaVersion))).toEqual([{ major: '2', minor: '1', patch: '0' }]);
    expect(records(s.execute(ROUTER_METADATA_REFRESH.clusterType))).toEqual([{ cluster_type: 'gr' }]);
    expect(records(s.execute(ROUTER_METADATA_REFRESH.online))).toEqual([{ member_state: 'ONLINE' }]);
    expect(records(s.execute(ROUTER_METADATA_REFRESH.quorum))).toEqual([{ num_onlines: '3', num_total: '3' }]);
    const instances = records(s.execute(ROUTER_METADATA_REFRESH.instances));
    expect(instances.map((i) => i.mysql_server_uuid).sort()).toEqual(sim.members.map((m) => m.uuid).sort());
    expect(instances.map((i) => i.endpoint).sort()).toEqual(sim.members.map((m) => `${m.host}:${m.port}`).sort());
    expect(s.execute('COMMIT').kind).toBe('ok');
    const groupName = records(s.execute(ROUTER_METADATA_REFRESH.groupName))[0]!['@@group_replication_group_name'];
    expect(groupName).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(records(s.execute('SELECT group_name FROM mysql_innodb_cluster_metadata.v2_gr_clusters'))[0]!.group_name).toBe(groupName);
  });

  it('sees the primary change after the primary is isolated, from a majority member', async () => {
    const { sim, engine } = await threeMembers();
    const s = engine.openSession('b', 'root', null);
    const before = records(s.execute(ROUTER_GR_MEMBERS));
    expect(before).toHaveLength(3);
    expect(rows(s.execute(ROUTER_GR_MEMBERS)).columns.map((c) => c.name)).toEqual([
      'member_id', 'member_host', 'member_port', 'member_state', 'member_role', '@@group_replication_single_primary_mode',
    ]);
    expect(before.find((r) => r.member_role === 'PRIMARY')!.member_id).toBe(sim.member('a').uuid);
    expect(before.every((r) => r.member_state === 'ONLINE' && r['@@group_replication_single_primary_mode'] === '1')).toBe(true);
    sim.network.isolate('a');
    const elected = sim.runUntil((x) => x.member('b').replicationGroupMembers().length === 2, { limit: '60s' });
    expect(elected).toBe(true);
    const after = records(s.execute(ROUTER_GR_MEMBERS));
    expect(after.map((r) => r.member_id).sort()).toEqual([sim.member('b').uuid, sim.member('c').uuid].sort());
    const primary = after.find((r) => r.member_role === 'PRIMARY')!;
    expect([sim.member('b').uuid, sim.member('c').uuid]).toContain(primary.member_id);
    // From the isolated old primary: the others UNREACHABLE, no quorum.
    const fromA = records(engine.openSession('a', 'root', null).execute(ROUTER_METADATA_REFRESH.quorum))[0]!;
    expect(fromA).toEqual({ num_onlines: '1', num_total: '3' });
  });

  it('reads group_replication_primary_member with SHOW STATUS (8.0 servers)', async () => {
    const { sim, engine } = await threeMembers();
    const r = records(engine.openSession('c', 'root', null).execute("show status like 'group_replication_primary_member'"));
    expect(r).toEqual([{ Variable_name: 'group_replication_primary_member', Value: sim.member('a').uuid }]);
  });
});

describe('MySQL Shell', () => {
  it('lists the members with their versions, before and after a member is stopped', async () => {
    const { sim, engine } = await threeMembers();
    const s = engine.openSession('a', 'root', null);
    const before = records(s.execute(SHELL_GET_MEMBERS));
    expect(before.map((r) => [r.member_state, r.member_version])).toEqual([['ONLINE', '8.0.21'], ['ONLINE', '8.0.21'], ['ONLINE', '8.0.21']]);
    expect(before.filter((r) => r.member_role === 'PRIMARY').map((r) => r.member_id)).toEqual([sim.member('a').uuid]);
    sim.network.isolate('c');
    sim.runFor('40s');
    const after = records(s.execute(SHELL_GET_MEMBERS));
    expect(after.map((r) => r.member_id).sort()).toEqual([sim.member('a').uuid, sim.member('b').uuid].sort());
    // The isolated member lists itself and the others as it sees them.
    const fromC = records(engine.openSession('c', 'root', null).execute(SHELL_GET_MEMBERS));
    expect(fromC.filter((r) => r.member_state === 'UNREACHABLE')).toHaveLength(2);
  });
});

describe('the same question asked differently', () => {
  it('other whitespace, case, aliases, backticks and column order give the same data', async () => {
    const { sim, engine } = await threeMembers();
    const s = engine.openSession('b', 'root', null);
    const base = records(s.execute(ROUTER_GR_MEMBERS));
    const variants = [
      "select\n  MEMBER_ID as member_id ,member_host,  member_port, member_state,\tmember_role, @@group_replication_single_primary_mode\nfrom   performance_schema.replication_group_members  where CHANNEL_NAME='group_replication_applier';",
      "SELECT m.member_id, m.member_host, m.member_port, m.member_state, m.member_role, @@GROUP_REPLICATION_SINGLE_PRIMARY_MODE AS `@@group_replication_single_primary_mode` FROM `performance_schema`.`replication_group_members` m WHERE m.channel_name = \"group_replication_applier\"",
      "/* router */ SELECT member_id, member_host, member_port, member_state, member_role, @@global.group_replication_single_primary_mode `@@group_replication_single_primary_mode` FROM performance_schema.replication_group_members -- trailing comment\n",
    ];
    for (const v of variants) expect(records(s.execute(v))).toEqual(base);
    const reordered = records(s.execute('SELECT member_role AS role, member_port, member_id FROM performance_schema.replication_group_members ORDER BY member_id DESC'));
    expect(reordered.map((r) => r.member_id)).toEqual(base.map((r) => r.member_id).reverse());
    expect(reordered.map((r) => r.role)).toEqual(base.map((r) => r.member_role).reverse());
    expect(s.execute('USE performance_schema').kind).toBe('ok');
    expect(records(s.execute("SELECT COUNT(*) AS n FROM replication_group_members WHERE member_state = 'ONLINE'"))).toEqual([{ n: '3' }]);
    // MEMBER_STATE is utf8mb4_bin (table_replication_group_members.cc): another case matches nothing, as in MySQL.
    expect(records(s.execute("SELECT COUNT(*) AS n FROM replication_group_members WHERE member_state = 'online'"))).toEqual([{ n: '0' }]);
    expect(sim.members).toHaveLength(3);
  });

  it('@@SERVER_UUID and @@server_uuid are one variable; SHOW VARIABLES takes LIKE and WHERE', async () => {
    const { sim, engine } = await threeMembers();
    const s = engine.openSession('c', 'root', null);
    const uuid = sim.member('c').uuid;
    expect(rows(s.execute('SELECT @@SERVER_UUID, @@server_uuid, @@global.Server_Uuid')).rows).toEqual([[uuid, uuid, uuid]]);
    expect(records(s.execute("SHOW GLOBAL VARIABLES LIKE 'server_uuid'"))).toEqual([{ Variable_name: 'server_uuid', Value: uuid }]);
    expect(records(s.execute("SHOW VARIABLES WHERE Variable_name IN ('super_read_only', 'offline_mode')"))).toEqual([
      { Variable_name: 'offline_mode', Value: 'OFF' }, { Variable_name: 'super_read_only', Value: 'ON' },
    ]);
    const gr = records(s.execute("SHOW GLOBAL VARIABLES LIKE 'group_replication_%'")).map((r) => r.Variable_name);
    for (const name of ['group_replication_member_expel_timeout', 'group_replication_autorejoin_tries', 'group_replication_exit_state_action',
      'group_replication_unreachable_majority_timeout', 'group_replication_message_cache_size', 'group_replication_member_weight',
      'group_replication_single_primary_mode', 'group_replication_group_name']) expect(gr).toContain(name);
    expect(rows(s.execute('SELECT @@hostname, @@port, @@version, @@read_only, @@super_read_only, @@offline_mode')).rows).toEqual([
      [sim.member('c').host, String(sim.member('c').port), '8.0.21', '1', '1', '0'],
    ]);
    expectError(s.execute('SELECT @@no_such_variable'), 1193, 'HY000');
  });
});
