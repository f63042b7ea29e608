/**
 * Errant transactions (docs/mysql-behaviour.md §T3): a member written to while its Group
 * Replication is stopped holds GTIDs of its own uuid; START sees them in the state exchange and
 * refuses the join with MySQL's MY-011526/MY-011522 (gcs_event_handlers.cc,
 * compare_member_transaction_sets), and every auto-rejoin attempt fails the same way.
 */
import { describe, expect, it } from 'vitest';
import { createSimulation } from '../../src/index.js';

function group(seed: number, options: Record<string, unknown> = {}) {
  return createSimulation({ seed, members: ['node1', 'node2', 'node3'], options });
}

describe('errant transactions', () => {
  it('a write on a stopped member makes its START fail with "Local transactions: … > Group transactions: …"', () => {
    const sim = group(11);
    for (let k = 0; k < 3; k++) sim.member('node1').write();
    sim.runFor('1s');
    const g = sim.groupName;
    for (const m of sim.members) expect(m.gtidExecuted(), m.name).toBe(`${g}:1-3`);

    sim.member('node3').stopGroupReplication();
    sim.runFor('5s');
    expect(sim.member('node3').state).toBe('OFFLINE');
    expect(sim.member('node3').superReadOnly).toBe(true);
    // The group goes on without it.
    sim.member('node1').write();
    // The operator turns super_read_only off and writes on the stopped member: two errant transactions.
    const w1 = sim.member('node3').writeLocal();
    const w2 = sim.member('node3').writeLocal();
    sim.runFor('1s');
    expect([w1.outcome, w2.outcome]).toEqual(['committed', 'committed']);
    const uuid3 = sim.member('node3').uuid;
    expect(sim.member('node3').gtidExecuted()).toBe([`${g}:1-3`, `${uuid3}:1-2`].sort().join(',\n'));
    expect(sim.member('node1').gtidExecuted()).toBe(`${g}:1-4`);

    expect(sim.member('node3').startGroupReplication()).toEqual({ ok: true });
    sim.runFor('20s');
    const errors = sim.member('node3').logEvents(1).map((e) => `${e.code} ${e.message}`);
    const local = [`${g}:1-3`, `${uuid3}:1-2`].sort().join(',\n');
    expect(errors).toContain(`MY-011526 This member has more executed transactions than those present in the group. Local transactions: ${local} > Group transactions: ${g}:1-4`);
    expect(errors).toContain('MY-011522 The member contains transactions not present in the group. The member will now exit the group.');
    expect(sim.member('node3').state).toBe('OFFLINE');
    // super_read_only is as it was before START (the operator had turned it off).
    expect(sim.member('node3').superReadOnly).toBe(false);
    for (const n of ['node1', 'node2']) {
      expect(sim.member(n).replicationGroupMembers().map((r) => r.MEMBER_HOST), n).toHaveLength(2);
    }
    // Its transactions stay its own: the group never got them.
    expect(sim.member('node1').gtidExecuted()).toBe(`${g}:1-4`);
  });
});

describe('a START whose join is refused', () => {
  it('returns only once the member has left again: a STOP meanwhile meets the command still running (3663), one after it is a no-op', () => {
    // initialize_plugin_and_join's error path (plugin.cc) runs leave_group_and_terminate_plugin_modules:
    // GCS installed the join view the plugin then refused, so leave_group waits for the leave view,
    // and the START holds start_stop_executing until then (sql/rpl_group_replication.cc).
    const sim = group(11);
    sim.runFor('1s');
    sim.member('node3').stopGroupReplication();
    sim.runFor('5s');
    sim.member('node3').writeLocal();
    sim.runFor('1s');
    expect(sim.member('node3').startGroupReplication()).toEqual({ ok: true });
    let duringLeave: unknown = null;
    let refusedUs = -1;
    sim.on('log', (e) => {
      if (refusedUs < 0 && e.member === 'node3' && e.code === 'MY-011522') {
        refusedUs = e.t;
        duringLeave = sim.member('node3').stopGroupReplication();
      }
    });
    sim.runFor('40s');
    expect(refusedUs).toBeGreaterThan(0);
    expect(duringLeave).toEqual({
      ok: false, error: 'ERROR 3663 (HY000): The STOP GROUP_REPLICATION command encountered a failure. Another instance of START/STOP GROUP_REPLICATION command is executing.',
    });
    // The leave view came (MY-011504 after the refusal) and the START has returned, failed.
    const left = sim.member('node3').logEvents().filter((e) => e.code === 'MY-011504' && e.t >= refusedUs);
    expect(left).toHaveLength(1);
    expect(left[0]!.t).toBeGreaterThan(refusedUs);
    expect(sim.member('node3').lastStartOutcome()?.outcome).toBe('failed');
    expect(sim.member('node3').stopGroupReplication()).toEqual({ ok: true });
    expect(sim.member('node3').state).toBe('OFFLINE');
  });
});

describe('errant transactions and auto-rejoin', () => {
  it('every auto-rejoin attempt is refused with MY-011526, then the exit state action', () => {
    const sim = group(13, { group_replication_autorejoin_tries: 2, group_replication_exit_state_action: 'OFFLINE_MODE' });
    sim.member('node1').write();
    sim.at('10s', (s) => s.network.isolate('node3'));
    sim.at('40s', (s) => s.network.heal('node3'));
    // The precondition: node3 holds a transaction the group does not have (as a minority that
    // committed after force_members would). Injected when it learns of its expel.
    let injected = false;
    sim.on('log', (e) => {
      if (injected || e.member !== 'node3' || e.code !== 'MY-011505') return;
      injected = true;
      sim._gr(sim.member('node3').slot).tx.commitOutsideGroup();
    });
    sim.runFor('800s');
    expect(injected).toBe(true);
    const codes = sim.member('node3').logEvents(2).map((e) => e.code);
    // Two attempts, each refused by the transaction check.
    expect(codes.filter((c) => c === 'MY-013373')).toHaveLength(2);
    expect(codes.filter((c) => c === 'MY-011526')).toHaveLength(2);
    expect(codes.filter((c) => c === 'MY-011522')).toHaveLength(2);
    const finished = sim.member('node3').logEvents(2).filter((e) => e.code === 'MY-013375');
    expect(finished.map((e) => e.message)).toEqual(['Auto-rejoin procedure attempt 2 of 2 finished. Member was not able to join the group.']);
    expect(codes).toContain('MY-013486'); // OFFLINE_MODE after the last attempt
    expect(sim.member('node3').state).toBe('ERROR');
    expect(sim.member('node3').offlineMode).toBe(true);
    expect(sim.member('node1').replicationGroupMembers()).toHaveLength(2);
  });
});
