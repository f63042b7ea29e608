import { parseDuration } from '../duration.js';
import { ConfigError } from '../errors.js';
import { MAX_VIRTUAL_TIME_US, parseIsoTime } from '../sim/simulation-options.js';

const CLOCK = /^(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?Z$/;
const US_PER_DAY = 86_400_000_000;

/** An offset's spelling and bound, for error messages. */
const OFFSET_FORM = `an offset from the start: "+" and a duration with a unit (us, ms, s, m, h) like "+270s" or "+4.5m", at most "+${MAX_VIRTUAL_TIME_US / 3_600_000_000}h" (${MAX_VIRTUAL_TIME_US / 86_400_000_000} days)`;

/** The accepted spellings, for error messages. */
export const TIME_FORMS = 'a clock time on the start day like "13:03:01", an offset from the start like "+270s", or an ISO time like "2022-07-31T13:03:01Z"';

/**
 * Parses a scenario time to integer microseconds since the start: `+<duration>` is an offset,
 * `HH:MM:SS[.ffffff]` a UTC clock time on the start's day, a full ISO 8601 UTC time is absolute.
 * Times before the start are rejected (virtual time never runs backwards).
 */
export function parseScenarioTime(value: unknown, field: string, startEpochUs: number): number {
  let us: number | undefined;
  if (typeof value === 'string') {
    const s = value.trim();
    if (s.startsWith('+')) {
      try {
        us = parseDuration(s.slice(1), field);
      } catch (e) {
        // The message quotes the whole offset as written, its units and its bound (no "d", no "y").
        if (e instanceof ConfigError) throw new ConfigError(field, `must be ${OFFSET_FORM}`, value);
        throw e;
      }
    } else {
      const clock = CLOCK.exec(s);
      if (clock !== null) {
        const [hh, mm, ss] = [Number(clock[1]), Number(clock[2]), Number(clock[3])];
        if (hh > 23 || mm > 59 || ss > 59) throw new ConfigError(field, `must be ${TIME_FORMS}`, value);
        const frac = Number((clock[4] ?? '').padEnd(6, '0'));
        const dayStartUs = Math.floor(startEpochUs / US_PER_DAY) * US_PER_DAY;
        us = dayStartUs + ((hh * 60 + mm) * 60 + ss) * 1_000_000 + frac - startEpochUs;
      } else if (ISO.test(s)) {
        us = parseIsoTime(s, field) - startEpochUs; // the same reading as the scenario's own start
      }
    }
  }
  if (us === undefined) throw new ConfigError(field, `must be ${TIME_FORMS}`, value);
  if (us < 0) throw new ConfigError(field, 'must not be before the scenario start', value);
  if (us > MAX_VIRTUAL_TIME_US) throw new ConfigError(field, 'must be at most 7 days after the start (runs are bounded)', value);
  return us;
}

/** Formats microseconds as the shortest exact duration string: 270000000 → "270s", 300 → "300us". */
export function formatDuration(us: number): string {
  if (us % 3_600_000_000 === 0 && us > 0) return `${us / 3_600_000_000}h`;
  if (us % 60_000_000 === 0 && us > 0) return `${us / 60_000_000}m`;
  if (us % 1000 === 0 && us >= 1_000_000) return `${us / 1_000_000}s`;
  if (us % 1000 === 0) return `${us / 1000}ms`;
  return `${us}us`;
}
