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
    // Primary_election_secondary_process (UNSAFE_OLD_PRIMARY): the old primary stays writable until
    // the new primary's PRIMARY_READY arrives (sent once node2 applied its backlog, and delivered on
    // node2 when it turns super_read_only off), then sets super_read_only; each secondary logs
    // MY-011511 only once node2's QUEUE_APPLIED has come too, and ends the action after it.
    const first = (n: string, code: string): number => logsOf(sim, n, code).find((e) => e.t >= at)!.t;
    expect(logsOf(sim, 'node1').filter((e) => e.t >= at).map((e) => e.code)).toEqual(['MY-013214', 'MY-011507', 'MY-011565', 'MY-011511', 'MY-013215', 'MY-013213']);
    expect(first('node1', 'MY-011565')).toBeGreaterThan(at);
    expect(first('node1', 'MY-011565')).toBeGreaterThanOrEqual(first('node2', 'MY-011566'));
    expect(first('node1', 'MY-011511')).toBeGreaterThan(first('node1', 'MY-011565'));
    for (const n of ['node1', 'node3']) expect(first(n, 'MY-011511'), n).toBeGreaterThanOrEqual(first('node2', 'MY-011510'));
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

describe('the three topology UDFs: the init checks in MySQL\'s order, and a mode switch in its own mode', () => {
  const RECOVERING = { ok: false, error: 'A member is joining the group, wait for it to be ONLINE.' };
  const NOT_A_MEMBER = { ok: false, error: 'The requested uuid is not a member of the group.' };
  const FIVE = ['1', '2', '3', '4', '5'].map((k) => ({ name: `node${k}`, host: `10.0.0.1${k}`, uuid: uuid(k) }));
  const shown = (sim: ReturnType<typeof createSimulation>, state: string): boolean => sim.member('node1').replicationGroupMembers().some((r) => r.MEMBER_STATE === state);

  it('a RECOVERING member refuses all three, the mode switches too, and before an UNREACHABLE one (udf_single_primary.cc, udf_multi_primary.cc *_init)', () => {
    // A long distributed recovery keeps node5 RECOVERING while node4 becomes UNREACHABLE.
    const sim = createSimulation({ seed: 4, members: FIVE, model: { distributedRecoveryUs: 30 * SEC }, options: { group_replication_member_expel_timeout: 60 } });
    sim.runFor('5s');
    sim.member('node5').stopGroupReplication();
    sim.runFor('5s');
    sim.member('node5').startGroupReplication();
    expect(sim.runUntil(() => shown(sim, 'RECOVERING'), { limit: '10s' })).toBe(true);
    const events = sim.trace.length;
    expect(sim.member('node1').switchToMultiPrimaryMode()).toEqual(RECOVERING);
    expect(sim.member('node1').switchToSinglePrimaryMode()).toEqual(RECOVERING);
    expect(sim.mode).toBe('single-primary');
    expect(sim.trace.length).toBe(events);
    sim.network.isolate('node4');
    expect(sim.runUntil(() => shown(sim, 'UNREACHABLE'), { limit: '10s' })).toBe(true);
    expect(shown(sim, 'RECOVERING')).toBe(true);
    expect(sim.member('node1').setAsPrimary('node2')).toEqual(RECOVERING);
    expect(sim.member('node1').switchToMultiPrimaryMode()).toEqual(RECOVERING);
    expect(sim.member('node1').switchToSinglePrimaryMode('node2')).toEqual(RECOVERING);
    expect(sim.mode).toBe('single-primary');
  });

  it('a member out of the group is "not a member" (validate_uuid_parameter) before set_as_primary\'s multi-primary refusal; the switch with it too', () => {
    const sim = createSimulation({ seed: 3, members: MEMBERS, mode: 'multi-primary' });
    sim.runFor('5s');
    sim.member('node3').stopGroupReplication();
    sim.runFor('5s');
    expect(sim.member('node1').setAsPrimary('node3')).toEqual(NOT_A_MEMBER);
    expect(sim.member('node1').switchToSinglePrimaryMode('node3')).toEqual(NOT_A_MEMBER);
    expect(sim.mode).toBe('multi-primary');
    expect(sim.member('node1').setAsPrimary('node2')).toEqual({ ok: false, error: 'In multi-primary mode. Use group_replication_switch_to_single_primary_mode.' });
  });

  it('a switch to the mode the group is in answers MySQL\'s text and does nothing: no event, no log line, no election', () => {
    const sim = createSimulation({ seed: 3, members: MEMBERS });
    sim.runFor('5s');
    const primary = (): string[] => MEMBERS.map((m) => m.name).filter((n) => !sim.member(n).superReadOnly);
    expect(primary()).toEqual(['node1']);
    const events = sim.trace.length;
    expect(sim.member('node3').switchToSinglePrimaryMode()).toEqual({ ok: true, message: 'The group is already on single-primary mode.' });
    expect(sim.member('node3').switchToSinglePrimaryMode('node2')).toEqual({ ok: true, message: 'Already in single-primary mode. Did you mean to use group_replication_set_as_primary?' });
    expect(sim.trace.length).toBe(events);
    sim.runFor('1s');
    expect(primary()).toEqual(['node1']);
    expect(logsOf(sim, 'node2', 'MY-013214')).toEqual([]);

    expect(sim.member('node3').switchToMultiPrimaryMode()).toEqual({ ok: true, message: 'Mode switched to multi-primary successfully.' });
    sim.runFor('1s');
    const before = sim.trace.length;
    expect(sim.member('node2').switchToMultiPrimaryMode()).toEqual({ ok: true, message: 'The group is already on multi-primary mode.' });
    expect(sim.trace.length).toBe(before);
    // From multi-primary mode, the switch with a uuid elects that member.
    expect(sim.member('node1').switchToSinglePrimaryMode('node2')).toEqual({ ok: true, message: 'Mode switched to single-primary successfully.' });
    sim.runFor('1s');
    expect(primary()).toEqual(['node2']);
  });
});
