/** Shared data types (layer L0). String-literal unions are spelled as MySQL spells them. */

/** MEMBER_STATE as performance_schema.replication_group_members shows it (src/member_info.cc). */
export type MemberState = 'ONLINE' | 'RECOVERING' | 'ERROR' | 'OFFLINE' | 'UNREACHABLE';

/** MEMBER_ROLE; empty for ERROR and OFFLINE members (src/member_info.cc get_member_role_string). */
export type MemberRole = 'PRIMARY' | 'SECONDARY' | '';

/** `multi-primary` (every member PRIMARY) or `single-primary` (one elected PRIMARY). */
export type GroupMode = 'multi-primary' | 'single-primary';

/** group_replication_exit_state_action values. */
export type ExitStateAction = 'READ_ONLY' | 'OFFLINE_MODE' | 'ABORT_SERVER';

/** Behaviour profiles; each selects defaults and version-specific rules (see gr/version-profiles.ts). */
export type VersionName = '8.0.20' | '8.0.21' | '8.4' | '9.x';

/** A row of performance_schema.replication_group_members as one member sees it. */
export interface ReplicationGroupMemberRow {
  readonly CHANNEL_NAME: 'group_replication_applier';
  readonly MEMBER_ID: string;
  readonly MEMBER_HOST: string;
  readonly MEMBER_PORT: number;
  readonly MEMBER_STATE: MemberState;
  readonly MEMBER_ROLE: MemberRole;
  readonly MEMBER_VERSION: string;
}

/** Outcome of a write (a transaction submitted on one member). */
export type WriteOutcome = 'pending' | 'committed' | 'rolled_back' | 'refused';
