/**
 * Single-primary election and topology UDFs (docs/mysql-behaviour.md §G5 "Typical sequence",
 * §G6 "Primary election", "Topology actions are refused while any member is UNREACHABLE").
 */
import { describe, expect, it } from 'vitest';
import { createSimulation, type MemberSpec, type Simulation } from '../../src/index.js';
import { failoverWithBacklog } from '../helpers/failover-backlog.js';
import { SEC, addr, firstLog, hasLogged, logsOf } from './helpers.js';

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

/**
 * After the primary crashed, the members that are not the new primary run
 * Primary_election_secondary_process (primary_election_secondary_process.cc,
 * secondary_election_process_handler): MY-011511 waits for the new primary's PRIMARY_READY, which
 * it sends once it applied its backlog (primary_election_primary_process.cc), and never comes from
 * a process that was aborted (docs/mysql-behaviour.md §T6).
 */
describe('a secondary\'s election process after the primary crashed', () => {
  /** The time of the one `code` line `member` logged after `sinceUs`; fails unless there is exactly one. */
  function onlyAfter(sim: Simulation, member: string, code: string, sinceUs: number): number {
    const ts = logsOf(sim, member, code).filter((e) => e.t > sinceUs).map((e) => e.t);
    expect(ts, `${member} ${code}`).toHaveLength(1);
    return ts[0]!;
  }

  it('4 members: each secondary logs MY-011511 after the new primary\'s PRIMARY_READY round (its MY-011566), not with the view', () => {
    const sim = createSimulation({ seed: 22, version: '8.4', members: ['node1', 'node2', 'node3', 'node4'] });
    sim.at(10 * SEC, (s) => s.network.crash('node1'));
    sim.runUntil(40 * SEC);
    const primary = ['node2', 'node3', 'node4'].find((n) => hasLogged(sim, n, 'MY-011510'))!;
    const writableUs = onlyAfter(sim, primary, 'MY-011566', 10 * SEC);
    const secondaries = ['node2', 'node3', 'node4'].filter((n) => n !== primary);
    expect(secondaries).toHaveLength(2);
    for (const n of secondaries) {
      const viewUs = onlyAfter(sim, n, 'MY-011503', 10 * SEC);
      const secondaryUs = onlyAfter(sim, n, 'MY-011511', 10 * SEC);
      expect(firstLog(sim, n, 'MY-011511').message).toContain(addr(sim, primary));
      expect(secondaryUs, n).toBeGreaterThan(viewUs);
      expect(secondaryUs, n).toBeGreaterThan(writableUs);
      // One group round after the view, not more.
      expect(secondaryUs - viewUs, n).toBeLessThan(10_000);
    }
  });

  it('with a backlog the other secondary logs MY-011511 only once the new primary applied it and its PRIMARY_READY came back', () => {
    const r = failoverWithBacklog({});
    const other = r.member === 'node2' ? 'node3' : 'node2';
    const writableUs = onlyAfter(r.sim, r.member, 'MY-011566', r.electedUs - 1);
    expect(writableUs - r.electedUs).toBeGreaterThan((r.backlog - 1) * 1000);
    const secondaryUs = onlyAfter(r.sim, other, 'MY-011511', r.electedUs - 1);
    expect(secondaryUs).toBeGreaterThan(writableUs);
    expect(secondaryUs - writableUs).toBeLessThan(10_000);
  });

  it('a RECOVERING member runs the process too: MY-011511 after the new primary\'s PRIMARY_READY, before its own recovery ends', () => {
    // node4 rejoins at 11 s with 10,000 transactions to recover at 5 ms each; node1 crashes at 15 s.
    const sim = createSimulation({
      seed: 8, version: '8.4', members: ['node1', 'node2', 'node3', 'node4'],
      model: { recoveryTransactionUs: 5000 }, workload: [{ member: 'node1', rate: 1000, size: 512, from: 0, to: 10 * SEC }],
    });
    sim.at(1 * SEC, (s) => s.member('node4').stopGroupReplication());
    sim.at(11 * SEC, (s) => s.member('node4').startGroupReplication());
    sim.at(15 * SEC, (s) => s.network.crash('node1'));
    sim.runUntil(90 * SEC);
    const primary = ['node2', 'node3'].find((n) => hasLogged(sim, n, 'MY-011510'))!;
    const electedUs = onlyAfter(sim, 'node4', 'MY-011507', 15 * SEC);
    const onlineUs = onlyAfter(sim, 'node4', 'MY-011490', 15 * SEC);
    expect(onlineUs).toBeGreaterThan(electedUs);
    const lines = logsOf(sim, 'node4', 'MY-011511').filter((e) => e.t > electedUs && e.t < onlineUs);
    expect(lines.map((e) => e.message)).toEqual([`This server is working as secondary member with primary member address ${addr(sim, primary)}.`]);
    expect(lines[0]!.t).toBeGreaterThan(onlyAfter(sim, primary, 'MY-011566', 15 * SEC));
  });

  it('a secondary that stops and rejoins before the new primary is ready: the leave ended its process, no MY-011511 at PRIMARY_READY', () => {
    const r = failoverWithBacklog({}, undefined, (sim, member, t) => {
      const other = member === 'node2' ? 'node3' : 'node2';
      sim.at(t + 1 * SEC, () => sim.member(other).stopGroupReplication());
      sim.at(t + 5 * SEC, () => sim.member(other).startGroupReplication());
    });
    const other = r.member === 'node2' ? 'node3' : 'node2';
    const readyUs = onlyAfter(r.sim, r.member, 'MY-011566', r.electedUs - 1);
    // Back ONLINE before the new primary applied its backlog.
    const onlineUs = onlyAfter(r.sim, other, 'MY-011490', r.electedUs);
    expect(onlineUs).toBeLessThan(readyUs);
    // Its one MY-011511 since the election is the one its START logs once it has the join view
    // (initialize_plugin_and_join, plugin.cc), before it is ONLINE.
    const joinViewUs = onlyAfter(r.sim, other, 'MY-011503', r.electedUs + 5 * SEC);
    expect(logsOf(r.sim, other, 'MY-011511').filter((e) => e.t >= r.electedUs).map((e) => e.t)).toEqual([joinViewUs]);
    expect(joinViewUs).toBeLessThan(onlineUs);
  });

  it('when the new primary is expelled before it is ready, nobody logs MY-011511 naming it; the next election\'s secondary names the next primary', () => {
    // node1 crashes; the new primary is frozen a second after its election, with its backlog
    // still to apply, and the other two expel it and elect one of themselves.
    const r = failoverWithBacklog({}, undefined, (sim, member, t) => {
      sim.at(t + 1 * SEC, () => sim.network.freeze(member));
    }, ['node1', 'node2', 'node3', 'node4']);
    const rest = ['node2', 'node3', 'node4'].filter((n) => n !== r.member);
    for (const n of ['node1', ...rest]) expect(hasLogged(r.sim, n, 'MY-011511', addr(r.sim, r.member)), n).toBe(false);
    const next = rest.find((n) => hasLogged(r.sim, n, 'MY-011510'));
    expect(next).toBeDefined();
    const other = rest.find((n) => n !== next)!;
    expect(logsOf(r.sim, other, 'MY-011511').filter((e) => e.t >= r.electedUs).map((e) => e.message)).toEqual([
      `This server is working as secondary member with primary member address ${addr(r.sim, next!)}.`,
    ]);
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
