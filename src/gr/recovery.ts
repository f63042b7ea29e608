import { msg } from '../observe/error-codes.js';
import type { GcsView } from '../gcs/gcs-node.js';
import type { GrMember, JoinAttempt } from './gr-member.js';
import type { MemberInfo, ServerIdentity } from './member-info.js';
import { recoveryChannelLines } from './replication-channels.js';
import { joinerTransactionsRefusal, refuseJoin } from './group-compatibility.js';
import { electIn } from './primary-election.js';

/**
 * A joiner from its join view to ONLINE (recovery.cc, recovery_state_transfer.cc, and the
 * state exchange of gcs_event_handlers.cc): the member table the state exchange gives it,
 * RECOVERING, distributed recovery's channel lines, and the recovery-end message that makes it ONLINE.
 */

/**
 * The join view arrived: able to join; later the view is installed here, RECOVERING, then ONLINE.
 * The member table comes from the state exchange of the join view (each member's state and the
 * role the group gave it, Group_member_info in the state message), so it is captured now, from a
 * member of the view that is in the group, never rebuilt later from whatever servers hold then.
 */
export function joinedGroup(m: GrMember, view: GcsView, j: JoinAttempt): void {
  const refusal = joinerTransactionsRefusal(m, view);
  if (refusal !== null) {
    refuseJoin(m, view, j, refusal);
    return;
  }
  j.success();
  const single = m.ctx.mode === 'single-primary';
  const table = new Map<number, MemberInfo>();
  const donor = stateExchangeSource(m, view);
  // What distributed recovery will bring: every transaction the group had certified before the join
  // view (recovery replicates up to the view's change event). The joiner's certifier starts from the
  // group's (Certifier::initialize with the group's certification info), so it numbers the
  // transactions delivered from now on as the group does; its applier waits for recovery.
  const now = m.ctx.kernel.nowUs;
  const missing = m.tx.joinGroup(now, donor === null ? null : donor.tx.exchangedSet(now));
  if (donor !== null) m.certifiedThrough = donor.certifiedThrough;
  view.members.forEach((s, i) => {
    if (s === m.slot) return;
    // A member that joins in this same view sent its own state: RECOVERING, no primary role. That
    // holds too for a server the source still lists as its previous incarnation (gone and back in
    // one view): the old incarnation's role is gone with it, as a leaving primary drops its role
    // (gcs_event_handlers.cc, Plugin_gcs_events_handler::on_view_changed, update_member_role).
    const info = joinsInView(m.ctx.member(s), view, view.incarnations[i] as number) ? undefined : donor?.table.get(s);
    table.set(s, info === undefined
      ? { state: 'RECOVERING', role: single ? 'SECONDARY' : 'PRIMARY', unreachable: false }
      : { state: info.state === 'RECOVERING' ? 'RECOVERING' : 'ONLINE', role: single ? info.role : 'PRIMARY', unreachable: false });
  });
  table.set(m.slot, { state: 'RECOVERING', role: single ? 'SECONDARY' : 'PRIMARY', unreachable: false });
  // The states describe the members before this view; every member, the joiner included, then runs
  // the primary election the view calls for (handle_leader_election_if_needed in on_view_changed).
  // A source that has not handled this view yet still names the primary that left it.
  if (single && donor !== null && (donor.viewNumber !== view.number || donor.viewFixed !== view.fixed) &&
    ![...table.values()].some((info) => info.role === 'PRIMARY')) electIn(m, table);
  const gen = ++m.admissionGen;
  m.admission = { gen, view, table, queued: [] };
  const p = m.ctx.params;
  m.ctx.later(m.slot, p.joinerReadyLagUs + p.joinerViewLagUs, () => {
    const a = m.admission;
    if (a === null || a.gen !== gen) return;
    m.admission = null;
    m.state = 'RECOVERING';
    m.partition.terminated = false;
    m.partition.inPartition = false;
    m.table.clear();
    for (const [s, info] of a.table) m.table.set(s, info);
    m.viewNumber = view.number;
    m.viewFixed = view.fixed;
    m.log(msg.recoveryStrategy());
    m.log(msg.membershipChanged(m.sortedHostList(view.members), m.viewId()));
    m.emitView(view.members);
    m.refresh();
    const startThread = m.startStop.joinViewHandled();
    // initialize_plugin_and_join (plugin.cc) logs the primary once the START has its view
    // (log_primary_member_details, plugin_utils.cc: single-primary mode, this member a secondary,
    // the primary known); an auto-rejoin attempt (attempt_rejoin) does not, nor does going ONLINE.
    if (startThread >= 0 && single) {
      const primary = m.primarySlot();
      if (primary >= 0 && primary !== m.slot) m.log(msg.srvSecondary(m.hostPort(primary)), startThread);
    }
    // State transfer (recovery_state_transfer.cc, Recovery_state_transfer::state_transfer) replicates
    // every GTID the donor has and the joiner lacks: its time grows with how many are missing.
    const recoveryUs = p.distributedRecoveryUs + missing * p.recoveryTransactionUs;
    logRecoveryChannel(m, a.table, gen, recoveryUs);
    // Views installed and GR messages delivered since the join view, in delivery order: no view
    // number is skipped and no member's recovery-end message is lost.
    for (const q of a.queued) {
      if (q.view !== null) m.onViewChanged(q.view, q.left, q.joined);
      else m.onGroupMessage(q.entry);
    }
    // Recovery done: the member broadcasts its recovery-end message; every member, itself
    // included, marks it ONLINE when the group delivers that message. A joiner the group removed
    // meanwhile never gets it delivered and stays RECOVERING until it learns of the removal.
    m.ctx.later(m.slot, recoveryUs, () => {
      if (m.state !== 'RECOVERING') return;
      m.tx.recoveryDone(m.ctx.kernel.nowUs);
      m.consistency.applierMoved();
      m.ctx.xcom.consensus.proposeMessage(m.slot, 'gr', 0, { online: m.slot });
    });
  });
}

/**
 * Distributed recovery's channel lines while this joiner is RECOVERING: the recovery thread points
 * the recovery channel at a donor, the receiver thread connects, and the channel is reset before
 * the recovery-end message. The donor is the first ONLINE member of the view in grsim; MySQL picks
 * one at random (recovery_state_transfer.cc build_donor_list shuffles the ONLINE members).
 */
function logRecoveryChannel(m: GrMember, table: ReadonlyMap<number, MemberInfo>, gen: number, recoveryUs: number): void {
  let donor = -1;
  for (const [s, info] of table) if (s !== m.slot && info.state === 'ONLINE') { donor = s; break; }
  if (donor < 0) return;
  const d = m.ctx.servers[donor] as ServerIdentity;
  const threads = { recovery: m.newThreadId(), receiver: m.newThreadId() };
  for (const line of recoveryChannelLines(m.ctx.channelTerms, d)) {
    m.ctx.later(m.slot, Math.floor(line.at * recoveryUs), () => {
      if (m.state === 'RECOVERING' && m.admissionGen === gen) m.log(line.message, threads[line.thread]);
    });
  }
}

/**
 * Whose member information the joiner's state exchange reflects: a member of the join view whose
 * server runs and that is in the group (it sent a state message); one that installed this view
 * or an earlier one, never a crashed server's emptied table. Null when none qualifies.
 */
function stateExchangeSource(m: GrMember, view: GcsView): GrMember | null {
  let best: GrMember | null = null;
  for (const s of view.members) {
    if (s === m.slot || m.ctx.net.running[s] === 0) continue;
    const o = m.ctx.member(s);
    if (!o.inGroup() || o.admission !== null || o.joining !== null || !o.table.has(s)) continue;
    if (o.viewNumber === view.number && o.viewFixed === view.fixed) return o;
    if (best === null) best = o;
  }
  return best;
}

/** Whether `o` joins the group in `view` as the XCom incarnation the view names (its join under way or admitted there). */
function joinsInView(o: GrMember, view: GcsView, incarnation: number): boolean {
  if (o.joining !== null) return o.joining.incarnation === incarnation;
  return o.admission !== null && o.admission.view.number === view.number && o.admission.view.fixed === view.fixed;
}

/** Its own recovery-end message was delivered: this member is ONLINE (MY-011490), writable unless a secondary. */
export function declaredOnline(m: GrMember): void {
  const single = m.ctx.mode === 'single-primary';
  m.state = 'ONLINE';
  m.selfInfo().state = 'ONLINE';
  m.log(msg.srvOnline());
  const primary = m.primarySlot();
  m.setFlags(single ? primary !== m.slot : false, false);
  m.refresh();
}
