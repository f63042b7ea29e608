/**
 * Two primaries in one view / a member stuck RECOVERING after concurrent rejoins (issue 10 item 1).
 * node3 and node4 are isolated, expelled, and rejoin about 0.5 s apart. node3's recovery-end message
 * is delivered while node4's plugin is still handling its own join view. The plugin handles GR
 * messages on the GCS delivery thread in the total order, after the view they follow
 * (gcs_event_handlers.cc, Plugin_gcs_events_handler::on_message_received → handle_recovery_message
 * marks the sender ONLINE), so node4 must see node3 ONLINE too. It used to drop the message: node4
 * kept node3 RECOVERING for good and, when the primary node1 was frozen and removed, elected itself
 * while every other member elected node3.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { invariantByName, parseScenario, runRecordOf, runScenario } from '../../src/index.js';
import { logsAnywhere, SEC } from './helpers.js';

const FILE = new URL('./fixtures/concurrent-rejoins.yaml', import.meta.url);
const EXPLORED = new URL('./fixtures/one-primary-per-view-joiner-admission.yaml', import.meta.url);

describe('concurrent rejoins: a joiner handles GR messages delivered during its admission', () => {
  const run = runScenario(parseScenario(readFileSync(FILE, 'utf8'), 'concurrent-rejoins.yaml'));
  const sim = run.sim;

  it('node4 learns that node3 is ONLINE although the message came before it handled its join view', () => {
    const node4Joined = logsAnywhere(sim, 'MY-011503').find((e) => e.member === 'node4' && e.t > 40 * SEC)!;
    const declared = logsAnywhere(sim, 'MY-011492').find((e) => e.member === 'node4' && e.message.includes(sim.member('node3').host));
    expect(declared).toBeDefined();
    expect(declared!.t).toBeGreaterThanOrEqual(node4Joined.t);
    const node3 = sim.member('node3');
    const row = sim.member('node4').replicationGroupMembers().find((r) => r.MEMBER_HOST === node3.host);
    expect(row?.MEMBER_STATE).toBe('ONLINE');
  });

  it('every member elects the same primary when node1 is removed', () => {
    const elected = logsAnywhere(sim, 'MY-011507').filter((e) => e.t > 90 * SEC).map((e) => e.message);
    expect(elected).toHaveLength(4);
    expect(new Set(elected).size).toBe(1);
    expect(elected[0]).toContain(sim.member('node3').host);
    expect(invariantByName('one-primary-per-view')!.check(runRecordOf(sim))).toBeNull();
  });
});

describe('one primary per view after a ring and loss (grsim explore, 8.0.20, seed 2147483624)', () => {
  // node4's recovery-end message was delivered at 25.03 s while node3 was still handling its join
  // view (25.18 s): node3 kept node4 RECOVERING, and when the primary left in view :8 it elected
  // itself while the others elected node4.
  const run = runScenario(parseScenario(readFileSync(EXPLORED, 'utf8'), 'one-primary-per-view-joiner-admission.yaml'));

  // Since a value a majority accepted is recovered from its acceptors (lost-slot fix), the run takes
  // another course after 25 s (the primary no longer leaves at 44 s); with the XCom fixes of
  // read-round-restarts-per-synode and detector-leader-outside-global-view node4's recovery ends at 27.6 s, before node3's join view
  // (29.2 s), so node3 gets node4's ONLINE state with the view instead of as a message. What is pinned
  // is that node3 shows node4 ONLINE once it handles its join view (the message case is pinned above)
  // and the property holds.
  it('node3 shows node4 ONLINE once it handles its join view, and no view has two primaries', () => {
    const sim = run.sim;
    const node3Joined = logsAnywhere(sim, 'MY-011503').find((e) => e.member === 'node3' && e.t > 25 * SEC)!;
    const seen = sim.trace.find((e) => e.type === 'stateChange' && e.observer === 'node3' && e.member === 'node4' && e.state === 'ONLINE' && e.t > 25 * SEC);
    expect(seen?.t).toBe(node3Joined.t);
    expect(invariantByName('one-primary-per-view')!.check(runRecordOf(sim))).toBeNull();
  });
});

describe('one primary per view after a 2/3 split and a one-way cut (the last open one-primary-per-view finding)', () => {
  // Before the joiner handled the GR messages of its admission window, node1 and node4 both acted
  // as PRIMARY in view :6 here; fixed by the same change (bisected to it).
  it('no view has two primaries', () => {
    const file = new URL('./fixtures/one-primary-per-view-split-and-cut.yaml', import.meta.url);
    const sim = runScenario(parseScenario(readFileSync(file, 'utf8'), 'one-primary-per-view-split-and-cut.yaml')).sim;
    expect(invariantByName('one-primary-per-view')!.check(runRecordOf(sim))).toBeNull();
  });
});
