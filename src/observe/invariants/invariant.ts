import type { RunRecord } from '../run-record.js';

/** A broken invariant: which one, when (virtual µs), who, and what happened. */
export interface Violation {
  readonly invariant: string;
  /** Virtual time of the event that broke it, in µs since time zero. */
  readonly t: number;
  /** The members the violation is about (the first one is the member the message is about). */
  readonly members: readonly string[];
  /** A sentence that names every member it speaks of. */
  readonly message: string;
}

/** A named property of a run; `check` returns the first violation in trace order, or null. */
export interface Invariant {
  /** kebab-case, e.g. `no-expel-without-majority`; what `grsim explore --property` takes. */
  readonly name: string;
  readonly description: string;
  /** The MySQL rule it encodes, with the MySQL source file and function that decides it. */
  readonly mysqlRule: string;
  check(record: RunRecord): Violation | null;
}

export function violation(invariant: string, t: number, members: readonly string[], message: string): Violation {
  return { invariant, t, members, message };
}
