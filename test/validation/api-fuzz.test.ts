/**
 * Any argument to a public Simulation method either works or throws a ConfigError: never a
 * TypeError, a RangeError or a hang. Arguments come from the same odd values the file fuzzer uses.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError, createSimulation, type Simulation } from '../../src/index.js';
import { oddValue } from '../helpers/scenario-mutations.js';

type Call = (sim: Simulation, a: unknown, b: unknown) => unknown;
/* eslint-disable @typescript-eslint/no-explicit-any */
const CALLS: Record<string, Call> = {
  runFor: (s, a) => s.runFor(a as any),
  runUntil: (s, a) => s.runUntil(a as any),
  runUntilPredicate: (s, _a, b) => s.runUntil(() => false, b as any),
  at: (s, a, b) => s.at(a as any, b as any),
  atFn: (s, a) => s.at(a as any, () => {}),
  on: (s, a, b) => s.on(a as any, b as any),
  off: (s, a, b) => s.off(a as any, b as any),
  member: (s, a) => s.member(a as any),
  set: (s, a, b) => s.member('n1').set(a as any, b),
  errorLog: (s, a) => s.member('n1').errorLog(a as any),
  logEvents: (s, a) => s.member('n2').logEvents(a as any),
  setAsPrimary: (s, a) => s.member('n1').setAsPrimary(a as any),
  addMember: (s, a) => s.addMember(a as any),
  removeMember: (s, a) => s.removeMember(a as any),
  forceMembers: (s, a) => s.member('n2').set('group_replication_force_members', a),
  partition: (s, a, b) => s.network.partition(a as any, b as any),
  cut: (s, a, b) => s.network.cut(a as any, b as any),
  restore: (s, a, b) => s.network.restore(a as any, b as any),
  isolate: (s, a) => s.network.isolate(a as any),
  heal: (s, a) => s.network.heal(a as any),
  freeze: (s, a) => s.network.freeze(a as any),
  thaw: (s, a) => s.network.thaw(a as any),
  crash: (s, a) => s.network.crash(a as any),
  restart: (s, a) => s.network.restart(a as any),
  setLinkProfile: (s, a, b) => s.network.setLinkProfile(a as any, b as any),
  createSimulation: (_s, a) => createSimulation(a as any),
  createWithMembers: (_s, a, b) => createSimulation({ seed: 1, members: a as any, options: b as any }),
};
/* eslint-enable @typescript-eslint/no-explicit-any */

/** Odd values plus a few that make calls reach deeper: member names, durations, functions. */
const arg = fc.oneof(oddValue, fc.constantFrom<unknown>('n1', 'n2', 'n3', '5s', 1_000_000, [['n1', 'n2']], { latencyUs: 5 }, { limit: '1s' }, () => true, () => {}));

function show(v: unknown): string {
  try { return typeof v === 'function' ? 'a function' : (JSON.stringify(v) ?? typeof v).slice(0, 80); } catch { return typeof v; }
}

describe('public API calls with any argument', () => {
  it('work or throw a ConfigError', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.constantFrom(...Object.keys(CALLS)), arg, arg), { minLength: 1, maxLength: 6 }), (calls) => {
      const sim = createSimulation({ seed: 1, members: ['n1', 'n2', 'n3'], mode: 'multi-primary', spareServers: 2 });
      for (const [name, a, b] of calls) {
        try {
          CALLS[name]!(sim, a, b);
        } catch (e) {
          expect(e, `${name}(${show(a)}, ${show(b)})`).toBeInstanceOf(ConfigError);
          expect((e as Error).message.length).toBeLessThan(2000);
        }
      }
    }), { numRuns: 400, seed: 20261130 });
  });
});
