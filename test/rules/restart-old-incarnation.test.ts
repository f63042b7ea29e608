/**
 * A restarted server cannot join while its old incarnation is still configured ("Old incarnation
 * found…", gcs-and-plugin.md §4): the seed refuses its add_node, the joiner waits 30 s for its XCom
 * to become ready (gcs_xcom_proxy.cc WAITING_TIME), fails the attempt, and a START retries after
 * 5 s, up to 10 times (src/plugin.cc join_attempts / join_sleep_time).
 */
import { describe, expect, it } from 'vitest';
import { createSimulation, type LogEvent } from '../../src/index.js';

const SEC = 1_000_000;

describe('restart while the old incarnation is still in the group', () => {
  it.each([1, 2])('seed %i: each START attempt fails after 30 s until the old incarnation is expelled, then it joins', (seed) => {
    const sim = createSimulation({
      seed, members: ['node1', 'node2', 'node3'], mode: 'multi-primary',
      options: { group_replication_member_expel_timeout: 60 },
    });
    sim.at(10 * SEC, (s) => s.network.crash('node3'));
    sim.at(11 * SEC, (s) => s.network.restart('node3'));
    sim.runFor('240s');
    const logs = (m: string): LogEvent[] => sim.trace.filter((e): e is LogEvent => e.type === 'log' && e.member === m);
    const removed = logs('node1').find((e) => e.code === 'MY-011499')!.t;
    const failures = logs('node3').filter((e) => e.message === '[GCS] The member was unable to join the group. Local port: 33061');
    expect(failures.length).toBeGreaterThanOrEqual(2);
    for (const f of failures) {
      expect(f.level).toBe('ERROR');
      expect(f.t).toBeLessThan(removed + 36 * SEC);
    }
    // Attempts are 30 s of waiting + 5 s of sleep apart.
    for (let k = 1; k < failures.length; k++) expect(failures[k]!.t - failures[k - 1]!.t).toBe(35 * SEC);
    const before = logs('node3').filter((e) => e.t === failures[0]!.t && e.level !== 'Note').map((e) => e.message);
    expect(before).toEqual([
      '[GCS] Timeout while waiting for the group communication engine to be ready!',
      '[GCS] The group communication engine is not ready for the member to join. Local port: 33061',
      '[GCS] The member was unable to join the group. Local port: 33061',
    ]);
    const refusals = logs('node1').filter((e) => e.message.startsWith('[GCS] Old incarnation found while trying to add node 10.0.0.13:33061'));
    expect(refusals.length).toBe(failures.length);
    // The first attempt after the removal succeeds.
    const online = logs('node3').find((e) => e.code === 'MY-011490');
    expect(online).toBeDefined();
    expect(online!.t).toBeGreaterThan(removed);
    expect(online!.t).toBeLessThan(removed + 40 * SEC);
    expect(sim.member('node3').state).toBe('ONLINE');
  });
});
