/**
 * START GROUP_REPLICATION waits once for its join view: plugin.cc initialize_plugin_and_join calls
 * view_change_notifier->wait_for_view_modification() with VIEW_MODIFICATION_TIMEOUT (60 s,
 * include/plugin_constants.h) while GCS retries the join (10 attempts, 5 s apart). When the wait
 * times out it logs ERROR MY-011640 "Timeout on wait for view after joining group"
 * (ER_GRP_RPL_TIMEOUT_ON_VIEW_AFTER_JOINING_GRP), leaves (GCS: "The member is leaving a group
 * without being on one." when it never got into the XCom configuration) and the START fails: no
 * further attempt. Regression: grsim used to retry the START after each 60 s view wait and logged
 * the auto-rejoin text MY-013374 for it, so a restarted server kept trying and eventually joined.
 */
import { describe, expect, it } from 'vitest';
import { createSimulation } from '../../src/index.js';
import { logsOf, SEC } from './helpers.js';

describe("a restarted server's START that gets no join view within 60 s", () => {
  it.each([1, 2])('seed %i: logs MY-011640 60 s after the join started, leaves, and stays OFFLINE without retrying', (seed) => {
    const sim = createSimulation({
      seed, members: ['node1', 'node2', 'node3'], mode: 'multi-primary',
      // The old incarnation stays configured for ~75 s, longer than the START's wait.
      options: { group_replication_member_expel_timeout: 60 },
    });
    sim.at(10 * SEC, (s) => s.network.crash('node3'));
    sim.at(11 * SEC, (s) => s.network.restart('node3'));
    sim.runFor('400s');
    const timeouts = logsOf(sim, 'node3', 'MY-011640');
    expect(timeouts.map((e) => [e.level, e.message])).toEqual([['ERROR', 'Timeout on wait for view after joining group']]);
    // The join starts when the plugin's modules are up, xcomJoinStartupUs (1 s) after the restart.
    expect(timeouts[0]!.t).toBe(12 * SEC + 60 * SEC);
    expect(logsOf(sim, 'node3', 'MY-013374')).toEqual([]);
    const after = logsOf(sim, 'node3').filter((e) => e.t >= timeouts[0]!.t);
    expect(after.map((e) => e.message)).toEqual([
      'Timeout on wait for view after joining group',
      '[GCS] The member is leaving a group without being on one.',
    ]);
    // No attempt after the timeout: the seed sees no more add_node requests from node3.
    const refusals = logsOf(sim, 'node1').filter((e) => e.message.startsWith('[GCS] Old incarnation found'));
    expect(refusals.every((e) => e.t < timeouts[0]!.t)).toBe(true);
    const m = sim.member('node3');
    expect(m.state).toBe('OFFLINE');
    expect(m.superReadOnly).toBe(true);
    expect(m.replicationGroupMembers().map((r) => r.MEMBER_STATE)).toEqual(['OFFLINE']);
    expect(sim.member('node1').replicationGroupMembers().map((r) => r.MEMBER_HOST).sort()).toEqual(['10.0.0.11', '10.0.0.12']);
  });
});
