import { describe, expect, it } from 'vitest';
import { parseScenario, scenarioToYaml, type Scenario } from '../../src/index.js';
import { rejects } from '../helpers/scenario-errors.js';

/** The issue's `workload:` example (issue 4, "Observation"), in a multi-primary group so every member takes writes. */
const WL = `name: w
seed: 3
start: "2022-07-31T13:02:50Z"
mode: multi-primary
members: [node1, node2, node3]
options: { group_replication_message_cache_size: 134217728 }
workload:
  - { member: node1, rate: 2000/s, size: 4KiB }
  - { member: node2, rate: 500/s, size: { uniform: [512B, 8KiB] }, from: "+10s", to: "+70s" }
  - { member: node1, at: "+60s", transaction: { size: 120MiB } }
events:
  - { at: "+20s", isolate: node3 }
  - { at: "+40s", heal: node3 }
`;


describe('scenario files: workload', () => {
  it('reads the issue example: rates, sizes, scenario times in µs since start', () => {
    const s = parseScenario(WL, 'f.yaml');
    expect(s.workload).toEqual([
      { kind: 'stream', member: 'node1', rate: 2000, size: { kind: 'fixed', bytes: 4096 }, fromUs: 0, toUs: Infinity, burst: null, clients: null, compressionRatio: 2 },
      { kind: 'stream', member: 'node2', rate: 500, size: { kind: 'uniform', min: 512, max: 8192 }, fromUs: 10_000_000, toUs: 70_000_000, burst: null, clients: null, compressionRatio: 2 },
      { kind: 'transaction', member: 'node1', atUs: 60_000_000, bytes: 120 * 1_048_576, compressionRatio: 2 },
    ]);
  });

  it('reads clock and ISO times, bursts with durations, lists of sizes', () => {
    const s = parseScenario(WL.replace(/workload:\n(  - .*\n)+/, `workload:
  - member: node3
    rate: 90/m
    size: { list: [1KiB, 2000, 1MB] }
    from: "13:03:00"
    to: "2022-07-31T13:04:00Z"
    burst: { every: 20s, for: 2s, rate: 4000/s }
    clients: 8
    compressionRatio: 3
`), 'f.yaml');
    expect(s.workload).toEqual([{
      kind: 'stream', member: 'node3', rate: 1.5, size: { kind: 'list', sizes: [1024, 2000, 1_000_000] }, fromUs: 10_000_000, toUs: 70_000_000,
      burst: { everyUs: 20_000_000, durationUs: 2_000_000, rate: 4000 }, clients: 8, compressionRatio: 3,
    }]);
  });

  it('without an until, runs ten minutes past the later of the last event and the last finite workload time', () => {
    // Events end at 40 s; the node2 stream ends at 70 s; the open-ended node1 stream does not count.
    expect(parseScenario(WL, 'f.yaml').untilUs).toBe(670_000_000);
    expect(parseScenario(WL.replace('at: "+60s", transaction', 'at: "+100s", transaction'), 'f.yaml').untilUs).toBe(700_000_000);
    expect(parseScenario('members: [a]\nworkload: [{ member: a, rate: 10, size: 100 }]\n', 'f.yaml').untilUs).toBe(600_000_000);
  });

  it('leaves the field out when the file has no workload (an empty list included)', () => {
    expect('workload' in parseScenario('members: [a]\n', 'f.yaml')).toBe(false);
    expect('workload' in parseScenario('members: [a]\nworkload: []\n', 'f.yaml')).toBe(false);
  });

  it('prints back to YAML that parses to the same scenario', () => {
    const variants = [
      WL,
      WL.replace('rate: 2000/s, size: 4KiB }', 'rate: 1/h, size: 1000, burst: { every: 1m, for: 1.5s, rate: 2.5 }, clients: 4, compressionRatio: 1.7 }'),
      WL.replace('{ uniform: [512B, 8KiB] }', '{ list: [1B, 3KiB, 5MiB, 1000001] }').replace('size: 120MiB', 'size: 7777, compressionRatio: 4'),
      WL.replace('from: "+10s", to: "+70s"', 'from: "+0.25s", to: "+70.000001s"'),
    ];
    for (const text of variants) {
      const a = parseScenario(text, 'a.yaml');
      const yaml = scenarioToYaml(a);
      const b: Scenario = parseScenario(yaml, 'b.yaml');
      expect(b).toEqual(a);
      expect(scenarioToYaml(b)).toBe(yaml);
    }
    expect(scenarioToYaml(parseScenario(WL, 'a.yaml'))).toContain('  - { member: node2, rate: 500/s, size: { uniform: [ 512B, 8KiB ] }, from: +10s, to: +70s }\n');
  });
});

describe('scenario files: every workload error names the file, the line and the path', () => {
  const cases: [string, string, RegExp][] = [
    ['an unknown member', WL.replace('member: node2, rate', 'member: node9, rate'), /^f\.yaml:9: workload\[1\]\.member must name a member \(node1, node2, node3\), got "node9"$/],
    ['a bad size inside uniform', WL.replace('8KiB]', '8KiX]'), /^f\.yaml:9: workload\[1\]\.size\.uniform\[1\] must be a size in bytes from 1 to \d+ .*got "8KiX"$/],
    ['a uniform max below its min', WL.replace('[512B, 8KiB]', '[8KiB, 512B]'), /^f\.yaml:9: workload\[1\]\.size\.uniform\[1\] must be at least the minimum \(8192 bytes\), got "512B"$/],
    ['a duration instead of a time', WL.replace('from: "+10s"', 'from: "10s"'), /^f\.yaml:9: workload\[1\]\.from must be a clock time on the start day like "13:03:01", an offset from the start like "\+270s", or an ISO time/],
    ['a time before the start', WL.replace('from: "+10s"', 'from: "13:00:00"'), /^f\.yaml:9: workload\[1\]\.from must not be before the scenario start, got "13:00:00"$/],
    ['to before from (shown as written)', WL.replace('to: "+70s"', 'to: "+5s"'), /^f\.yaml:9: workload\[1\]\.to must be after from .*, got "\+5s"$/],
    ['a bad rate', WL.replace('2000/s', '-1/s'), /^f\.yaml:8: workload\[0\]\.rate must be a rate above 0 .*got "-1\/s"$/],
    ['a missing rate', WL.replace('rate: 2000/s, ', ''), /^f\.yaml:8: workload\[0\]\.rate is required for a stream/],
    ['an unknown key', WL.replace('rate: 2000/s,', 'rate: 2000/s, rte: 5,'), /^f\.yaml:8: workload\[0\]\.rte is not a known field; known fields are member, rate, size/],
    ['at on a stream', WL.replace('size: 4KiB }', 'size: 4KiB, at: "+1s" }'), /^f\.yaml:8: workload\[0\]\.at is not a known field/],
    ['a transaction without at', WL.replace('at: "+60s", transaction', 'transaction'), /^f\.yaml:10: workload\[2\]\.at is required for a one-off transaction/],
    ['a bad transaction size', WL.replace('size: 120MiB', 'size: 0'), /^f\.yaml:10: workload\[2\]\.transaction\.size must be a size in bytes/],
    ['a bad compression ratio', WL.replace('size: 4KiB }', 'size: 4KiB, compressionRatio: 0.5 }'), /^f\.yaml:8: workload\[0\]\.compressionRatio must be a number from 1 \(incompressible\) to 1000, got 0\.5$/],
    ['a burst length without a unit', WL.replace('size: 4KiB }', 'size: 4KiB, burst: { every: 60, for: 5s, rate: 9000/s } }'), /^f\.yaml:8: workload\[0\]\.burst\.every must be a duration with a unit/],
    ['a burst longer than its period', WL.replace('size: 4KiB }', 'size: 4KiB, burst: { every: 6s, for: 7s, rate: 9000/s } }'), /^f\.yaml:8: workload\[0\]\.burst\.for must be above 0 and at most every/],
    ['bad clients', WL.replace('size: 4KiB }', 'size: 4KiB, clients: 0 }'), /^f\.yaml:8: workload\[0\]\.clients must be an integer number of client connections/],
    ['an entry that is not an object', WL.replace('  - { member: node1, rate: 2000/s, size: 4KiB }', '  - node1'), /^f\.yaml:8: workload\[0\] must be an object like/],
    ['a workload that is not a list', WL.replace(/workload:\n(  - .*\n)+/, 'workload: { member: node1 }\n'), /^f\.yaml:7: workload must be a list/],
    ['a transaction after until', `${WL}until: "+50s"\n`, /^f\.yaml:10: workload\[2\]\.at must not be after until \("\+50s"\), got "\+60s"$/],
    ['a stream starting after until', `${WL.replace('from: "+10s", to: "+70s"', 'from: "+55s", to: "+70s"')}until: "+50s"\n`, /^f\.yaml:9: workload\[1\]\.from must not be after until \("\+50s"\), got "\+55s"$/],
    ['a block-style entry, on the line of the bad value', WL.replace('  - { member: node1, rate: 2000/s, size: 4KiB }\n', '  - member: node1\n    rate: 2000/s\n    size:\n      uniform: [1KiB, lots]\n'), /^f\.yaml:11: workload\[0\]\.size\.uniform\[1\] must be a size/],
  ];
  it.each(cases)('%s', (_what, text, message) => {
    const e = rejects(text);
    expect(e.message).toMatch(message);
    expect(e.file).toBe('f.yaml');
  });
});

describe('scenario files: model parameters that are counts, not durations', () => {
  it('reads catchUpMsgnosPerRoundTrip as an integer and prints it back as one', () => {
    const s = parseScenario('members: [a]\nmodel: { catchUpMsgnosPerRoundTrip: 25, loadTickUs: 5ms }\n', 'f.yaml');
    expect(s.model).toEqual({ catchUpMsgnosPerRoundTrip: 25, loadTickUs: 5000 });
    const yaml = scenarioToYaml(s);
    expect(yaml).toContain('catchUpMsgnosPerRoundTrip: 25\n');
    expect(parseScenario(yaml, 'b.yaml')).toEqual(s);
    expect(rejects('members: [a]\nmodel: { catchUpMsgnosPerRoundTrip: 0 }\n').message).toMatch(/^f\.yaml:2: model\.catchUpMsgnosPerRoundTrip must be an integer number of msgnos in 1\.\.1000000, got 0$/);
  });
});
