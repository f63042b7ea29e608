import type { LeaveCause } from '../observe/leave-lines.js';
import type { DurationStats, RunSummary } from '../observe/metrics.js';

/** Seconds with millisecond precision, from integer µs. */
function s(us: number | null): string {
  return us === null ? '-' : `${(us / 1e6).toFixed(3)} s`;
}

function statsLine(label: string, st: DurationStats): string {
  return st.count === 0 ? `${label}: none` : `${label}: n=${st.count} min ${s(st.minUs)} mean ${s(st.meanUs)} max ${s(st.maxUs)}`;
}

/**
 * What makes an expel false (ExpelRecord.falseExpel, docs/partition-experiments.md "Metrics"): at
 * the removal, remover and member could talk again and the member had not crashed since the fault.
 * Said with the label wherever it is shown, so that it does not read as "the member was never cut off".
 */
export const FALSE_EXPEL_WHY = 'outage already over';

/** A leave's cause in the summary's words. */
const LEAVE_CAUSE_WORDS: Readonly<Record<LeaveCause, string>> = {
  'stop': 'STOP GROUP_REPLICATION',
  'majority-timeout': 'unreachable-majority timeout',
  'join-refused': 'join refused: transactions the group lacks',
  'join-timeout': "START's view did not come",
  'rejoin-timeout': "auto-rejoin attempt's view did not come",
  'xcom-exit': "XCom's exit: the group is too far ahead",
};

/** Renders a RunSummary as plain text for the terminal (times in seconds since time zero). */
export function formatSummary(summary: RunSummary): string {
  const out: string[] = [];
  out.push(`run length ${s(summary.endUs)}`);
  out.push(statsLine('detection latency (fault → UNREACHABLE)', summary.detection.stats));
  for (const d of summary.detection.samples) {
    out.push(`  ${d.observer} saw ${d.member} UNREACHABLE at ${s(d.unreachableUs)}, ${s(d.latencyUs)} after the fault at ${s(d.faultUs)}`);
  }
  // Every listed expel is counted: the ones with no fault have no time to expel.
  const noFault = summary.expels.length - summary.timeToExpel.count;
  out.push(statsLine('time to expel (fault → removal view)', summary.timeToExpel) +
    (noFault === 0 ? '' : ` (${summary.timeToExpel.count === 0 ? '' : 'and '}${noFault} expel${noFault === 1 ? '' : 's'} with no fault)`));
  for (const x of summary.expels) {
    out.push(`  ${x.member} removed by ${x.remover} at ${s(x.removedUs)}` +
      (x.faultUs === null ? ' with no fault' : `, fault at ${s(x.faultUs)}`) +
      (x.unreachableUs === null ? '' : `, UNREACHABLE at ${s(x.unreachableUs)}`) +
      (x.falseExpel ? ` [false expel: ${FALSE_EXPEL_WHY}]` : ''));
  }
  out.push(`false expels: ${summary.falseExpels}`);
  out.push(`leaves at the member's own request (not expels): ${summary.leaves.length}`);
  for (const l of summary.leaves) out.push(`  ${l.member} asked to leave at ${s(l.askedUs)} (${LEAVE_CAUSE_WORDS[l.cause]}), removed by ${l.remover} at ${s(l.removedUs)}`);
  out.push(`majority lost: ${summary.majority.length} episode(s)`);
  for (const m of summary.majority) {
    out.push(`  ${m.member} lost at ${s(m.lostUs)}, ${m.end === 'regained' ? `regained at ${s(m.regainedUs)}` : m.end === 'left' ? 'left the group' : 'still lost at the end'}` +
      (m.regainLatencyUs === null ? '' : ` (${s(m.regainLatencyUs)} after the network allowed it)`));
  }
  const windows = (label: string, totalUs: number, list: readonly { startUs: number; endUs: number }[]): string =>
    `${label}${s(totalUs)} in ${list.length} window(s)` + (list.length > 0 && list.length <= 5 ? ` ${list.map((x) => `[${s(x.startUs)}, ${s(x.endUs)})`).join(' ')}` : '');
  const g = summary.groupWriteUnavailable;
  out.push(windows('no member could take writes (no writable primary, in single-primary mode): ', g.totalUs, g.windows));
  out.push('write-unavailable time per member (a single-primary secondary refuses writes all along):');
  for (const w of summary.writeUnavailable) out.push(windows(`  ${w.member}: `, w.totalUs, w.windows));
  const installs = Object.entries(summary.views.installs).map(([m, k]) => `${m} ${k}`).join(', ');
  out.push(`views: ${summary.views.distinct} distinct view id(s); installs: ${installs}`);
  const rj = summary.rejoins.filter((r) => r.started > 0);
  out.push(rj.length === 0 ? 'auto-rejoin: none' : 'auto-rejoin:');
  for (const r of rj) out.push(`  ${r.member}: ${r.started} started, ${r.succeeded} succeeded, ${r.failed} failed${r.inProgress > 0 ? ', 1 in progress' : ''}`);
  const w = summary.writes;
  out.push(`writes: ${w.submitted} submitted, ${w.committed} committed, ${w.rolledBack} rolled back, ${w.refused} refused, ${w.pending} pending`);
  const wl = w.workload;
  if (wl.submitted > 0 || wl.throttled > 0) {
    out.push(`  of which workload transactions: ${wl.submitted} submitted, ${wl.committed} committed, ${wl.rolledBack} rolled back, ${wl.refused} refused, ${wl.unfinished} unfinished` +
      (wl.throttled > 0 ? `; ${wl.throttled} more throttled (never submitted)` : ''));
  }
  return out.join('\n') + '\n';
}
