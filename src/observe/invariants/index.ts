/**
 * The built-in invariants of a run, one file each (named after the invariant), each with the
 * MySQL rule it encodes and the source file and function that decide it.
 */
import type { RunRecord } from '../run-record.js';
import type { Invariant, Violation } from './invariant.js';
import { noExpelWithoutMajority } from './no-expel-without-majority.js';
import { viewsAgreedAndConsecutive } from './views-agreed-and-consecutive.js';
import { onePrimaryPerView } from './one-primary-per-view.js';
import { COMMIT_IN_FLIGHT_GRACE_US, writesCommitWithMajority } from './writes-commit-with-majority.js';
import { expelledMemberReturnsAsNewIncarnation } from './expelled-member-returns-as-new-incarnation.js';
import { errorImpliesSuperReadOnly } from './error-implies-super-read-only.js';
import { logConsistentWithState } from './log-consistent-with-state.js';
import { JOIN_AND_RECOVERY_ALLOWANCE_US, QUIET_PERIOD_MARGIN_US, quietPeriodUs, requiredQuietPeriodUs, livenessAfterQuietPeriod } from './liveness-after-quiet-period.js';

export type { Invariant, Violation } from './invariant.js';
export {
  noExpelWithoutMajority,
  viewsAgreedAndConsecutive,
  onePrimaryPerView,
  COMMIT_IN_FLIGHT_GRACE_US,
  writesCommitWithMajority,
  expelledMemberReturnsAsNewIncarnation,
  errorImpliesSuperReadOnly,
  logConsistentWithState,
  JOIN_AND_RECOVERY_ALLOWANCE_US,
  QUIET_PERIOD_MARGIN_US,
  quietPeriodUs,
  requiredQuietPeriodUs,
  livenessAfterQuietPeriod,
};

/** Every built-in invariant, safety first, then liveness; `grsim explore --list` prints their names. */
export const BUILT_IN_INVARIANTS: readonly Invariant[] = [
  noExpelWithoutMajority,
  viewsAgreedAndConsecutive,
  onePrimaryPerView,
  writesCommitWithMajority,
  expelledMemberReturnsAsNewIncarnation,
  errorImpliesSuperReadOnly,
  logConsistentWithState,
  livenessAfterQuietPeriod,
];

/** The built-in invariant called `name`, or undefined. */
export function invariantByName(name: string): Invariant | undefined {
  return BUILT_IN_INVARIANTS.find((i) => i.name === name);
}

/** Runs `invariants` (all built-ins by default) and returns every violation found, one per invariant at most. */
export function checkInvariants(record: RunRecord, invariants: readonly Invariant[] = BUILT_IN_INVARIANTS): Violation[] {
  const out: Violation[] = [];
  for (const inv of invariants) {
    const v = inv.check(record);
    if (v !== null) out.push(v);
  }
  return out;
}
