/** GtidSet: MySQL's Gtid_set text, subsets and the certifier's next free number (docs/mysql-behaviour.md §T1). */
import { describe, expect, it } from 'vitest';
import { GtidSet } from '../../src/gr/gtid-set.js';

const A = 'aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa';
const B = '3a1f0000-0000-0000-0000-000000000001';

describe('GtidSet', () => {
  it('prints as @@gtid_executed: sources sorted by uuid, runs compressed, ",\\n" between sources', () => {
    const s = new GtidSet();
    expect(s.toString()).toBe('');
    s.addRange(A, 1, 3);
    s.addRange(A, 4, 10); // extends the run
    s.addRange(A, 12, 12);
    s.addRange(B, 1, 1);
    expect(s.toString()).toBe(`${B}:1,\n${A}:1-10:12`);
    s.addRange(A, 11, 11); // fills the gap
    expect(s.toString()).toBe(`${B}:1,\n${A}:1-12`);
    expect(s.count()).toBe(13);
    expect(s.count(A)).toBe(12);
  });

  it('merges runs added out of order', () => {
    const s = new GtidSet();
    s.addRange(A, 20, 30);
    s.addRange(A, 1, 5);
    s.addRange(A, 8, 9);
    s.addRange(A, 4, 8);
    expect(s.toString()).toBe(`${A}:1-9:20-30`);
  });

  it('is a subset only when every GTID is in the other set', () => {
    const g = new GtidSet();
    g.addRange(A, 1, 100);
    const lagging = new GtidSet();
    lagging.addRange(A, 1, 40);
    expect(lagging.isSubsetOf(g)).toBe(true);
    const errant = lagging.clone();
    errant.addRange(B, 1, 2);
    expect(errant.isSubsetOf(g)).toBe(false);
    const ahead = new GtidSet();
    ahead.addRange(A, 1, 101);
    expect(ahead.isSubsetOf(g)).toBe(false);
    expect(lagging.missingFrom(g)).toBe(60);
    expect(g.missingFrom(errant)).toBe(2);
  });

  it('gives the first free number at or above a start, as the certifier does', () => {
    const s = new GtidSet();
    expect(s.firstFree(A, 1)).toBe(1);
    s.addRange(A, 1, 5);
    s.addRange(A, 7, 9);
    expect(s.firstFree(A, 1)).toBe(6);
    expect(s.firstFree(A, 7)).toBe(10);
    expect(s.firstUsedAbove(A, 6)).toBe(7);
    expect(s.firstUsedAbove(A, 9)).toBe(-1);
  });
});

describe('GtidSet.subtractIntervals', () => {
  it('removes runs given in any order, splitting intervals', () => {
    const s = new GtidSet();
    s.addRange(A, 1, 100);
    s.addRange(A, 200, 300);
    s.subtractIntervals(A, [250, 260, 10, 19, 95, 210, 300, 300]);
    expect(s.toString()).toBe(`${A}:1-9:20-94:211-249:261-299`);
    s.subtractIntervals(A, [1, 1000]);
    expect(s.toString()).toBe('');
  });
});

describe('GtidSet.addFreeRun', () => {
  /** The certifier's step written the long way: first free number, the run up to the next used one, added. */
  function slowRun(s: GtidSet, from: number, count: number): [number, number] {
    const lo = s.firstFree(A, from);
    let hi = lo + count - 1;
    const next = s.firstUsedAbove(A, lo);
    if (next >= 0 && next <= hi) hi = next - 1;
    s.addRange(A, lo, hi);
    return [lo, hi];
  }

  it('gives the run the long way gives, on sets with gaps, from anywhere (the fast path at the last interval included)', () => {
    // A small deterministic generator: sets of up to 4 runs in 1..40, every start 1..45, counts 1..6.
    let seed = 12345;
    const next = (m: number): number => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % m; };
    let fast = 0;
    for (let trial = 0; trial < 2000; trial++) {
      const a = new GtidSet(), b = new GtidSet();
      const runs = next(5);
      for (let r = 0; r < runs; r++) {
        const lo = 1 + next(40), hi = lo + next(5);
        a.addRange(A, lo, hi);
        b.addRange(A, lo, hi);
      }
      if (runs === 0 && next(2) === 0) { a.addRange(A, 1, 1); a.subtractIntervals(A, [1, 1]); b.addRange(A, 1, 1); b.subtractIntervals(A, [1, 1]); }
      const from = 1 + next(45), count = 1 + next(6);
      const want = slowRun(b, from, count);
      const lo = a.addFreeRun(A, from, count);
      expect([lo, a.runHi]).toEqual(want);
      expect(a.toString()).toBe(b.toString());
      if (runs > 0 && from >= 35) fast++;
    }
    expect(fast).toBeGreaterThan(100);
  });

  it('numbers a stream of batches as one interval', () => {
    const s = new GtidSet();
    let counter = 1;
    for (let k = 0; k < 1000; k++) {
      const lo = s.addFreeRun(A, counter, 100);
      expect(lo).toBe(counter);
      counter = s.runHi + 1;
    }
    expect(s.toString()).toBe(`${A}:1-100000`);
  });
});
