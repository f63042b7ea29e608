import type { LeaveCause } from '../observe/leave-lines.js';
import { formatTimestamp, visibleAt } from '../observe/error-log.js';
import type { LogLevel } from '../observe/error-codes.js';
import { metricsFold, type DurationStats, type MajorityEndCause, type RunSummary } from '../observe/metrics.js';
import type { SimEvent } from '../observe/events.js';
import type { Scenario } from '../scenario/scenario.js';
import type { Simulation } from '../sim/simulation.js';
import type { ReplicationGroupCommunicationInformationRow, ReplicationGroupMemberStatsRow } from '../observe/performance-schema.js';
import { runRecordOf } from '../observe/run-record.js';
import { faultFold, type ReportFaultKind } from './report-faults.js';
import { DEFAULT_NETWORK } from '../network/network-options.js';
import type { ScenarioRun, MemberSnapshot } from '../scenario/run-scenario.js';
import { snapshotMembers } from '../scenario/run-scenario.js';
import type { MemberRole, MemberState, ReplicationGroupMemberRow, WriteOutcome } from '../types.js';
import type { MemorySummaryGlobalByEventNameRow } from '../xcom/message-cache.js';
import type { WorkloadHoldReason } from '../gr/workload.js';
import type { ConsistencyLevel } from '../gr/options.js';
import { runWarnings } from './run-warnings.js';

/**
 * The JSON report of a scenario run: a stable contract, documented in docs/report-format.md and
 * checked against docs/report.schema.json. Times `t`/`submitted`/`at`/`end` and durations
 * (`meanCommitLatency`) are seconds of virtual time with microsecond precision; `time` is the same
 * instant as MySQL prints it.
 * Fields are only ever added, never renamed; a change that is not an addition raises `reportVersion`.
 */
export interface ScenarioReport {
  readonly grsim: string;
  /** Version of this schema; 1 for the fields below. */
  readonly reportVersion: 1;
  readonly scenario: string;
  readonly seed: number | string;
  readonly version: string;
  readonly mode: string;
  readonly start: string;
  readonly end: number;
  readonly members: readonly ReportMember[];
  readonly log: readonly ReportLogLine[];
  readonly states: readonly ReportState[];
  readonly views: readonly ReportView[];
  readonly writes: readonly ReportWrite[];
  readonly snapshots: readonly ReportSnapshot[];
  readonly final: Readonly<Record<string, ReportFinalStatus>>;
  /** XCom message cache time series, members interleaved in time order (added in grsim 0.1, issue 4). */
  readonly cache: readonly ReportCachePoint[];
  /** Per-member workload counters at `end`, keyed by member name; present only when the scenario had a `workload`. */
  readonly workload?: Readonly<Record<string, ReportWorkload>>;
  /**
   * Once per virtual second per member running a workload stream: transactions committed per second
   * and their mean commit latency; present only when the scenario had a `workload`. Shows the
   * throughput drop while a member is unreachable (its channel is filled with no-ops) until the expel.
   */
  readonly throughput?: readonly ReportThroughputPoint[];
  /**
   * What the run did not do as written, and why (added in grsim 0.1, issue 11): one entry per
   * member and reason with counts and first/last time, never one per transaction; [] when none.
   */
  readonly warnings: readonly ReportWarning[];
  /** The faults as the run applied them, each paired with the verb that ended it, in start order (added in grsim 0.1, issue 12). */
  readonly faults: readonly ReportFault[];
  /** The failure-detection metrics of the run (`summarize`), times in seconds (added in grsim 0.1, issue 12). */
  readonly metrics: ReportMetrics;
  /** Every change of a server's super_read_only, offline_mode or running flag, in time order (added in grsim 0.1, issue 12). */
  readonly flags: readonly ReportFlags[];
  /** Every change of a member's GCS suspicion of another, in time order (added in grsim 0.1, issue 12). */
  readonly suspicions: readonly ReportSuspicion[];
}

/** A fault from `start` to `end` (null: still in force at the end of the run) and the members it touches. */
export interface ReportFault {
  readonly kind: ReportFaultKind; readonly start: number; readonly end: number | null;
  readonly members: readonly string[]; readonly detail: string;
}
export interface ReportFlags {
  readonly t: number; readonly member: string; readonly superReadOnly: boolean; readonly offlineMode: boolean; readonly running: boolean;
}
export interface ReportSuspicion {
  readonly t: number; readonly member: string; readonly suspect: string;
  readonly action: 'created' | 'cleared' | 'timedOut' | 'expelRequested'; readonly nonMember: boolean;
}
/** Count, minimum, maximum and mean of a set of durations, in seconds; null when empty. */
export interface ReportStats { readonly count: number; readonly min: number | null; readonly max: number | null; readonly mean: number | null }
/** RunSummary (src/observe/metrics.ts) with every µs time and duration in seconds and the `Us` suffixes dropped. */
export interface ReportMetrics {
  readonly detection: {
    readonly samples: readonly { readonly observer: string; readonly member: string; readonly fault: number; readonly unreachable: number; readonly latency: number }[];
    readonly stats: ReportStats;
  };
  readonly expels: readonly {
    readonly member: string; readonly remover: string; readonly fault: number | null; readonly unreachable: number | null;
    readonly removed: number; readonly timeToExpel: number | null; readonly falseExpel: boolean;
  }[];
  readonly timeToExpel: ReportStats;
  readonly falseExpels: number;
  /** Members removed because they asked to leave, not expels (added with the fix of voluntary leaves counted as expels). */
  readonly leaves: readonly { readonly member: string; readonly remover: string; readonly asked: number; readonly removed: number; readonly cause: LeaveCause }[];
  readonly majority: readonly {
    readonly member: string; readonly lost: number; readonly regained: number | null; readonly end: 'regained' | 'left' | 'open';
    readonly networkRestored: number | null; readonly regainLatency: number | null;
    /**
     * When the episode ended and why (MajorityEpisode.endedUs / endedBy); null when still open at
     * the end of the run. Added after grsim 0.1.0: absent from older reports.
     */
    readonly ended?: number | null;
    readonly endedBy?: MajorityEndCause | null;
  }[];
  readonly writeUnavailable: readonly { readonly member: string; readonly windows: readonly { readonly start: number; readonly end: number }[]; readonly total: number }[];
  readonly groupWriteUnavailable: { readonly windows: readonly { readonly start: number; readonly end: number }[]; readonly total: number };
  readonly views: { readonly distinct: number; readonly installs: Readonly<Record<string, number>> };
  readonly rejoins: readonly { readonly member: string; readonly started: number; readonly succeeded: number; readonly failed: number; readonly inProgress: number }[];
  readonly writes: {
    readonly submitted: number; readonly committed: number; readonly rolledBack: number; readonly refused: number; readonly pending: number;
    /** The workloads' share of the counts above. */
    readonly workload: { readonly submitted: number; readonly committed: number; readonly refused: number; readonly rolledBack: number; readonly unfinished: number; readonly throttled: number };
  };
  /** Single-primary failovers: the old primary's removal view to the new primary taking writes (added in issue 13). */
  readonly failovers: readonly { readonly member: string; readonly primaryLeft: number; readonly writable: number; readonly timeToWritable: number }[];
  readonly timeToWritable: ReportStats;
}

export interface ReportMember { readonly name: string; readonly host: string; readonly port: number; readonly uuid: string }
export interface ReportLogLine {
  readonly t: number; readonly time: string; readonly member: string;
  readonly level: LogLevel; readonly code: string; readonly message: string;
}
/** `state` null: the member left the observer's table. */
export interface ReportState {
  readonly t: number; readonly observer: string; readonly member: string;
  readonly state: MemberState | null; readonly role: MemberRole;
}
/** An empty `viewId` and `members` list: the member left the group. */
export interface ReportView { readonly t: number; readonly member: string; readonly viewId: string; readonly members: readonly string[] }
export interface ReportWrite {
  readonly id: number; readonly member: string; readonly submitted: number;
  readonly outcome: WriteOutcome; readonly at: number | null; readonly error: string | null;
  /**
   * The group_replication_consistency the transaction began with: its session's (`write.consistency`,
   * `write({ consistency })`), else the member's global value then.
   */
  readonly consistency: ConsistencyLevel;
}
export interface ReportMemberStatus {
  readonly state: string; readonly superReadOnly: boolean; readonly offlineMode: boolean;
  readonly running: boolean; readonly viewId: string; readonly table: readonly ReportRow[];
  /** performance_schema.replication_group_member_stats as the member shows it ([] while its server is down). */
  readonly memberStats: readonly ReplicationGroupMemberStatsRow[];
  /** performance_schema.replication_group_communication_information: one row, or none (not in a group; no such table before 8.4 in grsim). */
  readonly communicationInformation: readonly ReplicationGroupCommunicationInformationRow[];
  /** @@gtid_executed as MySQL prints it (added in issue 13); '' when empty. */
  readonly gtidExecuted: string;
}
/** A member's status at `end`, with its performance_schema xcom_cache memory row (null while the server is not running). */
export interface ReportFinalStatus extends ReportMemberStatus {
  readonly xcomCache: MemorySummaryGlobalByEventNameRow | null;
}
/**
 * One sample of a member's XCom message cache: bytes and slots cached, the highest bytes since the
 * member's previous point (`peakBytes`, ≥ bytes), slots evicted since the start (cumulative), and the
 * limit in force (group_replication_message_cache_size, bytes; added in issue 12).
 */
export interface ReportCachePoint {
  readonly t: number; readonly member: string; readonly bytes: number; readonly peakBytes: number; readonly count: number; readonly evicted: number; readonly limit: number;
}
/** A member's workload counters; `meanCommitLatency` in seconds, null when nothing committed. */
export interface ReportWorkload {
  readonly submitted: number; readonly refused: number; readonly throttled: number; readonly committed: number; readonly rolledBack: number;
  readonly meanCommitLatency: number | null;
}
/** One second of a member's workload: committed per second since the previous point, and their mean latency (s, null: none). */
export interface ReportThroughputPoint {
  readonly t: number; readonly member: string; readonly committedPerSecond: number; readonly meanCommitLatency: number | null;
}
/**
 * Workload transactions a member refused, held back while it could not reach a majority, or rolled back, for
 * one reason: how many, the first and last time (s), the client error MySQL gives (null: the
 * statement hangs), and the cause in words.
 */
export interface ReportWarning {
  readonly kind: 'workload'; readonly member: string; readonly reason: WorkloadHoldReason; readonly count: number;
  readonly first: number; readonly last: number; readonly error: string | null; readonly message: string;
}
export interface ReportSnapshot extends ReportMemberStatus { readonly t: number; readonly time: string; readonly member: string }
export type ReportRow = Omit<ReplicationGroupMemberRow, 'CHANNEL_NAME'>;

/**
 * Minimum virtual time between two cache points of one member, µs. The simulation reports a cache
 * at most once per 0.1 s task run, but a restarted server's task starts on a new phase, so the
 * builder enforces the contract itself rather than trusting the trace.
 */
export const CACHE_POINT_SPACING_US = 100_000;

/** Microseconds to seconds; exact to the microsecond in the shortest decimal form. */
function seconds(us: number): number {
  return us / 1_000_000;
}

function sOrNull(us: number | null): number | null {
  return us === null ? null : seconds(us);
}

function reportStats(st: DurationStats): ReportStats {
  return { count: st.count, min: sOrNull(st.minUs), max: sOrNull(st.maxUs), mean: sOrNull(st.meanUs) };
}

/** A RunSummary in the report's units (seconds). */
export function reportMetrics(m: RunSummary): ReportMetrics {
  return {
    detection: {
      samples: m.detection.samples.map((d) => ({ observer: d.observer, member: d.member, fault: seconds(d.faultUs), unreachable: seconds(d.unreachableUs), latency: seconds(d.latencyUs) })),
      stats: reportStats(m.detection.stats),
    },
    expels: m.expels.map((x) => ({
      member: x.member, remover: x.remover, fault: sOrNull(x.faultUs), unreachable: sOrNull(x.unreachableUs),
      removed: seconds(x.removedUs), timeToExpel: sOrNull(x.timeToExpelUs), falseExpel: x.falseExpel,
    })),
    timeToExpel: reportStats(m.timeToExpel),
    falseExpels: m.falseExpels,
    leaves: m.leaves.map((l) => ({ member: l.member, remover: l.remover, asked: seconds(l.askedUs), removed: seconds(l.removedUs), cause: l.cause })),
    majority: m.majority.map((e) => ({
      member: e.member, lost: seconds(e.lostUs), regained: sOrNull(e.regainedUs), end: e.end,
      networkRestored: sOrNull(e.networkRestoredUs), regainLatency: sOrNull(e.regainLatencyUs),
      ended: sOrNull(e.endedUs), endedBy: e.endedBy,
    })),
    writeUnavailable: m.writeUnavailable.map((w) => ({
      member: w.member, windows: w.windows.map((x) => ({ start: seconds(x.startUs), end: seconds(x.endUs) })), total: seconds(w.totalUs),
    })),
    groupWriteUnavailable: {
      windows: m.groupWriteUnavailable.windows.map((x) => ({ start: seconds(x.startUs), end: seconds(x.endUs) })), total: seconds(m.groupWriteUnavailable.totalUs),
    },
    views: { distinct: m.views.distinct, installs: { ...m.views.installs } },
    rejoins: m.rejoins.map((r) => ({ ...r })),
    writes: { ...m.writes, workload: { ...m.writes.workload } },
    failovers: m.failovers.map((f) => ({
      member: f.member, primaryLeft: seconds(f.primaryLeftUs), writable: seconds(f.writableUs), timeToWritable: seconds(f.timeToWritableUs),
    })),
    timeToWritable: reportStats(m.timeToWritable),
  };
}

function status(s: MemberSnapshot): ReportMemberStatus {
  return {
    state: s.state, superReadOnly: s.superReadOnly, offlineMode: s.offlineMode, running: s.running, viewId: s.viewId, gtidExecuted: s.gtidExecuted,
    table: s.table.map((r) => ({
      MEMBER_ID: r.MEMBER_ID, MEMBER_HOST: r.MEMBER_HOST, MEMBER_PORT: r.MEMBER_PORT,
      MEMBER_STATE: r.MEMBER_STATE, MEMBER_ROLE: r.MEMBER_ROLE, MEMBER_VERSION: r.MEMBER_VERSION,
    })),
    memberStats: s.memberStats.map((r) => ({ ...r })),
    communicationInformation: s.communicationInformation.map((r) => ({ ...r })),
  };
}

/**
 * Most cache points a member gets in a report: a run longer than an hour (36,000 points at the
 * 0.1 s spacing) spaces them further apart, so a day-long run's series stays the size of an hour's.
 */
export const MAX_CACHE_POINTS_PER_MEMBER = 36_000;

/**
 * Minimum virtual time between two cache points of one member in a run that ends at `untilUs`, µs:
 * CACHE_POINT_SPACING_US (0.1 s) for runs up to an hour, else the run's length divided by
 * MAX_CACHE_POINTS_PER_MEMBER, rounded up to a multiple of 0.1 s (2.4 s for a day).
 */
export function cachePointSpacingUs(untilUs: number): number {
  const spread = Math.ceil(untilUs / MAX_CACHE_POINTS_PER_MEMBER / CACHE_POINT_SPACING_US) * CACHE_POINT_SPACING_US;
  return Math.max(CACHE_POINT_SPACING_US, spread);
}

/** The report's arrays that grow with the run's events (not with its schedule): the ones a long run streams. */
export type StreamedSection = 'log' | 'states' | 'views' | 'cache' | 'throughput' | 'flags' | 'suspicions';
export const STREAMED_SECTIONS: readonly StreamedSection[] = ['log', 'states', 'views', 'cache', 'throughput', 'flags', 'suspicions'];

/** The entry type of each streamed section. */
export interface StreamedEntry {
  log: ReportLogLine; states: ReportState; views: ReportView; cache: ReportCachePoint;
  throughput: ReportThroughputPoint; flags: ReportFlags; suspicions: ReportSuspicion;
}

/** Where a report fold puts each entry of a streamed section, in time order. */
export type SectionSink = <K extends StreamedSection>(section: K, entry: StreamedEntry[K]) => void;

/** The report folded one trace event at a time (see reportFold). */
export interface ReportFold {
  observe(e: SimEvent): void;
  /**
   * The report of the finished run, each streamed section's array given by `sections` (the
   * entries the sink received, or an empty stand-in for a writer that has them elsewhere).
   */
  finish(run: ScenarioRun, sections: { readonly [K in StreamedSection]: readonly StreamedEntry[K][] }): ScenarioReport;
}

/**
 * The JSON report of `sim` (running `scenario`) folded as the run emits its events: each entry of
 * a streamed section goes to `sink` as soon as it is known; faults and metrics are folded; the
 * rest (members, writes, snapshots, final status, workload, warnings) is read at the end.
 */
export function reportFold(sim: Simulation, scenario: Scenario, grsimVersion: string, sink: SectionSink): ReportFold {
  const epoch = sim.startEpochUs;
  const spacingUs = cachePointSpacingUs(scenario.untilUs);
  // Per member, the time of its last kept cache point (insertion-ordered, like every map in the core).
  const lastCacheUs = new Map<string, number>();
  // Per member, the highest peak of its samples not kept since its last kept point (0: none), so
  // that a kept point's peakBytes covers the ones spaced out before it.
  const skippedCachePeak = new Map<string, number>();
  const faults = faultFold(sim.members.map((m) => m.name), { ...DEFAULT_NETWORK, ...scenario.network });
  const metrics = metricsFold({ members: sim.atStart.members, initialViewId: sim.atStart.viewId });
  const observe = (e: SimEvent): void => {
    faults.observe(e);
    metrics.observe(e);
    if (e.type === 'log') {
      if (visibleAt(e.level, 2)) sink('log', { t: seconds(e.t), time: formatTimestamp(epoch, e.t), member: e.member, level: e.level, code: e.code, message: e.message });
    } else if (e.type === 'stateChange') {
      sink('states', { t: seconds(e.t), observer: e.observer, member: e.member, state: e.state, role: e.role });
    } else if (e.type === 'view') {
      sink('views', { t: seconds(e.t), member: e.member, viewId: e.viewId, members: [...e.members] });
    } else if (e.type === 'cache') {
      const last = lastCacheUs.get(e.member);
      const peakBytes = Math.max(skippedCachePeak.get(e.member) ?? 0, e.peakBytes);
      if (last === undefined || e.t - last >= spacingUs) {
        lastCacheUs.set(e.member, e.t);
        skippedCachePeak.set(e.member, 0);
        sink('cache', { t: seconds(e.t), member: e.member, bytes: e.bytes, peakBytes, count: e.count, evicted: e.evicted, limit: e.limit });
      } else {
        skippedCachePeak.set(e.member, peakBytes);
      }
    } else if (e.type === 'flags') {
      sink('flags', { t: seconds(e.t), member: e.member, superReadOnly: e.superReadOnly, offlineMode: e.offlineMode, running: e.running });
    } else if (e.type === 'suspicion') {
      sink('suspicions', { t: seconds(e.t), member: e.member, suspect: e.suspect, action: e.action, nonMember: e.nonMember });
    } else if (e.type === 'workload') {
      sink('throughput', {
        t: seconds(e.t), member: e.member, committedPerSecond: e.committedLastSecond,
        meanCommitLatency: e.meanLatencyUs === null ? null : seconds(e.meanLatencyUs),
      });
    }
  };
  const finish: ReportFold['finish'] = (run, sections) => {
    // Keyed by member names, which may be `__proto__`: no prototype, so every name is an own key.
    const final = Object.create(null) as Record<string, ReportFinalStatus>;
    for (const s of snapshotMembers(sim)) {
      // P_S cannot be queried on a stopped server, as its replication_group_members table is empty then.
      const xcomCache = s.running ? sim.member(s.member).xcomCacheMemory() : null;
      final[s.member] = { ...status(s), xcomCache };
    }
    let workload: Record<string, ReportWorkload> | undefined;
    if (scenario.workload !== undefined && scenario.workload.length > 0) {
      workload = Object.create(null) as Record<string, ReportWorkload>;
      for (const m of sim.members) {
        const c = m.workload();
        workload[m.name] = {
          submitted: c.submitted, refused: c.refused, throttled: c.throttled, committed: c.committed, rolledBack: c.rolledBack,
          // Rounded to the microsecond: the mean of integer latencies is not an integer.
          meanCommitLatency: c.committed === 0 ? null : seconds(Math.round(c.latencySumUs / c.committed)),
        };
      }
    }
    const record = runRecordOf({ trace: [], nowUs: sim.nowUs, atStart: sim.atStart, members: sim.members });
    return {
      grsim: grsimVersion,
      reportVersion: 1,
      scenario: scenario.name,
      seed: scenario.seed,
      version: scenario.version,
      mode: scenario.mode,
      start: scenario.start,
      end: seconds(sim.nowUs),
      members: sim.members.map((m) => ({ name: m.name, host: m.host, port: m.port, uuid: m.uuid })),
      log: sections.log,
      states: sections.states,
      views: sections.views,
      writes: sim.writes.map((w) => ({
        id: w.id, member: w.member, submitted: seconds(w.submittedUs), outcome: w.outcome,
        at: w.atUs === null ? null : seconds(w.atUs), error: w.error ?? null, consistency: w.level,
      })),
      snapshots: run.snapshots.map((s) => ({ t: seconds(s.tUs), time: formatTimestamp(epoch, s.tUs), member: s.member, ...status(s) })),
      final,
      cache: sections.cache,
      ...(workload === undefined ? {} : { workload, throughput: sections.throughput }),
      warnings: runWarnings(sim).map((w) => ({
        kind: w.kind, member: w.member, reason: w.reason, count: w.count, first: seconds(w.firstUs), last: seconds(w.lastUs), error: w.error, message: w.message,
      })),
      faults: faults.faults().map((f) => ({
        kind: f.kind, start: seconds(f.startUs), end: sOrNull(f.endUs), members: f.members, detail: f.detail,
      })),
      metrics: reportMetrics(metrics.finish(record.endUs, record.workload)),
      flags: sections.flags,
      suspicions: sections.suspicions,
    };
  };
  return { observe, finish };
}

/** Builds the JSON report of a finished run that kept its trace; `grsimVersion` is the package version. */
export function buildReport(run: ScenarioRun, grsimVersion: string): ScenarioReport {
  const sections: { [K in StreamedSection]: StreamedEntry[K][] } = { log: [], states: [], views: [], cache: [], throughput: [], flags: [], suspicions: [] };
  const fold = reportFold(run.sim, run.scenario, grsimVersion, (section, entry) => { (sections[section] as unknown[]).push(entry); });
  for (const e of run.sim.trace) fold.observe(e);
  return fold.finish(run, sections);
}
