/**
 * Majority loss, minority blocking and group_replication_unreachable_majority_timeout
 * (docs/mysql-behaviour.md §G1.3 "m_has_majority", §G2, §G3, §G6 "Groups of 2 or 4 split evenly never expel").
 */
import { describe, expect, it } from 'vitest';
import { createSimulation, type Simulation, type WriteRecord } from '../../src/index.js';
import { addr, firstLog, hasLogged, logsAnywhere, logsOf, SEC, secs } from './helpers.js';

describe('no expel without a majority', () => {
  it('1+1+1 split for 120 s: nobody expels anybody, each member logs MY-011495 and blocks', () => {
    const names = ['node1', 'node2', 'node3'];
    const sim = createSimulation({ seed: 5, members: names, mode: 'multi-primary' });
    const views = names.map((n) => sim.member(n).viewId());
    sim.at('10s', (s) => s.network.partition(['node1'], ['node2'], ['node3']));
    sim.runUntil('130s');

    expect(logsAnywhere(sim, 'MY-011499')).toEqual([]);
    for (const [i, n] of names.entries()) {
      expect(hasLogged(sim, n, 'MY-011495'), `${n} logs MY-011495`).toBe(true);
      expect(firstLog(sim, n, 'MY-011495').level).toBe('ERROR');
      // The minority member still shows itself ONLINE and the others UNREACHABLE (§2).
      const rows = sim.member(n).replicationGroupMembers();
      expect(rows).toHaveLength(3);
      for (const row of rows) {
        expect(row.MEMBER_STATE).toBe(row.MEMBER_ID === sim.member(n).uuid ? 'ONLINE' : 'UNREACHABLE');
      }
      expect(sim.member(n).state).toBe('ONLINE');
      expect(sim.member(n).viewId()).toBe(views[i]);
      expect(sim.member(n).suspicionCounters().expelsRequested).toBe(0);
    }
  });

  it('2+2 split blocks both halves; repair unblocks the writes within ~10 s', () => {
    const names = ['a', 'b', 'c', 'd'];
    const sim = createSimulation({ seed: 9, members: names, mode: 'multi-primary' });
    sim.at('10s', (s) => s.network.partition(['a', 'b'], ['c', 'd']));
    let wa: WriteRecord | undefined, wc: WriteRecord | undefined;
    sim.at('20s', (s) => { wa = s.member('a').write(); wc = s.member('c').write(); });
    sim.runUntil('200s');

    expect(wa?.outcome).toBe('pending');
    expect(wc?.outcome).toBe('pending');
    for (const n of names) expect(hasLogged(sim, n, 'MY-011495'), `${n} logs MY-011495`).toBe(true);
    expect(logsAnywhere(sim, 'MY-011499')).toEqual([]);
    for (const n of names) expect(sim.member(n).replicationGroupMembers()).toHaveLength(4);

    const repairUs = sim.nowUs;
    sim.network.repair();
    const done = sim.runUntil(() => wa!.outcome !== 'pending' && wc!.outcome !== 'pending', { limit: '10s' });
    expect(done).toBe(true);
    expect(wa!.outcome).toBe('committed');
    expect(wc!.outcome).toBe('committed');
    expect(secs(repairUs, wa!.atUs!)).toBeLessThanOrEqual(10);
    expect(secs(repairUs, wc!.atUs!)).toBeLessThanOrEqual(10);
    // Contact restored on both sides, still nobody expelled.
    sim.runFor('30s');
    for (const n of names) expect(hasLogged(sim, n, 'MY-011498'), `${n} logs MY-011498`).toBe(true);
    expect(logsAnywhere(sim, 'MY-011499')).toEqual([]);
  });
});

describe('writes around a minority isolation', () => {
  it('majority writes commit; the isolated member\'s write stays pending, then rolls back with 3100 once it learns of its expel', () => {
    const sim = createSimulation({ seed: 13, members: ['node1', 'node2', 'node3'], mode: 'multi-primary' });
    sim.at('10s', (s) => s.network.isolate('node3'));
    const w: Record<string, WriteRecord> = {};
    sim.at('12s', (s) => { w.early = s.member('node1').write(); w.iso = s.member('node3').write(); });
    sim.at('20s', (s) => { w.window = s.member('node2').write(); }); // node3 UNREACHABLE, not yet expelled
    sim.at('40s', (s) => { w.after = s.member('node1').write(); }); // node3 expelled
    sim.runUntil('60s');

    for (const k of ['early', 'window', 'after']) {
      const rec = w[k]!;
      expect(rec.outcome, k).toBe('committed');
      expect(secs(rec.submittedUs, rec.atUs!), k).toBeLessThanOrEqual(5);
    }
    expect(hasLogged(sim, 'node1', 'MY-011499', addr(sim, 'node3'))).toBe(true);
    expect(w.iso!.outcome).toBe('pending');
    expect(hasLogged(sim, 'node3', 'MY-011505')).toBe(false); // cut off: it does not know yet

    sim.network.heal('node3');
    const settled = sim.runUntil(() => w.iso!.outcome !== 'pending', { limit: '60s' });
    expect(settled).toBe(true);
    expect(w.iso!.outcome).toBe('rolled_back');
    expect(w.iso!.error).toContain('3100');
    const expelled = firstLog(sim, 'node3', 'MY-011505');
    expect(w.iso!.atUs!).toBeGreaterThanOrEqual(expelled.t);
    expect(secs(expelled.t, w.iso!.atUs!)).toBeLessThanOrEqual(0.1);
    expect(sim.member('node3').superReadOnly).toBe(true);
  });
});

describe('group_replication_unreachable_majority_timeout', () => {
  it('node3 (timeout 10, autorejoin_tries 0) leaves 10 s after losing the majority, GCS leave times out 30 s later', () => {
    const sim = createSimulation({
      seed: 21, mode: 'multi-primary',
      members: ['node1', 'node2', { name: 'node3', options: { group_replication_unreachable_majority_timeout: 10, group_replication_autorejoin_tries: 0 } }],
    });
    sim.at('10s', (s) => s.network.isolate('node3'));
    const node3 = sim.member('node3');

    expect(sim.runUntil(() => hasLogged(sim, 'node3', 'MY-011496'), { limit: '20s' })).toBe(true);
    const blocked = firstLog(sim, 'node3', 'MY-011496');
    expect(blocked.level).toBe('ERROR');
    expect(blocked.message).toContain('for the next 10 seconds');
    expect(hasLogged(sim, 'node3', 'MY-011495')).toBe(false);
    expect(node3.state).toBe('ONLINE');
    expect(node3.superReadOnly).toBe(false);

    expect(sim.runUntil(() => hasLogged(sim, 'node3', 'MY-011711'), { limit: '20s' })).toBe(true);
    const timedOut = firstLog(sim, 'node3', 'MY-011711');
    expect(timedOut.message).toContain('for more than 10 seconds');
    expect(secs(blocked.t, timedOut.t)).toBeGreaterThanOrEqual(9.9);
    expect(secs(blocked.t, timedOut.t)).toBeLessThanOrEqual(10.5);
    expect(node3.state).toBe('ERROR');
    expect(node3.superReadOnly).toBe(true);
    expect(firstLog(sim, 'node3', 'MY-011712').t).toBe(timedOut.t);
    expect(hasLogged(sim, 'node3', 'MY-011504')).toBe(false);

    sim.runFor('45s');
    const engine = firstLog(sim, 'node3', 'MY-011735', '[GCS] Timeout while waiting for the group communication engine to exit!');
    expect(engine.level).toBe('ERROR');
    expect(secs(timedOut.t, engine.t)).toBeGreaterThanOrEqual(29);
    expect(secs(timedOut.t, engine.t)).toBeLessThanOrEqual(31);
    const graceful = firstLog(sim, 'node3', 'MY-011735', '[GCS] The member has failed to gracefully leave the group.');
    const left = firstLog(sim, 'node3', 'MY-011504');
    const seq = logsOf(sim, 'node3');
    expect(seq.indexOf(engine)).toBeLessThan(seq.indexOf(graceful));
    expect(seq.indexOf(graceful)).toBeLessThan(seq.indexOf(left));
    expect(secs(engine.t, left.t)).toBeLessThanOrEqual(1);
    // READ_ONLY exit action, no auto-rejoin: stays in ERROR, read-only, not offline.
    expect(node3.state).toBe('ERROR');
    expect(node3.superReadOnly).toBe(true);
    expect(node3.offlineMode).toBe(false);
    expect(hasLogged(sim, 'node3', 'MY-013373')).toBe(false);
  });

  /**
   * With the timeout 0 no partition handler thread starts (group_partition_handling.cc,
   * launch_partition_handler_thread returns at once), so on_suspicions launches again at every later
   * minority view (gcs_event_handlers.cc: `!is_partition_handler_running() &&
   * !is_partition_handling_terminated()`): a SET made meanwhile starts the countdown at that view.
   * e is in a minority of two with d; the SET alone starts nothing (no view comes); when d goes
   * too, e's next local view starts a 10 s countdown.
   */
  function minorityThenSet(setTimeout: boolean): Simulation {
    const sim = createSimulation({
      seed: 3, mode: 'multi-primary',
      members: ['a', 'b', 'c', 'd', { name: 'e', options: { group_replication_autorejoin_tries: 0 } }],
    });
    sim.at('10s', (s) => s.network.partition(['a', 'b', 'c'], ['d', 'e']));
    if (setTimeout) sim.at('40s', (s) => { expect(s.member('e').set('group_replication_unreachable_majority_timeout', 10).ok).toBe(true); });
    sim.at('60s', (s) => { s.network.repair(); s.network.partition(['a', 'b', 'c', 'd'], ['e']); });
    return sim;
  }

  it('a timeout SET during a minority with the timeout 0 starts its countdown at the next minority view', () => {
    const sim = minorityThenSet(true);
    sim.runUntil('59s');
    expect(hasLogged(sim, 'e', 'MY-011495')).toBe(true);
    expect(hasLogged(sim, 'e', 'MY-011711')).toBe(false);
    sim.runUntil('120s');
    // The view that drops d: MY-011496 names the new timeout, and the countdown runs from there.
    const blocked = logsOf(sim, 'e', 'MY-011496');
    expect(blocked).toHaveLength(1);
    expect(blocked[0]!.t).toBeGreaterThan(60 * SEC);
    expect(blocked[0]!.message).toContain('for the next 10 seconds');
    const timedOut = firstLog(sim, 'e', 'MY-011711');
    expect(timedOut.message).toContain('for more than 10 seconds');
    expect(secs(blocked[0]!.t, timedOut.t)).toBeGreaterThanOrEqual(9.9);
    expect(secs(blocked[0]!.t, timedOut.t)).toBeLessThanOrEqual(10.5);
    expect(sim.member('e').state).toBe('ERROR');
    // d kept the timeout 0: it never leaves on its own.
    expect(hasLogged(sim, 'd', 'MY-011711')).toBe(false);
  });

  it('without the SET the member with the timeout 0 stays blocked in its minority', () => {
    const sim = minorityThenSet(false);
    sim.runUntil('120s');
    expect(logsOf(sim, 'e', 'MY-011495').length).toBeGreaterThanOrEqual(2);
    expect(hasLogged(sim, 'e', 'MY-011711')).toBe(false);
    expect(sim.member('e').state).toBe('ONLINE');
  });

  it('MY-011711 names the timeout as it is when the countdown ends, not the one it ran', () => {
    // partition_thread_handler logs timeout_on_unreachable, which update_unreachable_timeout
    // changes at once; the countdown itself keeps the value it started with.
    const sim = createSimulation({
      seed: 21, mode: 'multi-primary',
      members: ['node1', 'node2', { name: 'node3', options: { group_replication_unreachable_majority_timeout: 10, group_replication_autorejoin_tries: 0 } }],
    });
    sim.at('10s', (s) => s.network.isolate('node3'));
    sim.runUntil(() => hasLogged(sim, 'node3', 'MY-011496'), { limit: '20s' });
    const blocked = firstLog(sim, 'node3', 'MY-011496');
    expect(sim.member('node3').set('group_replication_unreachable_majority_timeout', 100).ok).toBe(true);
    sim.runFor('20s');
    const timedOut = firstLog(sim, 'node3', 'MY-011711');
    expect(secs(blocked.t, timedOut.t)).toBeLessThanOrEqual(10.5);
    expect(timedOut.message).toContain('for more than 100 seconds');
  });

  it('after the majority timeout the member keeps the others in its table (UNREACHABLE) until its leave view, then only itself', () => {
    // group_partition_handling.cc calls leave_group_on_failure without CLEAN_GROUP_MEMBERSHIP; the
    // leave view (gcs_event_handlers.cc on_view_changed, is_leaving) leaves only the member itself,
    // and ps_information.cc get_group_members_info lists every member of an ERROR member's table.
    const sim = createSimulation({
      seed: 21, members: ['node1', 'node2', { name: 'node3', options: { group_replication_unreachable_majority_timeout: 10, group_replication_autorejoin_tries: 0 } }],
    });
    sim.at('10s', (s) => s.network.isolate('node3'));
    expect(sim.runUntil(() => hasLogged(sim, 'node3', 'MY-011711'), { limit: '30s' })).toBe(true);
    const timedOut = firstLog(sim, 'node3', 'MY-011711');
    const rows = (): string[] => sim.member('node3').replicationGroupMembers().map((r) => `${r.MEMBER_HOST} ${r.MEMBER_STATE} ${r.MEMBER_ROLE}`).sort();
    const during = rows();
    expect(during).toHaveLength(3);
    expect(during.filter((r) => r.includes(' UNREACHABLE '))).toHaveLength(2);
    expect(during.filter((r) => r.includes(' ERROR '))).toHaveLength(1);
    sim.runFor('20s');
    expect(rows()).toHaveLength(3); // still leaving: GCS gives up 30 s after the timeout
    sim.runFor('15s');
    const left = firstLog(sim, 'node3', 'MY-011504');
    expect(secs(timedOut.t, left.t)).toBeGreaterThanOrEqual(29);
    expect(rows()).toHaveLength(1);
    expect(rows()[0]).toContain(' ERROR ');
    // The others had removed node3 long before (expel after the suspicion timeout).
    expect(sim.member('node1').replicationGroupMembers()).toHaveLength(2);
  });
});

