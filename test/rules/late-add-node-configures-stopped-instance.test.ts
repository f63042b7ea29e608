/**
 * An add_node decided after the join attempt that asked for it had ended configures an instance that
 * no longer runs (explore, healed-group-converges, seed 4242: docs/findings/README.md, Resolved).
 * Each join attempt starts XCom with a new identity (gcs_xcom_control_interface.cc retry_do_join
 * regenerates the uuid), and the seed's proposer keeps the add_node until it is decided however
 * long that takes (xcom_base.cc proposer_task). Here a ring strands node3's first auto-rejoin
 * request; the attempt times out (MY-013374) 1.8 s before the heal lets the request be decided, so
 * node3#2 joins node1's crashed incarnation in [node1, node2, node5, node3]: 2 of 4 nodes that will
 * never run, a configuration no majority can change. node2 refuses node3's next attempt ("Old
 * incarnation found") and node2 and node5 stay blocked until an operator forces a membership.
 * liveness-after-quiet-period counts such an instance as dead, like a crashed one.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseScenario, runScenario, type ConfigEvent, type LogEvent, type SimEvent } from '../../src/index.js';
import { livenessAfterQuietPeriod } from '../../src/observe/invariants/index.js';
import { runRecordOf } from '../../src/observe/run-record.js';

const SEC = 1_000_000;
const file = 'late-add-node-configures-stopped-instance.yaml';

describe('an add_node decided after its join attempt ended', () => {
  const run = runScenario(parseScenario(readFileSync(new URL(`./fixtures/${file}`, import.meta.url), 'utf8'), file));
  const trace: readonly SimEvent[] = run.sim.trace;
  const logs = (member: string, code: string): LogEvent[] => trace.filter((e): e is LogEvent => e.type === 'log' && e.member === member && e.code === code);
  const configs = (member: string): ConfigEvent[] => trace.filter((e): e is ConfigEvent => e.type === 'config' && e.member === member);
  const incarnationOf = (c: ConfigEvent, node: string): number | undefined => {
    const k = c.nodes.indexOf(node);
    return k < 0 ? undefined : (c.incarnations?.[k] ?? 1);
  };

  it('configures node3#2 after node3\'s attempt timed out, beside node1\'s crashed incarnation', () => {
    const attemptEnded = logs('node3', 'MY-013374')[0]!;
    const added = configs('node2').find((c) => incarnationOf(c, 'node3') === 2)!;
    expect(added.t).toBeGreaterThan(attemptEnded.t);
    expect(added.t - attemptEnded.t).toBeLessThan(5 * SEC);
    expect(added.nodes).toEqual(['node1', 'node2', 'node5', 'node3']);
    expect(incarnationOf(added, 'node1')).toBe(1);
    const crash = trace.find((e) => e.type === 'network' && e.action === 'crash' && e.detail === 'node1')!;
    expect(crash.t).toBeLessThan(added.t);
    // No configuration follows: two dead nodes of four leave no majority to change it.
    expect(configs('node2').filter((c) => c.t > added.t)).toEqual([]);
  });

  it('refuses node3\'s next attempt and leaves node2 and node5 blocked with the old view', () => {
    const refused = trace.filter((e): e is LogEvent => e.type === 'log' && e.member === 'node2' && e.message.startsWith('[GCS] Old incarnation found while trying to add node 10.0.0.13:33061'));
    expect(refused.length).toBeGreaterThan(0);
    expect(logs('node3', 'MY-013373').map((e) => e.message)).toContain('Started auto-rejoin procedure attempt 2 of 3');
    for (const name of ['node2', 'node5']) {
      const m = run.sim.member(name);
      expect(m.state).toBe('ONLINE');
      const rows = m.replicationGroupMembers();
      expect(rows.filter((r) => r.MEMBER_STATE === 'UNREACHABLE').map((r) => r.MEMBER_HOST).sort()).toEqual(['10.0.0.11', '10.0.0.13']);
    }
    expect(run.sim.member('node3').state).toBe('ERROR');
  });

  it('is a run liveness-after-quiet-period holds vacuously for, and only because of node3#2', () => {
    const record = runRecordOf(run.sim);
    expect(livenessAfterQuietPeriod.check(record)).toBeNull();
    // Had node3#2 run (a configuration of node3's own listing it, right after the one that added it),
    // only node1's crashed incarnation would be dead, 1 of 4, and node3, ERROR at the end, would
    // break the invariant.
    const added = record.trace.find((e): e is ConfigEvent => e.type === 'config' && incarnationOf(e, 'node3') === 2)!;
    const ran: ConfigEvent = { ...added, t: added.t + 1, member: 'node3' };
    const trace = [...record.trace];
    trace.splice(trace.indexOf(added) + 1, 0, ran);
    expect(livenessAfterQuietPeriod.check({ ...record, trace })?.members).toEqual(['node3']);
  });
});
