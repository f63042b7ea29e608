/**
 * STOP / START GROUP_REPLICATION on a member (plugin.cc plugin_group_replication_stop, leave_group,
 * plugin_group_replication_start, initialize_plugin_and_join). STOP is a voluntary leave: the others
 * install a view without the member (no expel, no exit state action), which logs MY-011650,
 * MY-011647, MY-011504 and MY-011651 and ends OFFLINE with super_read_only=ON; STOP where the plugin
 * does not run is a no-op. START joins through distributed recovery; it is refused with
 * ER_GROUP_REPLICATION_RUNNING (3093) where the plugin runs, ERROR included. The last two cases
 * follow MySQL's MTR tests gr_suspect_member_resumes_after_expel and gr_join_with_suspect_member.
 */
import { describe, expect, it } from 'vitest';
import { createSimulation, type Simulation } from '../../src/index.js';
import { addr, logsAnywhere, logsOf, SEC } from './helpers.js';

const RUNNING = 'ERROR 3093 (HY000): The START GROUP_REPLICATION command failed since the group is already running.';

function group(seed: number, members = ['node1', 'node2', 'node3'], options = {}): Simulation {
  return createSimulation({ seed, members, mode: 'single-primary', options });
}

function primaryOf(sim: Simulation, observer: string): string | undefined {
  const row = sim.member(observer).replicationGroupMembers().find((r) => r.MEMBER_ROLE === 'PRIMARY');
  return sim.members.find((m) => m.host === row?.MEMBER_HOST)?.name;
}

describe('STOP GROUP_REPLICATION', () => {
  it.each([1, 2, 3])('seed %i: a secondary leaves voluntarily: the others install a view without it, no expel, no exit state action', (seed) => {
    const sim = group(seed, ['node1', 'node2', 'node3'], { group_replication_exit_state_action: 'ABORT_SERVER' });
    sim.runFor('5s');
    const primary = primaryOf(sim, 'node1')!;
    const target = ['node1', 'node2', 'node3'].find((m) => m !== primary)!;
    const others = ['node1', 'node2', 'node3'].filter((m) => m !== target);
    const at = sim.nowUs;
    expect(sim.member(target).stopGroupReplication()).toEqual({ ok: true });
    sim.runFor('20s');
    const lines = logsOf(sim, target).filter((e) => e.t >= at).map((e) => [e.level, e.code, e.message]);
    expect(lines).toEqual([
      ['Note', 'MY-011650', "Plugin 'group_replication' is stopping."],
      ['Note', 'MY-011647', 'Going to wait for view modification'],
      ['System', 'MY-011504', 'Group membership changed: This member has left the group.'],
      ['System', 'MY-011651', "Plugin 'group_replication' has been stopped."],
    ]);
    for (const code of ['MY-011505', 'MY-011712', 'MY-013173', 'MY-011493']) expect(logsAnywhere(sim, code)).toEqual([]);
    const m = sim.member(target);
    expect(m.running).toBe(true);
    expect(m.state).toBe('OFFLINE');
    expect(m.superReadOnly).toBe(true);
    expect(m.replicationGroupMembers().map((r) => [r.MEMBER_STATE, r.MEMBER_ROLE])).toEqual([['OFFLINE', '']]);
    for (const o of others) {
      expect(logsOf(sim, o, 'MY-011499').map((e) => e.message)).toEqual([`Members removed from the group: ${addr(sim, target)}`]);
      expect(sim.member(o).replicationGroupMembers().map((r) => r.MEMBER_HOST).sort()).toEqual(others.map((x) => sim.member(x).host).sort());
      expect(sim.member(o).suspicionCounters().expelsRequested).toBe(0);
    }
    expect(primaryOf(sim, others[0]!)).toBe(primary);
  });

  it('on the primary: the others elect a new one; the stopped member sets super_read_only=ON after MY-011651', () => {
    const sim = group(1);
    sim.runFor('5s');
    const primary = primaryOf(sim, 'node2')!;
    const at = sim.nowUs;
    sim.member(primary).stopGroupReplication();
    sim.runFor('20s');
    const codes = logsOf(sim, primary).filter((e) => e.t >= at).map((e) => e.code);
    expect(codes.slice(-2)).toEqual(['MY-011651', 'MY-011565']);
    expect(sim.member(primary).superReadOnly).toBe(true);
    const survivors = ['node1', 'node2', 'node3'].filter((m) => m !== primary);
    for (const s of survivors) expect(logsOf(sim, s, 'MY-011500').map((e) => e.message)).toEqual([`Primary server with address ${addr(sim, primary)} left the group. Electing new Primary.`]);
    const next = primaryOf(sim, survivors[0]!);
    expect(next).toBeDefined();
    expect(next).not.toBe(primary);
    expect(primaryOf(sim, survivors[1]!)).toBe(next);
  });

  it('8.4 logs MY-011650 at the System level (plugin.cc plugin_group_replication_stop: SYSTEM_LEVEL in the 2023 source)', () => {
    const level = (version: '8.0.21' | '8.4'): string | undefined => {
      const sim = createSimulation({ seed: 1, version, members: ['node1', 'node2', 'node3'], mode: 'single-primary' });
      sim.runFor('5s');
      sim.member('node3').stopGroupReplication();
      sim.runFor('10s');
      return logsOf(sim, 'node3', 'MY-011650')[0]?.level;
    };
    expect(level('8.0.21')).toBe('Note');
    expect(level('8.4')).toBe('System');
  });

  it('where Group Replication does not run is a no-op (plugin_group_replication_stop returns at once)', () => {
    const sim = group(1);
    sim.runFor('5s');
    sim.member('node3').stopGroupReplication();
    sim.runFor('10s');
    const before = sim.trace.length;
    expect(sim.member('node3').stopGroupReplication()).toEqual({ ok: true });
    sim.runFor('10s');
    expect(sim.trace.slice(before).filter((e) => 'member' in e && e.member === 'node3')).toEqual([]);
  });

  it('on a crashed server is a caller mistake', () => {
    const sim = group(1);
    sim.runFor('1s');
    sim.network.crash('node3');
    expect(() => sim.member('node3').stopGroupReplication()).toThrow(/stopGroupReplication.*not running/);
    expect(() => sim.member('node3').startGroupReplication()).toThrow(/startGroupReplication.*not running/);
  });
});

describe('START GROUP_REPLICATION', () => {
  it.each([1, 2, 3])('seed %i: after a STOP, joins through distributed recovery and ends ONLINE in the same view as the others', (seed) => {
    const sim = group(seed);
    sim.runFor('5s');
    sim.member('node3').stopGroupReplication();
    sim.runFor('20s');
    const at = sim.nowUs;
    expect(sim.member('node3').startGroupReplication()).toEqual({ ok: true });
    // A second START while the first one runs is refused by the command lock first (8.0.21+,
    // sql/rpl_group_replication.cc start_stop_executing), so with 3663, not 3093.
    expect(sim.member('node3').startGroupReplication()).toEqual({
      ok: false, error: 'ERROR 3663 (HY000): The START GROUP_REPLICATION command encountered a failure. Another instance of START/STOP GROUP_REPLICATION command is executing.',
    });
    sim.runFor('20s');
    const codes = logsOf(sim, 'node3').filter((e) => e.t >= at).map((e) => e.code);
    expect(codes).toContain('MY-013471');
    expect(codes).toContain('MY-011490');
    expect(codes).not.toContain('MY-011640');
    expect(sim.member('node3').state).toBe('ONLINE');
    const ids = new Set(['node1', 'node2', 'node3'].map((m) => sim.member(m).viewId()));
    expect(ids.size).toBe(1);
    for (const o of ['node1', 'node2']) expect(logsOf(sim, o, 'MY-011492').some((e) => e.message.includes(addr(sim, 'node3')))).toBe(true);
  });

  it('on a member that runs Group Replication is refused with ER_GROUP_REPLICATION_RUNNING', () => {
    const sim = group(1);
    sim.runFor('5s');
    const before = sim.trace.length;
    expect(sim.member('node2').startGroupReplication()).toEqual({ ok: false, error: RUNNING });
    sim.runFor('5s');
    expect(sim.trace.slice(before).filter((e) => e.type === 'log' && e.member === 'node2')).toEqual([]);
  });

  it('gr_suspect_member_resumes_after_expel: an expelled member with autorejoin_tries 0 stays ERROR; START is refused; STOP then START brings it back', () => {
    const sim = group(1, ['node1', 'node2', 'node3'], { group_replication_autorejoin_tries: 0 });
    sim.runFor('5s');
    sim.network.isolate('node3');
    sim.runFor('40s');
    sim.network.heal('node3');
    sim.runFor('30s');
    expect(logsOf(sim, 'node3', 'MY-011505').length).toBe(1);
    expect(sim.member('node3').state).toBe('ERROR');
    expect(sim.member('node3').startGroupReplication()).toEqual({ ok: false, error: RUNNING });
    const at = sim.nowUs;
    sim.member('node3').stopGroupReplication();
    sim.runFor('5s');
    expect(logsOf(sim, 'node3').filter((e) => e.t >= at).map((e) => [e.level, e.code])).toEqual([
      ['Note', 'MY-011650'], ['Warning', 'MY-011646'], ['System', 'MY-011651'],
    ]);
    expect(sim.member('node3').state).toBe('OFFLINE');
    sim.member('node3').startGroupReplication();
    sim.runFor('20s');
    expect(sim.member('node3').state).toBe('ONLINE');
    expect(new Set(['node1', 'node2', 'node3'].map((m) => sim.member(m).viewId())).size).toBe(1);
  });

  it('gr_join_with_suspect_member: START fails while a suspicion blocks views; an expel timeout of 0 expels the suspect at once, then START succeeds', () => {
    const sim = group(1, ['node1', 'node2', 'node3', 'node4'], { group_replication_member_expel_timeout: 3600 });
    sim.runFor('5s');
    sim.member('node4').stopGroupReplication();
    sim.runFor('10s');
    sim.network.freeze('node3');
    sim.runFor('10s'); // node3 is UNREACHABLE on node1 and node2 now
    expect(sim.member('node1').replicationGroupMembers().find((r) => r.MEMBER_HOST === sim.member('node3').host)?.MEMBER_STATE).toBe('UNREACHABLE');
    const start = sim.nowUs;
    sim.member('node4').startGroupReplication();
    sim.runFor('90s');
    const timeouts = logsOf(sim, 'node4', 'MY-011640').filter((e) => e.t >= start);
    expect(timeouts.map((e) => e.message)).toEqual(['Timeout on wait for view after joining group']);
    expect(sim.member('node4').state).toBe('OFFLINE');
    for (const o of ['node1', 'node2']) {
      expect(sim.member(o).replicationGroupMembers().some((r) => r.MEMBER_HOST === sim.member('node4').host)).toBe(false);
    }
    for (const o of ['node1', 'node2']) sim.member(o).set('group_replication_member_expel_timeout', 0);
    sim.runFor('10s');
    for (const o of ['node1', 'node2']) {
      expect(sim.member(o).replicationGroupMembers().some((r) => r.MEMBER_HOST === sim.member('node3').host)).toBe(false);
    }
    sim.member('node4').startGroupReplication();
    sim.runFor('30s');
    expect(sim.member('node4').state).toBe('ONLINE');
    expect(new Set(['node1', 'node2', 'node4'].map((m) => sim.member(m).viewId())).size).toBe(1);
  });
});

/**
 * start_on_boot's START holds the command lock through its join, as a client's does: the delayed
 * initialization thread takes plugin_running_lock around initialize_plugin_and_join
 * (delayed_plugin_initialization.cc, initialization_thread_handler). A client's STOP or START issued
 * meanwhile waits for it and then runs with its own checks. It does not set start_stop_executing
 * (sql/rpl_group_replication.cc sets that flag for client commands only), so the first client
 * command is not refused; a second one, from 8.0.21, meets the first's flag (ERROR 3663).
 */
describe('a client command during start_on_boot\'s START', () => {
  /** node3 crashed at 5 s and restarted at 30 s; `act` runs half a second into its start at boot. */
  function rebooted(version: '8.0.20' | '8.4', act: (sim: Simulation) => void): { sim: Simulation; actUs: number } {
    const sim = createSimulation({ seed: 1, version, members: ['node1', 'node2', 'node3'], mode: 'single-primary' });
    sim.at(5 * SEC, (s) => s.network.crash('node3'));
    sim.at(30 * SEC, (s) => s.network.restart('node3'));
    const actUs = 30.5 * SEC;
    sim.at(actUs, act);
    sim.runUntil(120 * SEC);
    return { sim, actUs };
  }

  /** When node3 first showed itself RECOVERING after its restart (it handled its join view). */
  function joinHandledUs(sim: Simulation): number {
    const e = sim.trace.find((x) => x.type === 'stateChange' && x.observer === 'node3' && x.member === 'node3' && x.t > 30 * SEC && x.state === 'RECOVERING');
    expect(e).toBeDefined();
    return e!.t;
  }

  it.each(['8.0.20', '8.4'] as const)('%s: a STOP waits for the join and then stops the member', (version) => {
    let r: unknown = null;
    const { sim, actUs } = rebooted(version, (s) => { r = s.member('node3').stopGroupReplication(); });
    expect(r).toEqual({ ok: true });
    const joinedUs = joinHandledUs(sim);
    expect(joinedUs).toBeGreaterThan(actUs);
    const stopping = logsOf(sim, 'node3', 'MY-011650').filter((e) => e.t > 30 * SEC);
    expect(stopping).toHaveLength(1);
    expect(stopping[0]!.t).toBeGreaterThanOrEqual(joinedUs);
    expect(logsOf(sim, 'node3', 'MY-011651').some((e) => e.t > joinedUs)).toBe(true);
    expect(sim.member('node3').state).toBe('OFFLINE');
    // It left voluntarily: the others install a view without it.
    expect(sim.member('node1').replicationGroupMembers().map((row) => row.MEMBER_HOST)).not.toContain(sim.member('node3').host);
  });

  it.each(['8.0.20', '8.4'] as const)('%s: a START waits for the join and is then refused as the plugin runs (3093)', (version) => {
    let r: unknown = null;
    const { sim } = rebooted(version, (s) => { r = s.member('node3').startGroupReplication(); });
    expect(r).toEqual({ ok: true });
    joinHandledUs(sim);
    expect(sim.member('node3').lastStartOutcome()).toEqual({ outcome: 'failed', error: RUNNING });
    expect(sim.member('node3').state).toBe('ONLINE');
    // One join only: the boot's.
    expect(logsOf(sim, 'node3', 'MY-011490').filter((e) => e.t > 30 * SEC)).toHaveLength(1);
  });

  it('8.4: a second client command while the first waits for the boot\'s START is refused with ERROR 3663', () => {
    let second: unknown = null;
    const { sim } = rebooted('8.4', (s) => {
      expect(s.member('node3').stopGroupReplication()).toEqual({ ok: true });
      second = s.member('node3').startGroupReplication();
    });
    expect(second).toEqual({
      ok: false, error: 'ERROR 3663 (HY000): The START GROUP_REPLICATION command encountered a failure. Another instance of START/STOP GROUP_REPLICATION command is executing.',
    });
    // The STOP ran once the boot's join was handled.
    const stopping = logsOf(sim, 'node3', 'MY-011650').filter((e) => e.t > 30 * SEC);
    expect(stopping).toHaveLength(1);
    expect(stopping[0]!.t).toBeGreaterThanOrEqual(joinHandledUs(sim));
    expect(sim.member('node3').state).toBe('OFFLINE');
  });
});

describe('STOP on a member already out of every view', () => {
  it('an expelled member in ERROR that runs STOP shows no second empty view: its view did not change', () => {
    const sim = group(4, ['node1', 'node2', 'node3'], { group_replication_autorejoin_tries: 0 });
    sim.at('10s', (s) => s.network.isolate('node3'));
    sim.at('60s', (s) => s.network.heal('node3'));
    expect(sim.runUntil(() => logsOf(sim, 'node3', 'MY-011505').length > 0, { limit: '120s' })).toBe(true);
    sim.runFor('5s');
    const emptyViews = () => sim.trace.filter((e) => e.type === 'view' && e.member === 'node3' && e.members.length === 0);
    expect(emptyViews()).toHaveLength(1);
    expect(sim.member('node3').stopGroupReplication()).toEqual({ ok: true });
    sim.runFor('40s');
    expect(sim.member('node3').state).toBe('OFFLINE');
    expect(emptyViews()).toHaveLength(1);
  });

  it('one that auto-rejoin took back into a view (not yet admitted) shows leaving it when it runs STOP', () => {
    const sim = createSimulation({ seed: 5, version: '8.4', members: ['node1', 'node2', 'node3', 'node4', 'node5'] });
    sim.at('10s', (s) => s.network.isolate('node3'));
    sim.at('60s', (s) => s.network.heal('node3'));
    const node3 = sim.member('node3');
    expect(sim.runUntil(() => logsOf(sim, 'node3', 'MY-011505').length > 0, { limit: '120s' })).toBe(true);
    // The rejoin's view at the others includes node3 again, before node3 itself shows it (admission).
    expect(sim.runUntil((s) => s.member('node1').replicationGroupMembers().some((r) => r.MEMBER_HOST === node3.host), { limit: '30s' })).toBe(true);
    sim.runFor('0.5s');
    expect(node3.state).toBe('ERROR');
    const emptyViews = () => sim.trace.filter((e) => e.type === 'view' && e.member === 'node3' && e.members.length === 0);
    expect(emptyViews()).toHaveLength(1);
    expect(node3.stopGroupReplication()).toEqual({ ok: true });
    sim.runFor('40s');
    expect(emptyViews()).toHaveLength(2);
  });
});
