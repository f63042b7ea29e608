/**
 * A read's group_replication_consistency in the façade (consistency_manager.cc,
 * before_transaction_begin, run by the server's begin hook for reads of tables: sql/rpl_handler.cc
 * launch_hook_trans_begin): BEFORE waits for a sync message through the group and for the applier
 * to apply everything certified before it; BEFORE and above need the member ONLINE.
 */
import { describe, expect, it } from 'vitest';
import { createSimulation } from '../../src/index.js';
import { createStatementEngine, loadSqlEngine } from '../../src/serve/sql/engine.js';
import { expectError, records, settle, threeMembers } from './helpers.js';
import type { StatementOutcome } from '../../src/serve/statement-engine.js';

const READ = 'SELECT COUNT(*) AS n FROM mysql_innodb_cluster_metadata.v2_instances';

/** node2 applies 1,000 transactions a second; node1 writes 2,000 a second for `seconds`: node2 ends about `seconds` behind. */
async function node2Behind(seconds = 1): Promise<{ sim: ReturnType<typeof createSimulation>; engine: ReturnType<typeof createStatementEngine> }> {
  await loadSqlEngine();
  const sim = createSimulation({
    seed: 9, mode: 'multi-primary', members: ['node1', 'node2', 'node3'],
    model: { applierTransactionUs: 1000 },
    workload: [{ member: 'node1', rate: 2000, size: 512, from: 0, to: seconds * 1_000_000 }],
  });
  sim.runFor(`${seconds * 1000 + 10}ms`);
  expect(sim.member('node2').transactionCounters().remoteInApplierQueue).toBeGreaterThan(seconds * 900);
  return { sim, engine: createStatementEngine(sim) };
}

/** Runs the simulation in 50 ms steps until the pending statement `o` settles (at most `limitMs`): its outcome and the virtual time then. */
function settleTimed(sim: ReturnType<typeof createSimulation>, o: StatementOutcome, limitMs: number): { readonly outcome: StatementOutcome | undefined; readonly atUs: number } {
  let outcome: StatementOutcome | undefined = o.kind === 'pending' ? undefined : o;
  for (let ms = 0; ms < limitMs && outcome === undefined; ms += 50) {
    sim.runFor('50ms');
    if (o.kind === 'pending') outcome = o.poll();
  }
  return { outcome, atUs: sim.nowUs };
}

/**
 * A session on node2 at BEFORE that runs `setup` (statements answered OK), then READ, which waits;
 * the read's outcome and how long it waited, in virtual µs.
 */
function readAtBefore(
  sim: ReturnType<typeof createSimulation>, engine: ReturnType<typeof createStatementEngine>, setup: readonly string[], limitMs: number,
): { readonly outcome: StatementOutcome | undefined; readonly waitedUs: number } {
  const s = engine.openSession('node2', 'root', null);
  for (const sql of ["SET SESSION group_replication_consistency = 'BEFORE'", ...setup]) expect(s.execute(sql).kind, sql).toBe('ok');
  // Without a table the begin hook does not run: no wait.
  expect(s.execute('SELECT 1 AS one').kind).toBe('rows');
  const startUs = sim.nowUs;
  const read = s.execute(READ);
  expect(read.kind).toBe('pending');
  const done = settleTimed(sim, read, limitMs);
  return { outcome: done.outcome, waitedUs: done.atUs - startUs };
}

describe('a read at BEFORE on a member whose applier lags', () => {
  it('waits until the applier has applied what the group ordered before it; the same read at EVENTUAL answers at once', async () => {
    const { sim, engine } = await node2Behind();
    const eventual = engine.openSession('node2', 'root', null);
    expect(records(eventual.execute(READ))).toEqual([{ n: '3' }]);
    const done = readAtBefore(sim, engine, [], 2000);
    // About 1,000 queued transactions at 1 ms each.
    expect(done.waitedUs).toBeGreaterThan(800_000);
    expect(sim.member('node2').transactionCounters().remoteInApplierQueue).toBe(0);
    expect(records(done.outcome!)).toEqual([{ n: '3' }]);
  });
});

describe('BEFORE and above on a member that is not ONLINE', () => {
  it('a read of a table at BEFORE or AFTER gets ER_GRP_TRX_CONSISTENCY_NOT_ALLOWED; at EVENTUAL it runs', async () => {
    await loadSqlEngine();
    const sim = createSimulation({ seed: 3, members: ['a', 'b', 'c'] });
    const engine = createStatementEngine(sim);
    sim.runFor('5s');
    const s = engine.openSession('b', 'root', null);
    expect(settle(sim, s.execute('STOP GROUP_REPLICATION'), 30_000)?.kind).toBe('ok');
    expect(sim.member('b').state).toBe('OFFLINE');
    expect(s.execute(READ).kind).toBe('rows');
    for (const level of ['BEFORE', 'AFTER', 'BEFORE_AND_AFTER']) {
      expect(s.execute(`SET SESSION group_replication_consistency = '${level}'`).kind).toBe('ok');
      expectError(s.execute(READ), 3796, 'HY000');
      expect(s.execute('SELECT MEMBER_STATE FROM performance_schema.replication_group_members').kind).toBe('rows');
    }
  });
});

describe('a read held by a new primary\'s election process (BEFORE_ON_PRIMARY_FAILOVER)', () => {
  it('waits while the backlog is applied, and gets ER_GR_HOLD_KILLED when Group Replication stops meanwhile', async () => {
    await loadSqlEngine();
    // node1 writes 2,000 tx/s for 32 s, the others apply 1,000 tx/s; node1 crashes at 32 s, and the
    // new primary is elected with thousands of transactions still to apply.
    const sim = createSimulation({
      seed: 21, version: '8.4', members: ['node1', 'node2', 'node3'],
      options: { group_replication_consistency: 'BEFORE_ON_PRIMARY_FAILOVER' },
      model: { applierTransactionUs: 1000 },
      workload: [{ member: 'node1', rate: 2000, size: 512, from: 0, to: 32_000_000 }],
    });
    const engine = createStatementEngine(sim);
    sim.at(32_000_000, (s) => s.network.crash('node1'));
    const elected = (): string | undefined => ['node2', 'node3'].find((m) => {
      const h = sim.member(m);
      return h.replicationGroupMembers().find((r) => r.MEMBER_ID === h.uuid)?.MEMBER_ROLE === 'PRIMARY';
    });
    sim.runUntil(() => elected() !== undefined, { limit: '90s' });
    const primary = elected()!;
    expect(sim.member(primary).transactionCounters().remoteInApplierQueue).toBeGreaterThan(1000);
    const reader = engine.openSession(primary, 'root', null);
    const read = reader.execute(READ);
    expect(read.kind).toBe('pending');
    sim.runFor('1s');
    expect(read.kind === 'pending' && read.poll()).toBe(undefined);
    // hold_transactions.cc wait_until_primary_failover_complete: the stop ends the hold and, the
    // plugin stopping, the held statement fails.
    const admin = engine.openSession(primary, 'root', null);
    expect(settle(sim, admin.execute('STOP GROUP_REPLICATION'), 30_000)?.kind).toBe('ok');
    expectError(read.kind === 'pending' ? read.poll()! : read, 3782, 'HY000');
    // The session goes on: the same read now runs (OFFLINE member, EVENTUAL-like level, no hold).
    expect(reader.execute(READ).kind).toBe('rows');
  });
});

describe('the session\'s wait_timeout bounds a read\'s wait to begin', () => {
  it('a BEFORE read whose wait for the applier outlasts SET SESSION wait_timeout gets ER_GRP_TRX_CONSISTENCY_BEFORE', async () => {
    // node2 is about 3,000 transactions (3 s of its applier) behind.
    const { sim, engine } = await node2Behind(3);
    const done = readAtBefore(sim, engine, ['SET SESSION wait_timeout = 1'], 5000);
    expectError(done.outcome!, 3797, 'HY000');
    // One second (and a poll) after the sync message came back, long before the applier caught up.
    expect(done.waitedUs).toBeGreaterThanOrEqual(1_000_000);
    expect(done.waitedUs).toBeLessThan(1_100_000);
    expect(sim.member('node2').transactionCounters().remoteInApplierQueue).toBeGreaterThan(1_000);
  });
});

describe('a transaction passes the begin hook once (sql/rpl_handler.cc launch_hook_trans_begin)', () => {
  /** node1 writes 2,000 tx/s for 10 s, node2 applies 1,000 tx/s: node2 falls further behind all the time. */
  async function growingLag(): Promise<{ sim: ReturnType<typeof createSimulation>; engine: ReturnType<typeof createStatementEngine> }> {
    await loadSqlEngine();
    const sim = createSimulation({
      seed: 9, mode: 'multi-primary', members: ['node1', 'node2', 'node3'],
      model: { applierTransactionUs: 1000 },
      workload: [{ member: 'node1', rate: 2000, size: 512, from: 0, to: 10_000_000 }],
    });
    sim.runFor('1s');
    return { sim, engine: createStatementEngine(sim) };
  }

  for (const opening of ['BEGIN', 'SET autocommit = 0']) {
    it(`at BEFORE, the transaction waits for the applier once, at its first statement (${opening}), and its COMMIT does not wait again`, async () => {
      const { sim, engine } = await growingLag();
      const s = engine.openSession('node2', 'root', null);
      expect(settle(sim, s.execute('CREATE DATABASE IF NOT EXISTS app'), 10_000)?.kind).toBe('ok');
      expect(settle(sim, s.execute('CREATE TABLE app.t (id INT PRIMARY KEY)'), 10_000)?.kind).toBe('ok');
      expect(s.execute("SET SESSION group_replication_consistency = 'BEFORE'").kind).toBe('ok');
      const opened = s.execute(opening);
      const first = opening === 'BEGIN' ? opened : s.execute('INSERT INTO app.t VALUES (1)');
      // The first statement waits for the applier backlog (growing by 1,000 transactions a second).
      expect(first.kind).toBe('pending');
      const t0 = sim.nowUs;
      const begun = settleTimed(sim, first, 10_000);
      expect(begun.outcome?.kind).toBe('ok');
      expect(begun.atUs - t0).toBeGreaterThan(500_000);
      if (opening === 'BEGIN') expect(s.execute('INSERT INTO app.t VALUES (1)').kind).toBe('ok');
      expect(s.execute('INSERT INTO app.t VALUES (2)').kind).toBe('ok');
      // node2 is behind again by now; COMMIT only waits for the group to order the transaction.
      expect(sim.member('node2').transactionCounters().remoteInApplierQueue).toBeGreaterThan(500);
      const t1 = sim.nowUs;
      const committed = settleTimed(sim, s.execute('COMMIT'), 10_000);
      expect(committed.outcome?.kind).toBe('ok');
      expect(committed.atUs - t1).toBeLessThanOrEqual(50_000);
    });
  }
});

describe('an interactive client starts with interactive_timeout as its wait_timeout', () => {
  it('SELECT @@wait_timeout shows interactive_timeout for a CLIENT_INTERACTIVE session, wait_timeout for another', async () => {
    const { sim } = await threeMembers();
    const engine = createStatementEngine(sim, { waitTimeoutS: 600, interactiveTimeoutS: 90 });
    const interactive = engine.openSession('a', 'root', null, { interactive: true });
    const batch = engine.openSession('a', 'root', null, { interactive: false });
    expect(records(interactive.execute('SELECT @@wait_timeout w, @@global.interactive_timeout i, @@global.wait_timeout g'))).toEqual([{ w: '90', i: '90', g: '600' }]);
    expect(records(batch.execute('SELECT @@wait_timeout w'))).toEqual([{ w: '600' }]);
    expect(interactive.waitTimeoutS!()).toBe(90);
    expect(batch.waitTimeoutS!()).toBe(600);
    expect(() => createStatementEngine(sim, { interactiveTimeoutS: 0 })).toThrow(/interactiveTimeoutS/);
  });
});
