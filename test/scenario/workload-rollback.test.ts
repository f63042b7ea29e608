/**
 * Workload transactions still waiting for the group when their member leaves it on a failure, or
 * when its STOP GROUP_REPLICATION gives up waiting for them, are rolled back with an error
 * (Blocked_transaction_handler::unblock_waiting_transactions, plugin_utils.cc, after MY-011630).
 * They used to vanish from the counters: submitted ≠ refused + committed, and the summary called
 * them unfinished. A crash still loses them without an outcome.
 */
import { describe, expect, it } from 'vitest';
import { buildReport, parseScenario, renderRunText, runScenario, type ScenarioReport, type ScenarioRun } from '../../src/index.js';
import { summarize } from '../../src/observe/metrics.js';
import { runRecordOf } from '../../src/observe/run-record.js';
import { CLIENT_ERROR_HOOK } from '../../src/observe/error-codes.js';
import { validateReport } from '../helpers/report-schema.js';

const S = 1_000_000;

/** A scenario on node1..node3 with the 8.4 profile; `body` gives the rest. */
function runGroup(body: string): ScenarioRun {
  return runScenario(parseScenario(`name: rollback\nversion: "8.4"\nmembers: [node1, node2, node3]\n${body}`, 'rollback.yaml'));
}

/** node1, the primary, takes 500 transactions a second and is cut off from the others at 20 s. */
function run(extra: string, events: string): ScenarioRun {
  return runGroup(`seed: 3
mode: single-primary
${extra}
workload:
  - { member: node1, rate: 500/s, size: 1KiB }
events:
  - { at: +20s, isolate: node1 }
${events}
until: +120s
`);
}

function logTimes(r: ScenarioRun, member: string, code: string): number[] {
  return r.sim.trace.filter((e) => e.type === 'log' && e.member === member && e.code === code).map((e) => e.t);
}

describe('workload transactions rolled back while they wait for the group', () => {
  it('STOP GROUP_REPLICATION that gives up after 51 s rolls back those still waiting, at the give-up (stop_timeout, ERROR 3100)', () => {
    const r = run('', '  - { at: +22s, stop: node1 }');
    const c = r.sim.member('node1').workload();
    const held = c.holds.find((h) => h.reason === 'no_majority')!;
    const killed = c.holds.find((h) => h.reason === 'stop_timeout')!;
    // The two seconds cut off before the STOP: 1,000 transactions waiting, none ordered.
    expect(held.count).toBe(1000);
    expect(c.rolledBack).toBe(1000);
    expect(killed).toMatchObject({ count: 1000, firstUs: 73 * S, lastUs: 73 * S });
    expect(logTimes(r, 'node1', 'MY-011630')).toEqual([73 * S]);
    // Every submitted transaction has an outcome: the member took no writes after its STOP.
    expect(c.queued).toBe(0);
    expect(c.submitted).toBe(c.refused + c.committed + c.rolledBack);
    const summary = summarize(runRecordOf(r.sim));
    expect(summary.writes.workload).toMatchObject({ rolledBack: 1000, unfinished: 0 });
    expect(summary.writes.rolledBack).toBe(1000);
    const report = JSON.parse(JSON.stringify(buildReport(r, 'test'))) as ScenarioReport;
    expect(validateReport(report), JSON.stringify(validateReport.errors)).toBe(true);
    expect(report.workload!['node1']!.rolledBack).toBe(1000);
    const warning = report.warnings.find((w) => w.reason === 'stop_timeout')!;
    expect(warning).toMatchObject({ member: 'node1', count: 1000, first: 73, last: 73, error: CLIENT_ERROR_HOOK });
    expect(renderRunText(r, 'test')).toContain(`node1: ${c.submitted} submitted, ${c.refused} refused, 0 throttled, ${c.committed} committed, 1000 rolled back,`);
  });

  it('a leave on a failure (the majority unreachable for 10 s) rolls back those still waiting, at the leave (left_group), after MY-011630', () => {
    const r = run('options:\n  group_replication_unreachable_majority_timeout: 10', '');
    const c = r.sim.member('node1').workload();
    const [leftAt] = logTimes(r, 'node1', 'MY-011711');
    expect(leftAt).toBeGreaterThan(30 * S);
    const held = c.holds.find((h) => h.reason === 'no_majority')!;
    // Everything admitted from the cut to the leave was waiting, and is rolled back then.
    expect(held.lastUs).toBeLessThanOrEqual(leftAt!);
    expect(c.rolledBack).toBe(held.count);
    expect(c.holds.find((h) => h.reason === 'left_group')).toMatchObject({ count: held.count, firstUs: leftAt, lastUs: leftAt });
    expect(logTimes(r, 'node1', 'MY-011630')).toEqual([leftAt]);
    expect(c.submitted).toBe(c.refused + c.committed + c.rolledBack);
    expect(summarize(runRecordOf(r.sim)).writes.workload).toMatchObject({ rolledBack: held.count, unfinished: 0 });
  });

  it('a failure during a STOP\'s wait releases the waiting transactions, and the STOP goes on at once instead of giving up 51 s later', () => {
    // The majority timeout (30 s) runs out at 54.8 s, while the STOP issued at 22 s waits for the latch.
    const r = run('options:\n  group_replication_unreachable_majority_timeout: 30', '  - { at: +22s, stop: node1 }');
    const c = r.sim.member('node1').workload();
    const [failedAt] = logTimes(r, 'node1', 'MY-011711');
    expect(failedAt).toBeGreaterThan(50 * S);
    expect(c.rolledBack).toBe(1000);
    expect(c.holds.find((h) => h.reason === 'left_group')).toMatchObject({ count: 1000, firstUs: failedAt });
    expect(c.holds.map((h) => h.reason)).not.toContain('stop_timeout');
    // The latch is empty once the failure released them (Wait_ticket::block_until_empty): the STOP
    // skips its own leave at that instant, and never logs a second MY-011630 at 73 s.
    expect(logTimes(r, 'node1', 'MY-011645')).toEqual([failedAt]);
    expect(logTimes(r, 'node1', 'MY-011630')).toEqual([failedAt]);
    expect(c.submitted).toBe(c.refused + c.committed + c.rolledBack);
  });

  it('transactions rolled back at a leave on a failure that the group orders after a heal are applied by the other members all the same', () => {
    // The leave from the minority takes 30 s; the heal at 40 s lets node1's pending batches be
    // ordered before its removal: its clients got ERROR 3100, the group has the transactions (the
    // ambiguous outcome MySQL has too), and node1 gets them back through distributed recovery.
    const r = run('options:\n  group_replication_unreachable_majority_timeout: 10', '  - { at: +40s, heal: node1 }');
    const c = r.sim.member('node1').workload();
    expect(c.rolledBack).toBeGreaterThan(7000);
    expect(c.submitted).toBe(c.refused + c.committed + c.rolledBack);
    for (const name of ['node1', 'node2', 'node3']) {
      expect(r.sim.member(name).gtidExecuted(), name).toMatch(new RegExp(`:1-${c.committed + c.rolledBack}$`));
    }
  });

  it('under AFTER, the batches delivered but waiting for acknowledgements are rolled back with the rest', () => {
    // node3 is cut off at 20 s: node1's AFTER batches wait for its acknowledgement. node1 is cut off
    // at 22 s: what it admits from then waits for a majority. Its leave at the majority timeout
    // releases both kinds.
    const r = runGroup(`seed: 3
mode: single-primary
options: { group_replication_consistency: AFTER, group_replication_member_expel_timeout: 3600, group_replication_unreachable_majority_timeout: 10 }
workload:
  - { member: node1, rate: 500/s, size: 1KiB }
events:
  - { at: +20s, isolate: node3 }
  - { at: +22s, isolate: node1 }
until: +150s
`);
    const c = r.sim.member('node1').workload();
    const held = c.holds.find((h) => h.reason === 'no_majority')!;
    // The two seconds from 20 s to 22 s, 1,000 transactions acknowledged by node2 only, and those held back from 22 s.
    expect(c.rolledBack).toBe(held.count + 1000);
    expect(c.submitted).toBe(c.refused + c.committed + c.rolledBack);
  });

  it('a member that rejoins after a release counts its new transactions in flight again', () => {
    // node3's 50 clients wait from its isolation at 10 s; at the heal it learns of its expel (the
    // release), rejoins by auto-rejoin with a new XCom instance, and writes again.
    const r = runGroup(`seed: 5
mode: multi-primary
workload:
  - { member: node3, rate: 2000/s, size: 1KiB, clients: 50 }
events:
  - { at: +10s, isolate: node3 }
  - { at: +60s, heal: node3 }
until: +200s
`);
    const c = r.sim.member('node3').workload();
    expect(c.rolledBack).toBe(50);
    const [rejoinedAt] = logTimes(r, 'node3', 'MY-011490');
    expect(rejoinedAt).toBeGreaterThan(60 * S);
    const after = r.sim.trace.filter((e) => e.type === 'workload' && e.member === 'node3' && e.t > rejoinedAt! + S);
    expect(after.length).toBeGreaterThan(100);
    // Closed-loop clients bound what is in flight, and see it again after the release.
    const inFlight = after.map((e) => (e as { outstanding: number }).outstanding);
    expect(Math.max(...inFlight)).toBeGreaterThan(0);
    expect(Math.max(...inFlight)).toBeLessThanOrEqual(50);
    expect(c.committed).toBeGreaterThan(0);
  });

  it('a write statement released by the STOP\'s give-up logs, like one released by a leave on a failure, the failed wait and the failed hook with its session', () => {
    // Every session released by unblock_waiting_transactions wakes from waitTicket with an error
    // (observer_trans.cc: ER_GRP_RPL_ERROR_WHILE_WAITING_FOR_CONFLICT_DETECTION), then the server
    // reports the hook (MY-010207).
    const r = run('', '  - { at: +21s, write: { member: node1 } }\n  - { at: +22s, stop: node1 }');
    const lines = r.sim.trace.filter((e) => e.type === 'log' && e.member === 'node1' && e.t === 73 * S) as { code: string; thread?: number }[];
    expect(lines.map((l) => l.code).slice(0, 3), JSON.stringify(lines)).toEqual(['MY-011630', 'MY-011615', 'MY-010207']);
    expect(lines[1]!.thread).toBeDefined();
    expect(lines[2]!.thread).toBe(lines[1]!.thread);
  });

  it('a crash rolls back nothing: its clients lose their connections without an outcome, and the summary counts them unfinished', () => {
    const r = run('', '  - { at: +25s, crash: node1 }');
    const c = r.sim.member('node1').workload();
    expect(c.rolledBack).toBe(0);
    expect(logTimes(r, 'node1', 'MY-011630')).toEqual([]);
    const w = summarize(runRecordOf(r.sim)).writes.workload;
    expect(w.unfinished).toBe(c.submitted - c.refused - c.committed);
    expect(w.unfinished).toBeGreaterThan(0);
  });
});
