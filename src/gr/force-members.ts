import { ConfigError } from '../errors.js';
import { forceMembersCommandFailure, gcsText, msg, wrongValueForVariable } from '../observe/error-codes.js';
import { FORCE_MEMBERS_VIEW_MODIFICATION_TIMEOUT_US } from '../xcom/constants.js';
import { processPeerNodes, validPeer } from '../gcs/peer-nodes.js';
import type { GrMember, UdfResult } from './gr-member.js';
import type { ServerIdentity } from './member-info.js';

/** The reasons check_force_members gives a refused SET (src/plugin.cc, enum_force_members_state). */
const REASON = {
  alreadyRunning: 'There is one group_replication_force_members operation already ongoing.',
  majorityReachable: 'The group_replication_force_members can only be updated when Group Replication is running and majority of the members are unreachable.',
  notOnline: 'Member is not ONLINE, it is not possible to force a new group membership.',
  leaving: 'A request to force a new group membership was issued while the member is leaving the group.',
  valueSetError: (value: string) => `Error setting group_replication_force_members value '${value}'. Please check error log for additional details.`,
  viewTimeout: 'Timeout on wait for view after setting group_replication_force_members.',
} as const;

/**
 * What became of the last SET group_replication_force_members that GCS accepted (MY-011722) on a
 * member. The statement's session waits in check_force_members (src/plugin.cc) for the forced
 * view, `Gcs_operations::force_members` (src/gcs_operations.cc) up to
 * FORCE_MEMBERS_VIEW_MODIFICATION_TIMEOUT: `outcome` is 'pending' while it waits, 'set' once the
 * view came (the variable holds the value), or 'failed' with `error`, the client error the SET
 * returns: on the timeout (MY-011723) ERROR 1231 naming the value up to 8.0.3x, ERROR 4118 with
 * the timeout's reason on the 8.4 and 9.x profiles; ERROR 2013 when the server died meanwhile.
 */
export interface ForceMembersOutcome {
  outcome: 'pending' | 'set' | 'failed';
  error: string | null;
}

/**
 * is_majority_unreachable (src/member_info.cc): the members this member flags unreachable leave no
 * more than half of its member table reachable.
 */
export function majorityUnreachable(m: GrMember): boolean {
  let unreachable = 0;
  for (const info of m.table.values()) if (info.unreachable) unreachable++;
  return m.table.size - unreachable <= Math.floor(m.table.size / 2);
}

/**
 * SET GLOBAL group_replication_force_members on one member (docs/mysql-behaviour.md §G8): the
 * plugin's checks (src/plugin.cc check_force_members), the GCS request
 * (src/gcs_operations.cc Gcs_operations::force_members, gcs_xcom_group_management.cc
 * modify_configuration) and XCom's forced configuration (xcom_base.cc force_config, accepted only
 * when every listed node answers), then the wait for the view it installs. The value is stored
 * only when that view arrives in time; '' is stored at once.
 */
export class ForceMembers {
  /** force_members_running: a SET is waiting for its view. */
  running = false;
  private gen = 0;
  /** The last SET that GCS accepted (null before the first). */
  private last: ForceMembersOutcome | null = null;

  constructor(private readonly m: GrMember) {}

  /**
   * Runs the SET now. `store` records the value once the statement succeeds (at once for '', when
   * the forced view is installed otherwise). Returns MySQL's client error for a refusal.
   */
  set(value: string, store: (value: string) => void): UdfResult {
    const m = this.m;
    const older = m.ctx.forceMembersRefusal === 'wrong-value';
    // Up to 8.0.3x the check function logs its own refusals and the server answers 1231 with the
    // value; later ones answer 4118 with the reason (the first one with the literal word `value`).
    const failure = (reason: string, shown = value): string =>
      older ? wrongValueForVariable('group_replication_force_members', value) : forceMembersCommandFailure(shown, reason);
    const refuse = (reason: string, shown = value): UdfResult => ({ ok: false, error: failure(reason, shown) });
    if (this.running) {
      if (older) m.log(msg.forceMembersOnlyOneAtATime(), m.newThreadId());
      return refuse(REASON.alreadyRunning, 'value');
    }
    if (value.length === 0) {
      store(value);
      return { ok: true };
    }
    // Up to 8.0.3x GR not running is the same refusal as the majority reachable; later it has its own.
    if (!older && !m.startStop.running()) return refuse(REASON.notOnline);
    // The plugin's lines come from the client session that runs the SET.
    const thread = m.newThreadId();
    if (!m.startStop.running() || !majorityUnreachable(m)) {
      if (older) m.log(msg.forceMembersUpdateNotAllowed(), thread);
      return refuse(REASON.majorityReachable);
    }
    // Gcs_operations::force_members: GCS must run, the member must not be leaving and must be ONLINE.
    const config = m.ctx.xcom.config[m.slot];
    if (config == null) {
      m.log(msg.forceMembersMemberOffline(), thread);
      return refuse(REASON.notOnline);
    }
    if (m.partition.terminated) {
      m.log(msg.forceMembersWhenLeaving(), thread);
      return refuse(REASON.leaving);
    }
    if (m.state !== 'ONLINE') {
      m.log(msg.forceMembersMemberOffline(), thread);
      return refuse(REASON.notOnline);
    }
    const slots = this.peers(value, config.nodes);
    if (slots === null) {
      m.log(msg.forceMembersValueSetError(value), thread);
      return refuse(REASON.valueSetError(value));
    }
    // plugin.cc's description of the variable: "the excluded members will not receive a new view
    // and will be blocked. The DBA will need to kill the excluded servers." grsim keeps one decided
    // log, so it cannot run the excluded side's own history next to the forced group: it takes a
    // force only once the members left out no longer run XCom.
    const running = config.nodes.filter((s) => !slots.includes(s) && m.ctx.xcom.booted[s] === 1);
    if (running.length > 0) {
      throw new ConfigError('group_replication_force_members',
        `leaves out ${running.map((s) => (m.ctx.servers[s] as ServerIdentity).name).join(', ')}, whose Group Replication still runs; grsim models a forced membership only once the members left out are down (MySQL's advice: kill the excluded servers): crash or stop them first`, value);
    }
    m.ctx.xcom.consensus.proposeForce(m.slot, slots);
    m.log(msg.forceMembersValueSet(value), thread);
    this.running = true;
    const outcome: ForceMembersOutcome = { outcome: 'pending', error: null };
    this.last = outcome;
    const gen = ++this.gen;
    // Not a function literal assigned to the property, which V8 would allocate in the old
    // generation (test/sim/pretenured-closures.test.ts).
    const viewCame = (): void => {
      this.awaiting = null;
      this.running = false;
      outcome.outcome = 'set';
      store(value);
      this.releaseLock();
    };
    this.awaiting = viewCame;
    m.ctx.later(m.slot, FORCE_MEMBERS_VIEW_MODIFICATION_TIMEOUT_US, () => {
      if (gen !== this.gen || !this.running) return;
      this.awaiting = null;
      this.running = false;
      m.log(msg.forceMembersViewTimeout(value), thread);
      outcome.outcome = 'failed';
      outcome.error = failure(REASON.viewTimeout);
      this.releaseLock();
    });
    return { ok: true };
  }

  /** What waits for gcs_operations_lock while a SET holds it (see `afterGcsOperationsLock`). */
  private blocked: (() => void)[] = [];

  /**
   * Runs `then` once no SET holds gcs_operations_lock. Gcs_operations::force_members
   * (src/gcs_operations.cc) takes that lock for writing and keeps it while it waits for the forced
   * view, up to FORCE_MEMBERS_VIEW_MODIFICATION_TIMEOUT; leave_group (src/plugin.cc) asks
   * Gcs_operations::belongs_to_group and Gcs_operations::leave, which take the same lock, so a STOP
   * GROUP_REPLICATION that reaches its leave meanwhile waits until the SET returns (its view came,
   * or the timeout). `then` runs after the event that released the lock.
   */
  afterGcsOperationsLock(then: () => void): void {
    if (this.running) this.blocked.push(then);
    else then();
  }

  private releaseLock(): void {
    if (this.blocked.length === 0) return;
    const waiting = this.blocked;
    this.blocked = [];
    this.m.ctx.later(this.m.slot, 0, () => { for (const then of waiting) then(); });
  }

  /** The last SET that GCS accepted, as its session sees it (ForceMembersOutcome); null before one. */
  lastOutcome(): ForceMembersOutcome | null {
    return this.last;
  }

  /** The view notifier of a SET in progress (view_change_notifier_list). */
  private awaiting: (() => void) | null = null;

  /** The plugin installed a view: a SET waiting for one succeeds. */
  viewInstalled(): void {
    if (this.awaiting !== null) this.awaiting();
  }

  /** The process died: a SET in progress is gone with its session (`lostConnection`, ERROR 2013). */
  reset(lostConnection: string): void {
    this.gen++;
    this.running = false;
    this.awaiting = null;
    this.blocked = []; // their threads end with the server
    if (this.last !== null && this.last.outcome === 'pending') {
      this.last.outcome = 'failed';
      this.last.error = lostConnection;
    }
  }

  /**
   * modify_configuration: the listed XCom addresses as slots of the configuration XCom has now, or
   * null after logging why GCS refuses the list (an invalid address, an empty list, a peer that
   * is not a node of the current configuration).
   */
  private peers(value: string, nodes: readonly number[]): number[] | null {
    const m = this.m;
    const listed = processPeerNodes(value);
    const invalid = listed.filter((p) => !validPeer(p));
    if (invalid.length > 0) {
      for (const p of invalid) m.gcsLog('Warning', gcsText.peerAddressInvalid(p));
      m.gcsLog('ERROR', gcsText.peersInvalid());
      return null;
    }
    if (listed.length === 0) {
      m.gcsLog('ERROR', gcsText.peersEmpty());
      return null;
    }
    const slots: number[] = [];
    for (const p of listed) {
      const slot = nodes.find((s) => {
        const id = m.ctx.servers[s] as ServerIdentity;
        return `${id.host}:${id.xcomPort}` === p;
      });
      if (slot !== undefined && !slots.includes(slot)) slots.push(slot);
    }
    if (slots.length !== listed.length) {
      m.gcsLog('ERROR', gcsText.peersNotInView());
      return null;
    }
    return slots;
  }
}
