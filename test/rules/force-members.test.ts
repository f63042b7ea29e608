/**
 * SET GLOBAL group_replication_force_members (docs/mysql-behaviour.md §G8): five members, three
 * crash at once, the two survivors block; forcing their membership on one of them gives a
 * two-member group that commits. Refusals as MySQL words them (plugin.cc check_force_members,
 * gcs_operations.cc force_members, gcs_xcom_group_management.cc modify_configuration), and START
 * refused while the variable is set (check_if_server_properly_configured).
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, createSimulation, type Simulation } from '../../src/index.js';
import { SEC, hasLogged, logsOf } from './helpers.js';

const FIVE = ['node1', 'node2', 'node3', 'node4', 'node5'].map((name, k) => ({
  name, host: `10.0.0.1${k + 1}`, port: 3306, xcomPort: 33061,
  ...(name === 'node4' ? { options: { group_replication_member_weight: 80 } } : {}),
}));
const SURVIVORS = '10.0.0.14:33061,10.0.0.15:33061';
const failure = (value: string, reason: string): string =>
  `ERROR 4118 (HY000): The 'SET GLOBAL group_replication_force_members=${value}' command encountered a failure. ${reason}`;

/** Five members; at 5 s node1 (the primary), node2 and node3 crash; runs to 30 s. */
function blockedMinority(seed = 11, version: '8.4' | '8.0.21' = '8.4'): Simulation {
  const sim = createSimulation({ seed, version, members: FIVE });
  sim.runFor('5s');
  for (const n of ['node1', 'node2', 'node3']) sim.network.crash(n);
  sim.runFor('25s');
  return sim;
}

/**
 * blockedMinority(17) with a SET on node4 that lists the crashed node3, so it waits for a view
 * that never comes (MY-011723 after 120 s); `lines(code)` gives node4's lines of `code` in seconds
 * after the SET.
 */
function pendingForceOnNode4() {
  const sim = blockedMinority(17);
  const node4 = sim.member('node4');
  const t0 = sim.nowUs;
  expect(node4.set('group_replication_force_members', '10.0.0.13:33061,10.0.0.14:33061,10.0.0.15:33061')).toEqual({ ok: true });
  const lines = (code: string): number[] => logsOf(sim, 'node4', code).map((e) => (e.t - t0) / SEC);
  return { sim, node4, lines };
}

describe('force_members unblocks a minority', () => {
  it('the two survivors of three simultaneous crashes block: three UNREACHABLE, MY-011495, no view, writes wait', () => {
    const sim = blockedMinority();
    for (const n of ['node4', 'node5']) {
      const rows = sim.member(n).replicationGroupMembers();
      expect(rows.filter((r) => r.MEMBER_STATE === 'UNREACHABLE').map((r) => r.MEMBER_HOST).sort()).toEqual(['10.0.0.11', '10.0.0.12', '10.0.0.13']);
      expect(hasLogged(sim, n, 'MY-011495')).toBe(true);
      expect(logsOf(sim, n, 'MY-011503')).toEqual([]);
    }
  });

  it('forcing node4 and node5 on node4: MY-011722, a two-member view on both, node4 elected, the value stored, a write commits', () => {
    const sim = blockedMinority();
    const node4 = sim.member('node4');
    const setAt = sim.nowUs;
    expect(node4.set('group_replication_force_members', SURVIVORS)).toEqual({ ok: true });
    expect(logsOf(sim, 'node4', 'MY-011722').map((e) => [e.t, e.level, e.message])).toEqual([
      [setAt, 'System', `The group_replication_force_members value '${SURVIVORS}' was set in the group communication interfaces`],
    ]);
    // The value is the statement's: stored when the view arrives, not before; the statement waits until then.
    expect(node4.options().group_replication_force_members).toBe('');
    expect(node4.lastForceMembersOutcome()).toEqual({ outcome: 'pending', error: null });
    sim.runFor('5s');
    expect(node4.options().group_replication_force_members).toBe(SURVIVORS);
    expect(node4.lastForceMembersOutcome()).toEqual({ outcome: 'set', error: null });
    expect(sim.member('node5').lastForceMembersOutcome()).toBeNull();
    const views = sim.trace.filter((e) => e.type === 'view' && e.t > setAt);
    expect(views.map((v) => v.type === 'view' && [v.member, [...v.members].sort()])).toEqual([
      ['node4', ['node4', 'node5']], ['node5', ['node4', 'node5']],
    ]);
    expect(node4.viewId()).toBe(sim.member('node5').viewId());
    for (const n of ['node4', 'node5']) {
      expect(logsOf(sim, n, 'MY-011499').map((e) => e.message)).toEqual(['Members removed from the group: 10.0.0.11:3306, 10.0.0.12:3306, 10.0.0.13:3306']);
      expect(hasLogged(sim, n, 'MY-011498')).toBe(true);
      expect(hasLogged(sim, n, 'MY-011507', 'A new primary with address 10.0.0.14:3306 was elected.')).toBe(true);
      expect(sim.member(n).replicationGroupMembers().map((r) => [r.MEMBER_HOST, r.MEMBER_STATE, r.MEMBER_ROLE]).sort()).toEqual([
        ['10.0.0.14', 'ONLINE', 'PRIMARY'], ['10.0.0.15', 'ONLINE', 'SECONDARY'],
      ]);
    }
    const view = views[0]!;
    expect(view.t - setAt).toBeLessThan(2 * SEC);
    const w = node4.write();
    sim.runFor('1s');
    expect(w.outcome).toBe('committed');
  });

  it('a write blocked in the minority before the force commits once the forced group runs', () => {
    const sim = createSimulation({ seed: 12, version: '8.4', members: FIVE, mode: 'multi-primary' });
    sim.runFor('5s');
    for (const n of ['node1', 'node2', 'node3']) sim.network.crash(n);
    sim.runFor('20s');
    const w = sim.member('node5').write();
    sim.runFor('10s');
    expect(w.outcome).toBe('pending');
    expect(sim.member('node5').set('group_replication_force_members', SURVIVORS)).toEqual({ ok: true });
    sim.runFor('5s');
    expect(w.outcome).toBe('committed');
  });
});

describe('force_members refusals', () => {
  it('while the majority is reachable: ERROR 4118, nothing logged, nothing changes', () => {
    const sim = createSimulation({ seed: 13, version: '8.4', members: FIVE });
    sim.runFor('5s');
    sim.network.crash('node1');
    sim.runFor('10s');
    expect(sim.member('node4').set('group_replication_force_members', SURVIVORS)).toEqual({
      ok: false, error: failure(SURVIVORS, 'The group_replication_force_members can only be updated when Group Replication is running and majority of the members are unreachable.'),
    });
    expect(logsOf(sim, 'node4', 'MY-011722')).toEqual([]);
    expect(sim.member('node4').options().group_replication_force_members).toBe('');
  });

  it('on a member where Group Replication does not run: "Member is not ONLINE"', () => {
    const sim = blockedMinority(14);
    sim.member('node5').stopGroupReplication();
    sim.runFor('35s');
    expect(sim.member('node5').state).toBe('OFFLINE');
    expect(sim.member('node5').set('group_replication_force_members', SURVIVORS)).toEqual({
      ok: false, error: failure(SURVIVORS, 'Member is not ONLINE, it is not possible to force a new group membership.'),
    });
  });

  it('while a START is joining: the member is alone in its table, so the majority is not unreachable', () => {
    const sim = blockedMinority(20);
    const node5 = sim.member('node5');
    node5.stopGroupReplication();
    sim.runFor('35s');
    expect(node5.startGroupReplication()).toEqual({ ok: true });
    expect(node5.set('group_replication_force_members', SURVIVORS)).toEqual({
      ok: false, error: failure(SURVIVORS, 'The group_replication_force_members can only be updated when Group Replication is running and majority of the members are unreachable.'),
    });
  });

  it('an invalid address: the GCS warning and error, MY-011721, and the error pointing at the log', () => {
    const sim = blockedMinority(15);
    const value = '10.0.0.14:33061,10.0.0.15';
    expect(sim.member('node4').set('group_replication_force_members', value)).toEqual({
      ok: false, error: failure(value, `Error setting group_replication_force_members value '${value}'. Please check error log for additional details.`),
    });
    expect(logsOf(sim, 'node4').slice(-3).map((e) => [e.code, e.level, e.message])).toEqual([
      ['MY-011735', 'Warning', '[GCS] Peer address "10.0.0.15" is not valid.'],
      ['MY-011735', 'ERROR', '[GCS] The peers list contains invalid addresses.Please provide a list with only valid addresses.'],
      ['MY-011721', 'ERROR', `Error setting group_replication_force_members value '${value}' on group communication interfaces`],
    ]);
  });

  it('the MySQL port instead of the XCom port: not a node of the current view', () => {
    const sim = blockedMinority(16);
    const value = '10.0.0.14:3306,10.0.0.15:3306';
    const r = sim.member('node4').set('group_replication_force_members', value);
    expect(r.ok).toBe(false);
    expect(hasLogged(sim, 'node4', 'MY-011735', "[GCS] The peer is trying to set up a configuration where there are members that don't belong to the current view.")).toBe(true);
    expect(hasLogged(sim, 'node4', 'MY-011721')).toBe(true);
  });

  it('listing a crashed member: XCom never gets every listed node to answer; MY-011723 after 120 s, the value is not stored, the group stays blocked', () => {
    const sim = blockedMinority(17);
    const node4 = sim.member('node4');
    const value = '10.0.0.13:33061,10.0.0.14:33061,10.0.0.15:33061';
    const t0 = sim.nowUs;
    expect(node4.set('group_replication_force_members', value)).toEqual({ ok: true });
    // A second SET while the first waits for its view (MySQL prints the word "value" here).
    expect(node4.set('group_replication_force_members', SURVIVORS)).toEqual({
      ok: false, error: failure('value', 'There is one group_replication_force_members operation already ongoing.'),
    });
    // The refused second SET leaves the first one's outcome.
    expect(node4.lastForceMembersOutcome()).toEqual({ outcome: 'pending', error: null });
    sim.runFor('119.9s');
    expect(node4.lastForceMembersOutcome()).toEqual({ outcome: 'pending', error: null });
    sim.runFor('10.1s');
    expect(logsOf(sim, 'node4', 'MY-011723').map((e) => [e.t - t0, e.level])).toEqual([[120 * SEC, 'ERROR']]);
    expect(node4.lastForceMembersOutcome()).toEqual({ outcome: 'failed', error: failure(value, 'Timeout on wait for view after setting group_replication_force_members.') });
    expect(node4.options().group_replication_force_members).toBe('');
    expect(logsOf(sim, 'node4', 'MY-011503')).toEqual([]);
    // Once the statement has failed, a correct list goes through.
    expect(node4.set('group_replication_force_members', SURVIVORS)).toEqual({ ok: true });
    sim.runFor('5s');
    expect(node4.replicationGroupMembers().length).toBe(2);
  });

  it('STOP GROUP_REPLICATION while a SET waits for its view: the leave waits for the SET to return (gcs_operations_lock), here its 120 s timeout', () => {
    const { sim, node4, lines } = pendingForceOnNode4();
    sim.runFor('10s');
    expect(node4.stopGroupReplication()).toEqual({ ok: true });
    sim.runFor('200s');
    expect(lines('MY-011650')).toEqual([10]);
    expect(lines('MY-011723')).toEqual([120]);
    // leave_group asks GCS only once Gcs_operations::force_members has released the lock.
    expect(lines('MY-011647')).toEqual([120]);
    const order = logsOf(sim, 'node4').filter((e) => e.code === 'MY-011723' || e.code === 'MY-011647').map((e) => e.code);
    expect(order).toEqual(['MY-011723', 'MY-011647']);
    expect(lines('MY-011651')).toHaveLength(1);
    expect(lines('MY-011651')[0]).toBeGreaterThanOrEqual(120);
    expect(node4.state).toBe('OFFLINE');
  });

  it('removeMember while a SET waits: the shutdown waits for the STOP, which waits for the SET (MY-011651 before the shutdown)', () => {
    const { sim, lines } = pendingForceOnNode4();
    sim.runFor('1s');
    sim.removeMember('node4');
    sim.runFor('250s');
    expect(lines('MY-011723')).toEqual([120]);
    expect(lines('MY-011651')).toHaveLength(1);
    // The STOP ended (MY-011651) after the SET returned, before the server shut down: before the
    // fix the shutdown came first and the STOP never logged it.
    expect(lines('MY-011651')[0]).toBeGreaterThan(120);
  });

  it('STOP issued with the SET: the forced view comes first, the SET succeeds, then the member leaves the two-member group', () => {
    const sim = blockedMinority();
    const node4 = sim.member('node4');
    expect(node4.set('group_replication_force_members', SURVIVORS)).toEqual({ ok: true });
    expect(node4.stopGroupReplication()).toEqual({ ok: true });
    sim.runFor('70s');
    expect(node4.lastForceMembersOutcome()).toEqual({ outcome: 'set', error: null });
    // The forced view (MY-011503 lists the group's members) is installed before the leave begins,
    // at the same virtual instant: the STOP's leave runs once the SET's session has its view.
    const codes = logsOf(sim, 'node4').map((e) => e.code);
    expect(codes.indexOf('MY-011503')).toBeGreaterThanOrEqual(0);
    expect(codes.indexOf('MY-011503')).toBeLessThan(codes.indexOf('MY-011647'));
    expect(node4.state).toBe('OFFLINE');
    expect(sim.member('node5').replicationGroupMembers().map((r) => r.MEMBER_HOST)).toEqual(['10.0.0.15']);
  });

  it('leaving out members that still run (a partition, not a crash) is outside the model: a ConfigError naming them', () => {
    const sim = createSimulation({ seed: 21, version: '8.4', members: FIVE });
    sim.runFor('5s');
    sim.network.partition(['node1', 'node2', 'node3'], ['node4', 'node5']);
    sim.runFor('30s');
    expect(() => sim.member('node4').set('group_replication_force_members', SURVIVORS))
      .toThrow(/group_replication_force_members leaves out node1, node2, node3, whose Group Replication still runs/);
    expect(logsOf(sim, 'node4', 'MY-011722')).toEqual([]);
  });

  it('a value that is not a string is a caller mistake (ConfigError)', () => {
    const sim = blockedMinority(18);
    expect(() => sim.member('node4').set('group_replication_force_members', 33061)).toThrow(ConfigError);
    expect(() => createSimulation({ seed: 1, members: ['a', 'b'], options: { group_replication_force_members: 'x:1' } })).toThrow(/options.group_replication_force_members must be ''/);
  });
});

describe('force_members refusals up to 8.0.3x (the 8.0.20 and 8.0.21 profiles)', () => {
  // 8.0.22 and 8.0.27 src/plugin.cc check_force_members: the check function logs its refusal and
  // fails; the server then answers ER_WRONG_VALUE_FOR_VAR (sql/set_var.cc sys_var::check).
  const wrongValue = (value: string): string =>
    `ERROR 1231 (42000): Variable 'group_replication_force_members' can't be set to the value of '${value}'`;

  it('the majority reachable, or Group Replication not running: MY-011693 and ERROR 1231 naming the value', () => {
    const sim = createSimulation({ seed: 13, version: '8.0.21', members: FIVE });
    sim.runFor('5s');
    sim.network.crash('node1');
    sim.runFor('10s');
    expect(sim.member('node4').set('group_replication_force_members', SURVIVORS)).toEqual({ ok: false, error: wrongValue(SURVIVORS) });
    expect(logsOf(sim, 'node4', 'MY-011693').map((e) => [e.level, e.message])).toEqual([
      ['ERROR', 'group_replication_force_members can only be updated when Group Replication is running and a majority of the members are unreachable'],
    ]);
    const stopped = blockedMinority(14, '8.0.21');
    stopped.member('node5').stopGroupReplication();
    stopped.runFor('35s');
    expect(stopped.member('node5').set('group_replication_force_members', SURVIVORS)).toEqual({ ok: false, error: wrongValue(SURVIVORS) });
    expect(logsOf(stopped, 'node5', 'MY-011693')).toHaveLength(1);
    expect(logsOf(stopped, 'node5', 'MY-011719')).toEqual([]);
  });

  it('a second SET while one waits for its view is refused, even \'\' (the running check comes first): MY-011692', () => {
    const sim = blockedMinority(17, '8.0.21');
    const node4 = sim.member('node4');
    expect(node4.set('group_replication_force_members', '10.0.0.13:33061,10.0.0.14:33061,10.0.0.15:33061')).toEqual({ ok: true });
    expect(node4.set('group_replication_force_members', '')).toEqual({ ok: false, error: wrongValue('') });
    expect(node4.set('group_replication_force_members', SURVIVORS)).toEqual({ ok: false, error: wrongValue(SURVIVORS) });
    expect(logsOf(sim, 'node4', 'MY-011692').map((e) => e.message)).toEqual([
      'There is one group_replication_force_members operation already ongoing',
      'There is one group_replication_force_members operation already ongoing',
    ]);
  });

  it('an invalid address: the GCS lines and MY-011721 as on 8.4, and ERROR 1231', () => {
    const sim = blockedMinority(15, '8.0.21');
    const value = '10.0.0.14:33061,10.0.0.15';
    expect(sim.member('node4').set('group_replication_force_members', value)).toEqual({ ok: false, error: wrongValue(value) });
    expect(hasLogged(sim, 'node4', 'MY-011721')).toBe(true);
  });

  it('no view within 120 s: MY-011723 and ERROR 1231 naming the value', () => {
    const sim = blockedMinority(17, '8.0.21');
    const node4 = sim.member('node4');
    const value = '10.0.0.13:33061,10.0.0.14:33061,10.0.0.15:33061';
    expect(node4.set('group_replication_force_members', value)).toEqual({ ok: true });
    sim.runFor('121s');
    expect(hasLogged(sim, 'node4', 'MY-011723')).toBe(true);
    expect(node4.lastForceMembersOutcome()).toEqual({ outcome: 'failed', error: wrongValue(value) });
  });

  it('the server dies while the SET waits: the client loses its connection (ERROR 2013)', () => {
    const sim = blockedMinority(17, '8.0.21');
    const node4 = sim.member('node4');
    expect(node4.set('group_replication_force_members', '10.0.0.13:33061,10.0.0.14:33061,10.0.0.15:33061')).toEqual({ ok: true });
    sim.runFor('10s');
    sim.network.crash('node4');
    expect(node4.lastForceMembersOutcome()).toEqual({ outcome: 'failed', error: 'ERROR 2013 (HY000): Lost connection to MySQL server during query' });
  });

  it('a value over 200 characters is cut to 200 in ERROR 1231, as the message\'s %-.200s does', () => {
    const sim = blockedMinority(15, '8.0.21');
    const value = Array.from({ length: 12 }, (_, k) => `host-with-a-long-name-${k}.example:33061`).join(',');
    expect(value.length).toBeGreaterThan(200);
    const r = sim.member('node4').set('group_replication_force_members', value);
    expect(r).toEqual({ ok: false, error: `ERROR 1231 (42000): Variable 'group_replication_force_members' can't be set to the value of '${value.slice(0, 200)}'` });
  });

  it('accepted as on 8.4 when the majority is unreachable', () => {
    const sim = blockedMinority(11, '8.0.21');
    expect(sim.member('node4').set('group_replication_force_members', SURVIVORS)).toEqual({ ok: true });
    sim.runFor('5s');
    expect(sim.member('node4').options().group_replication_force_members).toBe(SURVIVORS);
    expect(sim.member('node5').replicationGroupMembers()).toHaveLength(2);
  });
});

describe('START while group_replication_force_members is set', () => {
  it('is refused with ERROR 3092 and MY-011634 until the variable is cleared; then the member joins', () => {
    const sim = blockedMinority(19);
    const node4 = sim.member('node4');
    node4.set('group_replication_force_members', SURVIVORS);
    sim.runFor('5s');
    node4.stopGroupReplication();
    sim.runFor('10s');
    expect(node4.state).toBe('OFFLINE');
    expect(node4.startGroupReplication()).toEqual({
      ok: false, error: 'ERROR 3092 (HY000): The server is not configured properly to be an active member of the group. Please see more details on error log.',
    });
    expect(logsOf(sim, 'node4', 'MY-011634').map((e) => [e.level, e.message])).toEqual([
      ['ERROR', `group_replication_force_members must be empty on group start. Current value: '${SURVIVORS}'`],
    ]);
    expect(node4.state).toBe('OFFLINE');
    expect(node4.set('group_replication_force_members', '')).toEqual({ ok: true });
    expect(node4.startGroupReplication()).toEqual({ ok: true });
    sim.runFor('20s');
    expect(node4.state).toBe('ONLINE');
    expect(sim.member('node5').replicationGroupMembers().map((r) => r.MEMBER_HOST).sort()).toEqual(['10.0.0.14', '10.0.0.15']);
  });
});
