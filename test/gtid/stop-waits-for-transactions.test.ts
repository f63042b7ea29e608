/**
 * STOP GROUP_REPLICATION waits for the transactions already in flight before it leaves
 * (plugin.cc plugin_group_replication_stop): it marks the plugin stopping
 * (Transaction_consistency_manager::plugin_is_stopping), then waits up to TRANSACTION_KILL_TIMEOUT,
 * 50 s (include/plugin_constants.h), for the transactions latch to empty
 * (transactions_latch->block_until_empty) while it holds shared_plugin_stop_lock, so that commits
 * meanwhile wait; what still waits then is killed (Blocked_transaction_handler::
 * unblock_waiting_transactions, plugin_utils.cc: MY-011630 and each ticket released with an error),
 * and only then does the member leave.
 */
import { describe, expect, it } from 'vitest';
import { createSimulation, type Simulation, type WriteRecord } from '../../src/index.js';
import {
  CLIENT_ERROR_CONSISTENCY_AFTER_ON_BEGIN, CLIENT_ERROR_CONSISTENCY_BEFORE, CLIENT_ERROR_CONSISTENCY_BEGIN_NOT_ALLOWED, CLIENT_ERROR_HOOK,
} from '../../src/observe/error-codes.js';

const SEC = 1_000_000;

/** The times (s) at which `member` logged `code`. */
function logged(sim: Simulation, member: string, code: string): number[] {
  return sim.trace.filter((e) => e.type === 'log' && e.member === member && e.code === code).map((e) => e.t / SEC);
}

/** Runs `sim` across `killS` (s): `w` still waits just before, and fails with `error` at that instant. */
function expectRefusedAt(sim: Simulation, w: WriteRecord, killS: number, error: string): void {
  sim.runUntil((killS - 1) * SEC);
  expect(w.outcome).toBe('pending');
  sim.runUntil((killS + 1) * SEC);
  expect([w.outcome, w.error, w.atUs]).toEqual(['refused', error, killS * SEC]);
}

/** A 3-member group whose primary node1 is cut off from the others at 10 s (it stays ONLINE in its minority). */
function isolatedPrimary(): Simulation {
  const sim = createSimulation({ seed: 3, members: ['node1', 'node2', 'node3'] });
  sim.at(10 * SEC, (s) => s.network.isolate('node1'));
  sim.runUntil(20 * SEC);
  return sim;
}

describe('STOP GROUP_REPLICATION waits for the transactions in flight (TRANSACTION_KILL_TIMEOUT)', () => {
  it('in a healthy group the write in flight commits first, then the member leaves', () => {
    const sim = createSimulation({ seed: 3, members: ['node1', 'node2', 'node3'] });
    sim.runUntil(10 * SEC);
    const w = sim.member('node1').write();
    sim.member('node1').stopGroupReplication();
    sim.runUntil(20 * SEC);
    expect(w.outcome).toBe('committed');
    expect(sim.member('node1').state).toBe('OFFLINE');
    const [waitingForView] = logged(sim, 'node1', 'MY-011647');
    expect(waitingForView).toBeGreaterThanOrEqual(w.atUs! / SEC);
    expect(logged(sim, 'node1', 'MY-011630')).toEqual([]);
    expect(sim.member('node2').gtidExecuted()).toBe(sim.member('node1').gtidExecuted());
  });

  it('in a minority the write cannot be certified: STOP waits 50 s, kills it (MY-011630, ERROR 3100), then leaves', () => {
    const sim = isolatedPrimary();
    const w = sim.member('node1').write();
    sim.runUntil(25 * SEC);
    expect(w.outcome).toBe('pending');
    sim.member('node1').stopGroupReplication();
    expect(logged(sim, 'node1', 'MY-011650')).toEqual([25]);
    // Wait_ticket::block_until_empty gives up after TRANSACTION_KILL_TIMEOUT + 1 one-second waits.
    sim.runUntil(75 * SEC);
    expect(w.outcome).toBe('pending');
    expect(sim.member('node1').state).toBe('ONLINE');
    expect(logged(sim, 'node1', 'MY-011647')).toEqual([]); // no leave yet
    sim.runUntil(77 * SEC);
    expect(w.outcome).toBe('rolled_back');
    expect(w.atUs).toBe(76 * SEC);
    expect(w.error).toBe(CLIENT_ERROR_HOOK);
    expect(logged(sim, 'node1', 'MY-011630')).toEqual([76]);
    expect(logged(sim, 'node1', 'MY-011647')).toEqual([76]);
    sim.runUntil(200 * SEC);
    expect(sim.member('node1').state).toBe('OFFLINE');
    expect(logged(sim, 'node1', 'MY-011651')[0]).toBeGreaterThan(76);
  });

  it('meanwhile a BEFORE transaction may not begin (ERROR 3799) and a commit waits for the stop, then fails (MY-011599, ERROR 3100)', () => {
    const sim = isolatedPrimary();
    const inFlight = sim.member('node1').write();
    sim.member('node1').stopGroupReplication();
    sim.runUntil(30 * SEC);
    const before = sim.member('node1').write({ consistency: 'BEFORE' });
    const eventual = sim.member('node1').write();
    expect(before.outcome).toBe('refused');
    expect(before.error).toBe(CLIENT_ERROR_CONSISTENCY_BEGIN_NOT_ALLOWED);
    expect(before.atUs).toBe(30 * SEC);
    sim.runUntil(77 * SEC);
    expect(inFlight.outcome).toBe('rolled_back');
    // The killed transaction was in the latch; the waiting commit was not: it still waits.
    expect(eventual.outcome).toBe('pending');
    sim.runUntil(200 * SEC);
    const [stopped] = logged(sim, 'node1', 'MY-011651');
    expect(eventual.outcome).toBe('rolled_back');
    expect(eventual.error).toBe(CLIENT_ERROR_HOOK);
    expect(eventual.atUs! / SEC).toBe(stopped);
    expect(logged(sim, 'node1', 'MY-011599')).toEqual([stopped]);
  });

  it('a BEFORE transaction still waiting for its sync message when the wait runs out fails with ERROR 3797', () => {
    const sim = isolatedPrimary();
    const before = sim.member('node1').write({ consistency: 'BEFORE' });
    sim.member('node1').stopGroupReplication();
    expectRefusedAt(sim, before, 71, CLIENT_ERROR_CONSISTENCY_BEFORE);
  });

  it('a transaction waiting behind a prepared AFTER transaction fails with ERROR 3798 when the wait runs out, and a new one may not begin (3799)', () => {
    // node2's AFTER transaction waits for node3, which is unreachable: node1's applier holds it prepared.
    const sim = createSimulation({ seed: 5, members: ['node1', 'node2', 'node3'], mode: 'multi-primary', options: { group_replication_member_expel_timeout: 3600 } });
    sim.at(10 * SEC, (s) => s.network.isolate('node3'));
    sim.runUntil(20 * SEC);
    const after = sim.member('node2').write({ consistency: 'AFTER' });
    sim.runUntil(22 * SEC);
    const behind = sim.member('node1').write();
    sim.runUntil(23 * SEC);
    expect(after.outcome).toBe('pending');
    expect(behind.outcome).toBe('pending');
    sim.member('node1').stopGroupReplication();
    sim.runUntil(30 * SEC);
    const late = sim.member('node1').write();
    expect(late.outcome).toBe('refused');
    expect(late.error).toBe(CLIENT_ERROR_CONSISTENCY_BEGIN_NOT_ALLOWED);
    expectRefusedAt(sim, behind, 74, CLIENT_ERROR_CONSISTENCY_AFTER_ON_BEGIN);
  });

  it('workload transactions submitted while STOP waits are refused as plugin_stopping', () => {
    const sim = createSimulation({ seed: 3, members: ['node1', 'node2', 'node3'], workload: [{ member: 'node1', rate: 100, size: 512 }] });
    sim.at(10 * SEC, (s) => s.network.isolate('node1'));
    sim.runUntil(20 * SEC);
    sim.member('node1').stopGroupReplication();
    sim.runUntil(200 * SEC);
    const hold = sim.member('node1').workload().holds.find((h) => h.reason === 'plugin_stopping');
    expect(hold).toBeDefined();
    // From the STOP to its end (51 s of waiting, then the leave from the minority) at 100 tx/s,
    // give or take a tick at each end.
    const [stopped] = logged(sim, 'node1', 'MY-011651');
    expect(stopped).toBeGreaterThan(71);
    expect(hold!.count).toBeGreaterThan((stopped! - 20) * 100 - 100);
    expect(hold!.count).toBeLessThanOrEqual((stopped! - 20) * 100);
    expect(hold!.firstUs / SEC).toBeCloseTo(20, 1);
    expect(hold!.lastUs / SEC).toBeCloseTo(stopped!, 1);
    expect(logged(sim, 'node1', 'MY-011630')).toEqual([71]);
  });

  it('a crash while STOP waits ends the stop: the member does not leave afterwards', () => {
    const sim = isolatedPrimary();
    const w = sim.member('node1').write();
    sim.member('node1').stopGroupReplication();
    sim.at(30 * SEC, (s) => s.network.crash('node1'));
    sim.runUntil(200 * SEC);
    expect(w.outcome).toBe('rolled_back');
    expect(w.atUs).toBe(30 * SEC);
    expect(logged(sim, 'node1', 'MY-011630')).toEqual([]);
    expect(logged(sim, 'node1', 'MY-011647')).toEqual([]);
    expect(logged(sim, 'node1', 'MY-011651')).toEqual([]);
  });
});

describe('a leave on a failure releases the begin hooks waiting on the latch with their errors (unblock_waiting_transactions)', () => {
  /** The time (s) node1 left the group on its majority timeout (its own state went to ERROR). */
  function leftAt(sim: Simulation): number {
    const e = sim.trace.find((x) => x.type === 'stateChange' && x.observer === 'node1' && x.member === 'node1' && x.state === 'ERROR');
    expect(e).toBeDefined();
    return e!.t / SEC;
  }

  it('a BEFORE transaction waiting for its sync message fails with ERROR 3797 when the majority timeout makes the member leave', () => {
    const sim = createSimulation({ seed: 3, members: ['node1', 'node2', 'node3'], options: { group_replication_unreachable_majority_timeout: 20 } });
    sim.at(10 * SEC, (s) => s.network.isolate('node1'));
    sim.runUntil(12 * SEC);
    const before = sim.member('node1').write({ consistency: 'BEFORE' });
    const eventual = sim.member('node1').write();
    sim.runUntil(60 * SEC);
    const left = leftAt(sim);
    expect(left).toBeGreaterThan(30);
    expect([before.outcome, before.error, before.atUs! / SEC]).toEqual(['refused', CLIENT_ERROR_CONSISTENCY_BEFORE, left]);
    expect([eventual.outcome, eventual.error, eventual.atUs! / SEC]).toEqual(['rolled_back', CLIENT_ERROR_HOOK, left]);
    expect(logged(sim, 'node1', 'MY-011630')).toEqual([left]);
  });

  it('a transaction waiting behind a prepared AFTER transaction fails with ERROR 3798 then', () => {
    const sim = createSimulation({
      seed: 5, members: ['node1', 'node2', 'node3'], mode: 'multi-primary',
      options: { group_replication_member_expel_timeout: 3600, group_replication_unreachable_majority_timeout: 10 },
    });
    sim.at(10 * SEC, (s) => s.network.isolate('node3'));
    sim.runUntil(20 * SEC);
    sim.member('node2').write({ consistency: 'AFTER' });
    sim.runUntil(22 * SEC);
    const behind = sim.member('node1').write();
    sim.runUntil(23 * SEC);
    expect(behind.outcome).toBe('pending');
    sim.network.isolate('node1');
    sim.runUntil(80 * SEC);
    const left = leftAt(sim);
    expect([behind.outcome, behind.error, behind.atUs! / SEC]).toEqual(['refused', CLIENT_ERROR_CONSISTENCY_AFTER_ON_BEGIN, left]);
    expect(logged(sim, 'node1', 'MY-011630')).toEqual([left]);
  });
});

describe('a failure or a removal while STOP waits for the latch', () => {
  it('the majority timeout kills the waiting write and leaves; the STOP ends with that leave (MY-011645), with no auto-rejoin', () => {
    const sim = createSimulation({ seed: 3, members: ['node1', 'node2', 'node3'], options: { group_replication_unreachable_majority_timeout: 20 } });
    sim.at(10 * SEC, (s) => s.network.isolate('node1'));
    sim.runUntil(12 * SEC);
    const w = sim.member('node1').write();
    sim.member('node1').stopGroupReplication();
    sim.at(100 * SEC, (s) => s.network.heal('node1'));
    sim.runUntil(500 * SEC);
    const [left] = logged(sim, 'node1', 'MY-011711');
    expect([w.outcome, w.error, w.atUs! / SEC]).toEqual(['rolled_back', CLIENT_ERROR_HOOK, left]);
    expect(logged(sim, 'node1', 'MY-011645')).toEqual([left]);
    expect(logged(sim, 'node1', 'MY-011647')).toEqual([left]); // one leave, the failure's
    expect(logged(sim, 'node1', 'MY-011651')).toHaveLength(1);
    expect(logged(sim, 'node1', 'MY-013373')).toEqual([]);
    expect(sim.member('node1').state).toBe('OFFLINE');
  });

  it('the majority timeout that runs out during the STOP\'s own leave still fires: MY-011711, ALREADY_LEAVING (MY-011645), ERROR and read-only until the STOP ends', () => {
    // The STOP gives up its wait at 10 + 2 + 51 s and leaves; from the minority that leave takes
    // 30 s. The partition handler ends with the plugin's modules, after leave_group (plugin.cc,
    // leave_group_and_terminate_plugin_modules → terminate_plugin_modules), so its 60 s countdown
    // from the majority loss at about 14.8 s runs out inside the leave.
    const sim = createSimulation({ seed: 3, members: ['node1', 'node2', 'node3'], options: { group_replication_unreachable_majority_timeout: 60 } });
    sim.at(10 * SEC, (s) => s.network.isolate('node1'));
    sim.runUntil(12 * SEC);
    sim.member('node1').write();
    sim.member('node1').stopGroupReplication();
    sim.runUntil(80 * SEC);
    const [gaveUp] = logged(sim, 'node1', 'MY-011630');
    const [timedOut] = logged(sim, 'node1', 'MY-011711');
    expect(gaveUp).toBe(63);
    expect(timedOut).toBeGreaterThan(gaveUp!);
    expect(sim.member('node1').state).toBe('ERROR');
    expect(logged(sim, 'node1', 'MY-011645')).toEqual([timedOut]);
    expect(logged(sim, 'node1', 'MY-011712')).toEqual([timedOut]);
    // No second MY-011630 (nothing waits any more), and the one leave is the STOP's.
    expect(logged(sim, 'node1', 'MY-011630')).toEqual([gaveUp]);
    sim.runUntil(200 * SEC);
    const [stopped] = logged(sim, 'node1', 'MY-011651');
    expect(stopped).toBeGreaterThan(timedOut!);
    expect(logged(sim, 'node1', 'MY-013373')).toEqual([]);
    expect(sim.member('node1').state).toBe('OFFLINE');
  });

  it('meanwhile the topology UDFs are refused (plugin_is_stopping), though the member still shows ONLINE', () => {
    // Each UDF's init (udf_single_primary.cc, udf_multi_primary.cc) checks get_plugin_is_stopping first.
    const sim = createSimulation({ seed: 3, mode: 'single-primary', members: ['node1', 'node2', 'node3'] });
    sim.runUntil(10 * SEC);
    const primary = ['node1', 'node2', 'node3'].find((n) => !sim.member(n).superReadOnly)!;
    const other = ['node1', 'node2', 'node3'].find((n) => n !== primary)!;
    sim.member(primary).stopGroupReplication(); // its leave takes a round of the group
    expect(sim.member(primary).state).toBe('ONLINE');
    expect(sim.member(primary).setAsPrimary(other)).toEqual({ ok: false, error: 'Member must be ONLINE and in the majority partition.' });
    sim.runUntil(20 * SEC);
    expect(sim.member(primary).state).toBe('OFFLINE');
    // On a member whose plugin runs, the same call goes through.
    const third = ['node1', 'node2', 'node3'].find((n) => n !== primary && n !== other)!;
    expect(sim.member(third).setAsPrimary(other).ok).toBe(true);
  });

  it('an expel ends the STOP at once (MY-011646) and no auto-rejoin follows it', () => {
    const sim = createSimulation({ seed: 3, members: ['node1', 'node2', 'node3'], options: { group_replication_autorejoin_tries: 3 } });
    sim.at(10 * SEC, (s) => s.network.isolate('node1'));
    sim.runUntil(12 * SEC);
    const w = sim.member('node1').write();
    sim.member('node1').stopGroupReplication();
    sim.at(40 * SEC, (s) => s.network.heal('node1'));
    sim.runUntil(300 * SEC);
    const [expelled] = logged(sim, 'node1', 'MY-011505');
    expect([w.outcome, w.atUs! / SEC]).toEqual(['rolled_back', expelled]);
    expect(logged(sim, 'node1', 'MY-011646')).toEqual([expelled]);
    expect(logged(sim, 'node1', 'MY-011651')).toEqual([expelled]);
    expect(logged(sim, 'node1', 'MY-013373')).toEqual([]);
    expect(sim.member('node1').state).toBe('OFFLINE');
  });

  it('removeMember waits for the whole STOP before it shuts the server down', () => {
    const sim = isolatedPrimary();
    const w = sim.member('node1').write();
    sim.removeMember('node1');
    sim.runUntil(300 * SEC);
    expect([w.outcome, w.error, w.atUs! / SEC]).toEqual(['rolled_back', CLIENT_ERROR_HOOK, 71]);
    expect(logged(sim, 'node1', 'MY-011651')).toHaveLength(1);
    expect(sim.member('node1').running).toBe(false);
  });
});

/**
 * A START or STOP GROUP_REPLICATION while another one runs. From 8.0.21 the server refuses it at once
 * (sql/rpl_group_replication.cc: group_replication_start and group_replication_stop test
 * start_stop_executing; ER_GROUP_REPLICATION_COMMAND_FAILURE, 3663). Up to 8.0.20 it waits: both
 * commands hold plugin_running_mutex for their whole run (plugin.cc), then it runs in turn.
 */
describe('START and STOP while a STOP runs', () => {
  const ANOTHER = (c: string): string => `ERROR 3663 (HY000): The ${c} GROUP_REPLICATION command encountered a failure. Another instance of START/STOP GROUP_REPLICATION command is executing.`;

  /** isolatedPrimary on `version`, with a write in flight and a STOP at 25 s that waits 51 s for it. */
  function stopping(version: '8.0.20' | '8.0.21' | '8.4'): Simulation {
    const sim = createSimulation({ seed: 3, version, members: ['node1', 'node2', 'node3'] });
    sim.at(10 * SEC, (s) => s.network.isolate('node1'));
    sim.runUntil(20 * SEC);
    sim.member('node1').write();
    sim.runUntil(25 * SEC);
    expect(sim.member('node1').stopGroupReplication()).toEqual({ ok: true });
    sim.runUntil(26 * SEC);
    return sim;
  }

  it.each(['8.0.21', '8.4'] as const)('%s: both are refused with ERROR 3663 and change nothing', (version) => {
    const sim = stopping(version);
    const before = sim.trace.length;
    expect(sim.member('node1').startGroupReplication()).toEqual({ ok: false, error: ANOTHER('START') });
    expect(sim.member('node1').stopGroupReplication()).toEqual({ ok: false, error: ANOTHER('STOP') });
    expect(sim.trace.length).toBe(before);
    sim.at(90 * SEC, (s) => s.network.heal('node1'));
    sim.runUntil(200 * SEC);
    expect(logged(sim, 'node1', 'MY-011650')).toEqual([25]); // the one STOP
    expect(logged(sim, 'node1', 'MY-011490')).toEqual([]); // no START ran
    expect(sim.member('node1').state).toBe('OFFLINE');
    // Once it has stopped, START is accepted again.
    expect(sim.member('node1').startGroupReplication()).toEqual({ ok: true });
  });

  /** 8.0.21, seed 3: node3 stopped at 5 s, isolated at 20 s, then a client's START, which waits for its view. */
  function startWaitingForView(): Simulation {
    const sim = createSimulation({ seed: 3, members: ['node1', 'node2', 'node3'] });
    sim.runUntil(5 * SEC);
    sim.member('node3').stopGroupReplication();
    sim.runUntil(20 * SEC);
    sim.network.isolate('node3'); // the START cannot join: it waits for its view
    expect(sim.member('node3').startGroupReplication()).toEqual({ ok: true });
    return sim;
  }

  it('8.0.21: a STOP while a client\'s START waits for its view is refused; one after it stops the member', () => {
    const sim = startWaitingForView();
    sim.runUntil(30 * SEC);
    expect(sim.member('node3').stopGroupReplication()).toEqual({ ok: false, error: ANOTHER('STOP') });
    sim.runUntil(90 * SEC); // the START gave up after 60 s (MY-011640)
    expect(logged(sim, 'node3', 'MY-011640')).toHaveLength(1);
    expect(sim.member('node3').stopGroupReplication()).toEqual({ ok: true });
  });

  it('8.0.21: removeMember during a client\'s START issues its STOP again until it is taken, then shuts the server down', () => {
    const sim = startWaitingForView();
    sim.runUntil(30 * SEC);
    sim.removeMember('node3'); // its STOP is refused: the START waits for its view
    sim.network.heal('node3');
    sim.runUntil(200 * SEC);
    // Its join view handled (MY-011503), the START returned and the STOP was taken: a voluntary
    // leave, then the shutdown.
    const joined = logged(sim, 'node3', 'MY-011503').filter((t) => t > 30)[0];
    expect(joined).toBeDefined();
    const stops = logged(sim, 'node3', 'MY-011650').filter((t) => t > 20);
    expect(stops).toHaveLength(1);
    expect(stops[0]).toBeGreaterThanOrEqual(joined!);
    expect(logged(sim, 'node3', 'MY-011651')).toHaveLength(2);
    expect(sim.member('node3').running).toBe(false);
    expect(sim.member('node1').replicationGroupMembers()).toHaveLength(2);
  });

  it('8.0.20: a START issued while the STOP runs waits for it and starts once it has stopped', () => {
    const sim = stopping('8.0.20');
    expect(sim.member('node1').startGroupReplication()).toEqual({ ok: true });
    sim.at(90 * SEC, (s) => s.network.heal('node1'));
    sim.runUntil(100 * SEC);
    expect(sim.member('node1').state).toBe('ONLINE'); // the STOP still runs: the START has not begun
    sim.runUntil(200 * SEC);
    const [stopped] = logged(sim, 'node1', 'MY-011651');
    expect(stopped).toBeGreaterThan(76);
    const joined = logged(sim, 'node1', 'MY-011490');
    expect(joined).toHaveLength(1);
    expect(joined[0]).toBeGreaterThan(stopped!);
    expect(sim.member('node1').state).toBe('ONLINE');
  });

  it('8.0.20: commands queued behind a STOP run in order; a STOP after a START stops what that START began', () => {
    const sim = stopping('8.0.20');
    sim.member('node1').startGroupReplication();
    sim.member('node1').stopGroupReplication();
    sim.at(40 * SEC, (s) => s.network.heal('node1'));
    sim.runUntil(300 * SEC);
    expect(logged(sim, 'node1', 'MY-011650')).toHaveLength(2); // the first STOP, then the queued one
    expect(logged(sim, 'node1', 'MY-011490')).toEqual([]); // the queued START never joined
    expect(sim.member('node1').state).toBe('OFFLINE');
    // A second STOP with nothing before it finds the plugin stopped when its turn comes: a no-op.
    const again = stopping('8.0.20');
    expect(again.member('node1').stopGroupReplication()).toEqual({ ok: true });
    again.runUntil(300 * SEC);
    expect(logged(again, 'node1', 'MY-011650')).toHaveLength(1);
    expect(again.member('node1').state).toBe('OFFLINE');
  });

  it('8.0.20: a command issued in the instant the STOP ends still waits behind the commands queued before it', () => {
    const sim = stopping('8.0.20');
    sim.member('node1').startGroupReplication();
    // A STOP issued from the very event that ends the first STOP (its MY-011651): the queued START
    // takes the lock first, so this STOP stops what that START began.
    let late: unknown = null;
    sim.on('log', (e) => {
      if (late === null && e.member === 'node1' && e.code === 'MY-011651') late = sim.member('node1').stopGroupReplication();
    });
    sim.at(40 * SEC, (s) => s.network.heal('node1'));
    sim.runUntil(300 * SEC);
    expect(late).toEqual({ ok: true });
    expect(logged(sim, 'node1', 'MY-011650')).toHaveLength(2); // the first STOP, then the late one
    expect(logged(sim, 'node1', 'MY-011490')).toEqual([]); // the START it stopped never joined
    expect(sim.member('node1').state).toBe('OFFLINE');
  });

  it('8.0.20: a server shut down during the STOP drops the commands queued behind it', () => {
    const sim = stopping('8.0.20');
    sim.member('node1').startGroupReplication();
    sim.network.crash('node1');
    sim.network.heal('node1');
    sim.network.restart('node1');
    sim.runUntil(150 * SEC);
    expect(logged(sim, 'node1', 'MY-011490')).toHaveLength(1); // start_on_boot
    // A later STOP ends plainly: the START dropped with the crashed server does not run after it.
    sim.member('node1').stopGroupReplication();
    sim.runUntil(300 * SEC);
    expect(logged(sim, 'node1', 'MY-011651')).toHaveLength(1);
    expect(logged(sim, 'node1', 'MY-011490')).toHaveLength(1);
    expect(sim.member('node1').state).toBe('OFFLINE');
  });
});
