// The reference case's real error-log lines (test/fixtures/seed-case/real-error-log.txt) and how
// grsim's run of scenarios/seed-case.yaml is compared with them, shared by
// test/scenario/seed-case-real-log.test.ts and scripts/seed-case-table.mjs so that the test and
// the table in docs/model.md apply the same rules. The rules are explained in docs/seed-case.md.
// Plain JavaScript (with seed-case-lines.d.mts beside it) so that the script runs under node
// without a TypeScript step.

import { readFileSync } from 'node:fs';

/** The fixture with the real lines, grouped by member. */
export const REAL_ERROR_LOG_FILE = new URL('../test/fixtures/seed-case/real-error-log.txt', import.meta.url);

const S = 1_000_000;
const epochUs = (iso) => Date.parse(iso) * 1000;

/**
 * The case's two operator actions, in µs since the Unix epoch. The article gives each only as the
 * `date` printed right after the iptables commands (13:03:01 and 13:07:30, whole seconds), so the
 * real instants are known to about a second; scenarios/seed-case.yaml schedules them at these
 * nominal times.
 */
export const SEED_CASE_CUT_EPOCH_US = epochUs('2022-07-31T13:03:01Z');
export const SEED_CASE_HEAL_EPOCH_US = epochUs('2022-07-31T13:07:30Z');

/**
 * Tolerances on |grsim's delay − the real delay| after the line's anchor (the cut for lines
 * before the heal, the heal for the others), by phase of the case (docs/seed-case.md explains
 * each figure).
 */
export const PHASE_TOLERANCE_US = {
  detection: 3 * S,
  removal: 4 * S,
  reconnection: 12 * S,
  'expel and rejoin': 16 * S,
};

/** Tolerance on the gap between two consecutive compared lines of one member within one phase anchor. */
export const STEP_TOLERANCE_US = 4 * S;

const LINE = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6})(?:-00:00|Z) (\d+) \[(\w+)\] \[(MY-\d{6})\] (.*)$/;

/**
 * Parses the fixture: "== <member>" opens a member's section, "#" lines are comments, every other
 * non-empty line is one error-log line. Returns the lines in file order.
 * @param {string} text
 */
export function parseRealErrorLog(text) {
  const lines = [];
  let member = null;
  text.split('\n').forEach((raw, i) => {
    const l = raw.trimEnd();
    if (l === '' || l.startsWith('#')) return;
    if (l.startsWith('== ')) { member = l.slice(3).trim(); return; }
    const m = LINE.exec(l);
    if (m === null || member === null) throw new Error(`real-error-log.txt line ${i + 1}: not an error-log line under a "== member" header: ${l.slice(0, 80)}`);
    const [, ts, , level, code, rest] = m;
    const timeEpochUs = epochUs(`${ts}Z`);
    const anchor = timeEpochUs < SEED_CASE_HEAL_EPOCH_US ? 'cut' : 'heal';
    lines.push({ member, timeEpochUs, level, code, body: bodyOf(l), anchor, phase: phaseOf(code, anchor), line: i + 1 });
  });
  return lines;
}

/** The fixture, parsed. */
export function readRealErrorLog() {
  return parseRealErrorLog(readFileSync(REAL_ERROR_LOG_FILE, 'utf8'));
}

/** Which part of the case a line belongs to (keys of PHASE_TOLERANCE_US). */
function phaseOf(code, anchor) {
  if (anchor === 'cut') return code === 'MY-011493' || code === 'MY-011495' ? 'detection' : 'removal';
  return code === 'MY-011494' || code === 'MY-011498' ? 'reconnection' : 'expel and rejoin';
}

/**
 * A line without its timestamp and thread id, the random part of view ids replaced by `*`:
 * what a simulated line must print exactly.
 * @param {string} line
 */
export function bodyOf(line) {
  return line.replace(/^\S+ \d+ /, '').replace(/ on view \d+:(\d+)\./, ' on view *:$1.');
}

/**
 * Pairs every real line with grsim's line of the same code on the same member, the k-th real
 * occurrence with the k-th simulated one (null when grsim logged fewer).
 * @param {ReturnType<typeof parseRealErrorLog>} real
 * @param {{ member: string, timeEpochUs: number, code: string, text: string }[]} simulated
 */
export function pairLines(real, simulated) {
  const seen = new Map();
  return real.map((r) => {
    const key = `${r.member} ${r.code}`;
    const k = seen.get(key) ?? 0;
    seen.set(key, k + 1);
    const sim = simulated.filter((s) => s.member === r.member && s.code === r.code)[k] ?? null;
    const anchorUs = r.anchor === 'cut' ? SEED_CASE_CUT_EPOCH_US : SEED_CASE_HEAL_EPOCH_US;
    const realDelayUs = r.timeEpochUs - anchorUs;
    const simDelayUs = sim === null ? null : sim.timeEpochUs - anchorUs;
    return { real: r, sim, realDelayUs, simDelayUs, deltaUs: simDelayUs === null ? null : simDelayUs - realDelayUs };
  });
}
