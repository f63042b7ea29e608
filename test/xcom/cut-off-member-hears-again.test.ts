/**
 * How a cut-off member hears the group again and learns of its expel (xcom_base.cc):
 * - a value waiting in a proposer task is pushed again on the task's wakeup_delay back-off
 *   (proposer_task: 0.1 s, ×√2, from 8.0.27 10–20 s at random above 20 s, up to 8.0.26 divided
 *   by 1.31415926 while above 3 s), and every acceptor it reaches answers (handle_simple_prepare),
 *   on the proposer's own connection, so it is heard;
 * - the executor's read rounds back off from when it started waiting for its synode
 *   (get_xcom_message), not from failure detection.
 * Three members, node3 isolated at 10 s; the peers remove it at ~31 s. Both mechanisms are
 * model.xcomRetryBackoff = 1, GR's statistics traffic model.flowControlStatsTraffic = 1 (both the
 * default). The first tests turn the statistics traffic off, so that the only value waiting in
 * node3's proposers is the one they write. The runs are 8.4 (the 20 s cap) unless they say.
 */
import { describe, expect, it } from 'vitest';
import { createSimulation, type LogEvent, type Simulation } from '../../src/index.js';
import type { VersionName } from '../../src/types.js';

const SEC = 1_000_000;
const CUT_US = 10 * SEC;
/** The source's back-off alone (model.xcomRetryBackoff, the default), without GR's statistics traffic. */
const SOURCE = { xcomRetryBackoff: 1, flowControlStatsTraffic: 0 };

function isolatedRun(seed: number, healAfterUs: number, writeAtUs: number | null, model: Record<string, number> = {}, version: VersionName = '8.4'): Simulation {
  const sim = createSimulation({ seed, version, members: ['node1', 'node2', 'node3'], mode: 'multi-primary', model });
  sim.at(CUT_US, (s) => s.network.isolate('node3'));
  if (writeAtUs !== null) sim.at(writeAtUs, (s) => { s.member('node3').write(); });
  sim.at(CUT_US + healAfterUs, (s) => s.network.heal('node3'));
  sim.runUntil(CUT_US + healAfterUs + 60 * SEC);
  return sim;
}

function firstAfter(sim: Simulation, code: string, t: number): LogEvent | undefined {
  return sim.member('node3').logEvents().find((e) => e.code === code && e.t >= t);
}

describe('a cut-off member with a value waiting in its proposer', () => {
  it('is answered by the peers at a push after the heal: heard ("reachable again") before its executor reads', () => {
    // One write proposed 20 s after the cut, healed 60 s after the cut. Its proposer pushes at
    // 30 s + d·(1 + √2 + … ) with d = 0.1 s + 5·RTT (~0.102 s): the 14th push at ~61.3 s, the 15th
    // at ~74.4 s after the start. The executor, waiting since boot, wakes at ~62.9 s, then 10–20 s
    // later (72.9–82.9 s). So the heal at 70 s is heard at the 15th push, 4.4 s after the heal,
    // unless the executor's random wake comes first (2.9–4.4 s).
    let atPush = 0;
    for (const seed of [1, 2, 3, 4, 5]) {
      const sim = isolatedRun(seed, 60 * SEC, 30 * SEC, SOURCE);
      const healUs = CUT_US + 60 * SEC;
      const back = firstAfter(sim, 'MY-011494', healUs);
      expect(back, `seed ${seed}`).toBeDefined();
      const s = (back!.t - healUs) / SEC;
      expect(s, `seed ${seed}`).toBeGreaterThan(2.8);
      expect(s, `seed ${seed}`).toBeLessThan(4.6);
      if (Math.abs(s - 4.45) < 0.15) atPush++;
    }
    expect(atPush).toBeGreaterThanOrEqual(3);
  });

  it('without a waiting value it is heard only when its executor reads, on the back-off from its last execution', () => {
    // No write: nothing waits in node3's proposers. Its executor has waited since boot (0 s):
    // wakes at ~62.9 s, then every 10–20 s. Healed at 70 s: heard 5–16 s after the heal, never
    // within the first 4.5 s (the 75.0 s wake is the earliest possible, 62.9 + 10 + ... ).
    for (const seed of [1, 2, 3, 4, 5]) {
      const sim = isolatedRun(seed, 60 * SEC, null, SOURCE);
      const healUs = CUT_US + 60 * SEC;
      const back = firstAfter(sim, 'MY-011494', healUs);
      expect(back, `seed ${seed}`).toBeDefined();
      expect((back!.t - healUs) / SEC, `seed ${seed}`).toBeGreaterThan(4.5);
      expect((back!.t - healUs) / SEC, `seed ${seed}`).toBeLessThan(16);
    }
  });
});

describe('up to 8.0.26 the back-off stops at 3 s (version 8.0.21)', () => {
  it('without a waiting value the executor still reads within 3 s of the heal, so it is heard within 3 s', () => {
    // The same run as above on 8.0.21: the executor's waits grew to the 3 s cap long before the
    // heal (wakeup_delay divides a wait above 3 s by 1.31415926), so its next read comes at most
    // 3 s after the heal and is answered a round trip later. On 8.4 it comes 4.5–16 s after.
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const sim = isolatedRun(seed, 60 * SEC, null, SOURCE, '8.0.21');
      const healUs = CUT_US + 60 * SEC;
      const back = firstAfter(sim, 'MY-011494', healUs);
      expect(back, `seed ${seed}`).toBeDefined();
      expect((back!.t - healUs) / SEC, `seed ${seed}`).toBeLessThanOrEqual(3.01);
    }
  });

  it('an executor cut off for two and a half hours on the earlier back-off (xcomRetryBackoff 0) still reads every 3 s', () => {
    // √2^k of the legacy back-off overflows after ~2,000 rounds; the cap must still hold there.
    const sim = createSimulation({
      seed: 1, version: '8.0.21', members: ['node1', 'node2', 'node3'], mode: 'multi-primary',
      model: { xcomRetryBackoff: 0, flowControlStatsTraffic: 0 }, options: { group_replication_member_expel_timeout: 3600 },
    });
    const healUs = CUT_US + 9000 * SEC;
    sim.at(CUT_US, (s) => s.network.isolate('node3'));
    sim.at(healUs, (s) => s.network.heal('node3'));
    sim.runUntil(healUs + 60 * SEC);
    const back = firstAfter(sim, 'MY-011494', healUs);
    expect(back).toBeDefined();
    expect((back!.t - healUs) / SEC).toBeLessThanOrEqual(3.01);
  });
});

describe('GR flow-control statistics traffic (model.flowControlStatsTraffic = 1)', () => {
  it('an idle group decides one value per member and period, and every member caches each slot', () => {
    const sim = createSimulation({ seed: 3, members: ['node1', 'node2', 'node3'], mode: 'multi-primary', model: { flowControlStatsTraffic: 1 } });
    sim.runUntil(60 * SEC);
    for (const m of ['node1', 'node2', 'node3']) {
      const row = sim.member(m).xcomCacheMemory();
      // 3 members × ~60 periods, 3 channels per msgno: ~540 slots.
      expect(row.COUNT_ALLOC, m).toBeGreaterThan(500);
      expect(row.COUNT_ALLOC, m).toBeLessThanOrEqual(540);
    }
    const quiet = createSimulation({ seed: 3, members: ['node1', 'node2', 'node3'], mode: 'multi-primary', model: { flowControlStatsTraffic: 0 } });
    quiet.runUntil(60 * SEC);
    expect(quiet.member('node1').xcomCacheMemory().COUNT_ALLOC).toBe(0);
  });

  it('group_replication_flow_control_period spaces the broadcasts', () => {
    const sim = createSimulation({
      seed: 3, members: ['node1', 'node2', 'node3'], mode: 'multi-primary', model: { flowControlStatsTraffic: 1 },
      options: { group_replication_flow_control_period: 10 },
    });
    sim.runUntil(60 * SEC);
    const slots = sim.member('node1').xcomCacheMemory().COUNT_ALLOC;
    expect(slots).toBeGreaterThanOrEqual(45); // 3 members × 5–6 broadcasts × 3 channels
    expect(slots).toBeLessThanOrEqual(54);
  });

  it('a cut-off member keeps its proposers busy: heard again within seconds of a long isolation\'s heal', () => {
    const heard: number[] = [];
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const sim = isolatedRun(seed, 269 * SEC, null, { ...SOURCE, flowControlStatsTraffic: 1 });
      const healUs = CUT_US + 269 * SEC;
      const back = firstAfter(sim, 'MY-011494', healUs);
      expect(back, `seed ${seed}`).toBeDefined();
      heard.push((back!.t - healUs) / SEC);
      expect(firstAfter(sim, 'MY-011505', healUs), `seed ${seed}`).toBeDefined();
    }
    // Ten proposer tasks, each pushing every 10–20 s: one push every ~1.5 s on average.
    heard.sort((a, b) => a - b);
    expect(heard[heard.length - 1]).toBeLessThan(10);
    expect(heard[Math.floor(heard.length / 2)]).toBeLessThan(3);
  });
});
