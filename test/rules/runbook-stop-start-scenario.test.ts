/**
 * The worked incident of docs/runbooks.md (scenarios/runbook-stop-start.yaml): node4 is stopped for
 * maintenance, node3 hangs with member_expel_timeout 3600, node4's START fails after 60 s because
 * the suspicion holds back every view, lowering the expel timeout to 0 expels node3 at once, the
 * next START joins, and node3 auto-rejoins once it resumes. The runbook's claims, checked.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkInvariants, parseScenario, runRecordOf, runScenario } from '../../src/index.js';
import { SEC, logsOf } from './helpers.js';

const FILE = new URL('../../scenarios/runbook-stop-start.yaml', import.meta.url);

describe('runbook: STOP/START while a member hangs', () => {
  const run = runScenario(parseScenario(readFileSync(FILE, 'utf8'), 'runbook-stop-start.yaml'));
  const sim = run.sim;
  const at = (s: number): number => s * SEC;

  it('the STOP at +5s is a voluntary leave: MY-011504 and MY-011651 on node4, no expel', () => {
    expect(logsOf(sim, 'node4', 'MY-011650').map((e) => e.t)).toEqual([at(5)]);
    expect(logsOf(sim, 'node4', 'MY-011504').length).toBe(1);
    expect(logsOf(sim, 'node4', 'MY-011651').length).toBe(1);
    expect(logsOf(sim, 'node4', 'MY-011505')).toEqual([]);
  });

  it('the START at +40s fails 60 s after its join began, while node3 is suspected, and node4 is not added', () => {
    const fails = logsOf(sim, 'node4', 'MY-011640');
    expect(fails.length).toBe(1);
    expect(fails[0]!.t).toBeGreaterThan(at(100));
    expect(fails[0]!.t).toBeLessThan(at(110));
    const views = sim.trace.filter((e) => e.type === 'view' && e.member === 'node1' && e.t > at(40) && e.t < at(110));
    expect(views).toEqual([]);
  });

  it('member_expel_timeout 0 at +110s expels node3 within two seconds; the START at +130s joins', () => {
    const removed = logsOf(sim, 'node1', 'MY-011499').filter((e) => e.message.includes('10.0.0.13:3306'));
    expect(removed.length).toBe(1);
    expect(removed[0]!.t).toBeGreaterThanOrEqual(at(110));
    expect(removed[0]!.t).toBeLessThan(at(112));
    const online = logsOf(sim, 'node4', 'MY-011490');
    expect(online.length).toBe(1);
    expect(online[0]!.t).toBeGreaterThan(at(130));
    expect(online[0]!.t).toBeLessThan(at(135));
  });

  it('node3 resumes, learns of its expel and auto-rejoins; all four end ONLINE in one view and the invariants hold', () => {
    expect(logsOf(sim, 'node3', 'MY-011505').length).toBe(1);
    expect(logsOf(sim, 'node3', 'MY-013375').map((e) => e.message)).toEqual(['Auto-rejoin procedure attempt 1 of 3 finished. Member was able to join the group.']);
    for (const m of sim.members) expect(m.state).toBe('ONLINE');
    expect(new Set(sim.members.map((m) => m.viewId())).size).toBe(1);
    expect(checkInvariants(runRecordOf(sim))).toEqual([]);
  });
});
