import { msg } from '../observe/error-codes.js';
import type { GrMember } from './gr-member.js';
import { pickPrimary, type MemberInfo, type ServerIdentity } from './member-info.js';

/**
 * Single-primary elections as one member runs them while it handles a view
 * (primary_election_invocation_handler.cc, primary_election_primary_process.cc,
 * primary_election_secondary_process.cc).
 */

const NEW_PRIMARY_SUFFIX = 'The new primary will execute all previous group transactions before allowing writes.';

/**
 * handle_leader_election_if_needed: in single-primary mode, when the view has no primary left, logs
 * the old primary's departure and elects a new one among the ONLINE members. Returns the elected
 * member's slot, -1 when no election ran or no candidate exists.
 */
export function handleLeaderElectionIfNeeded(m: GrMember, oldPrimary: number, left: readonly number[]): number {
  if (m.ctx.mode !== 'single-primary' || (oldPrimary >= 0 && !left.includes(oldPrimary))) return -1;
  if (oldPrimary >= 0) m.log(msg.primaryLeft(m.hostPort(oldPrimary)));
  const elected = elect(m);
  if (elected >= 0) m.log(msg.newPrimaryElected(m.hostPort(elected), NEW_PRIMARY_SUFFIX));
  else if (m.table.size > 1) m.log(msg.noSuitablePrimary());
  if (elected === m.slot && m.state === 'ONLINE' && m.ctx.params.primaryElectionStages === 1) m.consistency.holdForElection();
  return elected;
}

/** Picks the primary among ONLINE members and sets roles (pick_primary_member). */
function elect(m: GrMember): number {
  return electIn(m, m.table);
}

/** Picks the primary among the ONLINE members of `table` and sets its roles (pick_primary_member). */
export function electIn(m: GrMember, table: ReadonlyMap<number, MemberInfo>): number {
  const candidates = [...table].filter(([, info]) => info.state === 'ONLINE').map(([slot]) => ({
    slot, weight: m.ctx.member(slot).opts.group_replication_member_weight, uuid: (m.ctx.servers[slot] as ServerIdentity).uuid,
  }));
  const p = pickPrimary(candidates);
  for (const [slot, info] of table) info.role = slot === p ? 'PRIMARY' : 'SECONDARY';
  return p;
}

/**
 * The election process starts on this member once the view is handled. The new primary runs
 * Primary_election_primary_process (consistency.ts startPrimaryProcess): it stays read-only while
 * it applies its backlog and takes writes only after its PRIMARY_READY message came back through
 * the group; MY-011510 ends the process. A secondary logs MY-011511 and stays read-only.
 */
export function electionCompleted(m: GrMember, primary: number): void {
  if (m.state !== 'ONLINE') return;
  if (primary === m.slot && m.ctx.params.primaryElectionStages === 0) {
    // grsim's earlier approximation (model.primaryElectionStages 0): writable as soon as elected.
    m.log(msg.srvPrimary());
    m.setFlags(false, m.offlineMode);
  } else if (primary === m.slot) {
    m.setFlags(true, m.offlineMode);
    m.consistency.startPrimaryProcess();
  } else {
    m.log(msg.srvSecondary(m.hostPort(primary)));
    m.setFlags(true, m.offlineMode);
  }
}
