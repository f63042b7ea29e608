import type { Simulation } from '../sim/simulation.js';
import { formatTimestamp } from '../observe/error-log.js';
import type { ReplicationGroupMemberRow } from '../types.js';

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

/** Every member's error log (default verbosity) followed by its replication_group_members table now. */
export function renderMemberReport(sim: Simulation): string {
  const parts: string[] = [];
  for (const m of sim.members) {
    parts.push(`=== ${m.name} (${m.host}:${m.port}) error log ===`);
    const lines = m.errorLog();
    parts.push(lines.length > 0 ? lines.join('\n') : '(nothing logged)');
    parts.push(`--- ${m.name}: replication_group_members at ${formatTimestamp(sim.startEpochUs, sim.nowUs)} ---`);
    parts.push(renderTable(m.replicationGroupMembers()));
    parts.push(`super_read_only=${m.superReadOnly ? 'ON' : 'OFF'} offline_mode=${m.offlineMode ? 'ON' : 'OFF'}\n`);
  }
  return parts.join('\n');
}
