/**
 * group_replication_consistency (docs/mysql-behaviour.md §T5, §T6; consistency_manager.cc,
 * hold_transactions.cc, primary_election_primary_process.cc), per member, per session (the level a
 * transaction runs with is its session's: sql/sys_vars.cc, Sys_group_replication_consistency;
 * sql/rpl_handler.cc passes thd->variables.group_replication_consistency to observer_trans.cc
 * group_replication_trans_before_commit) and for workload streams.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { failoverWithBacklog } from '../helpers/failover-backlog.js';
import { ConfigError, createSimulation, parseScenario, runRecordOf, runScenario, ScenarioError, scenarioToYaml, summarize, type Simulation, type WriteRecord } from '../../src/index.js';
import { CLIENT_ERROR_HOLD_MEMBER_STATUS_ERROR, CLIENT_ERROR_HOOK } from '../../src/observe/error-codes.js';

const SEC = 1_000_000;

function logAt(sim: Simulation, member: string, code: string): number | undefined {
  return sim.trace.find((e) => e.type === 'log' && e.member === member && e.code === code)?.t;
}

/** A group of three at `level` whose node3 was isolated at 10 s: at 20 s it is UNREACHABLE, and never expelled. */
function node3Unreachable(level: 'AFTER' | 'EVENTUAL'): Simulation {
  const sim = createSimulation({
    seed: 5, members: ['node1', 'node2', 'node3'],
    options: { group_replication_member_expel_timeout: 3600, group_replication_consistency: level },
  });
  sim.at(10 * SEC, (s) => s.network.isolate('node3'));
  sim.runUntil(20 * SEC);
  return sim;
}

describe('AFTER: the commit waits for every ONLINE member (gr_consistent_reads_member_unreachable)', () => {
  it('an AFTER transaction waits while a member is UNREACHABLE and commits when it returns', () => {
    const sim = node3Unreachable('AFTER');
    expect(sim.member('node1').replicationGroupMembers().find((r) => r.MEMBER_HOST === sim.member('node3').host)?.MEMBER_STATE).toBe('UNREACHABLE');
    const w = sim.member('node1').write();
    sim.runUntil(40 * SEC);
    // Ordered by the majority, but node3 has not prepared it: the session still waits, and node2's
    // applier has prepared it and holds it uncommitted (after_applier_prepare; the mysql-test's
    // step 07 finds node2's applier thread "waiting for handler commit").
    expect(w.outcome).toBe('pending');
    expect(sim.member('node2').gtidExecuted()).toBe('');
    expect(sim.member('node2').transactionCounters().remoteInApplierQueue).toBe(1);
    expect(sim.member('node1').gtidExecuted()).toBe('');
    sim.network.heal('node3');
    sim.runUntil(50 * SEC);
    expect(w.outcome).toBe('committed');
    expect(w.atUs!).toBeGreaterThan(40 * SEC);
    for (const m of sim.members) expect(m.gtidExecuted(), m.name).toBe(`${sim.groupName}:1`);
  });

  it('the wait ends when the UNREACHABLE member is expelled (handle_member_leave)', () => {
    const sim = createSimulation({ seed: 6, members: ['node1', 'node2', 'node3'], options: { group_replication_consistency: 'AFTER' } });
    sim.at(10 * SEC, (s) => s.network.isolate('node3'));
    sim.runUntil(16 * SEC);
    const w = sim.member('node1').write();
    sim.runUntil(40 * SEC);
    expect(w.outcome).toBe('committed');
    const removed = logAt(sim, 'node1', 'MY-011499');
    expect(removed).toBeDefined();
    expect(w.atUs).toBe(removed);
  });

  it('EVENTUAL commits without waiting for the UNREACHABLE member', () => {
    const sim = node3Unreachable('EVENTUAL');
    const w = sim.member('node1').write();
    sim.runUntil(21 * SEC);
    expect(w.outcome).toBe('committed');
  });
});

describe('another member\'s AFTER transaction held on the applier holds the transactions that begin here', () => {
  /**
   * consistency_manager.cc: before_transaction_begin calls transaction_begin_sync_prepared_transactions
   * at every consistency level; while the applier holds a prepared AFTER transaction of another
   * member (m_prepared_transactions_on_my_applier), a new transaction waits until it commits.
   */
  function run(originLevel: 'AFTER' | 'EVENTUAL'): { readonly node2Write: WriteRecord; readonly sim: Simulation } {
    const sim = createSimulation({
      seed: 5, mode: 'multi-primary', members: ['node1', 'node2', 'node3'],
      options: { group_replication_member_expel_timeout: 3600 },
    });
    sim.at(10 * SEC, (s) => s.network.isolate('node3'));
    sim.runUntil(20 * SEC);
    sim.member('node1').write({ consistency: originLevel });
    sim.runUntil(25 * SEC);
    const node2Write = sim.member('node2').write({ consistency: 'EVENTUAL' });
    sim.runUntil(40 * SEC);
    return { node2Write, sim };
  }

  it('an EVENTUAL write on node2 waits while node2 holds node1\'s AFTER transaction, and commits once node3 has prepared it', () => {
    const { node2Write, sim } = run('AFTER');
    expect(node2Write.outcome).toBe('pending');
    sim.network.heal('node3');
    sim.runUntil(50 * SEC);
    expect(node2Write.outcome).toBe('committed');
    expect(node2Write.atUs!).toBeGreaterThan(40 * SEC);
    for (const m of sim.members) expect(m.gtidExecuted(), m.name).toBe(`${sim.groupName}:1-2`);
  });

  it('after an EVENTUAL transaction of node1 the same write commits at once', () => {
    const { node2Write } = run('EVENTUAL');
    expect(node2Write.outcome).toBe('committed');
    expect(node2Write.atUs! - node2Write.submittedUs).toBeLessThan(SEC);
  });
});

describe('BEFORE: the transaction begins once the member applied what the group certified before it', () => {
  function run(level: 'BEFORE' | 'EVENTUAL'): { readonly committedUs: number; readonly submittedUs: number } {
    const sim = createSimulation({
      seed: 9, mode: 'multi-primary', members: ['node1', 'node2', 'node3'],
      model: { applierTransactionUs: 1000 },
      workload: [{ member: 'node1', rate: 2000, size: 512, from: 0, to: 1 * SEC }],
    });
    sim.member('node2').set('group_replication_consistency', level);
    sim.runUntil(1 * SEC + 10_000);
    // node2's applier (1,000 transactions per second) is about 1,000 transactions behind.
    expect(sim.member('node2').transactionCounters().remoteInApplierQueue).toBeGreaterThan(900);
    const w = sim.member('node2').write();
    sim.runUntil(5 * SEC);
    expect(w.outcome).toBe('committed');
    return { committedUs: w.atUs!, submittedUs: w.submittedUs };
  }

  it('BEFORE waits for the applier backlog; EVENTUAL does not', () => {
    const before = run('BEFORE'), eventual = run('EVENTUAL');
    expect(eventual.committedUs - eventual.submittedUs).toBeLessThan(0.05 * SEC);
    expect(before.committedUs - before.submittedUs).toBeGreaterThan(0.9 * SEC);
  });
});

describe('failover with a backlog on the new primary (BEFORE_ON_PRIMARY_FAILOVER vs EVENTUAL)', () => {
  interface Failover {
    readonly electedUs: number;
    readonly backlog: number;
    readonly writableUs: number;
    readonly write: { outcome: string; atUs: number | null; error: string | null };
    readonly sim: Simulation;
  }

  /** The failover of seed 21 at `level` (failoverWithBacklog), and when the new primary became writable. */
  function failover(level: 'EVENTUAL' | 'BEFORE_ON_PRIMARY_FAILOVER'): Failover {
    const r = failoverWithBacklog({ group_replication_consistency: level });
    const f = r.sim.trace.find((x) => x.type === 'flags' && x.member === r.member && x.t >= r.electedUs && !x.superReadOnly);
    expect(f).toBeDefined();
    return { electedUs: r.electedUs, backlog: r.backlog, writableUs: f!.t, write: r.write, sim: r.sim };
  }

  it('the new primary takes writes only after applying its backlog; BEFORE_ON_PRIMARY_FAILOVER holds a write meanwhile, EVENTUAL refuses it', () => {
    const bopf = failover('BEFORE_ON_PRIMARY_FAILOVER');
    const eventual = failover('EVENTUAL');
    for (const f of [bopf, eventual]) {
      expect(f.backlog).toBeGreaterThan(8_000);
      // writable once the backlog is applied (1 ms each), plus one round of the group for PRIMARY_READY
      const applyUs = f.backlog * 1000;
      // (less the part of one transaction the applier was already through when the backlog was read)
      expect(f.writableUs - f.electedUs).toBeGreaterThan(applyUs - 1000);
      expect(f.writableUs - f.electedUs).toBeLessThan(applyUs + 0.1 * SEC);
      // The run's metric: from the view without the old primary to writable (the same member, the same instants).
      const fo = summarize(runRecordOf(f.sim)).failovers;
      expect(fo).toHaveLength(1);
      expect(fo[0]!.primaryLeftUs).toBe(f.electedUs);
      expect(fo[0]!.writableUs).toBe(f.writableUs);
    }
    // BEFORE_ON_PRIMARY_FAILOVER: the write was held (hold_transactions.cc) and commits after the election process.
    expect(bopf.write.outcome).toBe('committed');
    expect(bopf.write.atUs!).toBeGreaterThan(bopf.writableUs);
    // EVENTUAL: the write met super_read_only at once.
    expect(eventual.write.outcome).toBe('refused');
    expect(eventual.write.atUs).toBe(eventual.electedUs);
    expect(eventual.write.error).toContain('ERROR 1290');
    // BOPF's client waited the backlog's apply time; EVENTUAL's was refused immediately.
    expect(bopf.write.atUs! - bopf.electedUs - (eventual.write.atUs! - eventual.electedUs)).toBeGreaterThan((bopf.backlog - 1) * 1000);
  });

  it('STOP GROUP_REPLICATION on the new primary fails the statement its election process holds with ER_GR_HOLD_KILLED', () => {
    // hold_transactions.cc wait_until_primary_failover_complete: the stop ends the hold, and with the
    // plugin stopping the held statement returns ER_GR_HOLD_KILLED (3782) instead of running.
    const r = failoverWithBacklog({ group_replication_consistency: 'BEFORE_ON_PRIMARY_FAILOVER' }, undefined,
      (sim, member, t) => sim.at(t + 2 * SEC, () => { sim.member(member).stopGroupReplication(); }));
    const stoppedUs = logAt(r.sim, r.member, 'MY-011651');
    expect(stoppedUs).toBeDefined();
    expect(r.write.outcome).toBe('refused');
    expect(r.write.error).toMatch(/^ERROR 3782 \(HY000\): Held statement aborted because Group Replication plugin got shut down/);
    // It waited from the election to the stop, not a moment more.
    expect(r.write.atUs).toBe(stoppedUs);
    expect(r.write.atUs! - r.electedUs).toBeGreaterThanOrEqual(2 * SEC);
    // The member never became writable meanwhile: the write was held, not run.
    expect(r.sim.trace.some((x) => x.type === 'flags' && x.member === r.member && x.t >= r.electedUs && !x.superReadOnly)).toBe(false);
  });

  /**
   * Alone after the crash of node1 (the other secondary isolated `isolateAfterUs` after the
   * election), the new primary loses the majority and leaves after
   * group_replication_unreachable_majority_timeout (2 s): its status is ERROR at once, but on this
   * path leave_group_on_failure only asks GCS to leave, and the election process (and the hold)
   * ends with the leave view (primary_election_primary_process.cc after_view_change →
   * terminate_election_process), about 30 s later from a minority. The held session wakes once a
   * second (hold_transactions.cc wait_until_primary_failover_complete) and finds ERROR first:
   * ER_GR_HOLD_MEMBER_STATUS_ERROR at the first whole second of waiting (counted from the write,
   * made at the election) after the ERROR. Returns the failover and when the member went ERROR.
   */
  function heldThroughMajorityTimeout(isolateAfterUs: number): { readonly r: ReturnType<typeof failoverWithBacklog>; readonly errorUs: number } {
    const r = failoverWithBacklog({ group_replication_consistency: 'BEFORE_ON_PRIMARY_FAILOVER', group_replication_unreachable_majority_timeout: 2 }, undefined, (sim, member, t) => {
      const other = member === 'node2' ? 'node3' : 'node2';
      sim.at(t + isolateAfterUs, () => sim.network.isolate(other));
    });
    const errorUs = r.sim.trace.find((x) => x.type === 'stateChange' && x.observer === r.member && x.member === r.member && x.t > r.electedUs && x.state === 'ERROR')?.t;
    expect(errorUs).toBeDefined();
    expect(r.write.outcome).toBe('refused');
    expect(r.write.error).toBe(CLIENT_ERROR_HOLD_MEMBER_STATUS_ERROR);
    expect(Number.isInteger((r.write.atUs! - r.electedUs) / SEC)).toBe(true);
    expect(r.write.atUs!).toBeGreaterThan(errorUs!);
    expect(r.write.atUs! - errorUs!).toBeLessThanOrEqual(SEC);
    return { r, errorUs: errorUs! };
  }

  it('a new primary that loses the majority with its backlog still to apply fails the held statement with ER_GR_HOLD_MEMBER_STATUS_ERROR at the hold\'s next once-a-second check', () => {
    const { r, errorUs } = heldThroughMajorityTimeout(1 * SEC);
    expect(errorUs - r.electedUs).toBeLessThan(r.backlog * 1000); // the backlog was still being applied
    expect((r.write.atUs! - r.electedUs) / SEC).toBeGreaterThan(5);
  });

  it('after a majority timeout the hold lasts until the leave view, so a statement held past the applied backlog still fails with ER_GR_HOLD_MEMBER_STATUS_ERROR at the next check', () => {
    // The majority is lost about 8 s after the election and the backlog (about 10,300 at 1 ms) is
    // applied by about 10.3 s, before the majority timeout ends at about 11 s.
    const { r, errorUs } = heldThroughMajorityTimeout(3.5 * SEC);
    expect(errorUs - r.electedUs).toBeGreaterThan(r.backlog * 1000); // the backlog was applied before the leave began
    r.sim.runUntil(errorUs + 40 * SEC);
    const leaveViewUs = r.sim.trace.find((x) => x.type === 'view' && x.member === r.member && x.t > errorUs && x.viewId === '')?.t;
    expect(leaveViewUs).toBeDefined();
    expect(leaveViewUs! - errorUs).toBeGreaterThan(20 * SEC);
  });

  it('a new primary expelled with its backlog still to apply lets the held statement go on at once, into the super_read_only of a member in ERROR', () => {
    // Four members: node1 crashes, the new primary is frozen a second after its election and the
    // other two expel it; thawed, it learns of its expel with most of its backlog still queued.
    // leave_group_on_failure waits only for the applier module to reach its suspension packet
    // (Applier_module::wait_for_applier_complete_suspension with wait_for_execution false), sets
    // super_read_only and returns; after_view_change then ends the election process, whose thread
    // disables the hold (primary_election_primary_process.cc, hold_transactions.cc disable): the
    // held session goes on before any once-a-second check and its write is refused with 1290.
    let queuedAtThaw = -1;
    const r = failoverWithBacklog({ group_replication_consistency: 'BEFORE_ON_PRIMARY_FAILOVER' }, undefined, (sim, member, t) => {
      sim.at(t + 1 * SEC, () => sim.network.freeze(member));
      sim.at(t + 30 * SEC, () => {
        sim.network.thaw(member);
        queuedAtThaw = sim.member(member).transactionCounters().remoteInApplierQueue;
      });
    }, ['node1', 'node2', 'node3', 'node4']);
    const errorUs = r.sim.trace.find((x) => x.type === 'stateChange' && x.observer === r.member && x.member === r.member && x.t > r.electedUs && x.state === 'ERROR')?.t;
    expect(errorUs).toBeDefined();
    // Never writable: the backlog was not applied, no MY-011510.
    expect(r.sim.trace.some((x) => x.type === 'flags' && x.member === r.member && x.t >= r.electedUs && !x.superReadOnly)).toBe(false);
    expect(logAt(r.sim, r.member, 'MY-011510')).toBeUndefined();
    expect(queuedAtThaw).toBeGreaterThan(5_000); // seconds of backlog left at 1 ms each
    expect(errorUs! - r.electedUs).toBeLessThan(36 * SEC); // learnt within a few seconds of the thaw
    expect(r.write.outcome).toBe('refused');
    expect(r.write.error).toMatch(/^ERROR 1290 \(HY000\)/);
    expect(r.write.atUs).toBe(errorUs);
  });

  it('without a backlog the new primary is writable within a few group round trips', () => {
    const sim = createSimulation({ seed: 22, version: '8.4', members: ['node1', 'node2', 'node3'] });
    sim.at(10 * SEC, (s) => s.network.crash('node1'));
    sim.runUntil(40 * SEC);
    const fo = summarize(runRecordOf(sim)).failovers;
    expect(fo).toHaveLength(1);
    const primary = fo[0]!.member;
    // PRIMARY_READY goes through the group once: well under 10 ms on a LAN.
    expect(fo[0]!.timeToWritableUs).toBeGreaterThan(0);
    expect(fo[0]!.timeToWritableUs).toBeLessThan(10_000);
    expect(sim.member(primary).superReadOnly).toBe(false);
    expect(sim.member(primary).replicationGroupMembers().find((r) => r.MEMBER_ID === sim.member(primary).uuid)?.MEMBER_ROLE).toBe('PRIMARY');
  });
});

describe('a session-level AFTER while the member is EVENTUAL (gr_consistent_reads_member_unreachable, per session)', () => {
  it('the AFTER session waits for the UNREACHABLE member and commits when it returns; an EVENTUAL session beside it does not wait', () => {
    const sim = node3Unreachable('EVENTUAL');
    const node1 = sim.member('node1');
    expect(node1.replicationGroupMembers().find((r) => r.MEMBER_HOST === sim.member('node3').host)?.MEMBER_STATE).toBe('UNREACHABLE');
    const after = node1.write({ consistency: 'AFTER' });
    const eventual = node1.write();
    expect(after.consistency).toBe('AFTER');
    expect(eventual.consistency).toBeNull();
    sim.runUntil(40 * SEC);
    // Both were ordered by the majority; only the AFTER session waits for node3's acknowledgement.
    expect(eventual.outcome).toBe('committed');
    expect(after.outcome).toBe('pending');
    // node2's applier holds the AFTER transaction prepared; the EVENTUAL one waits behind it.
    expect(sim.member('node2').gtidExecuted()).toBe('');
    expect(node1.gtidExecuted()).toBe(`${sim.groupName}:2`);
    // SET SESSION changes nothing of the member's global value.
    expect(node1.options().group_replication_consistency).toBe('EVENTUAL');
    sim.network.heal('node3');
    sim.runUntil(50 * SEC);
    expect(after.outcome).toBe('committed');
    expect(after.atUs!).toBeGreaterThan(40 * SEC);
    for (const m of sim.members) expect(m.gtidExecuted(), m.name).toBe(`${sim.groupName}:1-2`);
  });

  it('an AFTER transaction rolled back by a leave is not in the member\'s gtid_executed; its next join copies it from the group', () => {
    const sim = createSimulation({
      seed: 5, members: ['node1', 'node2', 'node3', 'node4', 'node5'],
      options: { group_replication_member_expel_timeout: 3600 },
    });
    sim.at(10 * SEC, (s) => s.network.isolate('node5'));
    sim.runUntil(20 * SEC);
    const w = sim.member('node1').write({ consistency: 'AFTER' });
    sim.runUntil(25 * SEC);
    expect(w.outcome).toBe('pending');
    sim.member('node1').stopGroupReplication();
    // STOP first waits for the transaction, which waits for node5, until block_until_empty gives up
    // (TRANSACTION_KILL_TIMEOUT + 1 one-second waits).
    sim.runUntil(75 * SEC);
    expect(w.outcome).toBe('pending');
    expect(sim.member('node1').state).toBe('ONLINE');
    sim.runUntil(80 * SEC);
    expect(w.outcome).toBe('rolled_back');
    expect(w.atUs).toBe(76 * SEC);
    expect(w.error).toBe(CLIENT_ERROR_HOOK);
    expect(sim.member('node1').state).toBe('OFFLINE');
    expect(sim.member('node1').gtidExecuted()).toBe('');
    // The origin's leave does not release the others: they still wait for node5, which must
    // prepare it (handle_member_leave removes only the leaving members from those that must).
    expect(sim.member('node2').gtidExecuted()).toBe('');
    // A join's view needs every member's state exchange: node5 back first.
    sim.network.heal('node5');
    sim.runUntil(95 * SEC);
    for (const name of ['node2', 'node3', 'node4', 'node5']) expect(sim.member(name).gtidExecuted(), name).toBe(`${sim.groupName}:1`);
    sim.member('node1').startGroupReplication();
    sim.runUntil(130 * SEC);
    expect(sim.member('node1').state).toBe('ONLINE');
    expect(sim.member('node1').gtidExecuted()).toBe(`${sim.groupName}:1`);
  });

  it('a session-level EVENTUAL on a member whose global level is AFTER does not wait', () => {
    const sim = node3Unreachable('AFTER');
    const eventual = sim.member('node1').write({ consistency: 'eventual' });
    const global = sim.member('node1').write();
    sim.runUntil(30 * SEC);
    expect(eventual.consistency).toBe('EVENTUAL');
    expect(eventual.outcome).toBe('committed');
    expect(global.outcome).toBe('pending');
  });

  it('a session level that is not one of the five values is refused naming the field, the rule and the value', () => {
    const sim = createSimulation({ seed: 1, members: ['node1', 'node2', 'node3'] });
    expect(() => sim.member('node1').write({ consistency: 'STRONG' })).toThrow(ConfigError);
    expect(() => sim.member('node1').write({ consistency: 5 })).toThrow(/consistency must be one of EVENTUAL, BEFORE_ON_PRIMARY_FAILOVER, BEFORE, AFTER, BEFORE_AND_AFTER .*got 5/);
    // The ordinal is MySQL's other spelling of an ENUM value.
    expect(sim.member('node1').write({ consistency: 3 }).consistency).toBe('AFTER');
    const bad = 'members: [node1, node2, node3]\nevents:\n  - { at: +1s, write: { member: node1, consistency: STRONG } }\n';
    expect(() => parseScenario(bad, 'bad.yaml')).toThrow(ScenarioError);
    expect(() => parseScenario(bad, 'bad.yaml')).toThrow(/events\[0\]\.write\.consistency.*must be one of EVENTUAL/);
    const good = parseScenario('members: [node1, node2, node3]\nevents:\n  - { at: +1s, write: { member: node1, count: 2, consistency: after } }\n', 'good.yaml');
    expect(good.events[0]!.action).toEqual({ write: { member: 'node1', count: 2, consistency: 'AFTER' } });
    // A scenario written back to YAML keeps the level.
    expect(parseScenario(scenarioToYaml(good), 'again.yaml').events[0]!.action).toEqual(good.events[0]!.action);
  });
});

describe('a session-level BEFORE_ON_PRIMARY_FAILOVER on a new primary whose member level is EVENTUAL', () => {
  it('the BEFORE_ON_PRIMARY_FAILOVER session is held until the election process ends; an EVENTUAL one meets super_read_only', () => {
    const sim = createSimulation({
      seed: 21, version: '8.4', members: ['node1', 'node2', 'node3'],
      options: { group_replication_consistency: 'EVENTUAL' },
      model: { applierTransactionUs: 1000 },
      workload: [{ member: 'node1', rate: 2000, size: 512, from: 0, to: 32 * SEC }],
    });
    const writes: WriteRecord[] = [];
    let electedUs = -1;
    sim.on('log', (e) => {
      if (e.code !== 'MY-011507' || electedUs >= 0) return;
      const m = sim.member(e.member);
      if (!e.message.includes(`${m.host}:${m.port}`)) return;
      electedUs = e.t;
      sim.at(e.t, () => { writes.push(m.write({ consistency: 'BEFORE_ON_PRIMARY_FAILOVER' }), m.write()); });
    });
    sim.at(32 * SEC, (s) => s.network.crash('node1'));
    sim.runUntil(90 * SEC);
    expect(electedUs).toBeGreaterThan(0);
    const [h, r] = writes as [WriteRecord, WriteRecord];
    expect(r.outcome).toBe('refused');
    expect(r.error).toContain('ERROR 1290');
    expect(h.outcome).toBe('committed');
    // Held while the new primary applied its backlog (several seconds at 1 ms a transaction).
    expect(h.atUs! - electedUs).toBeGreaterThan(1 * SEC);
  });
});

describe('workload streams respect the member level', () => {
  function afterRun(level: 'AFTER' | 'EVENTUAL', expelTimeout: number): Simulation {
    const sim = createSimulation({
      seed: 7, members: ['node1', 'node2', 'node3'],
      options: { group_replication_member_expel_timeout: expelTimeout, group_replication_consistency: level },
      workload: [{ member: 'node1', rate: 1000, size: 512, from: 0, to: 60 * SEC }],
    });
    sim.at(10 * SEC, (s) => s.network.isolate('node3'));
    return sim;
  }

  it('under AFTER the commits stop while a member is UNREACHABLE and resume when it returns', () => {
    const sim = afterRun('AFTER', 3600);
    const node1 = sim.member('node1');
    sim.runUntil(10 * SEC);
    const before = node1.workload().committed;
    expect(before).toBeGreaterThan(9_000);
    sim.runUntil(20 * SEC);
    const c20 = node1.workload().committed;
    sim.runUntil(30 * SEC);
    // node3 is UNREACHABLE, not expelled: it is still among the members that must prepare each batch.
    expect(node1.replicationGroupMembers().find((r) => r.MEMBER_HOST === sim.member('node3').host)?.MEMBER_STATE).toBe('UNREACHABLE');
    expect(node1.workload().committed).toBe(c20);
    expect(node1.workload().submitted).toBeGreaterThan(29_000);
    // The majority still orders them: node2 has them all (it applies them at once at this rate).
    expect(sim.member('node2').transactionCounters().checked).toBeGreaterThan(29_000);
    // node1's own gtid_executed lacks the transactions still waiting.
    expect(node1.transactionCounters().localCommitted).toBe(c20);
    sim.network.heal('node3');
    sim.runUntil(40 * SEC);
    const c = node1.workload();
    expect(c.committed).toBeGreaterThan(c.submitted - 200);
    expect(node1.transactionCounters().localCommitted).toBe(c.committed);
    // Their latency includes the wait: the mean over the run is far above a LAN round trip.
    expect(c.latencySumUs / c.committed).toBeGreaterThan(1 * SEC);
  });

  it('under AFTER the commits resume when the UNREACHABLE member is expelled (handle_member_leave)', () => {
    const sim = afterRun('AFTER', 5);
    const node1 = sim.member('node1');
    const samples: { t: number; committed: number }[] = [];
    for (let t = 11; t <= 45; t++) sim.at(t * SEC, (s) => { samples.push({ t: s.nowUs, committed: s.member('node1').workload().committed }); });
    sim.runUntil(45 * SEC);
    const removed = logAt(sim, 'node1', 'MY-011499');
    expect(removed).toBeDefined();
    const unreachable = sim.trace.find((e) => e.type === 'stateChange' && e.observer === 'node1' && e.member === 'node3' && e.state === 'UNREACHABLE')?.t;
    expect(unreachable).toBeDefined();
    const waiting = samples.filter((s) => s.t > unreachable! + 1 * SEC && s.t < removed!);
    expect(waiting.length).toBeGreaterThan(5);
    for (const s of waiting) expect(s.committed).toBe(waiting[0]!.committed);
    const after = samples.find((s) => s.t > removed! + 1 * SEC)!;
    expect(after.committed).toBeGreaterThan(waiting[0]!.committed + (removed! - unreachable!) / 1000 - 2000);
    const c = node1.workload();
    expect(c.committed).toBeGreaterThan(c.submitted - 200);
  });

  it('another member\'s stream at EVENTUAL waits behind the AFTER batches its applier holds, and goes on once node3 is back', () => {
    function run(node1Level: 'AFTER' | 'EVENTUAL'): Simulation {
      const sim = createSimulation({
        seed: 7, mode: 'multi-primary', members: ['node1', 'node2', 'node3'],
        options: { group_replication_member_expel_timeout: 3600 },
        workload: [{ member: 'node1', rate: 1000, size: 512, from: 0, to: 60 * SEC }, { member: 'node2', rate: 1000, size: 512, from: 0, to: 60 * SEC }],
      });
      sim.member('node1').set('group_replication_consistency', node1Level);
      sim.at(10 * SEC, (s) => s.network.isolate('node3'));
      sim.runUntil(20 * SEC);
      return sim;
    }
    const sim = run('AFTER');
    const node2 = sim.member('node2');
    const c20 = node2.workload().committed;
    sim.runUntil(30 * SEC);
    expect(node2.workload().committed).toBe(c20);
    const hold = node2.workload().holds.find((h) => h.reason === 'prepared_transaction');
    expect(hold?.count).toBeGreaterThan(9_000);
    sim.network.heal('node3');
    sim.runUntil(40 * SEC);
    expect(node2.workload().committed - c20).toBeGreaterThan(15_000);
    const control = run('EVENTUAL');
    const e20 = control.member('node2').workload().committed;
    control.runUntil(30 * SEC);
    expect(control.member('node2').workload().committed - e20).toBeGreaterThan(9_000);
    expect(control.member('node2').workload().holds.some((h) => h.reason === 'prepared_transaction')).toBe(false);
  });

  it('under EVENTUAL the commits go on while a member is UNREACHABLE', () => {
    const sim = afterRun('EVENTUAL', 3600);
    sim.runUntil(20 * SEC);
    const c20 = sim.member('node1').workload().committed;
    sim.runUntil(30 * SEC);
    expect(sim.member('node1').workload().committed - c20).toBeGreaterThan(9_000);
  });

  /**
   * node1 writes 2,000 tx/s for 32 s while the secondaries apply 1,000 tx/s, then crashes; node2
   * and node3 each run a stream of their own (refused while SECONDARY). The new primary's stream
   * meets its election process: held under BEFORE_ON_PRIMARY_FAILOVER, refused under EVENTUAL.
   */
  function failover(level: 'EVENTUAL' | 'BEFORE_ON_PRIMARY_FAILOVER'): { sim: Simulation; primary: string } {
    const sim = createSimulation({
      seed: 21, version: '8.4', members: ['node1', 'node2', 'node3'],
      options: { group_replication_consistency: level },
      model: { applierTransactionUs: 1000 },
      workload: [
        { member: 'node1', rate: 2000, size: 512, from: 0, to: 32 * SEC },
        { member: 'node2', rate: 100, size: 512, from: 0, to: 80 * SEC },
        { member: 'node3', rate: 100, size: 512, from: 0, to: 80 * SEC },
      ],
    });
    sim.at(32 * SEC, (s) => s.network.crash('node1'));
    sim.runUntil(90 * SEC);
    const primary = sim.members.find((m) => m.name !== 'node1' && !m.superReadOnly)!.name;
    return { sim, primary };
  }

  it('a new primary holds its workload transactions under BEFORE_ON_PRIMARY_FAILOVER and refuses them under EVENTUAL', () => {
    const bopf = failover('BEFORE_ON_PRIMARY_FAILOVER');
    const eventual = failover('EVENTUAL');
    const reasons = (r: { sim: Simulation; primary: string }): Record<string, number> =>
      Object.fromEntries(r.sim.member(r.primary).workload().holds.map((h) => [h.reason, h.count]));
    const b = reasons(bopf), e = reasons(eventual);
    // Several seconds of backlog at 100 tx/s: hundreds of transactions meet the election process.
    expect(b.primary_election).toBeGreaterThan(200);
    expect(b.read_only).toBeUndefined();
    expect(e.read_only).toBeGreaterThan(200);
    expect(e.primary_election).toBeUndefined();
    // Held, not lost: every transaction not refused as a SECONDARY's committed.
    const c = bopf.sim.member(bopf.primary).workload();
    expect(c.committed).toBe(c.submitted - c.refused);
    expect(c.refused).toBe(b.read_only_secondary);
    const ce = eventual.sim.member(eventual.primary).workload();
    expect(ce.committed).toBe(ce.submitted - ce.refused);
    expect(ce.refused).toBe(e.read_only_secondary! + e.read_only!);
  });
});

describe('scenarios/consistency-after-unreachable.yaml', () => {
  const text = readFileSync(new URL('../../scenarios/consistency-after-unreachable.yaml', import.meta.url), 'utf8');
  const sim = runScenario(parseScenario(text, 'consistency-after-unreachable.yaml')).sim;
  // node1's committed count, second by second, from its once-a-second workload samples.
  const committedAt: number[] = [];
  for (const e of sim.trace) if (e.type === 'workload' && e.member === 'node1') committedAt[Math.floor(e.t / SEC)] = e.committed;

  it('the AFTER session waits for node3 until it is back; the session at the member level does not', () => {
    const [after, eventual] = sim.writes;
    expect(after!.consistency).toBe('AFTER');
    expect(eventual!.outcome).toBe('committed');
    expect(eventual!.atUs! - eventual!.submittedUs).toBeLessThan(1 * SEC);
    expect(after!.outcome).toBe('committed');
    expect(after!.atUs!).toBeGreaterThan(45 * SEC);
  });

  it('the workload commits until the member level becomes AFTER, not while node3 is UNREACHABLE after it, and catches up once node3 is back', () => {
    expect(committedAt[34]! - committedAt[31]!).toBeGreaterThan(1400);
    expect(committedAt[44]).toBe(committedAt[37]);
    const c = sim.member('node1').workload();
    expect(c.committed).toBeGreaterThan(c.submitted - 200);
    expect(sim.member('node3').state).toBe('ONLINE');
  });
});
