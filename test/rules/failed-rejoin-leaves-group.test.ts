/**
 * A failed auto-rejoin attempt leaves the group it joined at the XCom level. attempt_rejoin
 * (src/plugin.cc) ends a failed attempt, join-view timeout included (MY-013374), with
 * gcs_module->leave(): "If we do not leave preemptively, the server will only leave the group when
 * the communication layer failure detector detects that it left." Explore healed-group-converges
 * (seed 367010407, ring for 57 s, member_expel_timeout 0): node4 was added to the XCom
 * configuration at 546.85 s but no view could be installed (members still marked failed), its
 * join timed out at 559.35 s, and grsim only stopped its XCom. The dead node4 stayed configured,
 * a non-member suspect with the 60 s timeout that held back every view, so the joins of node2 and
 * node3 timed out too, node1 and node5 lost the majority of the five-node configuration, left on
 * the 55 s unreachable-majority timeout, and by ~700 s no group was left to rejoin.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { invariantByName, parseScenario, runRecordOf, runScenario } from '../../src/index.js';

const FILE = new URL('./fixtures/failed-rejoin-leaves-group.yaml', import.meta.url);

describe('a failed auto-rejoin attempt', () => {
  const run = runScenario(parseScenario(readFileSync(FILE, 'utf8'), 'failed-rejoin-leaves-group.yaml'));
  const trace = run.sim.trace;
  const timeout = trace.find((e) => e.type === 'log' && e.member === 'node4' && e.code === 'MY-013374' && e.t > 546_410_000);

  it('asks the group to remove it: a configuration without node4 follows its join-view timeout within seconds', () => {
    expect(timeout).toBeDefined();
    const t0 = timeout!.t;
    const removed = trace.find((e) => e.type === 'config' && e.member === 'node1' && e.t > t0 && !e.nodes.includes('node4'));
    expect(removed).toBeDefined();
    expect(removed!.t - t0).toBeLessThan(5_000_000);
  });

  it('no member loses the majority after the heal, and every member ends ONLINE in one five-member view', () => {
    const lost = trace.filter((e) => e.type === 'log' && e.t > 560_000_000 && (e.code === 'MY-011711' || e.code === 'MY-011496'));
    expect(lost).toEqual([]);
    for (const m of run.sim.members) {
      expect(m.state, m.name).toBe('ONLINE');
      expect(m.replicationGroupMembers().map((r) => r.MEMBER_STATE), m.name).toEqual(['ONLINE', 'ONLINE', 'ONLINE', 'ONLINE', 'ONLINE']);
    }
    expect(invariantByName('liveness-after-quiet-period')!.check(runRecordOf(run.sim))).toBeNull();
  });
});
