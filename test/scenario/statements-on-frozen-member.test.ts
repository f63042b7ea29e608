/**
 * Operator statements on a frozen member. SIGSTOP stops the whole mysqld: a client's SET, START or
 * STOP GROUP_REPLICATION waits in the stopped process and runs once it is thawed (as writes
 * already do). A scenario's statement therefore takes effect at the thaw; the API, which cannot
 * block, refuses the call with a ConfigError saying so.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, createSimulation, parseScenario, runScenario, ScenarioError } from '../../src/index.js';

const HEAD = `name: frozen
seed: 2
members: [node1, node2, node3]
events:
  - { at: "+5s", freeze: node3 }
`;
const run = (events: string) => runScenario(parseScenario(`${HEAD}${events}until: "+40s"\n`, 'f.yaml'), { source: 'f.yaml' });

describe('a statement on a frozen member in a scenario', () => {
  it('a set waits for the thaw: the option changes at 12 s, not at 6 s', () => {
    const r = run(`  - { at: "+6s", set: { member: node3, option: group_replication_member_weight, value: 10 } }
  - { at: "+12s", thaw: node3 }
`);
    const changes = r.sim.trace.filter((e) => e.type === 'option' && e.member === 'node3');
    expect(changes.map((e) => e.t)).toEqual([12_000_000]);
    expect(r.sim.member('node3').options().group_replication_member_weight).toBe(10);
  });

  it('set on all changes the running members at once and the frozen one at its thaw', () => {
    const r = run(`  - { at: "+6s", set: { member: all, option: group_replication_member_expel_timeout, value: 30 } }
  - { at: "+12s", thaw: node3 }
`);
    expect(r.sim.trace.filter((e) => e.type === 'option').map((e) => e.type === 'option' && [e.member, e.t]))
      .toEqual([['node1', 6_000_000], ['node2', 6_000_000], ['node3', 12_000_000]]);
  });

  it('a STOP waits for the thaw: node3 leaves the group after it, and the others see the leave then', () => {
    const r = run(`  - { at: "+6s", stop: node3 }
  - { at: "+8s", thaw: node3 }
`);
    // Frozen for 3 s: not yet expelled (suspicion after 5 s), so the STOP is a voluntary leave at 8 s.
    const left = r.sim.trace.find((e) => e.type === 'view' && e.member === 'node1' && !e.members.includes('node3'));
    expect(left?.t).toBeGreaterThanOrEqual(8_000_000);
    expect(r.sim.member('node3').state).toBe('OFFLINE');
  });

  it('a refusal after the thaw names the event and both times', () => {
    let err: unknown;
    try {
      run(`  - { at: "+6s", start: node3 }
  - { at: "+8s", thaw: node3 }
`);
    } catch (e) { err = e; }
    expect(err).toBeInstanceOf(ScenarioError);
    expect((err as ScenarioError).message).toMatch(/^f\.yaml:6: events\[1\]\.start is refused: ERROR 3093 .* when it runs at 8\.000000 s, after node3's thaw \(its mysqld was frozen at 6\.000000 s\)/);
  });
});

describe('a statement that a crash would lose while it waits for the thaw', () => {
  it('is refused before the run, at the statement, naming the crash', () => {
    let err: unknown;
    try {
      parseScenario(`${HEAD}  - { at: "+6s", set: { member: all, option: group_replication_member_weight, value: 10 } }
  - { at: "+9s", crash: node3 }
`, 'f.yaml');
    } catch (e) { err = e; }
    expect(err).toBeInstanceOf(ScenarioError);
    expect((err as ScenarioError).message).toBe("f.yaml:6: events[1].set runs on node3, whose mysqld is frozen then and which events[2] crashes at 9 s before any thaw: " +
      'a frozen server runs the statement only when thawed, and the crash loses it (thaw it first, or drop the statement), got "node3"');
    // With a thaw in between it runs, and the crash comes after.
    expect(() => parseScenario(`${HEAD}  - { at: "+6s", stop: node3 }\n  - { at: "+8s", thaw: node3 }\n  - { at: "+9s", crash: node3 }\n`, 'f.yaml')).not.toThrow();
  });
});

describe('a statement on a frozen member through the API', () => {
  it('is refused with a ConfigError that says to call it after the thaw', () => {
    const sim = createSimulation({ seed: 2, members: ['node1', 'node2', 'node3'] });
    sim.runFor('2s');
    sim.network.freeze('node3');
    const m = sim.member('node3');
    for (const call of [() => m.set('group_replication_member_weight', 10), () => m.stopGroupReplication(), () => m.startGroupReplication(), () => m.writeLocal(), () => m.setAsPrimary('node1')]) {
      expect(call).toThrow(ConfigError);
      expect(call).toThrow('names a member whose mysqld is frozen (SIGSTOP): it runs no statement until thaw(); call it after the thaw');
    }
    sim.network.thaw('node3');
    expect(m.set('group_replication_member_weight', 10)).toEqual({ ok: true });
  });
});
