import { parseDuration } from '../duration.js';
import { ConfigError, formatValue } from '../errors.js';
import { formatDuration } from '../scenario/scenario-time.js';

/**
 * A command-line mistake: reported on stderr as `grsim <command>: <message>` with exit code 2.
 * Scenario-file mistakes stay ScenarioErrors (they name the file and line); this is for what the
 * user typed on the command line.
 */
export class UsageError extends Error {
  override readonly name: string = 'UsageError';
}

/** A bad flag value: `--expel-timeout: must be …, got "4000"` (the flag, the rule, the value as typed). */
export class FlagError extends UsageError {
  override readonly name: string = 'FlagError';
  constructor(readonly flag: string, readonly rule: string, readonly value: unknown) {
    super(`${flag}: ${rule}, got ${formatValue(value)}`);
  }
}

/**
 * Wraps one of the library's own parsers (parseDuration, parseBytes, parseRate…, which throw
 * ConfigError) as a flag parser, so a flag accepts exactly what the scenario format accepts and
 * its error names the flag and the text the user typed.
 */
export function flagParser<T>(flag: string, parse: (text: string, field: string) => T): (text: string) => T {
  return (text) => {
    try {
      return parse(text, flag);
    } catch (e) {
      if (e instanceof ConfigError) throw new FlagError(flag, e.rule, text);
      throw e;
    }
  };
}

/** An integer flag in lo..hi (counts, seeds, job numbers): decimal digits only. */
export function integerFlag(flag: string, lo: number, hi: number): (text: string) => number {
  return (text) => {
    const n = /^\s*-?\d+\s*$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < lo || n > hi) throw new FlagError(flag, `must be an integer in ${lo}..${hi}`, text);
    return n;
  };
}

/**
 * A comma-separated list flag (`--sizes 128MiB,256MiB`) whose items each go through `item`; a bad
 * item's error names the list flag and the item as typed.
 */
export function listFlag<T>(flag: string, item: (text: string) => T): (text: string) => T[] {
  return (text) => text.split(',').map((part) => {
    try {
      return item(part.trim());
    } catch (e) {
      if (e instanceof FlagError) throw new FlagError(flag, `each comma-separated item ${e.rule}`, part.trim());
      throw e;
    }
  });
}

/**
 * A whole number of seconds in lo..hi, as MySQL's second-valued system variables take it: a plain
 * number is seconds (`60`, the sysvar's own unit), anything else is a duration in the scenario
 * format (`60s`, `1m`, `90000ms`) that must come to whole seconds.
 */
export function secondsFlag(flag: string, lo: number, hi: number): (text: string) => number {
  const rule = `must be a whole number of seconds in ${lo}..${hi} (a number of seconds, or a duration like "60s" or "1m")`;
  return (text) => {
    let us = Number.NaN;
    if (/^\s*\d+\s*$/.test(text)) us = Number(text) * 1_000_000;
    else {
      try {
        us = parseDuration(text, flag);
      } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
      }
    }
    const s = us / 1_000_000;
    if (!Number.isSafeInteger(s) || s < lo || s > hi) throw new FlagError(flag, rule, text);
    return s;
  };
}

/** A library ConfigError about a command-line field (its field starts with `--`) as a FlagError. */
export function asFlagError(e: unknown): FlagError | null {
  return e instanceof ConfigError && e.field.startsWith('--') ? new FlagError(e.field, e.rule, e.value) : null;
}

/** A duration flag in the scenario format (`40s`, `10m`, `250ms`) between minUs and maxUs. */
export function durationFlag(flag: string, minUs: number, maxUs: number): (text: string) => number {
  const parse = flagParser(flag, parseDuration);
  return (text) => {
    const us = parse(text);
    if (us < minUs || us > maxUs) throw new FlagError(flag, `must be a duration from ${formatDuration(minUs)} to ${formatDuration(maxUs)}`, text);
    return us;
  };
}
