import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSimulation, type SimEvent, type Simulation, type SimulationOptions } from '../../src/index.js';
import { stretchOutcome } from '../../src/sim/stretch-outcome.js';

/** The bench's idle group (bench/full-group.mjs): `members` members, multi-primary, default network. */
function idleGroup(seed: number, members: number, more: Partial<SimulationOptions> = {}): Simulation {
  return createSimulation({ seed, members: Array.from({ length: members }, (_, i) => `node${i + 1}`), mode: 'multi-primary', ...more });
}

/** The internals a jump over steady seconds moves on (reached as a probe would). */
interface Internals {
  kernel: {
    nowUs: number; eventsDispatched: number; nextSequence: number;
    tickLane: { tickTimeUs(s: number): number; tickKey(s: number): number; wakeUs(s: number): number; earliestSlot: number; minTime: number; minKey: number };
  };
  replay: { jumps: boolean; heldUs: Float64Array; heldKey: Float64Array };
  gcsNodes: { threadGen: number; cacheLastRemoved: number }[];
  xcom: {
    n: number; detected: Float64Array; deliveredSeen: Float64Array; deliveredFloor: Float64Array; lastSendOkUs: Float64Array; unreadBytes: Float64Array;
    allAliveUntilUs: Float64Array; cacheTickUs: Float64Array; cacheArmed: Uint8Array; cacheWakeSteady: Uint8Array;
    reportedCacheBytes: Float64Array; reportedFreedSlots: Float64Array; reportedCacheUs: Float64Array; reportedCacheFreeing: Uint8Array; cachePeakBytes: Float64Array;
    caches: { sizeBytes: number; cachedSlots: number; slotCount: number; recordCount: number; freedSlots: number; lastRemovedSlot: number; instrument: { row(): object } }[];
    net: {
      linkTailUs(from: number, to: number): number;
      quiet: { room: number; timeUs: Float64Array; seq: Float64Array; kind: Int32Array; a: Float64Array; b: Float64Array; head: Int32Array; len: Int32Array; lowestB: Float64Array; lowestBTo: Float64Array; perReceiver: Int32Array; total: number };
    };
    consensus: {
      executed: Int32Array; knownMax: Float64Array; waitSinceUs: Float64Array; roundDelayUs: Float64Array; findWait: Int32Array;
      logEnd: number; logBase: number; nextMsgno: number; inFlightFree: number[]; inFlightSentUs: number[]; inFlightAcceptors: number[];
      entry(index: number): object | undefined;
    };
  };
}

/**
 * Everything a steady second writes that a jump must leave as the seconds run one by one would:
 * the kernel's clock, counters and tick lane, every stamp, delivered msgno and time of the links,
 * the quiet rings cell by cell, the caches, their tasks and P_S rows, the consensus counters and
 * every log entry, the in-flight ids, the suspicions threads' generations.
 */
function deepState(sim: Simulation): string {
  const { kernel, xcom, gcsNodes } = sim as unknown as Internals;
  const n = xcom.n, c = xcom.consensus, q = xcom.net.quiet, lane = kernel.tickLane;
  const rings: number[][] = [];
  for (let link = 0; link < n * n; link++) {
    const len = q.len[link] as number, cells: number[] = [len, q.lowestB[link] as number];
    for (let k = 0; k < len; k++) {
      const cell = link * q.room + (((q.head[link] as number) + k) & (q.room - 1));
      cells.push(q.timeUs[cell] as number, q.seq[cell] as number, q.kind[cell] as number, q.a[cell] as number, q.b[cell] as number);
    }
    rings.push(cells);
  }
  const log: object[] = [];
  for (let i = c.logBase; i < c.logEnd; i++) log.push(c.entry(i) as object);
  const tails: number[] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) tails.push(xcom.net.linkTailUs(i, j));
  return JSON.stringify({
    now: kernel.nowUs, events: kernel.eventsDispatched, seq: kernel.nextSequence,
    lane: Array.from({ length: n }, (_, m) => [lane.tickTimeUs(m), lane.tickTimeUs(m) === Infinity ? 0 : lane.tickKey(m), lane.wakeUs(m)]),
    earliest: [lane.earliestSlot, lane.minTime, lane.minKey],
    tails, rings, ringTotals: [q.room, q.total, Array.from(q.perReceiver), Array.from(q.lowestBTo)],
    detected: Array.from(xcom.detected), deliveredSeen: Array.from(xcom.deliveredSeen), deliveredFloor: Array.from(xcom.deliveredFloor),
    sendOk: Array.from(xcom.lastSendOkUs), unread: Array.from(xcom.unreadBytes), allAlive: Array.from(xcom.allAliveUntilUs),
    cacheTasks: [Array.from(xcom.cacheTickUs), Array.from(xcom.cacheArmed), Array.from(xcom.cacheWakeSteady)],
    reported: [Array.from(xcom.reportedCacheBytes), Array.from(xcom.reportedFreedSlots), Array.from(xcom.reportedCacheUs), Array.from(xcom.reportedCacheFreeing), Array.from(xcom.cachePeakBytes)],
    caches: xcom.caches.map((k) => [k.sizeBytes, k.cachedSlots, k.slotCount, k.recordCount, k.freedSlots, k.lastRemovedSlot, k.instrument.row()]),
    executed: Array.from(c.executed), knownMax: Array.from(c.knownMax), waitSince: Array.from(c.waitSinceUs),
    roundDelay: Array.from(c.roundDelayUs), findWait: Array.from(c.findWait), logBase: c.logBase, logEnd: c.logEnd, msgno: c.nextMsgno, log,
    inFlight: [[...c.inFlightFree], c.inFlightSentUs.slice(), c.inFlightAcceptors.slice()],
    gcs: gcsNodes.map((g) => [g.threadGen, g.cacheLastRemoved]),
  });
}

/** Two deepState answers compared field by field, so that a difference names its field. */
function expectSameState(got: string | object, want: string | object, what: string): void {
  const g = (typeof got === 'string' ? JSON.parse(got) : got) as Record<string, unknown>;
  const w = (typeof want === 'string' ? JSON.parse(want) : want) as Record<string, unknown>;
  expect(Object.keys(g)).toEqual(Object.keys(w));
  for (const k of Object.keys(w)) expect(g[k], `${what}: ${k}`).toEqual(w[k]);
}

/** The replay's cache-task slots held off the lane (time and key), which its next second reads. */
function held(sim: Simulation): string {
  const r = (sim as unknown as Internals).replay;
  return JSON.stringify([Array.from(r.heldUs), Array.from(r.heldKey)]);
}

/**
 * deepState as a jump leaves it at its end, before the exact seconds after it: the times the draws
 * decide (the stamps, the links' last arrivals, the quiet cells' arrival times, the executors'
 * waits, the all-alive bounds), the key of a cache-task slot a learn armed (the learns' order is
 * drawn) and the GCS last removed slots (a replay sets them at its end) are left out; every other field must be what the seconds run one by one leave. The
 * cache-task slots are read where the replay holds them (off the lane) when it does.
 */
function jumpState(sim: Simulation, replaying: boolean): object {
  const state = JSON.parse(deepState(sim)) as Record<string, unknown>;
  const { xcom, replay } = sim as unknown as Internals;
  const n = xcom.n;
  state.detected = (state.detected as number[]).map((t, p) => (p % (n + 1) === 0 ? t : 'drawn'));
  state.tails = 'drawn';
  state.waitSince = 'drawn';
  state.allAlive = 'drawn';
  state.rings = (state.rings as number[][]).map((cells) => cells.map((v, k) => (k >= 2 && (k - 2) % 5 === 0 ? 'drawn' : v)));
  state.lane = (state.lane as number[][]).map(([t, key, wake], m) => {
    const heldUs = replaying ? (replay.heldUs[m] as number) : Infinity;
    if (heldUs !== Infinity) return [heldUs, replay.heldKey[m], wake];
    return [t, replaying && t !== null ? 'armed' : key, wake];
  });
  state.earliest = 'lane';
  // A replay settles each GCS's last removed slot at its end (Simulation.settleFoldedLastRemoved).
  state.gcs = (state.gcs as number[][]).map(([threadGen]) => [threadGen, 'settled at the replay\'s end']);
  return state;
}

describe('jumps over steady seconds (SteadyJump)', () => {
  it('leaves at its end what the seconds it jumps leave, but for the times the draws decide', () => {
    let jumps = 0;
    // Seeds 2 (3 and 5 members) and 8 (5 members): decision blocks with another member's cache-task
    // tick inside (ORDER_DECISION_LANE), whose slot the jump leaves on the lane with a stand-in key.
    for (const [seed, members] of [[12345, 9], [3, 9], [101, 5], [102, 3], [2, 3], [2, 5], [8, 5]] as const) {
      const on = idleGroup(seed, members, { stretch: true, traceSink: () => {} });
      const jumper = (on as unknown as { replay: { jumper: { jump(...a: unknown[]): void } } }).replay.jumper, jump = jumper.jump.bind(jumper);
      const ends: { atUs: number; state: object }[] = [];
      jumper.jump = (...a: unknown[]): void => {
        jump(...a);
        ends.push({ atUs: on.nowUs, state: jumpState(on, true) });
      };
      on.runFor('100s');
      on.runFor(37_000_001);
      on.runFor('60s');
      const off = idleGroup(seed, members, { stretch: false, traceSink: () => {} });
      for (const end of ends) {
        off.runFor(end.atUs - off.nowUs);
        const want = jumpState(off, false) as Record<string, unknown>, got = end.state as Record<string, unknown>;
        // The slot a learn armed: the event-by-event run's key is the one left out.
        got.lane = (got.lane as unknown[][]).map((slot, m) => (slot[1] === 'armed' ? [slot[0], (want.lane as unknown[][])[m]![1], slot[2]] : slot));
        expectSameState(got, want, `seed ${seed} at ${end.atUs} µs`);
      }
      jumps += ends.length;
    }
    expect(jumps).toBeGreaterThanOrEqual(8);
  });

  it('jumps most of a long stretch and leaves every internal the seconds run one by one leave, on 9-, 5- and 3-member groups', () => {
    for (const [seed, members] of [[12345, 9], [3, 9], [101, 5], [7, 5], [102, 3], [13, 5], [32, 3]] as const) {
      const traces: SimEvent[][] = [[], []];
      const on = idleGroup(seed, members, { stretch: true, traceSink: (e) => { traces[0]!.push(e); } });
      const off = idleGroup(seed, members, { stretch: false, traceSink: (e) => { traces[1]!.push(e); } });
      for (const d of ['47s', '120s', 3_000_017, '90s', '300s']) {
        on.runFor(d);
        off.runFor(d);
        expectSameState(deepState(on), deepState(off), `seed ${seed} at ${on.nowUs} µs`);
      }
      expect(stretchOutcome(on, traces[0]), `seed ${seed}`).toBe(stretchOutcome(off, traces[1]));
      // Most of what was replayed jumped: each stretch but its first second, its exact tail (the
      // rings' 16 s and 2 more) and what is left of a multiple of 5 s (405 of 559 s at seed 12345).
      const { jumpedUs, replayedUs } = on.stretchStats;
      expect(replayedUs, `seed ${seed}`).toBeGreaterThan(500_000_000);
      expect(jumpedUs, `seed ${seed}`).toBeGreaterThan(0.6 * replayedUs);
    }
  });

  it('jumps while the caches evict steadily, from the eviction onset of the smallest cache on (cells, P_S rows, last removed slots, samples)', () => {
    // 128 MiB (8.0.21's minimum) fills at about 114 min of the bench group's statistics traffic.
    const traces: SimEvent[][] = [[], []];
    const build = (stretch: boolean, trace: SimEvent[]): Simulation =>
      idleGroup(12345, 9, { stretch, traceSink: (e) => { trace.push(e); }, options: { group_replication_message_cache_size: 134_217_728 } });
    const on = build(true, traces[0]!), off = build(false, traces[1]!);
    const jumper = (on as unknown as { replay: { jumper: { jump(...a: unknown[]): void } } }).replay.jumper, jump = jumper.jump.bind(jumper);
    const ends: { atUs: number; state: object; evicting: boolean }[] = [];
    let evictingUs = 0;
    jumper.jump = (...a: unknown[]): void => {
      const evicting = on.members.every((m) => m.xcomCache().evicted > 0), from = on.nowUs;
      jump(...a);
      if (evicting) evictingUs += on.nowUs - from;
      ends.push({ atUs: on.nowUs, state: jumpState(on, true), evicting });
    };
    for (const d of ['110m', 7_777_777, '20m', 1_234_567, '15m']) {
      on.runFor(d);
      for (const end of ends.splice(0)) {
        off.runFor(end.atUs - off.nowUs);
        const want = jumpState(off, false) as Record<string, unknown>, got = end.state as Record<string, unknown>;
        got.lane = (got.lane as unknown[][]).map((slot, m) => (slot[1] === 'armed' ? [slot[0], (want.lane as unknown[][])[m]![1], slot[2]] : slot));
        expectSameState(got, want, `jump ending at ${end.atUs} µs${end.evicting ? ', evicting' : ''}`);
        if (end.evicting) expect(off.members.every((m) => m.xcomCache().evicted > 0)).toBe(true);
      }
      off.runFor(on.nowUs - off.nowUs);
      expectSameState(deepState(on), deepState(off), `at ${on.nowUs} µs`);
    }
    expect(stretchOutcome(on, traces[0])).toBe(stretchOutcome(off, traces[1]));
    // The evicting half hour jumped too, but for each stretch's first second and exact tail.
    expect(evictingUs).toBeGreaterThan(25 * 60_000_000);
    expect(on.stretchStats.jumpedUs).toBeGreaterThan(0.85 * on.stretchStats.replayedUs);
    expect(on.members.every((m) => m.xcomCache().evicted > 81 * 30 * 60)).toBe(true);
  });

  it('jumps a 2- or 3-member group too, once its learns are past their shrink_cache warm-up (a few seconds in)', () => {
    // The warm-up's 32 learns take 8 s of a 2-member group's traffic: the first stretch's jump comes
    // at the first second after them, not at its first second.
    for (const [seed, members] of [[1, 2], [1, 3], [44, 2]] as const) {
      const traces: SimEvent[][] = [[], []];
      const on = idleGroup(seed, members, { stretch: true, traceSink: (e) => { traces[0]!.push(e); } });
      const off = idleGroup(seed, members, { stretch: false, traceSink: (e) => { traces[1]!.push(e); } });
      on.runFor('600s');
      off.runFor('600s');
      expectSameState(deepState(on), deepState(off), `seed ${seed}, ${members} members`);
      expect(stretchOutcome(on, traces[0])).toBe(stretchOutcome(off, traces[1]));
      expect(on.stretchStats.jumpedUs, `seed ${seed}, ${members} members`).toBeGreaterThan(560_000_000);
    }
  });

  it('leaves the same state and trace as the replay that runs every second, at runs ending at random instants', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 400 }), fc.constantFrom(3, 5, 9),
      fc.array(fc.integer({ min: 1, max: 120_000_000 }), { minLength: 1, maxLength: 4 }),
      (seed, members, splits) => {
        const traces: SimEvent[][] = [[], []];
        const jumping = idleGroup(seed, members, { stretch: true, traceSink: (e) => { traces[0]!.push(e); } });
        const stepping = idleGroup(seed, members, { stretch: true, traceSink: (e) => { traces[1]!.push(e); } });
        (stepping as unknown as Internals).replay.jumps = false;
        for (const d of splits) {
          jumping.runFor(d);
          stepping.runFor(d);
          expectSameState(deepState(jumping), deepState(stepping), `seed ${seed}, ${members} members, at ${jumping.nowUs} µs`);
          expect(held(jumping)).toBe(held(stepping));
        }
        expect(stretchOutcome(jumping, traces[0])).toBe(stretchOutcome(stepping, traces[1]));
        expect(jumping.stretchStats.replayedUs).toBe(stepping.stretchStats.replayedUs);
      },
    ), { numRuns: 12 });
  });

  it('a fault at a random microsecond after a jump finds what the seconds run one by one leave', () => {
    fc.assert(fc.property(fc.integer({ min: 60_000_000, max: 200_000_000 }), fc.constantFrom('crash', 'isolate', 'cut', 'freeze'), (faultUs, fault) => {
      const run = (stretch: boolean): { end: string; jumpedUs: number } => {
        const trace: SimEvent[] = [];
        const sim = idleGroup(12345, 9, { stretch, traceSink: (e) => { trace.push(e); } });
        sim.runFor(faultUs);
        if (fault === 'crash') sim.network.crash('node4');
        else if (fault === 'isolate') sim.network.isolate('node6');
        else if (fault === 'freeze') sim.network.freeze('node3');
        else for (let k = 1; k <= 9; k++) if (k !== 2) sim.network.cut('node2', `node${k}`);
        sim.runFor('40s');
        return { end: `${stretchOutcome(sim, trace)}\n${deepState(sim)}`, jumpedUs: sim.stretchStats.jumpedUs };
      };
      const on = run(true), off = run(false);
      expect(on.jumpedUs).toBeGreaterThan(20_000_000);
      expect(on.end).toBe(off.end);
    }), { numRuns: 8 });
  });
});
