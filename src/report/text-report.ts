import type { MemberHandle, Simulation } from '../sim/simulation.js';
import { formatLogLine, formatTimestamp, visibleAt } from '../observe/error-log.js';
import { CUT_BY_ISOLATED_FROM, CUT_BY_ISOLATED_TO, CUT_BY_PARTITION } from '../network/link-faults.js';
import { snapshotMembers, type NetworkAfterEvent, type ScenarioRun, type MemberSnapshot } from '../scenario/run-scenario.js';
import type { Scenario, ScenarioAction } from '../scenario/scenario.js';
import { setStatement } from '../gr/options.js';
import { memorySpool, type Spool } from './report-spool.js';
import type { ReplicationGroupMemberRow } from '../types.js';
import type { SimEvent, WorkloadEvent } from '../observe/events.js';
import { metricsFold } from '../observe/metrics.js';
import { runRecordOf } from '../observe/run-record.js';
import { runWarnings } from './run-warnings.js';
import { formatSummary } from './summary-text.js';

/** Renders replication_group_members rows as the mysql client prints them. */
export function renderTable(rows: readonly ReplicationGroupMemberRow[]): string {
  const cols = ['MEMBER_ID', 'MEMBER_HOST', 'MEMBER_PORT', 'MEMBER_STATE', 'MEMBER_ROLE'] as const;
  const cells = rows.map((r) => cols.map((c) => String(r[c])));
  const widths = cols.map((c, i) => Math.max(c.length, ...cells.map((row) => (row[i] as string).length)));
  const line = '+' + widths.map((w) => '-'.repeat(w + 2)).join('+') + '+';
  const fmt = (vals: readonly string[]): string => '| ' + vals.map((v, i) => v.padEnd(widths[i] as number)).join(' | ') + ' |';
  const out = [line, fmt(cols.map((c) => c.toLowerCase())), line, ...cells.map(fmt), line];
  out.push(rows.length === 0 ? 'Empty set' : `${rows.length} row${rows.length === 1 ? '' : 's'} in set`);
  return out.join('\n');
}

/** One snapshot as a heading, the table and the member's flags; `withStats` adds its performance_schema counters. */
function renderSnapshot(sim: Simulation, s: MemberSnapshot, label: string, withStats = false): string {
  return [
    `--- ${s.member}: replication_group_members at ${formatTimestamp(sim.startEpochUs, s.tUs)}${label} ---`,
    renderTable(s.table),
    `member state ${s.state}, super_read_only=${s.superReadOnly ? 'ON' : 'OFF'} offline_mode=${s.offlineMode ? 'ON' : 'OFF'}${s.running ? '' : ', server not running'}`,
    ...(withStats ? renderPerformanceSchema(sim, s) : []),
    // @@gtid_executed as the mysql client prints it (one source per line); nothing for a member with no transactions.
    ...(s.gtidExecuted === '' ? [] : [`@@gtid_executed: ${s.gtidExecuted.replaceAll('\n', '\n                 ')}`]),
  ].join('\n');
}

/**
 * A snapshot's replication_group_member_stats and MEMBER_FAILURE_SUSPICIONS_COUNT in one line each,
 * members by name: "node2 checked 1200, remote applied 300, local proposed 900, applier queue 0".
 */
export function renderPerformanceSchema(sim: Simulation, s: MemberSnapshot): string[] {
  const nameOf = new Map(sim.members.map((m) => [m.uuid, m.name]));
  const name = (uuid: string): string => nameOf.get(uuid) ?? uuid;
  const out: string[] = [];
  if (s.memberStats.length > 0) {
    out.push('member stats: ' + s.memberStats.map((r) =>
      `${name(r.MEMBER_ID)} checked ${r.COUNT_TRANSACTIONS_CHECKED}, remote applied ${r.COUNT_TRANSACTIONS_REMOTE_APPLIED}, ` +
      `local proposed ${r.COUNT_TRANSACTIONS_LOCAL_PROPOSED}, applier queue ${r.COUNT_TRANSACTIONS_REMOTE_IN_APPLIER_QUEUE}`).join('; '));
  }
  const counts = s.communicationInformation[0]?.MEMBER_FAILURE_SUSPICIONS_COUNT;
  if (counts !== undefined) {
    const parsed = JSON.parse(counts) as Record<string, number>;
    out.push('failure suspicions seen: ' + Object.entries(parsed).map(([uuid, n]) => `${name(uuid)} ${n}`).join(', '));
  }
  return out;
}

/** Every member's error log (default verbosity) followed by its replication_group_members table now. */
export function renderMemberReport(sim: Simulation, snapshots: readonly MemberSnapshot[] = []): string {
  let text = '';
  writeMemberReport(sim, snapshots, (m, write) => {
    const lines = m.errorLog();
    for (const l of lines) write(`${l}\n`);
    return lines.length > 0;
  }, (t) => { text += t; });
  // The sections are joined by newlines: the last one's newline is the caller's.
  return text.slice(0, -1);
}

/**
 * Writes, per member, its error-log heading, its lines (`writeLog` writes them, each ending with a
 * newline, and says whether there were any), its snapshots and its table now, each part ending with a newline.
 */
function writeMemberReport(
  sim: Simulation, snapshots: readonly MemberSnapshot[], writeLog: (m: MemberHandle, write: (text: string) => void) => boolean, write: (text: string) => void,
): void {
  const end = snapshotMembers(sim);
  for (const m of sim.members) {
    write(`=== ${m.name} (${m.host}:${m.port}) error log ===\n`);
    if (!writeLog(m, write)) write('(nothing logged)\n');
    for (const s of snapshots) if (s.member === m.name) write(`${renderSnapshot(sim, s, '', true)}\n`);
    write(`${renderSnapshot(sim, end[m.slot] as MemberSnapshot, ' (end)')}\n\n`);
  }
}

/** Names joined with ", ". */
function list(names: readonly string[]): string {
  return names.join(', ');
}

/**
 * Pairs of members as compact text: members whose partner lists are equal share one entry,
 * e.g. "node1, node2 ↔ node4, node5". `pairs[a]` lists the partners of a (each unordered pair once).
 */
function pairGroups(pairs: readonly (readonly string[])[], names: readonly string[], arrow: string): string[] {
  const groups: { left: string[]; right: string }[] = [];
  pairs.forEach((partners, a) => {
    if (partners.length === 0) return;
    const right = list(partners);
    const g = groups.find((x) => x.right === right);
    if (g === undefined) groups.push({ left: [names[a] as string], right });
    else g.left.push(names[a] as string);
  });
  return groups.map((g) => `${list(g.left)} ${arrow} ${g.right}`);
}

/**
 * The partition cells as groups ("[node1, node2] [node3]") when they split the members into
 * groups (no cut inside a group, every pair of groups cut), null otherwise (e.g. after heal of one
 * member, who then reaches both sides).
 */
function partitionGroups(after: NetworkAfterEvent): string[][] | null {
  const n = after.members.length;
  const groupOf = new Int32Array(n).fill(-1);
  const groups: string[][] = [];
  for (let a = 0; a < n; a++) {
    if (groupOf[a] !== -1) continue;
    const g: number[] = [];
    for (let b = 0; b < n; b++) if (a === b || !after.links.isPartitioned(a, b)) g.push(b);
    for (const b of g) if (groupOf[b] !== -1) return null;
    for (const x of g) for (const y of g) if (x !== y && after.links.isPartitioned(x, y)) return null;
    for (const b of g) groupOf[b] = groups.length;
    groups.push(g.map((b) => after.members[b] as string));
  }
  return groups;
}

/**
 * Every link fault in force in `after`, in words, leaving out what `skip` says the line already
 * stated: isolations, partition cells (as groups when they form groups) and one-way cuts.
 */
function cutsInForce(after: NetworkAfterEvent, skip: { isolated?: string; partition?: boolean; oneWay?: readonly [string, string] }): string[] {
  const { members: names, links } = after;
  const n = names.length;
  const out: string[] = [];
  for (let m = 0; m < n; m++) {
    if (links.isIsolated(m) && names[m] !== skip.isolated) out.push(`${names[m]} is isolated (cut off from everyone)`);
  }
  if (skip.partition !== true) {
    const groups = partitionGroups(after);
    if (groups === null) {
      const pairs = names.map((_, a) => names.filter((__, b) => b > a && links.isPartitioned(a, b)));
      for (const p of pairGroups(pairs, names, '↔')) out.push(`${p} by a partition`);
    } else if (groups.length > 1) {
      out.push(`the partition ${groups.map((g) => `[${list(g)}]`).join(' ')}`);
    }
  }
  const oneWay = names.map((a, i) => names.filter((b, j) => links.isOneWayCut(i, j) && !(skip.oneWay?.[0] === a && skip.oneWay[1] === b)));
  for (const p of pairGroups(oneWay, names, '→')) out.push(`${p} (one way)`);
  return out;
}

/** Why a link that should flow is still down, from its CUT_BY_* causes. */
function whyDown(causes: number, from: string, to: string): string {
  const why: string[] = [];
  if ((causes & CUT_BY_PARTITION) !== 0) why.push('a partition separates them');
  if ((causes & CUT_BY_ISOLATED_FROM) !== 0) why.push(`${from} is isolated`);
  if ((causes & CUT_BY_ISOLATED_TO) !== 0) why.push(`${to} is isolated`);
  return why.join(' and ');
}

/** The processes of `who` that a link verb cannot bring back: frozen or not running. */
function processNotes(after: NetworkAfterEvent, who: readonly number[]): string[] {
  const out: string[] = [];
  for (const m of who) {
    const name = after.members[m] as string;
    if (!after.running[m]) out.push(`${name}'s mysqld is not running`);
    else if (after.frozen[m]) out.push(`${name}'s mysqld is still frozen (SIGSTOP)`);
  }
  return out;
}

/**
 * A scheduled action in words, as the schedule section of the text report lists it. With the
 * network right after the action (`after`, as runScenario records it), the words say what the
 * action left in force: the cuts other verbs still hold (after a link verb, a thaw or a restart),
 * and members a link verb cannot bring back because their mysqld is frozen or down. Without it,
 * only what the verb does.
 */
export function describeAction(a: ScenarioAction, after?: NetworkAfterEvent): string {
  const base = describeVerb(a);
  if (after === undefined) return base;
  const { members: names } = after;
  const slot = (m: string): number => names.indexOf(m);
  const everyone = names.map((_, i) => i);
  let still: string[] = [];
  let notes: string[] = [];
  let upWhenClear = false;
  if ('isolate' in a) still = cutsInForce(after, { isolated: a.isolate });
  else if ('heal' in a) {
    still = cutsInForce(after, {});
    notes = processNotes(after, a.heal === 'all' ? everyone : [slot(a.heal)]);
    upWhenClear = true;
  } else if ('cut' in a) still = cutsInForce(after, { oneWay: [a.cut.from, a.cut.to] });
  else if ('restore' in a) {
    if (a.restore !== 'all') {
      const { from, to } = a.restore;
      const causes = after.links.causes(slot(from), slot(to));
      if (causes !== 0) {
        return `the one-way cut ${from} → ${to} is removed, but messages from ${from} to ${to} are still dropped: ${whyDown(causes, from, to)}`;
      }
    }
    still = cutsInForce(after, {});
    upWhenClear = true;
  } else if ('partition' in a) {
    const groups = partitionGroups(after);
    const named = a.partition.flat();
    const rest = names.filter((m) => !named.includes(m));
    const asWritten = [...a.partition.map((g) => [...g]), ...(rest.length > 0 ? [rest] : [])];
    const same = groups !== null && groups.length === asWritten.length && asWritten.every((g) => groups.some((h) => h.length === g.length && g.every((m) => h.includes(m))));
    still = cutsInForce(after, { partition: same });
    const parts = `the network is partitioned into ${asWritten.map((g) => `[${list(g)}]`).join(' ')}`;
    return [parts, ...(still.length > 0 ? [`also cut: ${still.join('; ')}`] : [])].join('; ');
  } else if ('repair' in a) {
    still = cutsInForce(after, {});
    notes = processNotes(after, everyone);
    upWhenClear = true;
  } else if ('thaw' in a || 'restart' in a) {
    // A process back is only half the story if its links are still cut.
    still = cutsInForce(after, {});
  } else {
    return base;
  }
  const tail = still.length > 0 ? [`still cut: ${still.join('; ')}`] : upWhenClear ? ['every link is up'] : [];
  return [base, ...tail, ...notes].join('; ');
}

/** What a verb does, in words (see describeAction for what it left in force). */
function describeVerb(a: ScenarioAction): string {
  if ('isolate' in a) return `${a.isolate} is cut off from every other member (both ways)`;
  if ('heal' in a) return a.heal === 'all' ? 'every partition, one-way cut and isolation is removed' : `every link to and from ${a.heal} is restored`;
  if ('cut' in a) return `messages from ${a.cut.from} to ${a.cut.to} are dropped (one way)`;
  if ('restore' in a) return a.restore === 'all' ? 'every one-way cut is removed' : `messages from ${a.restore.from} to ${a.restore.to} flow again`;
  if ('partition' in a) return `the network is partitioned into ${a.partition.map((g) => `[${g.join(', ')}]`).join(' ')} (other members form one more part)`;
  if ('repair' in a) return 'every partition is repaired';
  if ('freeze' in a) return `${a.freeze}'s mysqld is frozen (SIGSTOP)`;
  if ('thaw' in a) return `${a.thaw}'s mysqld resumes (SIGCONT)`;
  if ('crash' in a) return `${a.crash}'s mysqld is killed`;
  if ('restart' in a) return `${a.restart}'s mysqld is started again`;
  if ('stop' in a) return `STOP GROUP_REPLICATION on ${a.stop}`;
  if ('start' in a) return `START GROUP_REPLICATION on ${a.start}`;
  if ('set' in a) return `${setStatement(a.set.scope)} ${a.set.option} = ${JSON.stringify(a.set.value)} on ${a.set.member === 'all' ? 'every member' : a.set.member}`;
  if ('writeLocal' in a) return `${a.writeLocal.count === 1 ? 'one transaction is' : `${a.writeLocal.count} transactions are`} committed on ${a.writeLocal.member} outside the group (super_read_only OFF)`;
  if ('write' in a) return `${a.write.count === 1 ? 'one transaction is' : `${a.write.count} transactions are`} submitted on ${a.write.member}`;
  if ('setAsPrimary' in a) return `SELECT group_replication_set_as_primary(<${a.setAsPrimary.primary}'s uuid>) on ${a.setAsPrimary.member}`;
  if ('add' in a) return `a new server ${a.add.name} (${a.add.host}:${a.add.port}) starts and runs START GROUP_REPLICATION`;
  if ('remove' in a) return `STOP GROUP_REPLICATION on ${a.remove}, whose server then leaves the simulation for good`;
  const l = a.link;
  const where = l.from === undefined && l.to === undefined ? 'every link' : `links ${l.from ?? '*'} → ${l.to ?? '*'}`;
  const what = [
    l.latencyUs === undefined ? '' : `latency ${l.latencyUs / 1000} ms`,
    l.jitterUs === undefined ? '' : `jitter ${l.jitterUs / 1000} ms`,
    l.loss === undefined ? '' : `loss ${l.loss}`,
  ].filter((x) => x !== '').join(', ');
  return `${where}: ${what}`;
}

/** Bytes for people, in the binary units MySQL's sizes use: "4.19 KiB", "127.99 MiB", "1.00 GiB". */
function humanBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const [unit, size] = bytes < 1_048_576 ? ['KiB', 1024] : bytes < 1_073_741_824 ? ['MiB', 1_048_576] : ['GiB', 1_073_741_824];
  return `${(bytes / size).toFixed(2)} ${unit}`;
}

/** `part` as a percentage of `whole`: one decimal from 1% up, two significant digits below (0.044%), so a small nonzero share never reads 0.0%. */
function percentOf(part: number, whole: number): string {
  const pct = (100 * part) / whole;
  return `${pct === 0 || pct >= 1 ? pct.toFixed(1) : Number(pct.toPrecision(2)).toString()}%`;
}

/**
 * The slots a cache freed, told apart: evicted for the size limit, and cleared when its XCom
 * stopped (an expel, leave or crash frees the whole cache, evicting nothing). Their sum is the
 * JSON report's cumulative `evicted` (docs/report-format.md, `cache`).
 */
function freedSlots(freed: number, cleared: number): string {
  const evicted = freed - cleared;
  return `${evicted} slot${evicted === 1 ? '' : 's'} evicted` + (cleared === 0 ? '' : `, ${cleared} cleared when its XCom stopped`);
}

/** Per member, its highest cache peak so far (bytes, the limit then, when), folded from `cache` events. */
type CachePeaks = Map<string, { bytes: number; limit: number; t: number }>;

function foldCachePeak(peaks: CachePeaks, e: SimEvent): void {
  if (e.type !== 'cache') return;
  const p = peaks.get(e.member);
  if (p === undefined || e.peakBytes > p.bytes) peaks.set(e.member, { bytes: e.peakBytes, limit: e.limit, t: e.t });
}

/**
 * Per member, the peak cached bytes against the limit in force at that moment (the limit can be
 * changed at run time), slots evicted and cleared, and the performance_schema CURRENT/HIGH bytes a DBA would
 * read; empty when no member's cache changed during the run.
 */
export function renderCacheSection(sim: Simulation): string {
  const peaks: CachePeaks = new Map();
  for (const e of sim.trace) foldCachePeak(peaks, e);
  return cacheSection(sim, peaks);
}

function cacheSection(sim: Simulation, peaks: CachePeaks): string {
  if (peaks.size === 0) return '';
  const out = ['=== XCom message cache ==='];
  for (const m of sim.members) {
    const sampled = peaks.get(m.name);
    if (sampled === undefined) {
      out.push(`${m.name}: no cache activity`);
      continue;
    }
    const c = m.xcomCache();
    // Growth after the member's last sample (held back by the once-a-second rule, see CacheEvent)
    // leaves the cache at its peak now.
    const p = c.bytes > sampled.bytes ? { bytes: c.bytes, limit: c.limit, t: sim.nowUs } : sampled;
    out.push(`${m.name}: peak ${humanBytes(p.bytes)} of ${humanBytes(p.limit)} limit (${percentOf(p.bytes, p.limit)}) at ${formatTimestamp(sim.startEpochUs, p.t)}; ${freedSlots(c.evicted, m.xcomCacheCleared())}; ${c.count} cached now`);
    if (m.running) {
      const row = m.xcomCacheMemory();
      out.push(`  ${row.EVENT_NAME}: CURRENT_NUMBER_OF_BYTES_USED ${row.CURRENT_NUMBER_OF_BYTES_USED}, HIGH_NUMBER_OF_BYTES_USED ${row.HIGH_NUMBER_OF_BYTES_USED}`);
    } else {
      out.push('  (server not running: performance_schema cannot be queried)');
    }
  }
  return out.join('\n');
}

/** Per member, its once-per-second workload sample with the fewest commits (the first such). */
function foldSlowestSecond(slowest: Map<string, WorkloadEvent>, e: SimEvent): void {
  if (e.type !== 'workload') return;
  const worst = slowest.get(e.member);
  if (worst === undefined || e.committedLastSecond < worst.committedLastSecond) slowest.set(e.member, e);
}

/** The text report folded one trace event at a time (see textReportFold). */
export interface TextReportFold {
  observe(e: SimEvent): void;
  /** Writes the whole report of the finished run to `write`, in pieces, ending with a newline. */
  finish(run: ScenarioRun, write: (text: string) => void): void;
}

/**
 * The text report of `sim` (running `scenario`) folded as the run emits its events: each member's
 * error-log lines go to its spool (`logSpool(name)`, asked once per member) as they are logged; the
 * cache peaks, slowest workload seconds and metrics are folded; the rest is read at the end.
 */
export function textReportFold(sim: Simulation, scenario: Scenario, grsimVersion: string, logSpool: (member: string) => Spool): TextReportFold {
  const logs = new Map<string, Spool>();
  // A member the scenario adds during the run (`add`) gets its spool when it first logs or is reported.
  const logOf = (member: string): Spool => {
    let spool = logs.get(member);
    if (spool === undefined) logs.set(member, spool = logSpool(member));
    return spool;
  };
  for (const m of sim.members) logOf(m.name);
  const peaks: CachePeaks = new Map();
  const slowest = new Map<string, WorkloadEvent>();
  const metrics = metricsFold({ members: sim.atStart.members, initialViewId: sim.atStart.viewId });
  const observe = (e: SimEvent): void => {
    metrics.observe(e);
    if (e.type === 'log') {
      if (visibleAt(e.level, 2)) logOf(e.member).write(`${formatLogLine(sim.startEpochUs, e)}\n`);
    } else if (e.type === 'cache') foldCachePeak(peaks, e);
    else if (e.type === 'workload') foldSlowestSecond(slowest, e);
  };
  const finish = (run: ScenarioRun, write: (text: string) => void): void => {
    const line = (text: string): void => write(`${text}\n`);
    const ts = (us: number): string => formatTimestamp(sim.startEpochUs, us);
    line(`grsim ${grsimVersion} — ${scenario.name}: ${scenario.members.length} member${scenario.members.length === 1 ? '' : 's'}, ${scenario.mode}, MySQL ${sim.version.serverVersion} (profile ${scenario.version}), seed ${scenario.seed}`);
    line(`${ts(0)}  start`);
    scenario.events.forEach((e, k) => { line(`${ts(e.atUs)}  ${describeAction(e.action, run.networkAfter[k])}`); });
    line(`${ts(scenario.untilUs)}  end of the run\n`);
    writeMemberReport(sim, run.snapshots, (m, w) => {
      const spool = logOf(m.name);
      spool.drain(w);
      return !spool.empty;
    }, write);
    if (sim.writes.length > 0) {
      line('=== writes ===');
      for (const w of sim.writes) {
        line(`#${w.id} on ${w.member} at ${ts(w.submittedUs)}, consistency ${w.level}: ${w.outcome}${w.atUs === null ? '' : ` at ${ts(w.atUs)}`}${w.error === null ? '' : ` — ${w.error}`}`);
      }
    }
    if (scenario.workload !== undefined && scenario.workload.length > 0) {
      line('\n=== workload ===');
      for (const m of sim.members) {
        const c = m.workload();
        const mean = c.committed === 0 ? 'none committed' : `mean commit latency ${(c.latencySumUs / c.committed / 1000).toFixed(3)} ms`;
        line(`${m.name}: ${c.submitted} submitted, ${c.refused} refused, ${c.throttled} throttled, ${c.committed} committed, ${c.rolledBack} rolled back, ${mean}`);
        const worst = slowest.get(m.name);
        if (worst !== undefined) {
          line(`  slowest second: ${worst.committedLastSecond} committed/s at ${ts(worst.t)}` +
            (worst.meanLatencyUs === null ? '' : `, mean commit latency ${(worst.meanLatencyUs / 1000).toFixed(3)} ms`));
        }
      }
    }
    const warnings = runWarnings(sim);
    if (warnings.length > 0) {
      line('\n=== warnings ===');
      for (const w of warnings) line(`${ts(w.firstUs)} to ${ts(w.lastUs)}  ${w.message}`);
    }
    const cache = cacheSection(sim, peaks);
    if (cache !== '') line(`\n${cache}`);
    line('\n=== failure-detection metrics ===');
    const record = runRecordOf({ trace: [], nowUs: sim.nowUs, atStart: sim.atStart, members: sim.members });
    line(formatSummary(metrics.finish(record.endUs, record.workload)).trimEnd());
  };
  return { observe, finish };
}

/** The text report of a scenario run that kept its trace: header, schedule, per-member logs and tables, writes, workload, warnings, XCom cache, metrics. */
export function renderRunText(run: ScenarioRun, grsimVersion: string): string {
  const fold = textReportFold(run.sim, run.scenario, grsimVersion, memorySpool);
  for (const e of run.sim.trace) fold.observe(e);
  let text = '';
  fold.finish(run, (t) => { text += t; });
  return text;
}
