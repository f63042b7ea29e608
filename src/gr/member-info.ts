import type { MemberRole, MemberState } from '../types.js';

/** Static identity of a MySQL server in the group. */
export interface ServerIdentity {
  readonly slot: number;
  readonly name: string;
  readonly host: string;
  readonly port: number;
  /** XCom port (group_replication_local_address), used in "[GCS]" lines. */
  readonly xcomPort: number;
  readonly uuid: string;
  readonly version: string;
}

/** What one member believes about another (src/member_info.cc Group_member_info). */
export interface MemberInfo {
  state: Exclude<MemberState, 'UNREACHABLE'>;
  role: 'PRIMARY' | 'SECONDARY';
  /** The per-observer unreachable flag; shown instead of ONLINE/RECOVERING. */
  unreachable: boolean;
}

/**
 * A member table (the plugin's Group_member_info_manager: slot → what this member believes about
 * it) that also keeps the set of its slots as a bit mask, so that a reader asking every second
 * whether each member holds each sender (the flow-control statistics' delivery) needs no lookup.
 */
export class MemberTable extends Map<number, MemberInfo> {
  /** Bit `slot` set while the table holds `slot` (slots are < 32). */
  mask = 0;

  override set(slot: number, info: MemberInfo): this {
    super.set(slot, info);
    // Map's constructor adds no entries here (none are passed), so the field is initialised by then.
    this.mask |= 1 << slot;
    return this;
  }

  override delete(slot: number): boolean {
    this.mask &= ~(1 << slot);
    return super.delete(slot);
  }

  override clear(): void {
    this.mask = 0;
    super.clear();
  }
}

/** MEMBER_STATE as shown: UNREACHABLE replaces ONLINE/RECOVERING when flagged (ps_information.cc). */
export function shownState(info: MemberInfo): MemberState {
  return info.unreachable && (info.state === 'ONLINE' || info.state === 'RECOVERING') ? 'UNREACHABLE' : info.state;
}

/** MEMBER_ROLE as shown: only for ONLINE and RECOVERING members (get_member_role_string). */
export function shownRole(info: MemberInfo): MemberRole {
  return info.state === 'ONLINE' || info.state === 'RECOVERING' ? info.role : '';
}

/**
 * Primary election order (primary_election_invocation_handler.cc sort_members_for_election):
 * highest member_weight first, then lowest server_uuid; only ONLINE candidates of the lowest version.
 */
export function pickPrimary(candidates: readonly { slot: number; weight: number; uuid: string }[]): number {
  let best: { slot: number; weight: number; uuid: string } | undefined;
  for (const c of candidates) {
    if (best === undefined || c.weight > best.weight || (c.weight === best.weight && c.uuid < best.uuid)) best = c;
  }
  return best === undefined ? -1 : best.slot;
}
