/** Failure-detection metrics on a real run with known timings (docs/mysql-behaviour.md §G1.4) and on hand-made traces. */
import { describe, expect, it } from 'vitest';
import { createSimulation } from '../../src/index.js';
import { summarize } from '../../src/observe/metrics.js';
import { runRecordOf } from '../../src/observe/run-record.js';
import { formatSummary } from '../../src/report/summary-text.js';
import { ev, handRecord, SEC } from './fixtures.js';

describe('summarize on a real run: 3 members, node3 isolated at 10 s, member_expel_timeout 5', () => {
  const sim = createSimulation({ seed: 7, members: ['node1', 'node2', 'node3'], mode: 'multi-primary', options: { group_replication_member_expel_timeout: 5 } });
  sim.at('10s', (s) => s.network.isolate('node3'));
  sim.at('12s', (s) => { s.member('node1').write(); s.member('node3').write(); });
  sim.at('60s', (s) => s.network.heal('node3'));
  sim.runUntil('120s');
  const sum = summarize(runRecordOf(sim));

  it('detection: each survivor sees node3 UNREACHABLE 4–6 s after the cut (and node3 sees them)', () => {
    const onNode3 = sum.detection.samples.filter((d) => d.member === 'node3');
    expect(onNode3.map((d) => d.observer).sort()).toEqual(['node1', 'node2']);
    for (const d of sum.detection.samples) {
      expect(d.faultUs).toBe(10 * SEC);
      expect(d.latencyUs).toBeGreaterThanOrEqual(4 * SEC);
      expect(d.latencyUs).toBeLessThanOrEqual(6 * SEC);
    }
    expect(sum.detection.samples.filter((d) => d.observer === 'node3')).toHaveLength(2);
    expect(sum.detection.stats.count).toBe(4);
  });

  it('expel: one removal of node3 ≈ 15–17 s after UNREACHABLE, 19–23 s after the cut, not false', () => {
    expect(sum.expels).toHaveLength(1);
    const x = sum.expels[0]!;
    expect(x).toMatchObject({ member: 'node3', faultUs: 10 * SEC, falseExpel: false });
    expect(x.removedUs - x.unreachableUs!).toBeGreaterThanOrEqual(15 * SEC);
    expect(x.removedUs - x.unreachableUs!).toBeLessThanOrEqual(17 * SEC);
    expect(x.timeToExpelUs).toBeGreaterThanOrEqual(19 * SEC);
    expect(x.timeToExpelUs).toBeLessThanOrEqual(23 * SEC);
    expect(sum.falseExpels).toBe(0);
    expect(sum.timeToExpel.count).toBe(1);
  });

  it('majority: node3 lost it ≈5 s after the cut and regained it (MY-011498) after the heal, before learning of its expel', () => {
    const m = sum.majority[0]!;
    expect(m).toMatchObject({ member: 'node3', end: 'regained', networkRestoredUs: 60 * SEC });
    expect(m.lostUs - 10 * SEC).toBeGreaterThanOrEqual(4 * SEC);
    expect(m.lostUs - 10 * SEC).toBeLessThanOrEqual(6 * SEC);
    expect(m.regainedUs!).toBeGreaterThan(60 * SEC);
    expect(m.regainLatencyUs).toBe(m.regainedUs! - 60 * SEC);
    // Removed from the group, node3 hears the peers only when one of its proposer tasks pushes
    // (xcom_base.cc proposer_task, wakeup_delay): 50 s into the back-off the pushes of its ten
    // tasks come at most 3 s apart on 8.0.21 (this run's version) and in bursts up to ~20 s apart
    // from 8.0.27 (docs/mysql-behaviour.md X3), so it may lose the majority again, 5 s after the
    // last answer, and regain it at the next push. Every episode ends before it learns its expel.
    const expelled = sim.member('node3').logEvents().find((e) => e.code === 'MY-011505')!.t;
    for (const [i, again] of sum.majority.slice(1).entries()) {
      expect(again).toMatchObject({ member: 'node3', end: 'regained' });
      expect(again.lostUs - sum.majority[i]!.regainedUs!).toBeGreaterThanOrEqual(5 * SEC);
    }
    for (const e of sum.majority) expect(e.regainedUs!).toBeLessThan(expelled);
  });

  it('write availability: survivors always writable, node3 from the cut until it is ONLINE again', () => {
    const by = Object.fromEntries(sum.writeUnavailable.map((w) => [w.member, w]));
    expect(by.node1!.totalUs).toBe(0);
    expect(by.node2!.totalUs).toBe(0);
    expect(by.node3!.windows[0]!.startUs).toBe(10 * SEC);
    const last = by.node3!.windows[by.node3!.windows.length - 1]!;
    expect(last.endUs).toBeGreaterThan(60 * SEC);
    expect(last.endUs).toBeLessThan(120 * SEC);
    expect(sim.member('node3').state).toBe('ONLINE');
  });

  it('views, rejoins and writes', () => {
    expect(sum.views.distinct).toBe(2); // removal :3, rejoin :4
    expect(sum.views.installs).toEqual({ node1: 2, node2: 2, node3: 1 });
    expect(sum.rejoins.find((r) => r.member === 'node3')).toEqual({ member: 'node3', started: 1, succeeded: 1, failed: 0, inProgress: 0 });
    expect(sum.writes).toEqual({
      submitted: 2, committed: 1, rolledBack: 1, refused: 0, pending: 0,
      workload: { submitted: 0, committed: 0, refused: 0, rolledBack: 0, unfinished: 0, throttled: 0 },
    });
  });

  it('formatSummary prints every section in seconds', () => {
    const text = formatSummary(sum);
    expect(text).toContain('detection latency (fault → UNREACHABLE): n=4');
    expect(text).toContain('node3 removed by');
    expect(text).toContain('false expels: 0');
    expect(text).toContain('node3: 1 started, 1 succeeded, 0 failed');
    expect(text).toMatch(/writes: 2 submitted, 1 committed, 1 rolled back/);
    expect(text.endsWith('\n')).toBe(true);
  });
});

describe('summarize on hand-made traces', () => {
  it('counts an expel of a member whose outage ended before the removal as false', () => {
    const sum = summarize(handRecord([
      ev.net(1 * SEC, 'isolate', 'c'),
      ev.sees(6 * SEC, 'a', 'c', 'UNREACHABLE'),
      ev.net(7 * SEC, 'heal', 'c'),
      ev.view(20 * SEC, 'a', '100:3', ['a', 'b']),
      ev.view(20 * SEC + 10, 'b', '100:3', ['a', 'b']),
    ], { endUs: 30 * SEC }));
    expect(sum.detection.samples).toEqual([{ observer: 'a', member: 'c', faultUs: 1 * SEC, unreachableUs: 6 * SEC, latencyUs: 5 * SEC }]);
    expect(sum.expels).toEqual([{ member: 'c', remover: 'a', faultUs: 1 * SEC, unreachableUs: 6 * SEC, removedUs: 20 * SEC, timeToExpelUs: 19 * SEC, falseExpel: true }]);
    expect(sum.falseExpels).toBe(1);
    expect(sum.views).toEqual({ distinct: 1, installs: { a: 1, b: 1, c: 0 } });
  });

  it('an expel with no fault at all is false; a crashed member removed after its restart is not', () => {
    expect(summarize(handRecord([ev.view(5 * SEC, 'a', '100:3', ['a', 'b'])])).expels[0]).toMatchObject({ faultUs: null, falseExpel: true });
    const crashed = summarize(handRecord([ev.net(1 * SEC, 'crash', 'c'), ev.net(10 * SEC, 'restart', 'c'), ev.view(20 * SEC, 'a', '100:3', ['a', 'b'])]));
    expect(crashed.expels[0]).toMatchObject({ faultUs: 1 * SEC, falseExpel: false });
  });

  it('measures majority loss and the time to regain it once the network allows', () => {
    const sum = summarize(handRecord([
      ev.net(1 * SEC, 'isolate', 'c'),
      ev.log(6 * SEC, 'c', 'MY-011495'),
      ev.log(7 * SEC, 'c', 'MY-011495'),
      ev.net(10 * SEC, 'heal', 'c'),
      ev.log(10 * SEC + 300_000, 'c', 'MY-011498'),
    ], { endUs: 20 * SEC }));
    expect(sum.majority).toEqual([{ member: 'c', lostUs: 6 * SEC, regainedUs: 10 * SEC + 300_000, end: 'regained', networkRestoredUs: 10 * SEC, regainLatencyUs: 300_000 }]);
    const c = sum.writeUnavailable.find((w) => w.member === 'c')!;
    expect(c.windows).toEqual([{ startUs: 1 * SEC, endUs: 10 * SEC + 300_000 }]);
    expect(c.totalUs).toBe(9 * SEC + 300_000);
  });

  it('write windows follow state, super_read_only and offline_mode, and close at the end of the run', () => {
    const sum = summarize(handRecord([
      ev.flags(0, 'b', true),
      ev.flags(2 * SEC, 'b', false),
      ev.self(3 * SEC, 'a', 'ERROR', ''),
      ev.flags(3 * SEC, 'a', true),
    ], { endUs: 5 * SEC }));
    const by = Object.fromEntries(sum.writeUnavailable.map((w) => [w.member, w.windows]));
    expect(by.b).toEqual([{ startUs: 0, endUs: 2 * SEC }]);
    expect(by.a).toEqual([{ startUs: 3 * SEC, endUs: 5 * SEC }]);
    expect(by.c).toEqual([]);
  });

  it('rejoin outcomes: a failed attempt, a success, and one still running', () => {
    const sum = summarize(handRecord([
      ev.log(1 * SEC, 'a', 'MY-013373', 'Started auto-rejoin procedure attempt 1 of 3'),
      ev.log(301 * SEC, 'a', 'MY-013373', 'Started auto-rejoin procedure attempt 2 of 3'),
      ev.log(303 * SEC, 'a', 'MY-013375', 'Auto-rejoin procedure attempt 2 of 3 finished. Member was able to join the group.'),
      ev.log(400 * SEC, 'b', 'MY-013373', 'Started auto-rejoin procedure attempt 1 of 1'),
      ev.log(401 * SEC, 'c', 'MY-013373', 'Started auto-rejoin procedure attempt 1 of 1'),
      ev.log(460 * SEC, 'c', 'MY-013375', 'Auto-rejoin procedure attempt 1 of 1 finished. Member was not able to join the group.'),
    ]));
    expect(sum.rejoins).toEqual([
      { member: 'a', started: 2, succeeded: 1, failed: 1, inProgress: 0 },
      { member: 'b', started: 1, succeeded: 0, failed: 0, inProgress: 1 },
      { member: 'c', started: 1, succeeded: 0, failed: 1, inProgress: 0 },
    ]);
  });

  // How fast this runs is a benchmark's business, not a unit test's (a loaded machine makes any
  // wall-clock bound flaky); a summary that grew quadratically would still take minutes here and
  // hit the test timeout.
  it('summarises 200 000 events in one pass', () => {
    const trace = [];
    for (let k = 0; k < 50_000; k++) {
      const t = k * 1000;
      trace.push(ev.sees(t, 'a', 'c', k % 2 === 0 ? 'UNREACHABLE' : 'ONLINE'), ev.log(t, 'b', 'MY-011735'), ev.flags(t, 'c', k % 3 === 0), ev.write(t, 'a', k, 'pending'));
    }
    const sum = summarize(handRecord(trace));
    expect(sum.writes.submitted).toBe(50_000);
  });
});
