/**
 * Where a joining secondary logs MY-011511 ("This server is working as secondary member with
 * primary member address …"): initialize_plugin_and_join (plugin.cc) calls
 * log_primary_member_details (plugin_utils.cc) once the START has its join view, from the START's
 * session, while the member is still RECOVERING. Going ONLINE (handle_recovery_message) does not
 * log it, and an auto-rejoin attempt (attempt_rejoin) never calls it (docs/mysql-behaviour.md §G3).
 */
import { describe, expect, it } from 'vitest';
import { createSimulation } from '../../src/index.js';
import { addr, firstLog, logsOf } from './helpers.js';

describe('a joining secondary logs its primary once, when its START has the join view', () => {
  it('STOP then START: MY-011511 after the join view and before ONLINE, from the START\'s session', () => {
    const sim = createSimulation({ seed: 5, members: ['node1', 'node2', 'node3'] });
    sim.runFor('10s');
    const node3 = sim.member('node3');
    node3.stopGroupReplication();
    sim.runFor('10s');
    const startAt = sim.nowUs;
    node3.startGroupReplication();
    sim.runFor('30s');
    expect(node3.state).toBe('ONLINE');
    const lines = logsOf(sim, 'node3').filter((e) => e.t >= startAt && ['MY-011503', 'MY-011511', 'MY-011490'].includes(e.code));
    expect(lines.map((e) => e.code)).toEqual(['MY-011503', 'MY-011511', 'MY-011490']);
    const secondary = lines[1]!;
    expect(secondary.message).toBe(`This server is working as secondary member with primary member address ${addr(sim, 'node1')}.`);
    // Logged by the START's session: not the recovery thread that logs MY-011490.
    expect(secondary.thread).toBeGreaterThan(0);
    expect(secondary.thread).not.toBe(lines[2]!.thread);
  });

  it('an expelled member that auto-rejoins logs no MY-011511', () => {
    const sim = createSimulation({ seed: 7, members: ['node1', 'node2', 'node3'] });
    sim.at('10s', (s) => s.network.isolate('node3'));
    sim.at('60s', (s) => s.network.heal('node3'));
    sim.runUntil('60s');
    const before = logsOf(sim, 'node3', 'MY-011511').length;
    sim.runFor('120s');
    expect(firstLog(sim, 'node3', 'MY-013375').message).toMatch(/attempt 1 of 3 finished\. Member was able to join the group\./);
    expect(sim.member('node3').state).toBe('ONLINE');
    expect(logsOf(sim, 'node3', 'MY-011511')).toHaveLength(before);
  });
});
