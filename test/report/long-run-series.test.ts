import { describe, expect, it } from 'vitest';
import { createSimulation, parseScenario, type CacheEvent } from '../../src/index.js';
import { CACHE_POINT_SPACING_US, cachePointSpacingUs, MAX_CACHE_POINTS_PER_MEMBER, reportFold } from '../../src/report/json-report.js';

describe('cache points of a long run', () => {
  it('are 0.1 s apart up to an hour, then the run length over 36,000, rounded up to 0.1 s', () => {
    expect(MAX_CACHE_POINTS_PER_MEMBER).toBe(36_000);
    expect(cachePointSpacingUs(30_000_000)).toBe(CACHE_POINT_SPACING_US);
    expect(cachePointSpacingUs(3_600_000_000)).toBe(100_000);
    expect(cachePointSpacingUs(3_600_000_001)).toBe(200_000);
    expect(cachePointSpacingUs(5_400_000_000)).toBe(200_000);
    expect(cachePointSpacingUs(86_400_000_000)).toBe(2_400_000);
    expect(cachePointSpacingUs(7 * 86_400_000_000)).toBe(16_800_000);
  });

  it('a 65-minute run keeps each member\'s points at least 0.2 s apart, at most 36,000 of them', () => {
    // A cache that changes at every 0.1 s task run (one that evicts all the time: the trace then has
    // a sample per tick, see CacheEvent), fed to the report's fold as such a run would emit it.
    const scenario = parseScenario('members: [a, b]\nmode: multi-primary\nuntil: "+65m"\n', 'f.yaml');
    const sim = createSimulation({ seed: 1, members: ['a', 'b'], mode: 'multi-primary' });
    const byMember = new Map<string, number[]>();
    const keptPeaks: number[] = [];
    const fold = reportFold(sim, scenario, 'test', (section, entry) => {
      if (section !== 'cache') return;
      const p = entry as { t: number; member: string; peakBytes: number };
      if (p.member === 'a') keptPeaks.push(p.peakBytes);
      const times = byMember.get(p.member) ?? [];
      times.push(Math.round(p.t * 1e6));
      byMember.set(p.member, times);
    });
    // Every seventh sample peaks high: a kept point carries the highest peak of the samples it spaced out.
    const peakAt = (tick: number): number => tick + (tick % 7 === 3 ? 1_000_000 : 0);
    for (let tick = 1; tick <= 39_000; tick++) {
      for (const member of ['a', 'b']) {
        const e: CacheEvent = { type: 'cache', t: tick * 100_000 + 3_000, member, bytes: tick, peakBytes: peakAt(tick), count: tick, evicted: tick, limit: 134_217_728 };
        fold.observe(e);
      }
    }
    expect([...byMember.keys()].sort()).toEqual(['a', 'b']);
    const keptTicks = byMember.get('a')!.map((t) => Math.round((t - 3_000) / 100_000));
    keptTicks.forEach((tick, k) => {
      let highest = 0;
      for (let j = k === 0 ? 1 : keptTicks[k - 1]! + 1; j <= tick; j++) highest = Math.max(highest, peakAt(j));
      expect(keptPeaks[k]).toBe(highest);
    });
    for (const times of byMember.values()) {
      expect(times.length).toBeLessThanOrEqual(MAX_CACHE_POINTS_PER_MEMBER);
      // The cache changes every 0.1 s task run here, so the points are as dense as the rule allows.
      expect(times.length).toBeGreaterThan(3900 / 0.2 * 0.9);
      let closest = Infinity;
      for (let i = 1; i < times.length; i++) closest = Math.min(closest, times[i]! - times[i - 1]!);
      expect(closest).toBeGreaterThanOrEqual(200_000);
    }
  });
});
