/**
 * A restarted server cannot join while its old incarnation is still configured ("Old incarnation
 * found…", docs/mysql-behaviour.md §G5, "A join the seeds refuse"). Every seed that takes the add_node request checks it
 * before proposing anything (xcom_base.cc: dispatch_op, process_client_msg in newer sources, call
 * can_execute_cfgchange → allow_add_node), logs the line and answers REQUEST_FAIL; the joiner's
 * xcom_client_add_node returns 0, so try_send_add_node_request_to_seeds asks the next seed, and
 * send_add_node_request makes its CONNECTION_ATTEMPTS (10) passes over the seeds. When no seed
 * took the request, retry_do_join logs "Error connecting to all peers…" and fails the attempt at
 * once, without waiting for XCom to become ready (gcs_xcom_control_interface.cc, 8.0.27 and 8.0.34
 * sources). GCS retries 5 s later (src/plugin.cc build_gcs_parameters join_attempts /
 * join_sleep_time; the retry is logged only to the GCS debug file), all within the START's one
 * 60 s wait for its join view (start-view-timeout.test.ts pins what happens when that wait ends).
 * Regression: grsim had the joiner wait 30 s for its XCom (as if the seed never answered), log
 * "Timeout while waiting for the group communication engine to be ready!", and ask one seed once.
 */
import { describe, expect, it } from 'vitest';
import { createSimulation, type LogEvent } from '../../src/index.js';

const SEC = 1_000_000;

describe('restart while the old incarnation is still in the group', () => {
  it.each([1, 2])('seed %i: each refused START attempt asks both seeds ten times and fails at once; the retry 5 s after the expel joins', (seed) => {
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
    expect(failures.length).toBeGreaterThan(1);
    // No attempt waits for its XCom: the engine-ready lines never appear.
    expect(logs('node3').filter((e) => e.message.includes('group communication engine'))).toEqual([]);
    const refusals = sim.trace.filter((e): e is LogEvent => e.type === 'log' && e.message.startsWith('[GCS] Old incarnation found while trying to add node 10.0.0.13:33061'));
    // One XCom identity per attempt (Gcs_xcom_control::retry_do_join → init_me), in every request of that attempt.
    const attempts = [...new Set(refusals.map((e) => e.message))];
    expect(attempts.length).toBe(failures.length);
    let previousFailure = -1;
    attempts.forEach((text, k) => {
      const lines = refusals.filter((e) => e.message === text);
      // Ten passes over the seeds, node1 then node2 in each (the seeds' order), every seed refusing.
      expect(lines.map((e) => e.member)).toEqual(Array.from({ length: 10 }, () => ['node1', 'node2']).flat());
      const failure = failures[k]!;
      // The attempt ends a round trip after the last refusal, well under a second after it began.
      expect(failure.t).toBeGreaterThan(lines[lines.length - 1]!.t);
      expect(failure.t - lines[0]!.t).toBeLessThan(SEC / 10);
      expect(logs('node3').filter((e) => e.t === failure.t).map((e) => [e.level, e.message])).toEqual([
        ['ERROR', '[GCS] Error connecting to all peers. Member join failed. Local port: 33061'],
        ['ERROR', '[GCS] The member was unable to join the group. Local port: 33061'],
      ]);
      // GCS sleeps join_sleep_time (5 s) after a failed attempt before the next one.
      if (previousFailure >= 0) expect(lines[0]!.t).toBe(previousFailure + 5 * SEC);
      previousFailure = failure.t;
    });
    // The attempt 5 s after the last failure comes after the removal and succeeds, inside the START's 60 s.
    const last = failures[failures.length - 1]!.t;
    expect(removed).toBeLessThan(last + 5 * SEC);
    expect(removed).toBeGreaterThan(last);
    const online = logs('node3').find((e) => e.code === 'MY-011490');
    expect(online).toBeDefined();
    expect(online!.t).toBeGreaterThan(last + 5 * SEC);
    expect(online!.t).toBeLessThan(last + 10 * SEC);
    expect(logs('node3').some((e) => e.code === 'MY-011640')).toBe(false);
    // Gcs_xcom_control::do_join announces the retry with MYSQL_GCS_LOG_DEBUG ("Sleeping for %u
    // seconds before retrying to join the group…"): in the GCS debug file, at no level in the error log.
    expect(logs('node3').filter((e) => e.message.includes('before retrying to join'))).toEqual([]);
    expect(sim.member('node3').state).toBe('ONLINE');
  });
});
