import { msg } from '../observe/error-codes.js';
import type { GrMember, UdfResult } from './gr-member.js';
import type { ServerIdentity } from './member-info.js';
import { electionCompleted } from './primary-election.js';

/**
 * group_replication_set_as_primary(uuid) (src/udf/udf_single_primary.cc, run as a group action:
 * src/group_actions/group_action_coordinator.cc, primary_election_action.cc;
 * docs/mysql-behaviour.md §G8).
 */

/** Group_action_information::get_action_name_and_description for ACTION_UDF_SET_PRIMARY. */
export const PRIMARY_ELECTION_CHANGE = 'Primary election change';
/** The UDF refuses while a member is RECOVERING (udf_utils.cc recovering_member_on_group_str). */
export const UDF_ERROR_RECOVERING = 'A member is joining the group, wait for it to be ONLINE.';
/** validate_uuid_parameter (udf_utils.cc): the uuid is not in the member table. */
export const UDF_ERROR_NOT_A_MEMBER = 'The requested uuid is not a member of the group.';
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

/** A set_as_primary outcome: MySQL's error, or the UDF's result text. */
export type SetAsPrimaryResult = UdfResult & { readonly message?: string };

/**
 * Runs SELECT group_replication_set_as_primary(<uuid of `target`>) on `invoker`: the UDF's
 * checks (ONLINE in the majority, nobody UNREACHABLE or RECOVERING, single-primary mode, the target
 * an ONLINE member), then the primary election action on every member of the group: MY-013214, the
 * election (MY-011507, then MY-011510 on the new primary and MY-011511 on the others, with the
 * super_read_only changes), MY-013215 and MY-013213 once the new primary's election process has
 * ended. grsim runs the action's own start message round at one instant.
 */
export function setAsPrimary(invoker: GrMember, target: number): SetAsPrimaryResult {
  const check = invoker.checkTopologyUdf();
  if (!check.ok) return check;
  for (const info of invoker.table.values()) if (info.state === 'RECOVERING') return { ok: false, error: UDF_ERROR_RECOVERING };
  if (invoker.ctx.mode !== 'single-primary') return { ok: false, error: UDF_ERROR_NOT_SINGLE_PRIMARY };
  const info = invoker.table.get(target);
  if (info === undefined) return { ok: false, error: UDF_ERROR_NOT_A_MEMBER };
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
    electionCompleted(m, target);
    m.refresh();
  }
  // The action ends on every member once the new primary's election process has ended (its
  // QUEUE_APPLIED delivered, MY-011510): Primary_election_action waits for the election's end
  // before MY-013215 and MY-013213. Without staged elections that is at once.
  const end = (): void => {
    for (const m of members) {
      if (m.state !== 'ONLINE') continue;
      m.log(msg.groupActionEnd(PRIMARY_ELECTION_CHANGE));
      m.log(msg.groupActionTerminated(PRIMARY_ELECTION_CHANGE, result));
    }
  };
  const primary = invoker.ctx.member(target);
  if (primary.ctx.params.primaryElectionStages === 1) primary.consistency.whenElectionEnds(end);
  else end();
  return { ok: true, message: result };
}
