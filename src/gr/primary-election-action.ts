import { msg } from '../observe/error-codes.js';
import type { GrMember, UdfResult } from './gr-member.js';
import type { ServerIdentity } from './member-info.js';
import { launchElectionProcess } from './primary-election.js';

/**
 * group_replication_set_as_primary(uuid) (src/udf/udf_single_primary.cc, run as a group action:
 * src/group_actions/group_action_coordinator.cc, primary_election_action.cc;
 * docs/mysql-behaviour.md §G8).
 */

/** Group_action_information::get_action_name_and_description for ACTION_UDF_SET_PRIMARY. */
export const PRIMARY_ELECTION_CHANGE = 'Primary election change';
/** set_as_primary in a multi-primary group (udf_single_primary.cc, group_replication_set_as_primary_init). */
export const UDF_ERROR_NOT_SINGLE_PRIMARY = 'In multi-primary mode. Use group_replication_switch_to_single_primary_mode.';
/** A target that is a member but not ONLINE (a check of grsim's API; MySQL's init checks refuse such a group first). */
export const UDF_ERROR_TARGET_NOT_ONLINE = 'The requested member is not ONLINE.';
/** The UDF's answer when the target already is the primary; no action runs (udf_single_primary.cc). */
export const ALREADY_PRIMARY = 'The requested member is already the current group primary.';
/**
 * The reason MY-011507 gives for an election with an old primary still present (UNSAFE_OLD_PRIMARY,
 * primary_election_invocation_handler.cc execute_primary_election).
 */
const UNSAFE_OLD_PRIMARY_SUFFIX =
  'The new primary will execute all previous group transactions before allowing writes. Enabling conflict detection until the new primary applies all relay logs.';

/**
 * group_replication_switch_to_single_primary_mode's answer in a single-primary group, without and
 * with a uuid; the UDF does nothing else (udf_single_primary.cc,
 * group_replication_switch_to_single_primary_mode, its body after the init checks).
 */
export const ALREADY_SINGLE_PRIMARY = 'The group is already on single-primary mode.';
export const ALREADY_SINGLE_PRIMARY_WITH_UUID = 'Already in single-primary mode. Did you mean to use group_replication_set_as_primary?';
/** group_replication_switch_to_multi_primary_mode's answer in a multi-primary group; nothing else happens (udf_multi_primary.cc, its body). */
export const ALREADY_MULTI_PRIMARY = 'The group is already on multi-primary mode.';
/** The mode switches' results (primary_election_action.cc and multi_primary_migration_action.cc, execute_action). */
export const SWITCHED_TO_SINGLE_PRIMARY = 'Mode switched to single-primary successfully.';
export const SWITCHED_TO_MULTI_PRIMARY = 'Mode switched to multi-primary successfully.';

/** The three topology UDFs, by their names without the group_replication_ prefix. */
export type TopologyUdf = 'set_as_primary' | 'switch_to_single_primary_mode' | 'switch_to_multi_primary_mode';
/** A topology UDF's outcome: MySQL's error, or the UDF's result text. */
export type TopologyUdfResult = UdfResult & { readonly message?: string };
/** A set_as_primary outcome (the name the API has always given it). */
export type SetAsPrimaryResult = TopologyUdfResult;

/**
 * group_replication_set_as_primary_init's checks on `invoker`: the checks every topology UDF makes
 * (GrMember.checkTopologyUdf, with `target` as the uuid's member), then the group in
 * single-primary mode. (Its 8.0.29 check that every member runs 8.0.29 or later when a
 * running_transactions_timeout is given always passes: a run has one version.)
 */
export function checkSetAsPrimary(invoker: GrMember, target: number): UdfResult {
  const check = invoker.checkTopologyUdf(target);
  if (!check.ok) return check;
  if (invoker.ctx.mode !== 'single-primary') return { ok: false, error: UDF_ERROR_NOT_SINGLE_PRIMARY };
  return check;
}

/**
 * Runs SELECT group_replication_set_as_primary(<uuid of `target`>) on `invoker`: the UDF's init
 * checks (checkSetAsPrimary), the target an ONLINE member, then the primary election action on
 * every member of the group: MY-013214, the election (MY-011507, UNSAFE_OLD_PRIMARY), then
 * MY-011510 on the new primary when its election process ends, and on the others MY-011511 when
 * theirs does (the old primary turns super_read_only on when the new primary's PRIMARY_READY
 * arrives: primary-election.ts SecondaryElectionProcess), and on each member MY-013215 and MY-013213
 * after its own election process has ended. grsim runs the action's own start message round at one instant.
 */
export function setAsPrimary(invoker: GrMember, target: number): SetAsPrimaryResult {
  const check = checkSetAsPrimary(invoker, target);
  if (!check.ok) return check;
  const info = invoker.table.get(target)!;
  if (info.state !== 'ONLINE') return { ok: false, error: UDF_ERROR_TARGET_NOT_ONLINE };
  if (info.role === 'PRIMARY') return { ok: true, message: ALREADY_PRIMARY };
  const uuid = (invoker.ctx.servers[target] as ServerIdentity).uuid;
  const result = `Primary server switched to: ${uuid}`;
  const members: GrMember[] = [];
  for (const slot of [...invoker.table.keys()]) {
    const m = invoker.ctx.member(slot);
    if (m.state !== 'ONLINE') continue;
    members.push(m);
    m.log(msg.groupActionStart(PRIMARY_ELECTION_CHANGE));
    for (const [s, i] of m.table) i.role = s === target ? 'PRIMARY' : 'SECONDARY';
    m.log(msg.newPrimaryElected(m.hostPort(target), UNSAFE_OLD_PRIMARY_SUFFIX));
    if (slot === target && m.ctx.params.primaryElectionStages === 1) m.consistency.holdForElection();
    launchElectionProcess(m, target, 'UNSAFE_OLD_PRIMARY');
    m.refresh();
  }
  // The action ends on a member once the new primary's QUEUE_APPLIED was delivered there
  // (Primary_election_action::before_message_handling sets is_transaction_queue_applied, which
  // execute_action waits for before MY-013215 and MY-013213), which also ends the member's
  // election process: after its MY-011510 or MY-011511. Without staged elections that is at once.
  for (const m of members) {
    const end = (): void => {
      if (m.state !== 'ONLINE') return;
      m.log(msg.groupActionEnd(PRIMARY_ELECTION_CHANGE));
      m.log(msg.groupActionTerminated(PRIMARY_ELECTION_CHANGE, result));
    };
    if (m.ctx.params.primaryElectionStages === 0) end();
    else if (m.slot === target) m.consistency.whenElectionEnds(end);
    else m.secondaryElection.whenEnds(end);
  }
  return { ok: true, message: result };
}
