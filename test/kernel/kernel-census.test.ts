import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Kernel, PRIORITY } from '../../src/kernel/kernel.js';

/**
 * The census of queued events per handler (Kernel.queuedCount, queuedOnly, earliestQueuedOutside,
 * queuedEventsOf), which the stretch's steady check reads (src/sim/stretch.ts).
 */
describe('Kernel census', () => {
  it('counts events per handler as schedule, scheduleAt and scheduleReserved queue them and dispatch takes them', () => {
    const kernel = new Kernel();
    const a = kernel.register('a', () => {});
    const b = kernel.register('b', () => {});
    kernel.schedule(10, a, 1);
    kernel.scheduleAt(20, b, 2);
    const seq = kernel.reserve();
    kernel.scheduleReserved(30, PRIORITY.delivery, seq, a, 3);
    expect(kernel.queuedCount(a)).toBe(2);
    expect(kernel.queuedCount(b)).toBe(1);
    expect(kernel.queuedOnly(Int32Array.of(a))).toBe(false);
    expect(kernel.queuedOnly(Int32Array.of(a, b))).toBe(true);
    expect(kernel.earliestQueuedOutside(Int32Array.of(a))).toBe(20);
    expect(kernel.earliestQueuedOutside(Int32Array.of(a, b))).toBe(Infinity);
    kernel.step();
    expect(kernel.queuedCount(a)).toBe(1);
    kernel.runUntil(25);
    expect(kernel.queuedCount(b)).toBe(0);
    expect(kernel.queuedOnly(Int32Array.of(a))).toBe(true);
    expect(kernel.earliestQueuedOutside(Int32Array.of(b))).toBe(30);
    kernel.runUntil(100);
    expect(kernel.queuedCount(a)).toBe(0);
  });

  it('copies out the queued events of one handler with their times, order keys and arguments', () => {
    const kernel = new Kernel();
    const a = kernel.register('a', () => {});
    const b = kernel.register('b', () => {});
    for (let k = 0; k < 40; k++) kernel.schedule(1000 - k * 7, k % 3 === 0 ? a : b, k);
    const times = new Float64Array(64), keys = new Float64Array(64), args = new Int32Array(64);
    const got = kernel.queuedEventsOf(a, times, keys, args);
    expect(got).toBe(14);
    const seen = [...args.subarray(0, got)].sort((x, y) => x - y);
    expect(seen).toEqual(Array.from({ length: 14 }, (_, i) => i * 3));
    for (let k = 0; k < got; k++) {
      expect(times[k]).toBe(1000 - (args[k] as number) * 7);
      expect(keys[k]).toBe(kernel.orderKey(PRIORITY.timer, args[k] as number));
    }
    // A smaller buffer takes what fits.
    expect(kernel.queuedEventsOf(a, new Float64Array(5), new Float64Array(5), new Int32Array(5))).toBe(5);
  });

  it('matches a count of the queue under any mix of scheduling, stepping, runs and handlers that schedule', () => {
    fc.assert(fc.property(
      fc.array(fc.record({
        op: fc.constantFrom('schedule', 'scheduleAt', 'reserved', 'step', 'run'),
        handler: fc.integer({ min: 0, max: 3 }),
        delay: fc.integer({ min: 0, max: 50 }),
      }), { maxLength: 200 }),
      (ops) => {
        const kernel = new Kernel();
        // The model: a multiset of queued handler ids, kept beside the kernel.
        const queued: number[][] = [[], [], [], []];
        let nextId = 0;
        const ids: number[] = [];
        for (let h = 0; h < 4; h++) {
          ids.push(kernel.register(`h${h}`, (arg) => {
            const list = queued[h] as number[];
            list.splice(list.indexOf(arg), 1);
            // Handler 3 schedules a follow-up of handler 0, as periodic timers do.
            if (h === 3) { const id = nextId++; (queued[0] as number[]).push(id); kernel.schedule(5, ids[0] as number, id); }
          }));
        }
        for (const o of ops) {
          const id = nextId++;
          if (o.op === 'schedule') { (queued[o.handler] as number[]).push(id); kernel.schedule(o.delay, ids[o.handler] as number, id); }
          else if (o.op === 'scheduleAt') { (queued[o.handler] as number[]).push(id); kernel.scheduleAt(kernel.nowUs + o.delay, ids[o.handler] as number, id); }
          else if (o.op === 'reserved') { (queued[o.handler] as number[]).push(id); kernel.scheduleReserved(kernel.nowUs + o.delay, PRIORITY.delivery, kernel.reserve(), ids[o.handler] as number, id); }
          else if (o.op === 'step') kernel.step();
          else kernel.runUntil(kernel.nowUs + o.delay);
          for (let h = 0; h < 4; h++) expect(kernel.queuedCount(ids[h] as number)).toBe((queued[h] as number[]).length);
          expect(kernel.queuedOnly(Int32Array.of(ids[0] as number, ids[1] as number))).toBe((queued[2] as number[]).length + (queued[3] as number[]).length === 0);
        }
      },
    ), { numRuns: 100 });
  });
});
