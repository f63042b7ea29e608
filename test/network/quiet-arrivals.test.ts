/**
 * Quiet sends (Network.sendQuiet): an arrival with no kernel event reaches the quiet receiver only
 * once it has happened in the kernel's (time, priority, sequence) order, latest per link; a network
 * verb first hands over what has happened and turns what is still in flight into ordinary delivery
 * events in the places reserved for them, so a cut drops them exactly as it drops sent messages.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Kernel, PRIORITY } from '../../src/kernel/kernel.js';
import { Network } from '../../src/network/network.js';
import { DEFAULT_NETWORK } from '../../src/network/network-options.js';
import { RandomStream } from '../../src/rng/random-stream.js';

function setup(): { kernel: Kernel; net: Network; delivered: string[]; quiet: string[] } {
  const kernel = new Kernel();
  const net = new Network(kernel, new RandomStream('quiet'), 3, { ...DEFAULT_NETWORK, latencyUs: 200, jitterUs: 0, loss: 0 });
  const delivered: string[] = [];
  const quiet: string[] = [];
  net.setReceiver(
    (msg) => delivered.push(`${net.msgFrom[msg]}→${net.msgTo[msg]} b=${net.msgB[msg]} @${kernel.nowUs}`),
    (from, to, cell) => quiet.push(`${from}→${to} b=${net.quietB(cell)} arrived ${net.quietArrivalUs(cell)} seen @${kernel.nowUs}`),
  );
  return { kernel, net, delivered, quiet };
}

describe('quiet arrivals', () => {
  it('are handed over only after their arrival time, the latest per link, with no kernel event', () => {
    const { kernel, net, quiet, delivered } = setup();
    expect(net.sendQuiet(0, 1, 0, 0, 1)).toBe(true);
    expect(kernel.pending).toBe(0);
    kernel.runUntil(100);
    net.collectQuiet(1);
    expect(quiet).toEqual([]);
    expect(net.quietWaitingFor(1)).toBe(true);
    kernel.runUntil(150);
    expect(net.sendQuiet(0, 1, 0, 0, 2)).toBe(true); // arrives at 350
    kernel.runUntil(400);
    net.collectQuiet(1);
    expect(quiet).toEqual(['0→1 b=2 arrived 350 seen @400']);
    expect(net.quietWaitingFor(1)).toBe(false);
    expect(delivered).toEqual([]);
  });

  it('quietLowestB is at most the second word of every arrival waiting for a receiver, Infinity once none waits', () => {
    const { kernel, net } = setup();
    expect(net.quietLowestB(1)).toBe(Infinity);
    net.sendQuiet(0, 1, 0, 0, 9);
    net.sendQuiet(2, 1, 0, 0, 4);
    net.sendQuiet(0, 1, 0, 0, 7);
    net.sendQuiet(1, 2, 0, 0, 1); // another receiver's arrival does not count
    expect(net.quietLowestB(1)).toBe(4);
    kernel.runUntil(300);
    net.collectQuietFrom(2, 1); // its link empties: its floor goes with it
    expect(net.quietLowestB(1)).toBe(7);
    net.collectQuiet(1);
    expect(net.quietWaitingFor(1)).toBe(false);
    expect(net.quietLowestB(1)).toBe(Infinity);
  });

  it('at the same microsecond, order as a delivery event would: after control events, before timers', () => {
    const { kernel, net, quiet } = setup();
    const seenAt: string[] = [];
    const probe = kernel.register('probe', (tag) => { net.collectQuiet(1); seenAt.push(`${tag}:${quiet.length}`); });
    kernel.scheduleAt(200, probe, 0, PRIORITY.control);
    net.sendQuiet(0, 1, 0, 0, 7); // arrives at 200 with the delivery priority
    kernel.scheduleAt(200, probe, 1, PRIORITY.delivery); // reserved after the quiet send: runs after it
    kernel.scheduleAt(200, probe, 2, PRIORITY.timer);
    kernel.runUntil(200);
    expect(seenAt).toEqual(['0:0', '1:1', '2:1']);
  });

  it('a verb settles them: what is in flight becomes an ordinary delivery, which a cut then drops', () => {
    const { kernel, net, quiet, delivered } = setup();
    net.sendQuiet(0, 1, 0, 0, 1); // arrives at 200
    net.sendQuiet(2, 1, 0, 0, 2); // arrives at 200
    kernel.runUntil(250);
    net.sendQuiet(0, 1, 0, 0, 3); // arrives at 450, still in flight at the cut
    net.sendQuiet(2, 1, 0, 0, 4); // arrives at 450, its link stays up
    net.cut(0, 1);
    expect(quiet).toEqual(['0→1 b=1 arrived 200 seen @250', '2→1 b=2 arrived 200 seen @250']);
    expect(kernel.pending).toBe(2);
    kernel.runUntil(1000);
    expect(delivered).toEqual(['2→1 b=4 @450']);
  });

  it('draw the same latency, jitter and FIFO order as send', () => {
    const mk = (): Network => new Network(new Kernel(), new RandomStream('same'), 2, { ...DEFAULT_NETWORK, latencyUs: 200, jitterUs: 500, loss: 0.3 });
    const a = mk(), b = mk();
    const sent: number[] = [], quietTimes: number[] = [];
    b.setReceiver(() => {}, (_f, _t, cell) => quietTimes.push(b.quietArrivalUs(cell)));
    for (let k = 0; k < 50; k++) {
      sent.push(a.send(0, 1, 0, 0, k));
      b.sendQuiet(0, 1, 0, 0, k);
      b.settleQuiet(); // now in the kernel: its time is the one the draw gave
    }
    const kb = (b as unknown as { kernel: Kernel }).kernel;
    const times: number[] = [];
    b.setReceiver(() => times.push(kb.nowUs));
    kb.runUntil(1e12);
    expect(times).toEqual(sent);
    expect(quietTimes).toEqual([]);
  });

  it('a link with more arrivals in flight than its room grows its ring and keeps every cell in order', () => {
    const { kernel, net, quiet, delivered } = setup();
    // Nothing has arrived while 40 go out at one instant: each full ring grows instead of collecting.
    for (let k = 1; k <= 40; k++) net.sendQuiet(0, 1, 0, 0, k);
    net.sendQuiet(2, 1, 0, 0, 100);
    expect(net.quietLowestB(1)).toBe(1);
    net.settleQuiet(); // all still in flight: each becomes a delivery in its reserved place
    expect(quiet).toEqual([]);
    kernel.runUntil(1000);
    expect(delivered).toEqual([...Array.from({ length: 40 }, (_, k) => `0→1 b=${k + 1} @200`), '2→1 b=100 @200']);
  });

  it('sendQuietEach sends to the peers of its mask in the order of its list, as sendQuiet one by one', () => {
    const mk = (): { kernel: Kernel; net: Network; got: string[] } => {
      const kernel = new Kernel();
      const net = new Network(kernel, new RandomStream('each'), 4, { ...DEFAULT_NETWORK, latencyUs: 200, jitterUs: 300, loss: 0.2 });
      const got: string[] = [];
      net.setReceiver((msg) => got.push(`${net.msgFrom[msg]}→${net.msgTo[msg]} b=${net.msgB[msg]} @${kernel.nowUs}`));
      return { kernel, net, got };
    };
    const one = mk(), each = mk();
    one.net.cut(0, 3);
    each.net.cut(0, 3); // a link that is down loses its message in both
    for (let round = 0; round < 40; round++) {
      for (const to of [3, 1, 2]) if (to !== 2) one.net.sendQuiet(0, to, 0, 0, round);
      each.net.sendQuietEach(0, [3, 1, 2], (1 << 3) | (1 << 1), 0, 0, round);
      one.kernel.runUntil(one.kernel.nowUs + 150);
      each.kernel.runUntil(each.kernel.nowUs + 150);
    }
    one.net.settleQuiet();
    each.net.settleQuiet();
    one.kernel.runUntil(1e12);
    each.kernel.runUntil(1e12);
    expect(each.got).toEqual(one.got);
    expect(each.got.length).toBeGreaterThan(0);
    expect(each.got.some((line) => line.startsWith('0→3'))).toBe(false);
  });

  it('quietLowestB is the lowest floor of the links into each receiver through sends, collections, ring growth and settles', () => {
    // A model of the floors: per link, the lowest second word sent since the link last emptied
    // (Infinity while empty); the receiver's floor is the lowest of its links'. Each op is a send to
    // a mask of peers, a step of the clock, a collection (all links or one) or a settle.
    const op = fc.oneof(
      { arbitrary: fc.record({ k: fc.constant('send' as const), from: fc.integer({ min: 0, max: 3 }), mask: fc.integer({ min: 1, max: 15 }), b: fc.integer({ min: 0, max: 60 }) }), weight: 4 },
      { arbitrary: fc.record({ k: fc.constant('step' as const), dt: fc.integer({ min: 1, max: 400 }) }), weight: 2 },
      { arbitrary: fc.record({ k: fc.constant('collect' as const), to: fc.integer({ min: 0, max: 3 }) }), weight: 1 },
      { arbitrary: fc.record({ k: fc.constant('collectFrom' as const), from: fc.integer({ min: 0, max: 3 }), to: fc.integer({ min: 0, max: 3 }) }), weight: 2 },
      { arbitrary: fc.record({ k: fc.constant('settle' as const) }), weight: 1 },
    );
    fc.assert(fc.property(fc.array(op, { minLength: 1, maxLength: 200 }), (ops) => {
      const n = 4, kernel = new Kernel();
      const net = new Network(kernel, new RandomStream('floors'), n, { ...DEFAULT_NETWORK, latencyUs: 200, jitterUs: 150, loss: 0 });
      const waiting: number[][] = Array.from({ length: n * n }, () => []); // second words per link, oldest first
      const floor = new Array<number>(n * n).fill(Infinity);
      const forget = (link: number, upTo: number): void => {
        waiting[link] = (waiting[link] as number[]).slice(upTo);
        if ((waiting[link] as number[]).length === 0) floor[link] = Infinity;
      };
      net.setReceiver(
        () => {},
        (from, to, cell) => {
          // The latest arrival that has happened on the link: it and every one before it leave.
          const link = from * n + to, w = waiting[link] as number[];
          forget(link, w.lastIndexOf(net.quietB(cell)) + 1);
        },
      );
      let seq = 0;
      for (const o of ops) {
        if (o.k === 'send') {
          const peers = [0, 1, 2, 3].filter((to) => to !== o.from);
          const b = o.b * 1000 + seq++; // unique, in no particular order
          net.sendQuietEach(o.from, peers, o.mask & ~(1 << o.from), 0, 0, b);
          for (const to of peers) {
            if (((o.mask >>> to) & 1) === 0) continue;
            const link = o.from * n + to;
            (waiting[link] as number[]).push(b);
            floor[link] = Math.min(floor[link] as number, b);
          }
        } else if (o.k === 'step') {
          kernel.runUntil(kernel.nowUs + o.dt);
        } else if (o.k === 'collect') {
          net.collectQuiet(o.to);
        } else if (o.k === 'collectFrom') {
          if (o.from !== o.to) net.collectQuietFrom(o.from, o.to);
        } else {
          net.settleQuiet();
          for (let link = 0; link < n * n; link++) forget(link, (waiting[link] as number[]).length);
        }
        for (let to = 0; to < n; to++) {
          let low = Infinity;
          for (let from = 0; from < n; from++) low = Math.min(low, floor[from * n + to] as number);
          expect(net.quietLowestB(to)).toBe(low);
          expect(net.quietWaitingFor(to)).toBe(low !== Infinity);
        }
      }
    }), { numRuns: 300, seed: 15 });
  });
});
