/**
 * A joiner takes its member table from the join view's state exchange and handles, in order, every
 * view the group installs while its plugin is still processing the join (docs/mysql-behaviour.md
 * §G1.2 "state exchange", §G6 "View ids": n + 1 for every installed view).
 */
import { describe, expect, it } from 'vitest';
import { checkInvariants, createSimulation, runRecordOf, type ViewEvent } from '../../src/index.js';

function viewsOf(events: readonly { type: string }[], member: string): ViewEvent[] {
  return events.filter((e): e is ViewEvent => e.type === 'view' && (e as ViewEvent).member === member);
}

describe('joiner roles come from the group, not from a default', () => {
  it('a member crashing right after the join is not shown as a second PRIMARY by the joiner', () => {
    const sim = createSimulation({ seed: 1, members: ['a', 'b', 'c', 'd'], mode: 'single-primary' });
    sim.at('1s', (s) => s.network.crash('a'));
    sim.at('40s', (s) => s.network.restart('a'));
    // c crashes as soon as a has installed its join view (a's join waits until its peers hear it and
    // every member's state is in, so a fixed instant may fall before it).
    sim.runUntil('40s');
    expect(sim.runUntil(() => sim.member('a').viewId() !== '' && sim.member('a').replicationGroupMembers().length === 4, { limit: '60s' })).toBe(true);
    sim.network.crash('c');
    sim.runFor('3s');
    const rows = sim.member('a').replicationGroupMembers();
    expect(rows).toHaveLength(4);
    const primaries = rows.filter((r) => r.MEMBER_ROLE === 'PRIMARY').map((r) => r.MEMBER_ID);
    // The group's primary (as b shows it) and nobody else.
    const groupPrimary = sim.member('b').replicationGroupMembers().filter((r) => r.MEMBER_ROLE === 'PRIMARY').map((r) => r.MEMBER_ID);
    expect(groupPrimary).toHaveLength(1);
    expect(primaries).toEqual(groupPrimary);
    expect(rows.find((r) => r.MEMBER_ID === sim.member('c').uuid)?.MEMBER_ROLE).toBe('SECONDARY');
  });
});

describe('a joiner does not miss views installed while it handles the join', () => {
  it('a second join decided during the first joiner\'s lag: the first joiner installs both views, numbers rising by one', () => {
    const sim = createSimulation({ seed: 1, members: ['a', 'b', 'c', 'd', 'e'], mode: 'single-primary' });
    sim.at('1s', (s) => { s.network.crash('a'); s.network.crash('e'); });
    sim.at('40s', (s) => s.network.restart('a'));
    sim.at('41s', (s) => s.network.restart('e'));
    sim.runUntil('60s');
    const b = viewsOf(sim.trace, 'b');
    const a = viewsOf(sim.trace, 'a');
    const last = b[b.length - 1]!;
    expect(last.members).toEqual(['b', 'c', 'd', 'a', 'e']);
    // The group installed [b,c,d,a] and then [b,c,d,a,e]; a's join view is the first of those.
    expect(a.map((v) => v.viewId)).toEqual(b.slice(-2).map((v) => v.viewId));
    expect(sim.member('a').viewId()).toBe(last.viewId);
    expect(sim.member('a').replicationGroupMembers()).toHaveLength(5);
    expect(checkInvariants(runRecordOf(sim))).toEqual([]);
  });
});
