/**
 * The schedule of the lone-survivor finding (explore, healed-group-converges, seed 6262: a split,
 * then a ring with a second split inside it; docs/findings/README.md, Resolved) on 8.0.20, the
 * version it was found on. It was found while grsim gave every version wakeup_delay's 20 s cap:
 * node2, 100 slots behind on a 12 s read back-off, did not read before the four others exited and
 * stayed alone ONLINE. 8.0.20's xcom_base.cc divides a wait above 3 s by 1.31415926 until it is
 * 3 s or less (VersionProfile.wakeupDelayCap), and with that cap the group converges. On 8.4 (the
 * 20 s cap, from 8.0.27) the same schedule still ends with node2 alone, stranded behind the others'
 * exits, as MySQL would (test/rules/lone-survivor-stranded-behind-exited-instances.test.ts).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseScenario, runScenario, type ViewEvent } from '../../src/index.js';
import { livenessAfterQuietPeriod, requiredQuietPeriodUs } from '../../src/observe/invariants/index.js';
import { runRecordOf } from '../../src/observe/run-record.js';

const file = 'lone-survivor-schedule-converges-on-8.0.20.yaml';
const NAMES = ['node1', 'node2', 'node3', 'node4', 'node5'];

describe('the lone-survivor schedule on 8.0.20 (read back-off capped at 3 s)', () => {
  const run = runScenario(parseScenario(readFileSync(new URL(`./fixtures/${file}`, import.meta.url), 'utf8'), file));
  const record = runRecordOf(run.sim);

  it('ends with all five members ONLINE in one view that lists them all', () => {
    for (const m of NAMES) expect(run.sim.member(m).state, m).toBe('ONLINE');
    const last = NAMES.map((m) => run.sim.trace.filter((e): e is ViewEvent => e.type === 'view' && e.member === m).at(-1)!);
    expect(new Set(last.map((v) => v.viewId)).size).toBe(1);
    expect([...last[0]!.members].sort()).toEqual(NAMES);
  });

  it('keeps liveness-after-quiet-period, with the quiet period 8.0.20 needs', () => {
    expect(record.version).toBe('8.0.20');
    const lastFault = Math.max(...record.trace.filter((e) => e.type === 'network').map((e) => e.t));
    expect(record.endUs - lastFault).toBeGreaterThanOrEqual(requiredQuietPeriodUs(record));
    expect(livenessAfterQuietPeriod.check(record)).toBeNull();
  });
});
