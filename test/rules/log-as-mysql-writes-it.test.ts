/**
 * The log as MySQL writes it (issue 10 item 6). node3's lines after the heal in the reference case
 * (fixture: the published log) against grsim's run of the same case:
 * - the blocked DELETE's session reports the failed wait for certification and the failed hook
 *   (observer_trans.cc group_replication_trans_before_commit; sql/rpl_handler.cc FOREACH_OBSERVER),
 *   with the session's thread id;
 * - the auto-rejoin attempt re-creates the applier channel (plugin.cc attempt_rejoin), and distributed
 *   recovery points the recovery channel at a donor, connects and resets it
 *   (recovery_state_transfer.cc), as the server's own replication lines (sql/rpl_replica.cc);
 * - each line carries its writer's thread: 0 for the GCS threads, one id per session or thread.
 * And the view id's fixed part is the bootstrap time in 100 ns units plus rand() % 1000
 * (gcs_xcom_state_exchange.cc, Gcs_xcom_state_exchange::state_exchange).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createSimulation, formatLogLine } from '../../src/index.js';
import { SEED_CASE_TIMES, seedCaseSimulation } from '../helpers/seed-case.js';

const REAL = readFileSync(new URL('./fixtures/seed-case-node3-after-heal.log', import.meta.url), 'utf8')
  .split('\n').filter((l) => l.length > 0 && !l.startsWith('#'));

/**
 * A line reduced to what grsim must reproduce: the thread as its order of first appearance (0 stays
 * 0), level, code and text, without timestamps, the view id's fixed part, relay positions (not
 * modelled) and the donor's address (MySQL picks a donor at random).
 */
function shape(lines: readonly string[]): string[] {
  const threads = new Map<string, string>();
  return lines.map((line) => {
    const m = /^\S+ (\d+) \[(\w+)\] \[(MY-\d{6})\] \[Repl\] (.*)$/.exec(line);
    if (m === null) throw new Error(`not a MySQL log line: ${line}`);
    const [, thread, level, code, text] = m as unknown as [string, string, string, string, string];
    if (thread !== '0' && !threads.has(thread)) threads.set(thread, `T${threads.size + 1}`);
    let t = text.replace(/on view \d+:(\d+)\./, 'on view <fixed>:$1.').replace(/log_pos= \d+/g, 'log_pos= <pos>');
    if (code === 'MY-010597' || code === 'MY-010562') t = t.replace(/192\.168\.244\.\d+/g, '<donor>');
    return `${thread === '0' ? '0' : threads.get(thread)} [${level}] [${code}] ${t}`;
  });
}

describe('node3 after the heal writes the lines the real case has, from the same threads', () => {
  const sim = seedCaseSimulation(7);
  sim.runUntil(SEED_CASE_TIMES.endUs);
  const ours = sim.member('node3').logEvents().filter((e) => e.t >= SEED_CASE_TIMES.healUs).map((e) => formatLogLine(sim.startEpochUs, e));

  it('line for line, in order', () => {
    expect(shape(ours)).toEqual(shape(REAL));
  });

  it("the blocked session's lines carry its thread id, and the line about it names it", () => {
    const session = ours.filter((l) => / \[MY-011615\] | \[MY-010207\] /.test(l));
    expect(session).toHaveLength(2);
    const id = /^\S+ (\d+) /.exec(session[0]!)![1]!;
    expect(id).not.toBe('0');
    expect(session[0]).toContain(`on session ${id}'`);
    expect(session[1]).toMatch(new RegExp(`^\\S+ ${id} \\[ERROR\\] \\[MY-010207\\] \\[Repl\\] Run function 'before_commit' in plugin 'group_replication' failed$`));
  });
});

describe('release wording of the replication-channel lines', () => {
  it('8.4 says CHANGE REPLICATION SOURCE TO and START REPLICA, and leaves out the 8.0.22 receiver line', () => {
    const sim = createSimulation({ seed: 7, version: '8.4', members: ['node1', 'node2', 'node3'], options: { group_replication_member_expel_timeout: 0 } });
    sim.at('10s', (s) => s.network.isolate('node3'));
    sim.at('40s', (s) => s.network.heal('node3'));
    sim.runUntil('120s');
    const lines = sim.member('node3').errorLog().filter((l) => / \[MY-0105\d\d\] | \[MY-010897\] /.test(l));
    expect(lines.some((l) => l.includes("'CHANGE REPLICATION SOURCE TO FOR CHANNEL 'group_replication_recovery' executed'. Previous state source_host='<NULL>', source_port= 0,"))).toBe(true);
    expect(lines.some((l) => l.includes('connection metadata repository') && l.includes('START REPLICA'))).toBe(true);
    expect(lines.some((l) => l.includes('[MY-010562]'))).toBe(false);
  });
});

describe("the view id's fixed part comes from the bootstrap time", () => {
  const viewFixed = (bootstrapTime?: string): bigint => {
    const sim = createSimulation({ seed: 3, start: '2022-07-31T13:02:50Z', members: ['a', 'b', 'c'], ...(bootstrapTime === undefined ? {} : { bootstrapTime }) });
    return BigInt(sim.member('a').viewId().split(':')[0]!);
  };

  it('the bootstrap time in 100 ns units plus rand() % 1000', () => {
    const fixed = viewFixed('2022-07-31T13:01:03.652540Z');
    const base = BigInt(Date.UTC(2022, 6, 31, 13, 1, 3)) * 10_000n + 6_525_400n;
    expect(fixed >= base && fixed < base + 1000n).toBe(true);
  });

  it('by default two minutes before the start', () => {
    const fixed = viewFixed();
    const base = BigInt(Date.UTC(2022, 6, 31, 13, 0, 50)) * 10_000n;
    expect(fixed >= base && fixed < base + 1000n).toBe(true);
  });

  it('a bootstrap after the start is refused, naming the field', () => {
    expect(() => viewFixed('2022-07-31T13:05:00Z')).toThrow(/bootstrapTime must not be after start/);
    expect(() => viewFixed('yesterday')).toThrow(/bootstrapTime must be an ISO 8601 UTC time/);
  });
});
