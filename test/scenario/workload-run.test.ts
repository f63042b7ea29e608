import { describe, expect, it } from 'vitest';
import { buildReport, parseScenario, renderRunText, runScenario, type ScenarioReport, type ScenarioRun, type SimEvent } from '../../src/index.js';
import { CACHE_POINT_SPACING_US } from '../../src/report/json-report.js';
import { validateReport } from '../helpers/report-schema.js';

/**
 * A small cache experiment: steady and bounded streams plus one large transaction in a 128 MiB
 * cache, with node3 cut off for 8 s (less than the expel delay). The cache cannot hold what node3
 * missed (the 120 MiB transaction among it): when it hears again it cannot get a message the
 * others evicted, exits (MY-011505, "the group is too far ahead") and rejoins by auto-rejoin.
 */
const FILE = `name: cache-run
seed: 11
start: "2022-07-31T13:02:50Z"
mode: multi-primary
members: [node1, node2, node3]
options: { group_replication_message_cache_size: 134217728 }
workload:
  - { member: node1, rate: 2000/s, size: 4KiB }
  - { member: node2, rate: 500/s, size: { uniform: [512B, 8KiB] }, from: "+2s", to: "+12s" }
  - { member: node1, at: "+6s", transaction: { size: 120MiB } }
events:
  - { at: "+4s", isolate: node3 }
  - { at: "+12s", heal: node3 }
until: "+30s"
`;

const run: ScenarioRun = runScenario(parseScenario(FILE, 'cache-run.yaml'));
const report: ScenarioReport = JSON.parse(JSON.stringify(buildReport(run, '0.0.0-test'))) as ScenarioReport;

/** Times of `points` per member, µs. */
function timesByMember(points: readonly { t: number; member: string }[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const p of points) out.set(p.member, [...(out.get(p.member) ?? []), Math.round(p.t * 1e6)]);
  return out;
}

describe('a scenario with a workload: JSON report', () => {
  it('validates against docs/report.schema.json', () => {
    const ok = validateReport(report);
    expect(validateReport.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('has cache points for every member, in time order, at most one per member per 100 ms of virtual time', () => {
    const byMember = timesByMember(report.cache);
    expect([...byMember.keys()].sort()).toEqual(['node1', 'node2', 'node3']);
    for (const times of byMember.values()) {
      for (let k = 1; k < times.length; k++) expect((times[k] as number) - (times[k - 1] as number)).toBeGreaterThanOrEqual(100_000);
    }
    const all = report.cache.map((p) => p.t);
    expect(all).toEqual([...all].sort((a, b) => a - b));
    // The 120 MiB transaction (60 MiB after the default 2:1 compression) plus the streams fill the
    // 128 MiB cache, beyond the limit while node3 is silent but still protected, then eviction.
    expect(Math.max(...report.cache.map((p) => p.bytes))).toBeGreaterThan(128 * 1_048_576);
    expect(report.cache.some((p) => p.evicted > 0)).toBe(true);
  });

  it('the builder enforces the 100 ms rule even when the trace does not', () => {
    // Doubles every cache event 1 µs later (the cache unchanged, so its peak since then is its size):
    // a trace that breaks the rule.
    const doubled = run.sim.trace.flatMap((e): SimEvent[] => (e.type === 'cache' ? [e, { ...e, t: e.t + 1, peakBytes: e.bytes }] : [e]));
    const sim = Object.create(run.sim, { trace: { value: doubled } }) as typeof run.sim;
    const r = buildReport({ ...run, sim }, '0.0.0-test');
    for (const times of timesByMember(r.cache).values()) {
      for (let k = 1; k < times.length; k++) expect((times[k] as number) - (times[k - 1] as number)).toBeGreaterThanOrEqual(CACHE_POINT_SPACING_US);
    }
    expect(r.cache).toEqual(report.cache);
  });

  it('sums up each member’s workload from the simulation', () => {
    expect(Object.keys(report.workload ?? {})).toEqual(['node1', 'node2', 'node3']);
    for (const m of run.sim.members) {
      const c = m.workload();
      const w = report.workload?.[m.name];
      expect(w).toMatchObject({ submitted: c.submitted, refused: c.refused, throttled: c.throttled, committed: c.committed });
      expect(w?.meanCommitLatency).toBe(c.committed === 0 ? null : Math.round(c.latencySumUs / c.committed) / 1e6);
    }
    // node1 streams 2000/s for 30 s plus the one-off transaction; node3 has no workload.
    expect(report.workload?.node1?.submitted).toBe(60_001);
    expect(report.workload?.node1?.committed).toBeGreaterThan(50_000);
    expect(report.workload?.node3).toEqual({ submitted: 0, refused: 0, throttled: 0, committed: 0, rolledBack: 0, meanCommitLatency: null });
  });

  it('gives each member’s final performance_schema xcom_cache row', () => {
    for (const m of run.sim.members) {
      expect(report.final[m.name]?.xcomCache).toEqual(m.xcomCacheMemory());
    }
    expect(report.final.node1?.xcomCache?.HIGH_NUMBER_OF_BYTES_USED).toBeGreaterThanOrEqual(report.final.node1?.xcomCache?.CURRENT_NUMBER_OF_BYTES_USED ?? Infinity);
  });

  it('has no workload field when the scenario had none, and still validates', () => {
    const plain = runScenario(parseScenario('members: [a, b, c]\nevents: [{ at: "+1s", write: { member: a } }]\nuntil: "+3s"\n', 'plain.yaml'));
    const r = JSON.parse(JSON.stringify(buildReport(plain, '0.0.0-test'))) as ScenarioReport;
    expect('workload' in r).toBe(false);
    expect(validateReport(r)).toBe(true);
  });

  it('is the same for the same seed', () => {
    const again = buildReport(runScenario(parseScenario(FILE, 'cache-run.yaml')), '0.0.0-test');
    expect(JSON.stringify(again)).toBe(JSON.stringify(report));
  });
});

describe('a scenario with a workload: text report', () => {
  const text = renderRunText(run, '0.0.0-test');
  it('has an XCom message cache section per member: peak against the limit, evictions, P_S CURRENT/HIGH bytes', () => {
    const section = text.slice(text.indexOf('=== XCom message cache ==='), text.indexOf('=== failure-detection metrics ==='));
    for (const m of run.sim.members) {
      const row = m.xcomCacheMemory();
      // Slots evicted for the limit and slots cleared when XCom stopped (node3's exit) apart; together the JSON's `evicted`.
      const c = m.xcomCache(), cleared = m.xcomCacheCleared(), evicted = c.evicted - cleared;
      const freed = `${evicted} slots? evicted${cleared === 0 ? '' : `, ${cleared} cleared when its XCom stopped`}`;
      expect(section).toMatch(new RegExp(`^${m.name}: peak [\\d.]+ (B|KiB|MiB) of 128\\.00 MiB limit \\([\\d.]+%\\) at 2022-07-31T13:0\\d:\\d\\d\\.\\d{6}Z; ${freed}; \\d+ cached now$`, 'm'));
      expect(section).toContain(`  memory/group_rpl/GCS_XCom::xcom_cache: CURRENT_NUMBER_OF_BYTES_USED ${row.CURRENT_NUMBER_OF_BYTES_USED}, HIGH_NUMBER_OF_BYTES_USED ${row.HIGH_NUMBER_OF_BYTES_USED}\n`);
    }
  });
  it('has a workload section', () => {
    expect(text).toMatch(/=== workload ===\nnode1: 60001 submitted, \d+ refused, 0 throttled, \d+ committed, 0 rolled back, mean commit latency [\d.]+ ms\n/);
  });
});

describe('a scenario with a closed-loop workload: the throughput series', () => {
  const THROUGHPUT = `name: throughput-drop
seed: 5
mode: multi-primary
members: [node1, node2, node3]
workload:
  - { member: node1, rate: 20000/s, size: 1KiB, clients: 64 }
events:
  - { at: "+20s", isolate: node3 }
until: "+60s"
`;
  const tRun = runScenario(parseScenario(THROUGHPUT, 'throughput-drop.yaml'));
  const tReport = JSON.parse(JSON.stringify(buildReport(tRun, '0.0.0-test'))) as ScenarioReport;

  it('validates, has one point per second for the writer, and shows the drop until the expel', () => {
    expect(validateReport(tReport)).toBe(true);
    const points = tReport.throughput!.filter((p) => p.member === 'node1');
    expect(points.length).toBeGreaterThanOrEqual(59);
    const removed = tReport.log.find((l) => l.member === 'node1' && l.code === 'MY-011499')!.t;
    const at = (t: number): number => points.find((p) => p.t >= t)!.committedPerSecond;
    expect(at(10)).toBeGreaterThan(19_000);
    expect(at(25)).toBeLessThan(400);
    expect(points.find((p) => p.t >= 25)!.meanCommitLatency!).toBeGreaterThan(0.4);
    expect(at(removed + 3)).toBeGreaterThan(19_000);
    expect(renderRunText(tRun, '0.0.0-test')).toMatch(/slowest second: \d{2,3} committed\/s at .*, mean commit latency 4\d\d\.\d{3} ms/);
  });
});
