/**
 * Regression (docs/findings/README.md, "Resolved: views-agreed-and-consecutive, a view installed
 * by a leaving member"; explore seed 99 at 4f0e551, chunk 20, simulation seed 0): a 28.2 s ring of
 * 9 members, unreachable_majority_timeout 1 s. Every member leaves on the timeout at about 6 s;
 * node9's leave cannot be agreed and waits the full 30 s, while the others' removals are decided
 * after the partial heal at 28.2 s and they rejoin through node9, the only node left in XCom.
 *
 * GCS runs do_leave on its engine thread, which handles one notification at a time
 * (gcs_xcom_notification.cc, Gcs_xcom_engine::process); do_leave blocks in xcom_wait_exit until
 * XCom exits or 30 s pass (gcs_xcom_control_interface.cc, do_leave), and what XCom delivered
 * meanwhile is rejected once it has stopped (gcs_xcom_interface.cc,
 * do_cb_xcom_receive_global_view, do_cb_xcom_receive_data). So a leaving member's GCS installs no
 * view and sends no state message. grsim let node9's GCS go on: it installed [node9] as :3 when the
 * others' removals were decided, sent :3 in node4's join exchange, and node4 installed
 * [node9, node4] as :4, skipping :3, which no member of the group had installed.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkInvariants, parseScenario, runRecordOf, runScenario, type ViewEvent } from '../../src/index.js';

const FILE = new URL('./fixtures/leaving-member-takes-no-view.yaml', import.meta.url);

describe('a member whose GCS is leaving installs no view and sends no state', () => {
  const run = runScenario(parseScenario(readFileSync(FILE, 'utf8'), 'leaving-member-takes-no-view.yaml'));
  const trace = run.sim.trace;
  const views = trace.filter((e): e is ViewEvent => e.type === 'view' && e.viewId !== '');
  // The leave starts at the majority timeout (MY-011711); the leave view (an empty view) comes when
  // GCS gives it up.
  const node9Left = trace.find((e) => e.type === 'log' && e.member === 'node9' && e.code === 'MY-011711');
  const node9Gone = trace.find((e) => e.type === 'log' && e.member === 'node9' && e.message.includes('failed to gracefully leave'));
  const node9LeaveView = trace.find((e) => e.type === 'view' && e.member === 'node9' && e.viewId === '');

  it('node9 leaves on the majority timeout and its leave waits the full 30 s', () => {
    expect(node9Left).toBeDefined();
    expect(node9Gone).toBeDefined();
    expect(node9Gone!.t - node9Left!.t).toBe(30_000_000);
    expect(node9LeaveView?.t).toBe(node9Gone!.t);
  });

  it('no member installs a view that counts node9 while node9 is leaving', () => {
    expect(views.filter((v) => v.members.includes('node9') && v.t >= node9Left!.t)).toEqual([]);
  });

  it('no built-in invariant is broken', () => {
    expect(checkInvariants(runRecordOf(run.sim))).toEqual([]);
  });
});
