/**
 * Expel timing (docs/mysql-behaviour.md §G1.1, §G1.3, §G1.4):
 * UNREACHABLE about 4–6 s after silence (on a 1-s detector tick), expel on the suspicion thread's
 * 15-s cadence re-armed at t0, removal view at the leader's next detector tick.
 */
import { describe, expect, it } from 'vitest';
import { createSimulation, type Simulation, type VersionName } from '../../src/index.js';
import { addr, firstLog, hasLogged, logsAnywhere, SEC, secs } from './helpers.js';

const NODES = ['node1', 'node2', 'node3'];
const CUT_US = 10 * SEC;

function isolateNode3(seed: number, expelTimeout?: number, version?: VersionName): Simulation {
  const sim = createSimulation({
    seed, members: NODES, mode: 'multi-primary',
    ...(version === undefined ? {} : { version }),
    ...(expelTimeout === undefined ? {} : { options: { group_replication_member_expel_timeout: expelTimeout } }),
  });
  sim.at(CUT_US, (s) => s.network.isolate('node3'));
  return sim;
}

/** node1's MY-011493 and MY-011499 times for node3. */
function unreachableAndRemoved(sim: Simulation): { u: number; r: number } {
  const a3 = addr(sim, 'node3');
  const u = firstLog(sim, 'node1', 'MY-011493', a3).t;
  const r = firstLog(sim, 'node1', 'MY-011499', a3).t;
  return { u, r };
}

describe('expel timing, 3 members multi-primary, default 8.0.21 (T = 5)', () => {
  it.each([1, 2, 3, 4, 5])('seed %i: UNREACHABLE 4–7 s after the cut, removed 15–17 s after UNREACHABLE', (seed) => {
    const sim = isolateNode3(seed);
    sim.runFor('60s');
    const { u, r } = unreachableAndRemoved(sim);
    expect(secs(CUT_US, u)).toBeGreaterThanOrEqual(4);
    expect(secs(CUT_US, u)).toBeLessThanOrEqual(7);
    expect(secs(u, r)).toBeGreaterThanOrEqual(15);
    expect(secs(u, r)).toBeLessThanOrEqual(17);
    // Not the documented "5 s + 5 s" model: nothing is removed 10 s after UNREACHABLE.
    expect(logsAnywhere(sim, 'MY-011499').every((e) => e.t >= u + 15 * SEC)).toBe(true);
    // node2 also removes node3, and neither survivor lists it any more.
    expect(hasLogged(sim, 'node2', 'MY-011499', addr(sim, 'node3'))).toBe(true);
    for (const n of ['node1', 'node2']) {
      const ids = sim.member(n).replicationGroupMembers().map((row) => row.MEMBER_ID);
      expect(ids).not.toContain(sim.member('node3').uuid);
      expect(ids).toHaveLength(2);
    }
  });

  it('node1 removes node3 about 16 s after UNREACHABLE (killer = leader, phase-locked ticks)', () => {
    const sim = isolateNode3(7);
    sim.runFor('60s');
    const { u, r } = unreachableAndRemoved(sim);
    expect(secs(u, r)).toBeCloseTo(16, 0);
  });
});

describe('expel timing with other member_expel_timeout values', () => {
  it('T = 0: removed about 1 s after UNREACHABLE, much earlier than 15 s', () => {
    for (const seed of [1, 2, 3]) {
      const sim = isolateNode3(seed, 0);
      sim.runFor('60s');
      const { u, r } = unreachableAndRemoved(sim);
      expect(secs(u, r)).toBeGreaterThanOrEqual(0);
      expect(secs(u, r)).toBeLessThanOrEqual(2);
    }
  });

  it('T = 20: removed 30–32 s after UNREACHABLE (the next 15-s tick at or after 20 s)', () => {
    for (const seed of [1, 2, 3]) {
      const sim = isolateNode3(seed, 20);
      sim.runFor('80s');
      const { u, r } = unreachableAndRemoved(sim);
      expect(secs(u, r)).toBeGreaterThanOrEqual(30);
      expect(secs(u, r)).toBeLessThanOrEqual(32);
    }
  });

  // §1.4 table: 1–15 → t0+15, 16–30 → t0+30 (multiples of 15 resolve to the earlier tick), 31 → t0+45.
  it.each([
    [1, 15], [14, 15], [15, 15], [16, 30], [30, 30], [31, 45],
  ])('T = %i: expel sent at t0 + %i s, removal view within 2 s of it', (t, tick) => {
    const sim = isolateNode3(11, t);
    sim.runFor('90s');
    const { u, r } = unreachableAndRemoved(sim);
    expect(secs(u, r)).toBeGreaterThanOrEqual(tick);
    expect(secs(u, r)).toBeLessThanOrEqual(tick + 2);
  });

  it("8.0.20's default (T = 0) removes about 1 s after UNREACHABLE", () => {
    const sim = isolateNode3(3, undefined, '8.0.20');
    expect(sim.member('node1').options().group_replication_member_expel_timeout).toBe(0);
    sim.runFor('60s');
    const { u, r } = unreachableAndRemoved(sim);
    expect(secs(u, r)).toBeLessThanOrEqual(2);
  });
});

describe('a member back within 15 s is never expelled (T = 5)', () => {
  it.each([1, 2, 3])('seed %i: isolate node3 for 12 s, heal, run to 120 s', (seed) => {
    const sim = isolateNode3(seed);
    const healUs = CUT_US + 12 * SEC;
    sim.at(healUs, (s) => s.network.heal('node3'));
    const viewBefore = sim.member('node1').viewId();
    sim.runFor('120s');

    expect(logsAnywhere(sim, 'MY-011499')).toEqual([]);
    expect(logsAnywhere(sim, 'MY-011505')).toEqual([]);
    for (const n of NODES) {
      const rows = sim.member(n).replicationGroupMembers();
      expect(rows).toHaveLength(3);
      const row3 = rows.find((row) => row.MEMBER_ID === sim.member('node3').uuid);
      expect(row3?.MEMBER_STATE, `${n} shows node3`).toBe('ONLINE');
      expect(sim.member(n).viewId()).toBe(viewBefore);
    }
    const a3 = addr(sim, 'node3');
    const u = firstLog(sim, 'node1', 'MY-011493', a3).t;
    const back = firstLog(sim, 'node1', 'MY-011494', a3).t;
    expect(back).toBeGreaterThan(u);
    expect(back).toBeGreaterThanOrEqual(healUs);
    // The suspicion of node3 was cleared by the returning view, before it ever timed out or was
    // acted on. (Counted from the trace: with GR's statistics traffic a global view decided just
    // after the heal can briefly leave out another member, a suspicion of its own, also cleared.)
    const ofNode3 = sim.trace.filter((e) => e.type === 'suspicion' && e.member === 'node1' && e.suspect === 'node3')
      .map((e) => (e as { action: string }).action);
    expect(ofNode3).toEqual(['created', 'cleared']);
    const c = sim.member('node1').suspicionCounters();
    expect(c.cleared).toBe(c.created);
    expect(c.timedOut).toBe(0);
    expect(c.expelsRequested).toBe(0);
    expect(sim.member('node1').suspicions()).toEqual([]);
  });
});
