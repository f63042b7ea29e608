import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertReplayable, describeFault, fault, faultSchedule, groupSetup, scheduleToScenario, scheduleToYaml, type FaultSchedule, type GroupSetup } from '../../src/arbitraries/index.js';
import { parseScenario } from '../../src/scenario/parse-scenario.js';
import { ConfigError } from '../../src/errors.js';

/** Calls `build` and returns the ConfigError it throws (field, rule, value), failing if it throws anything else or nothing. */
function refusal(build: () => unknown): { field: string; rule: string; value: unknown } {
  let thrown: unknown;
  try { build(); } catch (e) { thrown = e; }
  expect(thrown, 'expected a ConfigError').toBeInstanceOf(ConfigError);
  const { field, rule, value } = thrown as ConfigError;
  return { field, rule, value };
}

const setup3: GroupSetup = { members: ['node1', 'node2', 'node3'], mode: 'single-primary', version: '8.0.21', options: {} };

describe('faultSchedule() checks its constraints when it is built', () => {
  it.each([
    [{ members: 12 }, 'faultSchedule.members', /1\.\.9/, 12],
    [{ members: 0 }, 'faultSchedule.members', /1\.\.9/, 0],
    [{ members: 2.5 }, 'faultSchedule.members', /integer/, 2.5],
    [{ minMembers: 6, maxMembers: 4 }, 'faultSchedule.maxMembers', /at least minMembers \(6\)/, 4],
    [{ minFaults: 4, maxFaults: 2 }, 'faultSchedule.maxFaults', /at least minFaults \(4\)/, 2],
    [{ minFaults: 6 }, 'faultSchedule.maxFaults', /the default is 5/, 5],
    [{ minFaults: -1 }, 'faultSchedule.minFaults', /integer/, -1],
    [{ durationUs: '3m' }, 'faultSchedule.durationUs', /integer/, '3m'],
    [{ quietUs: -5 }, 'faultSchedule.quietUs', /integer/, -5],
    [{ horizonUs: 0 }, 'faultSchedule.horizonUs', /integer/, 0],
    [{ minDurationUs: 10 }, 'faultSchedule.minDurationUs', /1 ms grid/, 10],
    [{ minDurationUs: 5_000_000, maxDurationUs: 1_000_000 }, 'faultSchedule.maxDurationUs', /at least minDurationUs \(5000000\)/, 1_000_000],
    [{ kinds: ['meteor'] }, 'faultSchedule.kinds[0]', /one of isolate, split/, 'meteor'],
    [{ kinds: [] }, 'faultSchedule.kinds', /non-empty array/, []],
    [{ members: 1, kinds: ['split'] }, 'faultSchedule.kinds', /group of 1 member \(split needs 2\)/, ['split']],
    [{ kinds: ['ring'] }, 'faultSchedule.kinds', /group of 3 members \(ring needs 4\)/, ['ring']],
    [{ kinds: ['crash'], abortServer: true }, 'faultSchedule.kinds', /besides crash/, []],
    [{ kinds: ['crash'], options: { group_replication_exit_state_action: 'abort_server' } }, 'faultSchedule.kinds', /besides crash/, []],
    [{ bogus: 1 }, 'faultSchedule.bogus', /not a known constraint/, 1],
    [{ versions: ['5.7'] }, 'faultSchedule.versions[0]', /'8\.0\.21'/, '5.7'],
    [{ versions: [] }, 'faultSchedule.versions', /non-empty array/, []],
    [{ modes: ['multi_primary'] }, 'faultSchedule.modes[0]', /'multi-primary' or 'single-primary'/, 'multi_primary'],
    [{ abortServer: 'yes' }, 'faultSchedule.abortServer', /true or false/, 'yes'],
    [{ options: { group_replication_member_expel_timeout: -3 } }, 'faultSchedule.options.group_replication_member_expel_timeout', /0\.\.3600/, -3],
    [{ options: { group_replication_member_expel_timout: 5 } }, 'faultSchedule.options.group_replication_member_expel_timout', /not a known option/, 5],
    [{ options: { group_replication_force_members: 'a:1' } }, 'faultSchedule.options.group_replication_force_members', /.+/, 'a:1'],
    // 8.0.20's message cache floor is 1 GiB, later versions' 128 MiB: checked for every version the setup may draw.
    [{ options: { group_replication_message_cache_size: 134_217_728 } }, 'faultSchedule.options.group_replication_message_cache_size', /integer in 1073741824\.\./, 134_217_728],
    [{ setup: setup3, members: 5 }, 'faultSchedule.members', /cannot be combined with setup/, 5],
    [{ setup: { ...setup3, version: '5.7' } }, 'faultSchedule.setup.version', /'8\.0\.21'/, '5.7'],
    [{ setup: { ...setup3, members: ['a', 'a'] } }, 'faultSchedule.setup.members[1]', /unique/, 'a'],
    [{ setup: { ...setup3, mode: 'multi-primary', options: { group_replication_single_primary_mode: true } } }, 'faultSchedule.setup.options.group_replication_single_primary_mode', /agree with mode/, true],
  ])('refuses %j as %s', (constraints, field, rule, value) => {
    const r = refusal(() => faultSchedule(constraints as never));
    expect(r.field).toBe(field);
    expect(r.rule).toMatch(rule);
    if (field !== 'faultSchedule.kinds' || (value as unknown[]).length > 0) expect(r.value).toEqual(value);
  });

  it('accepts every constraint of the built-in properties and the documented examples, and still draws schedules', () => {
    const arbs = [
      faultSchedule(),
      faultSchedule({ members: 1 }),
      faultSchedule({ members: 3, kinds: ['isolate'], minFaults: 1, maxFaults: 1, minDurationUs: 1_000_000, maxDurationUs: 19_999_000, options: { group_replication_member_expel_timeout: 5 } }),
      faultSchedule({ setup: setup3, kinds: ['crash', 'isolate'], durationUs: 60_000_000, quietUs: 30_000_000 }),
      faultSchedule({ minDurationUs: 300_000_000 }),
      faultSchedule({ versions: ['8.4'], options: { group_replication_message_cache_size: 134_217_728 } }),
      faultSchedule({ modes: ['multi-primary'], options: { group_replication_single_primary_mode: false } }),
    ];
    for (const arb of arbs) expect(fc.sample(arb, { seed: 1, numRuns: 3 })).toHaveLength(3);
  });
});

describe('groupSetup(), fault() and assertReplayable() check theirs too', () => {
  it('names the builder in the field', () => {
    expect(refusal(() => groupSetup({ members: 10 })).field).toBe('groupSetup.members');
    expect(refusal(() => groupSetup({ minFaults: 1 } as never)).field).toBe('groupSetup.minFaults');
    expect(refusal(() => fault({ members: ['a', 'b'], kinds: ['ring'] })).field).toBe('fault.kinds');
    expect(refusal(() => fault({ members: [] })).field).toBe('fault.members');
    expect(refusal(() => fault({ members: ['a'], maxFaults: 3 } as never)).field).toBe('fault.maxFaults');
    expect(refusal(() => fault(undefined as never)).field).toBe('fault');
  });
  it('checks assertReplayable’s arguments before running anything', () => {
    const schedules = faultSchedule({ members: 3, maxFaults: 0, durationUs: 1_000_000 });
    expect(refusal(() => assertReplayable({} as never, () => true)).field).toBe('assertReplayable.schedules');
    expect(refusal(() => assertReplayable(schedules, 'true' as never)).field).toBe('assertReplayable.predicate');
    expect(refusal(() => assertReplayable(schedules, () => true, { scenarioName: '' })).field).toBe('assertReplayable.params.scenarioName');
    expect(refusal(() => assertReplayable(schedules, () => true, { scenarioName: 'x'.repeat(300) })).field).toBe('assertReplayable.params.scenarioName');
  });
});

describe('scheduleToScenario() checks a hand-written schedule before compiling it', () => {
  // A fault that names no member of the group used to compile to nothing: the run passed, testing nothing.
  const base: FaultSchedule = { setup: setup3, faults: [], durationUs: 60_000_000 };
  const isolate = { kind: 'isolate', member: 'node3', atUs: 0, durationUs: 30_000_000 } as const;
  it.each([
    ['scheduleToScenario.schedule.faults[0].member', { ...isolate, member: 'zz' }, 'zz'],
    ['scheduleToScenario.schedule.faults[0].member', { ...isolate, member: 'NODE3' }, 'NODE3'],
    ['scheduleToScenario.schedule.faults[0].member', { kind: 'crash', member: 'zz', atUs: 0, durationUs: 1 }, 'zz'],
    ['scheduleToScenario.schedule.faults[0].member', { kind: 'freeze', member: 'zz', atUs: 0, durationUs: 1 }, 'zz'],
    ['scheduleToScenario.schedule.faults[0].side[1]', { kind: 'split', side: ['node1', 'zz'], atUs: 0, durationUs: 1 }, 'zz'],
    ['scheduleToScenario.schedule.faults[0].side', { kind: 'split', side: [], atUs: 0, durationUs: 1 }, []],
    ['scheduleToScenario.schedule.faults[0].bridge', { kind: 'bridge', bridge: 'zz', side: ['node1'], atUs: 0, durationUs: 1 }, 'zz'],
    ['scheduleToScenario.schedule.faults[0].to', { kind: 'one-way', from: 'node1', to: 'zz', atUs: 0, durationUs: 1 }, 'zz'],
    ['scheduleToScenario.schedule.faults[0].b', { kind: 'flapping', a: 'node1', b: 'zz', periodUs: 1000, dutyCycle: 0.5, atUs: 0, durationUs: 1 }, 'zz'],
    ['scheduleToScenario.schedule.faults[0].durationUs', { ...isolate, durationUs: -5 }, -5],
    ['scheduleToScenario.schedule.faults[0].atUs', { ...isolate, atUs: 1.5 }, 1.5],
    ['scheduleToScenario.schedule.faults[0].periodUs', { kind: 'flapping', a: 'node1', b: 'node2', periodUs: 0, dutyCycle: 0.5, atUs: 0, durationUs: 1 }, 0],
    ['scheduleToScenario.schedule.faults[0].dutyCycle', { kind: 'flapping', a: 'node1', b: 'node2', periodUs: 10, dutyCycle: 2, atUs: 0, durationUs: 1 }, 2],
    ['scheduleToScenario.schedule.faults[0].loss', { kind: 'loss', loss: 1.5, atUs: 0, durationUs: 1 }, 1.5],
    ['scheduleToScenario.schedule.faults[0].kind', { kind: 'meteor' }, 'meteor'],
  ])('refuses as %s: %j', (field, f, value) => {
    const r = refusal(() => scheduleToScenario({ ...base, faults: [f as never] }, 1));
    expect(r.field).toBe(field);
    expect(r.value).toEqual(value);
  });
  it('refuses a run length that is not a time', () => {
    expect(refusal(() => scheduleToScenario({ ...base, durationUs: -1 }, 1)).field).toBe('scheduleToScenario.schedule.durationUs');
  });
  it("takes every schedule faultSchedule() draws, and 'all' for an option change", () => {
    fc.assert(fc.property(faultSchedule({ maxFaults: 8 }), (s) => { scheduleToScenario(s, 1); }), { seed: 11, numRuns: 200 });
    expect(scheduleToScenario({ ...base, faults: [{ kind: 'option', member: 'all', option: 'group_replication_member_expel_timeout', value: 10, atUs: 0, durationUs: 0 }] }, 1).events).toHaveLength(1);
    // An option change is not undone: its durationUs is ignored and may be left out.
    expect(scheduleToScenario({ ...base, faults: [{ kind: 'option', member: 'node1', option: 'group_replication_member_expel_timeout', value: 10, atUs: 0 } as never] }, 1).events).toHaveLength(1);
  });
});

describe('scheduleToYaml() and describeFault() refuse what would print a file grsim run refuses', () => {
  const schedule: FaultSchedule = { setup: setup3, faults: [{ kind: 'isolate', member: 'node3', atUs: 1000, durationUs: 5000 }], durationUs: 60_000_000 };
  it.each([
    ['scheduleToYaml.seed', () => scheduleToYaml(schedule, 1.5), 1.5],
    ['scheduleToYaml.seed', () => scheduleToYaml(schedule, {} as never), {}],
    ['scheduleToYaml.name', () => scheduleToYaml(schedule, 1, ''), ''],
    ['scheduleToYaml.name', () => scheduleToYaml(schedule, 1, 'x'.repeat(256)), 'x'.repeat(256)],
    ['scheduleToYaml.schedule', () => scheduleToYaml({} as never, 1), {}],
    ["scheduleToYaml.schedule (the file's version)", () => scheduleToYaml({ ...schedule, setup: { ...setup3, version: '5.7' as never } }, 1), '5.7'],
    ['scheduleToYaml.schedule.faults[0].member', () => scheduleToYaml({ ...schedule, faults: [{ kind: 'isolate', member: 'zz', atUs: 0, durationUs: 1000 }] }, 1), 'zz'],
    ['scheduleToYaml.schedule.faults[0].kind', () => scheduleToYaml({ ...schedule, faults: [{ kind: 'meteor' } as never] }, 1), 'meteor'],
    ['describeFault.kind', () => describeFault({ kind: 'meteor' } as never), 'meteor'],
  ])('refuses as %s', (field, call, value) => {
    const r = refusal(call);
    expect(r.field).toBe(field);
    expect(r.value).toEqual(value);
  });
  it('prints every drawn schedule as a file grsim run reads back', () => {
    fc.assert(fc.property(faultSchedule({ maxFaults: 8 }), fc.integer({ min: 0, max: 0x7fffffff }), (s, seed) => {
      parseScenario(scheduleToYaml(s, seed), 'drawn.yaml');
    }), { seed: 7, numRuns: 200 });
  });
});
