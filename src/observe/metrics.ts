import type { MemberState } from '../types.js';
import { NetworkReplay } from './network-replay.js';
import { InvariantError } from '../errors.js';
import type { SimEvent } from './events.js';
import { memberIndex, type RunRecord, type RunWorkload } from './run-record.js';
import { failoverFold, type FailoverRecord } from './failover-metrics.js';
import { ownLeaveLine, type LeaveCause } from './leave-lines.js';

export type { FailoverRecord } from './failover-metrics.js';

/**
 * One live observer noticing one member: fault start → UNREACHABLE, in µs. An observer that was
 * itself frozen or not running during the fault gives no sample measured from the fault's start:
 * its fault starts when it runs again with the fault still in force (docs/partition-experiments.md).
 */
export interface DetectionSample {
  readonly observer: string;
  readonly member: string;
  /**
   * When the network stopped letting observer and member exchange messages (µs), or, when the
   * observer was frozen or not running then, when it ran again with them still cut off.
   */
  readonly faultUs: number;
  /** When the observer first showed the member UNREACHABLE after that (µs). */
  readonly unreachableUs: number;
  /** unreachableUs − faultUs, in µs. */
  readonly latencyUs: number;
}

/** Count, minimum, maximum and mean (rounded down) of a set of durations, in µs; null fields when empty. */
export interface DurationStats {
  readonly count: number;
  readonly minUs: number | null;
  readonly maxUs: number | null;
  readonly meanUs: number | null;
}

/**
 * A member removed from the group without having asked to leave (see LeaveRecord), as seen by the
 * first member to install the removal view: an expel by the others' failure detector, or a removal
 * by group_replication_force_members.
 */
export interface ExpelRecord {
  readonly member: string;
  /** The first member that installed a view without it. */
  readonly remover: string;
  /** Start of the outage between remover and member (µs); null when they never lost contact. */
  readonly faultUs: number | null;
  /** When the remover first showed it UNREACHABLE during that outage (µs); null if never. */
  readonly unreachableUs: number | null;
  /** When the removal view was installed on the remover (µs). */
  readonly removedUs: number;
  /** removedUs − faultUs in µs; null without a fault. */
  readonly timeToExpelUs: number | null;
  /**
   * True when, at removal, remover and member could talk again and the member's server had not
   * crashed since the fault: the outage had already ended (or never happened).
   */
  readonly falseExpel: boolean;
}

/**
 * A member removed from the group because it asked to leave (STOP GROUP_REPLICATION, a scenario's
 * `remove`, the unreachable-majority timeout's leave, a join it gave up or that was refused, XCom's
 * exit when the group is too far ahead: leave-lines.ts OWN_LEAVE_LINES), as seen by the first
 * member to install the removal view; not an expel. A member that asked to leave
 * but whose expel some member requested (a `suspicion` expelRequested) before the removal view is
 * an expel: its own request did not reach the group first.
 */
export interface LeaveRecord {
  readonly member: string;
  /** The first member that installed a view without it. */
  readonly remover: string;
  /** When the member asked to leave: the first of its log lines that start its own removal (µs; leave-lines.ts OWN_LEAVE_LINES). */
  readonly askedUs: number;
  /** When the removal view was installed on the remover (µs). */
  readonly removedUs: number;
  /** What made it leave: the cause of the line at askedUs (leave-lines.ts). */
  readonly cause: LeaveCause;
}

/**
 * Why a member's stretch without a majority ended: it regained the majority (MY-011498), or it left
 * the group, which ends the stretch too (the plugin no longer waits for that group's majority):
 * its server stopped (`stopped`), it learned that it was expelled (`expelled`: MY-011505 at that
 * instant), it went ERROR otherwise (`error`: the unreachable-majority timeout's leave), its leave
 * view came (`left`: STOP GROUP_REPLICATION), or it went OFFLINE. When several of these happen at
 * the same instant the first of that list names it.
 */
export type MajorityEndCause = 'regained' | 'stopped' | 'expelled' | 'error' | 'left' | 'offline';

/** One stretch of a member's plugin believing it lost the majority (MY-011495/6 … MY-011498). */
export interface MajorityEpisode {
  readonly member: string;
  /** First MY-011495/MY-011496 of the episode (µs). */
  readonly lostUs: number;
  /** MY-011498 "resumed contact" (µs); null if the episode ended otherwise or is still open. */
  readonly regainedUs: number | null;
  /** How it ended: regained, the member left the group (ERROR, leave, crash), or still open at the end. */
  readonly end: 'regained' | 'left' | 'open';
  /**
   * When it ended (µs): the regain, or the first of the member leaving ONLINE/RECOVERING, its leave
   * view and its server stopping; null when still open at the end of the run.
   */
  readonly endedUs: number | null;
  /** Why it ended at endedUs; null when still open at the end of the run. */
  readonly endedBy: MajorityEndCause | null;
  /** When the network first let the member reach a majority of its view again, at or after lostUs (µs); null if never. */
  readonly networkRestoredUs: number | null;
  /** regainedUs − networkRestoredUs in µs: the time to regain a majority once possible; null if either is missing. */
  readonly regainLatencyUs: number | null;
}

/** A half-open interval [startUs, endUs) of virtual time, in µs. */
export interface Interval {
  readonly startUs: number;
  readonly endUs: number;
}

/** When writes submitted on one member could not commit. */
export interface WriteAvailability {
  readonly member: string;
  /**
   * Intervals during which the member was not running, frozen, not ONLINE, super_read_only or
   * offline_mode ON, blocked by a lost majority (MY-011495/6 until MY-011498), or unable to reach a
   * majority of its view over the network. Single-primary secondaries are always unavailable.
   */
  readonly windows: readonly Interval[];
  /** Sum of the windows, in µs. */
  readonly totalUs: number;
}

/** Auto-rejoin attempts of one member (MY-013373 started, MY-013375 finished). */
export interface RejoinOutcome {
  readonly member: string;
  readonly started: number;
  readonly succeeded: number;
  readonly failed: number;
  /** 1 when an attempt was still running at the end of the run. */
  readonly inProgress: number;
}

/** Failure-detection metrics of one run; every time is integer µs of virtual time. */
export interface RunSummary {
  readonly endUs: number;
  readonly detection: { readonly samples: readonly DetectionSample[]; readonly stats: DurationStats };
  readonly expels: readonly ExpelRecord[];
  /** Statistics of the expels' timeToExpelUs: expels with no fault are not counted. */
  readonly timeToExpel: DurationStats;
  readonly falseExpels: number;
  /** Members removed because they asked to leave (not expels). */
  readonly leaves: readonly LeaveRecord[];
  readonly majority: readonly MajorityEpisode[];
  readonly writeUnavailable: readonly WriteAvailability[];
  /**
   * When no member could take a write: the intersection of every member's writeUnavailable
   * windows. In single-primary mode the secondaries never can, so these are the times without a
   * writable primary; in multi-primary mode, the times when no member could commit anything.
   */
  readonly groupWriteUnavailable: { readonly windows: readonly Interval[]; readonly totalUs: number };
  /** Distinct view ids installed by anyone, and view installs per member (own leave views excluded). */
  readonly views: { readonly distinct: number; readonly installs: Readonly<Record<string, number>> };
  readonly rejoins: readonly RejoinOutcome[];
  /**
   * Transactions of the run: `write` statements and workload transactions together (pending: not
   * committed, rolled back or refused by the end), with the workload's share in `workload`.
   */
  readonly writes: {
    readonly submitted: number; readonly committed: number; readonly rolledBack: number; readonly refused: number; readonly pending: number;
    readonly workload: WorkloadTotals;
  };
  /** Single-primary failovers: old primary's removal view → new primary writable. */
  readonly failovers: readonly FailoverRecord[];
  /** Statistics of failovers' timeToWritableUs. */
  readonly timeToWritable: DurationStats;
}

/**
 * Workload transactions of every member together: `rolledBack` were admitted and then rolled back
 * while they waited for the group (the member left it, or its STOP gave up waiting); `unfinished`
 * were admitted but neither committed, refused nor rolled back by the end (queued, in flight,
 * waiting for a majority, or lost with a stopped server).
 */
export interface WorkloadTotals {
  readonly submitted: number;
  readonly committed: number;
  readonly refused: number;
  readonly rolledBack: number;
  readonly unfinished: number;
  readonly throttled: number;
}


/** The ways of leaving the group that end a majority episode, first the one that names it when several come at one instant. */
const LEAVING_CAUSES = ['stopped', 'expelled', 'error', 'left', 'offline'] as const satisfies readonly MajorityEndCause[];
type LeavingCause = (typeof LEAVING_CAUSES)[number];

function stats(values: readonly number[]): DurationStats {
  if (values.length === 0) return { count: 0, minUs: null, maxUs: null, meanUs: null };
  let min = Infinity, max = -Infinity, sum = 0;
  for (const v of values) { if (v < min) min = v; if (v > max) max = v; sum += v; }
  return { count: values.length, minUs: min, maxUs: max, meanUs: Math.floor(sum / values.length) };
}

/**
 * Failure-detection metrics folded one event at a time, as the run produces them: `observe` each
 * trace event in emission order, then `finish` once at the end of the run. It keeps per-member and
 * per-pair state plus one entry per detection, expel, leave, majority episode and unavailability window,
 * never the events themselves, so a long run that does not keep its trace can still be summarised.
 */
export interface MetricsFold {
  observe(e: SimEvent): void;
  /** The summary at `endUs` (open intervals close there), with the members' workload totals; call once. */
  finish(endUs: number, workload?: readonly RunWorkload[]): RunSummary;
}

/** What a metrics fold needs before the first event: the members and the view they start in. */
export type MetricsStart = Pick<RunRecord, 'members' | 'initialViewId'>;

/**
 * Computes the failure-detection metrics of a run in one pass over its trace (linear in the
 * number of events; network events cost O(members²)).
 */
export function summarize(record: RunRecord): RunSummary {
  const fold = metricsFold(record);
  for (const e of record.trace) fold.observe(e);
  return fold.finish(record.endUs, record.workload);
}

/** A MetricsFold for a run of `start.members` (see summarize for the cost). */
export function metricsFold(start: MetricsStart): MetricsFold {
  const record = start;
  const idx = memberIndex(record);
  const n = record.members.length;
  const names = record.members.map((m) => m.name);
  const net = new NetworkReplay(idx);
  const everyone: number[] = names.map((_, i) => i);

  // Pairwise contact: down since (µs, −1 when up), start of the last outage, and whether it was matched.
  const downSince = new Float64Array(n * n).fill(-1);
  const lastOutageStart = new Float64Array(n * n).fill(-1);
  const pendingFault = new Float64Array(n * n).fill(-1);
  const unreachableAt = new Float64Array(n * n).fill(-1);
  const lastCrashUs = new Float64Array(n).fill(-1);
  // Whether each observer ran (responsive) at the last contact update: one that was frozen or not
  // running detected nothing, so its pending faults restart when it runs again.
  const observerRan = new Uint8Array(n).fill(1);
  const samples: DetectionSample[] = [];

  // Per member state for availability and majority.
  const self: (MemberState | null)[] = names.map(() => 'ONLINE');
  const sro = new Uint8Array(n), offline = new Uint8Array(n), blocked = new Uint8Array(n);
  const viewOf: number[][] = names.map(() => everyone);
  const viewId: string[] = names.map(() => record.initialViewId ?? '');
  const netMajority = new Uint8Array(n).fill(1);
  const unavailableSince = new Float64Array(n).fill(-1);
  const windows: Interval[][] = names.map(() => []);
  const episode: ({ lostUs: number; networkRestoredUs: number | null } | null)[] = names.map(() => null);
  type Mutable<T> = { -readonly [K in keyof T]: T[K] };
  const episodes: Mutable<MajorityEpisode>[] = [];
  // An episode that ended by the member leaving, at batchT: every cause seen at that instant (a bit
  // per LEAVING_CAUSES entry), named once the instant is over (settleEnded), since the lines of one
  // instant come in the order the simulation wrote them, not in the order of importance.
  const ending: ({ ep: Mutable<MajorityEpisode>; causes: number } | null)[] = names.map(() => null);
  const endingMembers: number[] = [];
  // The last MY-011505 (expelled) of each member (µs, −1 when none).
  const expelledLineUs = new Float64Array(n).fill(-1);

  const expels: ExpelRecord[] = [];
  const leaves: LeaveRecord[] = [];
  const removed = new Uint8Array(n);
  // While the member is in the group (not `removed`), until the removal view consumes them: when it
  // asked to leave (OWN_LEAVE_LINES) and whether some member requested its expel (−1 / 0 when not). A
  // line written while it is out of the group (a START given up before any view listed it) is no
  // request to leave the group it joins next.
  const askedToLeaveUs = new Float64Array(n).fill(-1);
  const leaveCause: (LeaveCause | null)[] = new Array<LeaveCause | null>(n).fill(null);
  const expelRequested = new Uint8Array(n);
  const distinctViews = new Set<string>();
  const installs: Record<string, number> = {};
  for (const x of names) installs[x] = 0;
  const rejoin = names.map(() => ({ started: 0, succeeded: 0, failed: 0, open: 0 }));
  const writes = { submitted: 0, committed: 0, rolledBack: 0, refused: 0, pending: 0 };

  const recomputeContact = (t: number): void => {
    for (let o = 0; o < n; o++) {
      const runs = net.responsive(o);
      const resumed = runs && observerRan[o] === 0;
      observerRan[o] = runs ? 1 : 0;
      for (let m = 0; m < n; m++) {
        if (o === m) continue;
        const k = o * n + m;
        const up = net.canTalk(o, m);
        if (!up && downSince[k]! < 0) { downSince[k] = t; lastOutageStart[k] = t; pendingFault[k] = t; }
        else if (up && downSince[k]! >= 0) downSince[k] = -1;
        // A frozen or stopped observer notices nothing (it emits nothing either): what it shows
        // when it runs again is no detection latency of the fault, which starts for it then if
        // still in force.
        if (resumed) pendingFault[k] = up ? -1 : t;
      }
    }
    for (let i = 0; i < n; i++) updateNetMajority(i, t);
  };
  const updateNetMajority = (i: number, t: number): void => {
    const view = viewOf[i]!;
    let reach = 0;
    for (const j of view) if (net.canTalk(i, j)) reach++;
    const ok = 2 * reach > view.length ? 1 : 0;
    netMajority[i] = ok;
    const ep = episode[i];
    if (ok === 1 && ep != null && ep.networkRestoredUs === null) ep.networkRestoredUs = t;
  };
  const available = (i: number): boolean =>
    net.responsive(i) && self[i] === 'ONLINE' && sro[i] === 0 && offline[i] === 0 && blocked[i] === 0 && netMajority[i] === 1;
  const touched = new Uint8Array(n);
  let anyTouched = false;
  const touch = (i: number): void => { touched[i] = 1; anyTouched = true; };
  const touchAll = (): void => { touched.fill(1); anyTouched = true; };
  /** Ends member i's episode at t (`open`: still open at the end of the run); a leaving cause is settled with the instant. */
  const closeEpisode = (i: number, t: number, end: 'regained' | LeavingCause | 'open'): void => {
    const ep = episode[i];
    if (ep == null) {
      // Another line of the instant at which the episode ended.
      const pending = ending[i];
      if (pending != null && end !== 'regained' && end !== 'open') pending.causes |= 1 << LEAVING_CAUSES.indexOf(end);
      return;
    }
    if (ending[i] != null) settle(i); // an earlier episode that ended at this instant too
    episode[i] = null;
    blocked[i] = 0;
    const regainedUs = end === 'regained' ? t : null;
    const record: Mutable<MajorityEpisode> = {
      member: names[i]!, lostUs: ep.lostUs, regainedUs, end: end === 'regained' || end === 'open' ? end : 'left',
      endedUs: end === 'open' ? null : t, endedBy: end === 'regained' ? 'regained' : null,
      networkRestoredUs: ep.networkRestoredUs,
      regainLatencyUs: regainedUs !== null && ep.networkRestoredUs !== null ? regainedUs - ep.networkRestoredUs : null,
    };
    episodes.push(record);
    if (end !== 'regained' && end !== 'open') {
      ending[i] = { ep: record, causes: 1 << LEAVING_CAUSES.indexOf(end) };
      endingMembers.push(i);
    }
  };
  /** Names the cause of member i's episode that ended by a leave at the current instant. */
  const settle = (i: number): void => {
    const pending = ending[i]!;
    ending[i] = null;
    // The MY-011505 of that instant, before or after the line that ended the episode.
    const causes = pending.causes | (expelledLineUs[i] === pending.ep.endedUs ? 1 << LEAVING_CAUSES.indexOf('expelled') : 0);
    pending.ep.endedBy = LEAVING_CAUSES.find((_, k) => (causes >>> k) & 1)!;
  };
  /** Names the causes of the episodes that ended by a leave at the instant now over. */
  const settleEnded = (): void => {
    for (const i of endingMembers) if (ending[i] != null) settle(i);
    endingMembers.length = 0;
  };
  let batchT = 0;
  const flush = (): void => {
    if (!anyTouched) return;
    for (let i = 0; i < n; i++) {
      if (touched[i] === 0) continue;
      touched[i] = 0;
      const ok = available(i);
      if (!ok && unavailableSince[i]! < 0) unavailableSince[i] = batchT;
      else if (ok && unavailableSince[i]! >= 0) {
        if (batchT > unavailableSince[i]!) windows[i]!.push({ startUs: unavailableSince[i]!, endUs: batchT });
        unavailableSince[i] = -1;
      }
    }
    anyTouched = false;
  };

  touchAll(); // availability at time zero
  const failover = failoverFold();
  const observe = (e: SimEvent): void => {
    failover.observe(e);
    if (e.t !== batchT) { flush(); if (endingMembers.length > 0) settleEnded(); batchT = e.t; }
    switch (e.type) {
      case 'network': {
        if (e.action === 'crash') { const i = idx.get(e.detail); if (i !== undefined) { lastCrashUs[i] = e.t; closeEpisode(i, e.t, 'stopped'); } }
        if (net.apply(e)) { recomputeContact(e.t); touchAll(); }
        break;
      }
      case 'flags': {
        const i = idx.get(e.member);
        if (i === undefined) break;
        sro[i] = e.superReadOnly ? 1 : 0;
        offline[i] = e.offlineMode ? 1 : 0;
        if (!e.running && net.running[i] === 1) { net.setRunning(i, false); lastCrashUs[i] = e.t; recomputeContact(e.t); touchAll(); }
        if (!e.running) closeEpisode(i, e.t, 'stopped');
        touch(i);
        break;
      }
      case 'stateChange': {
        const o = idx.get(e.observer), m = idx.get(e.member);
        if (o === undefined || m === undefined) break;
        if (o === m) {
          self[o] = e.state;
          if (e.state !== 'ONLINE' && e.state !== 'RECOVERING') closeEpisode(o, e.t, e.state === 'ERROR' ? 'error' : 'offline');
          touch(o);
          break;
        }
        const k = o * n + m;
        if (e.state === 'UNREACHABLE') {
          unreachableAt[k] = e.t;
          if (pendingFault[k]! >= 0) {
            samples.push({ observer: e.observer, member: e.member, faultUs: pendingFault[k]!, unreachableUs: e.t, latencyUs: e.t - pendingFault[k]! });
            pendingFault[k] = -1;
          }
        }
        break;
      }
      case 'view': {
        const o = idx.get(e.member);
        if (o === undefined) break;
        if (e.viewId === '') { viewId[o] = ''; closeEpisode(o, e.t, 'left'); touch(o); break; }
        installs[e.member] = (installs[e.member] ?? 0) + 1;
        distinctViews.add(e.viewId);
        const prev = viewOf[o]!;
        const next: number[] = [];
        for (const x of e.members) { const j = idx.get(x); if (j !== undefined) { next.push(j); removed[j] = 0; } }
        if (viewId[o] !== '') {
          for (const m of prev) {
            if (next.includes(m) || removed[m] === 1) continue;
            removed[m] = 1;
            const asked = askedToLeaveUs[m]!, expelAsked = expelRequested[m] === 1;
            askedToLeaveUs[m] = -1;
            expelRequested[m] = 0;
            const cause = leaveCause[m]!;
            leaveCause[m] = null;
            if (asked >= 0 && !expelAsked && cause !== null) {
              leaves.push({ member: names[m]!, remover: e.member, askedUs: asked, removedUs: e.t, cause });
              continue;
            }
            const k = o * n + m;
            const faultUs = downSince[k]! >= 0 ? downSince[k]! : lastOutageStart[k]! >= 0 ? lastOutageStart[k]! : null;
            const contactNow = net.canTalk(o, m);
            const crashedSince = faultUs !== null && lastCrashUs[m]! >= faultUs;
            expels.push({
              member: names[m]!, remover: e.member, faultUs,
              unreachableUs: faultUs !== null && unreachableAt[k]! >= faultUs ? unreachableAt[k]! : null,
              removedUs: e.t, timeToExpelUs: faultUs === null ? null : e.t - faultUs,
              falseExpel: faultUs === null || (contactNow && !crashedSince),
            });
          }
        }
        viewOf[o] = next;
        viewId[o] = e.viewId;
        updateNetMajority(o, e.t);
        touch(o);
        break;
      }
      case 'suspicion': {
        // The killer node asked XCom to remove a member of the view (not an XCom-only node).
        if (e.action !== 'expelRequested' || e.nonMember) break;
        const i = idx.get(e.suspect);
        if (i !== undefined && removed[i] === 0) expelRequested[i] = 1;
        break;
      }
      case 'log': {
        const i = idx.get(e.member);
        if (i === undefined) break;
        if (removed[i] === 0 && askedToLeaveUs[i]! < 0) {
          const own = ownLeaveLine(e.code, e.message);
          if (own !== undefined) { askedToLeaveUs[i] = e.t; leaveCause[i] = own.cause; }
        }
        switch (e.code) {
          case 'MY-011505':
            expelledLineUs[i] = e.t;
            break;
          case 'MY-011495':
          case 'MY-011496':
            if (episode[i] == null) {
              episode[i] = { lostUs: e.t, networkRestoredUs: netMajority[i] === 1 ? e.t : null };
              blocked[i] = 1;
              touch(i);
            }
            break;
          case 'MY-011498':
            closeEpisode(i, e.t, 'regained');
            touch(i);
            break;
          case 'MY-013373': {
            const r = rejoin[i]!;
            if (r.open === 1) r.failed++;
            r.started++;
            r.open = 1;
            break;
          }
          case 'MY-013375': {
            const r = rejoin[i]!;
            if (e.message.includes('was not able')) { if (r.open === 1) r.failed++; }
            else r.succeeded++;
            r.open = 0;
            break;
          }
          default:
            break;
        }
        break;
      }
      case 'write':
        if (e.outcome === 'pending') { writes.submitted++; writes.pending++; }
        else {
          writes.pending--;
          if (e.outcome === 'committed') writes.committed++;
          else if (e.outcome === 'rolled_back') writes.rolledBack++;
          else writes.refused++;
        }
        break;
      default:
        break;
    }
  };
  let finished = false;
  const finish = (endUs: number, workload?: readonly RunWorkload[]): RunSummary => {
    if (finished) throw new InvariantError('MetricsFold.finish was called twice');
    finished = true;
    flush();
    settleEnded();
    for (let i = 0; i < n; i++) {
      closeEpisode(i, endUs, 'open');
      if (unavailableSince[i]! >= 0 && endUs > unavailableSince[i]!) windows[i]!.push({ startUs: unavailableSince[i]!, endUs });
    }
    episodes.sort((a, b) => a.lostUs - b.lostUs);
    const expelTimes: number[] = [];
    let falseExpels = 0;
    for (const x of expels) { if (x.timeToExpelUs !== null) expelTimes.push(x.timeToExpelUs); if (x.falseExpel) falseExpels++; }
    return {
      endUs,
      detection: { samples, stats: stats(samples.map((s) => s.latencyUs)) },
      expels,
      timeToExpel: stats(expelTimes),
      falseExpels,
      leaves,
      majority: episodes,
      writeUnavailable: names.map((member, i) => ({ member, windows: windows[i]!, totalUs: totalOf(windows[i]!) })),
      groupWriteUnavailable: (() => {
        const all = allUnavailable(windows);
        return { windows: all, totalUs: totalOf(all) };
      })(),
      views: { distinct: distinctViews.size, installs },
      rejoins: names.map((member, i) => {
        const r = rejoin[i]!;
        return { member, started: r.started, succeeded: r.succeeded, failed: r.failed, inProgress: r.open };
      }),
      writes: withWorkload(writes, workload),
      failovers: failover.records(),
      timeToWritable: stats(failover.records().map((f) => f.timeToWritableUs)),
  };
  };
  return { observe, finish };
}


/** The summed length of `windows`, µs. */
function totalOf(windows: readonly Interval[]): number {
  let total = 0;
  for (const w of windows) total += w.endUs - w.startUs;
  return total;
}

/**
 * The intervals covered by every list of `perMember` (each list's intervals half-open and
 * disjoint), in time order: a sweep over their ends, an end before a start at the same time.
 */
function allUnavailable(perMember: readonly (readonly Interval[])[]): Interval[] {
  const n = perMember.length, edges: [number, number][] = [];
  for (const list of perMember) for (const w of list) edges.push([w.startUs, 1], [w.endUs, -1]);
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: Interval[] = [];
  let inside = 0, since = -1;
  for (const [t, d] of edges) {
    inside += d;
    if (inside === n && d === 1) since = t;
    else if (inside === n - 1 && d === -1 && since >= 0) {
      if (t > since) out.push({ startUs: since, endUs: t });
      since = -1;
    }
  }
  return n === 0 ? [] : out;
}

/** The statement counts plus the record's workload transactions. */
function withWorkload(
  w: { submitted: number; committed: number; rolledBack: number; refused: number; pending: number }, workload: readonly RunWorkload[] | undefined,
): RunSummary['writes'] {
  const t = { submitted: 0, committed: 0, refused: 0, rolledBack: 0, unfinished: 0, throttled: 0 };
  for (const x of workload ?? []) {
    t.submitted += x.submitted;
    t.committed += x.committed;
    t.refused += x.refused;
    t.rolledBack += x.rolledBack ?? 0;
    t.throttled += x.throttled;
  }
  t.unfinished = t.submitted - t.committed - t.refused - t.rolledBack;
  return {
    submitted: w.submitted + t.submitted, committed: w.committed + t.committed, rolledBack: w.rolledBack + t.rolledBack,
    refused: w.refused + t.refused, pending: w.pending + t.unfinished, workload: t,
  };
}
