import type { ScenarioReport } from './json-report.js';

/** One linear piece of the time axis: seconds [t0, t1] drawn over pixels [x0, x1]. */
export type AxisPiece = readonly [t0: number, t1: number, x0: number, x1: number];

/** Width of a compressed quiet stretch, px. */
export const BREAK_W = 46;
/** Seconds of context kept on each side of a compressed quiet stretch. */
const QUIET_PAD_S = 4;

/**
 * Every instant something visible happens in the run (log lines, state and view changes, flags,
 * suspicions, fault starts and ends), sorted.
 */
function activity(report: ScenarioReport): number[] {
  const ts: number[] = [0, report.end];
  for (const l of report.log) ts.push(l.t);
  for (const s of report.states) ts.push(s.t);
  for (const v of report.views) ts.push(v.t);
  for (const f of report.flags) ts.push(f.t);
  for (const s of report.suspicions) ts.push(s.t);
  for (const f of report.faults) { ts.push(f.start); if (f.end !== null) ts.push(f.end); }
  return ts.sort((a, b) => a - b);
}

/**
 * The time axis over `width` px from `left`: linear, except that stretches in which nothing happens
 * for longer than a tenth of the run (and at least a minute) shrink to BREAK_W px each, so the few
 * seconds in which a fault is detected and handled are readable next to a long quiet outage. A run
 * with a workload stays linear: its cache and throughput curves change all the time.
 */
export function axisPieces(report: ScenarioReport, left: number, width: number): AxisPiece[] {
  const end = report.end > 0 ? report.end : 1;
  const quiet: [number, number][] = [];
  if (report.workload === undefined) {
    const ts = activity(report);
    const minGap = Math.max(60, end / 10);
    for (let i = 1; i < ts.length; i++) {
      const a = ts[i - 1]! + QUIET_PAD_S, b = ts[i]! - QUIET_PAD_S;
      if (b - a >= minGap) quiet.push([a, b]);
    }
  }
  // Too many breaks would leave the pieces no room: keep the longest ones.
  const maxBreaks = Math.floor(width / 4 / BREAK_W);
  const kept = quiet.length <= maxBreaks ? quiet : [...quiet].sort((p, q) => (q[1] - q[0]) - (p[1] - p[0]) || p[0] - q[0]).slice(0, maxBreaks).sort((p, q) => p[0] - q[0]);
  const squeezed = kept.reduce((s, [a, b]) => s + (b - a), 0);
  const pxPerS = (width - kept.length * BREAK_W) / (end - squeezed);
  const pieces: AxisPiece[] = [];
  let t = 0, xx = left;
  for (const [a, b] of kept) {
    pieces.push([t, a, xx, xx + (a - t) * pxPerS]);
    xx += (a - t) * pxPerS;
    pieces.push([a, b, xx, xx + BREAK_W]);
    xx += BREAK_W;
    t = b;
  }
  pieces.push([t, end, xx, left + width]);
  return pieces;
}

/** Whether a piece is a compressed quiet stretch (odd positions, between linear pieces). */
export function isBreak(pieces: readonly AxisPiece[], k: number): boolean {
  return k % 2 === 1;
}

/** Time → x on the axis. */
export function axisX(pieces: readonly AxisPiece[], t: number): number {
  for (const [t0, t1, x0, x1] of pieces) {
    if (t <= t1) return t1 === t0 ? x0 : x0 + ((Math.max(t, t0) - t0) / (t1 - t0)) * (x1 - x0);
  }
  const last = pieces[pieces.length - 1]!;
  return last[3];
}
