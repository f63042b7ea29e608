import type { ConsistencyLevel, GroupReplicationOptions, OptionName, SetScope } from '../gr/options.js';
import type { ServeAccount } from './scenario-accounts.js';
import type { WorkloadItem } from '../gr/workload.js';
import type { ModelParameters } from '../model-parameters.js';
import type { GroupMode, VersionName } from '../types.js';

/**
 * A validated scenario (layer L8): a group, its options, a fault schedule and a stop time.
 * Files are parsed into this shape by parseScenario(); arbitraries build it directly; and
 * scenarioToYaml() prints it back as a file `grsim run` accepts. All times are integer
 * microseconds of virtual time since `start`.
 */
export interface Scenario {
  readonly name: string;
  readonly seed: number | string;
  readonly version: VersionName;
  /** Wall-clock label of virtual time zero, ISO 8601 UTC. */
  readonly start: string;
  readonly mode: GroupMode;
  /** The member that bootstrapped the group (single-primary: the first primary); absent: the first member. */
  readonly bootstrap?: string;
  readonly members: readonly ScenarioMember[];
  /** System variables for every member. */
  readonly options: Readonly<Partial<GroupReplicationOptions>>;
  /** Per-member overrides, by member name. */
  readonly memberOptions: Readonly<Record<string, Readonly<Partial<GroupReplicationOptions>>>>;
  readonly network: ScenarioNetwork;
  /** Timing parameters for behaviour the reference marks uncertain (rarely needed). */
  readonly model: Readonly<Partial<ModelParameters>>;
  /** Actions in the order they run (sorted by time; equal times keep file order). */
  readonly events: readonly ScenarioEvent[];
  /**
   * Client write workloads in file order, normalised (times in µs since start, sizes in bytes,
   * rates in transactions per second). Absent when the file has none, so that schedules built
   * in code without a workload compare equal to their printed-and-parsed form.
   */
  readonly workload?: readonly WorkloadItem[];
  /** Virtual time at which the run stops. */
  readonly untilUs: number;
  /** Resource bounds of the run; absent when the file sets none (the defaults apply). */
  readonly limits?: ScenarioLimits;
  /** Accounts `grsim serve` accepts besides root (docs/serve.md); absent when the file lists none. A run ignores them. */
  readonly accounts?: readonly ServeAccount[];
}

/** Bounds a file may set on its run (docs/scenario-format.md "Limits"). */
export interface ScenarioLimits {
  /** Most trace events the run may emit before it stops (SimulationOptions.maxTraceEvents). */
  readonly traceEvents?: number;
}

export interface ScenarioMember {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly xcomPort: number;
  /** server_uuid; generated from the seed when absent. */
  readonly uuid?: string;
}

export interface ScenarioNetwork {
  readonly latencyUs: number;
  readonly jitterUs: number;
  readonly loss: number;
  /** Present only when the file sets it (the core's default applies otherwise). */
  readonly blackholeCloseUs?: number;
}

/** One scheduled action. `index` is its position in the file's `events` list (for messages). */
export interface ScenarioEvent {
  readonly atUs: number;
  readonly index: number;
  readonly action: ScenarioAction;
}

/** `'all'` is reserved: no member may be named all. */
export type MemberOrAll = string;

/**
 * The actions a scenario can schedule, one key each, mirroring the NetworkControl verbs and the
 * operator's statements and actions (SET, STOP/START GROUP_REPLICATION, set_as_primary, adding a
 * new server and removing one for good).
 */
export type ScenarioAction =
  | { readonly isolate: string }
  | { readonly heal: MemberOrAll }
  | { readonly cut: Link }
  | { readonly restore: Link | 'all' }
  | { readonly partition: readonly (readonly string[])[] }
  | { readonly repair: 'all' }
  | { readonly freeze: string }
  | { readonly thaw: string }
  | { readonly crash: string }
  | { readonly restart: string }
  | { readonly stop: string }
  | { readonly start: string }
  /** `scope` GLOBAL when absent (SetScope: PERSIST also keeps the value for a restart, PERSIST_ONLY only does that). */
  | { readonly set: { readonly member: MemberOrAll; readonly option: OptionName; readonly value: string | number | boolean; readonly scope?: SetScope } }
  /**
   * `consistency`: the sessions' group_replication_consistency (SET SESSION); absent, the member's
   * global value. `wait_timeout`: the sessions' wait_timeout in seconds (default 28800), which
   * bounds each wait of the transactions' begin hook.
   */
  | { readonly write: { readonly member: string; readonly count: number; readonly consistency?: ConsistencyLevel; readonly wait_timeout?: number } }
  | { readonly link: LinkChange }
  | { readonly setAsPrimary: { readonly member: string; readonly primary: string } }
  | { readonly add: ScenarioMember }
  | { readonly remove: string }
  /** Transactions committed on a member outside the group (super_read_only OFF, Group Replication stopped): errant GTIDs. */
  | { readonly writeLocal: { readonly member: string; readonly count: number } };

/** A one-way link. */
export interface Link {
  readonly from: string;
  readonly to: string;
}

/**
 * New latency/jitter/loss on links: one way `from → to`, every link from or to a member when
 * only one end is given, every link when neither is.
 */
export interface LinkChange {
  readonly from?: string;
  readonly to?: string;
  readonly latencyUs?: number;
  readonly jitterUs?: number;
  readonly loss?: number;
}

/** The verbs an event may use, in the order the docs list them. */
export const SCENARIO_VERBS = [
  'isolate', 'heal', 'cut', 'restore', 'partition', 'repair', 'freeze', 'thaw', 'crash', 'restart', 'stop', 'start', 'set', 'write', 'writeLocal', 'link',
  'setAsPrimary', 'add', 'remove',
] as const;
export type ScenarioVerb = (typeof SCENARIO_VERBS)[number];

/** The verb of an action (its only key). */
export function verbOf(action: ScenarioAction): ScenarioVerb {
  return Object.keys(action)[0] as ScenarioVerb;
}

/** The member names an action refers to (`all` left out). */
export function membersOf(a: ScenarioAction): string[] {
  if ('isolate' in a) return [a.isolate];
  if ('heal' in a) return a.heal === 'all' ? [] : [a.heal];
  if ('cut' in a) return [a.cut.from, a.cut.to];
  if ('restore' in a) return a.restore === 'all' ? [] : [a.restore.from, a.restore.to];
  if ('partition' in a) return a.partition.flat();
  if ('repair' in a) return [];
  if ('freeze' in a) return [a.freeze];
  if ('thaw' in a) return [a.thaw];
  if ('crash' in a) return [a.crash];
  if ('restart' in a) return [a.restart];
  if ('stop' in a) return [a.stop];
  if ('start' in a) return [a.start];
  if ('set' in a) return a.set.member === 'all' ? [] : [a.set.member];
  if ('write' in a) return [a.write.member];
  if ('writeLocal' in a) return [a.writeLocal.member];
  if ('setAsPrimary' in a) return [a.setAsPrimary.member, a.setAsPrimary.primary];
  if ('add' in a) return [a.add.name];
  if ('remove' in a) return [a.remove];
  return [a.link.from, a.link.to].filter((m): m is string => m !== undefined);
}
