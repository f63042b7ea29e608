/**
 * Scenario files that once crashed grsim, were refused although valid, or were silently misread
 * (issue 11's fuzz run): each gets a located ScenarioError or runs as written.
 */
import { describe, expect, it } from 'vitest';
import { buildReport, createSimulation, parseScenario, runScenario, ScenarioError, scenarioToYaml } from '../../src/index.js';
import { rejects } from '../helpers/scenario-errors.js';

const HEAD = 'members: [a, b, c]\n';

describe('Object.prototype names are ordinary names', () => {
  it.each(['toString', 'constructor', 'valueOf', '__proto__', 'hasOwnProperty'])('model key %s is an unknown parameter, not a crash', (key) => {
    const err = rejects(`${HEAD}model: { ${key}: 1 }\n`);
    expect(err.message).toMatch(new RegExp(`^f\\.yaml:2: model(\\.${key}|\\["${key}"\\]) is not a known parameter`));
  });

  it.each(['toString', 'constructor'])('version %s is an unknown version', (v) => {
    expect(rejects(`${HEAD}version: ${v}\n`).message).toMatch(/^f\.yaml:2: version must be one of/);
  });

  it.each(['constructor', 'toString', '__proto__', 'valueOf'])('a member named %s runs, with its own options', (name) => {
    const s = parseScenario(`members: [a, "${name}"]\nmemberOptions: { "${name}": { group_replication_member_weight: 70 } }\nevents: [{ at: "+1s", isolate: "${name}" }]\nuntil: "+10s"\n`, 'f.yaml');
    expect(s.members.map((m) => m.name)).toEqual(['a', name]);
    const run = runScenario(s);
    expect(run.sim.member(name).options().group_replication_member_weight).toBe(70);
    expect(run.sim.member('a').options().group_replication_member_weight).toBe(50);
  });

  it('a member named __proto__ has its own final status and workload counters in the JSON report', () => {
    const run = runScenario(parseScenario('members: [a, __proto__]\nworkload: [{ member: __proto__, rate: 5/s, size: 1KiB }]\nuntil: "+3s"\n', 'f.yaml'));
    const report = JSON.parse(JSON.stringify(buildReport(run, 'test'))) as { final: object; workload: object };
    expect(Object.keys(report.final)).toEqual(['a', '__proto__']);
    expect(Object.keys(report.workload)).toEqual(['a', '__proto__']);
  });

  it('a member named constructor without memberOptions takes the group options', () => {
    const run = runScenario(parseScenario('members: [a, constructor]\nuntil: "+2s"\n', 'f.yaml'));
    expect(run.sim.member('constructor').options().group_replication_member_weight).toBe(50);
  });

  it('memberOptions keyed by a prototype name that is not a member is refused', () => {
    expect(rejects(`${HEAD}memberOptions: { toString: {} }\n`).message).toMatch(/^f\.yaml:2: memberOptions\.toString must be keyed by a member name/);
  });
});

describe('impossible dates are refused, not rolled over', () => {
  it.each([
    ['2022-02-30T13:02:50Z', 'exist on the calendar'],
    ['2022-02-31T00:00:00Z', 'exist on the calendar'],
    ['2023-02-29T00:00:00Z', 'exist on the calendar'],
    ['2022-07-31T24:00:00Z', 'exist on the calendar'],
    ['2022-07-31T13:60:00Z', 'exist on the calendar'],
    ['2022-13-01T00:00:00Z', 'exist on the calendar'],
    ['1969-12-31T23:59:59Z', 'years 1970..9999'],
    ['9999-12-31T00:00:00Z', 'a run of up to 7 days must end in the year 9999'],
  ])('start %s', (start, rule) => {
    const err = rejects(`${HEAD}start: "${start}"\n`);
    expect(err.message).toContain('f.yaml:2: start must');
    expect(err.message).toContain(rule);
    expect(err.message).toContain(start);
  });

  it('a leap day and the latest start are accepted', () => {
    expect(parseScenario(`${HEAD}start: "2024-02-29T23:59:59.5Z"\nuntil: "+1s"\n`, 'f.yaml').start).toBe('2024-02-29T23:59:59.5Z');
    const late = parseScenario(`${HEAD}start: "9999-12-24T00:00:00Z"\nuntil: "+7d"\n`.replace('+7d', '+604800s'), 'f.yaml');
    expect(late.untilUs).toBe(604_800_000_000);
  });

  it('an event at an impossible ISO time is refused at its line', () => {
    const err = rejects(`${HEAD}start: "2022-02-27T00:00:00Z"\nevents:\n  - { at: "2022-02-30T00:00:00Z", isolate: a }\n`);
    expect(err.message).toMatch(/^f\.yaml:4: events\[0\]\.at must be a date and time that exist on the calendar/);
  });

  it('an event more than 7 days after the start is refused at its line', () => {
    const err = rejects(`${HEAD}events:\n  - { at: "+604801s", isolate: a }\n`);
    expect(err.message).toMatch(/^f\.yaml:3: events\[0\]\.at must be at most 7 days after the start/);
  });

  it('the default run-on after a late last event stops at 7 days', () => {
    expect(parseScenario(`${HEAD}events:\n  - { at: "+604700s", isolate: a }\n`, 'f.yaml').untilUs).toBe(604_800_000_000);
  });

  it('the API refuses the same dates', () => {
    expect(() => createSimulation({ seed: 1, members: ['a'], start: '2022-02-30T00:00:00Z' })).toThrow(/start must be a date and time that exist on the calendar/);
  });
});

describe('names and hosts have MySQL-sized bounds', () => {
  it('a 100,000-character member name is refused with a short message', () => {
    const name = 'n'.repeat(100_000);
    const err = rejects(`members: [a, ${name}]\nworkload: [{ member: ${name}, rate: 50/s, size: 1KiB }]\n`);
    expect(err.message).toMatch(/^f\.yaml:1: members\[1\] must be at most 64 characters \(MySQL's identifier limit, NAME_CHAR_LEN\)/);
    expect(err.message.length).toBeLessThan(400);
    expect(err.message).toContain('(99802 more characters)'); // 100,000 + 2 quotes - 200 shown
  });

  it('a 64-character name and a 255-character host are accepted; 65 and 256 are not', () => {
    const name = 'm'.repeat(64), host = 'h'.repeat(255);
    expect(parseScenario(`members: [{ name: ${name}, host: ${host} }]\nuntil: "+1s"\n`, 'f.yaml').members[0]).toMatchObject({ name, host });
    expect(rejects(`members: [${name}x]\n`).message).toContain('must be at most 64 characters');
    expect(rejects(`members: [{ name: a, host: ${host}x }]\n`).message).toMatch(/members\[0\]\.host must be at most 255 characters \(MySQL's HOSTNAME_LENGTH\)/);
  });

  it('lengths count characters, not UTF-16 units', () => {
    expect(parseScenario(`members: [${'\u{1F600}'.repeat(64)}]\nuntil: "+1s"\n`, 'f.yaml').members).toHaveLength(1);
    expect(rejects(`members: [${'\u{1F600}'.repeat(65)}]\n`).message).toContain('must be at most 64 characters');
  });

  it('a huge scenario name or seed is refused', () => {
    expect(rejects(`${HEAD}name: ${'x'.repeat(300)}\n`).message).toContain('name must be at most 255 characters');
    expect(rejects(`${HEAD}seed: ${'x'.repeat(300)}\n`).message).toContain('seed must be at most 255 characters');
  });

  it('a YAML error on a 200 KB line echoes only its start', () => {
    const err = rejects(`${HEAD}until: "+1s\n${'y'.repeat(200_000)}: [\n`);
    expect(err.message).toMatch(/^f\.yaml:\d+: \(file\) must be valid YAML or JSON/);
    expect(err.message.length).toBeLessThan(1000);
  });

  it('an unknown key of 100,000 characters is named by its start', () => {
    // An explicit key: YAML limits implicit keys to 1024 characters.
    const err = rejects(`${HEAD}? ${'k'.repeat(100_000)}\n: 1\n`);
    expect(err.message.length).toBeLessThan(1000);
    expect(err.message).toMatch(/^f\.yaml:3: k+… \(\d+ more characters\) is not a known field/);
  });
});

describe('errors raised when an event fires carry the event line', () => {
  it('restarting a running server', () => {
    const s = parseScenario(`${HEAD}events:\n  - { at: "+1s", isolate: a }\n  - { at: "+2s", restart: b }\n`, 'f.yaml');
    expect(() => runScenario(s, { source: 'f.yaml' })).toThrow(/^f\.yaml:4: events\[1\]\.restart names a member whose server is running/);
  });

  it('set on every member skips a crashed server; naming it is refused at its line', () => {
    const ok = parseScenario(`${HEAD}events:\n  - { at: "+1s", crash: a }\n  - { at: "+2s", set: { member: all, option: group_replication_member_weight, value: 10 } }\nuntil: "+3s"\n`, 'f.yaml');
    const run = runScenario(ok);
    expect(run.sim.member('b').options().group_replication_member_weight).toBe(10);
    expect(run.sim.member('a').options().group_replication_member_weight).toBe(50);
    const bad = `${HEAD}events:\n  - { at: "+1s", crash: a }\n  - { at: "+2s", set: { member: a, option: group_replication_member_weight, value: 10 } }\n`;
    expect(() => parseScenario(bad, 'f.yaml')).toThrow(/^f\.yaml:4: events\[1\]\.set names a member whose server events\[0\] crashed at 1 s/);
  });
});

describe('a run that outgrows its trace bound stops with a located message', () => {
  const file = `members: [a, b, c]\nmode: multi-primary\nworkload: [{ member: a, rate: 50/s, size: 1KiB }]\nuntil: "+1h"\nlimits: { traceEvents: 1000 }\n`;

  it('names limits.traceEvents, its line, the time reached, what to shorten and how to raise it', () => {
    const s = parseScenario(file, 'f.yaml');
    expect(s.limits).toEqual({ traceEvents: 1000 });
    let caught: unknown;
    try { runScenario(s, { source: 'f.yaml' }); } catch (e) { caught = e; }
    expect(caught).toBeInstanceOf(ScenarioError);
    const msg = (caught as ScenarioError).message;
    expect(msg).toMatch(/^f\.yaml:5: limits\.traceEvents \(1000 events\) was reached at \d+\.\d{6} s of virtual time/);
    expect(msg).toContain('shorten the run or its workload');
    expect(msg).toContain('raise limits.traceEvents (at most 3000000)');
    expect(msg).toContain('until is 3600.000000 s');
  });

  it('a file without limits gets the default bound of 2,000,000 events', () => {
    const s = parseScenario(file.replace('limits: { traceEvents: 1000 }\n', ''), 'f.yaml');
    expect(s.limits).toBeUndefined();
    expect(createSimulation({ seed: 1, members: ['a'] }).maxTraceEvents).toBe(2_000_000);
  });

  it('limits are checked and print back', () => {
    expect(rejects(`${HEAD}limits: { traceEvents: 0 }\n`).message).toMatch(/^f\.yaml:2: limits\.traceEvents must be an integer number of events in 1\.\.3000000, got 0/);
    expect(rejects(`${HEAD}limits: { trace: 5 }\n`).message).toMatch(/^f\.yaml:2: limits\.trace is not a known field; known fields are traceEvents/);
    const s = parseScenario(file, 'f.yaml');
    expect(parseScenario(scenarioToYaml(s), 'f.yaml')).toEqual(s);
  });
});

describe('fuzzer findings', () => {
  it('group_replication_single_primary_mode in memberOptions is refused at its line, not by the core without one', () => {
    const err = rejects(`members: [a, b]\nmode: single-primary\nmemberOptions: { b: { group_replication_single_primary_mode: true } }\n`);
    expect(err.message).toMatch(/^f\.yaml:3: memberOptions\.b\.group_replication_single_primary_mode is group-wide: set the topology with mode, got true/);
  });
});

describe('workloads that would take hours of work are refused up front', () => {
  it('a 10,000,000/s stream with list sizes for a day', () => {
    const err = rejects('members: [a, b]\nmode: multi-primary\nworkload:\n  - { member: a, rate: 10000000/s, size: { list: [1KiB, 2KiB] } }\nuntil: "+86400s"\n');
    expect(err.message).toMatch(/^f\.yaml:4: workload\[0\]\.size draws each transaction's size, .* about 8\.6e\+11 .* above 1000000000/);
    expect(err.message).toContain('or use a fixed size');
  });

  it('the same stream with a fixed size, or for a minute, is accepted', () => {
    expect(parseScenario('members: [a, b]\nworkload:\n  - { member: a, rate: 10000000/s, size: 1KiB }\nuntil: "+86400s"\n', 'f.yaml').workload).toHaveLength(1);
    expect(parseScenario('members: [a, b]\nworkload:\n  - { member: a, rate: 10000000/s, size: { uniform: [1B, 2B] } }\nuntil: "+60s"\n', 'f.yaml').workload).toHaveLength(1);
  });
});
