/**
 * MessageCache keeps runs of equal cells (consecutive keys, same bytes and slots, tags in a fixed
 * step) as one record and evicts them in closed form. These tests hold it to a cache written
 * here cell by cell, as the ring it replaced worked: every return value, every public field and
 * the P_S row must be the same after every step of random sequences built to make long runs,
 * split them by eviction at every one of its stops, and mix them with gaps, out-of-order adds
 * and unequal cells.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MessageCache, XcomCacheMemoryInstrument, type EvictionStop, type ReadAnswer,
} from '../../src/xcom/message-cache.js';

interface RefCell { readonly bytes: number; readonly slots: number; readonly tag: number }

/** The reference: one Map entry per cell, eviction one cell at a time in key order. */
class CellByCellCache {
  readonly instrument = new XcomCacheMemoryInstrument();
  readonly cells = new Map<number, RefCell>();
  bytes = 0;
  slotsHeld = 0;
  freedSlots = 0;
  lastRemoved = -1;
  hasConfig = false;
  installUs = 0;
  lastPassEvicted = 0;
  lastPassFreedBytes = 0;
  lastPassSlots = 0;
  lastPassStop: EvictionStop = 'empty';
  constructor(public limit: number, readonly maxSlotsPerPass: number, readonly pauseUs: number, readonly maxSpan: number) {}

  private sorted(): number[] {
    return [...this.cells.keys()].sort((a, b) => a - b);
  }

  get oldest(): number {
    return this.cells.size === 0 ? -1 : Math.min(...this.cells.keys());
  }

  get newest(): number {
    return this.cells.size === 0 ? -1 : Math.max(...this.cells.keys());
  }

  /** addCell; 'too wide' when the span of keys would exceed maxSpan. */
  addCell(slot: number, bytes: number, slots: number, tag: number): number | 'too wide' {
    if (this.cells.size > 0) {
      const lo = Math.min(this.oldest, slot), hi = Math.max(this.newest, slot);
      if (!this.cells.has(slot) && hi - lo + 1 > this.maxSpan) return 'too wide';
    }
    if (this.cells.has(slot)) return 0;
    this.cells.set(slot, { bytes, slots, tag });
    this.bytes += bytes;
    this.slotsHeld += slots;
    this.instrument.alloc(bytes, slots);
    return bytes;
  }

  private freeOldest(): number {
    const slot = this.sorted()[0] as number, c = this.cells.get(slot) as RefCell;
    this.cells.delete(slot);
    this.lastRemoved = slot;
    this.bytes -= c.bytes;
    this.slotsHeld -= c.slots;
    this.freedSlots += c.slots;
    this.instrument.free(c.bytes, c.slots);
    return c.bytes;
  }

  evictionPass(nowUs: number, bound: number): number {
    this.lastPassEvicted = 0;
    this.lastPassFreedBytes = 0;
    this.lastPassSlots = 0;
    this.lastPassStop = 'protected';
    return this.resumeEvictionPass(nowUs, bound);
  }

  resumeEvictionPass(nowUs: number, bound: number): number {
    if (this.lastPassStop !== 'protected') return this.lastPassEvicted;
    for (;;) {
      if (this.cells.size === 0) { this.lastPassStop = 'empty'; break; }
      if (!(this.bytes > this.limit)) { this.lastPassStop = 'at-or-below-limit'; break; }
      if (!this.hasConfig) { this.lastPassStop = 'no-config'; break; }
      if (this.installUs + this.pauseUs > nowUs) { this.lastPassStop = 'config-install-pause'; break; }
      const oldest = this.cells.get(this.oldest) as RefCell;
      if (!(oldest.tag < bound)) { this.lastPassStop = 'protected'; break; }
      this.lastPassSlots += oldest.slots;
      this.lastPassFreedBytes += this.freeOldest();
      this.lastPassEvicted++;
      if (this.lastPassSlots >= this.maxSlotsPerPass) { this.lastPassStop = 'pass-cap'; break; }
    }
    return this.lastPassEvicted;
  }

  clear(): number {
    const n = this.cells.size;
    while (this.cells.size > 0) this.freeOldest();
    this.lastRemoved = -1;
    this.hasConfig = false;
    this.installUs = 0;
    return n;
  }

  bytesOf(slot: number): number {
    return this.cells.get(slot)?.bytes ?? 0;
  }

  answerRead(slot: number, ownDelivered: number, perMsgno: number): ReadAnswer {
    if (this.cells.has(slot)) return 'learn';
    const behind = Math.floor(slot / perMsgno) < Math.floor(ownDelivered / perMsgno);
    return behind && this.lastRemoved >= 0 && slot <= this.lastRemoved ? 'die' : 'none';
  }
}

type Op =
  /** `cells` cells just past the newest, equal unless `vary`, tags rising by `step`. */
  | { kind: 'append'; cells: number; size: number; slots: number; step: number; vary: boolean }
  /** One cell at `slot`: a gap, a hole, below the oldest or already cached. */
  | { kind: 'at'; slot: number; size: number; slots: number; tag: number }
  /** `add` (tag = the key, one slot) at `slot`. */
  | { kind: 'add'; slot: number; payload: number }
  | { kind: 'pass'; dt: number; bound: number }
  | { kind: 'resume'; raise: number }
  | { kind: 'limit'; bytes: number }
  | { kind: 'install'; dt: number }
  | { kind: 'clear' }
  | { kind: 'read'; slot: number; delivered: number; perMsgno: number };

const SIZES = [2182, 2182, 2182, 1376, 9000];
const sizeArb = fc.constantFrom(...SIZES);
const slotsArb = fc.constantFrom(1, 1, 1, 9);
const slotArb = fc.integer({ min: 0, max: 400 });

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('append' as const), cells: fc.integer({ min: 1, max: 40 }), size: sizeArb, slots: slotsArb, step: fc.constantFrom(1, 1, 1, 3, 0, -1), vary: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('at' as const), slot: slotArb, size: sizeArb, slots: slotsArb, tag: fc.integer({ min: 0, max: 500 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('add' as const), slot: slotArb, payload: fc.constantFrom(1806, 1806, 1000, 0) }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('pass' as const), dt: fc.integer({ min: 0, max: 3_000_000 }), bound: fc.oneof(fc.integer({ min: -5, max: 520 }), fc.constantFrom(Infinity, -Infinity)) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('resume' as const), raise: fc.integer({ min: 0, max: 60 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('limit' as const), bytes: fc.oneof(fc.integer({ min: 0, max: 300_000 }), fc.constant(0)) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('install' as const), dt: fc.integer({ min: 0, max: 2_000_000 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'clear' as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('read' as const), slot: slotArb, delivered: fc.integer({ min: 0, max: 420 }), perMsgno: fc.constantFrom(1, 3) }) },
);

const setupArb = fc.record({
  limit: fc.integer({ min: 0, max: 200_000 }),
  maxSlotsPerPass: fc.constantFrom(25_001, 7, 1, 20),
  pauseUs: fc.constantFrom(5_000_000, 0, 1_000_000),
  maxSpan: fc.constantFrom(1 << 25, 300, 64),
  initialCapacity: fc.constantFrom(1, 2, 1024),
  // Passes handed to the general walk first (XcomCluster's V8 warm-up): the results must not change.
  walksFirst: fc.constantFrom(0, 0, 3),
  configured: fc.boolean(),
});

function fieldsOf(c: MessageCache): unknown {
  return {
    size: c.sizeBytes, count: c.slotCount, slots: c.cachedSlots, limit: c.limitBytes, above: c.aboveLimit(),
    oldest: c.oldestSlot, newest: c.newestSlot, lastRemoved: c.lastRemovedSlot, freed: c.freedSlots,
    passEvicted: c.lastPassEvicted, passBytes: c.lastPassFreedBytes, passStop: c.lastPassStop, row: c.instrument.row(),
  };
}

function refFieldsOf(m: CellByCellCache): unknown {
  return {
    size: m.bytes, count: m.cells.size, slots: m.slotsHeld, limit: m.limit, above: m.bytes > m.limit,
    oldest: m.oldest, newest: m.newest, lastRemoved: m.lastRemoved, freed: m.freedSlots,
    passEvicted: m.lastPassEvicted, passBytes: m.lastPassFreedBytes, passStop: m.lastPassStop, row: m.instrument.row(),
  };
}

/** Runs `ops` on both caches, asserting equality after every step. */
type Setup = typeof setupArb extends fc.Arbitrary<infer T> ? T : never;

function runBoth(setup: Setup, ops: readonly Op[]): void {
  const c = new MessageCache({
    limitBytes: setup.limit, maxSlotsPerPass: setup.maxSlotsPerPass, configInstallPauseUs: setup.pauseUs,
    maxSpanSlots: setup.maxSpan, initialCapacity: setup.initialCapacity, walksFirst: setup.walksFirst,
  });
  const m = new CellByCellCache(setup.limit, setup.maxSlotsPerPass, setup.pauseUs, setup.maxSpan);
  let now = 0, lastBound = -Infinity, nextTag = 0;
  if (setup.configured) {
    c.configInstalled(-10_000_000);
    m.hasConfig = true;
    m.installUs = -10_000_000;
  }
  const addBoth = (slot: number, bytes: number, slots: number, tag: number): void => {
    const want = m.addCell(slot, bytes, slots, tag);
    if (want === 'too wide') expect(() => c.addCell(slot, bytes, slots, tag)).toThrow(/maxSpanSlots/);
    else expect(c.addCell(slot, bytes, slots, tag)).toBe(want);
  };
  for (const op of ops) {
    switch (op.kind) {
      case 'append': {
        const from = m.newest + 1;
        for (let k = 0; k < op.cells; k++) {
          const irregular = op.vary && k % 7 === 3;
          addBoth(from + k, irregular ? op.size + 1 : op.size, op.slots, nextTag);
          nextTag = Math.max(0, nextTag + op.step);
        }
        break;
      }
      case 'at':
        addBoth(op.slot, op.size, op.slots, op.tag);
        break;
      case 'add': {
        const b = c.slotBytes(1, op.payload);
        const want = m.addCell(op.slot, b, 1, op.slot);
        if (want === 'too wide') expect(() => c.add(op.slot, 1, op.payload)).toThrow(/maxSpanSlots/);
        else expect(c.add(op.slot, 1, op.payload)).toBe(want);
        break;
      }
      case 'pass':
        now += op.dt;
        lastBound = op.bound;
        expect(c.evictionPass(now, op.bound)).toBe(m.evictionPass(now, op.bound));
        break;
      case 'resume':
        // The contract: the same time, a bound at least the one the pass stopped at.
        lastBound += op.raise;
        expect(c.resumeEvictionPass(now, lastBound)).toBe(m.resumeEvictionPass(now, lastBound));
        break;
      case 'limit':
        expect(c.setLimit(op.bytes)).toBe(m.bytes > op.bytes);
        m.limit = op.bytes;
        break;
      case 'install':
        now += op.dt;
        c.configInstalled(now);
        m.hasConfig = true;
        m.installUs = now;
        break;
      case 'clear':
        expect(c.clear()).toBe(m.clear());
        break;
      case 'read':
        expect(c.answerRead(op.slot, op.delivered, op.perMsgno)).toBe(m.answerRead(op.slot, op.delivered, op.perMsgno));
        expect(c.wasRemoved(op.slot)).toBe(m.lastRemoved >= 0 && op.slot <= m.lastRemoved);
        break;
    }
    expect(fieldsOf(c)).toEqual(refFieldsOf(m));
    // Every key in order, then strides up and down (lookups start from the previous one's record).
    const hi = Math.max(m.newest, 0) + 2;
    for (const [from, by] of [[0, 1], [0, 5], [hi, -3]] as const) {
      for (let s = from; s >= 0 && s <= hi; s += by) {
        const want = m.bytesOf(s);
        if (c.bytesOf(s) !== want || c.has(s) !== (want !== 0)) expect([s, c.bytesOf(s), c.has(s)]).toEqual([s, want, want !== 0]);
      }
    }
  }
}

describe('message cache runs: the same as a cell-by-cell cache', () => {
  it('every return value, field and P_S row after every step of random sequences', () => {
    fc.assert(
      fc.property(setupArb, fc.array(opArb, { minLength: 10, maxLength: 120 }), (setup, ops) => { runBoth(setup, ops); }),
      { seed: 1515, numRuns: 400 },
    );
  });

  it('an idle stream is one record, split by eviction from its front', () => {
    // 2,182-byte cells (9 channels), one slot each, tags the msgnos: the 9-member idle group's learns.
    const c = new MessageCache({ limitBytes: 1000 * 2182 });
    c.configInstalled(-10_000_000);
    for (let s = 0; s < 100_000; s++) {
      c.addCell(s, 2182, 1, s + 5);
      c.evictionPass(0, s - 100);
    }
    expect(c.recordCount).toBe(1);
    expect([c.slotCount, c.oldestSlot, c.lastRemovedSlot, c.freedSlots]).toEqual([1000, 99_000, 98_999, 99_000]);
    const r = c.instrument.row();
    expect([r.COUNT_ALLOC, r.COUNT_FREE, r.CURRENT_NUMBER_OF_BYTES_USED, r.HIGH_COUNT_USED]).toEqual([100_000, 99_000, 1000 * 2182, 1001]);
  });
});
