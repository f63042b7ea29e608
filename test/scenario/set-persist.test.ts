/**
 * SET GLOBAL, SET PERSIST and SET PERSIST_ONLY across a restart. A plain SET GLOBAL changes the
 * running mysqld only, so a crashed and restarted server boots with its configured value again;
 * SET PERSIST also writes mysqld-auto.cnf, which the new process reads; SET PERSIST_ONLY writes
 * that file alone (sql/persisted_variable.cc, Persisted_variables_cache). The consequence is
 * checked where Group Replication reads the value: the primary election after node1 crashes
 * (group_replication_member_weight, primary_election_utils.cc), and START at boot refusing a
 * persisted group_replication_force_members (plugin.cc check_if_server_properly_configured,
 * MY-011634).
 */
import { describe, expect, it } from 'vitest';
import { createSimulation, parseScenario, runScenario, ScenarioError } from '../../src/index.js';
import { renderRunText } from '../../src/report/text-report.js';
import { hasLogged, logsOf } from '../rules/helpers.js';

/** node3 gets weight 10 with `setLine` at 5 s; `restart` crashes and restarts it at 10/12 s; the primary node1 crashes at 120 s. */
function run(setLine: string, restart: boolean): ReturnType<typeof runScenario> {
  return runScenario(parseScenario(`name: persist
seed: 2
members: [node1, node2, node3]
events:
${setLine}
${restart ? '  - { at: "+10s", crash: node3 }\n  - { at: "+12s", restart: node3 }\n' : ''}  - { at: "+120s", crash: node1 }
until: "+200s"
`, 'f.yaml'), { source: 'f.yaml', snapshotsAtUs: [7_000_000, 100_000_000] });
}
const set = (scope: string): string => `  - { at: "+5s", set: { member: node3, option: group_replication_member_weight, value: 10${scope === '' ? '' : `, scope: ${scope}`} } }`;
const primary = (r: ReturnType<typeof run>): string[] =>
  r.sim.members.filter((m) => m.running && m.state === 'ONLINE' && !m.superReadOnly).map((m) => m.name);
const weight = (r: ReturnType<typeof run>): number => r.sim.member('node3').options().group_replication_member_weight;

describe('a SET across a crash and restart', () => {
  it('equal weights elect node3 with this seed, a weight of 10 passes it over (the runs below differ only in the SET)', () => {
    expect(primary(run('', false))).toEqual(['node3']);
    expect(primary(run(set(''), false))).toEqual(['node2']);
  });

  it('SET GLOBAL is lost with the process: the restarted node3 boots with weight 50 and wins the election', () => {
    const r = run(set('GLOBAL'), true);
    expect(r.snapshots.find((s) => s.member === 'node3' && s.tUs === 100_000_000)?.state).toBe('ONLINE');
    expect(weight(r)).toBe(50);
    expect(primary(r)).toEqual(['node3']);
    // The restart shows the value it went back to.
    expect(r.sim.trace.filter((e) => e.type === 'option' && e.member === 'node3').map((e) => e.type === 'option' && [e.t, e.value, e.atBoot ?? false]))
      .toEqual([[5_000_000, 10, false], [12_000_000, 50, true]]);
  });

  it('SET PERSIST survives it: the restarted node3 keeps weight 10 and node2 wins', () => {
    const r = run(set('PERSIST'), true);
    expect(weight(r)).toBe(10);
    expect(primary(r)).toEqual(['node2']);
    expect(r.sim.trace.filter((e) => e.type === 'option' && e.member === 'node3')).toHaveLength(1);
  });

  it('SET PERSIST_ONLY changes nothing until the restart, then the new process runs with it', () => {
    const unchanged = run(set('persist_only'), false);
    expect(weight(unchanged)).toBe(50);
    expect(primary(unchanged)).toEqual(['node3']);
    const restarted = run(set('PERSIST_ONLY'), true);
    expect(weight(restarted)).toBe(10);
    expect(primary(restarted)).toEqual(['node2']);
    expect(restarted.sim.trace.filter((e) => e.type === 'option' && e.member === 'node3').map((e) => e.type === 'option' && [e.t, e.value, e.atBoot]))
      .toEqual([[12_000_000, 10, true]]);
  });

  it('the text report names the statement', () => {
    expect(renderRunText(run(set('PERSIST'), false), '0.0.0')).toContain('SET PERSIST group_replication_member_weight = 10 on node3');
  });

  it('a scope that is not one of the three is refused at its line, naming the field', () => {
    let err: unknown;
    try { parseScenario(`members: [node1, node2, node3]\nevents:\n${set('SESSION')}\n`, 'f.yaml'); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(ScenarioError);
    expect((err as ScenarioError).message).toBe('f.yaml:3: events[0].set.scope must be one of GLOBAL, PERSIST, PERSIST_ONLY (or in lower case), got "SESSION"');
  });
});

describe('a persisted group_replication_force_members', () => {
  /** Five members; node1–node3 crash at 5 s; node4 forces node4 and node5 with `scope`, then crashes and restarts. */
  function forcedThenRestarted(scope: 'GLOBAL' | 'PERSIST') {
    const sim = createSimulation({
      seed: 11, version: '8.4',
      members: ['node1', 'node2', 'node3', 'node4', 'node5'].map((name, k) => ({ name, host: `10.0.0.1${k + 1}`, port: 3306, xcomPort: 33061 })),
    });
    sim.runFor('5s');
    for (const n of ['node1', 'node2', 'node3']) sim.network.crash(n);
    sim.runFor('25s');
    expect(sim.member('node4').set('group_replication_force_members', '10.0.0.14:33061,10.0.0.15:33061', scope)).toEqual({ ok: true });
    sim.runFor('5s');
    expect(sim.member('node4').options().group_replication_force_members).toBe('10.0.0.14:33061,10.0.0.15:33061');
    sim.network.crash('node4');
    sim.runFor('2s');
    sim.network.restart('node4');
    sim.runFor('70s');
    return sim;
  }

  it('after SET GLOBAL the restarted node4 boots with it empty and its START goes ahead (node5, blocked again by the old node4, cannot add it: MY-011640)', () => {
    const sim = forcedThenRestarted('GLOBAL');
    expect(sim.member('node4').options().group_replication_force_members).toBe('');
    expect(hasLogged(sim, 'node4', 'MY-011634')).toBe(false);
    expect(logsOf(sim, 'node4', 'MY-011640').map((e) => e.t)).toEqual([98_000_000]);
  });

  it('after SET PERSIST the restarted node4 reads it back and its START at boot is refused at once (MY-011634)', () => {
    const sim = forcedThenRestarted('PERSIST');
    expect(sim.member('node4').options().group_replication_force_members).toBe('10.0.0.14:33061,10.0.0.15:33061');
    expect(logsOf(sim, 'node4', 'MY-011634').map((e) => [e.t, e.message]))
      .toEqual([[37_000_000, "group_replication_force_members must be empty on group start. Current value: '10.0.0.14:33061,10.0.0.15:33061'"]]);
    expect(hasLogged(sim, 'node4', 'MY-011640')).toBe(false);
    expect(sim.member('node4').state).toBe('OFFLINE');
  });
});
