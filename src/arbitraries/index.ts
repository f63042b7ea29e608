/**
 * fast-check arbitraries for grsim (the `grsim/arbitraries` subpath; the only module that imports
 * fast-check, so the core does not depend on it). Builders follow fast-check's style:
 * `faultSchedule(constraints?)` returns an `fc.Arbitrary<FaultSchedule>` whose values shrink
 * toward fewer, shorter and earlier faults, and `scheduleToYaml` prints one as a scenario file
 * that `grsim run` replays.
 */
import fc from 'fast-check';
import { ConfigError, invariant } from '../errors.js';
import type { GroupReplicationOptions, OptionName } from '../gr/options.js';
import {
  FAULT_KINDS, scheduleToScenario, type Fault, type FaultKind, type FaultSchedule, type GroupSetup,
} from '../scenario/fault-schedule.js';
import type { ExitStateAction, GroupMode, VersionName } from '../types.js';
import {
  ALL_MODES, ALL_VERSIONS, applicable, checkFaultTiming, checkGroupSetup, checkGroupSetupConstraints, checkKeys, checkKindsApply,
  checkMemberNames, checkScheduleLength, FAULT_TIMING_KEYS, GROUP_SETUP_KEYS,
} from './constraints.js';

export { FAULT_KINDS, scheduleToScenario, type Fault, type FaultKind, type FaultSchedule, type GroupSetup };
export { describeFault, scheduleToYaml } from './schedule-to-yaml.js';
export { assertReplayable, type ReplayableParameters } from './assert-replayable.js';

const MEMBER_NAMES = ['node1', 'node2', 'node3', 'node4', 'node5', 'node6', 'node7', 'node8', 'node9'];

export interface GroupSetupConstraints {
  /** Exact group size; overrides min/maxMembers. */
  readonly members?: number;
  /** @defaultValue 3 */
  readonly minMembers?: number;
  /** @defaultValue 9 (GR's maximum) */
  readonly maxMembers?: number;
  readonly modes?: readonly GroupMode[];
  readonly versions?: readonly VersionName[];
  /** Options to fix instead of generating (e.g. `{ group_replication_member_expel_timeout: 5 }`). */
  readonly options?: Readonly<Partial<GroupReplicationOptions>>;
  /** Whether ABORT_SERVER may be generated as exit_state_action. @defaultValue false (it stops the server, which later crash faults would find down) */
  readonly abortServer?: boolean;
}

/**
 * Generated options stay within MySQL's ranges but favour the values that matter for failure
 * detection (expel timeouts around the 15 s cadence, a few rejoin attempts, short majority timeouts).
 */
function generatedOptions(c: GroupSetupConstraints): fc.Arbitrary<Partial<GroupReplicationOptions>> {
  const actions: ExitStateAction[] = c.abortServer === true ? ['READ_ONLY', 'OFFLINE_MODE', 'ABORT_SERVER'] : ['READ_ONLY', 'OFFLINE_MODE'];
  return fc.record({
    group_replication_member_expel_timeout: fc.oneof(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 3600 })),
    group_replication_autorejoin_tries: fc.integer({ min: 0, max: 3 }),
    group_replication_unreachable_majority_timeout: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 120 })),
    group_replication_exit_state_action: fc.constantFrom(...actions),
    group_replication_member_weight: fc.integer({ min: 0, max: 100 }),
  }).map((o) => ({ ...o, ...c.options }));
}

/**
 * A group: size, mode, version and options within MySQL's ranges. Throws a ConfigError naming
 * `groupSetup.<field>` when a constraint is not one createSimulation would accept.
 */
export function groupSetup(c: GroupSetupConstraints = {}): fc.Arbitrary<GroupSetup> {
  checkGroupSetupConstraints(checkKeys(c, 'groupSetup', GROUP_SETUP_KEYS), 'groupSetup');
  return groupSetupArbitrary(c);
}

function groupSetupArbitrary(c: GroupSetupConstraints): fc.Arbitrary<GroupSetup> {
  const size = c.members !== undefined ? fc.constant(c.members) : fc.integer({ min: c.minMembers ?? 3, max: c.maxMembers ?? 9 });
  return fc.record({
    n: size,
    mode: fc.constantFrom(...(c.modes ?? ALL_MODES)),
    version: fc.constantFrom(...(c.versions ?? ALL_VERSIONS)),
    options: generatedOptions(c),
  }).map(({ n, mode, version, options }) => ({ members: MEMBER_NAMES.slice(0, n), mode, version, options }));
}

export interface FaultConstraints {
  /** The members faults may name. */
  readonly members: readonly string[];
  /** Fault patterns to draw from. @defaultValue every kind that applies to the group size */
  readonly kinds?: readonly FaultKind[];
  /** Faults start in [0, horizonUs). @defaultValue 10 minutes */
  readonly horizonUs?: number;
  /** @defaultValue 100 ms */
  readonly minDurationUs?: number;
  /** @defaultValue 2 minutes */
  readonly maxDurationUs?: number;
}

/** Options an option-change fault may set at run time, with MySQL's ranges. */
function optionChange(): fc.Arbitrary<{ option: OptionName; value: string | number }> {
  return fc.oneof(
    fc.integer({ min: 0, max: 3600 }).map((value) => ({ option: 'group_replication_member_expel_timeout' as OptionName, value })),
    fc.integer({ min: 0, max: 120 }).map((value) => ({ option: 'group_replication_unreachable_majority_timeout' as OptionName, value })),
    fc.constantFrom('READ_ONLY', 'OFFLINE_MODE').map((value) => ({ option: 'group_replication_exit_state_action' as OptionName, value })),
    fc.integer({ min: 0, max: 100 }).map((value) => ({ option: 'group_replication_member_weight' as OptionName, value })),
  );
}

const MS = 1000;

/**
 * One fault; times on a 1 ms grid, shrinking toward the earliest start and the shortest duration.
 * Throws a ConfigError naming `fault.<field>` for a constraint it cannot honour.
 */
export function fault(c: FaultConstraints): fc.Arbitrary<Fault> {
  const record = checkKeys(c, 'fault', ['members', ...FAULT_TIMING_KEYS]);
  if (c === undefined) throw new ConfigError('fault', 'must be called with { members, … } (the members faults may name)', c);
  const names = checkMemberNames(record.members, 'fault.members', Number.MAX_SAFE_INTEGER);
  checkKindsApply(checkFaultTiming(record, 'fault') ?? FAULT_KINDS, names.length, 'fault.kinds');
  return faultArbitrary(c);
}

/** fault() on constraints already checked. */
function faultArbitrary(c: FaultConstraints): fc.Arbitrary<Fault> {
  const names = c.members;
  const n = names.length;
  const kinds = (c.kinds ?? FAULT_KINDS).filter((k) => applicable(k, n));
  invariant(kinds.length > 0, `no fault kind of ${String(c.kinds)} applies to a group of ${n}, which the constraint checks refuse`);
  const horizonMs = Math.max(0, Math.floor((c.horizonUs ?? 600_000_000) / MS) - 1);
  const minMs = Math.max(1, Math.floor((c.minDurationUs ?? 100_000) / MS));
  const maxMs = Math.max(minMs, Math.floor((c.maxDurationUs ?? 120_000_000) / MS));
  const timed = fc.record({
    atUs: fc.integer({ min: 0, max: horizonMs }).map((ms) => ms * MS),
    durationUs: fc.integer({ min: minMs, max: maxMs }).map((ms) => ms * MS),
  });
  const member = fc.constantFrom(...names);
  const two = (): fc.Arbitrary<readonly [string, string]> => fc.tuple(fc.nat(n - 1), fc.nat(n - 2)).map(([a, d]) => [names[a] as string, names[(a + 1 + d) % n] as string] as const);
  /** A proper non-empty subset as the side of a split, its size shrinking toward one member. */
  const side = fc.integer({ min: 1, max: Math.max(1, Math.floor(n / 2)) }).chain((k) => fc.shuffledSubarray([...names], { minLength: k, maxLength: k }));
  const byKind: Record<FaultKind, () => fc.Arbitrary<Fault>> = {
    isolate: () => fc.record({ t: timed, member }).map(({ t, member: m }) => ({ kind: 'isolate', member: m, ...t })),
    split: () => fc.record({ t: timed, side }).map(({ t, side: s }) => ({ kind: 'split', side: names.filter((m) => s.includes(m)), ...t })),
    ring: () => timed.map((t) => ({ kind: 'ring', ...t })),
    bridge: () => fc.record({ t: timed, bridge: fc.nat(n - 1), k: fc.integer({ min: 1, max: n - 2 }) }).map(({ t, bridge, k }) => {
      const rest = names.filter((_, i) => i !== bridge);
      return { kind: 'bridge', bridge: names[bridge] as string, side: rest.slice(0, k), ...t };
    }),
    'one-way': () => fc.record({ t: timed, p: two() }).map(({ t, p }) => ({ kind: 'one-way', from: p[0], to: p[1], ...t })),
    flapping: () => fc.record({
      t: timed, p: two(), periodUs: fc.integer({ min: 2, max: 30 }).map((s) => s * 1_000_000), dutyCycle: fc.constantFrom(0.25, 0.5, 0.75),
    }).map(({ t, p, periodUs, dutyCycle }) => ({ kind: 'flapping', a: p[0], b: p[1], periodUs, dutyCycle, ...t })),
    freeze: () => fc.record({ t: timed, member }).map(({ t, member: m }) => ({ kind: 'freeze', member: m, ...t })),
    crash: () => fc.record({ t: timed, member }).map(({ t, member: m }) => ({ kind: 'crash', member: m, ...t })),
    loss: () => fc.record({ t: timed, loss: fc.constantFrom(0.01, 0.05, 0.2, 0.5) }).map(({ t, loss }) => ({ kind: 'loss', loss, ...t })),
    latency: () => fc.record({ t: timed, ms: fc.integer({ min: 1, max: 2000 }) }).map(({ t, ms }) => ({ kind: 'latency', latencyUs: ms * MS, ...t })),
    option: () => fc.record({ t: timed, member: fc.oneof(member, fc.constant('all')), change: optionChange() })
      .map(({ t, member: m, change }) => ({ kind: 'option', member: m, option: change.option, value: change.value, atUs: t.atUs, durationUs: 0 })),
  };
  return fc.oneof(...kinds.map((k) => byKind[k]()));
}

export interface FaultScheduleConstraints extends GroupSetupConstraints, Omit<FaultConstraints, 'members'> {
  /** The group; generated from the GroupSetupConstraints when absent. */
  readonly setup?: GroupSetup;
  /** @defaultValue 0 */
  readonly minFaults?: number;
  /** @defaultValue 5 */
  readonly maxFaults?: number;
  /** How long each run lasts (at least until the last fault ends). @defaultValue 10 minutes */
  readonly durationUs?: number;
  /** Quiet time guaranteed after the last fault ends (for liveness properties). @defaultValue 0 */
  readonly quietUs?: number;
}

/** Keys of FaultScheduleConstraints. */
const FAULT_SCHEDULE_KEYS = [...GROUP_SETUP_KEYS, ...FAULT_TIMING_KEYS, 'setup', 'minFaults', 'maxFaults', 'durationUs', 'quietUs'] as const;

/**
 * Type-checked: every key of the constraint interfaces is in the lists the checks accept (a
 * constraint added to an interface and not to its list would be refused as unknown).
 */
type UncheckedConstraintKeys =
  | Exclude<keyof FaultScheduleConstraints, (typeof FAULT_SCHEDULE_KEYS)[number]>
  | Exclude<keyof FaultConstraints, 'members' | (typeof FAULT_TIMING_KEYS)[number]>
  | Exclude<keyof GroupSetupConstraints, (typeof GROUP_SETUP_KEYS)[number]>;
const EVERY_CONSTRAINT_KEY_LISTED: [UncheckedConstraintKeys] extends [never] ? true : UncheckedConstraintKeys = true;
void EVERY_CONSTRAINT_KEY_LISTED;

/** Checks FaultScheduleConstraints up front, as createSimulation checks its options. */
function checkFaultScheduleConstraints(c: FaultScheduleConstraints): void {
  const record = checkKeys(c, 'faultSchedule', FAULT_SCHEDULE_KEYS);
  const kinds = checkFaultTiming(record, 'faultSchedule') ?? FAULT_KINDS;
  checkScheduleLength(record, 'faultSchedule');
  let smallestGroup: number;
  let mayAbortServer: boolean;
  if (record.setup !== undefined) {
    for (const k of GROUP_SETUP_KEYS) {
      if (record[k] !== undefined) throw new ConfigError(`faultSchedule.${k}`, 'cannot be combined with setup (setup fixes the group)', record[k]);
    }
    const setup = checkGroupSetup(record.setup, 'faultSchedule.setup');
    smallestGroup = setup.members.length;
    mayAbortServer = setup.options.group_replication_exit_state_action?.toUpperCase() === 'ABORT_SERVER';
  } else {
    ({ smallestGroup, mayAbortServer } = checkGroupSetupConstraints(record, 'faultSchedule'));
  }
  checkKindsApply(kinds, smallestGroup, 'faultSchedule.kinds');
  // Crash faults are not generated when exit_state_action may be ABORT_SERVER.
  if (mayAbortServer) checkKindsApply(kinds.filter((k) => k !== 'crash'), smallestGroup, 'faultSchedule.kinds', ' besides crash (not generated when exit_state_action may be ABORT_SERVER)');
}

/**
 * A group and a list of faults. Shrinks toward fewer faults (array shrinking), shorter ones and
 * earlier ones (integer shrinking toward the minimum duration and time zero). Throws a ConfigError
 * naming `faultSchedule.<field>`, the rule and the value when a constraint is not one it can
 * honour (an unknown key, 12 members, minFaults above maxFaults, a version or an option
 * createSimulation would refuse).
 */
export function faultSchedule(c: FaultScheduleConstraints = {}): fc.Arbitrary<FaultSchedule> {
  checkFaultScheduleConstraints(c);
  const setupArb = c.setup !== undefined ? fc.constant(c.setup) : groupSetupArbitrary(c);
  const durationUs = c.durationUs ?? 600_000_000;
  const quietUs = c.quietUs ?? 0;
  return setupArb.chain((setup) => {
    // Crash faults cannot be combined with ABORT_SERVER (the server may already be down).
    const kinds = (c.kinds ?? FAULT_KINDS).filter((k) => k !== 'crash' || setup.options.group_replication_exit_state_action !== 'ABORT_SERVER');
    const horizonUs = c.horizonUs ?? Math.max(1000, durationUs - quietUs);
    return fc.array(faultArbitrary({ ...c, members: setup.members, kinds, horizonUs }), { minLength: c.minFaults ?? 0, maxLength: c.maxFaults ?? 5 })
      .map((faults) => ({ setup, faults, durationUs: Math.max(durationUs, ...faults.map((f) => (f.kind === 'option' ? f.atUs : f.atUs + f.durationUs) + quietUs)) }));
  });
}
