/**
 * Single-primary election and topology UDFs (docs/mysql-behaviour.md §G5 "Typical sequence",
 * §G6 "Primary election", "Topology actions are refused while any member is UNREACHABLE").
 */
import { describe, expect, it } from 'vitest';
import { createSimulation, type MemberSpec, type Simulation } from '../../src/index.js';
import { addr, firstLog, hasLogged, logsOf } from './helpers.js';

const uuid = (c: string): string => `00000000-0000-0000-0000-00000000000${c}`;

function primaries(sim: Simulation, observer: string): string[] {
  return sim.member(observer).replicationGroupMembers().filter((r) => r.MEMBER_ROLE === 'PRIMARY').map((r) => r.MEMBER_ID);
}

function electionCase(members: MemberSpec[], seed: number): Simulation {
  return createSimulation({ seed, mode: 'single-primary', members });
}

describe('single-primary election when the primary is expelled', () => {
  it('3 members: highest weight is primary; after its expel the lowest uuid among equal weights wins', () => {
    const sim = electionCase([
      { name: 'a', uuid: uuid('c'), options: { group_replication_member_weight: 70 } },
      { name: 'b', uuid: uuid('b'), options: { group_replication_member_weight: 50 } },
      { name: 'c', uuid: uuid('a'), options: { group_replication_member_weight: 50 } },
    ], 41);
    // Initial primary: highest weight, even though it has the highest uuid.
    for (const n of ['a', 'b', 'c']) expect(primaries(sim, n)).toEqual([uuid('c')]);
    expect(sim.member('a').superReadOnly).toBe(false);
    expect(sim.member('b').superReadOnly).toBe(true);

    sim.at('10s', (s) => s.network.isolate('a'));
    sim.runFor('40s');

    const newPrimary = addr(sim, 'c');
    for (const n of ['b', 'c']) {
      const codes = logsOf(sim, n).map((e) => e.code).filter((c) => ['MY-011499', 'MY-011500', 'MY-011507', 'MY-011503', 'MY-011510', 'MY-011511'].includes(c));
      expect(codes, n).toEqual(['MY-011499', 'MY-011500', 'MY-011507', 'MY-011503', n === 'c' ? 'MY-011510' : 'MY-011511']);
      expect(firstLog(sim, n, 'MY-011500').message).toBe(`Primary server with address ${addr(sim, 'a')} left the group. Electing new Primary.`);
      expect(firstLog(sim, n, 'MY-011507').message).toBe(`A new primary with address ${newPrimary} was elected. The new primary will execute all previous group transactions before allowing writes.`);
      expect(primaries(sim, n)).toEqual([uuid('a')]);
      expect(sim.member(n).replicationGroupMembers()).toHaveLength(2);
    }
    expect(hasLogged(sim, 'c', 'MY-011511')).toBe(false);
    expect(hasLogged(sim, 'b', 'MY-011510')).toBe(false);
    expect(firstLog(sim, 'b', 'MY-011511').message).toBe(`This server is working as secondary member with primary member address ${newPrimary}.`);
    expect(sim.member('c').superReadOnly).toBe(false);
    expect(sim.member('b').superReadOnly).toBe(true);
  });

  it('4 members: weight beats uuid in the election itself', () => {
    const sim = electionCase([
      { name: 'a', uuid: uuid('d'), options: { group_replication_member_weight: 80 } },
      { name: 'b', uuid: uuid('a'), options: { group_replication_member_weight: 50 } },
      { name: 'c', uuid: uuid('c'), options: { group_replication_member_weight: 60 } },
      { name: 'd', uuid: uuid('b'), options: { group_replication_member_weight: 50 } },
    ], 43);
    for (const n of ['a', 'b', 'c', 'd']) expect(primaries(sim, n)).toEqual([uuid('d')]);
    sim.at('10s', (s) => s.network.isolate('a'));
    sim.runFor('40s');
    for (const n of ['b', 'c', 'd']) {
      expect(primaries(sim, n), n).toEqual([uuid('c')]);
      expect(firstLog(sim, n, 'MY-011507').message).toContain(addr(sim, 'c'));
    }
    expect(hasLogged(sim, 'c', 'MY-011510')).toBe(true);
    for (const n of ['b', 'd']) expect(firstLog(sim, n, 'MY-011511').message).toContain(addr(sim, 'c'));
  });

  it('a secondary\'s expel triggers no election', () => {
    const sim = electionCase([
      { name: 'a', uuid: uuid('a'), options: { group_replication_member_weight: 90 } },
      { name: 'b', uuid: uuid('b') },
      { name: 'c', uuid: uuid('c') },
    ], 47);
    sim.at('10s', (s) => s.network.isolate('c'));
    sim.runFor('40s');
    for (const n of ['a', 'b']) {
      expect(hasLogged(sim, n, 'MY-011499', addr(sim, 'c'))).toBe(true);
      expect(hasLogged(sim, n, 'MY-011500')).toBe(false);
      expect(hasLogged(sim, n, 'MY-011507')).toBe(false);
      expect(primaries(sim, n)).toEqual([uuid('a')]);
    }
  });
});

describe('topology UDFs are refused while a member is UNREACHABLE', () => {
  it('set_as_primary fails during the unreachable window and succeeds after the expel view', () => {
    const sim = electionCase([
      { name: 'node1', uuid: uuid('1'), options: { group_replication_member_weight: 90 } },
      { name: 'node2', uuid: uuid('2') },
      { name: 'node3', uuid: uuid('3') },
    ], 53);
    sim.at('10s', (s) => s.network.isolate('node3'));
    const node1 = sim.member('node1');
    const a3 = addr(sim, 'node3');

    expect(sim.runUntil(() => hasLogged(sim, 'node1', 'MY-011493', a3), { limit: '20s' })).toBe(true);
    const unreachable = { ok: false, error: 'All members in the group must be reachable.' };
    expect(node1.setAsPrimary('node2')).toEqual(unreachable);
    expect(node1.switchToMultiPrimaryMode()).toEqual(unreachable);
    // The isolated member itself is in a minority once it flags both peers.
    expect(sim.runUntil(() => hasLogged(sim, 'node3', 'MY-011495'), { limit: '5s' })).toBe(true);
    expect(sim.member('node3').setAsPrimary('node3')).toEqual({ ok: false, error: 'Member must be ONLINE and in the majority partition.' });

    // Still refused late in the window, just before the removal.
    sim.runFor('13s');
    expect(hasLogged(sim, 'node1', 'MY-011499')).toBe(false);
    expect(node1.setAsPrimary('node2')).toEqual(unreachable);
    expect(primaries(sim, 'node1')).toEqual([uuid('1')]);

    expect(sim.runUntil(() => hasLogged(sim, 'node1', 'MY-011499', a3), { limit: '10s' })).toBe(true);
    expect(node1.setAsPrimary('node2')).toEqual({ ok: true, message: `Primary server switched to: ${uuid('2')}` });
    for (const n of ['node1', 'node2']) expect(primaries(sim, n), n).toEqual([uuid('2')]);
    // The new primary takes writes once its election process has gone through the group.
    sim.runFor('100ms');
    expect(sim.member('node2').superReadOnly).toBe(false);
    expect(node1.superReadOnly).toBe(true);
  });
});
