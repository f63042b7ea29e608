import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventQueue, SEQ_SPAN } from '../../src/kernel/event-queue.js';

/** Pops every event, returning [timeUs, code] pairs in pop order. */
function drain(q: EventQueue): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  while (q.size > 0) {
    const code = q.pop();
    out.push([q.clock[0] as number, code]);
  }
  return out;
}

describe('EventQueue', () => {
  it('starts empty with an infinite peek time', () => {
    const q = new EventQueue();
    expect(q.size).toBe(0);
    expect(q.peekTimeUs()).toBe(Infinity);
  });

  it('pops in time order and reports the popped time', () => {
    const q = new EventQueue();
    q.push(30, 0, 3);
    q.push(10, 0, 1);
    q.push(20, 0, 2);
    expect(q.peekTimeUs()).toBe(10);
    expect(drain(q)).toEqual([[10, 1], [20, 2], [30, 3]]);
    expect(q.peekTimeUs()).toBe(Infinity);
  });

  it('breaks time ties by priority (lower first), then by insertion order', () => {
    const q = new EventQueue();
    q.push(5, 2, 100);
    q.push(5, 1, 101);
    q.push(5, 2, 102);
    q.push(5, 0, 103);
    q.push(5, 1, 104);
    q.push(4, 3, 105);
    expect(drain(q).map(([, c]) => c)).toEqual([105, 103, 101, 104, 100, 102]);
  });

  it('keeps insertion order among many equal (time, priority) events', () => {
    const q = new EventQueue(4);
    for (let i = 0; i < 200; i++) q.push(7, 1, i);
    expect(drain(q).map(([, c]) => c)).toEqual(Array.from({ length: 200 }, (_, i) => i));
  });

  it('grows beyond its initial capacity without losing or reordering events', () => {
    const q = new EventQueue(2);
    const n = 5000;
    // A permutation of 0..n-1 so every time is distinct.
    for (let i = 0; i < n; i++) q.push((i * 7919) % n, 0, i);
    expect(q.size).toBe(n);
    const out = drain(q);
    expect(out.map(([t]) => t)).toEqual(Array.from({ length: n }, (_, i) => i));
    for (const [t, c] of out) expect((c * 7919) % n).toBe(t);
  });

  it('interleaves pushes and pops correctly across growth', () => {
    const q = new EventQueue(1);
    q.push(10, 0, 1);
    q.push(5, 0, 2);
    expect(q.pop()).toBe(2);
    q.push(7, 0, 3);
    q.push(7, 0, 4);
    q.push(12, 0, 5);
    expect(drain(q)).toEqual([[7, 3], [7, 4], [10, 1], [12, 5]]);
  });

  it('keeps the order when more events precede everything queued than the front buffer holds', () => {
    // Each push comes before everything queued, so each goes to the front buffer; past its 16 places
    // the latest buffered event moves to the heap. Pops interleaved with later pushes cross both.
    const q = new EventQueue(4);
    for (let i = 0; i < 40; i++) q.push(1000 - i, i % 4, i);
    expect(q.size).toBe(40);
    expect(q.pop()).toBe(39);
    q.push(961, 0, 100);
    q.push(961, 3, 101);
    q.push(5000, 0, 102);
    const out = drain(q);
    expect(out.map(([, c]) => c)).toEqual([100, 101, ...Array.from({ length: 39 }, (_, i) => 38 - i), 102]);
    expect(out.map(([t]) => t)).toEqual([961, 961, ...Array.from({ length: 39 }, (_, i) => 962 + i), 5000]);
  });

  it('popDue pops only events due by its bound, from the front buffer and from the heap', () => {
    const q = new EventQueue(4);
    // Times 100..119 in order: the first 16 fill the front buffer, the rest go to the heap.
    for (let i = 0; i < 20; i++) q.push(100 + i, 1, i);
    expect(q.popDue(99)).toBe(-1);
    expect(q.size).toBe(20);
    for (let i = 0; i < 17; i++) expect(q.popDue(116)).toBe(i);
    expect(q.clock[0]).toBe(116);
    expect(q.popDue(116)).toBe(-1);
    expect(q.size).toBe(3);
    expect(q.popDue(117.5)).toBe(17);
    expect(q.popDue(Infinity)).toBe(18);
    expect(q.popDue(Infinity)).toBe(19);
    expect(q.popDue(Infinity)).toBe(-1);
    expect(q.size).toBe(0);
  });

  // Property: events pushed under reserved keys (pushKeyed), in any order of keys, pop in key order.
  it('orders events pushed under reserved sequence numbers by their keys (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ timeUs: fc.integer({ min: 0, max: 10 }), priority: fc.integer({ min: 0, max: 3 }) }), { maxLength: 120 }),
        fc.integer(),
        (events, shuffleSeed) => {
          const q = new EventQueue(2);
          const reserved = events.map((e) => ({ ...e, seq: q.reserveSeq() }));
          // Push in an order unrelated to the reservation order.
          const order = reserved.map((e, i) => ({ e, r: Math.imul(i + 1, shuffleSeed | 1) >>> 7 })).sort((a, b) => a.r - b.r);
          for (const { e } of order) q.pushKeyed(e.timeUs, e.priority * SEQ_SPAN + e.seq, e.seq);
          const expected = [...reserved].sort((a, b) => a.timeUs - b.timeUs || a.priority - b.priority || a.seq - b.seq).map((e) => e.seq);
          expect(drain(q).map(([, c]) => c)).toEqual(expected);
        },
      ),
    );
  });

  // Property: the queue pops exactly what a stable sort by (time, priority) of the pushes gives.
  it('matches a sorted reference for arbitrary pushes (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ timeUs: fc.integer({ min: 0, max: 40 }), priority: fc.integer({ min: 0, max: 3 }) }), {
          maxLength: 300,
        }),
        fc.integer({ min: 1, max: 64 }),
        (events, capacity) => {
          const q = new EventQueue(capacity);
          events.forEach((e, i) => q.push(e.timeUs, e.priority, i));
          const expected = events
            .map((e, i) => ({ ...e, i }))
            .sort((a, b) => a.timeUs - b.timeUs || a.priority - b.priority || a.i - b.i)
            .map((e) => [e.timeUs, e.i]);
          expect(drain(q)).toEqual(expected);
        },
      ),
    );
  });

  // Property: with pushes and pops interleaved, every pop returns the least (time, priority, seq)
  // of what is waiting.
  it('matches a sorted reference for interleaved pushes and pops (property)', () => {
    type Op = { kind: 'push'; timeUs: number; priority: number } | { kind: 'pop' };
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({
        kind: fc.constant('push' as const),
        timeUs: fc.integer({ min: 0, max: 20 }),
        priority: fc.integer({ min: 0, max: 3 }),
      }),
      fc.record({ kind: fc.constant('pop' as const) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), (ops) => {
        const q = new EventQueue(2);
        const ref: Array<{ timeUs: number; priority: number; seq: number }> = [];
        let seq = 0;
        for (const o of ops) {
          if (o.kind === 'push') {
            q.push(o.timeUs, o.priority, seq);
            ref.push({ timeUs: o.timeUs, priority: o.priority, seq });
            seq++;
          } else if (ref.length > 0) {
            ref.sort((a, b) => a.timeUs - b.timeUs || a.priority - b.priority || a.seq - b.seq);
            const want = ref.shift()!;
            expect(q.peekTimeUs()).toBe(want.timeUs);
            expect(q.pop()).toBe(want.seq);
            expect(q.clock[0]).toBe(want.timeUs);
          }
          expect(q.size).toBe(ref.length);
        }
      }),
    );
  });
});

describe('EventQueue.removeFlagged', () => {
  it('removes the events of flagged handlers, front buffer and heap, and keeps the others in their order', () => {
    fc.assert(fc.property(
      fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 7 })), { maxLength: 80 }),
      fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
      (events, flagged) => {
        const q = new EventQueue(4), ref = new EventQueue(4);
        // Handlers in the low 3 bits, a running number above them, so that every code is distinct.
        events.forEach(([t, p, h], k) => {
          q.push(t, p, (k << 3) | h);
          if (!flagged[h]) ref.push(t, p, (k << 3) | h);
          else ref.reserveSeq();
        });
        const flags = Uint8Array.from(flagged, (f) => (f ? 1 : 0));
        q.removeFlagged(7, flags);
        expect(q.nextSeq).toBe(ref.nextSeq);
        expect(drain(q)).toEqual(drain(ref));
      },
    ), { numRuns: 200 });
  });
});
