/**
 * Caller mistakes are ConfigErrors naming the field, the rule and the value
 * (ranges: docs/mysql-behaviour.md §G4).
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, createSimulation, type Simulation, type SimulationOptions } from '../../src/index.js';

const BASE: SimulationOptions = { seed: 1, members: ['node1', 'node2', 'node3'], mode: 'multi-primary' };

/** Runs `fn`, expects a ConfigError, checks field/rule/value are all in it, and returns it. */
function expectConfigError(fn: () => unknown, field: string, ruleFragment: string, valueText: string): ConfigError {
  let caught: unknown;
  try { fn(); } catch (e) { caught = e; }
  expect(caught, 'should throw').toBeInstanceOf(ConfigError);
  const err = caught as ConfigError;
  expect(err.name).toBe('ConfigError');
  expect(err.field).toBe(field);
  expect(err.rule).toContain(ruleFragment);
  expect(err.message).toContain(field);
  expect(err.message).toContain(err.rule);
  expect(err.message).toContain(valueText);
  return err;
}

function sim(extra: Partial<SimulationOptions> = {}): Simulation {
  return createSimulation({ ...BASE, ...extra });
}

describe('ConfigError', () => {
  it('is exported and is an Error', () => {
    const e = new ConfigError('f', 'must be x', 3);
    expect(e).toBeInstanceOf(Error);
    expect(e.message).toBe('f must be x, got 3');
  });
});

describe('option ranges', () => {
  it.each([-1, 3601])('member_expel_timeout %i is out of range at creation', (v) => {
    const err = expectConfigError(
      () => sim({ options: { group_replication_member_expel_timeout: v } }),
      'options.group_replication_member_expel_timeout', '0..3600', String(v),
    );
    expect(err.value).toBe(v);
  });

  it.each([-1, 3601])('member_expel_timeout %i is out of range in SET GLOBAL and in a member spec', (v) => {
    const s = sim();
    expectConfigError(() => s.member('node1').set('group_replication_member_expel_timeout', v),
      'group_replication_member_expel_timeout', '0..3600', String(v));
    expect(s.member('node1').options().group_replication_member_expel_timeout).toBe(5);
    expectConfigError(
      () => createSimulation({ ...BASE, members: ['node1', { name: 'node2', options: { group_replication_member_expel_timeout: v } }] }),
      'members[1].options.group_replication_member_expel_timeout', '0..3600', String(v),
    );
  });

  it('member_expel_timeout 0 and 3600 are accepted', () => {
    expect(sim({ options: { group_replication_member_expel_timeout: 0 } }).member('node1').options().group_replication_member_expel_timeout).toBe(0);
    expect(sim({ options: { group_replication_member_expel_timeout: 3600 } }).member('node1').options().group_replication_member_expel_timeout).toBe(3600);
  });

  it('message_cache_size minimum is 128 MiB on 8.0.21', () => {
    expectConfigError(() => sim({ options: { group_replication_message_cache_size: 134_217_727 } }),
      'options.group_replication_message_cache_size', '134217728', '134217727');
    expect(sim({ options: { group_replication_message_cache_size: 134_217_728 } }).member('node1').options().group_replication_message_cache_size).toBe(134_217_728);
  });

  it("message_cache_size minimum is 1 GiB on '8.0.20'", () => {
    for (const v of [134_217_728, 1_073_741_823]) {
      expectConfigError(() => sim({ version: '8.0.20', options: { group_replication_message_cache_size: v } }),
        'options.group_replication_message_cache_size', '1073741824', String(v));
    }
    expect(sim({ version: '8.0.20', options: { group_replication_message_cache_size: 1_073_741_824 } })
      .member('node1').options().group_replication_message_cache_size).toBe(1_073_741_824);
    const s = sim({ version: '8.0.20' });
    expectConfigError(() => s.member('node1').set('group_replication_message_cache_size', 134_217_728),
      'group_replication_message_cache_size', '1073741824', '134217728');
  });

  it('unknown option names are refused at creation and in SET GLOBAL', () => {
    expectConfigError(() => sim({ options: { group_replication_no_such_thing: 1 } as never }),
      'options.group_replication_no_such_thing', 'not a known option', '1');
    const s = sim();
    expectConfigError(() => s.member('node1').set('group_replication_bogus' as never, 3),
      'option', 'group_replication_member_expel_timeout', '"group_replication_bogus"');
  });
});

describe('unknown members', () => {
  it("sim.member('nope') and network.isolate('nope')", () => {
    const s = sim();
    expectConfigError(() => s.member('nope'), 'member', 'must name a member', '"nope"');
    const err = expectConfigError(() => s.network.isolate('nope'), 'isolate', 'must name a member', '"nope"');
    expect(err.rule).toContain('node1');
    expect(err.value).toBe('nope');
    // Nothing was applied.
    expect(s.trace.some((e) => e.type === 'network')).toBe(false);
  });
});

describe('simulation fields', () => {
  it('bad version', () => {
    expectConfigError(() => sim({ version: '8.0.99' as never }), 'version', "'8.0.21'", '"8.0.99"');
  });

  it('10 members exceed the group size limit of 9', () => {
    const ten = Array.from({ length: 10 }, (_, i) => `m${i}`);
    expectConfigError(() => sim({ members: ten }), 'members', '1..9', '"m9"');
    expect(sim({ members: ten.slice(0, 9) }).members).toHaveLength(9);
  });

  it('duplicate member names', () => {
    expectConfigError(() => sim({ members: ['node1', 'node2', 'node1'] }), 'members[2].name', 'unique', '"node1"');
  });

  it('missing seed', () => {
    const { seed: _seed, ...noSeed } = BASE;
    expectConfigError(() => createSimulation(noSeed as SimulationOptions), 'seed', 'required', 'undefined');
  });

  it('network loss 1 (total loss is a partition, not a loss rate)', () => {
    expectConfigError(() => sim({ network: { loss: 1 } }), 'network.loss', '[0, 1)', '1');
    const s = sim();
    expectConfigError(() => s.network.setLinkProfile({ loss: 1 }), 'linkProfile.loss', '[0, 1)', '1');
  });
});

describe('run control', () => {
  it("runFor('5 parsecs') is not a duration", () => {
    const s = sim();
    expectConfigError(() => s.runFor('5 parsecs'), 'duration', 'duration', '"5 parsecs"');
    expect(s.nowUs).toBe(0);
  });

  it('runUntil with a predicate needs a limit', () => {
    const s = sim();
    expectConfigError(() => s.runUntil(() => false), 'runUntil.limit', 'required', 'undefined');
    expect(s.nowUs).toBe(0);
    expect(s.runUntil(() => false, { limit: '1s' })).toBe(false);
    expect(s.nowUs).toBe(1_000_000);
  });
});
