/**
 * A joiner gives up on its view before it could expel a dead non-member (issue 10, faithful).
 *
 * The nine-member ring of leaving-member-takes-no-view.yaml (9.x, majority timeout 1 s,
 * autorejoin_tries 1): every member leaves at about 6 s; node9's self-removal cannot be agreed, the
 * eight others are removed after the partial heal at 28.2 s and rejoin through node9, the only node
 * left in XCom. node9's leave gives up after 30 s and its XCom stops at 36.09 s. The eight new
 * incarnations are in XCom with the dead node9 and no GCS view, and the run ends with every member
 * out of the group.
 *
 * MySQL would not recover either, for a matter of timing:
 * - A global view with a failed node is not installed (gcs_xcom_control_interface.cc,
 *   xcom_receive_global_view: "Views that contain a node marked as faulty are also ignored"), so
 *   the joiners' view can only come after node9 is removed.
 * - A member without a view still feeds every global view to its suspicions manager, all of its
 *   failed nodes as non-members (xcom_receive_global_view calls process_view with no current
 *   members; build_non_member_suspect_nodes). Such a suspicion times out only after
 *   NON_MEMBER_EXPEL_TIMEOUT, 60 s (Gcs_suspicions_manager::run_process_suspicions), and it starts
 *   only once XCom's detector has found node9 silent for DETECTOR_LIVE_TIMEOUT, 5 s (xcom_detector.cc).
 *   So node9 could be expelled 65 s after its XCom stopped at the earliest: 101.09 s.
 * - Each rejoin waits 60 s for its view after the join (src/plugin.cc, attempt_rejoin:
 *   wait_for_view_modification, ER_GRP_RPL_TIMEOUT_RECEIVED_VC_ON_REJOIN), and the joins were sent
 *   at about 32.8–33.6 s, so every attempt times out by 93.6 s, before any expel of node9; with
 *   autorejoin_tries 1 there is no further attempt (MY-013375 "was not able to join").
 *
 * grsim creates no suspicion on a member without a view at all. A joiner's non-member suspicion is
 * always younger than its own view wait (it starts after the join), so it cannot time out before the
 * joiner gives up; the outcome is the same.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseScenario, runScenario, type ConfigEvent } from '../../src/index.js';
import { DETECTOR_LIVE_TIMEOUT_US, NON_MEMBER_EXPEL_TIMEOUT_US, VIEW_MODIFICATION_TIMEOUT_US } from '../../src/xcom/constants.js';
import { firstLog, logsOf, SEC } from './helpers.js';

const FILE = new URL('./fixtures/leaving-member-takes-no-view.yaml', import.meta.url);
const REJOINERS = ['node1', 'node2', 'node3', 'node4', 'node5', 'node6', 'node7', 'node8'];

describe('eight rejoiners configured with a dead node9 and no view', () => {
  const sim = runScenario(parseScenario(readFileSync(FILE, 'utf8'), 'leaving-member-takes-no-view.yaml')).sim;
  const node9Stopped = firstLog(sim, 'node9', 'MY-011735', 'failed to gracefully leave').t;
  const earliestNonMemberExpel = node9Stopped + DETECTOR_LIVE_TIMEOUT_US + NON_MEMBER_EXPEL_TIMEOUT_US;

  it("node9's XCom stops at 36.09 s, after all eight rejoiners were added to its configuration", () => {
    expect(node9Stopped).toBe(36_094_372);
    const allNine = sim.trace.find((e): e is ConfigEvent => e.type === 'config' && e.member === 'node9' && e.nodes.length === 9 && e.t > 30 * SEC);
    expect(allNine).toBeDefined();
    expect(allNine!.t).toBeLessThan(node9Stopped);
  });

  it('every rejoin gives up on its view 60 s after joining, before node9 could be expelled as a non-member', () => {
    for (const m of REJOINERS) {
      const started = firstLog(sim, m, 'MY-013373').t;
      const timedOut = firstLog(sim, m, 'MY-013374').t;
      // The join is sent once XCom has started (about 1 s after the attempt starts); the wait is 60 s from then.
      expect(timedOut - started, m).toBeGreaterThan(VIEW_MODIFICATION_TIMEOUT_US);
      expect(timedOut - started, m).toBeLessThan(VIEW_MODIFICATION_TIMEOUT_US + 2 * SEC);
      expect(timedOut, m).toBeLessThan(earliestNonMemberExpel);
      expect(logsOf(sim, m, 'MY-013375').map((e) => e.message), m).toEqual(['Auto-rejoin procedure attempt 1 of 1 finished. Member was not able to join the group.']);
    }
  });

  it('no configuration ever drops node9, no member installs a view after the ring, and every member ends out of the group', () => {
    const later = sim.trace.filter((e): e is ConfigEvent => e.type === 'config' && e.t > node9Stopped);
    expect(later.length).toBeGreaterThan(0);
    for (const c of later) expect(c.nodes).toContain('node9');
    expect(sim.trace.filter((e) => e.type === 'view' && e.viewId !== '' && e.t > 28.2 * SEC)).toEqual([]);
    for (const m of sim.members) expect(['ERROR', 'OFFLINE'], m.name).toContain(m.state);
  });
});
