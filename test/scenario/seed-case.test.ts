import { describe, expect, it } from 'vitest';
import type { LogEvent, Simulation } from '../../src/index.js';
import { SEED_CASE_TIMES, seedCaseScenario, seedCaseSimulation } from '../helpers/seed-case.js';

/** The reference partition/heal case (docs/seed-case.md) with its tolerances. */
const S = 1_000_000;

function logs(sim: Simulation, member: string): LogEvent[] {
  return sim.member(member).logEvents();
}
function first(sim: Simulation, member: string, code: string, after = 0): LogEvent {
  const e = logs(sim, member).find((l) => l.code === code && l.t >= after);
  if (e === undefined) throw new Error(`${member} never logged ${code} after ${after}`);
  return e;
}
function table(sim: Simulation, member: string): string[] {
  return sim.member(member).replicationGroupMembers().map((r) => `${r.MEMBER_HOST}:${r.MEMBER_STATE}:${r.MEMBER_ROLE}`);
}

describe.each([7, 1, 2022, 99])('seed case, seed %i', (seed) => {
  const sim = seedCaseSimulation(seed);
  const { cutUs, healUs, endUs } = SEED_CASE_TIMES;
  let snapshotAfterDetection: Record<string, string[]> = {};
  let snapshotAfterExpel: Record<string, string[]> = {};
  sim.at(cutUs + 8 * S, (s) => { snapshotAfterDetection = { node1: table(s, 'node1'), node3: table(s, 'node3') }; });
  sim.at(cutUs + 40 * S, (s) => { snapshotAfterExpel = { node1: table(s, 'node1'), node3: table(s, 'node3') }; });
  sim.runUntil(endUs);

  it('node1 and node2 see node3 unreachable 4–7 s after the cut', () => {
    for (const m of ['node1', 'node2']) {
      const e = first(sim, m, 'MY-011493');
      expect(e.message).toBe('Member with address 192.168.244.30:3306 has become unreachable.');
      expect(e.t - cutUs).toBeGreaterThanOrEqual(4 * S);
      expect(e.t - cutUs).toBeLessThanOrEqual(7 * S);
    }
  });

  it('node3 sees both peers unreachable and loses the majority in the same window', () => {
    const n3 = logs(sim, 'node3').filter((l) => l.t < healUs);
    const unreachable = n3.filter((l) => l.code === 'MY-011493');
    expect(unreachable.map((l) => l.message).sort()).toEqual([
      'Member with address 192.168.244.10:3306 has become unreachable.',
      'Member with address 192.168.244.20:3306 has become unreachable.',
    ]);
    for (const l of unreachable) {
      expect(l.t - cutUs).toBeGreaterThanOrEqual(4 * S);
      expect(l.t - cutUs).toBeLessThanOrEqual(7 * S);
    }
    const blocked = n3.find((l) => l.code === 'MY-011495');
    expect(blocked).toBeDefined();
    expect(blocked!.level).toBe('ERROR');
    expect(blocked!.t - cutUs).toBeLessThanOrEqual(7 * S);
  });

  it('node1 removes node3 15–17 s after its own MY-011493, in a two-member view', () => {
    const unreachable = first(sim, 'node1', 'MY-011493');
    const removed = first(sim, 'node1', 'MY-011499');
    expect(removed.message).toBe('Members removed from the group: 192.168.244.30:3306');
    expect(removed.t - unreachable.t).toBeGreaterThanOrEqual(15 * S);
    expect(removed.t - unreachable.t).toBeLessThanOrEqual(17 * S);
    const changed = first(sim, 'node1', 'MY-011503');
    expect(changed.t).toBeGreaterThanOrEqual(removed.t);
    expect(changed.message).toMatch(/^Group membership changed to 192\.168\.244\.10:3306, 192\.168\.244\.20:3306 on view \d+:3\.$/);
  });

  it('nothing is expelled on node3 while it is cut off', () => {
    const n3 = logs(sim, 'node3').filter((l) => l.t < healUs);
    expect(n3.some((l) => l.code === 'MY-011499' || l.code === 'MY-011505' || l.code === 'MY-011503')).toBe(false);
  });

  it('performance_schema snapshots match the case', () => {
    expect(snapshotAfterDetection.node1).toEqual([
      '192.168.244.10:ONLINE:PRIMARY', '192.168.244.20:ONLINE:PRIMARY', '192.168.244.30:UNREACHABLE:PRIMARY',
    ]);
    expect(snapshotAfterDetection.node3).toEqual([
      '192.168.244.10:UNREACHABLE:PRIMARY', '192.168.244.20:UNREACHABLE:PRIMARY', '192.168.244.30:ONLINE:PRIMARY',
    ]);
    expect(snapshotAfterExpel.node1).toEqual(['192.168.244.10:ONLINE:PRIMARY', '192.168.244.20:ONLINE:PRIMARY']);
    expect(snapshotAfterExpel.node3).toEqual(snapshotAfterDetection.node3);
  });

  it('after the heal node3 learns the expel, rolls back the DELETE, rejoins and comes back ONLINE', () => {
    const after = logs(sim, 'node3').filter((l) => l.t >= healUs).map((l) => l.code);
    // The case's own order, the blocked DELETE's session lines and the replication-channel lines included.
    const expected = ['MY-011494', 'MY-011494', 'MY-011498', 'MY-011505', 'MY-011630', 'MY-011712', 'MY-011615', 'MY-010207',
      'MY-011565', 'MY-013373', 'MY-011504', 'MY-010597', 'MY-013375', 'MY-013471', 'MY-011503', 'MY-010597', 'MY-010897',
      'MY-010562', 'MY-010597', 'MY-011490', 'MY-011566'];
    expect(after).toEqual(expected);
    const expelled = first(sim, 'node3', 'MY-011505', healUs);
    expect(expelled.t - healUs).toBeGreaterThan(3 * S); // at least XCom's 3 s terminate delay
    expect(expelled.t - healUs).toBeLessThan(25 * S); // "a few seconds" (the case shows 7 s)
    expect(first(sim, 'node3', 'MY-013373', healUs).message).toBe('Started auto-rejoin procedure attempt 1 of 3');
    expect(first(sim, 'node3', 'MY-013375', healUs).message).toBe('Auto-rejoin procedure attempt 1 of 3 finished. Member was able to join the group.');
    const w = sim.writes.find((x) => x.member === 'node3');
    expect(w?.outcome).toBe('rolled_back');
    expect(w?.error).toContain('ERROR 3100');
    expect(w?.atUs).toBe(expelled.t);
  });

  it('node1 installs the three-member view (+1) and sees node3 declared online', () => {
    const v4 = logs(sim, 'node1').filter((l) => l.code === 'MY-011503')[1];
    expect(v4?.message).toMatch(/192\.168\.244\.30:3306 on view \d+:4\.$/);
    const online = first(sim, 'node1', 'MY-011492', healUs);
    expect(online.message).toBe('The member with address 192.168.244.30:3306 was declared online within the replication group.');
    expect(online.t).toBeGreaterThan(v4!.t);
    for (const m of ['node1', 'node2', 'node3']) {
      expect(table(sim, m)).toEqual(['192.168.244.10:ONLINE:PRIMARY', '192.168.244.20:ONLINE:PRIMARY', '192.168.244.30:ONLINE:PRIMARY']);
    }
    expect(sim.member('node3').superReadOnly).toBe(false);
    const states = sim.trace.filter((e) => e.type === 'stateChange' && e.observer === 'node3' && e.member === 'node3' && e.t >= healUs);
    expect(states.map((e) => (e as { state: string }).state)).toEqual(['ERROR', 'RECOVERING', 'ONLINE']);
  });
});

describe('the seed case file', () => {
  it('schedules the cut, the DELETE and the heal at the times the tests above assume', () => {
    const s = seedCaseScenario();
    expect(s.events.map((e) => [e.atUs, Object.keys(e.action)[0]])).toEqual([
      [SEED_CASE_TIMES.cutUs, 'isolate'], [SEED_CASE_TIMES.writeUs, 'write'], [SEED_CASE_TIMES.healUs, 'heal'],
    ]);
    expect(s.untilUs).toBe(SEED_CASE_TIMES.endUs);
  });
});
