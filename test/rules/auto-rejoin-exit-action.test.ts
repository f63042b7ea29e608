/**
 * Expel → ERROR → auto-rejoin → exit_state_action (docs/mysql-behaviour.md §G3):
 * with autorejoin_tries > 0 the exit action is deferred until the last attempt fails; attempts
 * are separated by the hard-coded 300-s rejoin wait.
 */
import { describe, expect, it } from 'vitest';
import { createSimulation, type FlagsEvent } from '../../src/index.js';
import { firstLog, hasLogged, logsOf, SEC, secs } from './helpers.js';

/**
 * Three members, node3 with OFFLINE_MODE and `tries` auto-rejoin attempts: cut off from 10 s to
 * 70 s (expelled meanwhile, though it cannot know), run to 70 s.
 */
function node3CutOff(tries: number) {
  const sim = createSimulation({
    seed: 31, mode: 'multi-primary',
    members: ['node1', 'node2', { name: 'node3', options: { group_replication_exit_state_action: 'OFFLINE_MODE', group_replication_autorejoin_tries: tries } }],
  });
  sim.at('10s', (s) => s.network.isolate('node3'));
  sim.at('70s', (s) => s.network.heal('node3'));
  sim.runUntil('70s');
  return { sim, node3: sim.member('node3') };
}

describe('OFFLINE_MODE exit action after failed auto-rejoin attempts', () => {
  it('offline_mode stays OFF through the attempts and turns ON right after "attempt 2 of 2 … not able to join"', () => {
    const { sim, node3 } = node3CutOff(2);
    expect(hasLogged(sim, 'node1', 'MY-011499')).toBe(true); // expelled while cut off
    expect(hasLogged(sim, 'node3', 'MY-011505')).toBe(false); // ...but it does not know yet

    // It learns of the expel after reconnecting; cut it off again at once so every attempt fails.
    expect(sim.runUntil(() => hasLogged(sim, 'node3', 'MY-011505'), { limit: '60s' })).toBe(true);
    sim.network.isolate('node3');
    const expelled = firstLog(sim, 'node3', 'MY-011505');
    expect(node3.state).toBe('ERROR');
    expect(node3.superReadOnly).toBe(true);
    expect(node3.offlineMode).toBe(false);
    // Membership cleared on the expel path: P_S lists only itself, ERROR with an empty role (§3 step 2).
    expect(node3.replicationGroupMembers().map((r) => [r.MEMBER_ID, r.MEMBER_STATE, r.MEMBER_ROLE]))
      .toEqual([[node3.uuid, 'ERROR', '']]);
    expect(node3.viewId()).toBe('');

    sim.runFor('800s');
    const starts = logsOf(sim, 'node3', 'MY-013373');
    expect(starts.map((e) => e.message)).toEqual([
      'Started auto-rejoin procedure attempt 1 of 2',
      'Started auto-rejoin procedure attempt 2 of 2',
    ]);
    // Attempt 1 starts at once after the expel handling.
    expect(secs(expelled.t, starts[0]!.t)).toBeLessThanOrEqual(1);

    const finished = logsOf(sim, 'node3', 'MY-013375');
    expect(finished).toHaveLength(1);
    expect(finished[0]!.message).toBe('Auto-rejoin procedure attempt 2 of 2 finished. Member was not able to join the group.');

    // The attempts are ~300 s apart: the rejoin wait runs from attempt 1's failure to attempt 2's start.
    const joinFailures = logsOf(sim, 'node3', 'MY-011735').filter((e) => e.message.startsWith('[GCS] The member was unable to join the group.'));
    expect(joinFailures).toHaveLength(2);
    expect(joinFailures[0]!.t).toBeGreaterThan(starts[0]!.t);
    expect(joinFailures[0]!.t).toBeLessThan(starts[1]!.t);
    expect(secs(joinFailures[0]!.t, starts[1]!.t)).toBeCloseTo(300, 1);
    expect(secs(starts[0]!.t, starts[1]!.t)).toBeGreaterThanOrEqual(300);
    expect(secs(starts[0]!.t, starts[1]!.t)).toBeLessThanOrEqual(360);
    expect(finished[0]!.t).toBeGreaterThan(starts[1]!.t);

    // offline_mode: OFF in every flags event before MY-013375, ON from then on; MY-013486 follows MY-013375.
    const flags = sim.trace.filter((e): e is FlagsEvent => e.type === 'flags' && e.member === 'node3');
    expect(flags.filter((f) => f.t < finished[0]!.t).every((f) => !f.offlineMode)).toBe(true);
    const firstOn = flags.find((f) => f.offlineMode);
    expect(firstOn).toBeDefined();
    expect(firstOn!.t).toBeGreaterThanOrEqual(finished[0]!.t);
    expect(secs(finished[0]!.t, firstOn!.t)).toBeLessThanOrEqual(0.1);
    const offline = firstLog(sim, 'node3', 'MY-013486');
    const seq = logsOf(sim, 'node3');
    expect(seq.indexOf(offline)).toBeGreaterThan(seq.indexOf(finished[0]!));
    expect(offline.t - finished[0]!.t).toBeLessThanOrEqual(0.1 * SEC);
    expect(logsOf(sim, 'node3', 'MY-013486')).toHaveLength(1);
    expect(node3.offlineMode).toBe(true);
    expect(node3.superReadOnly).toBe(true);
    expect(node3.state).toBe('ERROR');
    expect(node3.running).toBe(true);
    expect(node3.autoRejoinRunning).toBe(false);
    // Writes are refused in offline mode.
    const w = node3.write();
    expect(w.outcome).toBe('refused');
  });
});

describe('ABORT_SERVER exit action', () => {
  it('the member aborts in ERROR: MY-013173, the server stops, and its own state keeps ERROR (docs/guide.md)', () => {
    const sim = createSimulation({
      seed: 31, mode: 'multi-primary',
      members: ['node1', 'node2', { name: 'node3', options: { group_replication_exit_state_action: 'ABORT_SERVER', group_replication_autorejoin_tries: 0 } }],
    });
    const node3 = sim.member('node3');
    sim.at('10s', (s) => s.network.isolate('node3'));
    sim.at('70s', (s) => s.network.heal('node3'));
    expect(sim.runUntil(() => hasLogged(sim, 'node3', 'MY-013173'), { limit: '150s' })).toBe(true);
    sim.runFor('10s');
    expect(node3.running).toBe(false);
    expect(node3.state).toBe('ERROR');
    expect(node3.replicationGroupMembers()).toEqual([]);
    // A crash, by contrast, leaves nothing in memory: OFFLINE.
    sim.network.crash('node1');
    expect(sim.member('node1').state).toBe('OFFLINE');
  });
});

describe('STOP GROUP_REPLICATION during an auto-rejoin', () => {
  it('ends the process: MY-013375 "attempt 0 of 3 … not able", numbered one short as MySQL\'s loop does, and no exit state action', () => {
    const { sim, node3 } = node3CutOff(3);
    expect(sim.runUntil(() => hasLogged(sim, 'node3', 'MY-011505'), { limit: '60s' })).toBe(true);
    sim.network.isolate('node3');
    // Attempt 1 fails (cut off); the process waits 300 s before attempt 2. STOP in that wait.
    expect(sim.runUntil(() => logsOf(sim, 'node3', 'MY-011735').some((e) => e.message.startsWith('[GCS] The member was unable to join the group.')), { limit: '200s' })).toBe(true);
    sim.runFor('10s');
    expect(logsOf(sim, 'node3', 'MY-013375')).toEqual([]);
    const stopAt = sim.nowUs;
    node3.stopGroupReplication();
    sim.runFor('400s');
    expect(logsOf(sim, 'node3', 'MY-013373').map((e) => e.message)).toEqual(['Started auto-rejoin procedure attempt 1 of 3']);
    const finished = logsOf(sim, 'node3', 'MY-013375');
    expect(finished.map((e) => [e.t - stopAt, e.level, e.message])).toEqual([
      [0, 'System', 'Auto-rejoin procedure attempt 0 of 3 finished. Member was not able to join the group.'],
    ]);
    // The auto-rejoin thread logs it, the thread that logged the attempt.
    expect(finished[0]!.thread).toBeGreaterThan(0);
    expect(finished[0]!.thread).toBe(firstLog(sim, 'node3', 'MY-013373').thread);
    expect(node3.offlineMode).toBe(false);
    expect(hasLogged(sim, 'node3', 'MY-013486')).toBe(false);
    expect(node3.state).toBe('OFFLINE');
  });
});
