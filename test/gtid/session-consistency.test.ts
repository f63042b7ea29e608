/**
 * group_replication_consistency per session and for workload streams (docs/mysql-behaviour.md §T5,
 * §T6). The level a transaction runs with is its session's (sql/sys_vars.cc,
 * Sys_group_replication_consistency; sql/rpl_handler.cc passes thd->variables.group_replication_consistency
 * to observer_trans.cc group_replication_trans_before_commit); consistency_manager.cc decides what
 * each level waits for, hold_transactions.cc what a new primary holds.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, createSimulation, parseScenario, ScenarioError, type Simulation } from '../../src/index.js';

const SEC = 1_000_000;

function logAt(sim: Simulation, member: string, code: string): number | undefined {
  return sim.trace.find((e) => e.type === 'log' && e.member === member && e.code === code)?.t;
}

describe('a session-level AFTER while the member is EVENTUAL (gr_consistent_reads_member_unreachable, per session)', () => {
  it('the AFTER session waits for the UNREACHABLE member and commits when it returns; an EVENTUAL session beside it does not wait', () => {
    const sim = createSimulation({
      seed: 5, members: ['node1', 'node2', 'node3'],
      options: { group_replication_member_expel_timeout: 3600, group_replication_consistency: 'EVENTUAL' },
    });
    sim.at(10 * SEC, (s) => s.network.isolate('node3'));
    sim.runUntil(20 * SEC);
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
    expect(sim.member('node2').gtidExecuted()).toBe(`${sim.groupName}:1-2`);
    expect(node1.gtidExecuted()).toBe(`${sim.groupName}:2`);
    // SET SESSION changes nothing of the member's global value.
    expect(node1.options().group_replication_consistency).toBe('EVENTUAL');
    sim.network.heal('node3');
    sim.runUntil(50 * SEC);
    expect(after.outcome).toBe('committed');
    expect(after.atUs!).toBeGreaterThan(40 * SEC);
    for (const m of sim.members) expect(m.gtidExecuted(), m.name).toBe(`${sim.groupName}:1-2`);
  });

  it('a session-level EVENTUAL on a member whose global level is AFTER does not wait', () => {
    const sim = createSimulation({
      seed: 5, members: ['node1', 'node2', 'node3'],
      options: { group_replication_member_expel_timeout: 3600, group_replication_consistency: 'AFTER' },
    });
    sim.at(10 * SEC, (s) => s.network.isolate('node3'));
    sim.runUntil(20 * SEC);
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
    let held: ReturnType<Simulation['members'][number]['write']> | null = null;
    let refused: typeof held = null;
    let electedUs = -1;
    sim.on('log', (e) => {
      if (e.code !== 'MY-011507' || electedUs >= 0) return;
      const m = sim.member(e.member);
      if (!e.message.includes(`${m.host}:${m.port}`)) return;
      electedUs = e.t;
      sim.at(e.t, () => { held = m.write({ consistency: 'BEFORE_ON_PRIMARY_FAILOVER' }); refused = m.write(); });
    });
    sim.at(32 * SEC, (s) => s.network.crash('node1'));
    sim.runUntil(90 * SEC);
    expect(electedUs).toBeGreaterThan(0);
    const h = held as unknown as { outcome: string; atUs: number };
    const r = refused as unknown as { outcome: string; atUs: number; error: string };
    expect(r.outcome).toBe('refused');
    expect(r.error).toContain('ERROR 1290');
    expect(h.outcome).toBe('committed');
    // Held while the new primary applied its backlog (several seconds at 1 ms a transaction).
    expect(h.atUs - electedUs).toBeGreaterThan(1 * SEC);
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
