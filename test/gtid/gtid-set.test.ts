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
