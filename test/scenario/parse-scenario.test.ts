import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseScenario, scenarioToYaml, type Scenario } from '../../src/index.js';
import { rejects } from '../helpers/scenario-errors.js';
import { SEED_CASE_FILE } from '../helpers/seed-case.js';

const BASE = `name: t
seed: 7
start: "2022-07-31T13:02:50Z"
mode: multi-primary
members:
  - { name: node1, host: 192.168.244.10, port: 3306 }
  - { name: node2, host: 192.168.244.20, port: 3306 }
  - { name: node3, host: 192.168.244.30, port: 3306 }
options:
  group_replication_member_expel_timeout: 5
memberOptions:
  node3: { group_replication_exit_state_action: OFFLINE_MODE }
network: { latency: 0.3ms, jitter: 0.1ms, loss: 0 }
events:
  - { at: "13:03:01", isolate: node3 }
  - { at: "+270s", heal: all }
  - { at: "+300s", cut: { from: node1, to: node2 } }
  - { at: "+310s", restore: { from: node1, to: node2 } }
  - { at: "+320s", partition: [[node1, node2], [node3]] }
  - { at: "+330s", repair: all }
  - { at: "+340s", freeze: node2 }
  - { at: "+345s", thaw: node2 }
  - { at: "+350s", set: { member: node1, option: group_replication_member_expel_timeout, value: 0 } }
  - { at: "+360s", write: { member: node3 } }
until: "+900s"
`;


describe('parseScenario: the issue example', () => {
  const s = parseScenario(BASE, 'f.yaml');
  it('reads every field', () => {
    expect(s.name).toBe('t');
    expect(s.members.map((m) => `${m.name}@${m.host}:${m.port}/${m.xcomPort}`)).toEqual([
      'node1@192.168.244.10:3306/33061', 'node2@192.168.244.20:3306/33061', 'node3@192.168.244.30:3306/33061',
    ]);
    expect(s.network).toEqual({ latencyUs: 300, jitterUs: 100, loss: 0 });
    expect(s.memberOptions).toEqual({ node3: { group_replication_exit_state_action: 'OFFLINE_MODE' } });
    expect(s.untilUs).toBe(900_000_000);
  });
  it('reads clock times on the start day and offsets from the start', () => {
    expect(s.events.map((e) => e.atUs / 1e6)).toEqual([11, 270, 300, 310, 320, 330, 340, 345, 350, 360]);
  });
  it('keeps file order for events at the same time', () => {
    const t = parseScenario(`members: [a, b]\nevents:\n  - { at: "+1s", write: { member: a } }\n  - { at: "+5s", heal: b }\n  - { at: "+5s", isolate: b }\n`, 'x.yaml');
    expect(t.events.map((e) => Object.keys(e.action)[0])).toEqual(['write', 'heal', 'isolate']);
  });
  it('refuses an event listed before an earlier one, at its line, with the path, the rule and both times', () => {
    const text = `members: [a, b, c]\nevents:\n  - { at: "+10s", isolate: c }\n  - { at: "+5s", heal: c }\n`;
    expect(() => parseScenario(text, 'x.yaml')).toThrow('x.yaml:4: events[1].at must not be before the event listed above it (events[0] at "+10s"): list events in time order, got "+5s"');
    // Clock times and offsets are compared as instants: 13:00:05 is +5s after a 13:00:00 start.
    expect(() => parseScenario(`start: "2024-01-01T13:00:00Z"\n${text.replace('"+10s"', '"13:00:10"')}`, 'y.yaml')).toThrow('y.yaml:5: events[1].at must not be before the event listed above it (events[0] at "13:00:10")');
  });
  it('fills defaults: name from the file, seed 1, 8.0.21, single-primary, distinct hosts, ten minutes after the last event', () => {
    const t = parseScenario('members: [a, b, c]\nevents: [{ at: "+5s", isolate: c }]\n', 'dir/my-case.yml');
    expect(t).toMatchObject({ name: 'my-case', seed: 1, version: '8.0.21', mode: 'single-primary', untilUs: 605_000_000 });
    expect(new Set(t.members.map((m) => `${m.host}:${m.port}`)).size).toBe(3);
  });
  it('gives members that share a host consecutive ports', () => {
    const t = parseScenario('members:\n  - { name: a, host: db }\n  - { name: b, host: db }\n  - { name: c, host: db }\n', 'x.yaml');
    expect(t.members.map((m) => [m.port, m.xcomPort])).toEqual([[3306, 33061], [3307, 33062], [3308, 33063]]);
  });
  it('reads JSON with the same schema', () => {
    const t = parseScenario(JSON.stringify({ members: ['a', 'b', 'c'], events: [{ at: '+1s', cut: { from: 'a', to: 'b' } }], until: '+1m' }), 'x.json');
    expect(t.events[0]?.action).toEqual({ cut: { from: 'a', to: 'b' } });
    expect(t.untilUs).toBe(60_000_000);
  });
  it('prints back to YAML that parses to the same scenario', () => {
    for (const text of [BASE, readFileSync(SEED_CASE_FILE, 'utf8')]) {
      const a = parseScenario(text, 'a.yaml');
      const b: Scenario = parseScenario(scenarioToYaml(a), 'b.yaml');
      expect(b).toEqual(a);
    }
  });
});

describe('parseScenario: every error names the file, the path and the problem', () => {
  const cases: [string, string, RegExp][] = [
    ['an unknown top-level key', BASE.replace('mode:', 'mdoe:'), /^f\.yaml:4: mdoe is not a known field; known fields are name, seed/],
    ['an unknown key in an event', BASE.replace('{ at: "+330s", repair: all }', '{ at: "+330s", repair: all, why: test }'), /^f\.yaml:\d+: events\[5\]\.why is not a known action/],
    ['an unknown key in a cut', BASE.replace('cut: { from: node1, to: node2 }', 'cut: { from: node1, too: node2 }'), /^f\.yaml:\d+: events\[2\]\.cut\.too is not a known field; known fields are from, to/],
    ['an unknown member in a cut', BASE.replace('cut: { from: node1, to: node2 }', 'cut: { from: node1, to: node9 }'), /^f\.yaml:17: events\[2\]\.cut\.to must name a member \(node1, node2, node3\), got "node9"$/],
    ['an unknown member in memberOptions', BASE.replace('  node3: {', '  node4: {'), /^f\.yaml:\d+: memberOptions\.node4 must be keyed by a member name/],
    ['an unknown member in a partition', BASE.replace('[[node1, node2], [node3]]', '[[node1, node2], [nod3]]'), /events\[4\]\.partition\[1\]\[0\] must name a member/],
    ['a member in two partition groups', BASE.replace('[[node1, node2], [node3]]', '[[node1, node2], [node2]]'), /events\[4\]\.partition\[1\]\[0\] names a member already in another group, got "node2"/],
    ['a bad clock time', BASE.replace('"13:03:01"', '"13:63:01"'), /^f\.yaml:15: events\[0\]\.at must be a clock time on the start day like "13:03:01", an offset from the start like "\+270s", or an ISO time/],
    ['a bad offset', BASE.replace('"+270s"', '"+270 parsecs"'),
      /^f\.yaml:16: events\[1\]\.at must be an offset from the start: "\+" and a duration with a unit \(us, ms, s, m, h\) like "\+270s" or "\+4\.5m", at most "\+168h" \(7 days\), got "\+270 parsecs"$/],
    ['an until in years', BASE.replace('until: "+900s"', 'until: "+100y"'), /^f\.yaml:25: until must be an offset from the start: .*\(us, ms, s, m, h\).*at most "\+168h" \(7 days\), got "\+100y"$/],
    ['an until in days', BASE.replace('until: "+900s"', 'until: "+8d"'), /^f\.yaml:25: until must be an offset .*, got "\+8d"$/],
    ['a version YAML reads as a number', BASE.replace('seed: 7', 'seed: 7\nversion: 8.0'),
      /^f\.yaml:3: version must be one of '8\.0\.20', '8\.0\.21', '8\.4', '9\.x' \(quote it, like "8\.0\.21"\), got 8\.0, read as the number 8$/],
    ['a seed beyond the exact integers', BASE.replace('seed: 7', 'seed: 99999999999999999999'),
      /^f\.yaml:2: seed must be an integer in -9007199254740991\.\.9007199254740991 or a non-empty string \(quote a number to use it as a string seed, like "1\.5"\), got 99999999999999999999, read as the number 100000000000000000000$/],
    ['a seed that is not an integer', BASE.replace('seed: 7', 'seed: 1.5'), /^f\.yaml:2: seed must be an integer in -9007199254740991\.\.9007199254740991 or a non-empty string \(quote a number .*\), got 1\.5$/],
    ['a time before the start', BASE.replace('"13:03:01"', '"13:02:00"'), /events\[0\]\.at must not be before the scenario start, got "13:02:00"/],
    ['a missing time', BASE.replace('{ at: "+345s", thaw: node2 }', '{ thaw: node2 }'), /events\[7\]\.at is required/],
    ['an out-of-range option', BASE.replace('group_replication_member_expel_timeout: 5', 'group_replication_member_expel_timeout: 3601'), /^f\.yaml:10: options\.group_replication_member_expel_timeout must be an integer in 0\.\.3600, got 3601$/],
    ['a force_members value the group cannot form with', BASE.replace('group_replication_member_expel_timeout: 5', "group_replication_force_members: '10.0.0.11:33061'"),
      /^f\.yaml:10: options\.group_replication_force_members must be '' when the group forms \(START refuses it, MY-011634\); force a membership at run time with set, got "10\.0\.0\.11:33061"$/],
    ['a member\'s force_members value', BASE.replace('node3: { group_replication_exit_state_action: OFFLINE_MODE }', "node3: { group_replication_force_members: 'a:1' }"),
      /^f\.yaml:12: memberOptions\.node3\.group_replication_force_members must be '' when the group forms .*, got "a:1"$/],
    ['an out-of-range flow-control period', BASE.replace('group_replication_member_expel_timeout: 5', 'group_replication_flow_control_period: 61'),
      /^f\.yaml:10: options\.group_replication_flow_control_period must be an integer in 1\.\.60, got 61$/],
    ['an unknown option', BASE.replace('group_replication_member_expel_timeout: 5', 'group_replication_member_expel_timeout_s: 5'), /options\.group_replication_member_expel_timeout_s is not a known option/],
    ['an out-of-range member option', BASE.replace('OFFLINE_MODE', 'SHUTDOWN'), /memberOptions\.node3\.group_replication_exit_state_action must be one of READ_ONLY, OFFLINE_MODE, ABORT_SERVER, got "SHUTDOWN"/],
    ['an out-of-range SET value', BASE.replace('group_replication_member_expel_timeout, value: 0', 'group_replication_member_expel_timeout, value: -1'), /events\[8\]\.set\.value must be an integer in 0\.\.3600, got -1/],
    ['an event after until', BASE.replace('until: "+900s"', 'until: "+355s"'), /^f\.yaml:\d+: events\[9\]\.at must not be after until \("\+355s"\), got "\+360s"$/],
    ['a bad until', BASE.replace('until: "+900s"', 'until: later'), /until must be a clock time/],
    ['too many members', BASE.replace('members:\n', 'members:\n' + Array.from({ length: 7 }, (_, i) => `  - x${i}\n`).join('')), /^f\.yaml:\d+: members must be a list of 1\.\.9 members/],
    ['a duplicate member name', BASE.replace('name: node2', 'name: node1'), /members\[1\]\.name must be unique, got "node1"/],
    ['a member named all', BASE.replace('name: node2', 'name: all'), /members\[1\]\.name must not be all/],
    ['two members on one address', BASE.replace('192.168.244.20', '192.168.244.10'), /members\[1\]\.port must differ from members\[0\]'s \(both are 192\.168\.244\.10:3306\)/],
    ['a bad port', BASE.replace('192.168.244.20, port: 3306', '192.168.244.20, port: 70000'), /members\[1\]\.port must be an integer in 1\.\.65535, got 70000/],
    ['a bad mode', BASE.replace('multi-primary', 'multi-master'), /^f\.yaml:4: mode must be single-primary or multi-primary, got "multi-master"$/],
    ['an unknown version', BASE.replace('seed: 7', 'seed: 7\nversion: "5.7"'), /version must be one of '8\.0\.20', '8\.0\.21', '8\.4', '9\.x', got "5\.7"/],
    ['a bad start', BASE.replace('"2022-07-31T13:02:50Z"', '"yesterday"'), /start must be an ISO 8601 UTC time/],
    ['a latency without a unit', BASE.replace('latency: 0.3ms', 'latency: 300'), /network\.latency must be a duration with a unit/],
    ['a loss of 1', BASE.replace('loss: 0 }', 'loss: 1 }'), /network\.loss must be a probability in \[0, 1\)/],
    ['two actions in one event', BASE.replace('{ at: "+330s", repair: all }', '{ at: "+330s", repair: all, heal: all }'), /events\[5\] must have exactly one action/],
    ['no action', BASE.replace('{ at: "+330s", repair: all }', '{ at: "+330s" }'), /events\[5\] must have exactly one action/],
    ['a one-way cut to itself', BASE.replace('cut: { from: node1, to: node2 }', 'cut: { from: node1, to: node1 }'), /events\[2\]\.cut\.to must differ from from/],
    ['a thaw without a freeze', BASE.replace('{ at: "+340s", freeze: node2 }', '{ at: "+340s", write: { member: node2 } }'), /events\[7\]\.thaw names a member that no earlier event froze, got "node2"/],
    ['a SET of single_primary_mode', BASE.replace('option: group_replication_member_expel_timeout, value: 0', 'option: group_replication_single_primary_mode, value: 0'), /events\[8\]\.set\.option cannot be changed while Group Replication runs/],
    ['a write count of 0', BASE.replace('write: { member: node3 }', 'write: { member: node3, count: 0 }'), /events\[9\]\.write\.count must be an integer in 1\.\.100000, got 0/],
    ['a run longer than seven days', BASE.replace('until: "+900s"', 'until: "+100000h"'), /^f\.yaml:\d+: until must be at most 7 days after the start \(runs are bounded\), got "\+100000h"$/],
    ['more than a million transactions', BASE.replace('write: { member: node3 }', 'write: { member: node3, count: 100000 }').replace('{ at: "+330s", repair: all }', Array.from({ length: 10 }, () => '{ at: "+330s", write: { member: node1, count: 100000 } }').join('\n  - ')), /events\[18\]\.write\.count brings the scenario's transactions above 1000000/],
    ['invalid YAML', BASE.replace('{ at: "+330s", repair: all }', '{ at: "+330s", repair: all'), /^f\.yaml:\d+: \(file\) must be valid YAML or JSON/],
    ['a duplicate key', BASE.replace('seed: 7', 'seed: 7\nseed: 8'), /^f\.yaml:3: \(file\) must be valid YAML or JSON: Map keys must be unique/],
    ['a list instead of a mapping', '- a\n- b\n', /^f\.yaml:1: \(scenario\) must be a mapping/],
  ];
  it.each(cases)('%s', (_what, text, message) => {
    const e = rejects(text);
    expect(e.message).toMatch(message);
    expect(e.file).toBe('f.yaml');
  });
});
