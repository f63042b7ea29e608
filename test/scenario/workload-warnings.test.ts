/**
 * Issue 11: a workload on a member that cannot write used to be refused with no word of why
 * ("node3: 3000 submitted, 3000 refused"), and the metrics' writes line ignored workloads. The
 * reports now say why, once per member and reason (counts and first/last time, not one entry per
 * transaction), and the writes line counts workload transactions.
 */
import { describe, expect, it } from 'vitest';
import { buildReport, parseScenario, renderRunText, runScenario, type ScenarioReport, type ScenarioRun } from '../../src/index.js';
import { summarize } from '../../src/observe/metrics.js';
import { runRecordOf } from '../../src/observe/run-record.js';
import { CLIENT_ERROR_CONNECT, CLIENT_ERROR_HOOK, CLIENT_ERROR_SUPER_READ_ONLY } from '../../src/observe/error-codes.js';
import { validateReport } from '../helpers/report-schema.js';


function run(body: string): { run: ScenarioRun; report: ScenarioReport; text: string } {
  const r = runScenario(parseScenario(`name: warnings\nseed: 3\n${body}`, 'warnings.yaml'));
  return { run: r, report: JSON.parse(JSON.stringify(buildReport(r, 'test'))) as ScenarioReport, text: renderRunText(r, 'test') };
}

describe('a workload on single-primary SECONDARY members', () => {
  const { run: r, report, text } = run(`mode: single-primary
members: [node1, node2, node3]
workload:
  - { member: node1, rate: 100/s, size: 1KiB, to: "+30s" }
  - { member: node2, rate: 100/s, size: 1KiB, to: "+30s" }
  - { member: node3, rate: 100/s, size: 1KiB, to: "+30s" }
until: "+40s"
`);
  const primary = r.sim.members.find((m) => !m.superReadOnly)!;
  const secondaries = r.sim.members.filter((m) => m !== primary);

  it('every transaction on a secondary is refused, and one warning per secondary says why with MySQL\'s ERROR 1290', () => {
    expect(secondaries).toHaveLength(2);
    for (const m of secondaries) {
      const c = m.workload();
      expect(c.submitted).toBeGreaterThan(2900);
      expect(c.refused).toBe(c.submitted);
      const w = report.warnings.filter((x) => x.member === m.name);
      expect(w).toHaveLength(1);
      expect(w[0]).toMatchObject({ kind: 'workload', reason: 'read_only_secondary', count: c.refused, error: CLIENT_ERROR_SUPER_READ_ONLY });
      expect(w[0]!.first).toBeLessThan(1);
      expect(w[0]!.last).toBeGreaterThan(29);
      expect(w[0]!.message).toContain(`refused on ${m.name}: it was a SECONDARY`);
    }
    // The primary's transactions commit: no warning for it.
    expect(primary.workload().committed).toBeGreaterThan(2900);
    expect(report.warnings.filter((x) => x.member === primary.name)).toEqual([]);
  });

  it('the JSON report with warnings satisfies docs/report.schema.json', () => {
    const ok = validateReport(report);
    expect(validateReport.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('the text report lists the warnings and counts workload transactions in the writes line', () => {
    expect(text).toContain('=== warnings ===');
    for (const m of secondaries) expect(text).toContain(`${m.workload().refused} workload transactions refused on ${m.name}: it was a SECONDARY`);
    const sum = summarize(runRecordOf(r.sim));
    const p = primary.workload();
    const refused = secondaries.reduce((n, m) => n + m.workload().refused, 0);
    expect(sum.writes.workload).toEqual({ submitted: p.submitted + refused, committed: p.committed, refused, rolledBack: 0, unfinished: p.submitted - p.committed, throttled: 0 });
    expect(sum.writes.submitted).toBe(p.submitted + refused);
    expect(text).toContain(`writes: ${sum.writes.submitted} submitted, ${p.committed} committed, 0 rolled back, ${refused} refused`);
    expect(text).toContain(`  of which workload transactions: ${sum.writes.workload.submitted} submitted`);
  });
});

describe('warnings are aggregated per member and reason', () => {
  // node3 is isolated (no majority: its transactions wait), healed (it learns it was expelled:
  // the waiting ones are rolled back, then ERROR with auto-rejoin off, refused with 1290), then
  // crashed (refused: nothing listens).
  const { run: r, report } = run(`mode: multi-primary
members: [node1, node2, node3]
options: { group_replication_autorejoin_tries: 0 }
workload:
  - { member: node3, rate: 1000/s, size: 1KiB }
events:
  - { at: "+5s", isolate: node3 }
  - { at: "+60s", heal: node3 }
  - { at: "+120s", crash: node3 }
until: "+300s"
`);

  it('one entry per reason, in the order they first happened, counts adding up to the refusals and the rollback', () => {
    const w = report.warnings.filter((x) => x.member === 'node3');
    expect(w.map((x) => x.reason)).toEqual(['no_majority', 'left_group', 'read_only_error', 'not_running']);
    const c = r.sim.member('node3').workload();
    const [blocked, rolledBack, error, down] = w as [typeof w[0], typeof w[0], typeof w[0], typeof w[0]];
    expect(w.filter((x) => x !== blocked && x !== rolledBack).reduce((s, x) => s + x.count, 0)).toBe(c.refused);
    // Everything admitted while cut off waited until node3 learned of its expel, and was rolled back then.
    expect(rolledBack).toMatchObject({ count: blocked.count, error: CLIENT_ERROR_HOOK });
    expect(c.rolledBack).toBe(blocked.count);
    expect(c.submitted).toBe(c.refused + c.committed + c.rolledBack);
    expect(rolledBack.first).toBe(rolledBack.last);
    expect(rolledBack.first).toBeGreaterThanOrEqual(blocked.last);
    expect(rolledBack.first).toBeLessThanOrEqual(error.first);
    expect(blocked.error).toBeNull();
    expect(blocked.first).toBeGreaterThanOrEqual(5);
    expect(blocked.last).toBeLessThanOrEqual(error.first);
    expect(error.first).toBeGreaterThanOrEqual(60);
    expect(error.last).toBeLessThan(120);
    expect(down).toMatchObject({ error: CLIENT_ERROR_CONNECT });
    expect(down.first).toBeGreaterThanOrEqual(120);
    expect(down.last).toBeGreaterThan(299);
    // 300 s at 1000/s is ~300 000 transactions, and still four entries.
    expect(c.submitted).toBeGreaterThan(290_000);
  });
});
