/**
 * group_replication_consistency (docs/mysql-behaviour.md §T5, §T6; consistency_manager.cc,
 * hold_transactions.cc, primary_election_primary_process.cc).
 */
import { describe, expect, it } from 'vitest';
import { createSimulation, runRecordOf, summarize, type Simulation } from '../../src/index.js';

const SEC = 1_000_000;

function logAt(sim: Simulation, member: string, code: string): number | undefined {
  return sim.trace.find((e) => e.type === 'log' && e.member === member && e.code === code)?.t;
}

describe('AFTER: the commit waits for every ONLINE member (gr_consistent_reads_member_unreachable)', () => {
  it('an AFTER transaction waits while a member is UNREACHABLE and commits when it returns', () => {
    const sim = createSimulation({
      seed: 5, members: ['node1', 'node2', 'node3'],
      options: { group_replication_member_expel_timeout: 3600, group_replication_consistency: 'AFTER' },
    });
    sim.at(10 * SEC, (s) => s.network.isolate('node3'));
    sim.runUntil(20 * SEC);
    expect(sim.member('node1').replicationGroupMembers().find((r) => r.MEMBER_HOST === sim.member('node3').host)?.MEMBER_STATE).toBe('UNREACHABLE');
    const w = sim.member('node1').write();
    sim.runUntil(40 * SEC);
    // Ordered by the majority, but node3 has not prepared it: the session still waits.
    expect(w.outcome).toBe('pending');
    expect(sim.member('node2').gtidExecuted()).toBe(`${sim.groupName}:1`);
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
    const sim = createSimulation({
      seed: 5, members: ['node1', 'node2', 'node3'],
      options: { group_replication_member_expel_timeout: 3600, group_replication_consistency: 'EVENTUAL' },
    });
    sim.at(10 * SEC, (s) => s.network.isolate('node3'));
    sim.runUntil(20 * SEC);
    const w = sim.member('node1').write();
    sim.runUntil(21 * SEC);
    expect(w.outcome).toBe('committed');
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

  /**
   * node1 writes 2,000 tx/s for 32 s while the secondaries apply 1,000 tx/s; node1 crashes at 32 s
   * with 32,000 transactions queued on each secondary. Its removal takes about 21.7 s (detection,
   * expel timeout, the suspicion thread's period), so the new primary still has about 10,000 to
   * apply when it is elected.
   */
  function failover(level: 'EVENTUAL' | 'BEFORE_ON_PRIMARY_FAILOVER'): Failover {
    const sim = createSimulation({
      seed: 21, version: '8.4', members: ['node1', 'node2', 'node3'],
      options: { group_replication_consistency: level },
      model: { applierTransactionUs: 1000 },
      workload: [{ member: 'node1', rate: 2000, size: 512, from: 0, to: 32 * SEC }],
    });
    let elected: { member: string; t: number; backlog: number } | null = null;
    let write: Failover['write'] | null = null;
    sim.on('log', (e) => {
      if (e.code !== 'MY-011507' || elected !== null) return;
      const m = sim.member(e.member);
      if (!e.message.includes(`${m.host}:${m.port}`)) return;
      elected = { member: e.member, t: e.t, backlog: m.transactionCounters().remoteInApplierQueue };
      // A client writes on the new primary as soon as the view that elected it is handled.
      sim.at(e.t, () => { write = m.write(); });
    });
    sim.at(32 * SEC, (s) => s.network.crash('node1'));
    sim.runUntil(90 * SEC);
    expect(elected).not.toBeNull();
    const e = elected as unknown as { member: string; t: number; backlog: number };
    const f = sim.trace.find((x) => x.type === 'flags' && x.member === e.member && x.t >= e.t && !x.superReadOnly);
    expect(f).toBeDefined();
    return { electedUs: e.t, backlog: e.backlog, writableUs: f!.t, write: write!, sim };
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
