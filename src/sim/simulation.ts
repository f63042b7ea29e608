import { EventEmitter } from 'eventemitter3';
import { parseDuration } from '../duration.js';
import { ConfigError, InvariantError } from '../errors.js';
import { GcsNode, type GcsView } from '../gcs/gcs-node.js';
import { StateExchanges } from '../gcs/state-exchange.js';
import { FLOW_CONTROL_STATS_PAYLOAD, FlowControlStats } from '../gr/flow-control-stats.js';
import { PipelineStats } from '../gr/pipeline-stats.js';
import { GrMember, type GrContext, type UdfResult, type WriteRecord } from '../gr/gr-member.js';
import { STOP_GIVES_UP_WAITING_US, type StartOutcome } from '../gr/start-stop-group-replication.js';
import type { ForceMembersOutcome } from '../gr/force-members.js';
import { shownRole, shownState, type ServerIdentity } from '../gr/member-info.js';
import {
  ALREADY_MULTI_PRIMARY, ALREADY_SINGLE_PRIMARY, ALREADY_SINGLE_PRIMARY_WITH_UUID, checkSetAsPrimary, setAsPrimary,
  SWITCHED_TO_MULTI_PRIMARY, SWITCHED_TO_SINGLE_PRIMARY, type SetAsPrimaryResult, type TopologyUdf, type TopologyUdfResult,
} from '../gr/primary-election-action.js';
import type { TransactionCounters } from '../gr/transactions.js';
import {
  isOptionName, OPTION_NAMES, parseConsistencyLevel, parseWaitTimeout, validateOption, versionProfile, WAIT_TIMEOUT_DEFAULT_S,
  SET_SCOPES, type ConsistencyLevel, type GroupReplicationOptions, type OptionName, type SetScope,
} from '../gr/options.js';
import type { VersionProfile } from '../gr/version-profiles.js';
import { Kernel, PRIORITY } from '../kernel/kernel.js';
import { resolveModelParameters, type ModelParameters } from '../model-parameters.js';
import { Network } from '../network/network.js';
import { resolveNetworkOptions, validateLinkProfile, type LinkProfile } from '../network/network-options.js';
import { formatLogLine, visibleAt } from '../observe/error-log.js';
import { gcsText, msg } from '../observe/error-codes.js';
const gcsMsg = msg.gcs;
import type { EventOf, LogEvent, SimEvent, SimEventType } from '../observe/events.js';
import type { MemberStartOptions, RunMember, RunStart } from '../observe/run-record.js';
import {
  communicationInformationRow, memberStatsRows, type ReplicationGroupCommunicationInformationRow, type ReplicationGroupMemberStatsRow,
} from '../observe/performance-schema.js';
import { RandomStream } from '../rng/random-stream.js';
import type { GroupMode, MemberState, ReplicationGroupMemberRow, VersionName } from '../types.js';
import { EVENT_HORIZON_MIN, FORCE_MEMBERS_VIEW_MODIFICATION_TIMEOUT_US, XCOM_EXIT_WAIT_US } from '../xcom/constants.js';
import { XcomCluster } from '../xcom/xcom-cluster.js';
import type { LoadBatch, LogEntry } from '../xcom/log-entry.js';
import type { MemorySummaryGlobalByEventNameRow, MessageCache } from '../xcom/message-cache.js';
import { normalizeWorkload, WorkloadDriver, type WorkloadCounters } from '../gr/workload.js';
import { FIRST_INCARNATION, makeConfig } from '../xcom/xcom-config.js';
import { memberIdentity, spareIdentity, validateSpareServers, type TakenIdentities } from './member-identity.js';
import {
  checkLabel, DEFAULT_GROUP_AGE_US, DEFAULT_MAX_TRACE_EVENTS, MAX_GROUP_SIZE, MAX_VIRTUAL_TIME_US,
  groupOptionsFor, parseStart, SEED_FORMS, validateMaxTraceEvents, validateMode, type MemberSpec, type SimulationOptions,
} from './simulation-options.js';
import { STEADY_PERIOD_US, SteadyGroupCheck, type OrderRefusal, type StretchRefusal } from './stretch.js';
import { SteadyReplay } from './steady-replay.js';

/**
 * How long a run with the stretch switch on goes without a steady check once a member's cache is
 * within a second of its limit and the check refused it, µs: a cache that does not evict one equal
 * cell at each learn (larger cells of a workload freed, or the eviction's onset) stays so for a
 * while, so a check every second would find the same. One that evicts steadily is stretched.
 */
const CACHE_FULL_RECHECK_US = 60_000_000;

/**
 * The longest wait between two steady checks of a group that each found unsteady for another
 * reason, µs: the waits double from a second up to this (Simulation.runTo).
 */
const UNSTEADY_RECHECK_MAX_US = 8_000_000;

/** What the stretch switch found at its checks (Simulation.stretchStats). */
export interface StretchStats {
  /**
   * Checks of the group's steadiness: at each run's start, after each stretch, while the group is
   * not steady after waits that double from a second up to 8 s (a minute while a cache is at its
   * limit), and at each runUntil with a predicate.
   */
  checks: number;
  /** Checks that found the group steady (each began a stretch). */
  steady: number;
  /**
   * Steady checks at which the steady second's order was fixed (SteadyGroupCheck.secondOrder):
   * where the replay of whole seconds starts.
   */
  orderFixed: number;
  /** Simulated time replayed a whole steady second at a time (SteadyReplay), µs. */
  replayedUs: number;
  /** Of replayedUs, the simulated time jumped over between exact seconds (SteadyJump), µs. */
  jumpedUs: number;
  /** The steady checks at which the second's order was not fixed, by the first reason found (the stretch then ran event by event). */
  orderRefusals: Partial<Record<OrderRefusal, number>>;
  /** Simulated time the stretches covered, µs. */
  stretchedUs: number;
  /** The other checks, by the first condition that failed. */
  refusals: Partial<Record<StretchRefusal, number>>;
}

/** The failure-handling options a run record keeps of a member (RunMember.options). */
function startOptionsOf(o: GroupReplicationOptions): MemberStartOptions {
  return {
    group_replication_member_expel_timeout: o.group_replication_member_expel_timeout,
    group_replication_autorejoin_tries: o.group_replication_autorejoin_tries,
    group_replication_exit_state_action: o.group_replication_exit_state_action,
    group_replication_unreachable_majority_timeout: o.group_replication_unreachable_majority_timeout,
  };
}

/** How often removeMember looks whether the STOP it ran has finished (µs). */
const REMOVE_POLL_US = 100_000;

type Listener<K extends SimEventType> = (event: EventOf<K>) => void;

/** Every trace event type, for checking on()/off() arguments at run time. */
const EVENT_TYPES = [
  'log', 'stateChange', 'view', 'suspicion', 'localView', 'connection', 'network', 'config', 'write', 'flags', 'option', 'cache', 'workload',
] as const satisfies readonly SimEventType[];
// Fails to compile when SimEvent gains a type this list lacks.
const EVENT_TYPES_COMPLETE: Exclude<SimEventType, (typeof EVENT_TYPES)[number]> extends never ? true : never = true;
void EVENT_TYPES_COMPLETE;

/** Checks the error-log verbosity of logEvents()/errorLog() (log_error_verbosity is 1..3). */
/**
 * `xs.map(f)`, always as a packed array. Array.prototype.map returns a packed array from the
 * interpreter but a holey one once TurboFan inlines it into an optimised caller, so the arrays a
 * simulation is built with would change elements kind in the run after the constructor gets
 * optimised, and every optimised function reading them would deoptimise ("wrong map") and be
 * compiled again: `grsim explore` builds thousands of simulations per thread.
 */
function packedMap<T, U>(xs: readonly T[], f: (x: T, i: number) => U): U[] {
  const out: U[] = [];
  for (let i = 0; i < xs.length; i++) out.push(f(xs[i] as T, i));
  return out;
}

function verbosityOf(value: unknown): 1 | 2 | 3 {
  if (value !== 1 && value !== 2 && value !== 3) throw new ConfigError('verbosity', 'must be 1, 2 or 3 (log_error_verbosity: errors; and warnings; and notes)', value);
  return value;
}

/** A member's XCom message cache at one moment. */
export interface XcomCacheState {
  /** cache_size in bytes. */
  readonly bytes: number;
  /** Cached XCom slots. */
  readonly count: number;
  /** group_replication_message_cache_size in force. */
  readonly limit: number;
  /** Slots evicted (or cleared on XCom stop) since the run started. */
  readonly evicted: number;
  /** The newest evicted log entry (last_removed_cache), -1 before any eviction. */
  readonly lastRemoved: number;
}

/** FNV-1a of a string as 8 hex digits: a stable stand-in for XCom's group id hash. */
function groupIdHex(s: string): string {
  let h = 0x811c9dc5;
  for (let k = 0; k < s.length; k++) h = Math.imul(h ^ s.charCodeAt(k), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

/** A suspicion as one member's GCS holds it. */
export interface SuspicionView {
  readonly member: string;
  readonly sinceUs: number;
  readonly nonMember: boolean;
}

/** Counters of one member's suspicion manager over the run. */
export interface SuspicionCounters {
  created: number;
  cleared: number;
  timedOut: number;
  expelsRequested: number;
}

/** One member, as that member sees the group. */
export class MemberHandle {
  /** @internal */
  constructor(private readonly sim: Simulation, readonly slot: number) {}

  private get gr(): GrMember { return this.sim._gr(this.slot); }
  get name(): string { return this.sim._servers[this.slot]!.name; }
  get host(): string { return this.sim._servers[this.slot]!.host; }
  get port(): number { return this.sim._servers[this.slot]!.port; }
  get uuid(): string { return this.sim._servers[this.slot]!.uuid; }
  /** Whether the server process is running (not crashed or aborted). */
  get running(): boolean { return this.sim._net.running[this.slot] === 1; }
  get frozen(): boolean { return this.sim._net.frozen[this.slot] === 1; }
  get superReadOnly(): boolean { return this.gr.superReadOnly; }
  get offlineMode(): boolean { return this.gr.offlineMode; }
  /**
   * This member's own stored state: ONLINE, RECOVERING, ERROR or OFFLINE (never UNREACHABLE, which
   * only others see it as). While its server is down (`running` false) it is the state the server
   * was left in: OFFLINE after a crash or a removal.
   */
  get state(): Exclude<MemberState, 'UNREACHABLE'> { return this.gr.state; }
  /** Whether an auto-rejoin process is running. */
  get autoRejoinRunning(): boolean { return this.gr.autorejoin.running; }

  /** The view id this member has installed (`<fixed>:<n>`), '' when not in a group. */
  viewId(): string { return this.gr.viewId(); }

  /** performance_schema.replication_group_members as this member shows it; [] when its server is down. */
  replicationGroupMembers(): ReplicationGroupMemberRow[] {
    if (!this.running) return [];
    const rows: ReplicationGroupMemberRow[] = [];
    for (const [slot, info] of this.gr.table) {
      const s = this.sim._servers[slot]!;
      rows.push({
        CHANNEL_NAME: 'group_replication_applier', MEMBER_ID: s.uuid, MEMBER_HOST: s.host, MEMBER_PORT: s.port,
        MEMBER_STATE: shownState(info), MEMBER_ROLE: shownRole(info), MEMBER_VERSION: s.version,
      });
    }
    return rows.sort((a, b) => (a.MEMBER_ID < b.MEMBER_ID ? -1 : 1));
  }

  /**
   * performance_schema.replication_group_member_stats as this member shows it: its own row current,
   * the others' as they last broadcast them (every group_replication_flow_control_period); [] when
   * its server is down. docs/mysql-behaviour.md §G7.
   */
  replicationGroupMemberStats(): ReplicationGroupMemberStatsRow[] {
    if (!this.running) return [];
    const sim = this.sim, pipeline = sim._pipeline;
    const members = [...this.gr.table.keys()].map((slot) => ({
      uuid: sim._servers[slot]!.uuid,
      local: slot === this.slot,
      stats: slot === this.slot ? pipeline.current(slot) : pipeline.receivedFrom(this.slot, slot),
    }));
    return memberStatsRows(members, this.gr.gcsViewId(), this.state !== 'OFFLINE');
  }

  /**
   * performance_schema.replication_group_communication_information as this member shows it: one row
   * while its XCom runs in a group, none otherwise (the write concurrency cannot be read) and none in
   * a version without the table (see communicationInformationColumns). docs/mysql-behaviour.md §G7.
   */
  replicationGroupCommunicationInformation(): ReplicationGroupCommunicationInformationRow[] {
    const nodes = this.running ? this.sim._xcomNodes(this.slot) : null;
    if (nodes === null) return [];
    const sim = this.sim, table = this.gr.table;
    const suspicions = new Map<string, number>();
    for (const [slot, count] of sim._failureSuspicions[this.slot]!) suspicions.set(sim._servers[slot]!.uuid, count);
    const row = communicationInformationRow({
      version: sim.version.name,
      writeConcurrency: EVENT_HORIZON_MIN,
      members: [...table.keys()].map((slot) => sim._servers[slot]!.uuid),
      leaders: nodes.filter((slot) => table.has(slot)).map((slot) => sim._servers[slot]!.uuid),
      suspicions,
    });
    return row === null ? [] : [row];
  }

  /** This member's error-log events at `verbosity` (default 2: [Note] lines hidden). */
  logEvents(verbosity: 1 | 2 | 3 = 2): LogEvent[] {
    verbosityOf(verbosity);
    return this.sim.trace.filter((e): e is LogEvent => e.type === 'log' && e.member === this.name && visibleAt(e.level, verbosity));
  }

  /** This member's error log, formatted as MySQL writes it. */
  errorLog(verbosity: 1 | 2 | 3 = 2): string[] {
    return this.logEvents(verbosityOf(verbosity)).map((e) => formatLogLine(this.sim.startEpochUs, e));
  }

  /** Suspicions its GCS holds now. */
  suspicions(): SuspicionView[] {
    return this.sim._gcs(this.slot).suspicionsList().map((s) => ({
      member: this.sim._servers[s.slot]!.name, sinceUs: s.createdUs, nonMember: !s.isMember,
    }));
  }

  suspicionCounters(): SuspicionCounters {
    return { ...this.sim._counters[this.slot]! };
  }

  /** Current value of every option on this member. */
  options(): Readonly<GroupReplicationOptions> {
    return { ...this.gr.opts };
  }

  /**
   * SET GLOBAL `name` = `value` on this member, now (its server must be running: a stopped mysqld
   * takes no statement). Returns MySQL's client error when the server refuses the statement
   * (group_replication_force_members outside a blocked minority: ERROR 4118). A forcing SET that is
   * accepted stores its value once the forced view is installed (MY-011722, then the view), or
   * not at all when none comes within 120 s (MY-011723).
   */
  set(name: OptionName, value: unknown, scope: SetScope = 'GLOBAL'): UdfResult {
    this.refuseUnlessRunning('set');
    this.refuseWhileFrozen('set');
    return this.sim._setOption(this.slot, name, value, scope);
  }

  /**
   * Submits one transaction on this member. `options.consistency`: the session's
   * group_replication_consistency for it (as after SET SESSION: a level's name in any case, or its
   * ordinal 0..4), instead of the member's global value. `options.wait_timeout`: the session's
   * wait_timeout in whole seconds (1..31536000, default 28800), which bounds each wait of the
   * transaction's begin hook (BEFORE's wait for the applier, the wait behind a prepared AFTER
   * transaction, a new primary's hold: ERROR 3797, 3798, 3781). Anything else throws a ConfigError.
   */
  write(options: { readonly consistency?: ConsistencyLevel | string | number; readonly wait_timeout?: number } = {}): WriteRecord {
    const level = options.consistency === undefined ? null : parseConsistencyLevel(options.consistency, 'consistency');
    const waitTimeoutS = options.wait_timeout === undefined ? WAIT_TIMEOUT_DEFAULT_S : parseWaitTimeout(options.wait_timeout, 'wait_timeout');
    return this.gr.write(level, waitTimeoutS);
  }

  /**
   * SET GLOBAL super_read_only=OFF and one transaction on this member, as an operator does on a
   * server whose Group Replication is stopped: it commits with a GTID of the server's own uuid, an
   * errant transaction a later START refuses (MY-011526). While Group Replication runs here it is
   * an ordinary write().
   */
  writeLocal(): WriteRecord {
    this.refuseWhileFrozen('writeLocal');
    return this.gr.writeLocal();
  }

  /**
   * A frozen (SIGSTOP) mysqld runs no statement until it is thawed: a client's would block until
   * then, which a synchronous call cannot do (a scenario's statement waits for the thaw instead).
   */
  /**
   * A statement needs a running mysqld: a crashed one must be restarted first, and a removed one
   * (removeMember: STOP, then shutdown, for good; restart() refuses it) runs none again.
   */
  private refuseUnlessRunning(verb: string): void {
    if (this.running) return;
    if (this.sim.removed[this.slot] === 1) {
      throw new ConfigError(verb, 'names a member removed from the simulation (removeMember shut its server down for good; add a new one with addMember)', this.name);
    }
    throw new ConfigError(verb, 'names a member whose server is not running (restart it first)', this.name);
  }

  private refuseWhileFrozen(verb: string): void {
    if (this.frozen) throw new ConfigError(verb, 'names a member whose mysqld is frozen (SIGSTOP): it runs no statement until thaw(); call it after the thaw', this.name);
  }

  /** @@gtid_executed on this member now, as MySQL prints it (`uuid:1-100,\nuuid2:1-3`; '' when empty). */
  gtidExecuted(): string {
    return this.gr.tx.gtidExecuted(this.sim.nowUs);
  }

  /**
   * This member's transaction counts now: certified, waiting in the applier queue, applied, its own
   * proposed and committed (the counts of performance_schema.replication_group_member_stats).
   */
  transactionCounters(): TransactionCounters {
    return this.gr.tx.counters(this.sim.nowUs);
  }

  /**
   * performance_schema.memory_summary_global_by_event_name for
   * `memory/group_rpl/GCS_XCom::xcom_cache` on this server (one allocation per cached slot).
   */
  xcomCacheMemory(): MemorySummaryGlobalByEventNameRow {
    return this.sim._cache(this.slot).instrument.row();
  }

  /** This member's XCom message cache now: bytes, slots, limit, slots evicted so far, and the newest evicted entry (-1: none). */
  xcomCache(): XcomCacheState {
    const c = this.sim._cache(this.slot);
    return { bytes: c.sizeBytes, count: c.cachedSlots, limit: c.limitBytes, evicted: c.freedSlots, lastRemoved: c.lastRemovedSlot };
  }

  /**
   * Of xcomCache().evicted, the slots freed because this member's XCom stopped (deinit_cache: an
   * expel, a leave, a crash), not evicted for the size limit. A method of its own, not a field of
   * XcomCacheState, whose every field the trace-hash tests' end state covers.
   */
  xcomCacheCleared(): number {
    return this.sim._cache(this.slot).clearedSlots;
  }

  /** Workload counters of this member (transactions submitted, refused, committed, latency). */
  workload(): WorkloadCounters & { readonly queued: number } {
    const c = this.sim.workload.counters[this.slot]!;
    return { ...c, holds: c.holds.map((h) => ({ ...h })), queued: this.sim._queuedTransactions(this.slot) };
  }

  /**
   * START GROUP_REPLICATION on this member (its server must be running): a join through distributed
   * recovery that fails after 60 s without a join view (MY-011640). Refused while Group Replication
   * runs here (ERROR 3093), and from 8.0.21 while another START or STOP runs (ERROR 3663); up to
   * 8.0.20 it waits for that one and then runs with its own checks, the call returning `{ ok: true }`
   * at once. Inverse: stopGroupReplication().
   */
  startGroupReplication(): UdfResult {
    this.refuseUnlessRunning('startGroupReplication');
    this.refuseWhileFrozen('startGroupReplication');
    return this.gr.startStop.startCommand();
  }

  /**
   * What became of the last START GROUP_REPLICATION command on this member; null before the first
   * START (startGroupReplication()) on it. `outcome` is 'pending' while the command runs or waits for
   * the command lock, then 'joined' when its join view arrived and was handled (`error` null), or
   * 'failed' with `error`, the client error the command returned, as a client of `grsim serve` gets
   * it: the refusal of its checks after waiting for the lock (ERROR 3093, or 3092 for
   * group_replication_force_members), ERROR 3092 (ER_GROUP_REPLICATION_CONFIGURATION) when the
   * start gave up (the 60 s view timeout, MY-011640; a refused join such as MY-011526 or MY-011522),
   * ERROR 2013 when the server died meanwhile. A START that had to wait returns `{ ok: true }` at
   * once; this is where its result shows.
   */
  lastStartOutcome(): StartOutcome | null {
    const o = this.gr.startStop.lastStartOutcome();
    return o === null ? null : { ...o };
  }

  /**
   * What became of the last `set('group_replication_force_members', list)` on this member that GCS
   * accepted (MY-011722); null before one. In MySQL that SET's session waits for the forced view
   * (up to 120 s): `outcome` is 'pending' while it would wait, 'set' once the view came and the
   * variable holds the list, or 'failed' with `error`, the client error the SET returns: ERROR 1231
   * naming the value up to 8.0.3x, ERROR 4118 on the 8.4 and 9.x profiles, when no view came in
   * 120 s (MY-011723); ERROR 2013 when the server died meanwhile. set() returns `{ ok: true }` at
   * once for such a SET; this is where its result shows. A refused SET returns its error from set()
   * and leaves this as it was.
   */
  lastForceMembersOutcome(): ForceMembersOutcome | null {
    const o = this.gr.forceMembers.lastOutcome();
    return o === null ? null : { ...o };
  }

  /**
   * STOP GROUP_REPLICATION on this member (its server must be running): a voluntary leave (the others
   * install a view without it; no expel, no exit state action), then OFFLINE with super_read_only=ON.
   * A no-op when Group Replication does not run here, as in MySQL; ERROR 3663 from 8.0.21 while another
   * START or STOP runs (up to 8.0.20 it waits for it). Inverse: startGroupReplication().
   */
  stopGroupReplication(): UdfResult {
    this.refuseUnlessRunning('stopGroupReplication');
    this.refuseWhileFrozen('stopGroupReplication');
    return this.gr.startStop.stopCommand();
  }

  /**
   * SELECT group_replication_set_as_primary(uuid of `target`) on this member: refused, in MySQL's
   * order, unless this member is ONLINE in the majority, nobody is RECOVERING or UNREACHABLE,
   * `target` is in the group and the group single-primary (MySQL's UDF errors); otherwise every
   * member logs the group action and the election, and `message` is the UDF's result.
   */
  setAsPrimary(target: string): SetAsPrimaryResult {
    this.refuseWhileFrozen('setAsPrimary');
    return this.sim._udf(this.slot, 'set_as_primary', this.sim._slotOf(target, 'target'));
  }

  /**
   * SELECT group_replication_switch_to_single_primary_mode(), or with the uuid of `target`, the
   * member it elects: refused as setAsPrimary is (but in any mode); in a single-primary group it
   * does nothing and `message` says so, as MySQL's does.
   */
  switchToSinglePrimaryMode(target?: string): TopologyUdfResult {
    this.refuseWhileFrozen('switchToSinglePrimaryMode');
    return this.sim._udf(this.slot, 'switch_to_single_primary_mode', target === undefined ? undefined : this.sim._slotOf(target, 'target'));
  }

  /** SELECT group_replication_switch_to_multi_primary_mode(); in a multi-primary group it does nothing and `message` says so. */
  switchToMultiPrimaryMode(): TopologyUdfResult {
    this.refuseWhileFrozen('switchToMultiPrimaryMode');
    return this.sim._udf(this.slot, 'switch_to_multi_primary_mode', undefined);
  }
}

/** Network fault verbs by member name; each names its inverse. */
export class NetworkControl {
  /** @internal */
  constructor(private readonly sim: Simulation) {}

  private slot(name: unknown, field: string): number { return this.sim._slotOf(name, field); }
  private note(action: string, detail: string): void {
    this.sim._emit({ type: 'network', t: this.sim.nowUs, action, detail });
  }

  /** Cuts all links between the given groups (members not listed form one more group). Inverse: repair(). */
  partition(...groups: readonly (readonly string[])[]): void {
    if (groups.length === 0) throw new ConfigError('partition', 'needs at least one group of member names', groups);
    const seen = new Set<number>();
    const slots = groups.map((g, gi) => {
      if (!Array.isArray(g) || g.length === 0) throw new ConfigError(`partition[${gi}]`, 'must be a non-empty array of member names', g);
      return g.map((name, k) => {
        const s = this.slot(name, `partition[${gi}][${k}]`);
        if (seen.has(s)) throw new ConfigError(`partition[${gi}][${k}]`, 'names a member that is already in another group', name);
        seen.add(s);
        return s;
      });
    });
    const rest = this.sim.members.map((m) => m.slot).filter((s) => !seen.has(s) && this.sim.removed[s] === 0);
    if (rest.length > 0) slots.push(rest);
    this.sim._net.partition(slots);
    this.note('partition', slots.map((g) => `[${g.map((s) => this.sim._servers[s]!.name).join(',')}]`).join(' '));
  }

  /** Removes every partition; one-way cuts and isolations stay (heal() removes those too). Inverse of partition(). */
  repair(): void { this.sim._net.repair(); this.note('repair', 'all'); }

  /** Drops packets from → to (one way). Inverse: restore(from, to). */
  cut(from: string, to: string): void {
    const a = this.slot(from, 'cut.from'), b = this.slot(to, 'cut.to');
    if (a === b) throw new ConfigError('cut.to', 'must differ from cut.from', to);
    this.sim._net.cut(a, b);
    this.note('cut', `${from}->${to}`);
  }

  /** Undoes cut(from, to); with no arguments undoes every cut(). Partitions and isolations stay. Inverse of cut(). */
  restore(from?: string, to?: string): void {
    if (from === undefined && to === undefined) { this.sim._net.restoreAll(); this.note('restore', 'all'); return; }
    if (from === undefined || to === undefined) throw new ConfigError(from === undefined ? 'restore.from' : 'restore.to', 'is required with the other end (or call restore() for every cut)', undefined);
    this.sim._net.restore(this.slot(from, 'restore.from'), this.slot(to, 'restore.to'));
    this.note('restore', `${from}->${to}`);
  }

  /** Cuts a member off from everyone, both ways. Inverse: heal(). */
  isolate(member: string): void { this.sim._net.isolate(this.slot(member, 'isolate')); this.note('isolate', member); }

  /**
   * Restores every link to and from `member` whatever cut it (isolate, partition, one-way cut), as
   * `iptables -F` on its host would; with no argument restores every link of every member. Frozen
   * or crashed servers stay so (thaw/restart). Inverse of isolate().
   */
  heal(member?: string): void {
    this.sim._net.heal(member === undefined ? undefined : this.slot(member, 'heal'));
    this.note('heal', member ?? 'all');
  }

  /** Stops a process (SIGSTOP): no sends, receives or timers. Inverse: thaw(). */
  freeze(member: string): void {
    const s = this.slot(member, 'freeze');
    if (this.sim._net.running[s] === 0) throw new ConfigError('freeze', 'names a member whose server is not running', member);
    if (this.sim._net.frozen[s] === 1) throw new ConfigError('freeze', 'names a member that is already frozen (thaw it first)', member);
    this.sim._freeze(s);
    this.note('freeze', member);
  }

  /** Resumes a frozen process. Inverse of freeze(). */
  thaw(member: string): void {
    const s = this.slot(member, 'thaw');
    if (this.sim._net.frozen[s] === 0) throw new ConfigError('thaw', 'names a member that is not frozen', member);
    this.sim._thaw(s);
    this.note('thaw', member);
  }

  /** Kills a server process. Inverse: restart(). */
  crash(member: string): void {
    const s = this.slot(member, 'crash');
    if (this.sim._net.running[s] === 0) throw new ConfigError('crash', 'names a member whose server is not running', member);
    this.sim._stopServer(s, true);
    this.note('crash', member);
  }

  /** Starts a crashed or aborted server: a new incarnation that joins through start_on_boot. Inverse of crash(). */
  restart(member: string): void {
    const s = this.slot(member, 'restart');
    if (this.sim._net.running[s] === 1) throw new ConfigError('restart', 'names a member whose server is running (crash it first)', member);
    if (this.sim.removed[s] === 1) throw new ConfigError('restart', 'names a member removed from the simulation (removeMember)', member);
    this.sim._net.startProcess(s);
    // What SET GLOBAL changed is lost with the old process; SET PERSIST values stay.
    this.sim._bootOptionsBack(s);
    // A new mysqld process: GCS statistics and the plugin's pipeline statistics start from zero.
    this.sim._failureSuspicions[s]!.clear();
    this.sim._pipeline.restartModules(s);
    this.sim._gr(s).startOnBoot();
    this.note('restart', member);
  }

  /** Sets latency, jitter or loss on links from → to (every link when none given). */
  setLinkProfile(profile: Partial<LinkProfile>, links?: readonly (readonly [string, string])[]): void {
    if (profile === null || typeof profile !== 'object' || Array.isArray(profile)) {
      throw new ConfigError('linkProfile', 'must be an object { latencyUs, jitterUs, loss }', profile);
    }
    for (const key of Object.keys(profile)) {
      if (key !== 'latencyUs' && key !== 'jitterUs' && key !== 'loss') {
        throw new ConfigError(`linkProfile.${key}`, 'is not a known field; known fields are latencyUs, jitterUs, loss', (profile as Record<string, unknown>)[key]);
      }
    }
    validateLinkProfile(profile, 'linkProfile');
    if (links !== undefined && !Array.isArray(links)) throw new ConfigError('links', 'must be an array of [from, to] member-name pairs', links);
    const pairs = links?.map((link: unknown, k) => {
      if (!Array.isArray(link) || link.length !== 2) throw new ConfigError(`links[${k}]`, 'must be a [from, to] pair of member names', link);
      const a = this.slot(link[0], `links[${k}][0]`), b = this.slot(link[1], `links[${k}][1]`);
      if (a === b) throw new ConfigError(`links[${k}][1]`, `must differ from links[${k}][0] (a member has no link to itself)`, link[1]);
      return [a, b] as const;
    });
    this.sim._net.setLinkProfile(profile, pairs);
    this.note('linkProfile', JSON.stringify({ profile, links: links ?? 'all' }));
  }
}

/** Options accepted by runUntil. */
export interface RunUntilOptions {
  /** Stop at this virtual time (µs or a duration string from now) even if the predicate never held. */
  readonly limit: number | string;
}

/** A running simulation of one GR group; create it with createSimulation(). */
export class Simulation {
  readonly seed: string;
  readonly version: VersionProfile;
  readonly startEpochUs: number;
  readonly trace: SimEvent[] = [];
  /** Most events the trace may hold (SimulationOptions.maxTraceEvents). */
  readonly maxTraceEvents: number;
  /** Where the events go instead of `trace` (SimulationOptions.traceSink); null: `trace` keeps them. */
  private readonly traceSink: ((event: SimEvent) => void) | null;
  /** Event types the trace (or traceSink) does not take (SimulationOptions.untracedEventTypes). */
  private readonly untraced: ReadonlySet<SimEventType>;
  /** Whether `cache` events are traced: when not, they are built only for a listener. */
  private readonly tracesCache: boolean;
  readonly writes: WriteRecord[] = [];
  readonly network: NetworkControl;
  /** The group at virtual time zero: mode, installed view id and each member's failure-handling options (for runRecordOf). */
  readonly atStart: RunStart;
  /** Servers addMember added during the run, with their options when they joined (for runRecordOf). */
  readonly addedMembers: RunMember[] = [];
  /** @internal */ readonly _servers: ServerIdentity[];
  /** Slots in use: the members given plus those addMember added (spare slots follow). */
  private provisioned: number;
  private readonly initialCount: number;
  /** @internal Per slot: 1 once removeMember took the server out for good. */
  readonly removed: Uint8Array;
  /**
   * Per slot, the options a new mysqld process of that server starts with: its configuration plus
   * what SET PERSIST / SET PERSIST_ONLY wrote (mysqld-auto.cnf). A restart puts them back; what a
   * plain SET GLOBAL changed is lost with the process (sql/persisted_variable.cc,
   * Persisted_variables_cache::set_variable is the only writer of that file).
   */
  private readonly bootOptions: GroupReplicationOptions[] = [];
  /** Names, hosts and addresses of every server so far (addMember checks against them). */
  private readonly taken: TakenIdentities = { names: new Set(), hosts: [], addresses: [] };
  private readonly idRng: RandomStream;
  private readonly groupOptions: GroupReplicationOptions;
  /** @internal */ readonly _net: Network;
  /** @internal */ readonly _counters: SuspicionCounters[];
  /**
   * @internal Per observer, suspicions of members it created per suspect since its server started:
   * the GCS statistics manager's count per node address behind MEMBER_FAILURE_SUSPICIONS_COUNT.
   */
  readonly _failureSuspicions: Map<number, number>[];
  /** @internal Pipeline statistics behind replication_group_member_stats. */
  readonly _pipeline: PipelineStats;
  private readonly flowControl: FlowControlStats;
  private readonly kernel = new Kernel();
  private readonly emitter = new EventEmitter();
  /**
   * Whether any listener is registered (on/off keep it). Most runs have none; the emitter's own
   * listenerCount builds its prefixed key string on every call, which cost the idle group about
   * 1.5 % of its CPU time at two calls per cache event.
   */
  private listening = false;
  private readonly xcom: XcomCluster;
  private readonly gcsNodes: GcsNode[] = [];
  private readonly grMembers: GrMember[] = [];
  private readonly handles: MemberHandle[];
  private readonly params: ModelParameters;
  private readonly ctx: GrContext;
  private readonly tasks: ((() => void) | undefined)[] = [];
  private readonly taskFree: number[] = [];
  private readonly taskSlot: number[] = [];
  private readonly taskEpoch: number[] = [];
  private readonly deferredTasks: number[][];
  private readonly hTask: number;
  private readonly incarnations: number[];
  private writeSeq = 0;
  /** @internal */ readonly workload: WorkloadDriver;
  /** group_replication_group_name: the uuid of the group's GTIDs (`<groupName>:<n>`). */
  readonly groupName!: string;
  /** The XCom group id as XCom prints synodes (hex), derived from the view id. */
  private readonly xcomGroupIdHex: string;
  /** The steady check of SimulationOptions.stretch, null when it is off. */
  private readonly steady: SteadyGroupCheck | null;
  /** The replay of whole steady seconds (with the stretch switch on). */
  private readonly replay: SteadyReplay | null;
  /**
   * Whether a stretch runs in which the GCS and GR delivery of a flow-control statistics message
   * is skipped when it changes nothing: the member holds the sender's latest copy already
   * (PipelineStats.receiveChangesNothing; its own message is never stored). The rest of that
   * delivery changes nothing either there: the steady check found every member's GCS at rest (no
   * leave asked for, so `deliverData` passes the message on; no global view pending, so it is not
   * buffered), the stretch folds only if every member's GCS had its cache's last removed slot
   * already (what `deliverData` sets), and a folded delivery sets that slot as `deliverData` would
   * (a cache that evicts steadily moves it at every learn), or, in a replay, which skips the
   * upcall, at its end (settleFoldedLastRemoved); and a stretch ends before any foreign event, the
   * only cause of a stop, a leave or a view change in a steady group.
   */
  private foldStatsDelivery = false;
  /** Network.setSteadyReceiver's receiver inside a stretch: XCom's receipt of a learn sent in place. */
  private readonly steadyLearnReceiver = (msg: number): void => this.xcom.receiveLearnSteady(msg);
  /** What the stretch switch found at its checks (SimulationOptions.stretch). */
  /** Steady checks in a row that found the group unsteady (runTo's waits between checks). */
  private unsteadyChecks = 0;
  private readonly stretchCounts: StretchStats = { checks: 0, steady: 0, orderFixed: 0, stretchedUs: 0, replayedUs: 0, jumpedUs: 0, orderRefusals: {}, refusals: {} };

  /** @internal Use createSimulation(). */
  constructor(input: SimulationOptions) {
    if (input === null || typeof input !== 'object') throw new ConfigError('options', 'must be an object', input);
    const known = new Set(['seed', 'members', 'mode', 'bootstrap', 'bootstrapTime', 'version', 'options', 'network', 'start', 'model', 'initialViewNumber', 'workload', 'maxTraceEvents', 'spareServers', 'traceSink', 'untracedEventTypes', 'stretch']);
    for (const k of Object.keys(input)) if (!known.has(k)) throw new ConfigError(k, `is not a known field; known fields are ${[...known].join(', ')}`, (input as unknown as Record<string, unknown>)[k]);
    if (!((typeof input.seed === 'number' && Number.isSafeInteger(input.seed)) || (typeof input.seed === 'string' && input.seed.length > 0))) {
      throw new ConfigError('seed', `is required and must be ${SEED_FORMS}`, input.seed);
    }
    if (typeof input.seed === 'string') checkLabel(input.seed, 'seed');
    this.seed = String(input.seed);
    this.maxTraceEvents = validateMaxTraceEvents(input.maxTraceEvents ?? DEFAULT_MAX_TRACE_EVENTS, 'maxTraceEvents');
    if (input.traceSink !== undefined && typeof input.traceSink !== 'function') throw new ConfigError('traceSink', 'must be a function taking each trace event', input.traceSink);
    this.traceSink = input.traceSink ?? null;
    const untraced = input.untracedEventTypes ?? [];
    if (!Array.isArray(untraced) || untraced.some((t) => !(EVENT_TYPES as readonly unknown[]).includes(t))) {
      throw new ConfigError('untracedEventTypes', `must be an array of event types (${EVENT_TYPES.join(', ')})`, untraced);
    }
    this.untraced = new Set(untraced);
    this.tracesCache = !this.untraced.has('cache');
    if (input.stretch !== undefined && typeof input.stretch !== 'boolean') throw new ConfigError('stretch', 'must be true or false', input.stretch);
    const stretch = input.stretch !== false;
    this.version = versionProfile(input.version ?? '8.0.21');
    const mode = validateMode(input.mode);
    this.startEpochUs = parseStart(input.start);
    this.params = resolveModelParameters(input.model);
    const netOptions = resolveNetworkOptions(input.network);
    const initialView = input.initialViewNumber ?? 2;
    if (!Number.isInteger(initialView) || initialView < 1) throw new ConfigError('initialViewNumber', 'must be an integer ≥ 1', initialView);
    if (!Array.isArray(input.members) || input.members.length < 1 || input.members.length > MAX_GROUP_SIZE) {
      throw new ConfigError('members', `must be an array of 1..${MAX_GROUP_SIZE} members (GR's maximum group size)`, input.members);
    }
    const root = new RandomStream(this.seed);
    const idRng = root.fork('identity');
    const groupOptions = groupOptionsFor(this.version, mode, input.options);
    const memberOptions: GroupReplicationOptions[] = [];
    this._servers = packedMap(input.members, (m, i) => {
      const { identity, options } = memberIdentity(m, i, `members[${i}]`, this.taken, this.version, idRng, groupOptions);
      memberOptions.push(options);
      return identity;
    });
    this.idRng = idRng;
    this.groupOptions = groupOptions;
    this.provisioned = this._servers.length;
    this.initialCount = this._servers.length;
    const spares = validateSpareServers(input.spareServers ?? 0, this._servers.length);
    for (let k = 0; k < spares; k++) {
      this._servers.push(spareIdentity(this._servers.length, this.version));
      memberOptions.push({ ...groupOptions });
    }
    const initial = this._servers.slice(0, this.provisioned);
    const uuids = new Set(initial.map((s) => s.uuid));
    if (uuids.size !== initial.length) throw new ConfigError('members', 'must have distinct uuids', initial.map((s) => s.uuid));
    const bootstrapSlot = input.bootstrap === undefined ? 0 : initial.findIndex((s) => s.name === input.bootstrap);
    if (bootstrapSlot < 0) throw new ConfigError('bootstrap', `must name a member (${initial.map((s) => s.name).join(', ')})`, input.bootstrap);
    const n = this._servers.length;
    this._counters = packedMap(this._servers, () => ({ created: 0, cleared: 0, timedOut: 0, expelsRequested: 0 }));
    this._failureSuspicions = packedMap(this._servers, () => new Map<number, number>());
    // The applier queue the stats report is the GTID applier's (src/gr/transactions.ts); the
    // certifier's stable set and last conflict-free GTID are not modelled (no certification).
    this._pipeline = new PipelineStats(this._servers.length, {
      waitingApply: (slot) => this.grMembers[slot]?.tx.remoteInApplierQueue(this.kernel.nowUs) ?? 0,
      committedAllMembers: () => '',
      lastConflictFree: () => '',
    });
    this.incarnations = packedMap(this._servers, () => FIRST_INCARNATION);
    this.deferredTasks = packedMap(this._servers, (): number[] => []);
    this._net = new Network(this.kernel, root.fork('network'), n, netOptions);
    this.removed = new Uint8Array(n);
    // A spare server does not run until addMember starts it.
    for (let slot = this.provisioned; slot < n; slot++) this._net.stopProcess(slot);
    this.hTask = this.kernel.register('sim.task', (id) => this.runTask(id));
    const emit = (e: SimEvent): void => this._emit(e);
    const name = (s: number): string => this._servers[s]!.name;
    const workloadItems = normalizeWorkload(input.workload, initial.map((s) => s.name));
    this.xcom = new XcomCluster(this.kernel, this._net, root.fork('xcom'), this.params, {
      localView: (i, alive, cfg) => this.gcsNodes[i]!.enqueueView(false, alive, cfg),
      globalView: (i, alive, cfg, index) => this.gcsNodes[i]!.enqueueView(true, alive, cfg, index),
      execute: (i, entry) => {
        // Inside a stretch (foldStatsDelivery) a statistics message whose copy the member holds
        // already changes nothing above XCom: see foldStatsDelivery.
        if (this.foldStatsDelivery && entry.payload === FLOW_CONTROL_STATS_PAYLOAD && ((this.statsUnchanged(entry) >>> i) & 1) === 1) {
          // What deliverData would still change: the last removed slot of a cache that evicts.
          this.gcsNodes[i]!.cacheLastRemoved = this.xcom.caches[i]!.lastRemovedSlot;
          return;
        }
        // deliver_to_app hands GCS cache_get_last_removed with every data message.
        this.gcsNodes[i]!.deliverData(entry, this.xcom.caches[i]!.lastRemovedSlot);
      },
      died: (i, entry) => {
        const cfg = this.xcom.config[i];
        const m = gcsMsg('ERROR', gcsText.tooFarAhead(cfg === null || cfg === undefined ? 0 : cfg.nodes.indexOf(i), this.xcomGroupIdHex, entry.firstMsgno, 0));
        emit({ type: 'log', t: this.kernel.nowUs, member: name(i), level: m.level, code: m.code, message: m.message });
        this.xcom.consensus.requestOwnRemoval(i);
        // terminate_and_exit stops XCom whatever GR then does with the expel upcall.
        this.xcom.stop(i, 'XCom exited: the group is too far ahead');
        this.grMembers[i]!.onXcomExited();
      },
      cacheChanged: (i, bytes, peakBytes, slots, freedSlots, limitBytes) => {
        if (!this.tracesCache && (!this.listening || this.emitter.listenerCount('cache') === 0)) return;
        emit({ type: 'cache', t: this.kernel.nowUs, member: name(i), bytes, peakBytes, count: slots, evicted: freedSlots, limit: limitBytes });
      },
      configActivated: (i, cfg) => emit({
        type: 'config', t: this.kernel.nowUs, member: name(i), action: 'installed', nodes: cfg.nodes.map(name),
        configId: cfg.id, incarnations: [...cfg.incarnations],
      }),
      exited: (i) => this.grMembers[i]!.onXcomExited(),
      connection: (from, to, up, reason) => emit({ type: 'connection', t: this.kernel.nowUs, from: name(from), to: name(to), up, reason }),
      pingShutdown: (i, peer) => {
        const p = this._servers[peer]!;
        const m = gcsMsg('Warning', gcsText.shuttingDownOutgoing(`${p.host}:${p.xcomPort}`));
        emit({ type: 'log', t: this.kernel.nowUs, member: name(i), level: m.level, code: m.code, message: m.message });
      },
    }, EVENT_HORIZON_MIN, memberOptions.map((o) => o.group_replication_message_cache_size), this.version.wakeupDelayCap, this.version.dialBackoff);
    // Not a function literal assigned to the property, which V8 would allocate in the old
    // generation (test/sim/pretenured-closures.test.ts).
    const onNetworkChange = (): void => {
      this.xcom.networkChanged();
      for (let i = 0; i < n; i++) this.xcom.consensus.retryPending(i);
    };
    this._net.onChange = onNetworkChange;
    // A joiner's fresh view id: the system time in 100 ns units plus rand() % 1000
    // (Gcs_xcom_state_exchange::state_exchange), from a stream of its own so that no other draw moves.
    const viewIdRng = root.fork('viewIds');
    const exchanges = new StateExchanges(
      (slot) => `${this._servers[slot]!.host}:${this._servers[slot]!.xcomPort}`,
      () => String(BigInt(this.startEpochUs + this.kernel.nowUs) * 10n + BigInt(viewIdRng.int(1000))),
      () => { for (const g of this.gcsNodes) g.checkExchange(); },
    );
    const gcsHandlers = {
      view: this.kernel.register('gcs.view', (slot) => this.gcsNodes[slot]!.onViewTimer()),
      thread: this.kernel.register('gcs.suspicionsThread', (arg) => this.gcsNodes[arg & 15]!.onThreadTimer(arg)),
      install: this.kernel.register('gcs.install', (arg) => this.gcsNodes[arg & 15]!.onInstallTimer(arg)),
      exchange: this.kernel.register('gcs.exchange', (arg) => this.gcsNodes[arg & 15]!.onExchangeTimer(arg)),
    };
    for (let i = 0; i < n; i++) {
      this.gcsNodes.push(new GcsNode(i, this.kernel, this.xcom, this.params, {
        onSuspicions: (slot, members, unreachable) => this.grMembers[slot]!.onSuspicions(members, unreachable),
        onViewChanged: (slot, view, left, joined) => this.grMembers[slot]!.onViewChanged(view, left, joined),
        suspicion: (slot, suspect, action, nonMember) => {
          const c = this._counters[slot]!;
          if (action === 'created') {
            c.created++;
            // The statistics count suspicions of members only (docs/mysql-behaviour.md §G7).
            if (!nonMember) {
              const counts = this._failureSuspicions[slot]!;
              counts.set(suspect, (counts.get(suspect) ?? 0) + 1);
            }
          }
          else if (action === 'cleared') c.cleared++;
          else if (action === 'timedOut') c.timedOut++;
          else c.expelsRequested++;
          emit({ type: 'suspicion', t: this.kernel.nowUs, member: name(slot), suspect: name(suspect), action, nonMember });
        },
        data: (slot, entry) => {
          if (entry.kind === 'load') {
            const batch = entry.payload as LoadBatch, member = this.grMembers[slot]!;
            this._pipeline.delivered(slot, entry.proposer, batch.transactions);
            const commits = member.onLoadBatch(entry, batch.transactions, batch.submittedSumUs);
            if (entry.proposer === slot) {
              if (commits) this.workload.committed(slot, batch.transactions, batch.submittedSumUs);
              // STOP GROUP_REPLICATION waits for the proposer's workload transactions in flight.
              member.startStop.latchChanged();
            }
          } else this.deliverOtherData(slot, entry);
        },
        messagesEvicted: (slot, suspect) => {
          const p = this._servers[suspect]!;
          const m = gcsMsg('Warning', gcsText.messagesEvicted(`${p.host}:${p.xcomPort}`));
          emit({ type: 'log', t: this.kernel.nowUs, member: name(slot), level: m.level, code: m.code, message: m.message });
        },
        localView: (slot, alive, cfg) => emit({
          type: 'localView', t: this.kernel.nowUs, member: name(slot),
          alive: cfg.nodes.filter((s) => (alive >>> s) & 1).map(name), failed: cfg.nodes.filter((s) => !((alive >>> s) & 1)).map(name),
        }),
      }, exchanges, gcsHandlers, this.version, memberOptions[i]!.group_replication_member_expel_timeout));
    }
    // The view id's fixed part is chosen by the member that bootstrapped the group, in its first
    // state exchange: the system time in 100 ns units plus rand() % 1000 (gcs_xcom_state_exchange.cc,
    // Gcs_xcom_state_exchange::state_exchange with My_xp_util::getsystime); joiners adopt it.
    const bootstrapEpochUs = input.bootstrapTime === undefined ? this.startEpochUs - DEFAULT_GROUP_AGE_US : parseStart(input.bootstrapTime, 'bootstrapTime');
    if (bootstrapEpochUs > this.startEpochUs) throw new ConfigError('bootstrapTime', 'must not be after start', input.bootstrapTime);
    // BigInt: the value (~1.7e16) is past Number's exact integers (2^53), where odd values cannot exist.
    const fixed = BigInt(bootstrapEpochUs) * 10n + BigInt(idRng.int(1000));
    this.xcomGroupIdHex = groupIdHex(String(fixed));
    this.viewIdFixed = String(fixed);
    // group_replication_group_name: drawn from a stream of its own so that no other draw moves.
    const nameRng = root.fork('groupName');
    this.groupName = `${nameRng.hex(8)}-${nameRng.hex(4)}-${nameRng.hex(4)}-${nameRng.hex(4)}-${nameRng.hex(12)}`;
    this.ctx = {
      kernel: this.kernel, params: this.params, xcom: this.xcom, net: this._net, servers: this._servers, emit,
      groupName: this.groupName, channelTerms: this.version.channelTerms, concurrentStartStop: this.version.concurrentStartStop, forceMembersRefusal: this.version.forceMembersRefusal, stoppingLogLevel: this.version.stoppingLogLevel, oldIncarnationLog: this.version.oldIncarnationLog, peerConnectErrorText: this.version.peerConnectErrorText, startEpochUs: this.startEpochUs, mode,
      gcs: (slot) => this.gcsNodes[slot]!,
      member: (slot) => this.grMembers[slot]!,
      later: (slot, delayUs, fn) => this.later(slot, delayUs, fn),
      nextWriteId: () => ++this.writeSeq,
      recordWrite: (w) => { this.writes.push(w); },
      loadCommitted: (slot, tx, sub) => this.workload.committed(slot, tx, sub),
      loadRolledBack: (slot, reason) => this.workload.rollBackWaiting(slot, reason),
      loadWaiting: (slot) => this.workload.waiting(slot),
      nextIncarnation: (slot) => (this.incarnations[slot] = this.incarnations[slot]! + 1),
      shutdownServer: (slot) => this._stopServer(slot, false),
    };
    for (let i = 0; i < n; i++) {
      this.grMembers.push(new GrMember(i, this.ctx, memberOptions[i]!));
      this.bootOptions.push({ ...memberOptions[i]! });
    }
    this.flowControl = new FlowControlStats(this.kernel, this._net, this.xcom, {
      state: (slot) => this.grMembers[slot]!.state,
      periodSeconds: (slot) => this.grMembers[slot]!.opts.group_replication_flow_control_period,
      tableMask: (observer) => this.grMembers[observer]!.table.mask,
    }, root.fork('flowControlStats'), this._pipeline, this.params.flowControlStatsTraffic === 1);
    const payloadRules = packedMap(this._servers, () => ({ compressionThreshold: 0, maxMessageSize: 0, transactionSizeLimit: 0 }));
    this.workload = new WorkloadDriver(this.kernel, root.fork('workload'), this.params.loadTickUs, workloadItems, (m) => this._slotOf(m, 'workload'), packedMap(this._servers, (s) => s.name), {
      // Closed-loop clients also wait while their AFTER commits wait for acknowledgements.
      outstanding: (slot) => this.xcom.consensus.outstandingTransactions(slot) + this.grMembers[slot]!.consistency.batchTransactionsWaiting,
      xcomIncarnation: (slot) => this.xcom.incarnation[slot]!,
      decisionDelayUs: (slot) => this.xcom.consensus.decisionDelayUs(slot),
      emit,
      writeRefusal: (slot) => this.grMembers[slot]!.writeRefusal(),
      queue: (slot, tx, messages, bytes, sub) => this.xcom.consensus.queueLoad(slot, tx, messages, bytes, sub),
      queued: (slot, delayUs) => this.xcom.consensus.runQueuedLoad(slot, delayUs),
      rules: (slot) => {
        // One object per member, refreshed in place: this runs every load tick.
        const o = this.grMembers[slot]!.opts, r = payloadRules[slot]!;
        r.compressionThreshold = o.group_replication_compression_threshold;
        r.maxMessageSize = o.group_replication_communication_max_message_size;
        r.transactionSizeLimit = o.group_replication_transaction_size_limit;
        return r;
      },
      transactionsTooLarge: (slot, count, bytes, limit, logIt) => {
        this._pipeline.localRefusedForSize(slot, count);
        if (logIt) this.grMembers[slot]!.transactionTooLarge(bytes, limit);
      },
    });
    // Exact at any time (the kernel's own test decides each one), so on whenever the switch is.
    this.xcom.consensus.learnsInPlace = stretch;
    const periodicHandlers = {
      alive: this.kernel.handlerIdOf('xcom.alive'), detector: this.kernel.handlerIdOf('xcom.detector'),
      gcsThread: gcsHandlers.thread, flowControlStats: this.kernel.handlerIdOf('gr.flowControlStats'),
    };
    this.steady = !stretch ? null : new SteadyGroupCheck({
      kernel: this.kernel, net: this._net, xcom: this.xcom, gcs: (slot) => this.gcsNodes[slot]!, gr: (slot) => this.grMembers[slot]!,
      handlers: periodicHandlers, statsTraffic: this.params.flowControlStatsTraffic === 1,
    });
    this.replay = this.steady === null ? null : new SteadyReplay({
      kernel: this.kernel, xcom: this.xcom, gcs: (slot) => this.gcsNodes[slot]!, flowControlStats: this.flowControl, handlers: periodicHandlers,
      decided: this.kernel.handlerIdOf('consensus.decided'),
      statsFolded: (entry) => (this.foldStatsDelivery && entry.payload === FLOW_CONTROL_STATS_PAYLOAD ? this.statsUnchanged(entry) : 0),
    }, this.steady);
    this.handles = packedMap(this._servers, (s) => new MemberHandle(this, s.slot));
    this.provisionedHandles = this.handles.slice(0, this.provisioned);
    this.network = new NetworkControl(this);
    this.initialView = initialView;
    this.atStart = {
      mode, viewId: `${fixed}:${initialView}`,
      members: initial.map((s, i) => {
        const o = memberOptions[i]!;
        return {
          name: s.name, host: s.host, port: s.port,
          options: startOptionsOf(o),
        };
      }),
    };
    this.bootstrap(mode, bootstrapSlot);
  }

  /**
   * Forms the group at time zero: every member ONLINE in the initial view. In single-primary mode
   * the primary is the member that bootstrapped the group, not the one an election by weight and
   * uuid would pick: the first member elects itself, and an existing primary is kept when the
   * others join (primary_election_handler.cc, Primary_election_handler::pick_primary_member).
   */
  /**
   * GCS delivered a data message that is not a workload batch (an application message, a flow
   * control statistics message, a group message). Apart from the batch's upcall, which a loaded
   * group runs at every delivery, so that V8 does not compile these steps into it.
   */
  private deliverOtherData(slot: number, entry: LogEntry): void {
    if (entry.kind === 'app') {
      this._pipeline.delivered(slot, entry.proposer, 1);
      this.grMembers[slot]!.onAppMessage(entry);
    } else if (entry.payload === FLOW_CONTROL_STATS_PAYLOAD) this.flowControl.onDelivered(slot, entry.proposer);
    else this.grMembers[slot]!.onGroupMessage(entry);
  }

  private bootstrap(mode: GroupMode, bootstrapSlot: number): void {
    const n = this.provisioned;
    const slots = packedMap(this._servers.slice(0, n), (s) => s.slot);
    const config = makeConfig(1, slots, this.incarnations.slice(0, n));
    this.xcom.consensus.bootstrap(config);
    // Not a function literal assigned to the property, which V8 would allocate in the old
    // generation (test/sim/pretenured-closures.test.ts).
    const onAdmitted = (slot: number, entry: LogEntry): void => this.grMembers[slot]!.joinerAdmitted(entry);
    this.xcom.consensus.onAdmitted = onAdmitted;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) this.xcom.markConnected(i, j);
    for (let i = 0; i < n; i++) this.xcom.boot(i, config, this.incarnations[i]!, 0, true);
    const view: GcsView = { members: config.nodes, incarnations: config.incarnations, mask: config.mask, fixed: this.viewIdFixed, number: this.initialView };
    const primary = mode === 'single-primary' ? bootstrapSlot : -1;
    for (let i = 0; i < n; i++) {
      this.gcsNodes[i]!.start(view);
      this.grMembers[i]!.bootstrapOnline(view, primary);
    }
  }

  private initialView = 2;
  /** The fixed part of the bootstrapped group's view id. */
  private viewIdFixed = '';

  // ---------------------------------------------------------------- tasks (GR threads) on the kernel

  private later(slot: number, delayUs: number, fn: () => void): void {
    const id = this.taskFree.length > 0 ? this.taskFree.pop()! : this.tasks.length;
    this.tasks[id] = fn;
    this.taskSlot[id] = slot;
    this.taskEpoch[id] = this._net.epoch[slot]!;
    this.kernel.schedule(Math.max(0, Math.floor(delayUs)), this.hTask, id, PRIORITY.timer);
  }

  private runTask(id: number): void {
    const fn = this.tasks[id];
    const slot = this.taskSlot[id]!;
    if (fn === undefined) throw new InvariantError(`task ${id} ran twice`);
    if (this._net.running[slot] === 0 || this._net.epoch[slot] !== this.taskEpoch[id]) {
      this.freeTask(id);
      return;
    }
    if (this._net.frozen[slot] === 1) {
      this.deferredTasks[slot]!.push(id);
      return;
    }
    this.freeTask(id);
    fn();
  }

  /**
   * @internal Runs `fn` once `slot`'s mysqld is thawed (at once, in its own event, if it is not
   * frozen); dropped if the server crashes or restarts first.
   */
  _whenThawed(slot: number, fn: () => void): void {
    this.later(slot, 0, fn);
  }

  private freeTask(id: number): void {
    this.tasks[id] = undefined;
    this.taskFree.push(id);
  }

  /** @internal The server's process stops (SIGSTOP): no sends, receives or timers, and its applier applies nothing. */
  _freeze(slot: number): void {
    this._net.freeze(slot);
    this._gr(slot).tx.freeze(this.kernel.nowUs);
  }

  /** @internal */
  _thaw(slot: number): void {
    this._net.thaw(slot);
    this._gr(slot).tx.thaw(this.kernel.nowUs);
    this.xcom.thawed(slot);
    const ids = this.deferredTasks[slot]!;
    this.deferredTasks[slot] = [];
    for (const id of ids) this.kernel.schedule(0, this.hTask, id, PRIORITY.timer);
  }

  /** @internal Crash (true) or shutdown by ABORT_SERVER (false). */
  _stopServer(slot: number, crash: boolean): void {
    this._net.stopProcess(slot);
    this.xcom.stop(slot, crash ? 'crashed' : 'shutdown');
    this.gcsNodes[slot]!.stop();
    if (crash) this.grMembers[slot]!.crashed();
    else this.grMembers[slot]!.serverShutDown();
  }

  // ---------------------------------------------------------------- internals used by handles

  /** @internal */ _gr(slot: number): GrMember { return this.grMembers[slot]!; }
  /** @internal */ _gcs(slot: number): GcsNode { return this.gcsNodes[slot]!; }

  /** @internal */
  _emit(e: SimEvent): void {
    if (e.type === 'stateChange' && e.observer === e.member) this.selfStateChanged(e.member, e.state);
    if (this.untraced.size === 0 || !this.untraced.has(e.type)) {
      if (this.traceSink !== null) this.traceSink(e);
      else {
        if (this.trace.length >= this.maxTraceEvents) this.traceFull();
        this.trace.push(e);
      }
    }
    if (this.listening && this.emitter.listenerCount(e.type) > 0) this.emitter.emit(e.type, e);
  }

  /** Each member's own state as it last showed it (for selfStateChanged). */
  private readonly selfStates = new Map<string, string | null>();

  /** A member that starts recovering has just started its plugin modules (START, auto-rejoin). */
  private selfStateChanged(member: string, state: string | null): void {
    const before = this.selfStates.get(member);
    this.selfStates.set(member, state);
    if (state === 'RECOVERING' && before !== 'RECOVERING') this._pipeline.restartModules(this._slotOf(member, 'member'));
  }

  /**
   * Stops the run for good: the event in progress is left half-applied, so every later call to
   * run the simulation throws the same error (the trace and the state up to now stay readable).
   */
  private traceFull(): never {
    this.stopped = new ConfigError('maxTraceEvents',
      `was reached at ${(this.kernel.nowUs / 1e6).toFixed(6)} s of virtual time: the run keeps its whole trace in memory and stops before it outgrows the bound; ` +
      'shorten the run or its workload (every cache change and workload second is an event), or raise maxTraceEvents', this.maxTraceEvents);
    throw this.stopped;
  }

  /** Set when the run stopped at the trace limit: nothing may run after it. */
  private stopped: ConfigError | null = null;
  /** Whether runFor/runUntil is on the stack (a callback may not run the simulation again). */
  private running = false;

  /** Checks that the simulation may run now: not stopped at the trace limit, not from inside a callback. */
  private enterRun(method: string): void {
    if (this.stopped !== null) throw this.stopped;
    if (this.running) {
      throw new ConfigError(method, 'cannot be called while the simulation runs (from an at() callback or an on() listener); schedule later work with at()', method);
    }
  }

  /** Virtual time `us` as a bounded run end: at most MAX_VIRTUAL_TIME_US (7 days) from time zero. */
  private boundedEnd(us: number, field: string, value: unknown): number {
    if (us > MAX_VIRTUAL_TIME_US) {
      throw new ConfigError(field, `must not take the simulation past ${MAX_VIRTUAL_TIME_US / 86_400_000_000} days of virtual time (runs are bounded; now ${this.kernel.nowUs} µs)`, value);
    }
    return us;
  }

  /** @internal */
  _cache(slot: number): MessageCache {
    return this.xcom.caches[slot]!;
  }

  /** @internal The nodes of the XCom configuration `slot` runs in, or null while its XCom does not run. */
  _xcomNodes(slot: number): readonly number[] | null {
    const cfg = this.xcom.config[slot];
    return this.xcom.booted[slot] === 1 && cfg !== null && cfg !== undefined ? cfg.nodes : null;
  }

  /** @internal */
  _queuedTransactions(slot: number): number {
    return this.xcom.consensus.queuedTransactions(slot);
  }

  /** @internal */
  _slotOf(name: unknown, field: string): number {
    for (let slot = 0; slot < this.provisioned; slot++) if (this._servers[slot]!.name === name) return slot;
    throw new ConfigError(field, `must name a member (${this._servers.slice(0, this.provisioned).map((x) => x.name).join(', ')})`, name);
  }

  /** @internal */
  _setOption(slot: number, name: unknown, value: unknown, scope: SetScope = 'GLOBAL'): UdfResult {
    if (typeof name !== 'string' || !isOptionName(name)) {
      throw new ConfigError('option', `must be one of ${OPTION_NAMES.join(', ')}`, name);
    }
    if (!(SET_SCOPES as readonly unknown[]).includes(scope)) throw new ConfigError('scope', `must be one of ${SET_SCOPES.join(', ')}`, scope);
    const gr = this.grMembers[slot]!;
    const v = validateOption(name, value, this.version, name);
    if (name === 'group_replication_single_primary_mode') {
      throw new ConfigError(name, 'cannot be changed while Group Replication is running; use switchToSinglePrimaryMode()/switchToMultiPrimaryMode()', value);
    }
    if (scope === 'PERSIST_ONLY') {
      // Only the file the next mysqld reads changes; the running value and its checks are untouched.
      (this.bootOptions[slot] as unknown as Record<string, unknown>)[name] = v;
      return { ok: true };
    }
    if (name === 'group_replication_autorejoin_tries' && gr.autorejoin.running) {
      throw new ConfigError(name, 'cannot be changed while an auto-rejoin is running (MySQL: "Cannot update the number of auto-rejoin retry attempts when an auto-rejoin process is already running.")', value);
    }
    const store = (value: string | number | boolean): void => {
      (gr.opts as unknown as Record<string, unknown>)[name] = value;
      // SET PERSIST writes the value that the statement stored (a forcing SET's, once its view came).
      if (scope === 'PERSIST') (this.bootOptions[slot] as unknown as Record<string, unknown>)[name] = value;
      this._emit({ type: 'option', t: this.kernel.nowUs, member: this._servers[slot]!.name, name, value: value as string | number });
    };
    if (name === 'group_replication_force_members') return gr.forceMembers.set(v as string, store);
    this.optionTakesEffect(slot, name, v);
    store(v);
    if (name === 'group_replication_consistency') gr.consistency.globalLevelSet();
    return { ok: true };
  }

  /** Hands a new value to the parts that keep their own copy of an option (GCS's expel timeout, XCom's cache limit). */
  private optionTakesEffect(slot: number, name: OptionName, value: unknown): void {
    if (name === 'group_replication_member_expel_timeout') this.gcsNodes[slot]!.setExpelTimeout(value as number);
    if (name === 'group_replication_message_cache_size') this.xcom.setCacheLimit(slot, value as number);
  }

  /**
   * @internal A new mysqld process of `slot` starts: every option goes back to the value it boots
   * with (its configuration and what SET PERSIST wrote), and each one that differs from what the
   * old process ran with shows as an `option` event marked `atBoot`.
   */
  _bootOptionsBack(slot: number): void {
    const gr = this.grMembers[slot]!;
    const running = gr.opts as unknown as Record<string, unknown>;
    const boot = this.bootOptions[slot] as unknown as Record<string, unknown>;
    for (const name of OPTION_NAMES) {
      const v = boot[name];
      if (running[name] === v) continue;
      this.optionTakesEffect(slot, name, v);
      running[name] = v;
      this._emit({ type: 'option', t: this.kernel.nowUs, member: this._servers[slot]!.name, name, value: v as string | number, atBoot: true });
      if (name === 'group_replication_consistency') gr.consistency.globalLevelSet();
    }
  }

  /**
   * @internal A topology UDF run on `slot`: its init function's checks, then unless `checkOnly`
   * its body. `target`: the slot its uuid argument names (-1: no member of the group's), undefined
   * without one. The statement engine checks alone first, to make the body's own argument checks
   * (set_as_primary's running_transactions_timeout range) between the two as MySQL does.
   */
  _udf(slot: number, udf: TopologyUdf, target: number | undefined, checkOnly = false): TopologyUdfResult {
    const gr = this.grMembers[slot]!;
    if (udf === 'set_as_primary') return checkOnly ? checkSetAsPrimary(gr, target ?? -1) : setAsPrimary(gr, target ?? -1);
    const check = gr.checkTopologyUdf(target);
    if (!check.ok || checkOnly) return check;
    const mode: GroupMode = udf === 'switch_to_single_primary_mode' ? 'single-primary' : 'multi-primary';
    // Each switch's body first answers a group already in that mode, and does nothing else
    // (udf_single_primary.cc group_replication_switch_to_single_primary_mode, udf_multi_primary.cc
    // group_replication_switch_to_multi_primary_mode).
    if (this.ctx.mode === mode) {
      return { ok: true, message: mode === 'multi-primary' ? ALREADY_MULTI_PRIMARY : target === undefined ? ALREADY_SINGLE_PRIMARY : ALREADY_SINGLE_PRIMARY_WITH_UUID };
    }
    // The mode switch actions set group_replication_single_primary_mode on every member
    // (src/group_actions/multi_primary_migration_action.cc, primary_election_action.cc; not in docs/mysql-behaviour.md).
    for (const s of this._servers.slice(0, this.provisioned)) {
      this._emit({ type: 'option', t: this.kernel.nowUs, member: s.name, name: 'group_replication_single_primary_mode', value: mode === 'single-primary' ? 'ON' : 'OFF' });
    }
    this.ctx.mode = mode;
    let p = -1;
    if (mode === 'single-primary') p = target ?? (gr.knownPrimary() >= 0 ? gr.knownPrimary() : slot);
    for (const m of this.grMembers) m.applyTopology(p);
    return { ok: true, message: mode === 'single-primary' ? SWITCHED_TO_SINGLE_PRIMARY : SWITCHED_TO_MULTI_PRIMARY };
  }

  // ---------------------------------------------------------------- public API

  /** Current virtual time in microseconds. */
  get nowUs(): number { return this.kernel.nowUs; }
  /** Kernel events dispatched so far. */
  get eventsDispatched(): number { return this.kernel.eventsDispatched; }
  get mode(): GroupMode { return this.ctx.mode; }
  /** Every server of the run in slot order: the members given, then those addMember added (removed ones stay, not running). */
  get members(): readonly MemberHandle[] { return this.provisionedHandles; }
  /** handles[0, provisioned), kept as one array so that `members` allocates nothing. */
  private provisionedHandles: readonly MemberHandle[] = [];

  /**
   * A new server joins the running group, as an operator provisions one: its mysqld starts and
   * runs START GROUP_REPLICATION, joining through distributed recovery like any START (docs/runbooks.md).
   * It takes a spare server slot (SimulationOptions.spareServers); `spec` is checked like a member
   * of `members` (unique name and address, host defaulting to 10.0.0.<11+slot>). Refused when the
   * group would exceed MySQL's 9 members. Inverse: removeMember().
   */
  addMember(spec: string | MemberSpec): MemberHandle {
    if (this.provisioned >= this._servers.length) {
      throw new ConfigError('addMember', `needs a spare server slot: create the simulation with spareServers ≥ ${this.provisioned - this.initialCount + 1}`, spec);
    }
    let live = 0;
    for (let s = 0; s < this.provisioned; s++) if (this.removed[s] === 0) live++;
    if (live >= MAX_GROUP_SIZE) {
      throw new ConfigError('addMember', `would make ${live + 1} servers in the group; GR's maximum group size is ${MAX_GROUP_SIZE} (a START then fails with MY-011520); remove one first`, spec);
    }
    const slot = this.provisioned;
    const { identity, options } = memberIdentity(spec, slot, 'addMember', this.taken, this.version, this.idRng, this.groupOptions);
    Object.assign(this._servers[slot]!, identity);
    const gr = this.grMembers[slot]!;
    gr.opts = options;
    this.bootOptions[slot] = { ...options };
    gr.consistency.globalLevelSet();
    this.optionTakesEffect(slot, 'group_replication_member_expel_timeout', options.group_replication_member_expel_timeout);
    this.optionTakesEffect(slot, 'group_replication_message_cache_size', options.group_replication_message_cache_size);
    this.provisioned++;
    this.provisionedHandles = this.handles.slice(0, this.provisioned);
    this.addedMembers.push({ name: identity.name, host: identity.host, port: identity.port, options: startOptionsOf(options) });
    this._net.startProcess(slot);
    gr.showOffline();
    gr.emitFlags();
    gr.refresh();
    this._emit({ type: 'network', t: this.kernel.nowUs, action: 'add', detail: `${identity.name} ${identity.host}:${identity.port}` });
    const r = gr.startStop.startCommand();
    if (!r.ok) throw new InvariantError(`a new server's START was refused: ${r.error}`);
    return this.handles[slot]!;
  }

  /**
   * Takes a server out of the group for good: STOP GROUP_REPLICATION (a voluntary leave: a view
   * without it on the others), then its mysqld shuts down once the STOP has finished. It stays in
   * `members` (its logs and history remain) but no verb can start it again. Inverse: addMember().
   */
  removeMember(name: string): void {
    const slot = this._slotOf(name, 'removeMember');
    if (this.removed[slot] === 1) throw new ConfigError('removeMember', 'names a member that was already removed', name);
    this.removed[slot] = 1;
    this._emit({ type: 'network', t: this.kernel.nowUs, action: 'remove', detail: name });
    if (this._net.running[slot] === 0) return;
    const gr = this.grMembers[slot]!;
    // From 8.0.21 a STOP is refused while a client's START or STOP runs (ERROR 3663): the operator
    // issues it again until it is taken, which a START's own 60 s view wait bounds.
    let stopTaken = gr.startStop.stopCommand().ok;
    // The STOP returns once the transactions in flight are done (or killed, STOP_GIVES_UP_WAITING_US),
    // a SET group_replication_force_members it waits behind has returned (up to its 120 s), and the
    // leave view arrives, or GCS gives up (30 s); the server then shuts down.
    let waitedUs = 0;
    const shutdownWhenStopped = (): void => {
      if (!stopTaken) stopTaken = gr.startStop.stopCommand().ok;
      const limitUs = this.params.joinViewTimeoutUs + STOP_GIVES_UP_WAITING_US + FORCE_MEMBERS_VIEW_MODIFICATION_TIMEOUT_US + XCOM_EXIT_WAIT_US + REMOVE_POLL_US;
      if ((!stopTaken || gr.startStop.running()) && waitedUs < limitUs) {
        waitedUs += REMOVE_POLL_US;
        this.later(slot, REMOVE_POLL_US, shutdownWhenStopped);
        return;
      }
      this._stopServer(slot, false);
    };
    shutdownWhenStopped();
  }

  /** The handle of one member, by name. */
  member(name: string): MemberHandle {
    return this.handles[this._slotOf(name, 'member')]!;
  }

  /** Calls `listener` with every trace event of `type` as it is emitted. Inverse: off(). */
  on<K extends SimEventType>(type: K, listener: Listener<K>): this {
    checkListener(type, listener, 'on');
    this.emitter.on(type, listener as (e: SimEvent) => void);
    this.listening = true;
    return this;
  }

  /** Removes a listener added with on(). */
  off<K extends SimEventType>(type: K, listener: Listener<K>): this {
    checkListener(type, listener, 'off');
    this.emitter.off(type, listener as (e: SimEvent) => void);
    this.listening = this.emitter.eventNames().length > 0;
    return this;
  }

  /** Runs `fn` at virtual time `at` (µs or a duration string, absolute from time zero). */
  at(at: number | string, fn: (sim: Simulation) => void): this {
    const t = this.boundedEnd(parseDuration(at, 'at'), 'at', at);
    if (t < this.kernel.nowUs) throw new ConfigError('at', `must not be in the past (now ${this.kernel.nowUs} µs)`, at);
    if (typeof fn !== 'function') throw new ConfigError('at', 'needs a function to run (at(time, (sim) => { ... }))', fn);
    // Slots of callbacks that ran are reused, so a long run of at() calls holds only the pending ones.
    const id = this.userFree.length > 0 ? this.userFree.pop()! : this.userTasks.length;
    this.userTasks[id] = fn;
    this.kernel.scheduleAt(t, this.hUser, id, PRIORITY.control);
    return this;
  }
  private readonly userTasks: (((sim: Simulation) => void) | undefined)[] = [];
  private readonly userFree: number[] = [];
  private readonly hUser = this.kernel.register('sim.user', (id) => {
    const fn = this.userTasks[id];
    if (fn === undefined) throw new InvariantError(`at() callback ${id} ran twice`);
    this.userTasks[id] = undefined;
    this.userFree.push(id);
    fn(this);
  });

  /** Number of at() callbacks scheduled and not yet run. */
  get pendingCallbacks(): number {
    return this.userTasks.length - this.userFree.length;
  }

  /** Advances virtual time by `duration` (µs or a string like "40s"), up to 7 days from time zero. */
  runFor(duration: number | string): this {
    this.enterRun('runFor');
    const d = parseDuration(duration, 'duration');
    const end = this.boundedEnd(this.kernel.nowUs + d, 'duration', duration);
    this.guarded(() => this.runTo(end));
    return this;
  }

  /**
   * Runs every event due by `endUs`. With the stretch switch on (SimulationOptions.stretch) the run
   * checks at its start whether the group is steady (stretchStats). A steady group runs as one
   * stretch up to where the check says it must end (SteadyGroupCheck.stretchEndUs: the next
   * foreign event, the cache's or the trace's room), then is checked again; a group that is not
   * steady runs event by event between checks, which come after waits that double from a second
   * up to UNSTEADY_RECHECK_MAX_US while it stays unsteady (a minute while a cache is at its limit). A
   * stretch whose second has a fixed order (SteadyGroupCheck.secondOrder) is replayed a whole second
   * at a time outside the dispatch loop (SteadyReplay), the rest of it event by event; either way
   * with the learns delivered in place (Consensus.learnsInPlace) and the statistics' GCS and GR
   * delivery skipped where it changes nothing (foldStatsDelivery). ⚠ The replay reduces only the
   * decision block so far; its other items run the handlers' own bodies (docs/speed.md, "Replaying
   * whole steady seconds" and "The replay's decision block").
   */
  private runTo(endUs: number): void {
    const steady = this.steady;
    if (steady === null) {
      this.kernel.runUntil(endUs);
      return;
    }
    const kernel = this.kernel, dispatchedBefore = kernel.eventsDispatched, reservedBefore = kernel.reservedRuns;
    try {
      do {
        const refusal = this._stretchRefusal();
        this.countCheck(refusal);
        const now = kernel.nowUs;
        // A cache at its limit stays there (eviction is not replayed): checked again a minute on.
        // A group found unsteady again and again (a workload, a fault that lasts) is checked less
        // and less often, up to every UNSTEADY_RECHECK_MAX_US: its run goes on in longer pieces.
        if (refusal === null) this.unsteadyChecks = 0;
        else this.unsteadyChecks++;
        const unsteadyUs = refusal === 'cache' && steady.cacheNearLimit() ? CACHE_FULL_RECHECK_US
          : Math.min(UNSTEADY_RECHECK_MAX_US, STEADY_PERIOD_US * 2 ** Math.min(this.unsteadyChecks - 1, 8));
        const stepEnd = Math.min(endUs, refusal === null ? steady.stretchEndUs(this.traceRoom()) : now + unsteadyUs);
        // Whole seconds of the stretch are replayed when the second's order is fixed.
        let replaySeconds = 0;
        if (refusal === null) {
          this.stretchCounts.stretchedUs += stepEnd - now;
          if (steady.secondOrder() >= 0) {
            this.stretchCounts.orderFixed++;
            replaySeconds = Math.floor((stepEnd - now) / STEADY_PERIOD_US);
          } else {
            const why = steady.orderRefusal as OrderRefusal, refused = this.stretchCounts.orderRefusals;
            refused[why] = (refused[why] ?? 0) + 1;
          }
          this.foldStatsDelivery = this.gcsHasLastRemoved();
          // The steady check found every link up and every member running and unfrozen.
          this._net.setSteadyReceiver(this.steadyLearnReceiver);
        }
        try {
          if (replaySeconds > 0) {
            this.stretchCounts.replayedUs += replaySeconds * STEADY_PERIOD_US;
            (this.replay as SteadyReplay).run(replaySeconds);
            if (this.foldStatsDelivery) this.settleFoldedLastRemoved();
          }
          kernel.runUntil(stepEnd);
        } finally {
          this.foldStatsDelivery = false;
          this._net.setSteadyReceiver(null);
        }
      } while (kernel.nowUs < endUs);
    } catch (err) {
      // One kernel run to endUs that threw (the trace bound) would have counted only the events
      // run in place (Kernel.reservedRuns): so does this one, split as it was.
      kernel.eventsDispatched = dispatchedBefore + kernel.reservedRuns - reservedBefore;
      throw err;
    }
  }

  /**
   * The members (bit i: member i) whose GCS and GR delivery of the statistics message `entry`
   * changes nothing now (foldStatsDelivery's test): its proposer, whose own message is never stored,
   * and every observer holding the proposer's latest copy already (PipelineStats.unchangedBy). A
   * delivery changes only its own member's bit, so a decision's learns may read it once
   * (Consensus.decideInReplay).
   */
  private statsUnchanged(entry: LogEntry): number {
    return this._pipeline.unchangedBy(entry.proposer) | (1 << entry.proposer);
  }

  /**
   * After a replay that folded the statistics delivery: every member's GCS takes its cache's last
   * removed slot, as the replay's last delivery to it would have set it. A replay ends at a gap,
   * each member having executed every value it learned (each learn, the only place a steady cache
   * evicts, was followed by its delivery, nothing evicting since); nothing reads the slot in the
   * replay (the suspicions thread reads it only for a suspicion, which a steady group has none of).
   */
  private settleFoldedLastRemoved(): void {
    const consensus = this.xcom.consensus;
    for (let i = 0; i < this.gcsNodes.length; i++) {
      if (consensus.executed[i] !== consensus.logEnd) throw new InvariantError(`steady replay: member ${i} ends a replay with a value it has not executed`);
      this.gcsNodes[i]!.cacheLastRemoved = this.xcom.caches[i]!.lastRemovedSlot;
    }
  }

  /** Whether every member's GCS holds its cache's last removed slot (what deliverData would set it to). */
  private gcsHasLastRemoved(): boolean {
    for (let i = 0; i < this.gcsNodes.length; i++) {
      if (this.gcsNodes[i]!.cacheLastRemoved !== this.xcom.caches[i]!.lastRemovedSlot) return false;
    }
    return true;
  }

  /** How many more events the in-memory trace may take (Infinity with a trace sink). */
  private traceRoom(): number {
    return this.traceSink !== null ? Infinity : this.maxTraceEvents - this.trace.length;
  }

  /** @internal The steady check's answer now (null: steady), as runs with the stretch switch on ask it. */
  _stretchRefusal(): StretchRefusal | null {
    if (this.steady === null) throw new InvariantError('the steady check runs only with SimulationOptions.stretch on');
    return this.steady.refusal(this.listening, this.traceRoom());
  }

  /** Counts one answer of the steady check (null: steady). */
  private countCheck(refusal: StretchRefusal | null): void {
    const c = this.stretchCounts;
    c.checks++;
    if (refusal === null) c.steady++;
    else c.refusals[refusal] = (c.refusals[refusal] ?? 0) + 1;
  }

  /**
   * What the stretch switch (SimulationOptions.stretch) found so far: how many times it checked
   * the group, how many of those found it steady, and why the others did not (by refusal).
   */
  get stretchStats(): Readonly<StretchStats> {
    const c = this.stretchCounts;
    return { checks: c.checks, steady: c.steady, orderFixed: c.orderFixed, stretchedUs: c.stretchedUs, replayedUs: c.replayedUs, jumpedUs: (this.replay?.jumpedSeconds ?? 0) * STEADY_PERIOD_US, orderRefusals: { ...c.orderRefusals }, refusals: { ...c.refusals } };
  }

  /** Runs `body` with `running` set, so that a callback cannot start a nested run. */
  private guarded<T>(body: () => T): T {
    this.running = true;
    try {
      return body();
    } finally {
      this.running = false;
    }
  }

  /**
   * Runs until virtual time `target` (µs or a duration string, absolute) or until `predicate`
   * holds after an event, but never past `limit`. Returns whether the target or predicate was reached.
   */
  runUntil(target: number | string | ((sim: Simulation) => boolean), options?: RunUntilOptions): boolean {
    this.enterRun('runUntil');
    if (typeof target !== 'function') {
      const t = this.boundedEnd(parseDuration(target, 'runUntil'), 'runUntil', target);
      if (t < this.kernel.nowUs) throw new ConfigError('runUntil', `must not be in the past (now ${this.kernel.nowUs} µs)`, target);
      this.guarded(() => this.runTo(t));
      return true;
    }
    if (options === undefined || options === null || typeof options !== 'object' || options.limit === undefined) {
      throw new ConfigError('runUntil.limit', 'is required with a predicate: runUntil(predicate, { limit: "60s" }) (every wait is bounded)', options);
    }
    const limit = this.boundedEnd(this.kernel.nowUs + parseDuration(options.limit, 'runUntil.limit'), 'runUntil.limit', options.limit);
    if (this.steady !== null) this.countCheck('predicateRun');
    return this.guarded(() => {
      if (target(this)) return true;
      while (this.kernel.nextEventTimeUs() <= limit) {
        this.kernel.step();
        if (target(this)) return true;
      }
      this.kernel.runUntil(limit);
      return target(this);
    });
  }
}

function checkListener(type: unknown, listener: unknown, method: string): void {
  if (!(EVENT_TYPES as readonly unknown[]).includes(type)) throw new ConfigError(`${method}.type`, `must be one of ${EVENT_TYPES.join(', ')}`, type);
  if (typeof listener !== 'function') throw new ConfigError(`${method}.listener`, 'must be a function', listener);
}

/** Creates a simulation of a formed GR group at virtual time zero. */
export function createSimulation(options: SimulationOptions): Simulation {
  const sim = new Simulation(options);
  return sim;
}

export type { VersionName };
