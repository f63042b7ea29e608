import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/duration.js';
import { parseBytes } from '../../src/gr/workload.js';
import { durationFlag, flagParser, FlagError, integerFlag, listFlag, secondsFlag } from '../../src/cli/flags.js';

/** The message a flag parser throws for `text`. */
function error(parse: (text: string) => unknown, text: string): string {
  try {
    parse(text);
  } catch (e) {
    expect(e).toBeInstanceOf(FlagError);
    return (e as Error).message;
  }
  throw new Error(`${JSON.stringify(text)} was accepted`);
}

describe('secondsFlag (--expel-timeout)', () => {
  const expel = secondsFlag('--expel-timeout', 0, 3600);
  it('takes seconds as the system variable does, or a duration in the scenario format', () => {
    for (const [text, s] of [['60', 60], ['60s', 60], ['1m', 60], ['60000ms', 60], ['0', 0], ['1h', 3600], [' 5 ', 5]] as const) expect(expel(text)).toBe(s);
  });
  it('refuses fractions of a second, values out of range and other text, naming the flag, the rule and the value', () => {
    const rule = 'must be a whole number of seconds in 0..3600 (a number of seconds, or a duration like "60s" or "1m")';
    for (const text of ['60.5s', '1500ms', '3601', '2h', '-1', 'sixty', '', '1e3']) expect(error(expel, text)).toBe(`--expel-timeout: ${rule}, got ${JSON.stringify(text)}`);
  });
});

describe('integerFlag', () => {
  const members = integerFlag('--members', 1, 9);
  it('takes decimal integers in range', () => {
    expect(members('1')).toBe(1);
    expect(members('9')).toBe(9);
  });
  it.each(['0', '10', '3.0', '3x', '', '0x3', '1e1'])('refuses %j', (text) => {
    expect(error(members, text)).toBe(`--members: must be an integer in 1..9, got ${JSON.stringify(text)}`);
  });
});

describe('flagParser: a scenario-format parser as a flag', () => {
  it('accepts what the scenario format accepts and names the flag in its errors', () => {
    const size = flagParser('--size', parseBytes);
    expect(size('1KiB')).toBe(1024);
    expect(size('1.5MB')).toBe(1_500_000);
    expect(size('512')).toBe(512);
    expect(error(size, '1 parsec')).toMatch(/^--size: must be a size in bytes from 1 to \d+ .*, got "1 parsec"$/);
  });
  it('durationFlag adds a range in the format\'s own spelling', () => {
    const duration = durationFlag('--duration', 1_000_000, 86_400_000_000);
    expect(duration('10m')).toBe(600_000_000);
    expect(duration('1s')).toBe(1_000_000);
    expect(error(duration, '999ms')).toBe('--duration: must be a duration from 1s to 24h, got "999ms"');
    expect(error(duration, '10')).toMatch(/^--duration: must be a duration such as .*, got "10"$/);
  });
  it('listFlag parses each comma-separated item and names the bad one', () => {
    const outages = listFlag('--outages', flagParser('--outages', parseDuration));
    expect(outages('10s, 1m,500ms')).toEqual([10_000_000, 60_000_000, 500_000]);
    expect(error(outages, '10s,soon')).toMatch(/^--outages: each comma-separated item must be a duration such as .*, got "soon"$/);
  });
});
