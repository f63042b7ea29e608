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
    super(`${clip(field)} ${rule}, got ${formatValue(value)}`);
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

/**
 * Longest value an error message echoes, in characters: a 100,000-character name or a 200 KB
 * YAML line is shown by its start and its length, so that a message stays readable on a terminal.
 */
export const MAX_SHOWN_VALUE_CHARS = 200;

/** Shortens `text` to MAX_SHOWN_VALUE_CHARS, saying how much was left out. */
export function clip(text: string): string {
  if (text.length <= MAX_SHOWN_VALUE_CHARS) return text;
  return `${text.slice(0, MAX_SHOWN_VALUE_CHARS)}… (${text.length - MAX_SHOWN_VALUE_CHARS} more characters)`;
}

/** A value as an error message shows it: strings quoted, objects as JSON, anything long clipped. */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') return clip(JSON.stringify(value));
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return `a function (${clip(value.name || 'anonymous')})`;
  if (typeof value === 'symbol') return clip(value.toString());
  try {
    return clip(JSON.stringify(value) ?? String(value));
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
