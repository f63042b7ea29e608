import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Kernel, PRIORITY } from '../../src/kernel/kernel.js';
import { priorityKeyBase } from '../../src/kernel/tick-lane.js';

/** A probe event: at `atUs` it logs itself, may change a slot's wake time or gate, and schedules children. */
interface Probe { atUs: number; slot: number; wakeTicks: number; toggleGate: boolean; childDelays: number[] }

interface Script { phases: number[]; initialWakeTicks: number[]; rearmWakeTicks: number[]; probes: Probe[] }

const PERIOD = 100;
const END = 3_000;
/** Slots per lane in the scripts: enough for the lane's order of pending slots to matter. */
const SLOTS = 4;

/**
 * Runs `script` with the slots' periodic ticks either as ordinary kernel events whose handler does
 * the skip itself (reference) or on the kernel's tick lane, and returns the log of everything that
 * ran for real: probes, their children and dispatched ticks, each with its time, in run order.
 */
function run(script: Script, useLane: boolean): string[] {
  const k = new Kernel();
  const log: string[] = [];
  const gate = new Uint8Array(SLOTS);
  const wake = new Float64Array(SLOTS);
  let rearms = 0;
  let hTick = -1;
  const onTick = (s: number): void => {
    log.push(`T${s}@${k.nowUs}`);
    const w = k.nowUs + (script.rearmWakeTicks[rearms++ % script.rearmWakeTicks.length] as number) * PERIOD;
    arm(s, k.nowUs + PERIOD, w);
  };
  const lane = useLane ? k.createTickLane('test.tick', SLOTS, PERIOD, gate, onTick) : null;
  const reference = (s: number): void => {
    // The skip, done by the handler: only schedule the next tick.
    if (k.nowUs < (wake[s] as number) && gate[s] === 0) k.schedule(PERIOD, hTick, s);
    else onTick(s);
  };
  hTick = k.register('tick', reference);
  function arm(s: number, atUs: number, wakeUs: number): void {
    wake[s] = wakeUs;
    if (lane !== null) {
      lane.setWake(s, wakeUs);
      lane.arm(s, atUs, s);
    } else {
      k.schedule(atUs - k.nowUs, hTick, s);
    }
  }
  const hChild = k.register('child', (id) => log.push(`C${id}@${k.nowUs}`));
  const hProbe = k.register('probe', (id) => {
    const p = script.probes[id] as Probe;
    log.push(`P${id}@${k.nowUs}`);
    if (p.toggleGate) gate[p.slot] = 1 - (gate[p.slot] as number);
    wake[p.slot] = k.nowUs + p.wakeTicks * PERIOD;
    lane?.setWake(p.slot, wake[p.slot] as number);
    p.childDelays.forEach((d, c) => k.schedule(d, hChild, id * 10 + c));
  });
  script.phases.forEach((ph, s) => arm(s, ph, ph + (script.initialWakeTicks[s] as number) * PERIOD));
  script.probes.forEach((p, id) => k.scheduleAt(p.atUs, hProbe, id));
  k.runUntil(END);
  return log;
}

// Times on a 50 µs grid, so that probes, children and ticks often share a microsecond.
const grid = (max: number): fc.Arbitrary<number> => fc.integer({ min: 0, max: max / 50 }).map((x) => x * 50);

const scripts: fc.Arbitrary<Script> = fc.record({
  phases: fc.array(grid(PERIOD), { minLength: SLOTS, maxLength: SLOTS }),
  initialWakeTicks: fc.array(fc.integer({ min: -1, max: 12 }), { minLength: SLOTS, maxLength: SLOTS }),
  rearmWakeTicks: fc.array(fc.integer({ min: -1, max: 12 }), { minLength: 1, maxLength: 6 }),
  probes: fc.array(fc.record({
    atUs: grid(END), slot: fc.integer({ min: 0, max: SLOTS - 1 }), wakeTicks: fc.integer({ min: -1, max: 8 }),
    toggleGate: fc.boolean(), childDelays: fc.array(grid(1_000), { maxLength: 3 }),
  }), { maxLength: 25 }),
});

describe('TickLane', () => {
  it('runs and skips ticks in exactly the order of the same ticks scheduled as kernel events', () => {
    fc.assert(fc.property(scripts, (script) => {
      expect(run(script, true)).toEqual(run(script, false));
    }), { numRuns: 300, seed: 20261130 });
  });

  it('skips ticks before the wake time without dispatching them', () => {
    const k = new Kernel();
    const ran: number[] = [];
    const lane = k.createTickLane('test.tick', 1, PERIOD, new Uint8Array(1), () => ran.push(k.nowUs));
    lane.arm(0, 100, 0);
    lane.setWake(0, 650);
    k.runUntil(1_000);
    expect(ran).toEqual([700]);
    expect(k.eventsDispatched).toBe(1);
  });

  it('dispatches every tick of a slot whose gate is set', () => {
    const k = new Kernel();
    const ran: number[] = [];
    const gate = new Uint8Array(1);
    gate[0] = 1;
    const lane = k.createTickLane('test.tick', 1, PERIOD, gate, () => { ran.push(k.nowUs); if (ran.length < 3) lane.arm(0, k.nowUs + PERIOD, 0); });
    lane.arm(0, 100, 0);
    lane.setWake(0, 10_000);
    k.runUntil(1_000);
    expect(ran).toEqual([100, 200, 300]);
  });

  it('a slot armed again while its tick is pending keeps one tick, at the new time, in the order of the new arming', () => {
    const k = new Kernel();
    const ran: string[] = [];
    const lane = k.createTickLane('test.tick', 3, PERIOD, new Uint8Array(3), (s) => ran.push(`T${s}@${k.nowUs}`));
    const hProbe = k.register('probe', (id) => ran.push(`P${id}@${k.nowUs}`));
    lane.arm(0, 300, 0);
    lane.arm(1, 200, 1);
    lane.arm(2, 300, 2);
    k.scheduleAt(300, hProbe, 0, 2); // timer priority, after slot 2's arming
    lane.arm(0, 300, 0); // re-armed: now after slot 2 and the probe
    expect(lane.pending).toBe(3);
    k.runUntil(1_000);
    expect(ran).toEqual(['T1@200', 'T2@300', 'P0@300', 'T0@300']);
    expect(lane.pending).toBe(0);
  });

  it('allows one lane per kernel', () => {
    const k = new Kernel();
    k.createTickLane('a', 1, PERIOD, new Uint8Array(1), () => {});
    expect(() => k.createTickLane('b', 1, PERIOD, new Uint8Array(1), () => {})).toThrow(/tick lane already/);
  });
});

/**
 * A probe of the richer scripts: an event of any priority that logs itself, may re-arm a slot (at
 * any distance, so that a tick can land before others already pending), change a wake time or a
 * gate, and schedule children of any priority.
 */
interface RichProbe {
  atUs: number; priority: number; slot: number; wakeTicks: number; toggleGate: boolean; rearmUs: number;
  children: { delayUs: number; priority: number }[];
}

/** How a script's run is driven: runUntil to each end in turn, with `steps` single steps before each. */
interface RichScript {
  phases: number[]; initialWakeTicks: number[]; rearmWakeTicks: number[]; probes: RichProbe[];
  segments: { endUs: number; steps: number }[];
}

/**
 * Runs `script` with the slots' ticks on the lane or as kernel events that skip themselves tick by
 * tick (the reference: a re-armed slot's earlier event is disowned by a generation number and does
 * nothing). Every handler that runs for real logs its name, the time and the sequence number it
 * reserves, so the log pins the order of everything dispatched and the number of places every
 * skip reserved before it; each probe also logs every slot's pending tick time. Returns the log and,
 * last, the kernel's event count (the reference's less its skipped and disowned ticks), the next
 * sequence number and the number of pending ticks.
 */
function runRich(script: RichScript, useLane: boolean): string[] {
  const k = new Kernel();
  const log: string[] = [];
  const gate = new Uint8Array(SLOTS);
  const wake = new Float64Array(SLOTS);
  const refTime = new Float64Array(SLOTS).fill(Infinity);
  const refGen = new Int32Array(SLOTS);
  let rearms = 0, refSkipped = 0, refDisowned = 0;
  let hTick = -1;
  const onTick = (s: number): void => {
    log.push(`T${s}@${k.nowUs}#${k.reserve()}`);
    const w = k.nowUs + (script.rearmWakeTicks[rearms++ % script.rearmWakeTicks.length] as number) * PERIOD;
    arm(s, k.nowUs + PERIOD, w);
  };
  const lane = useLane ? k.createTickLane('test.tick', SLOTS, PERIOD, gate, onTick) : null;
  hTick = k.register('tick', (arg) => {
    const s = arg % SLOTS;
    if ((arg - s) / SLOTS !== refGen[s]) { refDisowned++; return; }
    refTime[s] = Infinity;
    if (k.nowUs < (wake[s] as number) && gate[s] === 0) {
      refSkipped++;
      refSchedule(s, k.nowUs + PERIOD);
    } else {
      onTick(s);
    }
  });
  function refSchedule(s: number, atUs: number): void {
    if (refTime[s] !== Infinity) refGen[s] = (refGen[s] as number) + 1;
    refTime[s] = atUs;
    k.scheduleAt(atUs, hTick, (refGen[s] as number) * SLOTS + s);
  }
  function arm(s: number, atUs: number, wakeUs: number): void {
    wake[s] = wakeUs;
    if (lane !== null) {
      lane.setWake(s, wakeUs);
      lane.arm(s, atUs, s);
    } else {
      refSchedule(s, atUs);
    }
  }
  const pendingTimes = (): string => Array.from({ length: SLOTS }, (_, s) => (lane !== null ? lane.tickTimeUs(s) : refTime[s])).join(',');
  const hChild = k.register('child', (id) => log.push(`C${id}@${k.nowUs}#${k.reserve()}`));
  const hProbe = k.register('probe', (id) => {
    const p = script.probes[id] as RichProbe;
    log.push(`P${id}@${k.nowUs}#${k.reserve()} ${pendingTimes()}`);
    if (p.toggleGate) gate[p.slot] = 1 - (gate[p.slot] as number);
    wake[p.slot] = k.nowUs + p.wakeTicks * PERIOD;
    lane?.setWake(p.slot, wake[p.slot] as number);
    if (p.rearmUs >= 0) arm(p.slot, k.nowUs + p.rearmUs, wake[p.slot] as number);
    p.children.forEach((c, i) => k.schedule(c.delayUs, hChild, id * 10 + i, c.priority));
  });
  script.phases.forEach((ph, s) => arm(s, ph, ph + (script.initialWakeTicks[s] as number) * PERIOD));
  script.probes.forEach((p, id) => k.scheduleAt(p.atUs, hProbe, id, p.priority));
  for (const seg of script.segments) {
    for (let i = 0; i < seg.steps && k.nextEventTimeUs() <= END; i++) k.step();
    if (seg.endUs >= k.nowUs) k.runUntil(seg.endUs);
  }
  k.runUntil(END);
  const pending = lane !== null ? lane.pending : refTime.filter((t) => t !== Infinity).length;
  log.push(`events ${k.eventsDispatched - (lane !== null ? 0 : refSkipped + refDisowned)} next ${k.reserve()} pending ${pending} ${pendingTimes()}`);
  return log;
}

const richScripts: fc.Arbitrary<RichScript> = fc.record({
  phases: fc.array(grid(PERIOD), { minLength: SLOTS, maxLength: SLOTS }),
  initialWakeTicks: fc.array(fc.integer({ min: -1, max: 12 }), { minLength: SLOTS, maxLength: SLOTS }),
  rearmWakeTicks: fc.array(fc.integer({ min: -1, max: 12 }), { minLength: 1, maxLength: 6 }),
  probes: fc.array(fc.record({
    atUs: grid(END), priority: fc.integer({ min: 0, max: 3 }), slot: fc.integer({ min: 0, max: SLOTS - 1 }),
    wakeTicks: fc.integer({ min: -1, max: 8 }), toggleGate: fc.boolean(),
    rearmUs: fc.oneof(fc.constant(-1), grid(3 * PERIOD)),
    children: fc.array(fc.record({ delayUs: grid(1_000), priority: fc.integer({ min: 0, max: 3 }) }), { maxLength: 3 }),
  }), { maxLength: 30 }),
  segments: fc.array(fc.record({ endUs: grid(END), steps: fc.integer({ min: 0, max: 4 }) }), { maxLength: 6 }),
});

describe('TickLane, against ticks skipped one by one', () => {
  it('dispatches the same ticks and events in the same order, with every sequence number reserved as one by one', () => {
    fc.assert(fc.property(richScripts, (script) => {
      expect(runRich(script, true)).toEqual(runRich(script, false));
    }), { numRuns: 400, seed: 20261201 });
  });
});

/** One step of a take-and-place script: arm a slot's tick, or queue a probe event, at `atUs`. */
interface PlaceOp { probe: boolean; slot: number; atUs: number }

/**
 * Runs `ops` in order on a kernel with a lane (every tick dispatched: no wake time set), then runs
 * to the end, logging every tick and probe with its time and the sequence number it reserves, and
 * last the next sequence number and the pending ticks. Op `deferred` is an arm; later arms of its
 * slot are left out (they would replace its tick). With `placed`, that op only reserves its number
 * where the arm would have (after taking the slot's pending tick off the lane), and the slot is
 * placed under that key after every op: `place` must leave the run as the arm did.
 */
function runPlaced(ops: PlaceOp[], deferred: number, placed: boolean): string[] {
  const k = new Kernel();
  const log: string[] = [];
  const lane = k.createTickLane('test.tick', SLOTS, PERIOD, new Uint8Array(SLOTS), (s) => log.push(`T${s}@${k.nowUs}#${k.reserve()}`));
  const hProbe = k.register('probe', (id) => log.push(`P${id}@${k.nowUs}#${k.reserve()}`));
  const d = ops[deferred] as PlaceOp;
  let reserved = -1;
  ops.forEach((op, i) => {
    if (op.probe) {
      k.scheduleAt(op.atUs, hProbe, i, PRIORITY.timer);
    } else if (i > deferred && op.slot === d.slot) {
      // left out (see above)
    } else if (i === deferred && placed) {
      lane.take(op.slot);
      expect(lane.tickTimeUs(op.slot)).toBe(Infinity);
      reserved = k.reserve();
    } else {
      lane.arm(op.slot, op.atUs, op.slot);
    }
  });
  if (placed) lane.place(d.slot, d.atUs, priorityKeyBase(PRIORITY.timer) + reserved, d.slot);
  const pending = Array.from({ length: SLOTS }, (_, s) => lane.tickTimeUs(s)).join(',');
  k.runUntil(END);
  log.push(`pending ${pending}`, `next ${k.nextSequence}`, `events ${k.eventsDispatched}`);
  return log;
}

describe('TickLane.take and place', () => {
  it('a tick placed under a key reserved earlier runs exactly where it would had it been armed when that key was reserved', () => {
    // Few distinct times, so that placed ticks tie with ticks and probes armed before and after.
    const at = fc.integer({ min: 0, max: 4 }).map((x) => x * PERIOD);
    const ops = fc.array(fc.record({ probe: fc.boolean(), slot: fc.integer({ min: 0, max: SLOTS - 1 }), atUs: at }), { minLength: 1, maxLength: 14 });
    fc.assert(fc.property(ops, fc.nat(), (script, pick) => {
      const arms = script.flatMap((op, i) => (op.probe ? [] : [i]));
      fc.pre(arms.length > 0);
      const deferred = arms[pick % arms.length] as number;
      expect(runPlaced(script, deferred, true)).toEqual(runPlaced(script, deferred, false));
    }), { numRuns: 400, seed: 20261201 });
  });

  it('take returns the pending tick\'s time and leaves nothing of it on the lane; place refuses a pending slot and a key not reserved', () => {
    const k = new Kernel();
    const ran: number[] = [];
    const lane = k.createTickLane('test.tick', 2, PERIOD, new Uint8Array(2), (s) => ran.push(s));
    lane.arm(0, 300, 0);
    lane.arm(1, 200, 1);
    const key0 = lane.tickKey(0);
    expect(lane.take(0)).toBe(300);
    expect(lane.take(0)).toBe(Infinity);
    expect(lane.pending).toBe(1);
    expect(() => lane.place(1, 400, key0, 1)).toThrow(/pending/);
    expect(() => lane.place(0, 400, priorityKeyBase(PRIORITY.timer) + k.nextSequence, 0)).toThrow(/reserved/);
    lane.place(0, 200, key0, 0); // its key is older than slot 1's: it runs first
    k.runUntil(1_000);
    expect(ran).toEqual([0, 1]);
    expect(k.nextSequence).toBe(2);
  });
});
