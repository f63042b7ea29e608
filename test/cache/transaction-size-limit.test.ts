/**
 * group_replication_transaction_size_limit: a workload transaction above the limit is rolled back
 * at commit (observer_trans.cc, group_replication_trans_before_commit: `transaction_size >
 * transaction_size_limit`, 0 = no limit) and never reaches the group.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, createSimulation, parseScenario } from '../../src/index.js';
import { runWarnings } from '../../src/report/run-warnings.js';
import type { Simulation } from '../../src/sim/simulation.js';

const NAMES = ['node1', 'node2', 'node3'];
const MIB_200 = 200 * 1_048_576;

function configError(fn: () => unknown): ConfigError {
  try { fn(); } catch (e) { if (e instanceof ConfigError) return e; throw e; }
  throw new Error('expected a ConfigError');
}

/** A multi-primary group (every member takes writes) with one-off transactions of `bytes` on node1 at 10 s, run for 30 s. */
function oneOff(bytes: readonly number[], options: Record<string, unknown> = {}): Simulation {
  const sim = createSimulation({
    seed: 7, members: NAMES, mode: 'multi-primary', options,
    workload: bytes.map((size, k) => ({ member: 'node1', at: `${10 + k}s`, transaction: { size } })),
  });
  sim.runFor('30s');
  return sim;
}

function sizeLimitLines(sim: Simulation, member: string): string[] {
  return sim.member(member).logEvents().filter((e) => e.code === 'MY-011608').map((e) => e.message);
}

function holdCount(sim: Simulation, member: string, reason: string): number {
  return sim.member(member).workload().holds.find((h) => h.reason === reason)?.count ?? 0;
}

/** A multi-primary group whose members all have group_replication_transaction_size_limit 4096, running `workload`. */
function limited4096(seed: number, workload: Record<string, unknown>[]): Simulation {
  return createSimulation({ seed, members: NAMES, mode: 'multi-primary', options: { group_replication_transaction_size_limit: 4096 }, workload });
}

describe('one-off transactions', () => {
  it('refuses a 200 MiB transaction with the default limit (150000000): no GTID, no cache bytes, MY-011608 and the failed hook', () => {
    const sim = oneOff([MIB_200]);
    const w = sim.member('node1').workload();
    expect([w.submitted, w.refused, w.committed, w.admittedBytes]).toEqual([1, 1, 0, 0]);
    expect(w.holds.map((h) => [h.reason, h.count, h.firstUs])).toEqual([['size_limit', 1, 10_000_000]]);
    for (const m of NAMES) expect(sim.member(m).gtidExecuted()).toBe('');
    // Nothing was sent: every member's cache holds what a run without the transaction holds.
    const without = oneOff([]);
    for (const m of NAMES) expect(sim.member(m).xcomCache()).toEqual(without.member(m).xcomCache());
    const lines = sim.member('node1').logEvents().filter((e) => e.t === 10_000_000);
    expect(lines.map((e) => e.code)).toEqual(['MY-011608', 'MY-010207']);
    expect(lines[0]?.level).toBe('ERROR');
    expect(lines[0]?.message).toMatch(/^Error on session \d+\. Transaction of size 209715200 exceeds specified limit 150000000\. To increase the limit please adjust group_replication_transaction_size_limit option\.$/);
    expect(lines[1]?.message).toBe("Run function 'before_commit' in plugin 'group_replication' failed");
    expect(lines[0]?.thread).toBe(lines[1]?.thread);
    const warning = runWarnings(sim).find((x) => x.reason === 'size_limit');
    expect(warning).toMatchObject({ member: 'node1', count: 1, error: "ERROR 3100 (HY000): Error on observer while running replication hook 'before_commit'." });
  });

  it.each([0, 2_147_483_647, MIB_200])('the same transaction, refused with the default limit, commits with the limit %i (0: no limit)', (limit) => {
    expect(holdCount(oneOff([MIB_200]), 'node1', 'size_limit')).toBe(1);
    const sim = oneOff([MIB_200], { group_replication_transaction_size_limit: limit });
    const w = sim.member('node1').workload();
    expect([w.submitted, w.refused, w.committed]).toEqual([1, 0, 1]);
    expect(holdCount(sim, 'node1', 'size_limit')).toBe(0);
    expect(sizeLimitLines(sim, 'node1')).toEqual([]);
    for (const m of NAMES) expect(sim.member(m).gtidExecuted()).toMatch(/:1$/);
  });

  it('refuses strictly above the limit: one byte over is refused, the limit itself commits', () => {
    const limit = 5_000_000;
    const sim = oneOff([limit, limit + 1, limit - 1], { group_replication_transaction_size_limit: limit });
    const w = sim.member('node1').workload();
    expect([w.submitted, w.refused, w.committed]).toEqual([3, 1, 2]);
    expect(holdCount(sim, 'node1', 'size_limit')).toBe(1);
    expect(sizeLimitLines(sim, 'node1')).toHaveLength(1);
    expect(sizeLimitLines(sim, 'node1')[0]).toContain(`Transaction of size ${limit + 1} exceeds specified limit ${limit}.`);
  });

  it('checks each member against its own limit, and a SET applies to the next commit', () => {
    const sim = createSimulation({
      seed: 3, members: ['node1', { name: 'node2', options: { group_replication_transaction_size_limit: 1_000_000 } }, 'node3'], mode: 'multi-primary',
      workload: [
        { member: 'node1', at: '5s', transaction: { size: '2MB' } },
        { member: 'node2', at: '5s', transaction: { size: '2MB' } },
        { member: 'node1', at: '15s', transaction: { size: '2MB' } },
      ],
    });
    sim.runFor('10s');
    sim.member('node1').set('group_replication_transaction_size_limit', 1_999_999);
    sim.runFor('10s');
    expect(holdCount(sim, 'node1', 'size_limit')).toBe(1);
    expect(sim.member('node1').workload().committed).toBe(1);
    expect(holdCount(sim, 'node2', 'size_limit')).toBe(1);
    expect(sim.member('node2').workload().committed).toBe(0);
  });

  it('a transaction sent to a frozen member is refused for its size after the thaw, not before', () => {
    const sim = createSimulation({
      seed: 5, members: NAMES, mode: 'multi-primary',
      workload: [{ member: 'node1', at: '4s', transaction: { size: MIB_200 } }],
    });
    sim.runFor('3s');
    sim.network.freeze('node1');
    sim.runFor('2s');
    expect(holdCount(sim, 'node1', 'frozen')).toBe(1);
    expect(holdCount(sim, 'node1', 'size_limit')).toBe(0);
    sim.network.thaw('node1');
    sim.runFor('1s');
    const w = sim.member('node1').workload();
    expect([w.submitted, w.refused, w.committed]).toEqual([1, 1, 0]);
    const h = w.holds.find((x) => x.reason === 'size_limit');
    expect(h?.count).toBe(1);
    expect(h?.firstUs).toBeGreaterThanOrEqual(5_000_000);
    for (const m of NAMES) expect(sim.member(m).gtidExecuted()).toBe('');
  });
});

describe('streams', () => {
  it('a uniform stream straddling a lowered limit has about the expected share refused, each drawn size checked', () => {
    // Sizes uniform in 1000..3000 bytes against a limit of 2000: 1000 of the 2001 sizes are above it.
    const limit = 2000, rate = 1000, seconds = 20;
    const sim = createSimulation({
      seed: 11, members: NAMES, mode: 'multi-primary', options: { group_replication_transaction_size_limit: limit },
      workload: [{ member: 'node1', rate, size: { uniform: [1000, 3000] }, to: `${seconds}s` }],
    });
    sim.runFor(`${seconds + 5}s`);
    const w = sim.member('node1').workload();
    expect(w.submitted).toBe(rate * seconds);
    const expected = (w.submitted * 1000) / 2001;
    const sd = Math.sqrt(w.submitted * (1000 / 2001) * (1001 / 2001));
    expect(Math.abs(w.refused - expected)).toBeLessThan(4 * sd);
    expect(holdCount(sim, 'node1', 'size_limit')).toBe(w.refused);
    expect(w.committed).toBe(w.submitted - w.refused);
    // Only sizes at most the limit were admitted: their mean is about 1500.
    expect(w.admittedBytes / w.committed).toBeGreaterThan(1450);
    expect(w.admittedBytes / w.committed).toBeLessThan(1550);
    // The log has the pair once per second with refusals, not once per transaction.
    const lines = sizeLimitLines(sim, 'node1');
    expect(lines.length).toBeGreaterThanOrEqual(seconds - 1);
    expect(lines.length).toBeLessThanOrEqual(seconds + 1);
    for (const l of lines) {
      const size = Number(/Transaction of size (\d+) exceeds specified limit 2000\./.exec(l)?.[1]);
      expect(size).toBeGreaterThan(limit);
      expect(size).toBeLessThanOrEqual(3000);
    }
  });

  it('refused transactions still count in COUNT_TRANSACTIONS_LOCAL_PROPOSED (increment_transactions_local precedes the check), on the member and as the others receive it', () => {
    const sim = limited4096(15, [{ member: 'node1', rate: 100, size: 8192, to: '5s' }, { member: 'node1', rate: 50, size: 1024, to: '5s' }]);
    sim.runFor('10s');
    const w = sim.member('node1').workload();
    expect([w.submitted, w.refused, w.committed]).toEqual([750, 500, 250]);
    const uuid = sim.member('node1').uuid;
    for (const observer of NAMES) {
      const row = sim.member(observer).replicationGroupMemberStats().find((r) => r.MEMBER_ID === uuid);
      expect(row?.COUNT_TRANSACTIONS_LOCAL_PROPOSED).toBe(750);
    }
    // Certified: only the 250 sent to the group.
    expect(sim.member('node2').replicationGroupMemberStats().find((r) => r.MEMBER_ID === sim.member('node2').uuid)?.COUNT_TRANSACTIONS_CHECKED).toBe(250);
  });

  it('a fixed-size stream above the limit is refused whole, one at the limit commits whole', () => {
    const sim = limited4096(12, [{ member: 'node1', rate: 200, size: 4097, to: '10s' }, { member: 'node2', rate: 200, size: 4096, to: '10s' }]);
    sim.runFor('15s');
    const over = sim.member('node1').workload(), at = sim.member('node2').workload();
    expect([over.submitted, over.refused, over.committed]).toEqual([2000, 2000, 0]);
    expect(holdCount(sim, 'node1', 'size_limit')).toBe(2000);
    expect([at.submitted, at.refused, at.committed]).toEqual([2000, 0, 2000]);
    // Only node2's transactions took GTIDs.
    expect(sim.member('node3').gtidExecuted()).toMatch(/:1-2000$/);
  });

  it('on a frozen member the oversized stream transactions wait with the others and are refused after the thaw; the others commit', () => {
    const sim = limited4096(14, [{ member: 'node1', rate: 100, size: 8192, to: '10s' }, { member: 'node1', rate: 100, size: 1024, to: '10s' }]);
    sim.runFor('4s');
    const before = sim.member('node1').workload();
    const refusedBefore = before.refused;
    sim.network.freeze('node1');
    sim.runFor('2s');
    // Frozen: nothing more refused yet, every client blocks.
    expect(sim.member('node1').workload().refused).toBe(refusedBefore);
    sim.network.thaw('node1');
    sim.runFor('10s');
    const w = sim.member('node1').workload();
    expect(w.submitted).toBe(2000);
    expect([w.refused, w.committed]).toEqual([1000, 1000]);
    expect(holdCount(sim, 'node1', 'size_limit')).toBe(1000);
    expect(holdCount(sim, 'node1', 'frozen')).toBeGreaterThan(300);
    expect(sim.member('node2').gtidExecuted()).toMatch(/:1-1000$/);
  });

  it('a read-only secondary refuses an oversized transaction as read-only, before its size is checked; the primary for its size', () => {
    const sim = createSimulation({
      seed: 13, members: NAMES, mode: 'single-primary', bootstrap: 'node1',
      workload: [{ member: 'node2', at: '5s', transaction: { size: MIB_200 } }, { member: 'node1', at: '5s', transaction: { size: MIB_200 } }],
    });
    sim.runFor('10s');
    expect(sim.member('node2').workload().holds.map((h) => h.reason)).toEqual(['read_only_secondary']);
    expect(sim.member('node1').workload().holds.map((h) => h.reason)).toEqual(['size_limit']);
  });
});

describe('option validation', () => {
  it.each([-1, 2_147_483_648, 1.5, 'big'])('refuses %j naming the field, the rule and the value', (value) => {
    const e = configError(() => createSimulation({ seed: 1, members: NAMES, options: { group_replication_transaction_size_limit: value as number } }));
    expect(e.field).toBe('options.group_replication_transaction_size_limit');
    expect(e.rule).toBe('must be an integer in 0..2147483647');
    expect(e.value).toBe(value);
  });

  it('refuses a bad value per member in a scenario file and in a set at run time', () => {
    expect(() => parseScenario('members: [a, b, c]\nmemberOptions: { b: { group_replication_transaction_size_limit: 2147483648 } }\n', 'case.yaml'))
      .toThrow('case.yaml:2: memberOptions.b.group_replication_transaction_size_limit must be an integer in 0..2147483647, got 2147483648');
    const sim = createSimulation({ seed: 1, members: NAMES });
    const e = configError(() => sim.member('node1').set('group_replication_transaction_size_limit', -5));
    expect(e.rule).toBe('must be an integer in 0..2147483647');
    expect(e.value).toBe(-5);
  });

  it('defaults to 150000000 and accepts 0 and the maximum', () => {
    for (const value of [0, 2_147_483_647]) {
      expect(() => createSimulation({ seed: 1, members: NAMES, options: { group_replication_transaction_size_limit: value } })).not.toThrow();
    }
    // A transaction of exactly the default is the largest that commits with no option given.
    const sim = oneOff([150_000_000, 150_000_001]);
    expect(holdCount(sim, 'node1', 'size_limit')).toBe(1);
    expect(sim.member('node1').workload().committed).toBe(1);
  });
});
