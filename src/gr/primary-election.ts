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
 * The election's mode, as execute_primary_election names it (primary_election_include.h): after
 * the primary left the group, or for group_replication_set_as_primary with the old primary still a
 * member. The mode switches' SAFE_OLD_PRIMARY is not modelled (GrMember.applyTopology).
 */
export type ElectionMode = 'DEAD_OLD_PRIMARY' | 'UNSAFE_OLD_PRIMARY';

/**
 * The election process starts on this member once the election is decided
 * (primary_election_invocation_handler.cc internal_primary_election: a process already running on
 * this member is terminated first). The new primary runs Primary_election_primary_process
 * (consistency.ts startPrimaryProcess): it stays read-only while it applies its backlog and takes
 * writes only after its PRIMARY_READY message came back through the group; MY-011510 ends the
 * process. Every other member still in the group, RECOVERING ones too, runs
 * Primary_election_secondary_process (SecondaryElectionProcess): MY-011511 comes at its end.
 */
export function launchElectionProcess(m: GrMember, primary: number, mode: ElectionMode): void {
  m.secondaryElection.terminate();
  if (primary === m.slot) {
    if (m.state !== 'ONLINE') return;
    if (m.ctx.params.primaryElectionStages === 0) {
      // grsim's earlier approximation (model.primaryElectionStages 0): writable as soon as elected.
      m.log(msg.srvPrimary());
      m.setFlags(false, m.offlineMode);
    } else {
      m.setFlags(true, m.offlineMode);
      m.consistency.startPrimaryProcess();
    }
  } else if (m.ctx.params.primaryElectionStages === 0) {
    // The same approximation: an ONLINE secondary read-only and MY-011511 at once.
    if (m.state !== 'ONLINE') return;
    m.log(msg.srvSecondary(m.hostPort(primary)));
    m.setFlags(true, m.offlineMode);
  } else if (m.inGroup()) {
    m.secondaryElection.launch(primary, mode);
  }
}

/**
 * Primary_election_secondary_process::secondary_election_process_handler
 * (src/plugin_handlers/primary_election_secondary_process.cc) on a member that is not the new
 * primary; docs/mysql-behaviour.md §T6. It waits for the new primary's SINGLE_PRIMARY_PRIMARY_READY
 * (sent once the new primary applied its backlog), then sets super_read_only
 * (enable_read_mode_on_server: MY-011565 only where it was OFF, on the old primary of a
 * switchover). For DEAD_OLD_PRIMARY that ends the process; for UNSAFE_OLD_PRIMARY it then waits for
 * the new primary's SINGLE_PRIMARY_QUEUE_APPLIED (waiting_on_old_primary_transactions). At its end
 * it logs MY-011511. An aborted process logs nothing: the member leaves the group (after_view_change
 * with is_leaving; grsim: GrMember.rollbackPending) or another election replaces it
 * (internal_primary_election → terminate_election_process). MySQL also aborts it in
 * after_view_change when the new primary leaves; in grsim that view always runs the election that
 * replaces it (or, with no candidate, no message of that primary can come any more).
 *
 * MySQL's UNSAFE_OLD_PRIMARY path also has every member send SINGLE_PRIMARY_READ_MODE_SET after
 * setting read mode and wait until all of them have (group_in_read_mode) before the wait for
 * QUEUE_APPLIED; grsim models no READ_MODE_SET round (the new primary sends QUEUE_APPLIED as soon
 * as its PRIMARY_READY is back), so that wait is left out.
 */
export class SecondaryElectionProcess {
  /** The new primary this process waits for; -1 when no process runs. */
  private primary = -1;
  private mode: ElectionMode = 'DEAD_OLD_PRIMARY';
  /** primary_ready: the new primary's PRIMARY_READY was delivered here. */
  private primaryReady = false;
  /** What runs when the process ends (a group action's end on this member). */
  private afterEnd: (() => void)[] = [];

  constructor(private readonly m: GrMember) {}

  /** Whether the process runs (is_election_process_running). */
  get running(): boolean {
    return this.primary >= 0;
  }

  /** launch_secondary_election_process for the new primary `primary`. */
  launch(primary: number, mode: ElectionMode): void {
    this.terminate();
    this.primary = primary;
    this.mode = mode;
    this.primaryReady = false;
  }

  /** terminate_election_process: the process ends without logging; what waited for its end never runs. */
  terminate(): void {
    this.primary = -1;
    this.primaryReady = false;
    this.afterEnd = [];
  }

  /** Runs `fn` when the process ends (MY-011511 logged); never if it is aborted; at once if none runs. */
  whenEnds(fn: () => void): void {
    if (this.running) this.afterEnd.push(fn);
    else fn();
  }

  /** before_message_handling: a Single_primary_message of the new primary `origin` was delivered here. */
  onSinglePrimaryMessage(origin: number, kind: 'primaryReady' | 'queueApplied'): void {
    if (origin !== this.primary) return;
    if (kind === 'primaryReady') {
      if (this.primaryReady) return;
      this.primaryReady = true;
      this.m.setFlags(true, this.m.offlineMode);
      if (this.mode === 'DEAD_OLD_PRIMARY') this.end();
    } else if (this.primaryReady) {
      this.end();
    }
  }

  private end(): void {
    const m = this.m, primary = this.primary, ended = this.afterEnd;
    this.terminate();
    if (m.table.has(primary)) m.log(msg.srvSecondary(m.hostPort(primary)));
    for (const fn of ended) fn();
  }
}
