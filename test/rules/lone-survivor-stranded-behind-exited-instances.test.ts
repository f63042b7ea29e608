/**
 * The lone-survivor schedule (explore, healed-group-converges, seed 6262; docs/findings/README.md,
 * "Resolved, faithful: ... a lone survivor behind the others' exits") on 8.4. After the ring both
 * killers' removals are decided: configuration 4 [node3, node4, node2#2] and then [node2#2]. node3
 * and node4 activate configuration 4; node1, node3, node4 and node5 execute their removal and their
 * XCom instances exit (xcom_base.cc executor_task: delayed_terminate_and_exit(TERMINATE_DELAY), then
 * terminate_and_exit; GR logs MY-011505). node2, added in configuration 3 and still executing it,
 * is 100 slots behind on a 12 s read back-off and never learns the values it lacks: every instance
 * that learned or accepted them has exited. With four of five instances of its configuration
 * exited it can decide nothing (xcom_base.cc majority()), so every auto-rejoin through it times out:
 * MySQL needs group_replication_force_members. liveness-after-quiet-period holds vacuously.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseScenario, runScenario, type ConfigEvent, type LogEvent, type ViewEvent } from '../../src/index.js';
import { livenessAfterQuietPeriod, requiredQuietPeriodUs } from '../../src/observe/invariants/index.js';
import { runRecordOf } from '../../src/observe/run-record.js';

const file = 'lone-survivor-stranded-behind-exited-instances.yaml';
const OTHERS = ['node1', 'node3', 'node4', 'node5'];

describe('the lone-survivor schedule on 8.4: node2 stranded behind four exited XCom instances', () => {
  const run = runScenario(parseScenario(readFileSync(new URL(`./fixtures/${file}`, import.meta.url), 'utf8'), file));
  const trace = run.sim.trace;
  const record = runRecordOf(run.sim);
  const lastFault = Math.max(...trace.filter((e) => e.type === 'network').map((e) => e.t));

  it('ends with node2 alone ONLINE in its view of five and the four others expelled, their rejoins through node2 timed out', () => {
    expect(record.version).toBe('8.4');
    expect(run.sim.member('node2').state).toBe('ONLINE');
    const node2View = trace.filter((e): e is ViewEvent => e.type === 'view' && e.member === 'node2').at(-1)!;
    expect([...node2View.members].sort()).toEqual(['node1', 'node2', 'node3', 'node4', 'node5']);
    for (const m of OTHERS) {
      expect(run.sim.member(m).state, m).not.toBe('ONLINE');
      const expelled = trace.filter((e): e is LogEvent => e.type === 'log' && e.member === m && e.code === 'MY-011505');
      expect(expelled.at(-1)!.t, m).toBeGreaterThan(lastFault);
      expect(trace.some((e) => e.type === 'log' && e.member === m && e.code === 'MY-013374' && e.t > lastFault), m).toBe(true);
    }
  });

  it('shows node2 never executing past the configuration that added it, while node3 and node4 activated a newer one', () => {
    const configs = trace.filter((e): e is ConfigEvent => e.type === 'config');
    expect(configs.some((e) => e.member === 'node2')).toBe(false);
    const added = configs.find((e) => e.nodes.includes('node2') && (e.incarnations?.[e.nodes.indexOf('node2')] ?? 1) === 2)!;
    expect(added.configId).toBe(3);
    const newest = Math.max(...configs.map((e) => e.configId ?? 0));
    expect(newest).toBe(4);
    expect(configs.filter((e) => e.configId === newest).map((e) => e.member).sort()).toEqual(['node3', 'node4']);
  });

  it('keeps liveness-after-quiet-period after the quiet period: the group is stranded, not slow', () => {
    expect(record.endUs - lastFault).toBeGreaterThanOrEqual(requiredQuietPeriodUs(record));
    expect(livenessAfterQuietPeriod.check(record)).toBeNull();
  });
});
