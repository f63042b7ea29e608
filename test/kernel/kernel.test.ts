import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvariantError } from '../../src/errors.js';
import { Kernel, MAX_EVENT_ARG, PRIORITY } from '../../src/kernel/kernel.js';

/** A kernel with one handler that records (nowUs, arg) for every event it runs. */
function recordingKernel(): { kernel: Kernel; id: number; log: Array<[number, number]> } {
  const kernel = new Kernel();
  const log: Array<[number, number]> = [];
  const id = kernel.register('record', (arg) => log.push([kernel.nowUs, arg]));
  return { kernel, id, log };
}

describe('Kernel', () => {
  it('registers handlers with consecutive ids and remembers their names', () => {
    const kernel = new Kernel();
    expect(kernel.register('a', () => {})).toBe(0);
    expect(kernel.register('b', () => {})).toBe(1);
    expect(kernel.handlerName(1)).toBe('b');
    expect(kernel.handlerName(9)).toBe('#9');
  });

  it('refuses a 65th handler with an InvariantError', () => {
    const kernel = new Kernel();
    for (let i = 0; i < 64; i++) kernel.register(`h${i}`, () => {});
    expect(() => kernel.register('one-too-many', () => {})).toThrow(InvariantError);
  });

  it('dispatches to every one of 64 handlers, by runUntil and by step, with its own argument', () => {
    // A handler id takes the low 6 bits of an event code, the argument the rest: every id must
    // come back out of the code intact beside an argument that fills bits above it.
    for (const drive of ['runUntil', 'step'] as const) {
      const kernel = new Kernel();
      const seen: string[] = [];
      const ids: number[] = [];
      for (let h = 0; h < 64; h++) ids.push(kernel.register(`h${h}`, (arg) => seen.push(`${h}:${arg}`)));
      // Reverse time order, so that dispatch order differs from registration order.
      for (let h = 63; h >= 0; h--) kernel.scheduleAt(64 - h, ids[h] as number, h * 1000 + 1);
      if (drive === 'runUntil') expect(kernel.runUntil(100)).toBe(64);
      else while (kernel.step());
      expect(seen).toEqual(Array.from({ length: 64 }, (_, i) => `${63 - i}:${(63 - i) * 1000 + 1}`));
    }
  });

  it('dispatches each event to its handler with its argument, at its time', () => {
    const kernel = new Kernel();
    const seen: string[] = [];
    const a = kernel.register('a', (arg) => seen.push(`a${arg}@${kernel.nowUs}`));
    const b = kernel.register('b', (arg) => seen.push(`b${arg}@${kernel.nowUs}`));
    kernel.schedule(20, b, 7);
    kernel.schedule(10, a, MAX_EVENT_ARG);
    kernel.scheduleAt(15, a, 0);
    kernel.runUntil(100);
    expect(seen).toEqual([`a${MAX_EVENT_ARG}@10`, 'a0@15', 'b7@20']);
    expect(kernel.eventsDispatched).toBe(3);
  });

  it('orders events by time, then priority, then insertion order', () => {
    const { kernel, id, log } = recordingKernel();
    kernel.scheduleAt(5, id, 1, PRIORITY.timer);
    kernel.scheduleAt(5, id, 2, PRIORITY.late);
    kernel.scheduleAt(5, id, 3, PRIORITY.delivery);
    kernel.scheduleAt(5, id, 4, PRIORITY.timer);
    kernel.scheduleAt(5, id, 5, PRIORITY.control);
    kernel.scheduleAt(5, id, 6, PRIORITY.delivery);
    kernel.scheduleAt(4, id, 7, PRIORITY.late);
    kernel.runUntil(10);
    expect(log.map(([, arg]) => arg)).toEqual([7, 5, 3, 6, 1, 4, 2]);
  });

  it('gives scheduled events the timer priority by default, so a delivery at the same instant runs first', () => {
    const { kernel, id, log } = recordingKernel();
    kernel.schedule(3, id, 1);
    kernel.schedule(3, id, 2, PRIORITY.delivery);
    kernel.runUntil(3);
    expect(log.map(([, arg]) => arg)).toEqual([2, 1]);
  });

  it('runs an event a handler schedules for the current instant after the events already queued there', () => {
    const kernel = new Kernel();
    const seen: number[] = [];
    const child = kernel.register('child', (arg) => seen.push(arg));
    const parent = kernel.register('parent', (arg) => {
      seen.push(arg);
      kernel.schedule(0, child, arg + 100);
    });
    kernel.scheduleAt(1, parent, 1);
    kernel.scheduleAt(1, child, 2);
    kernel.runUntil(1);
    expect(seen).toEqual([1, 2, 101]);
    expect(kernel.nowUs).toBe(1);
  });

  describe('runUntil', () => {
    it('runs events due exactly at endUs, leaves later ones, and ends with the clock at endUs', () => {
      const { kernel, id, log } = recordingKernel();
      kernel.scheduleAt(100, id, 1);
      kernel.scheduleAt(250, id, 2);
      kernel.scheduleAt(251, id, 3);
      expect(kernel.runUntil(250)).toBe(2);
      expect(log).toEqual([[100, 1], [250, 2]]);
      expect(kernel.nowUs).toBe(250);
      expect(kernel.pending).toBe(1);
      expect(kernel.nextEventTimeUs()).toBe(251);
    });

    it('advances the clock to endUs even when no event is due', () => {
      const { kernel, id, log } = recordingKernel();
      kernel.scheduleAt(1000, id, 1);
      expect(kernel.runUntil(400)).toBe(0);
      expect(kernel.nowUs).toBe(400);
      expect(log).toEqual([]);
      expect(kernel.runUntil(1000)).toBe(1);
      expect(kernel.nowUs).toBe(1000);
    });

    it('never moves the clock backwards', () => {
      const kernel = new Kernel();
      kernel.runUntil(500);
      kernel.runUntil(200);
      expect(kernel.nowUs).toBe(500);
    });

    it('runs events that handlers schedule within the window, including at endUs', () => {
      const kernel = new Kernel();
      const times: number[] = [];
      const tick = kernel.register('tick', () => {
        times.push(kernel.nowUs);
        kernel.schedule(10, tick, 0);
      });
      kernel.scheduleAt(0, tick, 0);
      expect(kernel.runUntil(30)).toBe(4);
      expect(times).toEqual([0, 10, 20, 30]);
      expect(kernel.nowUs).toBe(30);
      expect(kernel.nextEventTimeUs()).toBe(40);
      expect(kernel.eventsDispatched).toBe(4);
    });
  });

  describe('step', () => {
    it('runs one event, moves the clock to it, and returns false once empty', () => {
      const { kernel, id, log } = recordingKernel();
      expect(kernel.step()).toBe(false);
      kernel.schedule(5, id, 1);
      kernel.schedule(9, id, 2);
      expect(kernel.step()).toBe(true);
      expect(kernel.nowUs).toBe(5);
      expect(log).toEqual([[5, 1]]);
      expect(kernel.step()).toBe(true);
      expect(kernel.nowUs).toBe(9);
      expect(kernel.step()).toBe(false);
      expect(kernel.eventsDispatched).toBe(2);
      expect(kernel.nextEventTimeUs()).toBe(Infinity);
    });
  });

  describe('invariants', () => {
    it('throws InvariantError for a non-integer time', () => {
      const { kernel, id } = recordingKernel();
      expect(() => kernel.scheduleAt(1.5, id, 0)).toThrow(InvariantError);
      expect(() => kernel.schedule(0.25, id, 0)).toThrow(InvariantError);
      expect(() => kernel.schedule(Number.NaN, id, 0)).toThrow(InvariantError);
      expect(kernel.pending).toBe(0);
    });

    it('throws InvariantError for a time in the past', () => {
      const { kernel, id } = recordingKernel();
      kernel.runUntil(100);
      expect(() => kernel.scheduleAt(99, id, 0)).toThrow(InvariantError);
      expect(() => kernel.schedule(-1, id, 0)).toThrow(InvariantError);
      expect(() => kernel.scheduleAt(100, id, 0)).not.toThrow();
      expect(() => kernel.schedule(0, id, 0)).not.toThrow();
      expect(kernel.pending).toBe(2);
    });

    it('throws InvariantError for an argument outside 0..MAX_EVENT_ARG or not an integer', () => {
      const { kernel, id } = recordingKernel();
      expect(MAX_EVENT_ARG).toBe(2 ** 25 - 1);
      for (const bad of [-1, MAX_EVENT_ARG + 1, 2 ** 31, 0.5, Number.NaN]) {
        expect(() => kernel.schedule(1, id, bad), `arg ${bad}`).toThrow(InvariantError);
      }
      expect(kernel.pending).toBe(0);
      kernel.schedule(1, id, 0);
      kernel.schedule(1, id, MAX_EVENT_ARG);
      expect(kernel.pending).toBe(2);
    });

    it('throws InvariantError for a priority outside 0..3 or not an integer, naming it', () => {
      const { kernel, id } = recordingKernel();
      for (const bad of [-1, 4, 1.5, Number.NaN, 2 ** 32 + 1]) {
        expect(() => kernel.schedule(1, id, 0, bad), `schedule priority ${bad}`).toThrow(/priority.*0\.\.3/);
        expect(() => kernel.scheduleAt(1, id, 0, bad), `scheduleAt priority ${bad}`).toThrow(/priority.*0\.\.3/);
      }
      expect(kernel.pending).toBe(0);
      for (const p of [0, 1, 2, 3]) kernel.schedule(1, id, 0, p);
      expect(kernel.pending).toBe(4);
    });

    it('refuses arguments that wrap to a valid one in 32-bit arithmetic', () => {
      // 2^32 + 5 and 2^25 + 5 both have 5 in their low bits; neither may pass as 5.
      const { kernel, id } = recordingKernel();
      for (const bad of [2 ** 32 + 5, 2 ** 25 + 5, -(2 ** 32) + 5]) {
        expect(() => kernel.schedule(1, id, bad), `schedule arg ${bad}`).toThrow(/argument/);
        expect(() => kernel.scheduleAt(1, id, bad), `scheduleAt arg ${bad}`).toThrow(/argument/);
      }
      expect(kernel.pending).toBe(0);
    });

    it('refuses a delay that is infinite or carries the time past the largest safe integer', () => {
      const { kernel, id } = recordingKernel();
      kernel.runUntil(1000);
      expect(() => kernel.schedule(Number.POSITIVE_INFINITY, id, 0)).toThrow(/delay/);
      expect(() => kernel.schedule(Number.MAX_SAFE_INTEGER, id, 0)).toThrow(/delay/);
      expect(() => kernel.schedule(Number.MAX_SAFE_INTEGER - 1000, id, 0)).not.toThrow();
      expect(kernel.pending).toBe(1);
    });

    it('names the rule and the value in the message', () => {
      const { kernel, id } = recordingKernel();
      expect(() => kernel.scheduleAt(2.5, id, 0)).toThrow(/integer.*2\.5/);
      expect(() => kernel.schedule(1, id, -3)).toThrow(/0\.\.33554431.*-3/);
    });
  });

  // Property: whatever is scheduled, the kernel runs it in (time, priority, insertion) order with
  // the clock equal to each event's time, and every event due by the end runs.
  it('dispatches arbitrary schedules in (time, priority, insertion) order (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ timeUs: fc.integer({ min: 0, max: 50 }), priority: fc.integer({ min: 0, max: 3 }) }), {
          maxLength: 200,
        }),
        fc.integer({ min: 0, max: 60 }),
        (events, endUs) => {
          const { kernel, id, log } = recordingKernel();
          events.forEach((e, i) => kernel.scheduleAt(e.timeUs, id, i, e.priority));
          const ran = kernel.runUntil(endUs);
          const expected = events
            .map((e, i) => ({ ...e, i }))
            .filter((e) => e.timeUs <= endUs)
            .sort((a, b) => a.timeUs - b.timeUs || a.priority - b.priority || a.i - b.i)
            .map((e) => [e.timeUs, e.i]);
          expect(log).toEqual(expected);
          expect(ran).toBe(expected.length);
          expect(kernel.nowUs).toBe(endUs);
          expect(kernel.pending).toBe(events.length - expected.length);
        },
      ),
    );
  });
});

describe('Kernel.runReservedAt', () => {
  /**
   * Random schedules in which some events reserve a follow-up at their own instant or later,
   * schedule more events (some at the same instant, any priority), then place the follow-up: in its
   * reserved place always, or at once through runReservedAt where allowed. Both runs, each in two
   * runUntil calls (so that some follow-ups fall after the first one's end), must dispatch the same
   * events in the same order, at the same times and order positions, with the same count.
   */
  function run(plan: Array<[number, number, number, number, number]>, inline: boolean, stepping: boolean): { log: string[]; dispatched: number; inlined: number; later: number } {
    const kernel = new Kernel();
    const log: string[] = [];
    let inlined = 0, later = 0;
    const follow = kernel.register('follow', (arg) => log.push(`f${arg}@${kernel.nowUs}:${kernel.orderPosition}`));
    const plain = kernel.register('plain', (arg) => log.push(`p${arg}@${kernel.nowUs}:${kernel.orderPosition}`));
    const source = kernel.register('source', (arg) => {
      log.push(`s${arg}@${kernel.nowUs}:${kernel.orderPosition}`);
      const [, extraDelay, extraPriority, extras, followDelay] = plan[arg] as [number, number, number, number, number];
      const seq = kernel.reserve();
      for (let e = 0; e < extras; e++) kernel.schedule(extraDelay, plain, arg * 10 + e, extraPriority);
      const at = kernel.nowUs + followDelay;
      if (inline && kernel.runReservedAt(at, seq)) {
        inlined++;
        if (followDelay > 0) later++;
        log.push(`f${arg}@${kernel.nowUs}:${kernel.orderPosition}`);
      } else kernel.scheduleReserved(at, PRIORITY.timer, seq, follow, arg);
    });
    plan.forEach(([at], k) => kernel.schedule(at, source, k));
    if (stepping) while (kernel.step());
    else {
      kernel.runUntil(10);
      log.push(`end@${kernel.nowUs}`);
      kernel.runUntil(1000);
    }
    return { log, dispatched: kernel.eventsDispatched, inlined, later };
  }

  const plans = fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 4 })), { minLength: 1, maxLength: 12 });

  it('keeps every event in its place and counts the inlined ones as dispatched', () => {
    let inlinedSomewhere = 0, inlinedLater = 0, declinedSomewhere = 0;
    fc.assert(fc.property(plans, (plan) => {
      const placed = run(plan, false, false), inlined = run(plan, true, false);
      expect(inlined.log).toEqual(placed.log);
      expect(inlined.dispatched).toBe(placed.dispatched);
      if (inlined.inlined > 0) inlinedSomewhere++;
      if (inlined.later > 0) inlinedLater++;
      if (inlined.inlined < plan.length) declinedSomewhere++;
    }), { numRuns: 300, seed: 7 });
    expect(inlinedSomewhere).toBeGreaterThan(50);
    expect(inlinedLater).toBeGreaterThan(50);
    expect(declinedSomewhere).toBeGreaterThan(50);
  });

  it('declines while step() runs the kernel (its caller looks between events)', () => {
    fc.assert(fc.property(plans, (plan) => {
      const stepped = run(plan, true, true);
      expect(stepped.inlined).toBe(0);
      expect(stepped.log).toEqual(run(plan, false, true).log);
    }), { numRuns: 100, seed: 8 });
  });
});

describe('Kernel entries of a replay outside the dispatch loop', () => {
  it('replayAt moves the clock and position as a dispatch would and counts the event; refuses a time before now', () => {
    const k = new Kernel();
    const h = k.register('h', () => {});
    k.schedule(10, h, 0);
    k.runUntil(20);
    const before = k.eventsDispatched;
    k.replayAt(25, k.orderKey(2, 7));
    expect(k.nowUs).toBe(25);
    expect(k.orderPosition).toBe(k.orderKey(2, 7));
    expect(k.eventsDispatched).toBe(before + 1);
    expect(() => k.replayAt(24, 0)).toThrow(/before now/);
  });

  it('replayAt refuses while the kernel dispatches, naming the time, and leaves the clock where dispatch put it', () => {
    const k = new Kernel();
    const h = k.register('h', () => k.replayAt(40, 0));
    k.schedule(10, h, 0);
    expect(() => k.runUntil(20)).toThrow(/replayAt: an event at 40 µs replayed while the kernel dispatches/);
    expect(k.nowUs).toBe(10);
  });

  it('takeQueued takes out the events of the given handlers only, and nextSequence is the next reserved number', () => {
    const k = new Kernel();
    const seen: string[] = [];
    const a = k.register('a', (arg) => seen.push(`a${arg}`)), b = k.register('b', (arg) => seen.push(`b${arg}`));
    k.schedule(5, a, 1);
    k.schedule(3, b, 2);
    k.schedule(5, b, 3);
    expect(k.nextSequence).toBe(3);
    k.takeQueued(Int32Array.of(a));
    k.runUntil(10);
    expect(seen).toEqual(['b2', 'b3']);
    expect(k.reserve()).toBe(3);
  });
});
