import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { classifyOutage, runOutage, type OutageOutcome } from '../../src/sizing/outage-run.js';
import {
  AFTER_HEAL_US, bandwidthWarning, cadenceWaitS, PLAUSIBLE_NETWORK_BYTES_PER_SECOND, sizeCache, UNLIMITED_CACHE_BYTES, UNLIMITED_WARMUP_US, warmupForUs, type CacheSizing,
} from '../../src/sizing/size-cache.js';
import { normalizeSizing, type SizeCacheInput } from '../../src/sizing/sizing-input.js';

const MIB = 1_048_576;
const members = ['node1', 'node2', 'node3'];
const workload = [{ member: 'node1', rate: 2000, size: '1KiB' }];
const base: SizeCacheInput = { members, workload };
const T60: SizeCacheInput = { ...base, options: { group_replication_member_expel_timeout: 60 } };

function outcomesAt(input: SizeCacheInput, r: CacheSizing, cacheBytes: number, outageUs: number): OutageOutcome[] {
  const n = normalizeSizing(input);
  const warmupUs = cacheBytes === UNLIMITED_CACHE_BYTES ? UNLIMITED_WARMUP_US : warmupForUs(cacheBytes, r.growthBytesPerSecond);
  return n.seeds.map((seed) => runOutage(n.group, { seed, cacheBytes, warmupUs, outageUs, afterUs: AFTER_HEAL_US }).outcome);
}

describe('sizeCache (expel timeout 60 s, 2000/s × 1 KiB, default outage)', () => {
  const r = sizeCache(T60);

  it('finds a size above the minimum on the 1 MiB grid, with the failing size one step below', () => {
    expect(r.atMinimum).toBe(false);
    expect(r.silentMember).toBe('node3');
    expect(r.seeds).toEqual([1, 2, 3]);
    expect(r.cacheSizeBytes).toBeGreaterThan(r.minimumBytes);
    expect((r.cacheSizeBytes - r.minimumBytes) % MIB).toBe(0);
    expect(r.failingBelowBytes).toBe(r.cacheSizeBytes - MIB);
    expect(r.failingBelowOutcomes).toContain('evicted, rejoined');
  });

  it('rerunning: the answer catches up in every seed, one step below some seed is evicted', () => {
    expect(outcomesAt(T60, r, r.cacheSizeBytes, r.outageUs)).toEqual(['caught up', 'caught up', 'caught up']);
    expect(outcomesAt(T60, r, r.cacheSizeBytes - MIB, r.outageUs)).toContain('evicted, rejoined');
  });

  it('the default outage is the longest without an expel: 0.5 s longer is expelled by timeout', () => {
    expect(r.outageSource).toBe('longest-without-expel');
    expect(r.expelledOutageUs).toBe(r.outageUs + 500_000);
    expect(outcomesAt(T60, r, UNLIMITED_CACHE_BYTES, r.outageUs)).not.toContain('expelled by timeout');
    expect(outcomesAt(T60, r, UNLIMITED_CACHE_BYTES, r.expelledOutageUs as number)).toContain('expelled by timeout');
    // At most detection (~5 s) + 15 s × ⌈60/15⌉; under a write load the killer's connection to the
    // silent member was closed by the reaper once its writes blocked, so the member is heard again
    // only after a redial (up to 11 s of back-off) and the longest safe outage is shorter.
    expect(r.outageUs).toBeGreaterThan(53_000_000);
    expect(r.outageUs).toBeLessThan(66_000_000);
  });

  it('reports the rule of thumb and the exact-cadence estimate from the measured growth', () => {
    expect(r.growthBytesPerSecond).toBeGreaterThan(2000 * 1024);
    expect(r.ruleOfThumbBytes).toBe(Math.round(r.growthBytesPerSecond * 65));
    expect(r.outageGrowthBytesPerSecond).not.toBeNull();
    expect(r.outageGrowthBytesPerSecond!).toBeLessThan(r.growthBytesPerSecond); // no-op filling of the dead channel
    expect(r.cadenceWindowUs).toBe(r.detectionUs + 60_000_000);
    // 2000 × 1 KiB/s: the group keeps up while node3 is silent, so no backlog builds.
    expect(r.outageBacklogBytesPerSecond).toBe(0);
    expect(r.exactCadenceBytes).toBe(Math.round((r.outageGrowthBytesPerSecond! * r.cadenceWindowUs) / 1e6));
    expect(r.ruleOfThumbRatio).toBeCloseTo(r.ruleOfThumbBytes / r.cacheSizeBytes, 12);
    // The estimate from the real cadence lands within 10 % of the simulated answer.
    expect(Math.abs(r.exactCadenceBytes / r.cacheSizeBytes - 1)).toBeLessThan(0.1);
  });

  it('is deterministic', () => {
    expect(sizeCache(T60)).toEqual(r);
  });
});

describe('sizeCache (defaults: expel timeout 5 s)', () => {
  it('flags the minimum when 128 MiB already suffices for the longest outage without an expel', () => {
    const r = sizeCache(base);
    expect(r.expelTimeoutS).toBe(5);
    expect(r.atMinimum).toBe(true);
    expect(r.cacheSizeBytes).toBe(134_217_728);
    expect(r.failingBelowBytes).toBeNull();
    expect(r.outageUs).toBeGreaterThan(15_000_000);
    expect(r.outageUs).toBeLessThan(22_000_000);
    expect(r.ruleOfThumbBytes).toBe(Math.round(r.growthBytesPerSecond * 10));
  });

  it('sizes for a given outage, with given seeds and a chosen silent member', () => {
    const r = sizeCache({ ...T60, outage: '40s', seeds: [7], silent: 'node2', precision: '4MiB' });
    expect(r.outageSource).toBe('given');
    expect(r.outageUs).toBe(40_000_000);
    expect(r.silentMember).toBe('node2');
    expect(r.seeds).toEqual([7]);
    expect(r.precisionBytes).toBe(4 * MIB);
  });
});

describe('cadenceWaitS: the suspicions thread expels at creation + 15·k, the smallest k with 15·k ≥ T', () => {
  it.each([[0, 0], [5, 15], [15, 15], [16, 30], [60, 60], [3600, 3600]])('T = %i s → %i s', (t, w) => {
    expect(cadenceWaitS(t)).toBe(w);
  });
});

describe('classifyOutage', () => {
  const none = { suspectedAt: 1, timedOutAt: null, dieAt: null, expelledAt: null };
  it.each<[string, Parameters<typeof classifyOutage>[0], OutageOutcome]>([
    ['no expel, no die line', none, 'caught up'],
    ['a die line, then MY-011505', { ...none, dieAt: 10, expelledAt: 10 }, 'evicted, rejoined'],
    ['a timed-out suspicion', { ...none, timedOutAt: 20, expelledAt: 30 }, 'expelled by timeout'],
    ['timeout before a later die line', { ...none, timedOutAt: 20, dieAt: 40, expelledAt: 40 }, 'expelled by timeout'],
    ['die line before a later timeout', { ...none, timedOutAt: 50, dieAt: 40, expelledAt: 40 }, 'evicted, rejoined'],
    ['MY-011505 alone', { ...none, expelledAt: 30 }, 'expelled by timeout'],
  ])('%s', (_, ev, outcome) => {
    expect(classifyOutage(ev)).toBe(outcome);
  });
});

describe('sizeCache: bad input is a ConfigError naming field, rule and value', () => {
  const cases: [string, SizeCacheInput, RegExp][] = [
    ['outage not a duration', { ...base, outage: 'soon' }, /^outage must be a duration .*, got "soon"$/],
    ['outage below 1 s', { ...base, outage: '500ms' }, /^outage must be from 1s to 4000s, got "500ms"$/],
    ['seeds count 0', { ...base, seeds: 0 }, /^seeds must be a count in 1\.\.100 .*, got 0$/],
    ['repeated seed', { ...base, seeds: [1, 1] }, /^seeds must not repeat a seed, got \[1,1\]$/],
    ['non-integer seed', { ...base, seeds: [1, 2.5] }, /^seeds\[1\] must be an integer, got 2\.5$/],
    ['unknown silent member', { ...base, silent: 'node9' }, /^silent must name a member \(node1, node2, node3\), got "node9"$/],
    ['cache size given', { ...base, options: { group_replication_message_cache_size: 134217728 } }, /^options\.group_replication_message_cache_size must be left out: .*, got 134217728$/],
    ['no workload', { ...base, workload: [] }, /^workload must be a non-empty list .*, got \[\]$/],
    ['two members', { ...base, members: ['node1', 'node2'] }, /^members must have at least 3 members .*, got 2$/],
    ['bad workload rate', { ...base, workload: [{ member: 'node1', rate: 'fast', size: '1KiB' }] }, /^workload\[0\]\.rate must be a rate/],
    ['bad expel timeout', { ...base, options: { group_replication_member_expel_timeout: -1 } }, /group_replication_member_expel_timeout must be an integer in 0\.\.3600, got -1/],
    ['bad precision', { ...base, precision: '1B' }, /^precision must be a size from 1KiB to 1GiB .*, got "1B"$/],
  ];
  it.each(cases)('%s', (_, input, message) => {
    expect(() => sizeCache(input)).toThrow(ConfigError);
    expect(() => sizeCache(input)).toThrow(message);
  });

  it('an outage the group expels by timeout: no cache size helps', () => {
    expect(() => sizeCache({ ...base, outage: '40s', seeds: 1 })).toThrow(/^outage must end before the group expels the silent member by timeout .*, got "40s"$/);
  });
});

describe('sizeCache: the workload, the version and the network', () => {
  it('a backlog: at 300,000 × 100 B/s the group falls behind while node3 is silent, and the estimate adds the backlog', () => {
    const r = sizeCache({ members, workload: [{ member: 'node1', rate: 300_000, size: 100 }], seeds: 1 });
    expect(r.outageBacklogBytesPerSecond!).toBeGreaterThan(r.outageGrowthBytesPerSecond!);
    expect(r.exactCadenceBytes).toBe(Math.round(((r.outageGrowthBytesPerSecond! + r.outageBacklogBytesPerSecond!) * r.cadenceWindowUs) / 1e6));
    // Without the backlog the estimate was 586 MiB against an answer of 1569 MiB.
    expect(Math.abs(r.exactCadenceBytes / r.cacheSizeBytes - 1)).toBeLessThan(0.05);
    expect(r.warnings).toEqual([]);
  });

  it('a transaction above group_replication_transaction_size_limit is refused naming the option (nothing would reach the cache)', () => {
    const big = { members, workload: [{ member: 'node1', rate: 1, size: 2_000_000 }], options: { group_replication_transaction_size_limit: 1_000_000 } };
    expect(() => sizeCache(big)).toThrow(ConfigError);
    expect(() => sizeCache(big)).toThrow(/options\.group_replication_transaction_size_limit must be at least the workload's transaction size/);
  });

  it('the version is reported, and 8.4 sizes for another outage than 8.0.21 (the redial back-off)', () => {
    const r84 = sizeCache({ ...T60, version: '8.4', seeds: 1 });
    const r21 = sizeCache({ ...T60, seeds: 1 });
    expect(r84.version).toBe('8.4');
    expect(r21.version).toBe('8.0.21');
    expect(r84.outageUs).toBeLessThan(r21.outageUs);
  });

  it('warns when the offered load is above 10 Gbit/s, which no bandwidth limit in grsim stops', () => {
    expect(bandwidthWarning(PLAUSIBLE_NETWORK_BYTES_PER_SECOND)).toBeNull();
    expect(bandwidthWarning(100_000 * 1_048_576)).toMatch(/offers 838\.9 Gbit\/s of transaction payload, more than the 10 Gbit\/s a plausible network carries; grsim does not model bandwidth/);
    const r = sizeCache({ members, workload: [{ member: 'node1', rate: 2000, size: '1MiB' }], seeds: 1, outage: '5s' });
    expect(r.offeredBytesPerSecond).toBeCloseTo(2000 * 1_048_576, -3);
    expect(r.warnings).toHaveLength(1);
  });
});
