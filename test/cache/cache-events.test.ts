/**
 * The sampling rule of `cache` trace events (CacheEvent in src/observe/events.ts): the onset of
 * eviction, a clear and a limit change are reported at once or at the next 0.1 s cache-task run,
 * other changes at most once a second per member, and every sample carries the peak since the
 * previous one. With
 * flow-control statistics traffic (every member learns one slot per member per second) an idle
 * group's caches grow all the time; these tests keep its trace within the default bound for a
 * day and check that the peaks the report reads are the caches' true ones.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSimulation, type CacheEvent, type SimEvent } from '../../src/index.js';
import { DEFAULT_MAX_TRACE_EVENTS } from '../../src/sim/simulation-options.js';
import { MessageCache } from '../../src/xcom/message-cache.js';
import { renderCacheSection } from '../../src/report/text-report.js';

const SEC = 1_000_000;
const HOUR = 3600 * SEC;
const MIB_128 = 134_217_728;
const TRAFFIC = { flowControlStatsTraffic: 1, xcomRetryBackoff: 1 } as const;
const NINE = ['n1', 'n2', 'n3', 'n4', 'n5', 'n6', 'n7', 'n8', 'n9'];

/** Records, per cache, the highest size it reached right after learning a slot (before shrink_cache). */
function watchTruePeaks(): Map<MessageCache, number> {
  const peaks = new Map<MessageCache, number>();
  const addCell = MessageCache.prototype.addCell;
  vi.spyOn(MessageCache.prototype, 'addCell').mockImplementation(function (this: MessageCache, slot, bytes, slots, tag) {
    const added = addCell.call(this, slot, bytes, slots, tag);
    if (this.sizeBytes > (peaks.get(this) ?? 0)) peaks.set(this, this.sizeBytes);
    return added;
  });
  return peaks;
}

afterEach(() => { vi.restoreAllMocks(); });

describe('cache events with flow-control statistics traffic', () => {
  it('an idle 9-member group stays far below the default trace bound for 24 h, growing or at its limit', () => {
    // The caches grow about 70 MB an hour each: with the smallest limit (128 MiB) they are full
    // after about 1.9 h and evict at every learn from then on. An hour of growth and the last 10
    // minutes at the limit are counted, a day extrapolated from the busier (the run is linear:
    // nothing but traffic happens). Without the rule this group emitted about 65 cache events a
    // second growing, and at its limit about 65 as well (5.6 million a day).
    let events = 0, cacheEvents = 0;
    const lastUs = new Map<string, number>();
    let closest = Infinity;
    const sim = createSimulation({
      seed: 3, members: NINE, mode: 'multi-primary', model: TRAFFIC,
      options: { group_replication_message_cache_size: MIB_128 },
      traceSink: (e: SimEvent) => {
        events++;
        if (e.type !== 'cache') return;
        cacheEvents++;
        const last = lastUs.get(e.member);
        if (last !== undefined) closest = Math.min(closest, e.t - last);
        lastUs.set(e.member, e.t);
      },
    });
    sim.runUntil(HOUR);
    const growing = events;
    // Growth: one sample a second per member.
    expect(cacheEvents).toBeGreaterThan(9 * 3600 * 0.95);
    expect(cacheEvents).toBeLessThanOrEqual(9 * 3600 + 9);
    expect(closest).toBeGreaterThanOrEqual(SEC - 50_000);
    for (const m of NINE) expect(sim.member(m).xcomCache().evicted).toBe(0);
    sim.runUntil(2 * HOUR);
    for (const m of NINE) expect(sim.member(m).xcomCache().evicted).toBeGreaterThan(0);
    const before = events, cacheBefore = cacheEvents;
    sim.runUntil(2 * HOUR + HOUR / 6);
    const atLimit = (events - before) * 6;
    // At the limit: still about one sample a second per member (each evicts at every learn).
    expect(cacheEvents - cacheBefore).toBeGreaterThan(9 * 600 * 0.95);
    expect(cacheEvents - cacheBefore).toBeLessThanOrEqual(9 * 600 + 9);
    expect(24 * Math.max(growing, atLimit)).toBeLessThan(DEFAULT_MAX_TRACE_EVENTS / 2);
  });

  it('the sampled peaks are the true peaks of a growing cache', () => {
    const truePeaks = watchTruePeaks();
    const events: CacheEvent[] = [];
    const sim = createSimulation({
      seed: 4, members: ['a', 'b', 'c'], mode: 'multi-primary', model: TRAFFIC,
      traceSink: (e: SimEvent) => { if (e.type === 'cache') events.push(e); },
    });
    sim.runUntil(60.05 * SEC);
    for (const [slot, m] of ['a', 'b', 'c'].entries()) {
      const mine = events.filter((e) => e.member === m);
      const truePeak = truePeaks.get(sim._cache(slot))!;
      expect(truePeak).toBeGreaterThan(0);
      // Growth after the last sample (held back, < 1 s) is the cache's size at the end.
      expect(sim.member(m).xcomCache().bytes).toBe(truePeak);
      expect(Math.max(...mine.map((e) => e.peakBytes))).toBeLessThanOrEqual(truePeak);
      expect(Math.max(...mine.map((e) => e.peakBytes), sim.member(m).xcomCache().bytes)).toBe(truePeak);
      expect(mine.length).toBeLessThanOrEqual(61);
    }
  });

  it('the sampled peaks are the true peaks of caches that evict, are cleared and get a new limit', () => {
    const truePeaks = watchTruePeaks();
    const sim = createSimulation({
      seed: 5, members: ['a', 'b', 'c'], mode: 'multi-primary', model: TRAFFIC,
      options: { group_replication_message_cache_size: 2 * MIB_128 },
      workload: [{ member: 'a', rate: 10_000, size: 1024 }],
    });
    // c crashes once its cache is full (a clear), and b's limit is lowered (a shrink at once).
    sim.at(20 * SEC, (s) => s.network.crash('c'));
    sim.at(24 * SEC, (s) => s.member('b').set('group_replication_message_cache_size', MIB_128));
    sim.runUntil(30 * SEC);
    const events = sim.trace.filter((e): e is CacheEvent => e.type === 'cache');
    for (const [slot, m] of ['a', 'b', 'c'].entries()) {
      const mine = events.filter((e) => e.member === m);
      const sampledPeak = Math.max(...mine.map((e) => e.peakBytes));
      // The true peak is the boot pause's overshoot (nothing evicted in the first 5 s) or later.
      const truePeak = truePeaks.get(sim._cache(slot))!;
      expect(truePeak).toBeGreaterThan(0);
      expect(sampledPeak).toBe(truePeak);
      expect(mine.some((e) => e.peakBytes > e.bytes)).toBe(true);
      // Some samples report slots freed.
      const evicting = mine.filter((e, k) => k > 0 && e.evicted > mine[k - 1]!.evicted);
      expect(evicting.length).toBeGreaterThan(0);
    }
    // The crash cleared c's cache: its last sample is the clear, carrying the size it had.
    const cLast = events.filter((e) => e.member === 'c').at(-1)!;
    expect(cLast.t).toBe(20 * SEC);
    expect(cLast.bytes).toBe(0);
    expect(cLast.peakBytes).toBeGreaterThan(MIB_128);
    // The text report shows each member's true peak.
    const section = renderCacheSection(sim);
    for (const [slot, m] of ['a', 'b', 'c'].entries()) {
      const truePeak = truePeaks.get(sim._cache(slot))!;
      expect(section).toContain(`${m}: peak ${(truePeak / 1_048_576).toFixed(2)} MiB of `);
    }
  });
});
