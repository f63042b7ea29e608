import type { GroupReplicationOptions } from '../gr/options.js';
import type { ExitStateAction, GroupMode, VersionName } from '../types.js';
import type { SimEvent } from './events.js';

/**
 * The system variables the invariants and metrics read, by their MySQL names and units
 * (src/plugin.cc, include/plugin_variables.h); run-time changes are `option` events in the trace.
 */
export type MemberStartOptions = Pick<
  GroupReplicationOptions,
  | 'group_replication_member_expel_timeout'
  | 'group_replication_autorejoin_tries'
  | 'group_replication_exit_state_action'
  | 'group_replication_unreachable_majority_timeout'
>;

/** One member of a recorded run: its name and, when known, how its error-log lines address it. */
export interface RunMember {
  readonly name: string;
  /** MySQL host as printed in `%s:%u` plugin messages; needed to match log lines to members. */
  readonly host?: string;
  /** MySQL port (3306 by default) as printed in `%s:%u` plugin messages. */
  readonly port?: number;
  /** Options at virtual time zero; missing fields take the 8.0.21 defaults (DEFAULT_START_OPTIONS). */
  readonly options?: Partial<MemberStartOptions>;
}

/**
 * Everything the invariants and metrics need about one run, as plain data. Faults are not listed
 * separately: they are the `network` events of the trace (verbs with their inverses).
 */
export interface RunRecord {
  /** Every event of the run in emission order (`t` in integer µs since time zero). */
  readonly trace: readonly SimEvent[];
  /** The group's members in creation order (XCom node order at bootstrap). */
  readonly members: readonly RunMember[];
  /** Group mode at time zero; topology UDFs later appear as `group_replication_single_primary_mode` option events. */
  readonly mode: GroupMode;
  /** Virtual time the run reached, in µs; metrics close open intervals here. */
  readonly endUs: number;
  /** The view every member had installed at time zero (`<fixed>:<n>`); the trace only shows later views. */
  readonly initialViewId?: string;
  /** Workload totals per member at `endUs` (the trace samples them only once a second); absent for hand-built records. */
  readonly workload?: readonly RunWorkload[];
  /** The run's version profile; absent for hand-built records (bounds then take the most permissive version). */
  readonly version?: VersionName;
}

/** One member's workload transactions over a run (counts). */
export interface RunWorkload {
  readonly member: string;
  readonly submitted: number;
  readonly refused: number;
  readonly committed: number;
  /** Not submitted: every client of a closed-loop stream was waiting for a commit. */
  readonly throttled: number;
  /** Admitted, then rolled back while waiting for the group (WorkloadCounters.rolledBack); absent: 0. */
  readonly rolledBack?: number;
}

/** What a simulation looked like at time zero; `Simulation.atStart` has this shape. */
export interface RunStart {
  readonly mode: GroupMode;
  readonly viewId: string;
  readonly members: readonly (RunMember & { readonly options: MemberStartOptions })[];
}

/** The part of a Simulation that runRecordOf reads (kept structural so observe/ does not import sim/). */
export interface RecordableRun {
  readonly trace: readonly SimEvent[];
  readonly nowUs: number;
  readonly atStart: RunStart;
  /** Servers that joined the running group later (Simulation.addMember), with their options when they joined. */
  readonly addedMembers?: readonly RunMember[];
  /** Members with their workload counters (a Simulation's member handles). */
  readonly members?: readonly { readonly name: string; workload(): Omit<RunWorkload, 'member'> }[];
  /** The run's version profile (a Simulation's `version`). */
  readonly version?: { readonly name: VersionName };
}

/** 8.0.21 defaults (src/plugin.cc): used for options a hand-built record leaves out. */
export const DEFAULT_START_OPTIONS: Readonly<MemberStartOptions> = {
  group_replication_member_expel_timeout: 5,
  group_replication_autorejoin_tries: 3,
  group_replication_exit_state_action: 'READ_ONLY',
  group_replication_unreachable_majority_timeout: 0,
};

/**
 * Builds the record of a simulation as it stands now (call it after running). The trace is the
 * simulation's own array, not a copy: record a finished run, or copy it yourself first.
 */
export function runRecordOf(sim: RecordableRun): RunRecord {
  return {
    trace: sim.trace,
    members: sim.addedMembers === undefined || sim.addedMembers.length === 0 ? sim.atStart.members : [...sim.atStart.members, ...sim.addedMembers],
    mode: sim.atStart.mode,
    endUs: sim.nowUs,
    initialViewId: sim.atStart.viewId,
    ...(sim.version === undefined ? {} : { version: sim.version.name }),
    ...(sim.members === undefined ? {} : {
      workload: sim.members.map((m) => {
        const c = m.workload();
        return { member: m.name, submitted: c.submitted, refused: c.refused, committed: c.committed, throttled: c.throttled, rolledBack: c.rolledBack ?? 0 };
      }),
    }),
  };
}

/** A member's options at time zero with defaults filled in. */
export function startOptionsOf(member: RunMember): MemberStartOptions {
  return { ...DEFAULT_START_OPTIONS, ...(member.options ?? {}) } as MemberStartOptions;
}

/** Name → index of the record's members (insertion ordered). */
export function memberIndex(record: Pick<RunRecord, 'members'>): Map<string, number> {
  const m = new Map<string, number>();
  record.members.forEach((x, i) => m.set(x.name, i));
  return m;
}

/** `host:port` → member index, for members whose host is known (plugin messages print `%s:%u`). */
export function addressIndex(record: RunRecord): Map<string, number> {
  const m = new Map<string, number>();
  record.members.forEach((x, i) => { if (x.host !== undefined) m.set(`${x.host}:${x.port ?? 3306}`, i); });
  return m;
}

/** Option values as they change over a run: start values, then each `option` event. */
export class OptionTracker {
  private readonly values: MemberStartOptions[];
  /** Whether the group is in single-primary mode now. */
  singlePrimary: boolean;

  constructor(record: RunRecord, private readonly index: Map<string, number>) {
    this.values = record.members.map(startOptionsOf);
    this.singlePrimary = record.mode === 'single-primary';
  }

  /** Applies one event (only `option` events matter). */
  apply(e: SimEvent): void {
    if (e.type !== 'option') return;
    if (e.name === 'group_replication_single_primary_mode') {
      this.singlePrimary = e.value === 'ON' || e.value === 1;
      return;
    }
    const i = this.index.get(e.member);
    if (i === undefined) return;
    const v = this.values[i]!;
    switch (e.name) {
      case 'group_replication_member_expel_timeout': v.group_replication_member_expel_timeout = Number(e.value); break;
      case 'group_replication_autorejoin_tries': v.group_replication_autorejoin_tries = Number(e.value); break;
      case 'group_replication_unreachable_majority_timeout': v.group_replication_unreachable_majority_timeout = Number(e.value); break;
      case 'group_replication_exit_state_action': v.group_replication_exit_state_action = e.value as ExitStateAction; break;
      default: break;
    }
  }

  of(i: number): Readonly<MemberStartOptions> {
    return this.values[i]!;
  }
}

/**
 * Walks a trace one instant at a time: `visit` sees every event; `atInstantEnd(t)` runs once all
 * events at time t have been visited (rules that judge a state must not see an instant half
 * applied) and once more at the end. The first non-null result of either stops the walk.
 * `atInstantEnd` is first called with t = -1, before any event.
 */
export function firstPerInstant<R>(
  trace: readonly SimEvent[], visit: (e: SimEvent) => R | null, atInstantEnd: (t: number) => R | null,
): R | null {
  let t = -1;
  for (const e of trace) {
    if (e.t !== t) {
      const r = atInstantEnd(t);
      if (r !== null) return r;
      t = e.t;
    }
    const r = visit(e);
    if (r !== null) return r;
  }
  return atInstantEnd(t);
}
