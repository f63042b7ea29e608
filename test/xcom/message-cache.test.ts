import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError, InvariantError } from '../../src/errors.js';
import { DETECTOR_LIVE_TIMEOUT_US, MIN_CACHED, SHRINK_CACHE_MAX_SLOTS } from '../../src/xcom/constants.js';
import {
  configPayloadBytes, dieOpIsFatal, evictedWarningApplies, MessageCache, lowestDeliveredHeard, protectionBoundSlot,
  viewPayloadBytes, XCOM_CACHE_EVENT_NAME, XcomCacheMemoryInstrument, type EvictionStop,
  type MemorySummaryGlobalByEventNameRow,
} from '../../src/xcom/message-cache.js';

const S = 1_000_000;
/** One GCS message of 1,000 bytes in a slot: 200 + 176 + 1000. */
const TX = 1376;

/** A cache with a configuration installed long ago, so only the limit and the bound matter. */
function configured(limitBytes: number, extra: Partial<ConstructorParameters<typeof MessageCache>[0]> = {}): MessageCache {
  const c = new MessageCache({ limitBytes, ...extra });
  c.configInstalled(-10 * S);
  return c;
}

function fill(c: MessageCache, from: number, to: number, payload = 1000): void {
  for (let s = from; s < to; s++) c.add(s, 1, payload);
}

function psInvariants(r: MemorySummaryGlobalByEventNameRow): void {
  expect(r.CURRENT_COUNT_USED).toBe(r.COUNT_ALLOC - r.COUNT_FREE);
  expect(r.CURRENT_NUMBER_OF_BYTES_USED).toBe(r.SUM_NUMBER_OF_BYTES_ALLOC - r.SUM_NUMBER_OF_BYTES_FREE);
  expect(r.LOW_COUNT_USED).toBeLessThanOrEqual(r.CURRENT_COUNT_USED);
  expect(r.CURRENT_COUNT_USED).toBeLessThanOrEqual(r.HIGH_COUNT_USED);
  expect(r.LOW_NUMBER_OF_BYTES_USED).toBeLessThanOrEqual(r.CURRENT_NUMBER_OF_BYTES_USED);
  expect(r.CURRENT_NUMBER_OF_BYTES_USED).toBeLessThanOrEqual(r.HIGH_NUMBER_OF_BYTES_USED);
  expect(r.LOW_COUNT_USED).toBeGreaterThanOrEqual(0);
  expect(r.LOW_NUMBER_OF_BYTES_USED).toBeGreaterThanOrEqual(0);
}

describe('message cache: byte accounting (xcom_cache.cc pax_machine_size, app_data.cc app_data_size)', () => {
  it('a slot counts sizeof(pax_msg) + Σ (sizeof(app_data) + payload) per message object', () => {
    const c = new MessageCache();
    expect(c.slotBytes(1, 1000)).toBe(376 + 1000);
    expect(c.slotBytes(0, 0)).toBe(200); // no-op / skip slot
    expect(c.slotBytes(3, 3000)).toBe(200 + 3 * 176 + 3000); // a batch of three messages is one slot
    expect(c.slotBytes(1, 1000, 2)).toBe(2 * 1376); // two distinct pax_msg objects each count
    expect(c.slotBytes(1, viewPayloadBytes(3))).toBe(376 + 12);
    expect(c.slotBytes(1, configPayloadBytes(3))).toBe(376 + 3);
  });

  it('the layout sizes are parameters (⚠ measured on x86-64 8.0.39)', () => {
    const c = new MessageCache({ sizeofPaxMsg: 216, sizeofAppData: 184 });
    expect(c.slotBytes(2, 10)).toBe(216 + 2 * 184 + 10);
  });

  it('cache_size is the sum over cached slots; a slot learned twice counts once', () => {
    const c = new MessageCache();
    expect(c.add(7, 1, 1000)).toBe(TX);
    expect(c.addNoop(8)).toBe(200);
    expect(c.add(9, 5000, 5_000_000)).toBe(200 + 5000 * 176 + 5_000_000);
    expect(c.add(7, 1, 99)).toBe(0);
    expect(c.sizeBytes).toBe(TX + 200 + 200 + 5000 * 176 + 5_000_000);
    expect(c.slotCount).toBe(3);
    expect(c.bytesOf(7)).toBe(TX);
    expect(c.bytesOf(6)).toBe(0);
    expect([c.oldestSlot, c.newestSlot]).toEqual([7, 9]);
  });

  it('rejects nonsense: slot and sizes are caller bugs, the limit is a configuration value', () => {
    const c = new MessageCache();
    expect(() => c.add(-1, 1, 1)).toThrow(InvariantError);
    expect(() => c.add(1.5, 1, 1)).toThrow(InvariantError);
    expect(() => c.add(1, -1, 1)).toThrow(InvariantError);
    expect(() => c.add(1, 1, 0.5)).toThrow(InvariantError);
    expect(() => c.add(1, 1, 1, 0)).toThrow(InvariantError);
    expect(() => new MessageCache({ limitBytes: -1 })).toThrow(ConfigError);
    expect(() => c.setLimit(Number.NaN)).toThrow(/group_replication_message_cache_size must be an integer ≥ 0, got NaN/);
    expect(() => new MessageCache({ sizeofPaxMsg: 0 })).toThrow(ConfigError);
    expect(c.slotCount).toBe(0);
  });
});

describe('message cache: eviction rules (docs/mysql-behaviour.md §X4 "Eviction")', () => {
  it('nothing is evicted at or below the limit (above_cache_limit is strict)', () => {
    const c = configured(10 * TX);
    fill(c, 0, 10);
    expect(c.sizeBytes).toBe(c.limitBytes);
    expect(c.evictionPass(0, Infinity)).toBe(0);
    expect(c.lastPassStop).toBe('at-or-below-limit');
    c.addNoop(10);
    expect(c.evictionPass(0, Infinity)).toBe(1); // one slot brings it back to ≤ limit
    expect(c.sizeBytes).toBe(9 * TX + 200);
    expect(c.lastPassStop).toBe('at-or-below-limit');
  });

  it('evicts oldest first and stops at the first slot that cannot be freed', () => {
    const c = configured(0);
    fill(c, 100, 200);
    expect(c.evictionPass(0, 150)).toBe(50);
    expect(c.lastPassStop).toBe('protected');
    expect(c.oldestSlot).toBe(150);
    expect(c.lastRemovedSlot).toBe(149);
    expect(c.has(149)).toBe(false);
    expect(c.has(150)).toBe(true);
    expect(c.lastPassFreedBytes).toBe(50 * TX);
  });

  it('eviction order is slot order, whatever the learning order; holes are skipped', () => {
    const c = configured(3 * 200);
    for (const s of [12, 5, 9, 7, 30]) c.addNoop(s);
    expect(c.evictionPass(0, Infinity)).toBe(2);
    expect([c.has(5), c.has(7), c.has(9), c.has(12), c.has(30)]).toEqual([false, false, true, true, true]);
    expect(c.oldestSlot).toBe(9);
    expect(c.lastRemovedSlot).toBe(7);
  });

  it('a silent member stops protecting 5 s after it was last heard (strict: detected + 5 s > now)', () => {
    // Members: self (delivered 100), node2 (100), node3 silent since t = 20 s with delivered 10.
    const delivered = [100, 100, 10];
    const c = configured(0);
    fill(c, 0, 100);
    const at = (nowUs: number): number[] => {
      const heard = [nowUs, nowUs - 300_000, 20 * S];
      const bound = protectionBoundSlot(lowestDeliveredHeard(delivered, heard, nowUs));
      c.evictionPass(nowUs, bound);
      return [bound, c.oldestSlot];
    };
    expect(at(20 * S + DETECTOR_LIVE_TIMEOUT_US - 1)).toEqual([0, 0]); // still counted: 10 − MIN_CACHED
    expect(c.lastPassStop).toBe('protected');
    expect(at(20 * S + DETECTOR_LIVE_TIMEOUT_US)).toEqual([90, 90]); // dropped: 100 − MIN_CACHED
  });

  it('a slow member that keeps talking keeps protecting its delivered point − MIN_CACHED', () => {
    const delivered = [1000, 1000, 25];
    const c = configured(0);
    fill(c, 0, 1000);
    for (let t = 0; t <= 600 * S; t += 60 * S) {
      const heard = [t, t, t - 900_000]; // node3 talks every second but executes nothing
      c.evictionPass(t, protectionBoundSlot(lowestDeliveredHeard(delivered, heard, t)));
    }
    expect(c.oldestSlot).toBe(25 - MIN_CACHED);
    expect(c.lastPassStop).toBe('protected');
  });

  it('MIN_CACHED counts msgnos: with N channels per msgno, MIN_CACHED × N slots stay protected', () => {
    const N = 3;
    // delivered slot 95 = msgno 31 node 2: slot.msgno + 10 < 31 ⇔ msgno ≤ 20 ⇔ slot < 63.
    expect(protectionBoundSlot(95, N)).toBe(63);
    const c = configured(0);
    for (let s = 0; s < 96; s++) c.addNoop(s);
    c.evictionPass(0, protectionBoundSlot(95, N));
    expect(c.oldestSlot).toBe(63);
    expect(c.lastRemovedSlot).toBe(62);
  });

  it('no live member (null_synode): nothing may be freed', () => {
    expect(lowestDeliveredHeard([50, 60], [0, 0], 10 * S)).toBe(Infinity);
    expect(protectionBoundSlot(Infinity)).toBe(-Infinity);
    const c = configured(0);
    fill(c, 0, 10);
    expect(c.evictionPass(10 * S, protectionBoundSlot(Infinity))).toBe(0);
    expect(c.lastPassStop).toBe('protected');
  });

  it('lowestDeliveredHeard only looks at the nodes of the latest configuration', () => {
    const delivered = [40, 5, 70, 60];
    const heard = [0, 0, 0, 0];
    expect(lowestDeliveredHeard(delivered, heard, 1 * S)).toBe(5);
    expect(lowestDeliveredHeard(delivered, heard, 1 * S, [0, 2, 3])).toBe(40);
    expect(lowestDeliveredHeard(delivered, heard, 1 * S, [2, 3], 500_000)).toBe(Infinity);
  });

  it('pauses 5 s after a configuration install, and never frees before the first one', () => {
    const c = new MessageCache({ limitBytes: 0 });
    fill(c, 0, 10);
    expect(c.evictionPass(100 * S, Infinity)).toBe(0);
    expect(c.lastPassStop).toBe('no-config');
    c.configInstalled(100 * S);
    expect(c.evictionPass(105 * S - 1, Infinity)).toBe(0);
    expect(c.lastPassStop).toBe('config-install-pause');
    expect(c.evictionPass(105 * S, Infinity)).toBe(10);
    // The next install (an expel) pauses again and the cache overshoots meanwhile.
    fill(c, 10, 20);
    c.configInstalled(200 * S);
    expect(c.evictionPass(202 * S, Infinity)).toBe(0);
    expect(c.sizeBytes).toBe(10 * TX);
    expect(c.evictionPass(205 * S, Infinity)).toBe(10);
  });

  it('the pause length is a parameter (DETECTOR_LIVE_TIMEOUT by default)', () => {
    const c = new MessageCache({ limitBytes: 0, configInstallPauseUs: 1 * S });
    c.addNoop(0);
    c.configInstalled(0);
    expect(c.evictionPass(S - 1, Infinity)).toBe(0);
    expect(c.evictionPass(S, Infinity)).toBe(1);
  });

  it(`frees at most ${SHRINK_CACHE_MAX_SLOTS} slots per pass (size_decrement + 1)`, () => {
    const c = configured(0);
    for (let s = 0; s < 60_000; s++) c.addNoop(s);
    expect(c.evictionPass(0, Infinity)).toBe(25_001);
    expect(c.lastPassStop).toBe('pass-cap');
    expect(c.oldestSlot).toBe(25_001);
    expect(c.evictionPass(0, Infinity)).toBe(25_001);
    expect(c.evictionPass(0, Infinity)).toBe(60_000 - 50_002);
    expect(c.lastPassStop).toBe('empty');
  });

  it('a pass run on a lower bound, then resumed with the true one, leaves the cache as one pass with the true bound', () => {
    // The XCom shell runs the pass on a floor of the protection bound and works the true bound out
    // only when the pass stops at a slot the floor protects.
    fc.assert(fc.property(
      fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 400 }),
      fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 200 }),
      (floor, extra, limitSlots, slots, cap) => {
        const bound = floor + extra;
        const one = configured(limitSlots * TX, { maxSlotsPerPass: cap });
        const two = configured(limitSlots * TX, { maxSlotsPerPass: cap });
        fill(one, 0, slots);
        fill(two, 0, slots);
        const evicted = one.evictionPass(0, bound);
        two.evictionPass(0, floor);
        expect(two.resumeEvictionPass(0, bound)).toBe(evicted);
        for (const c of [one, two]) expect([c.lastPassEvicted, c.lastPassFreedBytes, c.lastPassStop, c.oldestSlot, c.sizeBytes]).toEqual(
          [one.lastPassEvicted, one.lastPassFreedBytes, one.lastPassStop, one.oldestSlot, one.sizeBytes]);
      }));
  });

  it('resuming a pass that stopped for any reason but protection frees nothing more', () => {
    const c = configured(100 * TX);
    fill(c, 0, 200);
    expect(c.evictionPass(0, Infinity)).toBe(100);
    expect(c.lastPassStop).toBe('at-or-below-limit');
    c.add(200, 1, 1000);
    expect(c.resumeEvictionPass(0, Infinity)).toBe(100);
    expect(c.slotCount).toBe(101);
  });

  it('a pass that frees every cell, each above the limit alone, leaves an empty cache that starts afresh', () => {
    // The short loop of a pass frees a cell only while others stay cached; the last one goes
    // through the walk, which empties the store. A run of two cells, each larger than the limit.
    for (const walksFirst of [0, 1]) {
      const c = configured(TX - 1, { walksFirst });
      fill(c, 0, 2);
      expect(c.recordCount).toBe(1);
      expect(c.evictionPass(0, Infinity)).toBe(2);
      expect([c.lastPassStop, c.slotCount, c.sizeBytes, c.oldestSlot, c.newestSlot, c.lastRemovedSlot]).toEqual(['empty', 0, 0, -1, -1, 1]);
      // The next key of the old run with its next tag: a new record, not the old run extended.
      expect(c.add(2, 1, 1000)).toBe(TX);
      expect([c.slotCount, c.recordCount, c.oldestSlot, c.newestSlot, c.has(2), c.bytesOf(2)]).toEqual([1, 1, 2, 2, true, TX]);
      expect(c.evictionPass(0, Infinity)).toBe(1);
      expect([c.lastPassStop, c.slotCount, c.oldestSlot, c.lastRemovedSlot]).toEqual(['empty', 0, -1, 2]);
    }
  });

  it('shrinking the limit at run time takes effect at the next pass; growing it evicts nothing', () => {
    const c = configured(1_000 * TX);
    fill(c, 0, 500);
    expect(c.setLimit(100 * TX + 50)).toBe(true);
    expect(c.slotCount).toBe(500); // setLimit itself frees nothing
    expect(c.evictionPass(0, Infinity)).toBe(400);
    expect(c.sizeBytes).toBeLessThanOrEqual(c.limitBytes);
    expect(c.oldestSlot).toBe(400);
    expect(c.setLimit(10_000 * TX)).toBe(false);
    expect(c.evictionPass(0, Infinity)).toBe(0);
    expect(c.slotCount).toBe(100);
  });
});

describe('message cache: catch-up lookups and the die path (xcom_base.cc acceptor_learner_task, process_die_op)', () => {
  it('a cached slot is taught; an evicted one gets die_op when the requester is behind', () => {
    const c = configured(0);
    fill(c, 0, 100);
    c.evictionPass(0, 40);
    expect(c.wasRemoved(39)).toBe(true);
    expect(c.wasRemoved(40)).toBe(false);
    expect(c.answerRead(40, 100)).toBe('learn');
    expect(c.answerRead(10, 100)).toBe('die');
    // Not behind: the read is dispatched, but there is nothing to teach.
    expect(c.answerRead(10, 10)).toBe('none');
    // Behind but never evicted here (e.g. never learned): silently rejected.
    const fresh = configured(0);
    expect(fresh.answerRead(5, 100)).toBe('none');
  });

  it('"behind" compares msgnos, not slots', () => {
    const c = configured(0);
    for (let s = 0; s < 30; s++) c.addNoop(s);
    c.evictionPass(0, 9);
    // Slot 7 is msgno 2 with 3 channels; own delivered slot 8 is msgno 2 as well: not behind.
    expect(c.answerRead(7, 8, 3)).toBe('none');
    expect(c.answerRead(7, 9, 3)).toBe('die');
  });

  it('die_op only kills a node that has not executed the slot yet', () => {
    expect(dieOpIsFatal(50, 50)).toBe(true);
    expect(dieOpIsFatal(51, 50)).toBe(true);
    expect(dieOpIsFatal(49, 50)).toBe(false);
  });

  it('clear (XCom stops) frees everything and forgets last_removed_cache and the configuration', () => {
    const c = configured(0);
    fill(c, 0, 10);
    c.evictionPass(0, 5);
    expect(c.clear()).toBe(5);
    expect([c.slotCount, c.sizeBytes, c.lastRemovedSlot, c.oldestSlot]).toEqual([0, 0, -1, -1]);
    c.addNoop(3);
    expect(c.evictionPass(0, Infinity)).toBe(0);
    expect(c.lastPassStop).toBe('no-config');
  });
});

describe('MY-011735 evicted-messages warning condition (gcs_xcom_control_interface.cc run_process_suspicions)', () => {
  const base = { isMember: true, timedOut: false, alreadyWarned: false, cacheLastRemovedSlot: 120, suspicionMaxSynodeSlot: 100 };
  it('applies when last_removed > the suspect\'s recorded max_synode', () => {
    expect(evictedWarningApplies(base)).toBe(true);
  });
  it('not when equal or below (synode_gt is strict), nor before any eviction', () => {
    expect(evictedWarningApplies({ ...base, cacheLastRemovedSlot: 100 })).toBe(false);
    expect(evictedWarningApplies({ ...base, cacheLastRemovedSlot: -1, suspicionMaxSynodeSlot: 0 })).toBe(false);
  });
  it('once per suspicion, member suspects only, and not for a suspect that timed out in this run', () => {
    expect(evictedWarningApplies({ ...base, alreadyWarned: true })).toBe(false);
    expect(evictedWarningApplies({ ...base, isMember: false })).toBe(false);
    expect(evictedWarningApplies({ ...base, timedOut: true })).toBe(false);
  });
});

describe('performance_schema memory_summary_global_by_event_name row', () => {
  it('counts one allocation per cached slot and one free per evicted slot', () => {
    const c = configured(0);
    fill(c, 0, 10);
    c.addNoop(10);
    c.evictionPass(0, 4);
    const r = c.instrument.row();
    expect(r).toEqual({
      EVENT_NAME: XCOM_CACHE_EVENT_NAME,
      COUNT_ALLOC: 11,
      COUNT_FREE: 4,
      SUM_NUMBER_OF_BYTES_ALLOC: 10 * TX + 200,
      SUM_NUMBER_OF_BYTES_FREE: 4 * TX,
      LOW_COUNT_USED: 0,
      CURRENT_COUNT_USED: 7,
      HIGH_COUNT_USED: 11,
      LOW_NUMBER_OF_BYTES_USED: 0,
      CURRENT_NUMBER_OF_BYTES_USED: 6 * TX + 200,
      HIGH_NUMBER_OF_BYTES_USED: 10 * TX + 200,
    });
    expect(r.CURRENT_NUMBER_OF_BYTES_USED).toBe(c.sizeBytes);
    expect(r.CURRENT_COUNT_USED).toBe(c.slotCount);
    psInvariants(r);
  });

  it('HIGH is the high-water mark; TRUNCATE rebases (LOW = HIGH = CURRENT) and LOW then tracks the minimum', () => {
    const c = configured(0);
    fill(c, 0, 10);
    c.evictionPass(0, 8);
    c.instrument.truncate();
    let r = c.instrument.row();
    expect([r.COUNT_ALLOC, r.COUNT_FREE, r.LOW_COUNT_USED, r.CURRENT_COUNT_USED, r.HIGH_COUNT_USED]).toEqual([2, 0, 2, 2, 2]);
    expect([r.LOW_NUMBER_OF_BYTES_USED, r.HIGH_NUMBER_OF_BYTES_USED]).toEqual([2 * TX, 2 * TX]);
    fill(c, 10, 13);
    c.evictionPass(0, 9);
    r = c.instrument.row();
    expect([r.LOW_COUNT_USED, r.CURRENT_COUNT_USED, r.HIGH_COUNT_USED]).toEqual([2, 4, 5]);
    c.evictionPass(0, 13);
    r = c.instrument.row();
    expect([r.LOW_COUNT_USED, r.CURRENT_COUNT_USED, r.HIGH_COUNT_USED]).toEqual([0, 0, 5]);
    psInvariants(r);
  });

  it('the instrument belongs to the server: it survives an XCom restart (clear + a new cache)', () => {
    const instrument = new XcomCacheMemoryInstrument();
    const first = new MessageCache({ instrument });
    fill(first, 0, 5);
    first.clear();
    const second = new MessageCache({ instrument });
    fill(second, 0, 2);
    const r = instrument.row();
    expect([r.COUNT_ALLOC, r.COUNT_FREE, r.CURRENT_COUNT_USED, r.HIGH_COUNT_USED]).toEqual([7, 5, 2, 5]);
  });
});

describe('message cache: memory is bounded by the cached slots, not by the transactions', () => {
  it('a long stream through a small cache keeps the ring at its initial size', () => {
    // 1,000,000 slots of a batch of 10 × 1 KiB each, a pass after every learn, ~1,000 slots cached.
    const c = configured(1000 * (200 + 10 * 176 + 10_240));
    for (let s = 0; s < 1_000_000; s++) {
      c.add(s, 10, 10_240);
      c.evictionPass(0, s - MIN_CACHED);
    }
    expect(c.slotCount).toBe(1000);
    expect(c.recordCount).toBe(1); // equal cells at consecutive keys: one run
    expect(c.capacityRecords).toBe(1024);
    expect(c.oldestSlot).toBe(999_000);
    psInvariants(c.instrument.row());
  });

  it('the record store grows geometrically, in both directions, and keeps every slot', () => {
    const c = new MessageCache({ initialCapacity: 4 });
    for (let s = 1000; s < 1010; s++) c.add(s, 1, s % 2); // unequal neighbours: a record each
    c.addNoop(990); // prepend below the oldest
    c.add(2000, 1, 1);
    expect(c.capacityRecords).toBe(16);
    expect(c.recordCount).toBe(12);
    expect(c.slotCount).toBe(12);
    for (let s = 1000; s < 1010; s++) expect(c.has(s)).toBe(true);
    expect([c.has(990), c.has(2000), c.has(995), c.has(1500)]).toEqual([true, true, false, false]);
    expect([c.oldestSlot, c.newestSlot]).toEqual([990, 2000]);
  });

  it('a wildly sparse key is a caller bug', () => {
    const c = new MessageCache({ maxSpanSlots: 1 << 12 });
    c.addNoop(0);
    expect(() => c.addNoop(1 << 20)).toThrow(InvariantError);
  });
});

// ---------------------------------------------------------------- property: against a naive model

type Op =
  | { kind: 'add'; slot: number; messages: number; payload: number }
  | { kind: 'pass'; dt: number; bound: number }
  | { kind: 'limit'; bytes: number }
  | { kind: 'install'; dt: number }
  | { kind: 'clear' };

/** A deliberately naive reference: a Map and a sort per pass. */
class NaiveCache {
  slots = new Map<number, number>();
  bytes = 0;
  lastRemoved = -1;
  installUs: number | null = null;
  constructor(public limit: number) {}
  add(slot: number, b: number): void {
    if (this.slots.has(slot)) return;
    this.slots.set(slot, b);
    this.bytes += b;
  }
  pass(nowUs: number, bound: number): { evicted: number; stop: EvictionStop } {
    const order = [...this.slots.keys()].sort((a, b) => a - b);
    let evicted = 0;
    for (const s of order) {
      if (this.bytes <= this.limit) return { evicted, stop: 'at-or-below-limit' };
      if (this.installUs === null) return { evicted, stop: 'no-config' };
      if (this.installUs + DETECTOR_LIVE_TIMEOUT_US > nowUs) return { evicted, stop: 'config-install-pause' };
      if (s >= bound) return { evicted, stop: 'protected' };
      this.bytes -= this.slots.get(s) as number;
      this.slots.delete(s);
      this.lastRemoved = s;
      evicted++;
      if (evicted === SHRINK_CACHE_MAX_SLOTS) return { evicted, stop: 'pass-cap' };
    }
    return { evicted, stop: 'empty' };
  }
}

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('add' as const), slot: fc.integer({ min: 0, max: 300 }), messages: fc.integer({ min: 0, max: 4 }), payload: fc.integer({ min: 0, max: 3000 }) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('pass' as const), dt: fc.integer({ min: 0, max: 4 * S }), bound: fc.oneof(fc.integer({ min: -5, max: 320 }), fc.constant(1000)) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('limit' as const), bytes: fc.integer({ min: 0, max: 30_000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('install' as const), dt: fc.integer({ min: 0, max: 2 * S }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'clear' as const }) },
);

describe('message cache: property', () => {
  /** Cheap assertion for the hot loop; fast-check reports the failing sequence. */
  function check(ok: boolean, what: string): void {
    if (!ok) throw new Error(what);
  }

  it('after any sequence of adds, passes, limit changes, installs and clears, accounting agrees with a naive model', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 15_000 }), fc.integer({ min: 0, max: 3 }), fc.array(opArb, { minLength: 20, maxLength: 200, size: 'medium' }), (limit, boot, ops) => {
        const c = new MessageCache({ limitBytes: limit, initialCapacity: 2 });
        const m = new NaiveCache(limit);
        let now = 0;
        if (boot > 0) {
          c.configInstalled(-DETECTOR_LIVE_TIMEOUT_US);
          m.installUs = -DETECTOR_LIVE_TIMEOUT_US;
        }
        for (const op of ops) {
          switch (op.kind) {
            case 'add': {
              const b = c.slotBytes(op.messages, op.payload);
              const added = c.add(op.slot, op.messages, op.payload);
              check(added === (m.slots.has(op.slot) ? 0 : b), 'bytes added');
              m.add(op.slot, b);
              break;
            }
            case 'pass': {
              now += op.dt;
              const got = c.evictionPass(now, op.bound);
              const want = m.pass(now, op.bound);
              check(got === want.evicted && c.lastPassStop === want.stop, `pass: ${got} ${c.lastPassStop} vs ${want.evicted} ${want.stop}`);
              // Bytes never exceed the limit after a pass unless what remains may not be freed.
              if (c.sizeBytes > c.limitBytes) {
                check(['no-config', 'config-install-pause', 'protected', 'pass-cap'].includes(c.lastPassStop), 'above the limit after a pass');
                if (c.lastPassStop === 'protected') check(c.oldestSlot >= op.bound, 'protected slot below the bound');
              }
              break;
            }
            case 'limit':
              check(c.setLimit(op.bytes) === m.bytes > op.bytes, 'setLimit result');
              m.limit = op.bytes;
              break;
            case 'install':
              now += op.dt;
              c.configInstalled(now);
              m.installUs = now;
              break;
            case 'clear':
              check(c.clear() === m.slots.size, 'clear count');
              m.slots.clear();
              m.bytes = 0;
              m.lastRemoved = -1;
              m.installUs = null;
              break;
          }
          check(c.sizeBytes === m.bytes && c.slotCount === m.slots.size, 'size and count');
          check(c.lastRemovedSlot === m.lastRemoved, 'last_removed_cache');
          let lo = -1, hi = -1;
          for (const s of m.slots.keys()) {
            if (lo < 0 || s < lo) lo = s;
            if (s > hi) hi = s;
          }
          check(c.oldestSlot === lo && c.newestSlot === hi, 'oldest/newest');
          for (let s = op.kind === 'add' ? op.slot % 5 : 0; s <= 300; s += 5) check(c.bytesOf(s) === (m.slots.get(s) ?? 0), `bytesOf(${s})`);
          const r = c.instrument.row();
          check(r.CURRENT_COUNT_USED === r.COUNT_ALLOC - r.COUNT_FREE, 'CURRENT_COUNT_USED = COUNT_ALLOC − COUNT_FREE');
          check(r.CURRENT_NUMBER_OF_BYTES_USED === r.SUM_NUMBER_OF_BYTES_ALLOC - r.SUM_NUMBER_OF_BYTES_FREE, 'CURRENT_ bytes = ALLOC − FREE');
          check(r.LOW_COUNT_USED <= r.CURRENT_COUNT_USED && r.CURRENT_COUNT_USED <= r.HIGH_COUNT_USED, 'LOW ≤ CURRENT ≤ HIGH (count)');
          check(r.LOW_NUMBER_OF_BYTES_USED <= r.CURRENT_NUMBER_OF_BYTES_USED && r.CURRENT_NUMBER_OF_BYTES_USED <= r.HIGH_NUMBER_OF_BYTES_USED, 'LOW ≤ CURRENT ≤ HIGH (bytes)');
          check(r.CURRENT_NUMBER_OF_BYTES_USED === c.sizeBytes && r.CURRENT_COUNT_USED === c.slotCount, 'P_S CURRENT = cache');
        }
      }),
      { seed: 4242, numRuns: 500 },
    );
  });
});
