import { ConfigError } from './errors.js';

const UNITS: Record<string, number> = { us: 1, ms: 1_000, s: 1_000_000, m: 60_000_000, h: 3_600_000_000 };

/**
 * Parses a duration to integer microseconds: a number is taken as microseconds; a string is a
 * number with a unit `us`, `ms`, `s`, `m` or `h` (e.g. "40s", "0.3ms", "1.5h").
 */
export function parseDuration(value: unknown, field: string): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0 || !Number.isInteger(value)) {
      throw new ConfigError(field, 'must be a non-negative integer number of microseconds or a string like "40s"', value);
    }
    return value;
  }
  if (typeof value === 'string') {
    const m = /^\s*(\d+(?:\.\d+)?)\s*(us|ms|s|m|h)\s*$/.exec(value);
    if (m !== null) {
      const us = Math.round(Number(m[1]) * (UNITS[m[2] as string] as number));
      if (Number.isSafeInteger(us)) return us;
    }
  }
  throw new ConfigError(field, 'must be a duration such as "250ms", "40s", "5m" (units us, ms, s, m, h)', value);
}
