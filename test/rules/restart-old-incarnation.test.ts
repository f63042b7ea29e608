/**
 * A restarted server cannot join while its old incarnation is still configured ("Old incarnation
 * found…", docs/mysql-behaviour.md §G4): the seed refuses its add_node, the joiner waits 30 s for its XCom
 * to become ready (gcs_xcom_proxy.cc WAITING_TIME) and fails the attempt; GCS retries after 5 s
 * (src/plugin.cc build_gcs_parameters join_attempts / join_sleep_time; the retry is logged only to
 * the GCS debug file), all within the START's one
 * 60 s wait for its join view (start-view-timeout.test.ts pins what happens when that wait ends).
 */
import { describe, expect, it } from 'vitest';
import { createSimulation, type LogEvent } from '../../src/index.js';

const SEC = 1_000_000;

describe('restart while the old incarnation is still in the group', () => {
  it.each([1, 2])('seed %i: the first START attempt fails after 30 s; the retry 5 s later, after the old incarnation is expelled, joins', (seed) => {
    const sim = createSimulation({
      seed, members: ['node1', 'node2', 'node3'], mode: 'multi-primary',
      options: { group_replication_member_expel_timeout: 5 },
    });
    sim.at(10 * SEC, (s) => s.network.crash('node3'));
    sim.at(11 * SEC, (s) => s.network.restart('node3'));
    sim.runFor('240s');
    const logs = (m: string): LogEvent[] => sim.trace.filter((e): e is LogEvent => e.type === 'log' && e.member === m);
    const removed = logs('node1').find((e) => e.code === 'MY-011499')!.t;
    const failures = logs('node3').filter((e) => e.message === '[GCS] The member was unable to join the group. Local port: 33061');
    expect(failures.length).toBe(1);
    expect(failures[0]!.level).toBe('ERROR');
    const before = logs('node3').filter((e) => e.t === failures[0]!.t && e.level !== 'Note').map((e) => e.message);
    expect(before).toEqual([
      '[GCS] Timeout while waiting for the group communication engine to be ready!',
      '[GCS] The group communication engine is not ready for the member to join. Local port: 33061',
      '[GCS] The member was unable to join the group. Local port: 33061',
    ]);
    const refusals = logs('node1').filter((e) => e.message.startsWith('[GCS] Old incarnation found while trying to add node 10.0.0.13:33061'));
    expect(refusals.length).toBe(1);
    // The attempt 5 s after the failure comes after the removal and succeeds, inside the START's 60 s.
    expect(removed).toBeLessThan(failures[0]!.t + 5 * SEC);
    const online = logs('node3').find((e) => e.code === 'MY-011490');
    expect(online).toBeDefined();
    expect(online!.t).toBeGreaterThan(failures[0]!.t + 5 * SEC);
    expect(online!.t).toBeLessThan(failures[0]!.t + 10 * SEC);
    expect(logs('node3').some((e) => e.code === 'MY-011640')).toBe(false);
    // Gcs_xcom_control::do_join announces the retry with MYSQL_GCS_LOG_DEBUG ("Sleeping for %u
    // seconds before retrying to join the group…"): in the GCS debug file, at no level in the error log.
    expect(logs('node3').filter((e) => e.message.includes('before retrying to join'))).toEqual([]);
    expect(sim.member('node3').state).toBe('ONLINE');
  });
});
