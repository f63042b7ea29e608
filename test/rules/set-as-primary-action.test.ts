/**
 * group_replication_set_as_primary as a group action (docs/mysql-behaviour.md §G8): the UDF's
 * refusals (udf_single_primary.cc, udf_utils.cc), the log lines every member writes
 * (group_action_coordinator.cc, primary_election_invocation_handler.cc), and the scenario action
 * `{ at, setAsPrimary: { member, primary } }`.
 */
import { describe, expect, it } from 'vitest';
import { createSimulation, parseScenario, runScenario, ScenarioError } from '../../src/index.js';
import { SEC, hasLogged, logsOf } from './helpers.js';

const uuid = (c: string): string => `00000000-0000-0000-0000-00000000000${c}`;
const MEMBERS = ['1', '2', '3'].map((k) => ({ name: `node${k}`, host: `10.0.0.1${k}`, uuid: uuid(k) }));
const SWITCHED = `Primary server switched to: ${uuid('2')}`;

const FILE = (events: string): string => `name: switchover
seed: 5
version: "8.4"
mode: single-primary
members:
  - { name: node1, host: 10.0.0.11, port: 3306, uuid: ${uuid('1')} }
  - { name: node2, host: 10.0.0.12, port: 3306, uuid: ${uuid('2')} }
  - { name: node3, host: 10.0.0.13, port: 3306, uuid: ${uuid('3')} }
events:
${events}
until: +60s
`;

describe('set_as_primary on a healthy group', () => {
  it('every member logs the group action around the election, in MySQL order; node2 becomes the writable primary', () => {
    const sim = createSimulation({ seed: 3, members: MEMBERS });
    sim.runFor('5s');
    expect(sim.member('node3').setAsPrimary('node2')).toEqual({ ok: true, message: SWITCHED });
    const at = sim.nowUs;
    // The action ends once the new primary's election process has gone through the group (its
    // PRIMARY_READY and QUEUE_APPLIED messages): within a few XCom rounds.
    sim.runFor('100ms');
    const codes = (n: string): string[] => logsOf(sim, n).filter((e) => e.t >= at && e.code !== 'MY-011565' && e.code !== 'MY-011566').map((e) => e.code);
    expect(logsOf(sim, 'node2', 'MY-011510').map((e) => e.t - at)).toEqual([expect.any(Number)]);
    expect(logsOf(sim, 'node2', 'MY-011510')[0]!.t).toBeGreaterThan(at);
    expect(codes('node2')).toEqual(['MY-013214', 'MY-011507', 'MY-011510', 'MY-013215', 'MY-013213']);
    for (const n of ['node1', 'node3']) expect(codes(n)).toEqual(['MY-013214', 'MY-011507', 'MY-011511', 'MY-013215', 'MY-013213']);
    expect(logsOf(sim, 'node1', 'MY-013214').map((e) => [e.level, e.message])).toEqual([['System', 'Starting group operation local execution: Primary election change']]);
    expect(logsOf(sim, 'node1', 'MY-013215').map((e) => e.level)).toEqual(['Note']);
    expect(logsOf(sim, 'node1', 'MY-013213').map((e) => e.message)).toEqual([`Configuration operation 'Primary election change' terminated. ${SWITCHED}`]);
    expect(hasLogged(sim, 'node1', 'MY-011507', 'A new primary with address 10.0.0.12:3306 was elected. The new primary will execute all previous group transactions before allowing writes. Enabling conflict detection until the new primary applies all relay logs.')).toBe(true);
    // The old primary turns super_read_only on, the new one off.
    expect(hasLogged(sim, 'node1', 'MY-011565')).toBe(true);
    expect(sim.member('node1').superReadOnly).toBe(true);
    expect(sim.member('node2').superReadOnly).toBe(false);
    const w = sim.member('node2').write();
    sim.runFor('1s');
    expect(w.outcome).toBe('committed');
  });

  it('naming the current primary changes nothing and says so', () => {
    const sim = createSimulation({ seed: 3, members: MEMBERS });
    sim.runFor('5s');
    expect(sim.member('node2').setAsPrimary('node1')).toEqual({ ok: true, message: 'The requested member is already the current group primary.' });
    expect(logsOf(sim, 'node2', 'MY-013214')).toEqual([]);
  });
});

describe('set_as_primary refusals', () => {
  it('while a member is UNREACHABLE, and while one is RECOVERING', () => {
    const sim = createSimulation({ seed: 4, members: MEMBERS, options: { group_replication_member_expel_timeout: 60 } });
    sim.runFor('5s');
    sim.network.isolate('node3');
    expect(sim.runUntil(() => hasLogged(sim, 'node1', 'MY-011493'), { limit: '20s' })).toBe(true);
    expect(sim.member('node1').setAsPrimary('node2')).toEqual({ ok: false, error: 'All members in the group must be reachable.' });
    expect(logsOf(sim, 'node1', 'MY-013214')).toEqual([]);
    sim.network.heal('node3');
    sim.runFor('10s');
    sim.member('node3').stopGroupReplication();
    sim.runFor('5s');
    sim.member('node3').startGroupReplication();
    expect(sim.runUntil(() => sim.member('node1').replicationGroupMembers().some((r) => r.MEMBER_STATE === 'RECOVERING'), { limit: '10s' })).toBe(true);
    expect(sim.member('node1').setAsPrimary('node2')).toEqual({ ok: false, error: 'A member is joining the group, wait for it to be ONLINE.' });
    sim.runFor('5s');
    expect(sim.member('node1').setAsPrimary('node2')).toEqual({ ok: true, message: SWITCHED });
  });

  it('as a scenario action: the switchover runs at its time; refused while a member is UNREACHABLE, the run fails naming the event', () => {
    const ok = runScenario(parseScenario(FILE('  - { at: +10s, setAsPrimary: { member: node1, primary: node2 } }'), 'f.yaml'));
    const ended = logsOf(ok.sim, 'node3', 'MY-013213');
    expect(ended.map((e) => e.message)).toEqual([`Configuration operation 'Primary election change' terminated. ${SWITCHED}`]);
    // It ends when the new primary's election process has gone through the group, within a few XCom rounds.
    expect(ended[0]!.t).toBeGreaterThan(10 * SEC);
    expect(ended[0]!.t).toBeLessThan(10 * SEC + 100_000);
    expect(ok.sim.member('node2').superReadOnly).toBe(false);
    const refused = FILE('  - { at: +10s, isolate: node3 }\n  - { at: +17s, setAsPrimary: { member: node1, primary: node2 } }');
    expect(() => runScenario(parseScenario(refused, 'f.yaml'))).toThrow(ScenarioError);
    expect(() => runScenario(parseScenario(refused, 'f.yaml'))).toThrow(/events\[1\]\.setAsPrimary is refused on node1: All members in the group must be reachable when it fires at 17\.000000 s/);
  });

  it('the file is checked: both names must be members, and no other key', () => {
    expect(() => parseScenario(FILE('  - { at: +10s, setAsPrimary: { member: node1, primary: node9 } }'), 'f.yaml')).toThrow(/events\[0\]\.setAsPrimary\.primary must name a member \(node1, node2, node3\), got "node9"/);
    expect(() => parseScenario(FILE('  - { at: +10s, setAsPrimary: { member: node1, primary: node2, timeout: 5 } }'), 'f.yaml')).toThrow(/setAsPrimary\.timeout/);
  });
});
