/**
 * Messages sent in place (Network.sendInPlace, runArrivalsInPlace): delivered at once, in the
 * kernel's order, while each is certain to be the next event, queued in their reserved places from
 * the first that is not; and the steady receiver of a stretch (setSteadyReceiver), used only while
 * the network's reachEpoch stays the one it was set in.
 */
import { describe, expect, it } from 'vitest';
import { Kernel, PRIORITY } from '../../src/kernel/kernel.js';
import { Network } from '../../src/network/network.js';
import { DEFAULT_NETWORK } from '../../src/network/network-options.js';
import type { RandomStream } from '../../src/rng/random-stream.js';

/** A random stream giving `draws` in turn (each send on a jittered link takes one). */
function scripted(draws: number[]): RandomStream {
  let k = 0;
  return { next: () => draws[k++ % draws.length] } as unknown as RandomStream;
}

/** Three processes, 200 µs latency, jitter below 100 µs; node 0 broadcasts in place at `atUs`. */
function setup(draws: number[]): { kernel: Kernel; net: Network; seen: string[]; broadcast: (atUs: number) => void } {
  const kernel = new Kernel();
  const net = new Network(kernel, scripted(draws), 3, { ...DEFAULT_NETWORK, latencyUs: 200, jitterUs: 100, loss: 0 });
  const seen: string[] = [];
  net.setReceiver((msg) => seen.push(`${net.msgTo[msg]}@${kernel.nowUs}`));
  const hSend = kernel.register('test.broadcast', () => {
    net.sendInPlace(0, 1, 2, 0, 0);
    net.sendInPlace(0, 2, 2, 0, 0);
    net.runArrivalsInPlace();
  });
  return { kernel, net, seen, broadcast: (atUs) => kernel.scheduleAt(atUs, hSend, 0) };
}

describe('messages sent in place', () => {
  it('are delivered in arrival order at their arrival times, counted as dispatched events', () => {
    // Node 2's message draws the shorter jitter: it arrives first.
    const { kernel, seen, broadcast } = setup([0.9, 0.1]);
    broadcast(1_000);
    kernel.runUntil(10_000);
    expect(seen).toEqual(['2@1210', '1@1290']);
    // The broadcast and its two deliveries, as if they had been queued.
    expect(kernel.eventsDispatched).toBe(3);
  });

  it('are queued in their places from the first that another event precedes, and when the run ends first', () => {
    const { kernel, net, seen, broadcast } = setup([0.1, 0.9]);
    const hFreeze = kernel.register('test.freeze', () => net.freeze(2));
    broadcast(1_000);
    // A freeze of node 2 at 1,250 µs: node 1's message (1,210) runs in place, node 2's (1,290) is
    // queued and then held for the frozen process, as a queued delivery would be.
    kernel.scheduleAt(1_250, hFreeze, 0, PRIORITY.control);
    kernel.runUntil(10_000);
    expect(seen).toEqual(['1@1210']);
    expect(net.heldCount(2)).toBe(1);
    // A run that ends between the arrivals leaves the later one queued.
    const other = setup([0.1, 0.9]);
    other.broadcast(1_000);
    other.kernel.runUntil(1_250);
    expect(other.seen).toEqual(['1@1210']);
    expect(other.kernel.pending).toBe(1);
    other.kernel.runUntil(10_000);
    expect(other.seen).toEqual(['1@1210', '2@1290']);
  });

  it('go to the steady receiver only while the reach epoch it was set in lasts', () => {
    const { kernel, net, seen, broadcast } = setup([0.1, 0.9]);
    const steady: string[] = [];
    net.setSteadyReceiver((msg) => steady.push(`${net.msgTo[msg]}@${kernel.nowUs}`));
    broadcast(1_000);
    kernel.runUntil(5_000);
    expect(steady).toEqual(['1@1210', '2@1290']);
    expect(seen).toEqual([]);
    // A verb moves the epoch: arrive runs again (here it holds the message for the frozen node 2).
    net.freeze(2);
    broadcast(6_000);
    kernel.runUntil(10_000);
    expect(steady).toEqual(['1@1210', '2@1290']);
    expect(seen).toEqual(['1@6210']);
    expect(net.heldCount(2)).toBe(1);
  });
});
