import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { faultSchedule, scheduleToScenario } from '../../src/arbitraries/index.js';
import { createSimulation, parseScenario, runScenario, type SimEvent, type Simulation, type SimulationOptions } from '../../src/index.js';
import { ORDER_CACHE_SAMPLE, ORDER_DECISION, ORDER_DECISION_LANE, ORDER_THREAD, phasesSeparated, statsBytesPerSecond, statsCellBytes, STEADY_PERIOD_US, type SteadyGroupCheck } from '../../src/sim/stretch.js';
import { stretchOutcome } from '../../src/sim/stretch-outcome.js';

/** The bench's idle group (bench/full-group.mjs): `members` members, multi-primary, default network. */
function idleGroup(seed: number, members: number, more: Partial<SimulationOptions> = {}): Simulation {
  return createSimulation({ seed, members: Array.from({ length: members }, (_, i) => `node${i + 1}`), mode: 'multi-primary', ...more });
}

describe('phasesSeparated', () => {
  const f64 = (...xs: number[]): Float64Array => Float64Array.from(xs);

  it('refuses a reader inside a learn window, both ends included, and accepts one just outside', () => {
    // One proposer: step at 100 µs, decided 400 µs later, learns arrive within 300 µs after that.
    const check = (reader: number): boolean => phasesSeparated(1, f64(100), f64(400), f64(300), f64(reader), 1, 100);
    expect(check(499)).toBe(true);
    expect(check(500)).toBe(false);
    expect(check(650)).toBe(false);
    expect(check(800)).toBe(false);
    expect(check(801)).toBe(true);
    // Between the step and the decision nothing has changed yet.
    expect(check(100)).toBe(true);
    // Times count modulo the period: a reader a whole number of seconds later is the same reader.
    expect(check(3 * STEADY_PERIOD_US + 650)).toBe(false);
  });

  it('takes windows across the second boundary', () => {
    // Decided at 999,900 µs, its window runs to 200 µs into the next second.
    const check = (reader: number): boolean => phasesSeparated(1, f64(999_500), f64(400), f64(300), f64(reader), 1, 100);
    expect(check(100)).toBe(false);
    expect(check(200)).toBe(false);
    expect(check(201)).toBe(true);
    expect(check(999_899)).toBe(true);
  });

  it('refuses two decisions closer than the gap, across the boundary too', () => {
    const two = (a: number, b: number): boolean => phasesSeparated(2, f64(a, b), f64(400, 400), f64(300, 300), f64(), 0, 100);
    expect(two(0, 100)).toBe(true);
    expect(two(0, 99)).toBe(false);
    expect(two(999_950, 40)).toBe(false);
    expect(two(999_950, 50)).toBe(true);
  });
});

describe('the steady check (SimulationOptions.stretch)', () => {
  it('finds the bench group steady after its first second and takes the rest of the run as one stretch, and counts nothing with the switch off', () => {
    const sim = idleGroup(12345, 9, { stretch: true, traceSink: () => {} });
    sim.runFor('20s');
    // At time zero no cache sample has been taken yet: a second at a time until the next check.
    expect(sim.stretchStats).toEqual({ checks: 2, steady: 1, orderFixed: 1, replayedUs: 19_000_000, jumpedUs: 0, orderRefusals: {}, stretchedUs: 19_000_000, refusals: { cache: 1 } });
    // Every run starts with a check; nothing foreign is queued, so each is one stretch.
    sim.runFor('3s');
    sim.runFor('1500ms');
    expect(sim.stretchStats).toEqual({ checks: 4, steady: 3, orderFixed: 3, replayedUs: 23_000_000, jumpedUs: 0, orderRefusals: {}, stretchedUs: 23_500_000, refusals: { cache: 1 } });
    const off = idleGroup(12345, 9, { stretch: false, traceSink: () => {} });
    off.runFor('5s');
    expect(off.stretchStats).toEqual({ checks: 0, steady: 0, orderFixed: 0, replayedUs: 0, jumpedUs: 0, orderRefusals: {}, stretchedUs: 0, refusals: {} });
    // On unless switched off.
    const unset = idleGroup(12345, 9, { traceSink: () => {} });
    unset.runFor('20s');
    expect(unset.stretchStats).toEqual(idleGroup(12345, 9, { stretch: true, traceSink: () => {} }).runFor('20s').stretchStats);
    expect(unset.stretchStats.replayedUs).toBe(19_000_000);
  });

  it('ends a stretch just before a foreign event, and where the in-memory trace or a cache would run out of room', () => {
    const sim = idleGroup(12345, 5, { stretch: true });
    sim.runFor('2s');
    const at = sim.nowUs + 7_654_321;
    sim.at(at, () => {});
    sim.runFor('20s');
    // Steady at 1 s; the stretch from 2 s ends 1 µs before the at(); a second later it is gone.
    const s = sim.stretchStats;
    expect(s.steady).toBeGreaterThanOrEqual(3);
    expect(s.stretchedUs).toBe(1_000_000 + (at - 1 - 2_000_000) + (22_000_000 - (at - 1) - 1_000_000));
    expect(s.refusals).toEqual({ cache: 1, queued: 1 });
    // The trace's room: with 5 cache samples a second, 21 events left allow 4 seconds.
    const bounded = idleGroup(12345, 5, { stretch: true, maxTraceEvents: 1000 });
    bounded.runFor('2s');
    const parts = bounded as unknown as { steady: { stretchEndUs(room: number): number } };
    expect(bounded._stretchRefusal()).toBeNull();
    expect(parts.steady.stretchEndUs(21)).toBe(bounded.nowUs + 4_000_000);
    expect(parts.steady.stretchEndUs(Infinity)).toBeGreaterThan(bounded.nowUs + 3_600_000_000);
  });

  it('refuses seed 106, whose alive tick falls in a learn window (docs/speed.md)', () => {
    const sim = idleGroup(106, 9, { stretch: true, traceSink: () => {} });
    sim.runFor('10s');
    expect(sim.stretchStats.steady).toBe(0);
    // Checked at 0 s (no cache sample yet), then at 1, 3 and 7 s: the waits double while refused.
    expect(sim.stretchStats.refusals).toEqual({ cache: 1, phases: 3 });
  });

  it('refuses seed 73, whose later proposer learns its own value before the earlier one reaches it (decisions 100–300 µs apart)', () => {
    // Its learn of the other value arrives 200–299 µs after that value's decision: the member
    // learns ahead and starts a read round every second, whatever the draws.
    const sim = idleGroup(73, 9, { stretch: true, traceSink: () => {} });
    sim.runFor('30s');
    expect(sim._stretchRefusal()).toBe('phases');
    const consensus = (sim as unknown as { xcom: { consensus: { startRounds(i: number): void } } }).xcom.consensus;
    let rounds = 0;
    const startRounds = consensus.startRounds.bind(consensus);
    consensus.startRounds = (i) => { rounds++; startRounds(i); };
    sim.runFor('10s');
    expect(rounds).toBeGreaterThanOrEqual(9);
  });

  it('refuses a run with an on() listener, loss, a predicate, the traffic off or a longer flow-control period', () => {
    const listened = idleGroup(12345, 3, { stretch: true });
    listened.on('cache', () => {});
    listened.runFor('5s');
    // Checked at 0, 1 and 3 s: the waits between checks double while the group is refused.
    expect(listened.stretchStats.refusals.listener).toBe(3);
    const lossy = idleGroup(12345, 3, { stretch: true, network: { loss: 0.001 } });
    lossy.runFor('5s');
    expect(lossy.stretchStats.steady).toBe(0);
    expect(lossy.stretchStats.refusals.network).toBe(3);
    const predicate = idleGroup(12345, 3, { stretch: true });
    predicate.runUntil(() => false, { limit: '3s' });
    expect(predicate.stretchStats).toEqual({ checks: 1, steady: 0, orderFixed: 0, replayedUs: 0, jumpedUs: 0, orderRefusals: {}, stretchedUs: 0, refusals: { predicateRun: 1 } });
    const off = idleGroup(12345, 3, { stretch: true, model: { flowControlStatsTraffic: 0 } });
    off.runFor('3s');
    expect(off.stretchStats.refusals.model).toBe(2);
    const period = idleGroup(12345, 3, { stretch: true, options: { group_replication_flow_control_period: 2 } });
    period.runFor('3s');
    expect(period.stretchStats.refusals.model).toBe(2);
  });

  it('refuses a second with a foreign event due in it, and a group that is not settled, until it has settled again', () => {
    // 8.4: on 8.0.21 (wakeup_delay's 3 s cap) node5 learns its expel sooner and rejoins at a phase
    // where a statistics learn window meets a heartbeat, so every later second is refused as
    // 'phases' (run event by event, as it must be) and the end of this test is never reached.
    const sim = idleGroup(12345, 5, { stretch: true, version: '8.4' });
    sim.runFor('10s');
    expect(sim.stretchStats.steady).toBe(1);
    // An at() due within the next second keeps that second event by event; one later does not.
    sim.at(sim.nowUs + 500_000, () => {});
    sim.at(sim.nowUs + 5_000_000, () => {});
    sim.runFor('1s');
    expect(sim.stretchStats.refusals.queued).toBe(1);
    sim.runFor('1s');
    expect(sim.stretchStats.steady).toBe(2);
    // A member cut off: suspicions, views and an expel; never steady while it lasts.
    sim.network.isolate('node5');
    sim.runFor('30s');
    const during = sim.stretchStats;
    expect(during.steady).toBe(2);
    // Checked at 0, 1, 3, 7, 15 and 23 s of the 30: the waits double up to 8 s while refused.
    expect(during.checks - during.steady - 2).toBe(6);
    sim.network.heal('node5');
    sim.runFor('10m');
    // Expelled, node5's auto-rejoin brings it back; the group is steady again by the end.
    const after = sim.stretchStats;
    expect(after.steady).toBeGreaterThan(during.steady);
    expect(after.stretchedUs - during.stretchedUs).toBeGreaterThan(300_000_000);
  });

  it('finds a cache not steady while a second of traffic would take it above its limit and it does not evict steadily (a workload\'s larger cells freed)', () => {
    // 128 MiB (the smallest limit 8.0.21 takes) filled by a minute of large transactions, then idle:
    // each eviction of a 30 kB entry leaves room for a few seconds of statistics traffic.
    const sim = idleGroup(12345, 3, {
      stretch: true, options: { group_replication_message_cache_size: 134_217_728 },
      workload: [{ member: 'node1', rate: 100, size: 30_000, to: '60s' }], untracedEventTypes: ['cache', 'workload'],
    });
    sim.runFor('70s');
    const growth = statsBytesPerSecond(3);
    const seen = { cache: 0, steady: 0 };
    for (let s = 0; s < 40; s++) {
      sim.runFor('1s');
      const room = Math.min(...sim.members.map((m) => m.xcomCache().limit - m.xcomCache().bytes));
      const answer = sim._stretchRefusal();
      if (room < growth) { expect(answer).toBe('cache'); seen.cache++; }
      else if (answer === null) seen.steady++;
    }
    expect(sim.member('node2').xcomCache().evicted).toBeGreaterThan(0);
    expect(seen.cache).toBeGreaterThanOrEqual(2);
    expect(seen.steady).toBeGreaterThan(5);
  });

  it('checks a group whose cache is at its limit once a minute, not every second', () => {
    // The 3-member group above, idle from 60 s on: its caches stay at the limit, evicting.
    const sim = idleGroup(12345, 3, {
      stretch: true, options: { group_replication_message_cache_size: 134_217_728 },
      workload: [{ member: 'node1', rate: 200, size: 30_000, to: '60s' }], untracedEventTypes: ['cache', 'workload'],
    });
    sim.runFor('70s');
    const before = sim.stretchStats.checks;
    sim.runFor('10m');
    expect(sim.member('node2').xcomCache().evicted).toBeGreaterThan(0);
    expect(sim.stretchStats.refusals.cache).toBeGreaterThan(0);
    // Each minute: one refusal, then a stretch while an eviction leaves room for a few seconds
    // of statistics and the check that ends it (a check a second would make some 590 refusals).
    expect(sim.stretchStats.refusals.cache).toBeLessThanOrEqual(11);
    expect(sim.stretchStats.checks - before).toBeLessThanOrEqual(22);
  });
});

/** Runs `drive` on two simulations built by `build`, with the stretch switch off and on, and compares what each left. */
function differential(build: (stretch: boolean) => Simulation, drive: (sim: Simulation) => void): void {
  const off = build(false), on = build(true);
  drive(off);
  drive(on);
  expect(stretchOutcome(on)).toBe(stretchOutcome(off));
}

describe('stretch on against off: the same run', () => {
  it('on fault schedules of 3-, 5- and 9-member groups', () => {
    for (const members of [3, 5, 9]) {
      fc.assert(fc.property(faultSchedule({ members, durationUs: 90_000_000, maxFaults: 3 }), fc.integer({ min: 1, max: 1_000_000 }), (schedule, seed) => {
        const scenario = scheduleToScenario(schedule, seed);
        const off = runScenario(scenario, { stretch: false }).sim, on = runScenario(scenario, { stretch: true }).sim;
        expect(stretchOutcome(on)).toBe(stretchOutcome(off));
        expect(on.stretchStats.checks).toBeGreaterThan(0);
      }), { numRuns: members === 9 ? 2 : 3 });
    }
  });

  it('right after a heal, while a member has not heard a peer for 3 s (its alive tick would ping it): no stretch until it has', () => {
    // An explored schedule (test/sim/fixtures/stretch-after-heal.yaml): the replay began 0.14 s after
    // a ring partition healed and threw at node3's decision, behind an are_you_alive's delivery.
    const text = readFileSync(new URL('./fixtures/stretch-after-heal.yaml', import.meta.url), 'utf8');
    const scenario = parseScenario(text, 'stretch-after-heal.yaml');
    const off = runScenario(scenario, { stretch: false }).sim, on = runScenario(scenario, { stretch: true }).sim;
    expect(stretchOutcome(on)).toBe(stretchOutcome(off));
    expect(on.stretchStats.refusals.network).toBeGreaterThan(0);
    expect(on.stretchStats.replayedUs).toBeGreaterThan(400_000_000);
  });

  it('on the generated schedules whose replay needs every decided value executed and no link holding a late message (latency raised then restored, a bridge, loss)', () => {
    // Schedules of test/sim/trace-hashes.test.ts (fast-check seed 20240601): after a latency fault a
    // link's TCP order holds messages sent under the slow latency, and after a bridge a member can
    // miss a value; a replay that started there would deliver learns outside their windows or miss
    // read rounds.
    const samples = fc.sample(fc.tuple(faultSchedule({ maxFaults: 6 }), fc.integer({ min: 0, max: 1e6 })), { seed: 20240601, numRuns: 50 });
    let replayed = 0;
    for (const k of [3, 14, 20, 49]) {
      const [schedule, seed] = samples[k]!;
      const scenario = scheduleToScenario(schedule, seed);
      const off = runScenario(scenario, { stretch: false }).sim, on = runScenario(scenario, { stretch: true }).sim;
      expect(stretchOutcome(on), `generated #${k}`).toBe(stretchOutcome(off));
      replayed += on.stretchStats.replayedUs;
    }
    expect(replayed).toBeGreaterThan(0);
  });

  it('where a suspicions-thread tick falls in a learn window in a later second than the first (seed 145, 5 members, after a crash and restart)', () => {
    // Found by searching seeds: node5's thread ticks 87 µs into node2's learn window, every 15 s.
    differential(
      (stretch) => {
        const sim = idleGroup(145, 5, { stretch });
        sim.at(11_148_255, (s) => s.network.crash('node2'));
        sim.at(31_148_255, (s) => s.network.restart('node2'));
        return sim;
      },
      (sim) => sim.runFor('150s'),
    );
  });

  it('on an idle group with a fault at a random microsecond, and runFor split at random instants', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 300 }), fc.integer({ min: 20_000_000, max: 60_000_000 }),
      // At most 4 splits of up to 20 s, so that they never pass the run's 90 s total.
      fc.array(fc.integer({ min: 1, max: 20_000_000 }), { minLength: 1, maxLength: 4 }),
      (seed, faultUs, splits) => {
        differential(
          (stretch) => {
            const sim = idleGroup(seed, 5, { stretch });
            sim.at(faultUs, (s) => s.network.freeze('node2'));
            sim.at(faultUs + 3_000_000, (s) => s.network.thaw('node2'));
            return sim;
          },
          (sim) => {
            // The same total, split differently with the switch on: the split must not show.
            for (const d of splits) sim.runFor(d);
            sim.runFor(90_000_000 - splits.reduce((a, b) => a + b, 0));
          },
        );
      },
    ), { numRuns: 4 });
  });

  it('with learns delivered in place: a freeze, a crash or an isolation at every few microseconds of a learn window, and a run ending in it', () => {
    // The next statistics decision after 30 s of the bench group at seed 3 (5 members).
    const probe = idleGroup(3, 5);
    probe.runFor('30s');
    const kernel = (probe as unknown as { kernel: { handlerIdOf(name: string): number; queuedEventsOf(id: number, t: Float64Array, k: Float64Array, a: Int32Array): number } }).kernel;
    const times = new Float64Array(8);
    const decided = (): number => kernel.queuedEventsOf(kernel.handlerIdOf('consensus.decided'), times, new Float64Array(8), new Int32Array(8));
    let got = 0;
    for (let step = 0; step < 10_000 && (got = decided()) === 0; step++) probe.runFor(100);
    expect(got).toBeGreaterThan(0);
    const decisionUs = Math.min(...times.subarray(0, got));
    for (let offset = 0; offset <= 330; offset += 11) {
      const at = decisionUs + offset;
      for (const fault of ['freeze', 'crash', 'isolate', 'end'] as const) {
        const outcomes = (stretch: boolean): string[] => {
          const sim = idleGroup(3, 5, { stretch });
          if (fault === 'freeze') { sim.at(at, (x) => x.network.freeze('node4')); sim.at(at + 2_000_000, (x) => x.network.thaw('node4')); }
          if (fault === 'crash') { sim.at(at, (x) => x.network.crash('node2')); sim.at(at + 1_000_000, (x) => x.network.restart('node2')); }
          if (fault === 'isolate') { sim.at(at, (x) => x.network.isolate('node3')); sim.at(at + 1_000_000, (x) => x.network.heal('node3')); }
          // A run that ends inside the window: what a caller reads then has the learns that arrived.
          sim.runFor(fault === 'end' ? at : at + 1);
          const mid = stretchOutcome(sim);
          sim.runFor(40_000_000 - sim.nowUs);
          return [mid, stretchOutcome(sim)];
        };
        expect(outcomes(true)).toEqual(outcomes(false));
      }
    }
  });

  it('on the 16 seeds whose phases collide (docs/speed.md), 9 members, runs split at random instants', () => {
    const colliding = [18, 42, 52, 106, 131, 158, 166, 173, 186, 194, 197, 204, 264, 267, 277, 278];
    for (const seed of colliding) {
      differential(
        (stretch) => idleGroup(seed, 9, { stretch, traceSink: () => {} }),
        (sim) => { for (const d of [7_777_777, 1_234_567, 31_000_001]) sim.runFor(d); },
      );
    }
  });

  it('while the caches evict: a group filled by a workload, then idle at its cache limit', () => {
    differential(
      (stretch) => idleGroup(12345, 3, {
        stretch, options: { group_replication_message_cache_size: 134_217_728 },
        workload: [{ member: 'node1', rate: 100, size: 30_000, to: '60s' }], untracedEventTypes: ['workload'],
      }),
      (sim) => {
        sim.runFor('70s');
        for (let s = 0; s < 30; s++) sim.runFor(1_000_000 + 37 * s);
        expect(sim.member('node2').xcomCache().evicted).toBeGreaterThan(0);
      },
    );
  });

  it('while the caches evict steadily: the bench group at the smallest cache, replayed from the eviction onset on (trace, caches, P_S rows, GCS last removed slots)', () => {
    // 128 MiB (8.0.21's minimum) at 19,638 bytes of statistics a second fills at about 114 min;
    // from then on every learn frees one cell of the same size.
    type GcsProbe = { gcsNodes: { cacheLastRemoved: number }[] };
    const build = (stretch: boolean): Simulation => idleGroup(12345, 9, { stretch, options: { group_replication_message_cache_size: 134_217_728 } });
    const on = build(true), off = build(false);
    const evicted = (sim: Simulation): number[] => sim.members.map((m) => m.xcomCache().evicted);
    on.runFor('110m');
    expect(evicted(on).every((e) => e === 0)).toBe(true);
    on.runFor('5m');
    expect(evicted(on).every((e) => e > 0)).toBe(true);
    const at = on.stretchStats.replayedUs, freedAt = evicted(on), rowsAt = on.members.map((m) => m.xcomCacheMemory().COUNT_FREE);
    const lastRemoved = (sim: Simulation): number[] => (sim as unknown as GcsProbe).gcsNodes.map((g) => g.cacheLastRemoved);
    off.runFor(on.nowUs);
    // Runs ending in a second run event by event after a replay, and the last a whole number of
    // seconds, ending with a replay: the GCS slots the folded deliveries leave, at each end.
    const chunks = [7_777_777, 300_000_001, 1_234_567, 530_987_655, 60_000_000];
    for (const d of chunks) {
      on.runFor(d);
      off.runFor(d);
      expect(lastRemoved(on)).toEqual(lastRemoved(off));
    }
    const spanUs = chunks.reduce((a, b) => a + b, 0);
    // Nearly all of those 15 minutes replayed (a stretch ends at each run's end), each member's
    // cache freeing 9 slots (one cell) at each of the 9 learns a second.
    expect(on.stretchStats.replayedUs - at).toBeGreaterThan(0.97 * spanUs);
    evicted(on).forEach((e, i) => expect(e - freedAt[i]!).toBeGreaterThanOrEqual(81 * Math.floor(spanUs / 1_000_000)));
    on.members.forEach((m, i) => expect(m.xcomCacheMemory().COUNT_FREE).toBeGreaterThan(rowsAt[i]!));
    expect(stretchOutcome(on)).toBe(stretchOutcome(off));
    expect(lastRemoved(on).every((slot) => slot > 0)).toBe(true);
    // The cache samples of the replayed seconds report the freeing: bytes below the peak.
    const samples = on.trace.filter((e) => e.type === 'cache' && e.t > on.nowUs - 60_000_000) as Extract<SimEvent, { type: 'cache' }>[];
    expect(samples.length).toBe(9 * 60);
    expect(samples.every((e) => e.peakBytes > e.bytes && e.bytes <= e.limit)).toBe(true);
  });

  it('at caches of a few cells, where the protection bound limits which evicting seconds may be replayed, and after a limit raised (an onset among equal cells)', () => {
    // The limit set below the option's minimum through XCom (a probe): caches of 16 to 100
    // statistics cells, whose oldest cells lie a few msgnos under the protection bound; raised by a
    // few cells at 90 s, the cache grows back to its limit with nothing but equal cells cached,
    // and its eviction onset (sampled at the next tick) must not be replayed.
    type LimitProbe = { xcom: { setCacheLimit(i: number, bytes: number): void } };
    let replayedUs = 0;
    for (const [members, cells, raise] of [[9, 16, 0], [9, 18, 0], [9, 24, 0], [9, 70, 0], [3, 100, 2], [3, 100, 5]] as const) {
      const setLimit = (sim: Simulation, bytes: number): void => {
        for (let i = 0; i < members; i++) (sim as unknown as LimitProbe).xcom.setCacheLimit(i, bytes);
      };
      let onReplayedUs = 0;
      differential(
        (stretch) => {
          const sim = idleGroup(12345, members, { stretch });
          setLimit(sim, cells * statsCellBytes(members));
          if (raise > 0) sim.at(90_000_000, (s) => setLimit(s, (cells + raise * members) * statsCellBytes(members) + 37 * raise));
          return sim;
        },
        (sim) => {
          for (const d of [30_000_000, 7_777_777, 60_000_000, 123_456_789]) sim.runFor(d);
          expect(sim.member('node2').xcomCache().evicted).toBeGreaterThan(1_000);
          onReplayedUs = sim.stretchStats.replayedUs;
        },
      );
      replayedUs += onReplayedUs;
    }
    expect(replayedUs).toBeGreaterThan(500_000_000);
  });

  it("leaves, after a replay of evicting seconds, what shrink_cache leaves: each node's delivered msgnos as heard, the quiet arrivals waiting, each cache's last pass", () => {
    // Caches of 70 and 200 cells (9 members, set through XCom): the pass's floor, made of stamps up
    // to 16 s old, protects some of their oldest cells, so that message level some passes collect
    // the quiet arrivals first; the reduced shrink_cache of a replay must take only the others.
    type ShrinkProbe = {
      xcom: { setCacheLimit(i: number, bytes: number): void; deliveredSeen: Float64Array; caches: { lastPassEvicted: number; lastPassFreedBytes: number; lastPassStop: string }[] };
      _net: { quiet: { len: Int32Array; perReceiver: Int32Array } };
      replay: { run(seconds: number): void };
    };
    const state = (sim: Simulation): string => {
      const p = sim as unknown as ShrinkProbe;
      return [
        Array.from(p.xcom.deliveredSeen).join(), Array.from(p._net.quiet.len).join(), Array.from(p._net.quiet.perReceiver).join(),
        p.xcom.caches.map((c) => `${c.lastPassEvicted}/${c.lastPassFreedBytes}/${c.lastPassStop}`).join(),
      ].join('\n');
    };
    let replays = 0;
    for (const cells of [70, 200]) {
      const build = (stretch: boolean): Simulation => {
        const sim = idleGroup(12345, 9, { stretch, traceSink: () => {} });
        for (let i = 0; i < 9; i++) (sim as unknown as ShrinkProbe).xcom.setCacheLimit(i, cells * statsCellBytes(9));
        return sim;
      };
      const on = build(true), replay = (on as unknown as ShrinkProbe).replay, run = replay.run.bind(replay);
      const ends: { atUs: number; state: string }[] = [];
      replay.run = (seconds: number): void => {
        run(seconds);
        ends.push({ atUs: on.nowUs, state: state(on) });
      };
      for (const d of [30_000_000, 7_777_777, 60_000_000, 123_456_789]) on.runFor(d);
      const off = build(false);
      for (const end of ends) {
        off.runFor(end.atUs - off.nowUs);
        expect(state(off), `${cells} cells at ${end.atUs} µs`).toBe(end.state);
      }
      replays += ends.length;
    }
    expect(replays).toBeGreaterThan(20);
  });

  it('skips the statistics GCS and GR delivery in a stretch only where it changes nothing: a store emptied, a stale last removed slot', () => {
    type Probe = {
      _pipeline: { restartModules(slot: number): void; receivedHas: Uint8Array; receivedRef: Uint8Array; refObservers: Int32Array };
      gcsNodes: { cacheLastRemoved: number; deliverData: (...a: unknown[]) => void }[];
    };
    const run = (stretch: boolean): { outcome: string; store: string; lastRemoved: number[]; delivered: number } => {
      const sim = idleGroup(12345, 5, { stretch });
      const probe = sim as unknown as Probe;
      let delivered = 0;
      for (const g of probe.gcsNodes) {
        const deliver = g.deliverData.bind(g);
        g.deliverData = (...a) => { delivered++; deliver(...a); };
      }
      // The stores themselves (the tables show a peer's row whether or not a copy was received).
      const p = probe._pipeline;
      const store = (): string => [p.receivedHas, p.receivedRef, p.refObservers].map((a) => Array.from(a).join()).join(' ');
      sim.runFor('20s');
      // A member's flow-control store emptied (as a module restart leaves it): its next receipts
      // must store the copies as usual, in a stretch too.
      probe._pipeline.restartModules(2);
      sim.runFor('10s');
      const stored = store();
      // A GCS holding a last removed slot its cache does not have: no stretch folds until a
      // delivery has set it.
      probe.gcsNodes[3]!.cacheLastRemoved = 12;
      sim.runFor('10s');
      return { outcome: stretchOutcome(sim), store: `${stored} | ${store()}`, lastRemoved: probe.gcsNodes.map((g) => g.cacheLastRemoved), delivered };
    };
    const on = run(true), off = run(false);
    expect(on.outcome).toBe(off.outcome);
    expect(on.store).toBe(off.store);
    expect(on.lastRemoved).toEqual(off.lastRemoved);
    expect(off.lastRemoved[3]).toBe(-1);
    // Off: 5 deliveries of 5 messages a second; on: only the first second's, node3's receipts
    // after its store was emptied, and the 10 s after the stale slot (no stretch folds then).
    expect(off.delivered).toBe(40 * 25);
    expect(on.delivered).toBeLessThan(off.delivered - 25 * 25);
  });

  it('with a trace sink, which the stretch may feed, and maxTraceEvents reached mid-run', () => {
    const events = (stretch: boolean): string => {
      const seen: SimEvent[] = [];
      const sim = idleGroup(7, 9, { stretch, traceSink: (e) => seen.push(e) });
      sim.runFor('40s');
      return stretchOutcome(sim, seen);
    };
    expect(events(true)).toBe(events(false));
    const bounded = (stretch: boolean): string => {
      const sim = idleGroup(7, 3, { stretch, maxTraceEvents: 500 });
      expect(() => sim.runFor('10m')).toThrow(/maxTraceEvents/);
      return stretchOutcome(sim);
    };
    expect(bounded(true)).toBe(bounded(false));
  });
});

describe('the cache task\'s lane in a replay (SteadyReplay: skipped ticks reserved in place, slots taken off and placed back)', () => {
  interface LaneProbe {
    kernel: { tickLane: { tickTimeUs(s: number): number; tickKey(s: number): number; earliestSlot: number; minTime: number; minKey: number; wakeUs(s: number): number; args: Int32Array }; nextSequence: number; eventsDispatched: number };
    replay: { run(seconds: number): void };
  }

  /** The lane and the sequence counter as `sim` leaves them: every slot's pending time, key, argument and wake, and the earliest tick. */
  function laneState(sim: Simulation, members: number): string {
    const { kernel } = sim as unknown as LaneProbe, lane = kernel.tickLane;
    const slots = Array.from({ length: members }, (_, m) => {
      const t = lane.tickTimeUs(m);
      return t === Infinity ? `${m}: none wake ${lane.wakeUs(m)}` : `${m}: ${t}#${lane.tickKey(m)} arg ${lane.args[m]} wake ${lane.wakeUs(m)}`;
    });
    return [...slots, `earliest ${lane.earliestSlot} ${lane.minTime}#${lane.minKey}`, `next ${kernel.nextSequence}`, `events ${kernel.eventsDispatched}`].join('\n');
  }

  it('leaves every slot (time, key, argument, wake), the earliest tick and the sequence counter as the event-by-event run does, at the end of every replay', () => {
    let replays = 0;
    for (const [seed, members, splits] of [[12345, 9, [17_300_001, 9_000_000, 20_654_321]], [3, 9, [45_000_000]], [101, 5, [31_000_017, 14_000_000]], [102, 3, [26_500_000, 19_000_000]]] as const) {
      const on = idleGroup(seed, members, { stretch: true, traceSink: () => {} });
      const probe = on as unknown as LaneProbe, replay = probe.replay, run = replay.run.bind(replay);
      const ends: { atUs: number; state: string }[] = [];
      replay.run = (seconds: number): void => {
        run(seconds);
        ends.push({ atUs: on.nowUs, state: laneState(on, members) });
      };
      for (const d of splits) on.runFor(d);
      expect(ends.length, `seed ${seed}`).toBeGreaterThan(0);
      const off = idleGroup(seed, members, { stretch: false, traceSink: () => {} });
      for (const end of ends) {
        off.runFor(end.atUs - off.nowUs);
        expect(laneState(off, members), `seed ${seed} at ${end.atUs} µs`).toBe(end.state);
      }
      replays += ends.length;
    }
    expect(replays).toBeGreaterThanOrEqual(8);
  });
});

describe('a steady second repeats (what a stretch replays)', () => {
  it('dispatches the same events in the same order, draws as often and reserves as many places every second, but for the suspicions thread', () => {
    // The bench group at seed 12345, observed from 40 s on through the kernel's handlers, its
    // sequence counter and the network's random stream (internals, reached as a probe would).
    const sim = idleGroup(12345, 9, { stretch: true, traceSink: () => {} });
    sim.runFor('40s');
    const kernel = (sim as unknown as { kernel: { handlers: ((arg: number) => void)[]; handlerName(id: number): string; lane: { handler: (arg: number) => void }; queue: { seq: number } } }).kernel;
    const rng = (sim._net as unknown as { rng: { next: () => number } }).rng;
    let log: string[] = [], draws = 0;
    kernel.handlers.forEach((h, id) => {
      const name = kernel.handlerName(id);
      // A delivery's place among those of one learn depends on the jitter; what it does does not
      // (each reaches another member), so deliveries are counted, not placed.
      kernel.handlers[id] = name === 'network.deliver' ? (arg) => { h(arg); } : (arg) => { log.push(`${name}:${arg & 15}`); h(arg); };
    });
    const laneHandler = kernel.lane.handler;
    kernel.lane.handler = (arg) => { log.push(`cacheTick:${arg & 15}`); laneHandler(arg); };
    const draw = rng.next.bind(rng);
    rng.next = () => { draws++; return draw(); };
    const seconds: { order: string; events: number; seqs: number; draws: number; thread: number }[] = [];
    for (let s = 0; s < 20; s++) {
      const events = sim.eventsDispatched, seqs = kernel.queue.seq;
      log = [];
      draws = 0;
      // Event by event: a run with a predicate takes no stretch, so nothing is replayed.
      sim.runUntil(() => false, { limit: '1s' });
      const thread = log.filter((e) => e.startsWith('gcs.suspicionsThread')).length;
      seconds.push({
        order: log.filter((e) => !e.startsWith('gcs.suspicionsThread')).join(' '),
        events: sim.eventsDispatched - events - thread, seqs: kernel.queue.seq - seqs - thread, draws, thread,
      });
    }
    expect(sim.stretchStats.refusals).toEqual({ cache: 1, predicateRun: 20 });
    // 9 steps, 9 decisions, 72 deliveries, 9 alive ticks, 9 detector ticks, 9 dispatched cache ticks.
    expect(seconds[0]!.events).toBe(117);
    // 8 quiet sends per alive tick and 8 learns per decision, one draw each.
    expect(seconds[0]!.draws).toBe(144);
    for (const s of seconds) {
      expect(s.order).toBe(seconds[0]!.order);
      expect([s.events, s.seqs, s.draws]).toEqual([seconds[0]!.events, seconds[0]!.seqs, seconds[0]!.draws]);
    }
    // The 15 s suspicions thread of each member ticked once in the 20 seconds, or twice.
    const ticks = seconds.reduce((a, s) => a + s.thread, 0);
    expect(ticks).toBeGreaterThanOrEqual(9);
    expect(ticks).toBeLessThanOrEqual(18);
  });
});

describe('the order of a steady second (SteadyGroupCheck.secondOrder)', () => {
  const KINDS = ['step', 'decision', 'alive', 'detector', 'thread', 'laneSkip', 'cacheSample', 'decisionLane'];
  /** The periodic handlers, by kernel name, as secondOrder names their items. */
  const HANDLER_KINDS: Record<string, string> = {
    'gr.flowControlStats': 'step', 'consensus.decided': 'decision', 'xcom.alive': 'alive', 'xcom.detector': 'detector', 'gcs.suspicionsThread': 'thread',
  };
  interface Probe {
    kernel: { handlers: ((arg: number) => void)[]; handlerName(id: number): string; lane: { runEarliest(): boolean; earliestSlot: number; minTime: number }; queue: { seq: number } };
    steady: SteadyGroupCheck;
    xcom: { consensus: { inFlight: { proposer: number }[] }; cacheTaskTickUs(m: number): number };
  }

  /**
   * Runs `seconds` whole seconds of `sim` event by event, from a steady check that found the
   * second's order fixed, and returns per second the items the kernel ran (each member's kernel
   * events but the deliveries, which run inside their decision's block, and the lane's ticks,
   * skipped or dispatched), each as kind:member@offset with the sequence counter before it. A
   * lane tick that runs inside a decision's learn window runs in its block: it is not an item of
   * its own, and the decision's kind is then decisionLane. Internals reached as a probe would.
   */
  function recordSeconds(sim: Simulation, seconds: number): { items: string[]; seqs: number[]; start: number }[] {
    const probe = sim as unknown as Probe;
    const { kernel } = probe;
    let items: string[] = [], seqs: number[] = [], t0 = sim.nowUs;
    const handlers = [...kernel.handlers];
    kernel.handlers.forEach((h, id) => {
      const kind = HANDLER_KINDS[kernel.handlerName(id)];
      if (kind === undefined) return;
      kernel.handlers[id] = (arg) => {
        const member = kind === 'decision' ? probe.xcom.consensus.inFlight[arg]!.proposer : arg & 15;
        items.push(`${kind}:${member}@${sim.nowUs - t0}`);
        seqs.push(kernel.queue.seq);
        h(arg);
      };
    });
    const lane = kernel.lane, runEarliest = lane.runEarliest;
    lane.runEarliest = () => {
      const slot = lane.earliestSlot, t = lane.minTime, seq = kernel.queue.seq;
      const dispatched = runEarliest.call(lane);
      let block = items.length - 1; // the latest decision block so far (no findLastIndex in the tests' ES2022 lib)
      while (block >= 0 && !items[block]!.startsWith('decision')) block--;
      const [who, at] = block < 0 ? [0, -Infinity] : items[block]!.split(':')[1]!.split('@').map(Number) as [number, number];
      if (t - t0 >= at && t - t0 <= at + probe.steady.reachUs(who)) {
        items[block] = items[block]!.replace(/^decision(Lane)?:/, `decisionLane${dispatched ? '(sample)' : ''}:`);
      } else {
        items.push(`${dispatched ? 'cacheSample' : 'laneSkip'}:${slot}@${t - t0}`);
        seqs.push(seq);
      }
      return dispatched;
    };
    const out: { items: string[]; seqs: number[]; start: number }[] = [];
    try {
      for (let s = 0; s < seconds; s++) {
        items = [];
        seqs = [];
        t0 = sim.nowUs;
        const start = kernel.queue.seq;
        // Event by event: a run with a predicate takes no stretch, so nothing is replayed.
        sim.runUntil(() => false, { limit: STEADY_PERIOD_US });
        out.push({ items, seqs, start });
      }
    } finally {
      handlers.forEach((h, id) => { kernel.handlers[id] = h; });
      delete (lane as { runEarliest?: unknown }).runEarliest;
    }
    return out;
  }

  /** What secondOrder predicts for the second from now, in recordSeconds' form, or null when it refuses. */
  function predicted(sim: Simulation): { items: string[]; reserves: number[] } | null {
    if (sim._stretchRefusal() !== null) return null;
    const steady = (sim as unknown as Probe).steady;
    const count = steady.secondOrder();
    if (count < 0) return null;
    const items: string[] = [], reserves: number[] = [];
    for (let k = 0; k < count; k++) {
      items.push(`${KINDS[steady.orderKind[k]!]}:${steady.orderMember[k]}@${steady.orderUs[k]! - sim.nowUs}`);
      reserves.push(steady.orderReserves[k]!);
    }
    return { items, reserves };
  }

  /**
   * For each seed, a group of `members` run to `startS` s: when secondOrder holds, the next 3
   * seconds must run its items in its order, each starting at the sequence number its
   * predecessors' reservations give, and each second reserve what they add up to. Returns how
   * many seeds were compared and refused, and how many thread ticks and samples were compared.
   */
  function compare(seeds: readonly number[], members: number, startS: number, beforeThread = false): { compared: number; refused: number; threads: number; samples: number; laneBlocks: number } {
    let compared = 0, refused = 0, threads = 0, samples = 0, laneBlocks = 0;
    for (const seed of seeds) {
      const sim = idleGroup(seed, members, { stretch: true, traceSink: () => {} });
      sim.runFor(`${startS}s`);
      if (beforeThread) {
        // Half a second before the next suspicions-thread tick, so that the second predicted has one.
        sim._stretchRefusal();
        sim.runUntil(Math.min(...(sim as unknown as Probe).steady.threadUs) - 500_000);
      }
      const want = predicted(sim);
      if (want === null) {
        refused++;
        continue;
      }
      compared++;
      const kinds = want.items.map((i) => i.split(':')[0]);
      threads += kinds.filter((k) => k === KINDS[ORDER_THREAD]).length;
      samples += kinds.filter((k) => k === KINDS[ORDER_CACHE_SAMPLE]).length;
      laneBlocks += kinds.filter((k) => k === KINDS[ORDER_DECISION_LANE]).length;
      const seconds = recordSeconds(sim, 3);
      // The first second is the one predicted, thread ticks and sequence numbers included.
      const first = seconds[0]!;
      expect(first.items, `seed ${seed}`).toEqual(want.items);
      let seq = first.start;
      for (let k = 0; k < want.items.length; k++) {
        expect(first.seqs[k], `seed ${seed}, item ${want.items[k]}`).toBe(seq);
        seq += want.reserves[k]!;
      }
      // The next ones repeat it, but for the thread ticks (every 15 s).
      const noThread = (items: string[]): string[] => items.filter((i) => !i.startsWith(KINDS[ORDER_THREAD]!));
      for (const second of seconds) expect(noThread(second.items), `seed ${seed}`).toEqual(noThread(want.items));
    }
    return { compared, refused, threads, samples, laneBlocks };
  }

  it('is the order the kernel runs, with the sequence numbers each item reserves, on 9-member groups', () => {
    const seeds = [12345, ...Array.from({ length: 24 }, (_, k) => k + 1)];
    const r = compare(seeds, 9, 40);
    expect(r.compared).toBeGreaterThanOrEqual(15);
    expect(r.samples).toBe(9 * r.compared);
    // Seeds 2, 4, 8, 13, 16, 19 and 20: a skipped cache-task tick in another member's learn window.
    expect(r.laneBlocks).toBeGreaterThanOrEqual(5);
    const t = compare(seeds.slice(0, 12), 9, 40, true);
    expect(t.compared).toBeGreaterThanOrEqual(6);
    expect(t.threads).toBeGreaterThanOrEqual(t.compared);
  });

  it('on 3- and 5-member groups, and at other instants', () => {
    const a = compare(Array.from({ length: 10 }, (_, k) => 100 + k), 3, 20);
    const b = compare(Array.from({ length: 10 }, (_, k) => 200 + k), 5, 33);
    expect(a.compared + b.compared).toBeGreaterThanOrEqual(12);
  });

  it('walks whole seconds to the queue and sequence counter the kernel leaves (what a replay must materialise)', () => {
    type KernelProbe = Probe['kernel'] & { handlerIdOf(name: string): number; queuedEventsOf(id: number, t: Float64Array, k: Float64Array, a: Int32Array): number };
    let compared = 0, threadTicks = 0;
    for (const [seed, members, startS, seconds] of [[12345, 9, 40, 20], [3, 9, 40, 31], [5, 9, 61, 17], [101, 5, 30, 16], [102, 3, 25, 45]] as const) {
      const sim = idleGroup(seed, members, { stretch: true, traceSink: () => {} });
      sim.runFor(`${startS}s`);
      if (predicted(sim) === null) continue;
      compared++;
      const probe = sim as unknown as Probe, kernel = probe.kernel as KernelProbe, steady = probe.steady;
      const threadsBefore = Float64Array.from(steady.threadUs);
      const lanesBefore = Array.from({ length: members }, (_, m) => probe.xcom.cacheTaskTickUs(m));
      steady.beginWalk();
      const seq = steady.walkSeconds(seconds, kernel.queue.seq);
      expect(seq).toBeGreaterThan(0);
      const want = (times: Float64Array, keys: Float64Array): string[] => Array.from(times, (t, m) => `${m}@${t}#${keys[m]}`).sort();
      const expected = {
        step: want(steady.endStepUs, steady.endStepKey), alive: want(steady.endAliveUs, steady.endAliveKey),
        detector: want(steady.endDetectorUs, steady.endDetectorKey), thread: want(steady.endThreadUs, steady.endThreadKey),
      };
      sim.runFor(seconds * STEADY_PERIOD_US);
      const queued = (name: string): string[] => {
        const times = new Float64Array(16), keys = new Float64Array(16), args = new Int32Array(16);
        const got = kernel.queuedEventsOf(kernel.handlerIdOf(name), times, keys, args);
        return Array.from({ length: got }, (_, k) => `${args[k]! & 15}@${times[k]}#${keys[k]}`).sort();
      };
      expect({ step: queued('gr.flowControlStats'), alive: queued('xcom.alive'), detector: queued('xcom.detector'), thread: queued('gcs.suspicionsThread') }, `seed ${seed}`).toEqual(expected);
      expect(kernel.queue.seq, `seed ${seed}`).toBe(seq);
      // Whole seconds from a gap end at a gap at the same offset: each cache task's pending tick too.
      for (let m = 0; m < members; m++) expect(probe.xcom.cacheTaskTickUs(m)).toBe(lanesBefore[m]! + seconds * STEADY_PERIOD_US);
      threadTicks += Array.from(threadsBefore).filter((t) => t <= sim.nowUs).length;
    }
    expect(compared).toBeGreaterThanOrEqual(4);
    expect(threadTicks).toBeGreaterThanOrEqual(20);
  });

  it('refuses where an item could change places with a learn (seed 106: an alive tick in a learn window) and counts where it holds', () => {
    const sim = idleGroup(106, 9, { stretch: true, traceSink: () => {} });
    sim.runFor('40s');
    expect(predicted(sim)).toBeNull();
    const bench = idleGroup(12345, 9, { stretch: true, traceSink: () => {} });
    bench.runFor('10s');
    expect(bench.stretchStats.orderFixed).toBe(bench.stretchStats.steady);
    expect(predicted(bench)?.items.filter((i) => i.startsWith(KINDS[ORDER_DECISION]!)).length).toBe(9);
  });
});

describe("the replay's decision block (Consensus.decideInReplay)", () => {
  /** What the simulation holds that a decision and its learns write (internals, reached as a probe would). */
  type Internals = {
    kernel: { nextSequence: number; eventsDispatched: number; nowUs: number };
    _pipeline: { refObservers: Int32Array; receivedHas: Uint8Array };
    xcom: {
      n: number; detected: Float64Array; unreadBytes: Float64Array; lastSendOkUs: Float64Array;
      caches: { sizeBytes: number; cachedSlots: number }[]; cacheTaskTickUs(i: number): number;
      net: { linkTailUs(from: number, to: number): number };
      consensus: {
        executed: Int32Array; knownMax: Float64Array; waitSinceUs: Float64Array; roundDelayUs: Float64Array; findWait: Int32Array;
        logEnd: number; nextMsgno: number; inFlightFree: number[];
      };
    };
  };
  const blockState = (sim: Simulation): string => {
    const { kernel, xcom, _pipeline: p } = sim as unknown as Internals;
    const c = xcom.consensus, n = xcom.n;
    const tails: number[] = [];
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) tails.push(xcom.net.linkTailUs(i, j));
    return JSON.stringify({
      now: kernel.nowUs, events: kernel.eventsDispatched, seq: kernel.nextSequence, tails,
      detected: Array.from(xcom.detected), unread: Array.from(xcom.unreadBytes), sendOk: Array.from(xcom.lastSendOkUs),
      caches: xcom.caches.map((k, i) => [k.sizeBytes, k.cachedSlots, xcom.cacheTaskTickUs(i)]),
      executed: Array.from(c.executed), knownMax: Array.from(c.knownMax), waitSince: Array.from(c.waitSinceUs),
      roundDelay: Array.from(c.roundDelayUs), findWait: Array.from(c.findWait), logEnd: c.logEnd, msgno: c.nextMsgno,
      inFlightFree: [...c.inFlightFree], stats: [Array.from(p.refObservers), Array.from(p.receivedHas)],
    });
  };

  it('leaves what the decision and its learns write as the event-by-event run does, at runs ending at random instants', () => {
    // The links' last arrivals and last successful writes show nowhere else: the next second's sends
    // overwrite them before anything reads them in an idle group.
    let replayed = 0;
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 400 }), fc.constantFrom(3, 5, 9),
      fc.array(fc.integer({ min: 1, max: 9_000_000 }), { minLength: 2, maxLength: 5 }),
      (seed, members, splits) => {
        const off = idleGroup(seed, members, { stretch: false, traceSink: () => {} }), on = idleGroup(seed, members, { stretch: true, traceSink: () => {} });
        off.runFor('20s');
        on.runFor('20s');
        for (const d of splits) {
          off.runFor(d);
          on.runFor(d);
          expect(blockState(on)).toBe(blockState(off));
        }
        replayed += on.stretchStats.replayedUs;
      },
    ), { numRuns: 12 });
    expect(replayed).toBeGreaterThan(100_000_000);
  });

  it('replays the bench group, and a fault right after a replayed stretch finds the stamps and executor waits the learns left', () => {
    // Node4 crashes, node6 is cut off, or node2 loses its outgoing links just after a replayed
    // stretch ends at a random microsecond: the detectors read the learns' stamps, and the
    // executors' waits decide their read rounds.
    fc.assert(fc.property(fc.integer({ min: 30_000_000, max: 40_000_000 }), fc.constantFrom('crash', 'isolate', 'cut'), (faultUs, fault) => {
      const run = (stretch: boolean): { mid: string; end: string; replayedUs: number } => {
        const sim = idleGroup(12345, 9, { stretch, traceSink: () => {} });
        sim.runFor(faultUs);
        const mid = blockState(sim);
        if (fault === 'crash') sim.network.crash('node4');
        else if (fault === 'isolate') sim.network.isolate('node6');
        else for (let k = 1; k <= 9; k++) if (k !== 2) sim.network.cut('node2', `node${k}`);
        sim.runFor('12s');
        return { mid, end: stretchOutcome(sim), replayedUs: sim.stretchStats.replayedUs };
      };
      const on = run(true), off = run(false);
      expect(on.replayedUs).toBeGreaterThan(20_000_000);
      expect(on.mid).toBe(off.mid);
      expect(on.end).toBe(off.end);
    }), { numRuns: 6 });
  });
});

describe('the replay walk (SteadyGroupCheck.walkSeconds, SteadyReplay.runItems)', () => {
  it("runs each replayed item at the clock and order position the kernel's dispatch gives it", () => {
    // The order position is what a quiet arrival's collection compares its reserved place with,
    // inside an alive tick (a full ring) or any reader: an item run under another key would
    // collect differently only now and then, so the position itself is compared.
    type Probe = {
      kernel: { nowUs: number; orderPosition: number; lane: { handler: (arg: number) => void } };
      flowControl: { sendStep(slot: number): void };
      xcom: {
        aliveTick(arg: number): boolean; detectorTick(arg: number): boolean; cacheLearned(i: number, e: unknown): void;
        cacheSampleTick(i: number): boolean;
      };
      gcsNodes: { threadTickAtRest(arg: number): boolean }[];
    };
    const positions = (seed: number, members: number, stretch: boolean): { log: string; replayedUs: number } => {
      const sim = idleGroup(seed, members, { stretch, traceSink: () => {} });
      // Every replayed item run, none jumped over (SteadyJump runs no item; test/sim/steady-jump.test.ts).
      if (stretch) (sim as unknown as { replay: { jumps: boolean } }).replay.jumps = false;
      const p = sim as unknown as Probe, k = p.kernel, log: string[] = [];
      const note = (what: string, arg: number): void => { if (k.nowUs > 10_000_000) log.push(`${what}:${arg & 15}@${k.nowUs}/${k.orderPosition}`); };
      const wrap = <T extends object, K extends keyof T>(o: T, name: K, what: string): void => {
        const f = (o[name] as (...a: number[]) => unknown).bind(o);
        (o as Record<K, unknown>)[name] = (a: number, ...rest: number[]) => { note(what, a); return f(a, ...rest); };
      };
      wrap(p.flowControl, 'sendStep', 'step');
      wrap(p.xcom, 'aliveTick', 'alive');
      wrap(p.xcom, 'detectorTick', 'detector');
      wrap(p.xcom, 'cacheLearned', 'learn');
      p.gcsNodes.forEach((g) => wrap(g, 'threadTickAtRest', 'thread'));
      wrap(k.lane, 'handler', 'cacheTick');
      // The replay runs a sample tick through cacheSampleTick, not the lane's handler (a member index, as `& 15` leaves nodeArg).
      wrap(p.xcom, 'cacheSampleTick', 'cacheTick');
      sim.runFor('50s');
      return { log: log.join(' '), replayedUs: sim.stretchStats.replayedUs };
    };
    for (const [seed, members] of [[12345, 9], [3, 5], [145, 5]] as const) {
      const on = positions(seed, members, true), off = positions(seed, members, false);
      expect(on.replayedUs, `seed ${seed}`).toBeGreaterThan(30_000_000);
      expect(on.log, `seed ${seed}`).toBe(off.log);
    }
  });
});
