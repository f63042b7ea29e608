import fc from 'fast-check';
import { BUILT_IN_INVARIANTS, quietPeriodUs, type Invariant, type Violation } from '../observe/invariants/index.js';
import type { SimEventType } from '../observe/events.js';
import { runRecordOf, startOptionsOf, type RunRecord } from '../observe/run-record.js';
import { scheduleToScenario, type FaultSchedule } from '../scenario/fault-schedule.js';
import { runScenario } from '../scenario/run-scenario.js';
import { faultSchedule, groupSetup, scheduleToYaml, type FaultScheduleConstraints } from './index.js';

/**
 * Partition experiments: a property is a space of fault schedules plus a check over each run.
 * `grsim explore --property <name>` and the tests use the built-in ones below; a user's own
 * property is the same three fields.
 */
export interface ExperimentProperty {
  /** kebab-case; what `grsim explore --property` takes. */
  readonly name: string;
  readonly description: string;
  /** The fault schedules explored, for a group of `members` and runs of `durationUs`. */
  schedules(base: { readonly members: number; readonly durationUs: number }): fc.Arbitrary<FaultSchedule>;
  /** The first violation in a run, or null. */
  check(record: RunRecord): Violation | null;
  /**
   * Set on a property that is false by design (a worked example of a boundary), with the reason:
   * `grsim explore --list` marks it "expected to fail" and a counterexample is reported as the
   * expected one, not as a defect.
   */
  readonly expectedToFail?: string;
  /**
   * Properties with the same key explore the same schedules (one generator, one set of
   * constraints), so one run can be checked against all of them: `--property a,b` simulates each
   * schedule once instead of once per property. Undefined: a space of its own.
   */
  readonly scheduleSpace?: string;
  /** The properties a combined property (`a,b`) checks, in order; undefined for a single one. */
  readonly parts?: readonly ExperimentProperty[];
  /**
   * Trace event types `check` never reads: a run explored for this property does not keep them in
   * its record's trace. Undefined: the trace keeps every event. (A 10-minute run of five members
   * emits about 3,000 `cache` samples beside some 170 other events; kept, they lived until the run
   * ended, so young-generation collections copied and promoted them, and every check walked past
   * them.)
   */
  readonly unreadEventTypes?: readonly SimEventType[];
}

/**
 * What no built-in property reads: the message cache's size samples and the workload's per-second
 * samples (none of the invariants of src/observe/invariants looks at either; the
 * `unreadEventTypes` test of test/arbitraries/experiments.test.ts checks every built-in property
 * against the full trace).
 */
const UNREAD_BY_BUILT_INS: readonly SimEventType[] = ['cache', 'workload'];

/** Expel timeout the isolation examples fix (the 8.0.21+ default, src/plugin.cc). */
const EXPEL_TIMEOUT_S = 5;

/** Generated options bounded so the liveness quiet period stays around ten minutes. */
const LIVENESS_OPTION_LIMITS = { group_replication_member_expel_timeout: 60, group_replication_unreachable_majority_timeout: 120 } as const;

/** A member isolated (once) for less than `limitS` seconds at expel timeout 5 is never expelled. */
function shortIsolationNotExpelled(limitS: number, expectedToFail?: string): ExperimentProperty {
  const name = `isolation-under-${limitS}s-not-expelled`;
  return {
    name,
    ...(expectedToFail === undefined ? {} : { expectedToFail }),
    unreadEventTypes: UNREAD_BY_BUILT_INS,
    description: `A member isolated once for less than ${limitS} s with group_replication_member_expel_timeout = ${EXPEL_TIMEOUT_S} is never removed from the group.`,
    schedules: ({ members, durationUs }) => faultSchedule({
      // unreachable_majority_timeout 0: the isolated member never leaves by itself, so a removal is an expel.
      members, durationUs, options: { group_replication_member_expel_timeout: EXPEL_TIMEOUT_S, group_replication_unreachable_majority_timeout: 0 },
      kinds: ['isolate'], minFaults: 1, maxFaults: 1, minDurationUs: 1_000_000, maxDurationUs: limitS * 1_000_000 - 1000,
    }),
    check(record) {
      // The isolated member is the one the isolate event names; it is expelled when it logs
      // MY-011505 or another member's removal line names its address.
      let isolated: RunRecord['members'][number] | undefined;
      for (const e of record.trace) {
        if (e.type === 'network' && e.action === 'isolate') isolated = record.members.find((m) => m.name === e.detail);
        if (isolated === undefined || e.type !== 'log') continue;
        const address = `${isolated.host ?? ''}:${isolated.port ?? 3306}`;
        if ((e.code === 'MY-011505' && e.member === isolated.name) || (e.code === 'MY-011499' && e.message.includes(address))) {
          const who = e.member === isolated.name ? `${isolated.name} learned it was expelled` : `${e.member} removed ${isolated.name} from the group`;
          return { invariant: name, t: e.t, members: [isolated.name], message: `${who}: ${e.member} logged "${e.message}"` };
        }
      }
      return null;
    },
  };
}

/** Builds an experiment from an invariant over runs of every fault pattern. */
function fromInvariant(inv: Invariant, name = inv.name, extra: Partial<FaultScheduleConstraints> = {}): ExperimentProperty {
  return {
    name,
    description: name === inv.name ? inv.description : `${inv.description} (faults: ${extra.kinds?.join(', ') ?? 'all'})`,
    schedules: ({ members, durationUs }) => faultSchedule({ members, durationUs, ...extra }),
    check: (record) => inv.check(record),
    scheduleSpace: `faultSchedule ${JSON.stringify(extra)}`,
    unreadEventTypes: UNREAD_BY_BUILT_INS,
  };
}

const byName = new Map(BUILT_IN_INVARIANTS.map((i) => [i.name, i]));
function invariant(name: string): Invariant {
  const inv = byName.get(name);
  if (inv === undefined) throw new Error(`no built-in invariant ${name}`);
  return inv;
}

/**
 * After the network heals and the quiet period the options need, every member with rejoin
 * attempts left is ONLINE in one view (schedules end with that quiet period).
 */
const healedGroupConverges: ExperimentProperty = {
  ...fromInvariant(invariant('liveness-after-quiet-period'), 'healed-group-converges'),
  scheduleSpace: 'healed-group-converges',
  description: 'Once every fault has ended and a quiet period long enough for detection, the 15 s cadence, rejoin attempts and recovery has passed, every member that still has rejoin attempts left is ONLINE in one view.',
  schedules: ({ members, durationUs }) => groupSetup({ members }).chain((setup) => {
    const options = {
      ...setup.options,
      group_replication_member_expel_timeout: Math.min(setup.options.group_replication_member_expel_timeout ?? 5, LIVENESS_OPTION_LIMITS.group_replication_member_expel_timeout),
      group_replication_unreachable_majority_timeout: Math.min(setup.options.group_replication_unreachable_majority_timeout ?? 0, LIVENESS_OPTION_LIMITS.group_replication_unreachable_majority_timeout),
    };
    const bounded = { ...setup, options };
    // No version: the longest read back-off of any version (20 s), so that a schedule, and the replay
    // of an earlier campaign's chunk, does not depend on it; the check takes the run's own bound.
    const quietUs = quietPeriodUs(startOptionsOf({ name: '', options }), setup.members.length);
    // Option changes are left out: they could lengthen the quiet period the schedule was built for.
    return faultSchedule({ setup: bounded, durationUs: durationUs + quietUs, horizonUs: durationUs, quietUs, kinds: ['isolate', 'split', 'ring', 'bridge', 'one-way', 'flapping', 'freeze', 'crash', 'loss', 'latency'] });
  }),
};

/** The built-in experiment properties, in the order `grsim explore --list` prints them. */
export const BUILT_IN_PROPERTIES: readonly ExperimentProperty[] = [
  shortIsolationNotExpelled(18),
  shortIsolationNotExpelled(20,
    'a member is detected 4–5 s after its last heartbeat arrives and the suspicion thread checks every 15 s ' +
    '(gcs_xcom_control_interface.cc, Gcs_suspicions_manager::process_suspicions), so with an expel timeout of 5 s the ' +
    'first removal can come 19–20 s after the cut: an isolation just under 20 s can already be expelled (the worked ' +
    'example in docs/partition-experiments.md); isolation-under-18s-not-expelled holds'),
  fromInvariant(invariant('no-expel-without-majority'), 'minority-never-expels', { kinds: ['split', 'isolate', 'one-way', 'bridge', 'ring'] }),
  { ...fromInvariant(invariant('one-primary-per-view')), scheduleSpace: 'faultSchedule single-primary', schedules: ({ members, durationUs }) => faultSchedule({ members, durationUs, modes: ['single-primary'] }) },
  healedGroupConverges,
  ...BUILT_IN_INVARIANTS.filter((i) => i.name !== 'one-primary-per-view').map((i) => fromInvariant(i)),
];

/** A built-in property, or several joined by commas that explore one schedule space (see `resolveProperty`). */
export function propertyByName(name: string): ExperimentProperty | undefined {
  const r = resolveProperty(name);
  return 'property' in r ? r.property : undefined;
}

/**
 * Resolves `--property`: one built-in name, or several joined by commas that share a schedule
 * space; each run is then simulated once and checked against every one of them in order. The
 * error says which rule a name breaks.
 */
export function resolveProperty(text: string): { readonly property: ExperimentProperty } | { readonly error: string } {
  const names = text.split(',');
  const parts: ExperimentProperty[] = [];
  for (const n of names) {
    const p = BUILT_IN_PROPERTIES.find((q) => q.name === n);
    if (p === undefined) return { error: `must be one of ${BUILT_IN_PROPERTIES.map((q) => q.name).join(', ')}, or several of them joined by commas` };
    if (parts.includes(p)) return { error: `names ${n} twice` };
    parts.push(p);
  }
  return parts.length === 1 ? { property: parts[0] as ExperimentProperty } : combineProperties(parts);
}

/**
 * One property that checks every one of `parts` on each run, in order (named `a,b,…`); they must
 * explore the same schedules and none may be expected to fail.
 */
export function combineProperties(parts: readonly ExperimentProperty[]): { readonly property: ExperimentProperty } | { readonly error: string } {
  const first = parts[0];
  if (first === undefined) return { error: 'combines no property' };
  const expected = parts.find((p) => p.expectedToFail !== undefined);
  if (expected !== undefined) return { error: `combines ${expected.name}, which is expected to fail; explore it on its own` };
  for (const p of parts) {
    if (p.scheduleSpace === undefined || p.scheduleSpace !== first.scheduleSpace) {
      return { error: `combines properties that explore different fault schedules (${first.name} and ${p.name}); only properties with the same schedules can share runs` };
    }
  }
  return {
    property: {
      name: parts.map((p) => p.name).join(','),
      description: parts.map((p) => p.description).join(' '),
      schedules: first.schedules,
      check(record) {
        for (const p of parts) {
          const v = p.check(record);
          if (v !== null) return v;
        }
        return null;
      },
      scheduleSpace: first.scheduleSpace as string,
      parts,
      // An event type is left out only when no part reads it.
      unreadEventTypes: (first.unreadEventTypes ?? []).filter((type) => parts.every((p) => p.unreadEventTypes?.includes(type) === true)),
    },
  };
}

/** One failing run, shrunk. */
export interface Counterexample {
  readonly schedule: FaultSchedule;
  /** The simulation seed of the failing run. */
  readonly seed: number;
  readonly violation: Violation;
  /** The run as a scenario file `grsim run` replays. */
  readonly scenarioYaml: string;
}

export interface ExploreChunk {
  readonly property: string;
  readonly members: number;
  readonly durationUs: number;
  /** fast-check seed of this chunk. */
  readonly seed: number;
  readonly runs: number;
  /**
   * Index of the first run in the seed's sequence of runs (0 by default): runs `firstRun` to
   * `firstRun + runs − 1` are the same runs, shrunk the same way on a failure, as in one chunk
   * from 0 (fast-check's `path` replays from there without generating the runs before it), so a
   * chunk can be run in pieces on several threads.
   */
  readonly firstRun?: number;
}

export interface ChunkResult {
  /** Runs executed (fewer than asked when one failed: fast-check stops and shrinks). */
  readonly runs: number;
  readonly failed: number;
  readonly counterexample: Counterexample | null;
}

/** Runs a schedule with a simulation seed and checks a property (the unit of every experiment). */
export function checkSchedule(property: ExperimentProperty, schedule: FaultSchedule, seed: number): Violation | null {
  return property.check(recordOfSchedule(schedule, seed, property.unreadEventTypes ?? []));
}

/**
 * The run record of a schedule run with a simulation seed, its trace without the event types
 * `unread` (SimulationOptions.untracedEventTypes: the run is the same, the simulation does not
 * read its own trace).
 */
export function recordOfSchedule(schedule: FaultSchedule, seed: number, unread: readonly SimEventType[]): RunRecord {
  return runRecordOf(runScenario(scheduleToScenario(schedule, seed), { untracedEventTypes: unread }).sim);
}

/** Runs one chunk of an exploration with fast-check: random schedules, then shrinking on failure. */
export function exploreChunk(chunk: ExploreChunk): ChunkResult {
  const property = propertyByName(chunk.property);
  if (property === undefined) throw new Error(`unknown property ${chunk.property}`);
  return exploreProperty(property, chunk);
}

/** `exploreChunk` for a property object (a user's own, or a combination) rather than a built-in name. */
export function exploreProperty(property: ExperimentProperty, chunk: Omit<ExploreChunk, 'property'>): ChunkResult {
  const arb = fc.tuple(property.schedules({ members: chunk.members, durationUs: chunk.durationUs }), fc.integer({ min: 0, max: 0x7fffffff }));
  // A combined property checks every part on each run until one fails; shrinking then keeps to the
  // part that failed, so the counterexample is a minimal one of that property.
  let focus: ExperimentProperty = property;
  const unread = property.unreadEventTypes ?? [];
  const holds = ([schedule, seed]: [FaultSchedule, number]): boolean => {
    const record = recordOfSchedule(schedule, seed, unread);
    for (const p of focus.parts ?? [focus]) {
      if (p.check(record) !== null) {
        focus = p;
        return false;
      }
    }
    return true;
  };
  const out = fc.check(fc.property(arb, holds), { seed: chunk.seed, numRuns: chunk.runs, ...(chunk.firstRun ? { path: String(chunk.firstRun) } : {}) });
  if (!out.failed || out.counterexample === null) return { runs: out.numRuns, failed: 0, counterexample: null };
  const [schedule, seed] = out.counterexample[0];
  const violation = checkSchedule(focus, schedule, seed);
  if (violation === null) throw new Error('counterexample did not reproduce: the simulation is not deterministic');
  return {
    runs: out.numRuns, failed: 1,
    counterexample: { schedule, seed, violation, scenarioYaml: scheduleToYaml(schedule, seed, `${focus.name}-counterexample`) },
  };
}
