/**
 * The two worked incidents of docs/runbooks.md, run from their scenario files: unblocking a
 * minority with group_replication_force_members (scenarios/runbook-force-members.yaml) and a
 * planned switchover with group_replication_set_as_primary (scenarios/runbook-switchover.yaml).
 * The runbook's claims, checked.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildReport, checkInvariants, parseScenario, runRecordOf, runScenario } from '../../src/index.js';
import { SEC, logsOf } from './helpers.js';

const load = (file: string) =>
  runScenario(parseScenario(readFileSync(new URL(`../../scenarios/${file}`, import.meta.url), 'utf8'), file));
const at = (s: number): number => s * SEC;

describe('runbook: unblocking a minority with force_members', () => {
  const run = load('runbook-force-members.yaml');
  const sim = run.sim;

  it('after three crashes node4 and node5 block: MY-011495, no view, the writes at +30s are refused (super_read_only secondaries)', () => {
    for (const n of ['node4', 'node5']) {
      const blocked = logsOf(sim, n, 'MY-011495');
      expect(blocked.length).toBe(1);
      expect(blocked[0]!.t).toBeGreaterThan(at(10));
      expect(blocked[0]!.t).toBeLessThan(at(20));
      expect(sim.trace.some((e) => e.type === 'view' && e.member === n && e.t < at(60))).toBe(false);
    }
    expect(sim.writes.filter((w) => w.submittedUs === at(30)).map((w) => w.outcome)).toEqual(['refused', 'refused', 'refused']);
  });

  it('the SET at +60s logs MY-011722 and installs a node4+node5 view within a second; node4 (weight 80) is elected', () => {
    expect(logsOf(sim, 'node4', 'MY-011722').map((e) => e.t)).toEqual([at(60)]);
    const forced = sim.trace.filter((e) => e.type === 'view' && e.t >= at(60) && e.t < at(61));
    expect(forced.map((v) => v.type === 'view' && [v.member, [...v.members].sort().join(',')])).toEqual([['node4', 'node4,node5'], ['node5', 'node4,node5']]);
    for (const n of ['node4', 'node5']) {
      expect(logsOf(sim, n, 'MY-011507').map((e) => e.message)[0]).toMatch(/^A new primary with address 10\.0\.0\.14:3306 was elected\./);
    }
  });

  it('the writes at +70s commit on node4; the variable is cleared at +80s', () => {
    expect(sim.writes.filter((w) => w.submittedUs === at(70)).map((w) => w.outcome)).toEqual(['committed', 'committed', 'committed']);
    const options = sim.trace.filter((e) => e.type === 'option' && e.name === 'group_replication_force_members');
    expect(options.map((e) => e.type === 'option' && [e.member, e.value])).toEqual([['node4', '10.0.0.14:33061,10.0.0.15:33061'], ['node4', '']]);
    expect(sim.member('node4').options().group_replication_force_members).toBe('');
  });

  it('node1 restarted at +90s rejoins the forced group; three ONLINE members in one view; the invariants hold', () => {
    expect(logsOf(sim, 'node1', 'MY-011490').length).toBe(1);
    for (const n of ['node1', 'node4', 'node5']) expect(sim.member(n).state).toBe('ONLINE');
    expect(new Set(['node1', 'node4', 'node5'].map((n) => sim.member(n).viewId())).size).toBe(1);
    expect(sim.member('node4').replicationGroupMembers().find((r) => r.MEMBER_ROLE === 'PRIMARY')?.MEMBER_HOST).toBe('10.0.0.14');
    expect(checkInvariants(runRecordOf(sim))).toEqual([]);
  });

  it('the JSON report shows the forced membership: views, the SET in the log, the final state', () => {
    const report = buildReport(run, 'test');
    expect(report.views.some((v) => v.member === 'node4' && [...v.members].sort().join(',') === 'node4,node5')).toBe(true);
    expect(report.log.some((l) => l.member === 'node4' && l.code === 'MY-011722')).toBe(true);
  });
});

describe('runbook: a planned switchover with set_as_primary', () => {
  const run = load('runbook-switchover.yaml');
  const sim = run.sim;

  it('at +10s every member runs the group action: MY-013214, MY-011507, MY-013213; node2 is the writable primary', () => {
    for (const n of ['node1', 'node2', 'node3']) {
      expect(logsOf(sim, n, 'MY-013214').map((e) => e.t)).toEqual([at(10)]);
      expect(logsOf(sim, n, 'MY-013213').map((e) => e.message)[0]).toMatch(/^Configuration operation 'Primary election change' terminated\. Primary server switched to: /);
    }
    // node2 takes writes once its election process has gone through the group: within a few XCom rounds.
    const primaryAt = logsOf(sim, 'node2', 'MY-011510').map((e) => e.t);
    expect(primaryAt).toHaveLength(1);
    expect(primaryAt[0]!).toBeGreaterThan(at(10));
    expect(primaryAt[0]!).toBeLessThan(at(10) + 100_000);
    // node1, the old primary, turns super_read_only on when node2's PRIMARY_READY arrives (node2's
    // super_read_only OFF), and only then, with node2's QUEUE_APPLIED, works as a secondary.
    const readOnAt = logsOf(sim, 'node1', 'MY-011565').filter((e) => e.t >= at(10)).map((e) => e.t);
    expect(readOnAt).toHaveLength(1);
    expect(readOnAt[0]!).toBeGreaterThanOrEqual(logsOf(sim, 'node2', 'MY-011566').find((e) => e.t >= at(10))!.t);
    const secondaryAt = logsOf(sim, 'node1', 'MY-011511').find((e) => e.t >= at(10))!.t;
    expect(secondaryAt).toBeGreaterThan(readOnAt[0]!);
    expect(secondaryAt).toBeLessThan(at(15));
  });

  it('writes at +15s commit on node2 and are refused on node1, now a super_read_only secondary', () => {
    const at15 = sim.writes.filter((w) => w.submittedUs === at(15));
    expect(at15.filter((w) => w.member === 'node2').map((w) => w.outcome)).toEqual(['committed', 'committed', 'committed']);
    expect(at15.filter((w) => w.member === 'node1').map((w) => [w.outcome, w.error])).toEqual([
      ['refused', 'ERROR 1290 (HY000): The MySQL server is running with the --super-read-only option so it cannot execute this statement'],
    ]);
  });

  it('node1 stopped for maintenance leaves without an election (it is no longer the primary) and rejoins as a secondary', () => {
    expect(logsOf(sim, 'node2', 'MY-011500')).toEqual([]);
    expect(logsOf(sim, 'node1', 'MY-011490').length).toBe(1);
    expect(sim.member('node1').replicationGroupMembers().map((r) => [r.MEMBER_HOST, r.MEMBER_ROLE]).sort()).toEqual([
      ['10.0.0.11', 'SECONDARY'], ['10.0.0.12', 'PRIMARY'], ['10.0.0.13', 'SECONDARY'],
    ]);
    expect(sim.writes.filter((w) => w.submittedUs === at(90)).map((w) => w.outcome)).toEqual(['committed', 'committed', 'committed']);
    expect(checkInvariants(runRecordOf(sim))).toEqual([]);
  });
});
