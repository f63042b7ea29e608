/**
 * MessageCache.steadyEvictionLearns: how many learns of equal cells, from now on, each free
 * exactly one cell and leave the cache as it was (what the steady replay of an evicting idle group
 * relies on; docs/speed.md, "Eviction in the steady replay"). Random caches of unequal cells
 * followed by runs of the learned one, random limits around the cache's size and random bounds:
 * the answer must be the count worked out here cell by cell, and that many learns, each followed
 * by an eviction pass with any bound at or above the one given, must each free one cell and leave
 * bytes, cells and slots unchanged.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MessageCache } from '../../src/xcom/message-cache.js';

/** The learned cell: a statistics message of a 3-member group (3 pax_msg, one app_data, the message). */
const BYTES = 3 * 200 + 176 + 206;
const SLOTS = 3;
const NOW_US = 10_000_000;

interface Cell { readonly bytes: number; readonly slots: number; readonly tag: number }

const cellArb = fc.record({
  equal: fc.boolean(),
  bytes: fc.constantFrom(BYTES, BYTES - 1, BYTES + 1, 2 * BYTES, 100),
  slots: fc.constantFrom(SLOTS, 1),
  tagStep: fc.constantFrom(1, 1, 1, 2, 3),
});

describe('MessageCache.steadyEvictionLearns', () => {
  it('counts the oldest cached cells equal to the learned one and below the bound, when a learn takes the cache just over its limit; that many learns each free one', () => {
    fc.assert(fc.property(
      fc.array(cellArb, { minLength: 1, maxLength: 40 }),
      fc.integer({ min: 0, max: 60 }),
      fc.integer({ min: -BYTES - 5, max: 2 * BYTES }),
      fc.integer({ min: -5, max: 5 }),
      fc.oneof(fc.constant(Infinity), fc.integer({ min: 1, max: 30 })),
      fc.integer({ min: 0, max: 100 }),
      fc.constantFrom(0, NOW_US, NOW_US + 1),
      (prefix, runLength, roomBytes, boundFromEnd, max, extraBound, installUs) => {
        // The cells: a prefix of unequal and equal cells, then a run of the learned one; tags rise.
        const cells: Cell[] = [];
        let tag = 5;
        for (const c of prefix) {
          tag += c.tagStep;
          cells.push(c.equal ? { bytes: BYTES, slots: SLOTS, tag } : { bytes: c.bytes, slots: c.slots, tag });
        }
        for (let k = 0; k < runLength; k++) cells.push({ bytes: BYTES, slots: SLOTS, tag: ++tag });
        const size = cells.reduce((a, c) => a + c.bytes, 0);
        const limit = Math.max(0, size + roomBytes);
        const cache = new MessageCache({ limitBytes: limit + 10 * BYTES * cells.length });
        cache.configInstalled(installUs - 5_000_000);
        cells.forEach((c, key) => cache.addCell(key, c.bytes, c.slots, c.tag));
        cache.setLimit(limit);
        const bound = tag + boundFromEnd - runLength;

        // Cell by cell: the regime (a learn takes the cache just over its limit, the pause over), then the leading equal cells below the bound.
        let want = 0;
        if (size <= limit && size + BYTES > limit && installUs <= NOW_US) {
          for (const c of cells) {
            if (c.bytes !== BYTES || c.slots !== SLOTS || !(c.tag < bound)) break;
            want++;
          }
        }
        want = Math.min(want, max);
        const got = cache.steadyEvictionLearns(BYTES, SLOTS, bound, NOW_US, max);
        expect(got).toBe(want);

        const bytes = cache.sizeBytes, count = cache.slotCount, slots = cache.cachedSlots, freed = cache.freedSlots;
        for (let k = 0; k < got; k++) {
          cache.addCell(cells.length + k, BYTES, SLOTS, tag + 1 + k);
          expect(cache.evictionPass(NOW_US, bound + extraBound)).toBe(1);
          expect([cache.sizeBytes, cache.slotCount, cache.cachedSlots]).toEqual([bytes, count, slots]);
        }
        expect(cache.freedSlots - freed).toBe(got * SLOTS);
      },
    ), { numRuns: 2000 });
  });

  it('is 0 for an empty cache, one above its limit, and one without a configuration', () => {
    const empty = new MessageCache({ limitBytes: 0 });
    empty.configInstalled(0);
    expect(empty.steadyEvictionLearns(BYTES, SLOTS, 100, NOW_US, Infinity)).toBe(0);
    const above = new MessageCache({ limitBytes: 10 * BYTES });
    above.configInstalled(0);
    for (let k = 0; k < 10; k++) above.addCell(k, BYTES, SLOTS, k);
    expect(above.steadyEvictionLearns(BYTES, SLOTS, 100, NOW_US, Infinity)).toBe(10);
    above.setLimit(10 * BYTES - 1);
    expect(above.steadyEvictionLearns(BYTES, SLOTS, 100, NOW_US, Infinity)).toBe(0);
    const unconfigured = new MessageCache({ limitBytes: 10 * BYTES });
    for (let k = 0; k < 10; k++) unconfigured.addCell(k, BYTES, SLOTS, k);
    expect(unconfigured.steadyEvictionLearns(BYTES, SLOTS, 100, NOW_US, Infinity)).toBe(0);
  });
});
