/** Workload entries: validation, GR payload rules (LZ4 above the threshold, fragments above the max message size), bursts. */
import { describe, expect, it } from 'vitest';
import { ConfigError, createSimulation, normalizeWorkload, parseBytes, parseRate, transactionPayload } from '../../src/index.js';
import { FLOW_CONTROL_STATS_MESSAGE_BYTES } from '../../src/gr/flow-control-stats.js';

const NAMES = ['node1', 'node2', 'node3'];

function configError(fn: () => unknown): ConfigError {
  try { fn(); } catch (e) { if (e instanceof ConfigError) return e; throw e; }
  throw new Error('expected a ConfigError');
}

describe('workload validation', () => {
  it('reads sizes and rates with units', () => {
    expect(parseBytes('4KiB', 'f')).toBe(4096);
    expect(parseBytes('120MiB', 'f')).toBe(125_829_120);
    expect(parseBytes('512B', 'f')).toBe(512);
    expect(parseBytes('1.5MB', 'f')).toBe(1_500_000);
    expect(parseBytes(1000, 'f')).toBe(1000);
    expect(parseRate('2000/s', 'f')).toBe(2000);
    expect(parseRate('120/m', 'f')).toBe(2);
    expect(parseRate(5, 'f')).toBe(5);
  });

  it.each([
    [[{ member: 'node9', rate: 1, size: 1 }], 'workload[0].member', 'must name a member'],
    [[{ member: 'node1', rate: '0/s', size: 1 }], 'workload[0].rate', 'must be a rate above 0'],
    [[{ member: 'node1', rate: 10, size: '4 parsecs' }], 'workload[0].size', 'must be a size in bytes'],
    [[{ member: 'node1', rate: 10, size: { uniform: ['8KiB', '512B'] } }], 'workload[0].size.uniform[1]', 'must be at least the minimum'],
    [[{ member: 'node1', rate: 10, size: { list: [] } }], 'workload[0].size.list', 'must be a list of 1 to 10000 sizes'],
    [[{ member: 'node1', rate: 10, size: 1, from: '20s', to: '10s' }], 'workload[0].to', 'must be after from'],
    [[{ member: 'node1', rate: 10, size: 1, clients: 0 }], 'workload[0].clients', 'client connections'],
    [[{ member: 'node1', rate: 10, size: 1, burst: { every: '10s', for: '20s', rate: 5 } }], 'workload[0].burst.for', 'at most every'],
    [[{ member: 'node1', rate: 10, size: 1, colour: 'red' }], 'workload[0].colour', 'is not a known field'],
    [[{ member: 'node1', transaction: { size: '1MiB' } }], 'workload[0].at', 'is required for a one-off transaction'],
    [[{ member: 'node1', at: '5s', transaction: { size: '1MiB', compressionRatio: 0.5 } }], 'workload[0].transaction.compressionRatio', 'from 1'],
  ])('%j → %s', (input, field, rule) => {
    const e = configError(() => normalizeWorkload(input, NAMES));
    expect(e.field).toBe(field);
    expect(e.message).toContain(rule);
  });

  it('createSimulation rejects a bad workload with the field path', () => {
    const e = configError(() => createSimulation({ seed: 1, members: NAMES, workload: [{ member: 'node1', rate: 10, size: -1 }] }));
    expect(e.field).toBe('workload[0].size');
  });
});

describe('GR payload rules', () => {
  const rules = { compressionThreshold: 1_000_000, maxMessageSize: 10_485_760 };
  it('leaves payloads at or below the compression threshold alone', () => {
    expect(transactionPayload(1_000_000, 2, rules, [0, 0])).toEqual([1, 1_000_000]);
  });
  it('compresses above the threshold and fragments above the max message size', () => {
    expect(transactionPayload(1_000_001, 2, rules, [0, 0])).toEqual([1, 500_001]);
    // 48 MiB at 2:1 is 24 MiB: three fragments of at most 10 MiB.
    expect(transactionPayload(48 * 1_048_576, 2, rules, [0, 0])).toEqual([3, 24 * 1_048_576]);
    // Threshold 0 disables compression; max message size 0 disables fragmentation.
    expect(transactionPayload(48 * 1_048_576, 2, { compressionThreshold: 0, maxMessageSize: 0 }, [0, 0])).toEqual([1, 48 * 1_048_576]);
  });
  it('a fragmented transaction costs one app_data per fragment in the cache', () => {
    const sim = createSimulation({ seed: 1, members: NAMES, mode: 'multi-primary', workload: [{ member: 'node1', at: '10s', transaction: { size: '48MiB' } }] });
    sim.runFor('20s');
    // Each fragment is a GCS message a free proposer takes alone: 3 msgnos × 3 slots × 200, plus
    // 3 × 176 + 24 MiB. Beside them each member's flow-control statistics message (one a second,
    // pipeline_stats.cc) is a value of its own: 3 slots × 200 + 176 + 206, 18–20 per member in 20 s.
    const cache = sim.member('node2').xcomCache();
    const statsValues = (cache.count - 9) / 3;
    expect(Number.isInteger(statsValues)).toBe(true);
    expect(statsValues).toBeGreaterThanOrEqual(3 * 18);
    expect(statsValues).toBeLessThanOrEqual(3 * 20);
    expect(cache.bytes).toBe(9 * 200 + 3 * 176 + 24 * 1_048_576 + statsValues * (3 * 200 + 176 + FLOW_CONTROL_STATS_MESSAGE_BYTES));
    expect(sim.member('node1').workload().committed).toBe(1);
  });
});

describe('streams', () => {
  it('submits rate × time, bursts included, and refuses on a read-only secondary', () => {
    const sim = createSimulation({
      seed: 2, members: NAMES, mode: 'single-primary',
      workload: [
        { member: 'node1', rate: '1000/s', size: '1KiB', from: '10s', to: '30s', burst: { every: '10s', for: '1s', rate: '5000/s' } },
        { member: 'node2', rate: 100, size: { uniform: ['512B', '8KiB'] } },
      ],
    });
    sim.runFor('40s');
    const primaries = NAMES.filter((m) => !sim.member(m).superReadOnly);
    expect(primaries).toHaveLength(1);
    // 20 s at 1,000/s, two of them (10–11 s, 20–21 s) at 5,000/s: 18,000 + 10,000; 40 s at 100/s.
    for (const [m, submitted] of [['node1', 28_000], ['node2', 4000]] as const) {
      const w = sim.member(m).workload();
      expect(w.submitted).toBe(submitted);
      if (m === primaries[0]) expect([w.committed, w.refused]).toEqual([submitted, 0]);
      else expect([w.committed, w.refused]).toEqual([0, submitted]);
    }
  });
});

describe('the load tick run in place by the workload tick', () => {
  it('asks for the decision delay again after a listener of the tick\'s workload sample cut the member off', () => {
    // The workload tick hands its decision delay to the load tick it runs in place, unless it
    // emitted a trace event in between: a listener may change what the delay depends on. Here
    // the listener of node1's first workload sample after 2 s isolates node1, so the load tick of
    // that same instant reaches no majority and proposes nothing; every earlier batch was decided
    // within a round trip, before this tick.
    const sim = createSimulation({ seed: 3, members: NAMES, workload: [{ member: 'node1', rate: 1000, size: 1024 }] });
    let committedAtCut = -1;
    sim.on('workload', (e) => {
      if (committedAtCut >= 0 || e.member !== 'node1' || e.t < 2_000_000) return;
      committedAtCut = e.committed;
      sim.network.isolate('node1');
    });
    sim.runFor('3s');
    expect(committedAtCut).toBeGreaterThan(1000);
    expect(sim.member('node1').workload().committed).toBe(committedAtCut);
    expect(sim.member('node1').workload().submitted).toBeGreaterThan(committedAtCut + 500);
  });
});
