/**
 * Regression (docs/findings/README.md, "Resolved: views-agreed-and-consecutive, a group re-formed
 * by a rejoiner"; explore seed 99, chunk 30, simulation seed 19): every member leaves on a 1 s
 * majority timeout, and node1 re-forms the group alone. MySQL takes a new view's id from the
 * members' state messages: the first, in address order, whose monotonic part is not zero, or the
 * last when all are zero, plus one (gcs_xcom_state_exchange.cc, get_new_view_id); a member that has
 * no view sends a fresh fixed part with monotonic part 0 (state_exchange). So node1, a joiner
 * alone in its view, starts a new fixed part at :1, and the rejoiners after it keep that one.
 * grsim used to number every view under the bootstrap's fixed part from one global counter, and
 * node1's join view came out as :4 of the old group.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkInvariants, parseScenario, runRecordOf, runScenario, type ViewEvent } from '../../src/index.js';

const FILE = new URL('./fixtures/regrouped-view-id.yaml', import.meta.url);

describe('a group re-formed only by rejoiners takes a new view id', () => {
  const run = runScenario(parseScenario(readFileSync(FILE, 'utf8'), 'regrouped-view-id.yaml'));
  const views = run.sim.trace.filter((e): e is ViewEvent => e.type === 'view' && e.viewId !== '');
  const fixed = (id: string): string => id.slice(0, id.lastIndexOf(':'));
  const oldFixed = fixed(run.sim.atStart.viewId);

  it('every member leaves the old group before node1 re-forms it', () => {
    const regroup = views.find((v) => fixed(v.viewId) !== oldFixed)!;
    expect(regroup).toBeDefined();
    for (const m of ['node1', 'node2', 'node3', 'node4', 'node5']) {
      // Each left on its majority timeout (MY-011711) before node1 re-formed the group; the leave
      // view comes when GCS gives the leave up, and each installs it before it joins the new group.
      const left = run.sim.trace.find((e) => e.type === 'log' && e.member === m && e.code === 'MY-011711' && e.t < regroup.t);
      expect(left, `${m} left before the regroup`).toBeDefined();
      const leaveView = run.sim.trace.find((e) => e.type === 'view' && e.member === m && e.viewId === '');
      const joined = views.find((v) => v.member === m && fixed(v.viewId) !== oldFixed);
      expect(leaveView!.t).toBeLessThanOrEqual(joined!.t);
    }
  });

  it('node1 alone installs a new fixed part at :1; the rejoiners keep it and the numbers rise by one', () => {
    const after = views.filter((v) => fixed(v.viewId) !== oldFixed);
    expect(after[0]).toMatchObject({ member: 'node1', members: ['node1'] });
    expect(after[0]!.viewId.endsWith(':1')).toBe(true);
    expect(new Set(after.map((v) => fixed(v.viewId))).size).toBe(1);
    const numbers = [...new Set(after.map((v) => Number(v.viewId.slice(v.viewId.lastIndexOf(':') + 1))))];
    expect(numbers).toEqual(numbers.map((_, k) => k + 1));
    // Nobody installs a view of the old fixed part after the regroup.
    expect(views.filter((v) => fixed(v.viewId) === oldFixed && v.t >= after[0]!.t)).toEqual([]);
  });

  it('no built-in invariant is broken', () => {
    expect(checkInvariants(runRecordOf(run.sim))).toEqual([]);
  });
});
