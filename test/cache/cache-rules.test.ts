/**
 * The XCom message cache in a running group (docs/mysql-behaviour.md §X4 "The XCom cache", §X3 "When the
 * needed message has been evicted", gcs-and-plugin warning MY-011735): each eviction rule in
 * isolation, catch-up success, the die path, and the warning's once-per-suspicion rule.
 */
import { describe, expect, it } from 'vitest';
import { createSimulation, type CacheEvent, type Simulation, type WorkloadInput } from '../../src/index.js';
import { SIZEOF_APP_DATA, SIZEOF_PAX_MSG } from '../../src/xcom/constants.js';
import { FLOW_CONTROL_STATS_MESSAGE_BYTES } from '../../src/gr/flow-control-stats.js';

const SEC = 1_000_000;
const MIB_128 = 134_217_728;
const NODES = ['node1', 'node2', 'node3'];
const TOO_FAR = 'since the group is too far ahead. Node will now exit.';
const EVICTED_WARNING = 'have been evicted from the message  cache. Consider resizing the maximum size of the cache by  setting group_replication_message_cache_size.';

function group(seed: number, options: Record<string, number>, workload: WorkloadInput[]): Simulation {
  return createSimulation({ seed, members: NODES, mode: 'multi-primary', options, workload });
}

function cacheSamples(sim: Simulation, member: string, fromUs = 0, toUs = Infinity): CacheEvent[] {
  return sim.trace.filter((e): e is CacheEvent => e.type === 'cache' && e.member === member && e.t >= fromUs && e.t <= toUs);
}

function logs(sim: Simulation, member: string, code: string, text = ''): { t: number; message: string }[] {
  return sim.trace.filter((e) => e.type === 'log' && e.member === member && e.code === code && e.message.includes(text))
    .map((e) => ({ t: e.t, message: (e as { message: string }).message }));
}

describe('byte accounting and the limit', () => {
  it('counts 200 per slot of every channel plus 176 + payload per message, and evicts nothing at or below the limit', () => {
    // 1,000 tx/s of 1 KiB: every transaction gets its own msgno (the pipeline has room), so each
    // costs 3 slots × 200 + 176 + 1024 bytes; 60 s stay far below the 1 GiB default. Beside them
    // each member's flow-control statistics message (one a second, FLOW_CONTROL_STATS_MESSAGE_BYTES,
    // pipeline_stats.cc) is a value of its own: 3 slots × 200 + 176 + 206, 57–60 per member in 60 s.
    const sim = group(1, {}, [{ member: 'node1', rate: 1000, size: 1024 }]);
    sim.runFor('60s');
    const committed = sim.member('node1').workload().committed;
    expect(committed).toBeGreaterThan(59_000);
    for (const m of NODES) {
      const c = sim.member(m).xcomCache();
      expect(c.evicted).toBe(0);
      expect(c.bytes).toBeLessThanOrEqual(c.limit);
      const statsValues = (c.count - committed * 3) / 3;
      expect(Number.isInteger(statsValues)).toBe(true);
      expect(statsValues).toBeGreaterThanOrEqual(3 * 57);
      expect(statsValues).toBeLessThanOrEqual(3 * 60);
      expect(c.bytes).toBe(committed * (3 * SIZEOF_PAX_MSG + SIZEOF_APP_DATA + 1024)
        + statsValues * (3 * SIZEOF_PAX_MSG + SIZEOF_APP_DATA + FLOW_CONTROL_STATS_MESSAGE_BYTES));
      const row = sim.member(m).xcomCacheMemory();
      expect(row.CURRENT_NUMBER_OF_BYTES_USED).toBe(c.bytes);
      expect(row.CURRENT_COUNT_USED).toBe(c.count);
      expect(row.COUNT_FREE).toBe(0);
    }
  });

  it('keeps a healthy group at or below the limit once eviction runs, and the P_S row adds up', () => {
    const sim = group(2, { group_replication_message_cache_size: MIB_128 }, [{ member: 'node1', rate: 10_000, size: 1024 }]);
    sim.runFor('60s');
    for (const m of NODES) {
      // After the 5 s pause that follows the boot configuration, samples never exceed the limit.
      // (Evicting all the time, each member is sampled about once a second.)
      const after = cacheSamples(sim, m, 6 * SEC);
      expect(after.length).toBeGreaterThanOrEqual(50);
      for (const s of after) expect(s.bytes).toBeLessThanOrEqual(MIB_128);
      const row = sim.member(m).xcomCacheMemory();
      expect(row.COUNT_ALLOC - row.COUNT_FREE).toBe(row.CURRENT_COUNT_USED);
      expect(row.SUM_NUMBER_OF_BYTES_ALLOC - row.SUM_NUMBER_OF_BYTES_FREE).toBe(row.CURRENT_NUMBER_OF_BYTES_USED);
      expect(row.HIGH_NUMBER_OF_BYTES_USED).toBeGreaterThan(MIB_128); // the boot pause overshoot
      expect(row.COUNT_FREE).toBeGreaterThan(0);
    }
  });

  it('shrinks at once, one pass at a time, when group_replication_message_cache_size is lowered at run time', () => {
    const sim = group(3, {}, [{ member: 'node1', rate: 10_000, size: 1024 }]);
    sim.runFor('30s');
    const before = sim.member('node2').xcomCache();
    expect(before.bytes).toBeGreaterThan(2 * MIB_128);
    sim.member('node2').set('group_replication_message_cache_size', MIB_128);
    // set_max_cache_size runs shrink_cache at once: one pass, at most 25,001 slots (plus the rest of
    // the last batch entry it frees).
    const after = sim.member('node2').xcomCache();
    expect(after.limit).toBe(MIB_128);
    expect(after.evicted - before.evicted).toBeGreaterThanOrEqual(25_001);
    expect(after.evicted - before.evicted).toBeLessThan(25_001 + 3 * 200);
    expect(sim.member('node1').xcomCache().bytes).toBe(before.bytes); // only that member's cache
    // The 0.1 s cache task finishes the job: ~230,000 slots above the limit take about ten passes.
    sim.runFor('1.5s');
    expect(sim.member('node2').xcomCache().bytes).toBeLessThanOrEqual(MIB_128);
  });
});

describe('protection of live members (get_min_delivered_msg)', () => {
  // 60,000 tx/s of 1 KiB fill 128 MiB in about 1.2 s, far less than the 5 s a silent member stays protected.
  const heavy: WorkloadInput[] = [{ member: 'node1', rate: 60_000, size: 1024 }];

  it.each([4, 14, 24, 34])('seed %i: a silent member stops protecting 5 s after it was last heard', (seed) => {
    const sim = group(seed, { group_replication_message_cache_size: MIB_128, group_replication_member_expel_timeout: 3600 }, heavy);
    const cut = 20 * SEC;
    sim.at(cut, (s) => s.network.isolate('node3'));
    sim.runFor('40s');
    const s = cacheSamples(sim, 'node1', cut - 2 * SEC);
    const over = s.filter((x) => x.bytes > MIB_128);
    expect(over.length).toBeGreaterThan(0);
    // The overshoot starts after the cut; eviction resumes 4–6 s after it (last heard < 1 s before
    // the cut, + 5 s), as seen on the sample of the 0.1 s task run that follows (one is always taken
    // when eviction starts; other changes are sampled once a second).
    const first = over[0]!.t;
    expect(first).toBeGreaterThan(cut);
    const resumed = s.find((x) => x.t > first && x.evicted > over[0]!.evicted)!;
    expect(resumed.t - cut).toBeGreaterThanOrEqual(4.0 * SEC);
    expect(resumed.t - cut).toBeLessThanOrEqual(6.2 * SEC);
    // Meanwhile the cache only grows, one sample a second, each its own peak (the first may still
    // report the last evictions before the cut).
    const during = s.filter((x) => x.t >= first && x.t < resumed.t);
    expect(during.length).toBeGreaterThanOrEqual(2);
    for (let k = 1; k < during.length; k++) {
      expect(during[k]!.t - during[k - 1]!.t).toBeGreaterThanOrEqual(SEC - 50_000);
      expect(during[k]!.bytes).toBeGreaterThan(during[k - 1]!.bytes);
      expect(during[k]!.evicted).toBe(during[0]!.evicted);
      expect(during[k]!.peakBytes).toBe(during[k]!.bytes);
    }
    // The sample that reports the eviction carries the peak it came down from.
    expect(resumed.peakBytes).toBeGreaterThan(during[during.length - 1]!.bytes);
    // Afterwards the cache is back at the limit.
    const last = over[over.length - 1]!.t;
    expect(last).toBeLessThan(resumed.t + SEC);
    for (const x of s.filter((y) => y.t > last)) expect(x.bytes).toBeLessThanOrEqual(MIB_128);
  });

  it('a slow member that still talks keeps protecting its undelivered messages', () => {
    const sim = group(5, { group_replication_message_cache_size: MIB_128, group_replication_member_expel_timeout: 3600 }, heavy);
    // node3 hears and is heard with 3 s of latency: never silent for 5 s, but 3+ s behind.
    sim.at(10 * SEC, (s) => s.network.setLinkProfile({ latencyUs: 3 * SEC }, [['node1', 'node3'], ['node3', 'node1'], ['node2', 'node3'], ['node3', 'node2']]));
    sim.runFor('60s');
    const s = cacheSamples(sim, 'node1', 20 * SEC);
    // The cache stays above the limit: what node3 has not delivered may not be freed.
    const above = s.filter((x) => x.bytes > MIB_128).length;
    expect(above / s.length).toBeGreaterThan(0.9);
    expect(logs(sim, 'node3', 'MY-011735', TOO_FAR)).toHaveLength(0);
    expect(logs(sim, 'node3', 'MY-011505')).toHaveLength(0);
    expect(sim.member('node3').state).toBe('ONLINE');
  });

  it.each([6, 16, 26, 36])('seed %i: pauses eviction for 5 s after a configuration is installed', (seed) => {
    // Expel timeout 0: node3 is removed as soon as it is suspected, after its 5 s of protection
    // have ended; the remaining overshoot is the pause after the new configuration.
    const sim = group(seed, { group_replication_message_cache_size: MIB_128, group_replication_member_expel_timeout: 0 }, heavy);
    const cut = 20 * SEC;
    sim.at(cut, (s) => s.network.isolate('node3'));
    sim.runFor('45s');
    const installed = sim.trace.find((e) => e.type === 'config' && e.member === 'node1' && e.t > cut);
    expect(installed).toBeDefined();
    // The site is installed when the configuration executes, configActivationDelayUs (0.5 s) before 'installed'.
    const executedAt = installed!.t - 500_000;
    // Eviction resumes when the pause ends, at the first learn after it, reported by the sample of
    // the 0.1 s task run that follows (when eviction starts; growth meanwhile is sampled once a
    // second, so the first sample 1.5 s into the pause reports no earlier eviction).
    const s = cacheSamples(sim, 'node1', cut);
    const k = s.findIndex((x, j) => j > 0 && x.t > executedAt + 1.5 * SEC && x.evicted > s[j - 1]!.evicted);
    expect(k).toBeGreaterThan(0);
    const resumed = s[k]!;
    expect(resumed.t).toBeGreaterThan(executedAt + 4.9 * SEC);
    expect(resumed.t).toBeLessThanOrEqual(executedAt + 5.25 * SEC);
    // Right before the pause ends, the cache is well above the limit (nothing was evicted meanwhile):
    // the eviction sample carries that peak.
    expect(resumed.peakBytes).toBeGreaterThan(MIB_128 + 4 * 30_000 * 1024);
  });
});

describe('catch-up and the die answer', () => {
  it('a member back before anything it needs was evicted catches up as the same incarnation', () => {
    const sim = group(7, { group_replication_member_expel_timeout: 60 }, [{ member: 'node1', rate: 5000, size: 1024 }]);
    sim.at(20 * SEC, (s) => s.network.isolate('node3'));
    sim.at(50 * SEC, (s) => s.network.heal('node3'));
    sim.runFor('90s');
    expect(logs(sim, 'node3', 'MY-011505')).toHaveLength(0);
    expect(logs(sim, 'node3', 'MY-011735', TOO_FAR)).toHaveLength(0);
    expect(logs(sim, 'node1', 'MY-011499')).toHaveLength(0);
    expect(sim.member('node3').state).toBe('ONLINE');
    // It learned everything it missed: its cache holds what node1's holds (no eviction anywhere).
    expect(sim.member('node3').xcomCache().bytes).toBe(sim.member('node1').xcomCache().bytes);
  });

  it.each([8, 18, 28])('seed %i: a member whose messages were evicted gets the die answer, exits, is expelled and rejoins', (seed) => {
    const sim = group(seed, { group_replication_message_cache_size: MIB_128, group_replication_member_expel_timeout: 3600 }, [{ member: 'node1', rate: 10_000, size: 1024 }]);
    const heal = 60 * SEC;
    sim.at(20 * SEC, (s) => s.network.isolate('node3'));
    sim.at(heal, (s) => s.network.heal('node3'));
    sim.runFor('120s');
    const die = logs(sim, 'node3', 'MY-011735', TOO_FAR);
    expect(die).toHaveLength(1);
    expect(die[0]!.message).toMatch(/^\[GCS\] Node 2 is unable to get message \{[0-9a-f]{8} \d+ 0\}, since the group is too far ahead\. Node will now exit\.$/);
    expect(die[0]!.t).toBeGreaterThan(heal);
    const expelled = logs(sim, 'node3', 'MY-011505');
    expect(expelled).toHaveLength(1);
    expect(expelled[0]!.t).toBe(die[0]!.t); // terminate_and_exit: no delay on the die path
    expect(logs(sim, 'node3', 'MY-011712')[0]!.t).toBe(die[0]!.t);
    expect(logs(sim, 'node3', 'MY-013373', 'attempt 1 of 3').length).toBe(1);
    expect(logs(sim, 'node3', 'MY-011490').length).toBeGreaterThan(0);
    expect(sim.member('node3').state).toBe('ONLINE');
    // The group removed the old incarnation (do_remove_node_from_group) before re-adding it.
    expect(logs(sim, 'node1', 'MY-011499').length).toBe(1);
  });
});

describe('MY-011735 "messages … have been evicted" warning', () => {
  it('is logged once per suspicion on every member that holds it, on suspicion-thread runs', () => {
    const sim = group(9, { group_replication_message_cache_size: MIB_128, group_replication_member_expel_timeout: 3600 }, [{ member: 'node1', rate: 10_000, size: 1024 }]);
    sim.at(20 * SEC, (s) => s.network.isolate('node3'));
    sim.at(100 * SEC, (s) => s.network.heal('node3'));
    sim.runFor('110s');
    for (const m of ['node1', 'node2']) {
      const w = logs(sim, m, 'MY-011735', EVICTED_WARNING);
      // 80 s of outage: 5+ suspicion-thread runs, one warning.
      expect(w).toHaveLength(1);
      expect(w[0]!.message).toBe(`[GCS] Messages that are needed to recover node 10.0.0.13:33061 ${EVICTED_WARNING}`);
      const created = sim.trace.find((e) => e.type === 'suspicion' && e.member === m && e.action === 'created');
      // Checked when the suspicion appears, then every 15 s: a warning lands on that grid.
      const offset = (w[0]!.t - created!.t) % (15 * SEC);
      expect(Math.min(offset, 15 * SEC - offset)).toBeLessThan(0.2 * SEC);
    }
  });

  it('is logged again for a new suspicion, and not when nothing was evicted', () => {
    const sim = group(10, { group_replication_message_cache_size: MIB_128, group_replication_member_expel_timeout: 3600 }, [{ member: 'node1', rate: 10_000, size: 1024 }]);
    sim.at(20 * SEC, (s) => s.network.isolate('node3'));
    sim.at(60 * SEC, (s) => s.network.heal('node3'));
    sim.at(120 * SEC, (s) => s.network.isolate('node3'));
    sim.at(160 * SEC, (s) => s.network.heal('node3'));
    sim.runFor('200s');
    expect(logs(sim, 'node1', 'MY-011735', EVICTED_WARNING)).toHaveLength(2);

    const idle = group(10, { group_replication_message_cache_size: MIB_128, group_replication_member_expel_timeout: 3600 }, [{ member: 'node1', rate: 100, size: 1024 }]);
    idle.at(20 * SEC, (s) => s.network.isolate('node3'));
    idle.at(60 * SEC, (s) => s.network.heal('node3'));
    idle.runFor('90s');
    expect(logs(idle, 'node1', 'MY-011735', EVICTED_WARNING)).toHaveLength(0);
    expect(idle.member('node3').state).toBe('ONLINE');
  });
});

describe('socket buffers toward a member that does not read (docs/mysql-behaviour.md §X3 "What closes a connection")', () => {
  const load: WorkloadInput[] = [{ member: 'node1', rate: 2000, size: 10_240 }];

  it('under a write load the writer\'s connection to a cut-off member closes 10 s after its writes block; idle, it stays up', () => {
    const cut = 20 * SEC;
    const busy = group(11, { group_replication_member_expel_timeout: 3600 }, load);
    busy.at(cut, (s) => s.network.isolate('node3'));
    busy.runFor('60s');
    const closed = busy.trace.find((e) => e.type === 'connection' && e.from === 'node1' && e.to === 'node3' && !e.up);
    expect(closed).toBeDefined();
    expect((closed as { reason: string }).reason).toBe('writes blocked for 10 s (tcp_reaper_task)');
    // 4 MiB of pushed values fill the buffer within a second; the reaper runs on the 1 s alive tick.
    expect(closed!.t - cut).toBeGreaterThan(10 * SEC);
    expect(closed!.t - cut).toBeLessThan(12.5 * SEC);
    // node2 only sends heartbeats to node3: its buffer never fills.
    expect(busy.trace.some((e) => e.type === 'connection' && e.from === 'node2' && e.to === 'node3' && !e.up)).toBe(false);

    const idle = group(11, { group_replication_member_expel_timeout: 3600 }, []);
    idle.at(cut, (s) => s.network.isolate('node3'));
    idle.runFor('60s');
    expect(idle.trace.some((e) => e.type === 'connection' && e.from === 'node1' && e.to === 'node3' && !e.up)).toBe(false);
  });

  it('a frozen member whose messages were evicted meanwhile takes the die path when it resumes', () => {
    const sim = group(12, { group_replication_message_cache_size: MIB_128, group_replication_member_expel_timeout: 3600 }, load);
    const thaw = 80 * SEC;
    sim.at(20 * SEC, (s) => s.network.freeze('node3'));
    sim.at(thaw, (s) => s.network.thaw('node3'));
    sim.runFor('120s');
    // The learns pushed while it was stopped stopped at the socket buffer, and the connection closed:
    // what it missed must come from the caches, which evicted it.
    const die = logs(sim, 'node3', 'MY-011735', TOO_FAR);
    expect(die).toHaveLength(1);
    expect(die[0]!.t).toBeGreaterThan(thaw);
    expect(logs(sim, 'node3', 'MY-011505')).toHaveLength(1);
    expect(sim.member('node3').state).toBe('ONLINE');
  });

  it('a member frozen briefly reads the values held in its socket buffer and stays', () => {
    const sim = group(13, { group_replication_member_expel_timeout: 3600 }, load);
    sim.at(20 * SEC, (s) => s.network.freeze('node3'));
    sim.at(21 * SEC, (s) => s.network.thaw('node3'));
    sim.runFor('40s');
    expect(logs(sim, 'node3', 'MY-011505')).toHaveLength(0);
    expect(sim.trace.some((e) => e.type === 'connection' && e.to === 'node3' && !e.up)).toBe(false);
    expect(sim.member('node3').xcomCache().bytes).toBe(sim.member('node1').xcomCache().bytes);
  });
});
