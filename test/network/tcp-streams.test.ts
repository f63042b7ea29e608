/**
 * TCP-style loss on a link (network-options.ts LinkProfile.loss): a lost segment is retransmitted
 * after an RTO that doubles up to Linux's TCP_RTO_MAX (120 s), later messages of the same
 * connection wait behind it, and a new connection on the link (after XCom closed the old one) is a
 * new stream that does not.
 */
import { describe, expect, it } from 'vitest';
import { Kernel } from '../../src/kernel/kernel.js';
import { Network } from '../../src/network/network.js';
import { DEFAULT_NETWORK } from '../../src/network/network-options.js';
import type { RandomStream } from '../../src/rng/random-stream.js';

/** A random stream that draws `losses` losses (0) for the first message, then never loses (0.99). */
function scripted(losses: number): RandomStream {
  let k = 0;
  // With no jitter, a send draws once per (re)transmission: `losses` losses, then a success.
  return { next: () => (k++ < losses ? 0 : 0.99) } as unknown as RandomStream;
}

function network(losses: number): { kernel: Kernel; net: Network } {
  const kernel = new Kernel();
  const net = new Network(kernel, scripted(losses), 2, { ...DEFAULT_NETWORK, jitterUs: 0, loss: 0.5 });
  return { kernel, net };
}

describe('TCP streams on a lossy link', () => {
  it('the retransmission timeout doubles from 200 ms and stops at 120 s', () => {
    const { net } = network(12);
    // 0.2 + 0.4 + … + 102.4 s (10 doublings), then 120 s twice: 444.6 s, not 819 s uncapped.
    expect(net.send(0, 1, 0, 0, 0)).toBe(200 + 444_600_000);
  });

  it('a later message waits behind a retransmitted one on the same connection', () => {
    const { net } = network(3);
    const first = net.send(0, 1, 0, 0, 0);
    expect(first).toBe(200 + 1_400_000);
    expect(net.send(0, 1, 0, 0, 0)).toBe(first);
  });

  it('a message on a new connection (the old one closed) does not wait behind the old stream', () => {
    const { net } = network(3);
    net.send(0, 1, 0, 0, 0);
    net.endStream(0, 1);
    expect(net.send(0, 1, 0, 0, 0)).toBe(200);
    // The other direction is another connection and never waited.
    expect(net.send(1, 0, 0, 0, 0)).toBe(200);
  });
});
