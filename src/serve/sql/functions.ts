import type { Database } from 'sql.js';
import type { SqlValue } from './member-tables.js';

/**
 * MySQL's string, number and time functions SQLite lacks or computes otherwise, as engine
 * functions (`__left`, …) the dialect rewrite calls (dialect.ts, FUNCTION_NAMES). Each follows the
 * MySQL 8.0 Reference Manual (https://dev.mysql.com/doc/refman/8.0/en/string-functions.html,
 * …/date-and-time-functions.html, …/comparison-operators.html) and the Item classes of
 * sql/item_strfunc.cc, sql/item_func.cc and sql/item_timefunc.cc: NULL when any argument is NULL,
 * text compared case-insensitively where the default collation (utf8mb4_0900_ai_ci) does so.
 * Argument counts are checked by the rewrite (ARGUMENT_COUNTS), so every function here is
 * registered for the counts MySQL accepts only.
 */

/**
 * Longest text REPEAT, LPAD and RPAD build, in characters: longer results are NULL, as MySQL's are
 * past max_allowed_packet (64 MiB by default; sql/item_strfunc.cc, with warning 1301); a far
 * smaller bound here keeps one statement's memory small.
 */
const MAX_BUILT_TEXT = 1 << 20;

/** The most arguments GREATEST/LEAST take here (MySQL has no limit; the rewrite refuses more). */
export const MAX_VARIADIC_ARGUMENTS = 64;

/** An integer argument as MySQL's val_int() reads it: numbers rounded half away from zero, text by its leading digits. */
function toInt(v: SqlValue): number {
  if (typeof v === 'number') return Number.isInteger(v) ? v : Math.sign(v) * Math.round(Math.abs(v));
  const m = /^\s*[+-]?\d+/.exec(String(v));
  return m === null ? 0 : Number(m[0]);
}

/** A string argument as MySQL's val_str() gives it. */
function toText(v: SqlValue): string {
  return typeof v === 'string' ? v : String(v);
}

/** Characters (code points), as MySQL's character functions count them in utf8mb4. */
function chars(s: string): string[] {
  return Array.from(s);
}

/** LEFT(str, len) (Item_func_left): the first len characters; '' when len <= 0. */
function left(s: SqlValue, n: SqlValue): SqlValue {
  if (s === null || n === null) return null;
  const len = toInt(n);
  return len <= 0 ? '' : chars(toText(s)).slice(0, len).join('');
}

/** RIGHT(str, len) (Item_func_right): the last len characters; '' when len <= 0. */
function right(s: SqlValue, n: SqlValue): SqlValue {
  if (s === null || n === null) return null;
  const len = toInt(n);
  const c = chars(toText(s));
  return len <= 0 ? '' : c.slice(Math.max(0, c.length - len)).join('');
}

/**
 * LPAD/RPAD(str, len, padstr) (Item_func_lpad, Item_func_rpad): str cut to len characters when
 * longer; else padded with padstr repeated (and cut) to len characters; NULL when len is
 * negative, or when padding is needed and padstr is empty.
 */
function pad(leftSide: boolean): (s: SqlValue, n: SqlValue, p: SqlValue) => SqlValue {
  return (s, n, p) => {
    if (s === null || n === null || p === null) return null;
    const len = toInt(n);
    if (len < 0) return null;
    const c = chars(toText(s));
    if (len <= c.length) return c.slice(0, len).join('');
    const fill = chars(toText(p));
    if (fill.length === 0 || len > MAX_BUILT_TEXT) return null;
    const padding: string[] = [];
    while (padding.length < len - c.length) padding.push(fill[padding.length % fill.length]!);
    return leftSide ? padding.join('') + c.join('') : c.join('') + padding.join('');
  };
}

/**
 * SUBSTRING(str, pos[, len]) (Item_func_substr): len characters from pos (1-based; a negative pos
 * counts from the end); '' for pos 0, a pos past either end, or len <= 0.
 */
function substring(s: SqlValue, p: SqlValue, n: SqlValue = Number.MAX_SAFE_INTEGER): SqlValue {
  if (s === null || p === null || n === null) return null;
  const c = chars(toText(s));
  const pos = toInt(p), len = toInt(n);
  const start = pos > 0 ? pos - 1 : c.length + pos;
  // pos 0 starts past the end (c.length), so it is '' too.
  if (start < 0 || start >= c.length || len <= 0) return '';
  return c.slice(start, start + len).join('');
}

/**
 * TRIM([BOTH | LEADING | TRAILING] [remstr] FROM str) (Item_func_trim, Item_func_ltrim,
 * Item_func_rtrim): remstr (a space by default) taken off the chosen end(s) as often as it is
 * there, as a whole string, not as a set of characters; an empty remstr takes nothing.
 */
function trim(mode: SqlValue, r: SqlValue, s: SqlValue): SqlValue {
  if (r === null || s === null) return null;
  let text = toText(s);
  const rem = toText(r);
  if (rem === '') return text;
  if (mode !== 'TRAILING') while (text.startsWith(rem)) text = text.slice(rem.length);
  if (mode !== 'LEADING') while (text.endsWith(rem)) text = text.slice(0, text.length - rem.length);
  return text;
}

/**
 * SUBSTRING_INDEX(str, delim, count) (Item_func_substr_index): the text before the count-th
 * delimiter from the left (count > 0) or after the count-th from the right (count < 0); '' for
 * count 0 or an empty delim. The delimiter matches case-sensitively, as the manual says.
 */
function substringIndex(s: SqlValue, d: SqlValue, n: SqlValue): SqlValue {
  if (s === null || d === null || n === null) return null;
  const text = toText(s), delim = toText(d), count = toInt(n);
  if (count === 0 || delim === '') return '';
  const parts = text.split(delim);
  if (Math.abs(count) >= parts.length) return text;
  return count > 0 ? parts.slice(0, count).join(delim) : parts.slice(parts.length + count).join(delim);
}

/**
 * LOCATE(substr, str[, pos]) and INSTR(str, substr) (Item_func_locate): the 1-based position of
 * the first substr in str at or after pos, 0 when none (or pos out of range), compared
 * case-insensitively as the default collation compares; an empty substr is found at pos.
 */
function locate(sub: SqlValue, s: SqlValue, pos: SqlValue = 1): SqlValue {
  if (sub === null || s === null || pos === null) return null;
  const needle = chars(toText(sub).toLowerCase()), hay = chars(toText(s).toLowerCase());
  const start = toInt(pos) - 1;
  if (start < 0 || start > hay.length) return 0;
  if (needle.length === 0) return start + 1;
  for (let k = start; k + needle.length <= hay.length; k++) {
    let match = true;
    for (let j = 0; j < needle.length && match; j++) match = hay[k + j] === needle[j];
    if (match) return k + 1;
  }
  return 0;
}

/**
 * GREATEST/LEAST (Item_func_min_max; the manual, comparison-operators.html: "If the arguments
 * comprise a mix of numbers and strings, they are compared as strings"): NULL when any argument is
 * NULL; numbers compared as numbers when every argument is a number, otherwise every argument
 * compared as a nonbinary string (case-insensitively); the first of equal extremes wins.
 */
function extreme(sign: 1 | -1): (...args: SqlValue[]) => SqlValue {
  return (...args) => {
    if (args.some((a) => a === null)) return null;
    const numeric = args.every((a) => typeof a === 'number');
    let best = args[0]!;
    for (const a of args.slice(1)) {
      const cmp = numeric ? Math.sign((a as number) - (best as number)) : compareText(toText(a), toText(best));
      if (cmp * sign > 0) best = a!;
    }
    return numeric ? best : toText(best);
  };
}

function compareText(a: string, b: string): number {
  const x = a.toLowerCase(), y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

/** REPEAT(str, count) (Item_func_repeat): '' for count <= 0. */
function repeat(s: SqlValue, n: SqlValue): SqlValue {
  if (s === null || n === null) return null;
  const count = toInt(n);
  if (count > 0 && toText(s).length * count > MAX_BUILT_TEXT) return null;
  return count <= 0 ? '' : toText(s).repeat(count);
}

/**
 * `str LIKE pattern` compared byte by byte, as MySQL's LIKE compares in a binary collation
 * (Item_func_like; the manual, string-comparison-functions.html): `%` any run of characters, `_`
 * one character, a backslash escaping the next; NULL when either is NULL.
 */
function likeBinary(s: SqlValue, p: SqlValue): SqlValue {
  if (s === null || p === null) return null;
  const pattern = chars(toText(p));
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) re += escapeRegExp(pattern[++i]!);
    else if (c === '%') re += '.*';
    else if (c === '_') re += '.';
    else re += escapeRegExp(c);
  }
  return new RegExp(`^${re}$`, 'su').test(toText(s)) ? 1 : 0;
}

function escapeRegExp(c: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(c) ? `\\${c}` : c;
}

// ------------------------------------------------------------------ time

/** A DATETIME as MySQL's string-to-time conversion reads it, with whether the text gave a time of day. */
export interface DateTimeValue {
  readonly epochUs: number;
  readonly hasTime: boolean;
  /** Fractional-second digits the text gave (0..6). */
  readonly digits: number;
}

/**
 * Reads a DATE or DATETIME argument: 'YYYY-MM-DD', 'YYYY-MM-DD hh:mm:ss[.ffffff]' (a 'T' for the
 * space too) or the digits-only forms YYYYMMDD and YYYYMMDDhhmmss, as text or number; null for
 * anything else or an impossible date (MySQL answers NULL with warning 1292 then).
 */
export function parseDateTime(v: SqlValue): DateTimeValue | null {
  if (v === null) return null;
  const text = toText(v).trim();
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,6}))?)?$/.exec(text);
  if (m === null) {
    const d = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})(?:\.(\d{1,6}))?)?$/.exec(text);
    if (d === null) return null;
    m = d;
  }
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((k) => Number(m![k] ?? 0)) as [number, number, number, number, number, number];
  const fraction = m[7] ?? '';
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) return null;
  // setUTCFullYear, not Date.UTC, which reads years 0..99 as 1900..1999.
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, 0);
  return { epochUs: d.getTime() * 1000 + Number(fraction.padEnd(6, '0') || 0), hasTime: m[4] !== undefined, digits: fraction.length };
}

function daysInMonth(year: number, month: number): number {
  return month === 2 ? (isLeap(year) ? 29 : 28) : [31, 0, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/**
 * 'YYYY-MM-DD hh:mm:ss' of an epoch time in µs (UTC, years 0..9999), with `digits` (0..6)
 * fractional digits, truncated as NOW(fsp) truncates (sql/sql_class.h, THD::query_start_timeval_trunc).
 */
export function formatDateTime(epochUs: number, digits: number): string {
  const us = Math.floor(epochUs);
  const seconds = new Date(Math.floor(us / 1000)).toISOString().slice(0, 19).replace('T', ' ');
  const micro = ((us % 1_000_000) + 1_000_000) % 1_000_000;
  return digits === 0 ? seconds : `${seconds}.${String(micro).padStart(6, '0').slice(0, digits)}`;
}

/**
 * The units of TIMESTAMPDIFF and TIMESTAMPADD (sql/sql_yacc.yy, interval_time_stamp), with the
 * SQL_TSI_ synonyms of sql/lex.h.
 */
export const TIMESTAMP_UNITS: ReadonlySet<string> = new Set(['MICROSECOND', 'SECOND', 'MINUTE', 'HOUR', 'DAY', 'WEEK', 'MONTH', 'QUARTER', 'YEAR']);
export function timestampUnit(word: string): string | null {
  const w = word.toUpperCase().replace(/^SQL_TSI_/, '');
  return TIMESTAMP_UNITS.has(w) && !(w === 'MICROSECOND' && word.toUpperCase().startsWith('SQL_TSI_')) ? w : null;
}

const US_PER: Readonly<Record<string, number>> = { MICROSECOND: 1, SECOND: 1e6, MINUTE: 60e6, HOUR: 3600e6, DAY: 86400e6, WEEK: 7 * 86400e6 };

/**
 * TIMESTAMPDIFF(unit, a, b) (Item_func_timestamp_diff::val_int): b − a in whole units, truncated
 * toward zero. MONTH, QUARTER and YEAR count calendar months: a month counts once the later
 * date's day and time of day reach the earlier's.
 */
function timestampDiff(unit: string, a: SqlValue, b: SqlValue): SqlValue {
  const x = parseDateTime(a), y = parseDateTime(b);
  if (x === null || y === null) return null;
  const neg = y.epochUs < x.epochUs;
  const [beg, end] = neg ? [y, x] : [x, y];
  const sign = neg ? -1 : 1;
  const perUnit = US_PER[unit];
  if (perUnit !== undefined) return sign * Math.floor((end.epochUs - beg.epochUs) / perUnit);
  const b0 = new Date(Math.floor(beg.epochUs / 1000)), e0 = new Date(Math.floor(end.epochUs / 1000));
  const timeOfDay = (d: DateTimeValue): number => ((d.epochUs % 86400e6) + 86400e6) % 86400e6;
  let months = (e0.getUTCFullYear() - b0.getUTCFullYear()) * 12 + (e0.getUTCMonth() - b0.getUTCMonth());
  if (e0.getUTCDate() < b0.getUTCDate() || (e0.getUTCDate() === b0.getUTCDate() && timeOfDay(end) < timeOfDay(beg))) months -= 1;
  const whole = unit === 'YEAR' ? Math.floor(months / 12) : unit === 'QUARTER' ? Math.floor(months / 3) : months;
  return sign * whole;
}

/**
 * TIMESTAMPADD(unit, n, datetime) (Item_date_add_interval): the DATE or DATETIME n units later.
 * A DATE stays a DATE for DAY and longer units; MONTH, QUARTER and YEAR keep the day of month,
 * clamped to the last day of the month reached; fractional seconds are shown when not zero.
 */
function timestampAdd(unit: string, n: SqlValue, v: SqlValue): SqlValue {
  const t = parseDateTime(v);
  if (t === null || n === null) return null;
  const count = toInt(n);
  let us: number;
  const perUnit = US_PER[unit];
  if (perUnit !== undefined) us = t.epochUs + count * perUnit;
  else {
    const months = count * (unit === 'YEAR' ? 12 : unit === 'QUARTER' ? 3 : 1);
    const d = new Date(Math.floor(t.epochUs / 1000));
    const total = d.getUTCFullYear() * 12 + d.getUTCMonth() + months;
    const year = Math.floor(total / 12), month = total % 12 + 1;
    const day = Math.min(d.getUTCDate(), daysInMonth(year, month));
    const timeOfDay = ((t.epochUs % 86400e6) + 86400e6) % 86400e6;
    const parsed = parseDateTime(`${String(year).padStart(4, '0')}-${month}-${day}`);
    if (parsed === null) return null;
    us = parsed.epochUs + timeOfDay;
  }
  // Past DATETIME's years (0..9999) the result is NULL, with a warning (sql/item_timefunc.cc, date_add_interval: datetime field overflow).
  const year = new Date(Math.floor(us / 1000)).getUTCFullYear();
  if (year < 0 || year > 9999) return null;
  const dateOnly = !t.hasTime && unit !== 'MICROSECOND' && unit !== 'SECOND' && unit !== 'MINUTE' && unit !== 'HOUR';
  const text = formatDateTime(us, us % 1_000_000 !== 0 ? 6 : 0);
  return dateOnly ? text.slice(0, 10) : text;
}

/**
 * Latest second UNIX_TIMESTAMP(datetime) converts (include/my_time.h MYTIME_MAX_VALUE, 64-bit
 * builds from 8.0.28): 3001-01-18 23:59:59 UTC. In seconds: µs since 1970 pass 2^53 by then.
 */
const UNIX_TIMESTAMP_MAX_S_64 = Date.UTC(3001, 0, 18, 23, 59, 59) / 1000;
/** Before 8.0.28 (and on 32-bit builds): 2038-01-19 03:14:07 UTC, 2^31 − 1. */
const UNIX_TIMESTAMP_MAX_S_32 = 2 ** 31 - 1;

/**
 * UNIX_TIMESTAMP(datetime) (Item_func_unix_timestamp): seconds since 1970-01-01 00:00:00 UTC (the
 * session time zone, SYSTEM, is UTC here), with the fractional digits the argument gave; 0 out of
 * range, as the manual says; NULL for text that is no date.
 */
function unixTimestampOf(v: SqlValue, wide: boolean): SqlValue {
  const t = parseDateTime(v);
  if (t === null) return null;
  const seconds = Math.floor(t.epochUs / 1_000_000);
  if (seconds < 1 || seconds > (wide ? UNIX_TIMESTAMP_MAX_S_64 : UNIX_TIMESTAMP_MAX_S_32)) return 0;
  if (t.digits === 0) return seconds;
  return `${seconds}.${String(t.epochUs % 1_000_000).padStart(6, '0').slice(0, t.digits)}`;
}

const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
/** Monday first, as MySQL's calc_weekday(daynr, false) counts (sql-common/my_time.cc). */
const DAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** The flags of calc_week's week_behaviour (include/my_time.h): Monday starts the week; weeks belong to a year (1..53); the first week is the one with the first such weekday. */
const WEEK_MONDAY_FIRST = 1, WEEK_YEAR = 2, WEEK_FIRST_WEEKDAY = 4;

/** calc_daynr's day number of 1970-01-01 (DAYS_AT_TIMESTART, include/my_time.h). */
const DAYS_AT_TIMESTART = 719_528;

/** The day number of a date as calc_daynr counts it (sql-common/my_time.cc): days of the proleptic Gregorian calendar. */
function dayNumber(year: number, month: number, day: number): number {
  // setUTCFullYear, not Date.UTC, which reads years 0..99 as 1900..1999.
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  return Math.round(d.getTime() / 86_400_000) + DAYS_AT_TIMESTART;
}

/** calc_weekday (sql-common/my_time.cc): 0 is Monday, or Sunday when `sundayFirst`. */
function weekday(daynr: number, sundayFirst: boolean): number {
  return (daynr + 5 + (sundayFirst ? 1 : 0)) % 7;
}

/**
 * calc_week (sql-common/my_time.cc), in our own words: the week of the date, and the year that
 * week belongs to, under `behaviour` (WEEK_* flags). Without WEEK_YEAR the days before the first
 * week are week 0; with it they are the previous year's last week, and the last days of December
 * may be next year's week 1.
 */
function calcWeek(year: number, month: number, day: number, behaviour: number): { week: number; year: number } {
  const daynr = dayNumber(year, month, day);
  let first = dayNumber(year, 1, 1);
  const mondayFirst = (behaviour & WEEK_MONDAY_FIRST) !== 0;
  let weekYear = (behaviour & WEEK_YEAR) !== 0;
  const firstWeekday = (behaviour & WEEK_FIRST_WEEKDAY) !== 0;
  let wd = weekday(first, !mondayFirst);
  let y = year;
  // Whether the year's first days precede its first week.
  const beforeFirstWeek = (w: number): boolean => (firstWeekday && w !== 0) || (!firstWeekday && w >= 4);
  if (month === 1 && day <= 7 - wd) {
    if (!weekYear && beforeFirstWeek(wd)) return { week: 0, year: y };
    weekYear = true;
    y--;
    const days = isLeap(y) ? 366 : 365;
    first -= days;
    wd = (wd + 53 * 7 - days) % 7;
  }
  const days = beforeFirstWeek(wd) ? daynr - (first + (7 - wd)) : daynr - (first - wd);
  if (weekYear && days >= 52 * 7) {
    const next = (wd + (isLeap(y) ? 366 : 365)) % 7;
    if ((!firstWeekday && next < 4) || (firstWeekday && next === 0)) return { week: 1, year: y + 1 };
  }
  return { week: Math.floor(days / 7) + 1, year: y };
}

/**
 * DATE_FORMAT(date, format) (sql/item_timefunc.cc, Item_func_date_format::val_str and
 * make_date_time, read and written anew): each `%x` of the format replaced by a part of the date
 * (lc_time_names en_US), every other character kept; an unknown specifier gives its letter alone
 * (`%Q` is `Q`), and a `%` that ends the format stays. A DATE's time of day is 00:00:00. NULL when
 * either argument is NULL, the format is empty (val_str's `!format->length()`) or the date is no
 * date (MySQL also warns, 1292).
 */
export function dateFormat(v: SqlValue, f: SqlValue): SqlValue {
  if (v === null || f === null || toText(f).length === 0) return null;
  const t = parseDateTime(v);
  if (t === null) return null;
  const d = new Date(Math.floor(t.epochUs / 1000));
  const year = d.getUTCFullYear(), month = d.getUTCMonth() + 1, day = d.getUTCDate();
  const hour = d.getUTCHours(), minute = d.getUTCMinutes(), second = d.getUTCSeconds();
  const micro = ((t.epochUs % 1_000_000) + 1_000_000) % 1_000_000;
  const pad = (n: number, width: number): string => String(n).padStart(width, '0');
  const hour12 = (hour + 11) % 12 + 1;
  const ampm = hour < 12 ? 'AM' : 'PM';
  const daynr = dayNumber(year, month, day);
  const fmt = toText(f);
  let out = '';
  for (let i = 0; i < fmt.length; i++) {
    const c = fmt[i]!;
    if (c !== '%' || i + 1 === fmt.length) { out += c; continue; }
    const spec = fmt[++i]!;
    switch (spec) {
      case 'M': out += MONTH_NAMES[month - 1]; break;
      case 'b': out += MONTH_NAMES[month - 1]!.slice(0, 3); break;
      case 'W': out += DAY_NAMES[weekday(daynr, false)]; break;
      case 'a': out += DAY_NAMES[weekday(daynr, false)]!.slice(0, 3); break;
      case 'D': out += String(day) + (day >= 10 && day <= 19 ? 'th' : day % 10 === 1 ? 'st' : day % 10 === 2 ? 'nd' : day % 10 === 3 ? 'rd' : 'th'); break;
      case 'Y': out += pad(year, 4); break;
      case 'y': out += pad(year % 100, 2); break;
      case 'm': out += pad(month, 2); break;
      case 'c': out += String(month); break;
      case 'd': out += pad(day, 2); break;
      case 'e': out += String(day); break;
      case 'f': out += pad(micro, 6); break;
      case 'H': out += pad(hour, 2); break;
      case 'h': case 'I': out += pad(hour12, 2); break;
      case 'i': out += pad(minute, 2); break;
      case 'j': out += pad(daynr - dayNumber(year, 1, 1) + 1, 3); break;
      case 'k': out += String(hour); break;
      case 'l': out += String(hour12); break;
      case 'p': out += ampm; break;
      case 'r': out += `${pad(hour12, 2)}:${pad(minute, 2)}:${pad(second, 2)} ${ampm}`; break;
      case 'S': case 's': out += pad(second, 2); break;
      case 'T': out += `${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}`; break;
      case 'U': out += pad(calcWeek(year, month, day, WEEK_FIRST_WEEKDAY).week, 2); break;
      case 'u': out += pad(calcWeek(year, month, day, WEEK_MONDAY_FIRST).week, 2); break;
      case 'V': out += pad(calcWeek(year, month, day, WEEK_YEAR | WEEK_FIRST_WEEKDAY).week, 2); break;
      case 'v': out += pad(calcWeek(year, month, day, WEEK_YEAR | WEEK_MONDAY_FIRST).week, 2); break;
      case 'X': out += pad(calcWeek(year, month, day, WEEK_YEAR | WEEK_FIRST_WEEKDAY).year, 4); break;
      case 'x': out += pad(calcWeek(year, month, day, WEEK_YEAR | WEEK_MONDAY_FIRST).year, 4); break;
      case 'w': out += String(weekday(daynr, true)); break;
      default: out += spec; break;
    }
  }
  return out;
}

/** Registers a function for each argument count in [min, max] (a SQLite function has a fixed arity: sql.js reads it from `length`). */
function register(db: Database, name: string, min: number, max: number, fn: (...args: SqlValue[]) => SqlValue): void {
  for (let n = min; n <= max; n++) {
    const f = (...args: SqlValue[]): SqlValue => fn(...args);
    Object.defineProperty(f, 'length', { value: n });
    db.create_function(name, f);
  }
}

/**
 * Registers the functions on `db`. `nowEpochUs` is the member's virtual wall clock (the one NOW()
 * reads); `wideUnixTimestamp`: the server converts times up to 3001 (8.0.28 and later).
 */
export function registerMysqlFunctions(db: Database, nowEpochUs: () => number, wideUnixTimestamp: boolean): void {
  register(db, '__left', 2, 2, left);
  register(db, '__right', 2, 2, right);
  register(db, '__lpad', 3, 3, pad(true));
  register(db, '__rpad', 3, 3, pad(false));
  register(db, '__substring_index', 3, 3, substringIndex);
  register(db, '__substring', 2, 3, (s, p, n) => substring(s, p, n === undefined ? Number.MAX_SAFE_INTEGER : n));
  register(db, '__trim', 3, 3, trim);
  register(db, '__locate', 2, 3, (sub, s, pos) => locate(sub, s, pos === undefined ? 1 : pos));
  register(db, '__instr', 2, 2, (s, sub) => locate(sub, s));
  register(db, '__repeat', 2, 2, repeat);
  register(db, '__like_bin', 2, 2, likeBinary);
  register(db, '__greatest', 2, MAX_VARIADIC_ARGUMENTS, extreme(1));
  register(db, '__least', 2, MAX_VARIADIC_ARGUMENTS, extreme(-1));
  register(db, '__timestampdiff', 3, 3, (unit, a, b) => (a === null || b === null ? null : timestampDiff(String(unit), a, b)));
  register(db, '__timestampadd', 3, 3, (unit, n, v) => (n === null || v === null ? null : timestampAdd(String(unit), n, v)));
  // CURDATE() and CURTIME([fsp]): the date and the time of day of NOW()'s clock (Item_func_curdate_local, Item_func_curtime_local).
  register(db, '__curdate', 0, 0, () => formatDateTime(nowEpochUs(), 0).slice(0, 10));
  register(db, '__curtime', 1, 1, (digits) => formatDateTime(nowEpochUs(), Number(digits)).slice(11));
  register(db, '__date_format', 2, 2, dateFormat);
  // UNIX_TIMESTAMP() is the statement's start time, as NOW() is: whole seconds.
  register(db, '__unix_timestamp', 0, 0, () => Math.floor(nowEpochUs() / 1_000_000));
  register(db, '__unix_timestamp', 1, 1, (v) => (v === null ? null : unixTimestampOf(v, wideUnixTimestamp)));
}
