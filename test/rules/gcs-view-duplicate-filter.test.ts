/**
 * GCS drops a global view whose membership equals the last view it accepted — which may still be in
 * its state exchange, not yet installed. A member catching up on a backlog delivers an add-node view
 * and the remove-node view right after it within those milliseconds; both change the membership
 * and both must be installed, so its view numbers stay consecutive (docs/mysql-behaviour.md part G: every
 * installed view adds 1). Scenario from `grsim explore` (views-agreed-and-consecutive, seed 15):
 * node3 split off, then a ring; node5 catches up at ~306.7 s and used to go from view :9 to :11.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { invariantByName, parseScenario, runRecordOf, runScenario } from '../../src/index.js';

const FILE = new URL('./fixtures/catch-up-add-then-remove-views.yaml', import.meta.url);

describe('GCS duplicate-view filter during a state exchange', () => {
  const run = runScenario(parseScenario(readFileSync(FILE, 'utf8'), 'catch-up-add-then-remove-views.yaml'));

  it('the catching-up member installs every view, in order, like the others', () => {
    for (const m of ['node1', 'node2', 'node3', 'node4', 'node5']) {
      // Within each stay in the group (a leave, view '', ends one; the rejoin starts at the group's view).
      let prev = -1;
      for (const e of run.sim.trace) {
        if (e.type !== 'view' || e.member !== m) continue;
        if (e.viewId === '') { prev = -1; continue; }
        const n = Number(e.viewId.split(':')[1]);
        if (prev >= 0) expect(n - prev, `${m} at ${e.t} µs: :${prev} then :${n}`).toBe(1);
        prev = n;
      }
    }
    expect(invariantByName('views-agreed-and-consecutive')!.check(runRecordOf(run.sim))).toBeNull();
  });
});
