/**
 * A joiner never takes the role of a member's previous incarnation (explore campaign, seed 99).
 * In the view where node1 (the primary) and node3 rejoin as new XCom incarnations, the member table
 * a joiner gets is built from the state each member of the view sends about itself
 * (gcs_event_handlers.cc, Plugin_gcs_events_handler::get_exchangeable_data sends the local member's
 * Group_member_info; update_group_info_manager installs the exchanged states). node1's new
 * incarnation reports SECONDARY: a primary that leaves drops its role (on_view_changed,
 * update_member_role to MEMBER_ROLE_SECONDARY when is_leaving && is_primary). So the joiners find no
 * PRIMARY and run the same election as node4 and node5 (primary_election_invocation_handler.cc,
 * pick_primary_member). grsim used to copy node4's table, handled at the same instant but not yet
 * updated for :3, which still listed node1's old incarnation as PRIMARY: node3 then elected itself
 * when node1 left :4 while node4 stayed primary.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { invariantByName, parseScenario, runRecordOf, runScenario } from '../../src/index.js';
import { logsAnywhere, SEC } from './helpers.js';

const FILE = new URL('./fixtures/joiner-drops-old-incarnation-role.yaml', import.meta.url);

describe('a joiner does not take the role of a previous incarnation', () => {
  const sim = runScenario(parseScenario(readFileSync(FILE, 'utf8'), 'joiner-drops-old-incarnation-role.yaml')).sim;

  it('node1 and node3 rejoin in the view where node4 and node5 remove their old incarnations and elect node4', () => {
    const joinView = logsAnywhere(sim, 'MY-011503').filter((e) => e.message.endsWith(':3.'));
    expect(joinView.map((e) => e.member).sort()).toEqual(['node1', 'node3', 'node4', 'node5']);
    const elected = logsAnywhere(sim, 'MY-011507').filter((e) => e.t > 200 * SEC && e.t < 210 * SEC);
    expect(elected.map((e) => e.member).sort()).toEqual(['node4', 'node5']);
    expect(elected[0]!.message).toContain(sim.member('node4').host);
  });

  it('the joiners name node4 as the primary, and no view has two primaries', () => {
    // What node1's and node3's tables show as PRIMARY once they rejoined (an auto-rejoin logs no
    // MY-011511: only a START's initialize_plugin_and_join does, plugin.cc).
    const primaries = sim.trace.filter((e) => e.type === 'stateChange' && (e.observer === 'node1' || e.observer === 'node3') && e.t > 200 * SEC && e.role === 'PRIMARY');
    expect(primaries.length).toBeGreaterThan(0);
    for (const e of primaries) expect(e.type === 'stateChange' && e.member).toBe('node4');
    expect(invariantByName('one-primary-per-view')!.check(runRecordOf(sim))).toBeNull();
  });
});
