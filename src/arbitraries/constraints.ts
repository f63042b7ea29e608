import { ConfigError } from '../errors.js';
import { versionProfile } from '../gr/options.js';
import { FAULT_KINDS, type FaultKind, type GroupSetup } from '../scenario/fault-schedule.js';
import {
  checkMemberName, groupOptionsFor, MAX_GROUP_SIZE, MAX_VIRTUAL_TIME_US, validateMode,
} from '../sim/simulation-options.js';
import type { GroupMode, VersionName } from '../types.js';

/**
 * Up-front checks of the arbitraries' constraints, so that a mistake is a ConfigError naming the
 * builder, the field, the rule and the value (`faultSchedule.members must be an integer in 1..9,
 * got 12`) when the arbitrary is built, not a fast-check error or a createSimulation error at the
 * first run. Versions, modes and options go through createSimulation's own validators.
 */

export const ALL_VERSIONS: readonly VersionName[] = ['8.0.20', '8.0.21', '8.4', '9.x'];
export const ALL_MODES: readonly GroupMode[] = ['single-primary', 'multi-primary'];

/** Smallest group each fault kind needs (a split needs two sides, a bridge three members, a ring four). */
const MIN_MEMBERS: Record<FaultKind, number> = {
  isolate: 1, split: 2, ring: 4, bridge: 3, 'one-way': 2, flapping: 2, freeze: 1, crash: 1, loss: 1, latency: 1, option: 1,
};

/** Whether `kind` applies to a group of `n` members. */
export function applicable(kind: FaultKind, n: number): boolean {
  return n >= MIN_MEMBERS[kind];
}

/** The constraints object itself: undefined or a plain object with only `known` keys. */
export function checkKeys(c: unknown, builder: string, known: readonly string[]): Record<string, unknown> {
  if (c === undefined) return {};
  if (c === null || typeof c !== 'object' || Array.isArray(c)) throw new ConfigError(builder, 'must be called with an object of constraints', c);
  const record = c as Record<string, unknown>;
  for (const k of Object.keys(record)) {
    if (!known.includes(k)) throw new ConfigError(`${builder}.${k}`, `is not a known constraint; known constraints are ${known.join(', ')}`, record[k]);
  }
  return record;
}

/** An optional integer in lo..hi; returns it, or undefined when absent. */
function optionalInteger(value: unknown, field: string, lo: number, hi: number, why = ''): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < lo || value > hi) {
    throw new ConfigError(field, `must be an integer in ${lo}..${hi}${why}`, value);
  }
  return value;
}

/** A non-empty array whose items `check` accepts. */
function nonEmptyArray<T>(value: unknown, field: string, what: string, check: (item: unknown, field: string) => T): readonly T[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0) throw new ConfigError(field, `must be a non-empty array of ${what}`, value);
  return value.map((item, i) => check(item, `${field}[${i}]`));
}

function checkFaultKind(kind: unknown, field: string): FaultKind {
  if (!(FAULT_KINDS as readonly unknown[]).includes(kind)) throw new ConfigError(field, `must be one of ${FAULT_KINDS.join(', ')}`, kind);
  return kind as FaultKind;
}

/** Keys of GroupSetupConstraints (src/arbitraries/index.ts). */
export const GROUP_SETUP_KEYS = ['members', 'minMembers', 'maxMembers', 'modes', 'versions', 'options', 'abortServer'] as const;
/** Keys of FaultConstraints besides `members`. */
export const FAULT_TIMING_KEYS = ['kinds', 'horizonUs', 'minDurationUs', 'maxDurationUs'] as const;

/** What checked GroupSetupConstraints allow: the smallest group drawn, and whether ABORT_SERVER may be. */
export interface CheckedGroupSetup {
  readonly smallestGroup: number;
  /** Whether exit_state_action may be ABORT_SERVER (crash faults are then not generated). */
  readonly mayAbortServer: boolean;
}

/** Checks GroupSetupConstraints (`builder` names them in errors: `faultSchedule`, `groupSetup`). */
export function checkGroupSetupConstraints(c: Record<string, unknown>, builder: string): CheckedGroupSetup {
  const sizeRule = ` (GR's maximum group size is ${MAX_GROUP_SIZE})`;
  const members = optionalInteger(c.members, `${builder}.members`, 1, MAX_GROUP_SIZE, sizeRule);
  const minMembers = optionalInteger(c.minMembers, `${builder}.minMembers`, 1, MAX_GROUP_SIZE, sizeRule);
  const maxMembers = optionalInteger(c.maxMembers, `${builder}.maxMembers`, 1, MAX_GROUP_SIZE, sizeRule);
  if (members === undefined && (minMembers ?? 3) > (maxMembers ?? MAX_GROUP_SIZE)) {
    throw new ConfigError(`${builder}.maxMembers`, `must be at least minMembers (${minMembers ?? 3})`, maxMembers ?? MAX_GROUP_SIZE);
  }
  const modes = nonEmptyArray(c.modes, `${builder}.modes`, 'group modes', (m, field) => validateMode(m ?? null, field)) ?? ALL_MODES;
  const versions = nonEmptyArray(c.versions, `${builder}.versions`, 'MySQL versions', (v, field) => {
    versionProfile(v, field);
    return v as VersionName;
  }) ?? ALL_VERSIONS;
  if (c.abortServer !== undefined && typeof c.abortServer !== 'boolean') throw new ConfigError(`${builder}.abortServer`, 'must be true or false', c.abortServer);
  // Fixed options must hold for every version and mode the setup may draw, as createSimulation checks them.
  let fixedAction: unknown;
  for (const version of versions) {
    for (const mode of modes) fixedAction = groupOptionsFor(versionProfile(version), mode, c.options, `${builder}.options`).group_replication_exit_state_action;
  }
  const actionFixed = (c.options as Record<string, unknown> | undefined)?.group_replication_exit_state_action !== undefined;
  return {
    smallestGroup: members ?? minMembers ?? 3,
    mayAbortServer: actionFixed ? fixedAction === 'ABORT_SERVER' : c.abortServer === true,
  };
}

/** Checks a fixed GroupSetup (`field` names it, e.g. `faultSchedule.setup`) as createSimulation would check the group it describes. */
export function checkGroupSetup(setup: unknown, field: string): GroupSetup {
  const s = checkKeys(setup, field, ['members', 'mode', 'version', 'options']);
  if (setup === undefined) throw new ConfigError(field, 'must be a group setup { members, mode, version, options }', setup);
  checkMemberNames(s.members, `${field}.members`, MAX_GROUP_SIZE);
  const mode = validateMode(s.mode ?? null, `${field}.mode`);
  groupOptionsFor(versionProfile(s.version, `${field}.version`), mode, s.options ?? {}, `${field}.options`);
  return setup as GroupSetup;
}

/** Member names: a non-empty array (at most `max`) of distinct names createSimulation accepts. */
export function checkMemberNames(value: unknown, field: string, max: number): readonly string[] {
  if (!Array.isArray(value) || value.length < 1 || value.length > max) throw new ConfigError(field, `must be an array of 1..${max} member names`, value);
  value.forEach((name, i) => {
    if (typeof name !== 'string' || name.length === 0) throw new ConfigError(`${field}[${i}]`, 'must be a non-empty string', name);
    checkMemberName(name, `${field}[${i}]`);
    if (value.indexOf(name) !== i) throw new ConfigError(`${field}[${i}]`, 'must be unique', name);
  });
  return value as readonly string[];
}

/** Checks the kinds, horizon and durations of FaultConstraints; returns the kinds given. */
export function checkFaultTiming(c: Record<string, unknown>, builder: string): readonly FaultKind[] | undefined {
  const kinds = nonEmptyArray(c.kinds, `${builder}.kinds`, 'fault kinds', checkFaultKind);
  optionalInteger(c.horizonUs, `${builder}.horizonUs`, 1, MAX_VIRTUAL_TIME_US, ' (microseconds, at most 7 days)');
  const gridRule = ' (microseconds: faults are on a 1 ms grid, and a run lasts at most 7 days)';
  const minDurationUs = optionalInteger(c.minDurationUs, `${builder}.minDurationUs`, 1000, MAX_VIRTUAL_TIME_US, gridRule) ?? 100_000;
  const maxDurationUs = optionalInteger(c.maxDurationUs, `${builder}.maxDurationUs`, 1000, MAX_VIRTUAL_TIME_US, gridRule);
  if (maxDurationUs !== undefined && maxDurationUs < minDurationUs) {
    throw new ConfigError(`${builder}.maxDurationUs`, `must be at least minDurationUs (${minDurationUs}${c.minDurationUs === undefined ? ', the default' : ''})`, maxDurationUs);
  }
  return kinds;
}

/** Checks that some kind of `kinds` applies to a group of `n` (a fault needs at least one kind to draw from). */
export function checkKindsApply(kinds: readonly FaultKind[], n: number, field: string, excluded = ''): void {
  if (kinds.some((k) => applicable(k, n))) return;
  const needs = kinds.map((k) => `${k} needs ${MIN_MEMBERS[k]}`).join(', ');
  throw new ConfigError(field, `must include a kind that applies to a group of ${n} member${n === 1 ? '' : 's'}${excluded} (${needs})`, kinds);
}

/** Checks the fault-count and run-length constraints of FaultScheduleConstraints. */
export function checkScheduleLength(c: Record<string, unknown>, builder: string): void {
  const minFaults = optionalInteger(c.minFaults, `${builder}.minFaults`, 0, Number.MAX_SAFE_INTEGER) ?? 0;
  const maxFaults = optionalInteger(c.maxFaults, `${builder}.maxFaults`, 0, Number.MAX_SAFE_INTEGER);
  if ((maxFaults ?? 5) < minFaults) throw new ConfigError(`${builder}.maxFaults`, `must be at least minFaults (${minFaults})${maxFaults === undefined ? '; the default is 5' : ''}`, maxFaults ?? 5);
  optionalInteger(c.durationUs, `${builder}.durationUs`, 1, MAX_VIRTUAL_TIME_US, ' (microseconds, at most 7 days)');
  optionalInteger(c.quietUs, `${builder}.quietUs`, 0, MAX_VIRTUAL_TIME_US, ' (microseconds, at most 7 days)');
}
