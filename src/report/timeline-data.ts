import type { MajorityEndCause as EpisodeEndCause } from '../observe/metrics.js';
import type { ScenarioReport } from './json-report.js';

/** A stretch of constant value on a time line, in seconds: [start, end). */
export interface Segment<V> {
  readonly start: number;
  readonly end: number;
  readonly value: V;
}

/**
 * Run-length segments of a value that changes at the given times (in time order), from the first
 * change to `end`; consecutive equal values merge and empty stretches are dropped, so a long run
 * costs one segment per real change, not one per sample.
 */
export function runLength<V>(changes: readonly (readonly [number, V])[], end: number, same: (a: V, b: V) => boolean = (a, b) => a === b): Segment<V>[] {
  const out: Segment<V>[] = [];
  let cur: { start: number; value: V } | null = null;
  for (const [t, v] of changes) {
    if (cur !== null && same(cur.value, v)) continue;
    if (cur !== null && t > cur.start) out.push({ start: cur.start, end: t, value: cur.value });
    // A change at the same instant replaces the previous value without leaving an empty segment.
    cur = { start: cur !== null && t === cur.start ? cur.start : t, value: v };
    const last = out[out.length - 1];
    if (last !== undefined && last.end === cur.start && same(last.value, v)) { out.pop(); cur = { start: last.start, value: v }; }
  }
  if (cur !== null && end > cur.start) out.push({ start: cur.start, end, value: cur.value });
  return out;
}

/**
 * How a suspicion on a swimlane ended: cleared (the suspect came back, or left the configuration),
 * timed out, dropped with the rest when the member's GCS stopped (`left`: its leave view or its
 * server stopping), or still held at the end of the run (`open`).
 */
export type SuspicionOutcome = 'cleared' | 'timedOut' | 'left' | 'open';

/** A member's own state as its swimlane shows it: OFFLINE while its server does not run. */
export type LaneState = 'ONLINE' | 'RECOVERING' | 'ERROR' | 'OFFLINE';

/** What one member's swimlane shows, as run-length segments (seconds). */
export interface MemberLane {
  readonly name: string;
  readonly state: readonly Segment<LaneState>[];
  /** Stretches during which the member showed itself as PRIMARY. */
  readonly primary: readonly Segment<true>[];
  readonly superReadOnly: readonly Segment<true>[];
  readonly offlineMode: readonly Segment<true>[];
  /**
   * Each suspicion this member's GCS held (of another member, or of itself from a global view that
   * marks it failed): created → cleared / timed out / dropped when its GCS stopped (`left`); `end`
   * is the run's end if none of these.
   */
  readonly suspicions: readonly { readonly suspect: string; readonly start: number; readonly end: number; readonly outcome: SuspicionOutcome; readonly expelRequested: number | null }[];
  /** Auto-rejoin attempts: MY-013373 → MY-013375 (`ok` null: still running at the end). */
  readonly rejoins: readonly { readonly start: number; readonly end: number; readonly ok: boolean | null }[];
  /** Indices into report.log of this member's lines. */
  readonly logLines: readonly number[];
}

const yes = (v: boolean): true | null => (v ? true : null);

/** Segments where a boolean series is true. */
function trueSegments(changes: readonly (readonly [number, boolean])[], end: number): Segment<true>[] {
  return runLength(changes.map(([t, v]) => [t, yes(v)] as const), end).filter((s): s is Segment<true> => s.value === true);
}

/** Builds every member's swimlane from a report (one pass over each series). */
export function memberLanes(report: ScenarioReport): MemberLane[] {
  const end = report.end;
  return report.members.map(({ name }) => {
    const own: [number, string | null, string][] = [];
    for (const s of report.states) if (s.observer === name && s.member === name) own.push([s.t, s.state, s.role]);
    const running: [number, boolean][] = [];
    const sro: [number, boolean][] = [];
    const offline: [number, boolean][] = [];
    for (const f of report.flags) {
      if (f.member !== name) continue;
      running.push([f.t, f.running]); sro.push([f.t, f.superReadOnly && f.running]); offline.push([f.t, f.offlineMode && f.running]);
    }
    // Merge the two series in time order: the shown state is OFFLINE whenever the server is down.
    const merged: [number, LaneState][] = [];
    const primary: [number, boolean][] = [];
    let i = 0, j = 0, self: string | null = 'ONLINE', role = '', up = true;
    while (i < own.length || j < running.length) {
      const takeOwn = j >= running.length || (i < own.length && own[i]![0] <= running[j]![0]);
      let t: number;
      if (takeOwn) { const o = own[i++]!; t = o[0]; self = o[1]; role = o[2]; } else { const r = running[j++]!; t = r[0]; up = r[1]; }
      const shown: LaneState = !up || self === null || self === 'UNREACHABLE' ? 'OFFLINE' : (self as LaneState);
      merged.push([t, shown]);
      primary.push([t, up && shown === 'ONLINE' && role === 'PRIMARY']);
    }
    type Suspicion = { suspect: string; start: number; end: number; outcome: SuspicionOutcome; expelRequested: number | null };
    const suspicions: Suspicion[] = [];
    const open = new Map<string, Suspicion>();
    const lastTimedOut = new Map<string, Suspicion>();
    // When this member's GCS stopped, in time order: its leave view (expel, leave, STOP) or its
    // server stopping. GCS drops every suspicion then without a word (the leave's
    // do_remove_node_from_group calls Gcs_suspicions_manager::clear_suspicions, and a stopped
    // process holds nothing), so the trace has no event that ends them.
    const stops: number[] = [];
    for (const v of report.views) if (v.member === name && v.viewId === '') stops.push(v.t);
    for (const f of report.flags) if (f.member === name && !f.running) stops.push(f.t);
    stops.sort((a, b) => a - b);
    let nextStop = 0;
    const dropOpen = (t: number): void => {
      for (const x of open.values()) { x.end = t; x.outcome = 'left'; }
      open.clear();
    };
    for (const s of report.suspicions) {
      if (s.member !== name) continue;
      // A stop at the same instant as a suspicion event comes after it (GCS stops last).
      while (nextStop < stops.length && (stops[nextStop] as number) < s.t) dropOpen(stops[nextStop++] as number);
      const cur = open.get(s.suspect);
      if (s.action === 'created') {
        if (cur === undefined) { const x: Suspicion = { suspect: s.suspect, start: s.t, end, outcome: 'open', expelRequested: null }; open.set(s.suspect, x); suspicions.push(x); }
      } else if (s.action === 'expelRequested') {
        // The killer node asks for the expel right after its suspicion timed out (same instant).
        const x = cur ?? lastTimedOut.get(s.suspect);
        if (x !== undefined) x.expelRequested = s.t;
      } else if (cur !== undefined) {
        open.delete(s.suspect);
        cur.end = s.t; cur.outcome = s.action;
        if (s.action === 'timedOut') lastTimedOut.set(s.suspect, cur);
      }
    }
    if (open.size > 0 && nextStop < stops.length) dropOpen(stops[nextStop] as number);
    suspicions.sort((a, b) => a.start - b.start);
    const rejoins: { start: number; end: number; ok: boolean | null }[] = [];
    let attempt: number | null = null;
    const logLines: number[] = [];
    report.log.forEach((l, k) => {
      if (l.member !== name) return;
      logLines.push(k);
      if (l.code === 'MY-013373') {
        if (attempt !== null) rejoins.push({ start: attempt, end: l.t, ok: false });
        attempt = l.t;
      } else if (l.code === 'MY-013375' && attempt !== null) {
        rejoins.push({ start: attempt, end: l.t, ok: !l.message.includes('was not able') });
        attempt = null;
      }
    });
    if (attempt !== null) rejoins.push({ start: attempt, end, ok: null });
    return {
      name,
      state: runLength(merged, end),
      primary: trueSegments(primary, end),
      superReadOnly: trueSegments(sro, end),
      offlineMode: trueSegments(offline, end),
      suspicions,
      rejoins,
      logLines,
    };
  });
}

/**
 * Why a member's stretch without a majority ended (metrics.ts MajorityEndCause: regained, expelled,
 * error, stopped, left, offline), or `open` when the run ended first.
 */
export type MajorityEndCause = EpisodeEndCause | 'open';

/** One stretch of a member without a majority, as the timeline draws it (seconds). */
export interface MajorityPeriod {
  readonly member: string;
  /** The first MY-011495/MY-011496 of the episode. */
  readonly start: number;
  /** Where the stretch ends: the regain, the member leaving the group, or the run's end. */
  readonly end: number;
  readonly cause: MajorityEndCause;
}

/**
 * Each of report.metrics.majority's episodes with the time it ended and why, as the metrics recorded
 * them (`ended`, `endedBy`); an episode still open at the end of the run ends at the run's end.
 */
export function majorityPeriods(report: ScenarioReport): MajorityPeriod[] {
  return report.metrics.majority.map((ep): MajorityPeriod => {
    const { member, lost } = ep;
    if (ep.endedBy === undefined) return endOfOlderEpisode(report, ep);
    if (ep.endedBy === null || ep.ended === null || ep.ended === undefined) return { member, start: lost, end: report.end, cause: 'open' };
    return { member, start: lost, end: ep.ended, cause: ep.endedBy };
  });
}

/** The error-log line a member writes when it learns that it was expelled (plugin.cc, MY-011505). */
const EXPELLED_CODE = 'MY-011505';

/**
 * The end of an episode of a report written before the metrics recorded it (no `endedBy`: grsim
 * 0.1.0 and the versions after it until this field came), found from the report's other sections
 * with the metrics fold's rules: an episode that ended by the member leaving the group (`end:
 * 'left'`) ends at the first of its own state leaving ONLINE/RECOVERING, its leave view and its
 * server stopping, at or after the loss.
 */
function endOfOlderEpisode(report: ScenarioReport, ep: ScenarioReport['metrics']['majority'][number]): MajorityPeriod {
  const { member, lost } = ep;
  if (ep.end === 'regained' && ep.regained !== null) return { member, start: lost, end: ep.regained, cause: 'regained' };
  if (ep.end !== 'left') return { member, start: lost, end: report.end, cause: 'open' };
  let end = Infinity;
  const at = new Set<'error' | 'offline' | 'left' | 'stopped'>();
  const candidate = (t: number, cause: 'error' | 'offline' | 'left' | 'stopped'): void => {
    if (t < lost || t > end) return;
    if (t < end) { end = t; at.clear(); }
    at.add(cause);
  };
  for (const s of report.states) {
    if (s.observer === member && s.member === member && s.state !== 'ONLINE' && s.state !== 'RECOVERING') candidate(s.t, s.state === 'ERROR' ? 'error' : 'offline');
  }
  for (const v of report.views) if (v.member === member && v.viewId === '') candidate(v.t, 'left');
  for (const f of report.flags) if (f.member === member && !f.running) candidate(f.t, 'stopped');
  if (end === Infinity) return { member, start: lost, end: report.end, cause: 'left' };
  const expelled = report.log.some((l) => l.member === member && l.t === end && l.code === EXPELLED_CODE);
  const cause: MajorityEndCause = at.has('stopped') ? 'stopped' : expelled ? 'expelled' : at.has('error') ? 'error' : at.has('left') ? 'left' : 'offline';
  return { member, start: lost, end, cause };
}

/** Why a member that left the group during a majority loss left it, in words. */
const LEFT_BECAUSE: Record<Exclude<MajorityEndCause, 'regained' | 'open'>, string> = {
  expelled: 'it learned that it was expelled (MY-011505)',
  error: 'it went ERROR',
  stopped: 'its server stopped',
  left: 'its leave view (STOP GROUP_REPLICATION or another leave of its own)',
  offline: 'it went OFFLINE',
};

/** How a majority period ended, in words: "regained it at 30.04 s", "left the group at 240.04 s: it learned that it was expelled (MY-011505)". */
export function majorityEndWords(p: MajorityPeriod, secs: (t: number) => string): string {
  if (p.cause === 'regained') return `regained it at ${secs(p.end)} (MY-011498)`;
  if (p.cause === 'open') return `still without one at the end of the run (${secs(p.end)})`;
  return `left the group at ${secs(p.end)}: ${LEFT_BECAUSE[p.cause]}`;
}

/** For each ordered pair (observer, observed), when the observer showed the observed member UNREACHABLE, and when it had left the observer's table. */
export interface PairRow {
  readonly observer: string;
  readonly member: string;
  readonly unreachable: readonly Segment<true>[];
  readonly absent: readonly Segment<true>[];
}

export function unreachablePairs(report: ScenarioReport): PairRow[] {
  const names = report.members.map((m) => m.name);
  const series = new Map<string, [number, string | null][]>();
  for (const s of report.states) {
    if (s.observer === s.member) continue;
    const key = `${s.observer}\u0000${s.member}`;
    let list = series.get(key);
    if (list === undefined) { list = []; series.set(key, list); }
    list.push([s.t, s.state]);
  }
  const rows: PairRow[] = [];
  for (const observer of names) {
    for (const member of names) {
      if (observer === member) continue;
      const list = series.get(`${observer}\u0000${member}`) ?? [];
      rows.push({
        observer, member,
        unreachable: trueSegments(list.map(([t, s]) => [t, s === 'UNREACHABLE'] as const), report.end),
        absent: trueSegments(list.map(([t, s]) => [t, s === null] as const), report.end),
      });
    }
  }
  return rows;
}

/** The first time each distinct view id was installed, with who installed it then. */
export function firstViews(report: ScenarioReport): { readonly t: number; readonly viewId: string; readonly members: readonly string[]; readonly by: string }[] {
  const seen = new Set<string>();
  const out: { t: number; viewId: string; members: readonly string[]; by: string }[] = [];
  for (const v of report.views) {
    if (v.viewId === '' || seen.has(v.viewId)) continue;
    seen.add(v.viewId);
    out.push({ t: v.t, viewId: v.viewId, members: v.members, by: v.member });
  }
  return out;
}

/**
 * A series reduced to at most one point per pixel column (`columns` over [0, end]): the maximum
 * (or mean) of the samples in each column, so a day of 0.1 s samples draws as a few hundred points.
 */
export function perColumn(points: readonly (readonly [number, number])[], end: number, columns: number, reduce: 'max' | 'mean'): [number, number][] {
  const out: [number, number][] = [];
  let col = -1, acc = 0, n = 0;
  const flush = (): void => { if (n > 0) out.push([((col + 0.5) / columns) * end, reduce === 'max' ? acc : acc / n]); };
  for (const [t, v] of points) {
    const c = Math.min(columns - 1, Math.floor((t / (end || 1)) * columns));
    if (c !== col) { flush(); col = c; acc = reduce === 'max' ? v : 0; n = 0; }
    if (reduce === 'max') acc = Math.max(acc, v); else acc += v;
    n++;
  }
  flush();
  return out;
}
