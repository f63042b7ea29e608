/**
 * The server's begin hook holds a statement on a member whose applier holds another member's
 * prepared AFTER transaction (sql/rpl_handler.cc launch_hook_trans_begin → consistency_manager.cc
 * before_transaction_begin → transaction_begin_sync_prepared_transactions, at every level): reads
 * of user tables and BEGIN wait; statements without tables, and reads of performance_schema, sys
 * or information_schema.PROCESSLIST, do not.
 */
import { describe, expect, it } from 'vitest';
import type { StatementOutcome } from '../../src/serve/statement-engine.js';
import { records, settle, threeMembers } from './helpers.js';

async function groupWithUnreachableC(): Promise<Awaited<ReturnType<typeof threeMembers>>> {
  const g = await threeMembers();
  const { sim, engine } = g;
  for (const m of sim.members) m.set('group_replication_member_expel_timeout', 3600);
  const s = engine.openSession('a', 'root', null);
  settle(sim, s.execute('CREATE DATABASE app'), 2000);
  settle(sim, s.execute('CREATE TABLE app.t (id INT)'), 2000);
  sim.network.isolate('c');
  sim.runFor('8s');
  expect(sim.member('a').replicationGroupMembers().find((r) => r.MEMBER_HOST === sim.member('c').host)?.MEMBER_STATE).toBe('UNREACHABLE');
  return g;
}

function isPending(o: StatementOutcome): boolean {
  return o.kind === 'pending' && o.poll() === undefined;
}

describe('statements on b while b\'s applier holds a\'s prepared AFTER transaction', () => {
  it('a read of a table (the cluster metadata) and BEGIN wait until c has prepared it; reads without tables, of performance_schema or of sys answer at once', async () => {
    const { sim, engine } = await groupWithUnreachableC();
    const a = engine.openSession('a', 'root', null);
    expect(a.execute("SET SESSION group_replication_consistency = 'AFTER'").kind).toBe('ok');
    const insert = a.execute('INSERT INTO app.t VALUES (1)');
    sim.runFor('2s');
    expect(isPending(insert)).toBe(true);
    const b = engine.openSession('b', 'root', null);
    // A table of b's own: the InnoDB Cluster metadata MySQL Router reads on each refresh.
    const read = b.execute('SELECT COUNT(*) AS n FROM mysql_innodb_cluster_metadata.v2_instances');
    const begin = engine.openSession('b', 'root', null).execute('BEGIN');
    expect(isPending(read)).toBe(true);
    expect(isPending(begin)).toBe(true);
    // Not held: no table, performance_schema, sys (what ProxySQL's and Router's health checks read).
    expect(records(b.execute('SELECT @@server_id AS id'))).toHaveLength(1);
    expect(records(b.execute('SELECT MEMBER_STATE FROM performance_schema.replication_group_members'))).toHaveLength(3);
    expect(b.execute('SELECT * FROM sys.gr_member_routing_candidate_status').kind).toBe('rows');
    sim.runFor('20s');
    expect(isPending(read)).toBe(true);
    sim.network.heal('c');
    const done = settle(sim, read, 30_000);
    expect(records(done!)).toEqual([{ n: '3' }]);
    expect(settle(sim, begin, 1000)?.kind).toBe('ok');
    expect(settle(sim, insert, 1000)?.kind).toBe('ok');
  });

  it('after an EVENTUAL transaction of a the same read answers at once', async () => {
    const { sim, engine } = await groupWithUnreachableC();
    const a = engine.openSession('a', 'root', null);
    expect(settle(sim, a.execute('INSERT INTO app.t VALUES (1)'), 2000)?.kind).toBe('ok');
    sim.runFor('2s');
    expect(engine.openSession('b', 'root', null).execute('SELECT COUNT(*) AS n FROM mysql_innodb_cluster_metadata.v2_instances').kind).toBe('rows');
  });
});
