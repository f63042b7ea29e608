/**
 * The line a seed logs when it refuses the add_node of a restarted server whose old incarnation is
 * still configured (xcom_base.cc allow_add_node). The 8.0.22, 8.0.26 and 8.0.27 sources log it with
 * G_MESSAGE (a Note) as "Old incarnation found while trying to add node %s %.*s."; a newer source
 * logs it with G_WARNING and appends "Please stop the old node or wait for it to leave the group."
 * (a real 8.0.32 log shows that form). The `%.*s` is the XCom identity of the node being added:
 * Gcs_xcom_uuid::create_uuid prints My_xp_util::getsystime() (100 ns units since the Unix epoch) at
 * the join attempt, not the server_uuid. Regression: grsim printed the Warning form on every
 * profile, with the server_uuid.
 */
import { describe, expect, it } from 'vitest';
import { createSimulation, type LogEvent, type VersionName } from '../../src/index.js';
import { SEC } from './helpers.js';

/** 2023-08-11T02:13:59.191345Z, in µs since the Unix epoch. */
const START = '2023-08-11T02:13:59.191345Z';
const START_EPOCH_US = Date.UTC(2023, 7, 11, 2, 13, 59) * 1000 + 191_345;

/**
 * The identity `e` should print: the wall clock, in 100 ns units, when its join attempt began,
 * which is when the attempt's first request was refused (every request of an attempt carries it).
 */
function identityOf(lines: readonly LogEvent[], e: LogEvent): string {
  const first = lines.find((l) => l.message === e.message)!;
  expect(e.t - first.t).toBeLessThan(SEC / 10);
  return String(BigInt(START_EPOCH_US + first.t) * 10n);
}

function refusals(version: VersionName): { sim: ReturnType<typeof createSimulation>; lines: LogEvent[] } {
  const sim = createSimulation({
    seed: 1, version, start: START, members: ['node1', 'node2', 'node3'], mode: 'multi-primary',
    // The old incarnation stays configured for ~75 s: all ten of the START's joins (12 s to 57 s)
    // are refused, each by both seeds on each of its ten passes.
    options: { group_replication_member_expel_timeout: 60 },
  });
  sim.at(10 * SEC, (s) => s.network.crash('node3'));
  sim.at(11 * SEC, (s) => s.network.restart('node3'));
  sim.runFor('120s');
  const lines = sim.trace.filter((e): e is LogEvent => e.type === 'log' && e.message.startsWith('[GCS] Old incarnation found'));
  return { sim, lines };
}

describe('"Old incarnation found" by version', () => {
  it.each(['8.0.20', '8.0.21'] as const)('%s: a Note without the suffix, naming the XCom identity of the join', (version) => {
    const { sim, lines } = refusals(version);
    expect(lines.length).toBeGreaterThan(0);
    for (const e of lines) {
      expect(e.level).toBe('Note');
      expect(e.code).toBe('MY-011735');
      const uuid = identityOf(lines, e);
      expect(e.message).toBe(`[GCS] Old incarnation found while trying to add node 10.0.0.13:33061 ${uuid}.`);
      expect(e.message).not.toContain(sim.member('node3').uuid);
    }
  });

  it.each(['8.4', '9.x'] as const)('%s: a Warning with "Please stop the old node…"', (version) => {
    const { lines } = refusals(version);
    expect(lines.length).toBeGreaterThan(0);
    for (const e of lines) {
      expect(e.level).toBe('Warning');
      const uuid = identityOf(lines, e);
      expect(e.message).toBe(`[GCS] Old incarnation found while trying to add node 10.0.0.13:33061 ${uuid}. Please stop the old node or wait for it to leave the group.`);
    }
  });

  it('gives each join attempt its own identity, the same for the same seed', () => {
    const a = refusals('8.0.21').lines.map((e) => e.message);
    // Ten attempts, each refused 20 times (two seeds, ten passes), each with its own identity.
    expect(a.length).toBe(200);
    expect(new Set(a).size).toBe(10);
    expect(refusals('8.0.21').lines.map((e) => e.message)).toEqual(a);
  });
});
