/**
 * SET GLOBAL semantics (docs/mysql-behaviour.md §G1.3 wake sources, §G1.4 "Any other wake re-arms
 * the 15 s train", §4 dynamic variables, §6 "Only the killer expels").
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, createSimulation, type Simulation, type SuspicionEvent } from '../../src/index.js';
import { addr, firstLog, hasLogged, logsAnywhere, SEC, secs } from './helpers.js';

const NODES = ['node1', 'node2', 'node3'];

function isolated(seed: number, expelTimeout: number): Simulation {
  const sim = createSimulation({ seed, members: NODES, mode: 'multi-primary', options: { group_replication_member_expel_timeout: expelTimeout } });
  sim.at('10s', (s) => s.network.isolate('node3'));
  return sim;
}

describe('SET GLOBAL group_replication_member_expel_timeout during a suspicion', () => {
  it('3600 → 0 on the killer (node1) wakes the suspicion thread: expel within ~1–2 s of the SET', () => {
    const sim = isolated(61, 3600);
    sim.runUntil('30s');
    const a3 = addr(sim, 'node3');
    const u = firstLog(sim, 'node1', 'MY-011493', a3).t;
    expect(hasLogged(sim, 'node1', 'MY-011499')).toBe(false);
    const setUs = sim.nowUs;
    sim.member('node1').set('group_replication_member_expel_timeout', 0);
    expect(sim.member('node1').options().group_replication_member_expel_timeout).toBe(0);
    expect(sim.runUntil(() => hasLogged(sim, 'node1', 'MY-011499', a3), { limit: '10s' })).toBe(true);
    const r = firstLog(sim, 'node1', 'MY-011499', a3).t;
    expect(secs(setUs, r)).toBeGreaterThanOrEqual(0);
    expect(secs(setUs, r)).toBeLessThanOrEqual(2);
    expect(secs(u, r)).toBeLessThan(30); // not the 15-s tick train, nor 3600 s
    // The suspicion timed out on node1 at the SET, not at a 15-s tick.
    const timedOut = sim.trace.find((e): e is SuspicionEvent => e.type === 'suspicion' && e.member === 'node1' && e.action === 'timedOut');
    expect(timedOut).toBeDefined();
    expect(secs(setUs, timedOut!.t)).toBeLessThanOrEqual(0.1);
  });

  it('the same SET on a non-killer (node2) times the suspicion out there but expels nobody', () => {
    const sim = isolated(61, 3600);
    sim.at('30s', (s) => s.member('node2').set('group_replication_member_expel_timeout', 0));
    sim.runUntil('120s');
    expect(logsAnywhere(sim, 'MY-011499')).toEqual([]);
    expect(sim.member('node2').suspicionCounters().timedOut).toBe(1);
    expect(sim.member('node2').suspicionCounters().expelsRequested).toBe(0);
    expect(sim.member('node1').suspicionCounters().expelsRequested).toBe(0);
  });

  it('a SET re-arms the 15-s train: T = 10, SET 11 five seconds after UNREACHABLE delays the expel to t0 + 20', () => {
    const sim = isolated(67, 10);
    const a3 = addr(sim, 'node3');
    expect(sim.runUntil(() => hasLogged(sim, 'node1', 'MY-011493', a3), { limit: '20s' })).toBe(true);
    const u = firstLog(sim, 'node1', 'MY-011493', a3).t;
    sim.at(u + 5 * SEC, (s) => s.member('node1').set('group_replication_member_expel_timeout', 11));
    sim.runFor('40s');
    const r = firstLog(sim, 'node1', 'MY-011499', a3).t;
    expect(secs(u, r)).toBeGreaterThanOrEqual(20);
    expect(secs(u, r)).toBeLessThanOrEqual(22);
  });

  it('a SET can also advance an expel: T = 5, SET 5 ten seconds after UNREACHABLE expels at t0 + 10', () => {
    const sim = isolated(71, 5);
    const a3 = addr(sim, 'node3');
    expect(sim.runUntil(() => hasLogged(sim, 'node1', 'MY-011493', a3), { limit: '20s' })).toBe(true);
    const u = firstLog(sim, 'node1', 'MY-011493', a3).t;
    sim.at(u + 10 * SEC, (s) => s.member('node1').set('group_replication_member_expel_timeout', 5));
    sim.runFor('40s');
    const r = firstLog(sim, 'node1', 'MY-011499', a3).t;
    expect(secs(u, r)).toBeGreaterThanOrEqual(10);
    expect(secs(u, r)).toBeLessThanOrEqual(12);
  });
});

describe('SET GLOBAL group_replication_autorejoin_tries', () => {
  it('is refused with a ConfigError while an auto-rejoin is running, accepted before and after', () => {
    const sim = createSimulation({ seed: 73, members: NODES, mode: 'multi-primary' });
    const node3 = sim.member('node3');
    node3.set('group_replication_autorejoin_tries', 4); // no rejoin running: accepted
    expect(node3.options().group_replication_autorejoin_tries).toBe(4);

    sim.at('10s', (s) => s.network.isolate('node3'));
    sim.at('70s', (s) => s.network.heal('node3'));
    sim.runUntil('70s');
    expect(sim.runUntil(() => hasLogged(sim, 'node3', 'MY-013373'), { limit: '60s' })).toBe(true);
    expect(node3.autoRejoinRunning).toBe(true);

    let err: unknown;
    try { node3.set('group_replication_autorejoin_tries', 5); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(ConfigError);
    const ce = err as ConfigError;
    expect(ce.field).toBe('group_replication_autorejoin_tries');
    expect(ce.value).toBe(5);
    expect(ce.message).toContain('group_replication_autorejoin_tries');
    expect(ce.message).toContain('auto-rejoin');
    expect(node3.options().group_replication_autorejoin_tries).toBe(4);
    // Other variables stay settable meanwhile.
    node3.set('group_replication_member_weight', 60);
    expect(node3.options().group_replication_member_weight).toBe(60);

    expect(sim.runUntil(() => hasLogged(sim, 'node3', 'MY-013375'), { limit: '30s' })).toBe(true);
    expect(firstLog(sim, 'node3', 'MY-013375').message).toBe('Auto-rejoin procedure attempt 1 of 4 finished. Member was able to join the group.');
    expect(node3.autoRejoinRunning).toBe(false);
    node3.set('group_replication_autorejoin_tries', 5);
    expect(node3.options().group_replication_autorejoin_tries).toBe(5);
  });
});
