/**
 * A new server joining a running group (sim.addMember, `{ at, add: { name, host, port } }`) through
 * START GROUP_REPLICATION and distributed recovery, and removing one for good (sim.removeMember,
 * `{ at, remove: node }`: STOP, then its server shuts down). Bad input names the field, the rule
 * and the value.
 */
import { describe, expect, it } from 'vitest';
import { checkInvariants, ConfigError, createSimulation, parseScenario, runRecordOf, runScenario, scenarioToYaml } from '../../src/index.js';
import { rejects } from '../helpers/scenario-errors.js';
import { SEC, hasLogged, logsOf } from './helpers.js';

/** A three-member single-primary file up to `events:` (node1..node3 at 10.0.0.11–13). */
const HEAD = ['name: grow', 'seed: 9', 'version: "8.4"', 'mode: single-primary', 'members:',
  ...[1, 2, 3].map((k) => `  - { name: node${k}, host: 10.0.0.1${k}, port: 3306 }`), 'events:', ''].join('\n');

describe('addMember: a new server joins the running group', () => {
  it('starts, runs START, joins through recovery as a SECONDARY; every member shows it ONLINE; the run keeps the invariants', () => {
    const sim = createSimulation({ seed: 21, members: ['node1', 'node2', 'node3'], spareServers: 1 });
    sim.runFor('5s');
    const node6 = sim.addMember({ name: 'node6', host: '10.0.0.16' });
    expect(node6.running).toBe(true);
    expect(node6.state).toBe('OFFLINE');
    expect(sim.members.map((m) => m.name)).toEqual(['node1', 'node2', 'node3', 'node6']);
    sim.runFor('15s');
    expect(node6.state).toBe('ONLINE');
    expect(hasLogged(sim, 'node6', 'MY-013471')).toBe(true);
    expect(hasLogged(sim, 'node6', 'MY-011490')).toBe(true);
    for (const n of ['node1', 'node2', 'node3']) {
      expect(hasLogged(sim, n, 'MY-011492', 'The member with address 10.0.0.16:3306 was declared online')).toBe(true);
      expect(sim.member(n).replicationGroupMembers().find((r) => r.MEMBER_HOST === '10.0.0.16')).toMatchObject({ MEMBER_STATE: 'ONLINE', MEMBER_ROLE: 'SECONDARY', MEMBER_PORT: 3306 });
    }
    expect(node6.viewId()).toBe(sim.member('node1').viewId());
    expect(checkInvariants(runRecordOf(sim))).toEqual([]);
  });

  it('removeMember: STOP (a view without it, no expel), then its server shuts down for good', () => {
    const sim = createSimulation({ seed: 22, members: ['node1', 'node2', 'node3'], spareServers: 1 });
    sim.runFor('5s');
    sim.addMember('node6');
    sim.runFor('15s');
    const t = sim.nowUs;
    sim.removeMember('node6');
    sim.runFor('10s');
    const node6 = sim.member('node6');
    expect(node6.running).toBe(false);
    expect(hasLogged(sim, 'node6', 'MY-011651')).toBe(true);
    expect(logsOf(sim, 'node1', 'MY-011499').filter((e) => e.t > t).map((e) => e.message)).toEqual(['Members removed from the group: 10.0.0.14:3306']);
    expect(logsOf(sim, 'node1', 'MY-011505')).toEqual([]);
    expect(sim.member('node1').replicationGroupMembers().length).toBe(3);
    expect(() => sim.network.restart('node6')).toThrow(/restart names a member removed from the simulation/);
    expect(() => sim.removeMember('node6')).toThrow(/removeMember names a member that was already removed/);
    // Still in the report's member list, with its history.
    expect(sim.members.map((m) => m.name)).toContain('node6');
    expect(checkInvariants(runRecordOf(sim))).toEqual([]);
  });

  it('checks its input: a spare slot, a unique name and address, at most 9 members', () => {
    const none = createSimulation({ seed: 23, members: ['a', 'b', 'c'] });
    expect(() => none.addMember('d')).toThrow(/addMember needs a spare server slot: create the simulation with spareServers ≥ 1/);
    const sim = createSimulation({ seed: 23, members: ['a', 'b', 'c'], spareServers: 2 });
    expect(() => sim.addMember('b')).toThrow(/addMember\.name must be unique .*got "b"/);
    expect(() => sim.addMember({ name: 'd', host: '10.0.0.11', port: 3306 })).toThrow(/addMember\.port must differ from members\[0\]'s \(both are 10\.0\.0\.11:3306\)/);
    expect(() => sim.addMember({ name: 'd', colour: 'red' } as never)).toThrow(/addMember\.colour is not a known field/);
    expect(() => createSimulation({ seed: 1, members: ['a'], spareServers: 16 })).toThrow(/spareServers must be an integer in 0\.\.15/);
    const nine = createSimulation({ seed: 24, members: ['n1', 'n2', 'n3', 'n4', 'n5', 'n6', 'n7', 'n8', 'n9'], spareServers: 1 });
    expect(() => nine.addMember('n10')).toThrow(ConfigError);
    expect(() => nine.addMember('n10')).toThrow(/would make 10 servers in the group; GR's maximum group size is 9/);
  });
});

describe('add and remove in scenario files', () => {
  it('a server added at +10s joins, is written to after it is the primary, and is removed at +40s', () => {
    const run = runScenario(parseScenario(HEAD + [
      '  - { at: +10s, add: { name: node6, host: 10.0.0.16, port: 3306 } }',
      '  - { at: +25s, setAsPrimary: { member: node1, primary: node6 } }',
      '  - { at: +30s, write: { member: node6, count: 2 } }',
      '  - { at: +40s, remove: node6 }',
    ].join('\n') + '\nuntil: +60s\n', 'f.yaml'));
    const sim = run.sim;
    expect(logsOf(sim, 'node6', 'MY-011490').length).toBe(1);
    expect(sim.writes.filter((w) => w.member === 'node6').map((w) => w.outcome)).toEqual(['committed', 'committed']);
    // Removing the primary: the others elect a new one.
    expect(logsOf(sim, 'node1', 'MY-011500').map((e) => e.message)).toEqual(['Primary server with address 10.0.0.16:3306 left the group. Electing new Primary.']);
    expect(sim.member('node6').running).toBe(false);
    expect(sim.member('node1').replicationGroupMembers().map((r) => r.MEMBER_HOST).sort()).toEqual(['10.0.0.11', '10.0.0.12', '10.0.0.13']);
    expect(logsOf(sim, 'node1', 'MY-011499').map((e) => e.t).every((t) => t >= 40 * SEC)).toBe(true);
  });

  it('scenarioToYaml prints add, remove and setAsPrimary so that they read back the same', () => {
    const scenario = parseScenario(HEAD + [
      '  - { at: +10s, add: { name: node6, host: 10.0.0.16, port: 3307, xcomPort: 33071 } }',
      '  - { at: +25s, setAsPrimary: { member: node1, primary: node6 } }',
      '  - { at: +40s, remove: node6 }',
    ].join('\n') + '\nuntil: +60s\n', 'f.yaml');
    expect(parseScenario(scenarioToYaml(scenario), 'f.yaml')).toEqual(scenario);
    expect(scenario.events[0]!.action).toEqual({ add: { name: 'node6', host: '10.0.0.16', port: 3307, xcomPort: 33071 } });
  });

  it('the file is checked: no event names a server before it is added or after it is removed; at most 9 in the group', () => {
    expect(rejects(HEAD + '  - { at: +5s, isolate: node6 }\n  - { at: +10s, add: { name: node6 } }\n').message)
      .toMatch(/events\[0\]\.isolate names node6, which only events\[1\] adds \(later\)/);
    expect(rejects(HEAD + '  - { at: +5s, remove: node3 }\n  - { at: +10s, restart: node3 }\n').message)
      .toMatch(/events\[1\]\.restart names node3, which an earlier event removed/);
    expect(rejects(HEAD + '  - { at: +5s, add: { name: node2 } }\n').message).toMatch(/events\[0\]\.add\.name must be unique, got "node2"/);
    expect(rejects(HEAD + '  - { at: +5s, add: { name: node6, host: 10.0.0.12, port: 3306 } }\n').message)
      .toMatch(/events\[0\]\.add\.port must differ from members\[1\]'s/);
    const seven = Array.from({ length: 7 }, (_, k) => `  - { at: +${k + 1}s, add: { name: extra${k} } }`).join('\n');
    expect(rejects(HEAD + seven + '\n').message).toMatch(/events\[6\]\.add would make 10 servers in the group; GR's maximum group size is 9/);
    expect(rejects(HEAD + '  - { at: +5s, remove: node9 }\n').message).toMatch(/events\[0\]\.remove must name a member/);
  });
});
