import type { LogEvent } from './events.js';

/** Formats virtual microseconds after `startEpochUs` as MySQL's UTC timestamp (2022-07-31T13:03:07.582519Z). */
export function formatTimestamp(startEpochUs: number, tUs: number): string {
  const total = startEpochUs + tUs;
  const ms = Math.floor(total / 1000);
  const iso = new Date(ms).toISOString(); // 2022-07-31T13:03:07.582Z
  const micros = String(total % 1_000_000).padStart(6, '0');
  return `${iso.slice(0, 19)}.${micros}Z`;
}

/**
 * One error-log line as MySQL writes it: `<ts> <thread> [<Label>] [MY-0xxxxx] [Repl] <text>`, where
 * the plugin's lines (LogPluginErr, include/mysql/components/services/log_builtins.h) wrap the text
 * as `Plugin group_replication reported: '<text>'` and the server's own replication lines (LogErr,
 * e.g. sql/rpl_handler.cc, sql/rpl_replica.cc) print it as is. The thread id is the writing
 * session's; threads without one print 0.
 */
export function formatLogLine(startEpochUs: number, e: LogEvent): string {
  const text = e.server === true ? e.message : `Plugin group_replication reported: '${e.message}'`;
  return `${formatTimestamp(startEpochUs, e.t)} ${e.thread ?? 0} [${e.level}] [${e.code}] [Repl] ${text}`;
}

/**
 * Whether a line is written at `log_error_verbosity` (1 errors, 2 errors and warnings, 3 all).
 * [System] lines are always written; [Note] lines only at 3. The default is 2.
 */
export function visibleAt(level: LogEvent['level'], verbosity: 1 | 2 | 3): boolean {
  if (level === 'System' || level === 'ERROR') return true;
  if (level === 'Warning') return verbosity >= 2;
  return verbosity >= 3;
}
