/**
 * The three kinds of failure grsim distinguishes (ARCHITECTURE.md "Three kinds of failure").
 * Domain failures (expel, ERROR, lost majority) are never exceptions: they are events and log lines.
 */

/** A caller mistake: a bad option, an unknown member, an impossible fault. Names field, rule and value. */
export class ConfigError extends Error {
  override readonly name: string = 'ConfigError';
  constructor(
    /** Path of the offending field, e.g. `options.group_replication_member_expel_timeout`. */
    readonly field: string,
    /** The rule that was broken, e.g. `must be an integer in 0..3600`. */
    readonly rule: string,
    /** The value that was given. */
    readonly value: unknown,
  ) {
    super(`${field} ${rule}, got ${formatValue(value)}`);
  }
}

/** A bug in grsim: an internal assertion failed. Never caught inside the library. */
export class InvariantError extends Error {
  override readonly name = 'InvariantError';
}

/** Throws an InvariantError when `condition` is false. */
export function invariant(condition: unknown, message: string): asserts condition {
  if (!condition) throw new InvariantError(message);
}

export function formatValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value);
  try {
    return JSON.stringify(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/**
 * A bad scenario file: a ConfigError that also names the file and, when known, the line.
 * `field` is the path inside the file, e.g. `events[3].cut.to`.
 */
export class ScenarioError extends ConfigError {
  override readonly name: string = 'ScenarioError';
  constructor(
    /** The file (or source label) the scenario came from. */
    readonly file: string,
    field: string,
    rule: string,
    value: unknown,
    /** 1-based line of the offending value, when the source text is known. */
    readonly line?: number,
  ) {
    super(field, rule, value);
    this.message = `${file}${line === undefined ? '' : `:${line}`}: ${this.message}`;
  }
}
