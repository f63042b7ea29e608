import { msg } from '../observe/error-codes.js';
import type { GcsView } from '../gcs/gcs-node.js';
import type { GrMember, JoinAttempt } from './gr-member.js';
import { GtidSet } from './gtid-set.js';

/**
 * The joiner's transaction check when its join view arrives (gcs_event_handlers.cc,
 * Plugin_gcs_events_handler::check_group_compatibility → compare_member_transaction_sets;
 * docs/mysql-behaviour.md §T3): the joiner's gtid_executed plus its applier's retrieved set must be
 * a subset of the union of every other member's. Otherwise MY-011526 names both sets, MY-011522
 * says the member exits, the view is still handled (MY-011503), and the join is cancelled
 * (notify_of_view_change_cancellation): the member leaves the group it just entered.
 */

/** The two GTID texts of MY-011526 when the joiner has transactions the group lacks; null when it may join. */
export function joinerTransactionsRefusal(m: GrMember, view: GcsView): { readonly local: string; readonly group: string } | null {
  const others = view.members.filter((s) => s !== m.slot);
  if (others.length === 0) return null; // number_of_members > 1: a member alone has nobody to compare with
  const now = m.ctx.kernel.nowUs;
  const local = m.tx.exchangedSet(now);
  const group = new GtidSet();
  for (const s of others) {
    if (m.ctx.net.running[s] === 0) continue;
    const o = m.ctx.member(s);
    // Only members that sent a state message (in the group, or joining in this same view) count.
    if (!o.inGroup() && o.admission === null) continue;
    group.addSet(o.tx.exchangedSet(now));
  }
  if (local.isSubsetOf(group)) return null;
  return { local: local.toString(), group: group.toString() };
}

/**
 * The join is refused: the lines MySQL logs when the joiner handles its join view (it does so
 * joinerReadyLagUs after the group installed it), then the member leaves the group again, and the
 * join attempt's `refused` continuation runs once it has left (START fails; an auto-rejoin attempt
 * fails and the next one is tried, or the exit state action follows the last).
 */
export function refuseJoin(m: GrMember, view: GcsView, j: JoinAttempt, sets: { readonly local: string; readonly group: string }): void {
  const ctx = m.ctx;
  ctx.later(m.slot, ctx.params.joinerReadyLagUs, () => {
    m.log(msg.memberTransGreaterThanGroup(sets.local, sets.group));
    m.log(msg.transNotPresentInGroup());
    m.log(msg.membershipChanged(m.sortedHostList(view.members), `${view.fixed}:${view.number}`));
    // The START's own wait for the view ends with the cancellation, not with its 60 s timeout; it
    // returns once the member has left again.
    m.startStop.failedStartLeaves((done) => {
      if (ctx.xcom.booted[m.slot] === 1) m.gcsLeave(() => { j.refused(); done(); });
      else {
        j.refused();
        done();
      }
    });
  });
}
