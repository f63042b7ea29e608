/**
 * Regression (issue 10; docs/findings/README.md, "Also not done" under the leaving-member
 * resolution): data messages XCom delivers after a member asked to leave never reach its plugin.
 *
 * Gcs_xcom_control::leave pushes do_leave onto the GCS engine queue, and do_leave blocks the engine
 * thread in xcom_wait_exit until XCom exits or 30 s pass (gcs_xcom_control_interface.cc, leave,
 * do_leave). XCom hands every delivered data message to that same queue
 * (gcs_xcom_interface.cc, cb_xcom_receive_data); when do_leave returns XCom has stopped, and
 * do_cb_xcom_receive_data rejects each of them ("The group communication engine has already
 * stopped"). grsim handed them to the plugin, which applied them.
 *
 * Case (leaving-member-takes-no-data.yaml): node3 isolated from 10 s to 25 s under 100
 * transactions/s on node1, majority timeout 5 s, expel timeout 60 s. node3 leaves at 20.2 s; after
 * the heal its XCom executes the ~1,500 transactions the others decided meanwhile, then its own
 * removal (node3 exits 3 s later, TERMINATE_DELAY). Before the fix node3's gtid_executed grew by
 * 512 transactions after its leave; now it stays as it was when it left.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseScenario, simulationOf } from '../../src/index.js';
import { firstLog, SEC } from './helpers.js';

const FILE = new URL('./fixtures/leaving-member-takes-no-data.yaml', import.meta.url);
const LEAVE_US = 20.3 * SEC;

/** The number of transactions in a one-uuid gtid set `uuid:1-N` ('' is none). */
function count(gtids: string): number {
  const m = /^[0-9a-f-]+:1-(\d+)$/.exec(gtids);
  return m === null ? 0 : Number(m[1]);
}

describe('a member that left on the majority timeout takes no data while its leave waits', () => {
  const sim = simulationOf(parseScenario(readFileSync(FILE, 'utf8'), 'leaving-member-takes-no-data.yaml'));
  const atLeave: string[] = [];
  sim.at(LEAVE_US, (s) => { atLeave.push(s.member('node3').gtidExecuted(), s.member('node1').gtidExecuted()); });
  sim.runUntil(60 * SEC);

  it('node3 leaves at 20.2 s while isolated, and its XCom executes the backlog and its removal after the heal', () => {
    expect(firstLog(sim, 'node3', 'MY-011711').t).toBeLessThan(LEAVE_US);
    // Executing its own removal is what makes it exit 3 s later (TERMINATE_DELAY), not a timed-out leave.
    const left = firstLog(sim, 'node3', 'MY-011504').t;
    expect(left).toBeGreaterThan(25 * SEC);
    expect(left - 20.2 * SEC).toBeLessThan(30 * SEC);
    expect(sim.trace.some((e) => e.type === 'log' && e.member === 'node3' && e.message.includes('failed to gracefully leave'))).toBe(false);
  });

  it("node3's gtid_executed does not move after its leave request, though the group committed 1,500 more", () => {
    const [node3AtLeave, node1AtLeave] = atLeave as [string, string];
    expect(count(node1AtLeave)).toBeGreaterThan(count(node3AtLeave) + 900);
    expect(sim.member('node3').gtidExecuted()).toBe(node3AtLeave);
    expect(count(sim.member('node1').gtidExecuted())).toBeGreaterThan(count(node3AtLeave) + 1_500);
  });
});
