/**
 * MemberHandle's typing and its refusals: `state` is the member's own stored state (a MemberState
 * other than UNREACHABLE, checked by the type-check as well as at run time), and a statement on a
 * removed member says it was removed, not "restart it first" (restart() refuses a removed member).
 */
import { describe, expect, it } from 'vitest';
import { createSimulation, type MemberHandle, type MemberState } from '../../src/index.js';

/** What `MemberHandle.state` may be: the type-check refuses this file if the handle's type is wider (a plain string). */
type OwnState = Exclude<MemberState, 'UNREACHABLE'>;
const OWN_STATES: readonly OwnState[] = ['ONLINE', 'RECOVERING', 'ERROR', 'OFFLINE'];
const stateOf = (m: MemberHandle): OwnState => m.state;

describe('MemberHandle.state', () => {
  it('is typed as MemberState without UNREACHABLE, and every value a run shows is one of them', () => {
    const sim = createSimulation({ seed: 4, members: ['a', 'b', 'c'], spareServers: 1, options: { group_replication_autorejoin_tries: 0 } });
    const seen = new Set<string>();
    const look = (): void => { for (const m of sim.members) seen.add(stateOf(m)); };
    sim.on('stateChange', look);
    look();
    sim.runFor('5s');
    sim.addMember('d');
    sim.runFor('20s');
    sim.network.isolate('c');
    sim.runFor('60s');
    sim.network.heal('c');
    sim.network.crash('b');
    sim.runFor('30s');
    sim.removeMember('d');
    sim.runFor('10s');
    look();
    expect([...seen].filter((s) => !(OWN_STATES as readonly string[]).includes(s))).toEqual([]);
    expect(seen).toEqual(new Set(['ONLINE', 'RECOVERING', 'ERROR', 'OFFLINE']));
  });
});

describe('statements on a removed member', () => {
  it('say the member was removed for good instead of "restart it first"', () => {
    const sim = createSimulation({ seed: 5, members: ['a', 'b', 'c'] });
    sim.runFor('5s');
    sim.removeMember('c');
    sim.runFor('10s');
    const c = sim.member('c');
    for (const [verb, call] of [
      ['startGroupReplication', () => c.startGroupReplication()],
      ['stopGroupReplication', () => c.stopGroupReplication()],
      ['set', () => c.set('group_replication_member_weight', 60)],
    ] as const) {
      expect(call, verb).toThrow(`${verb} names a member removed from the simulation (removeMember shut its server down for good; add a new one with addMember), got "c"`);
    }
    // A crashed member is still told to restart first.
    sim.network.crash('b');
    expect(() => sim.member('b').startGroupReplication()).toThrow('startGroupReplication names a member whose server is not running (restart it first), got "b"');
  });
});
