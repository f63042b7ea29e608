import type { LogLevel } from './error-codes.js';
import type { MemberRole, MemberState, WriteOutcome } from '../types.js';

/**
 * Every typed event of a run (layer L0). `t` is virtual time in integer microseconds since the
 * simulation started. Member names are the names given to createSimulation.
 */
export type SimEvent =
  | LogEvent
  | StateChangeEvent
  | ViewEvent
  | SuspicionEvent
  | LocalViewEvent
  | ConnectionEvent
  | NetworkEvent
  | ConfigEvent
  | WriteEvent
  | FlagsEvent
  | OptionEvent
  | CacheEvent
  | WorkloadEvent;

/** A line of a member's error log (all levels; [Note] lines are hidden when printed at default verbosity). */
export interface LogEvent {
  readonly type: 'log';
  readonly t: number;
  readonly member: string;
  readonly level: LogLevel;
  readonly code: string;
  readonly message: string;
  /**
   * The id of the thread that wrote the line (a client session, an internal session, a plugin
   * thread); absent for threads without a session, which MySQL prints as 0.
   */
  readonly thread?: number;
  /** Present on lines the server writes itself (LogErr), printed without the plugin's prefix. */
  readonly server?: true;
}

/** What `observer` believes about `member` changed (its own state included). */
export interface StateChangeEvent {
  readonly type: 'stateChange';
  readonly t: number;
  readonly observer: string;
  readonly member: string;
  /** The state the observer now shows for the member; absent when the member left its table. */
  readonly state: MemberState | null;
  readonly role: MemberRole;
}

/** A GR view was installed on `member` (on_view_changed), or the member left (viewId ''). */
export interface ViewEvent {
  readonly type: 'view';
  readonly t: number;
  readonly member: string;
  readonly viewId: string;
  readonly members: readonly string[];
}

/** The GCS suspicion manager of `member` changed its opinion of `suspect`. */
export interface SuspicionEvent {
  readonly type: 'suspicion';
  readonly t: number;
  readonly member: string;
  readonly suspect: string;
  readonly action: 'created' | 'cleared' | 'timedOut' | 'expelRequested';
  /** A suspicion of a node in XCom's configuration but not in the GCS view; the same on every event of one suspicion. */
  readonly nonMember: boolean;
}

/** XCom delivered a local view (this node's detector opinion) to GCS. */
export interface LocalViewEvent {
  readonly type: 'localView';
  readonly t: number;
  readonly member: string;
  readonly alive: readonly string[];
  readonly failed: readonly string[];
}

/** An XCom outgoing connection `from → to` came up or went down. */
export interface ConnectionEvent {
  readonly type: 'connection';
  readonly t: number;
  readonly from: string;
  readonly to: string;
  readonly up: boolean;
  readonly reason: string;
}

/** A network fault verb or process action was applied. */
export interface NetworkEvent {
  readonly type: 'network';
  readonly t: number;
  readonly action: string;
  readonly detail: string;
}

/** An XCom configuration (node set) was decided or installed. */
export interface ConfigEvent {
  readonly type: 'config';
  readonly t: number;
  readonly member: string;
  readonly action: 'installed';
  readonly nodes: readonly string[];
  /** XCom configuration number (site_def start order); rises by one with every decided configuration. */
  readonly configId?: number;
  /**
   * XCom incarnation of each node, parallel to `nodes`: a node that rejoins or restarts comes back
   * as a new incarnation (xcom/site_def.h node_list uuid + incarnation), which is how an expelled
   * member is told apart from its return.
   */
  readonly incarnations?: readonly number[];
}

/** A write changed outcome. */
export interface WriteEvent {
  readonly type: 'write';
  readonly t: number;
  readonly member: string;
  readonly id: number;
  readonly outcome: WriteOutcome;
  readonly error?: string;
}

/** super_read_only / offline_mode / running flags of a server changed. */
export interface FlagsEvent {
  readonly type: 'flags';
  readonly t: number;
  readonly member: string;
  readonly superReadOnly: boolean;
  readonly offlineMode: boolean;
  readonly running: boolean;
}

/** A system variable was set (SET GLOBAL or SET PERSIST), or a restarted server read it back at boot (`atBoot`). */
export interface OptionEvent {
  readonly type: 'option';
  readonly t: number;
  readonly member: string;
  readonly name: string;
  readonly value: string | number;
  /**
   * Set when a restarted mysqld took this value from its configuration (or SET PERSIST) instead of
   * the one a SET GLOBAL had given the old process.
   */
  readonly atBoot?: true;
}

/**
 * A sample of a member's XCom message cache, taken only when the cache changed since the member's
 * previous sample, by this rule (CACHE_GROWTH_SAMPLE_US in src/xcom/xcom-cluster.ts):
 * - when XCom stops and clears the cache, and just before the limit changes: at once;
 * - when eviction starts (slots freed since the previous sample, which reported none freed): at
 *   the next run of the 0.1 s cache task;
 * - otherwise (the cache grows, or keeps evicting) at a cache-task run at least 1 s after the
 *   member's previous sample; a sample held back is taken at the first run 1 s on.
 * So a member has at most one sample per 0.1 s of virtual time, and about one per second while its
 * cache grows or stays at its limit (with flow-control traffic an idle member learns a slot every
 * few ticks, and evicts at each once its cache is full).
 * No peak is lost to the sampling: `peakBytes` is the highest cache_size since the previous sample
 * (the size with a just-learned slot before shrink_cache freed any), so the maximum of `peakBytes`
 * over a member's samples is its true peak up to its last sample. After it, until the end of the
 * run, the cache either only grew (its size at the end is that peak) or freed slots (that peak is
 * not reported; under 1 s, or 0.1 s when eviction had just started).
 */
export interface CacheEvent {
  readonly type: 'cache';
  readonly t: number;
  readonly member: string;
  /** cache_size: bytes of the cached slots. */
  readonly bytes: number;
  /** The highest cache_size since the member's previous sample (≥ bytes; above it after evictions or a clear). */
  readonly peakBytes: number;
  /** Cached XCom slots. */
  readonly count: number;
  /** Slots evicted (or cleared) since the run started, cumulative. */
  readonly evicted: number;
  /** The limit (group_replication_message_cache_size). */
  readonly limit: number;
}

/** Once per virtual second while a member runs workload streams: its counters and last second's figures. */
export interface WorkloadEvent {
  readonly type: 'workload';
  readonly t: number;
  readonly member: string;
  /** Cumulative counters since the run started (see WorkloadCounters). */
  readonly submitted: number;
  readonly refused: number;
  readonly throttled: number;
  readonly committed: number;
  readonly rolledBack: number;
  /**
   * Transactions in flight now (queued, proposed, or decided and not yet delivered) whose sessions
   * still wait: none once the member has rolled them back (WorkloadDriver.waiting).
   */
  readonly outstanding: number;
  /** Transactions committed per second since the previous sample. */
  readonly committedLastSecond: number;
  /** Mean commit latency of those transactions in µs; null when none committed. */
  readonly meanLatencyUs: number | null;
}

export type SimEventType = SimEvent['type'];
export type EventOf<K extends SimEventType> = Extract<SimEvent, { type: K }>;
/** Receives events from layers L2–L5; they never see the emitter itself. */
export type Emit = (event: SimEvent) => void;
