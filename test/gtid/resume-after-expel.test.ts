/**
 * gr_suspect_member_resumes_after_expel (MySQL's MTR suite, group_replication): a member expelled
 * with group_replication_autorejoin_tries = 0 goes ERROR and stays there; STOP and START
 * GROUP_REPLICATION bring it back through distributed recovery with the rows the group wrote
 * meanwhile (docs/mysql-behaviour.md §T2: recovery copies the missing GTIDs from a donor).
 */
import { describe, expect, it } from 'vitest';
import { createSimulation } from '../../src/index.js';

const SEC = 1_000_000;

describe('gr_suspect_member_resumes_after_expel', () => {
  it('the expelled member is ERROR with autorejoin 0; STOP/START brings it back with the rows written meanwhile', () => {
    const sim = createSimulation({ seed: 31, members: ['node1', 'node2', 'node3'], options: { group_replication_autorejoin_tries: 0 } });
    const g = sim.groupName;
    sim.member('node1').write();
    sim.runUntil(1 * SEC);
    for (const m of sim.members) expect(m.gtidExecuted(), m.name).toBe(`${g}:1`);

    sim.network.isolate('node3');
    sim.runUntil(40 * SEC);
    // The majority expelled node3 (a minority of one, it cannot learn it yet).
    expect(sim.member('node1').replicationGroupMembers()).toHaveLength(2);
    // The group writes while node3 is out: two rows.
    sim.member('node1').write();
    sim.member('node1').write();
    sim.runUntil(41 * SEC);
    expect(sim.member('node1').gtidExecuted()).toBe(`${g}:1-3`);
    expect(sim.member('node3').gtidExecuted()).toBe(`${g}:1`);

    sim.network.heal('node3');
    sim.runUntil(60 * SEC);
    // Back in contact it learns of its expel: ERROR, and with no auto-rejoin it stays so, without the rows.
    expect(sim.member('node3').logEvents(1).map((e) => e.code)).toContain('MY-011505');
    expect(sim.member('node3').state).toBe('ERROR');
    expect(sim.member('node3').autoRejoinRunning).toBe(false);
    expect(sim.member('node3').gtidExecuted()).toBe(`${g}:1`);

    sim.member('node3').stopGroupReplication();
    sim.runUntil(65 * SEC);
    expect(sim.member('node3').state).toBe('OFFLINE');
    sim.member('node3').startGroupReplication();
    sim.runUntil(90 * SEC);
    expect(sim.member('node3').state).toBe('ONLINE');
    for (const m of sim.members) expect(m.gtidExecuted(), m.name).toBe(`${g}:1-3`);
    // And it takes the group's new transactions like any member.
    sim.member('node1').write();
    sim.runUntil(91 * SEC);
    expect(sim.member('node3').gtidExecuted()).toBe(`${g}:1-4`);
  });
});

describe('distributed recovery time grows with the missing transactions', () => {
  function recoveringUs(missing: number): number {
    const sim = createSimulation({
      seed: 32, members: ['node1', 'node2', 'node3'],
      model: { recoveryTransactionUs: 1000 },
    });
    sim.member('node3').stopGroupReplication();
    sim.runUntil(10 * SEC);
    for (let k = 0; k < missing; k++) sim.member('node1').write();
    sim.runUntil(20 * SEC);
    sim.member('node3').startGroupReplication();
    let recovering = -1, online = -1;
    sim.on('stateChange', (e) => {
      if (e.observer !== 'node3' || e.member !== 'node3') return;
      if (e.state === 'RECOVERING' && recovering < 0) recovering = e.t;
      if (e.state === 'ONLINE' && online < 0) online = e.t;
    });
    sim.runUntil(40 * SEC);
    expect(online).toBeGreaterThan(recovering);
    return online - recovering;
  }

  it('RECOVERING lasts recoveryTransactionUs longer per missing GTID', () => {
    const none = recoveringUs(0), some = recoveringUs(500);
    // 500 missing, 1 ms each (give or take the group's message round trips).
    expect(some - none).toBeGreaterThanOrEqual(500 * 1000 - 1000);
    expect(some - none).toBeLessThanOrEqual(500 * 1000 + 1000);
  });
});
