import { describe, expect, it } from 'vitest';
import { createConnection, type RowDataPacket } from 'mysql2/promise';
import { createSimulation } from '../../src/index.js';
import { PacketFramer, PacketTooLargeError } from '../../src/serve/protocol/packet-framer.js';
import { parseHandshakeResponse } from '../../src/serve/protocol/packets.js';
import { MalformedPacketError } from '../../src/serve/protocol/payload.js';
import { serve } from '../../src/serve/serve.js';
import { CAP, handshakeResponse, parseGreeting, RawClient, scrambleFor } from '../helpers/raw-mysql-client.js';
import { testStatementEngine } from '../helpers/test-statement-engine.js';
import { cleanupAfterEach } from './serve-harness.js';

/** mulberry32: a small seeded generator, so every fuzz run sends the same bytes. */
function generator(seed: number): { int(n: number): number; bytes(n: number): Buffer } {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => Math.floor(next() * n);
  return { int, bytes: (n) => Buffer.from(Array.from({ length: n }, () => int(256))) };
}

function frame(seq: number, payload: Buffer, declared = payload.length): Buffer {
  const h = Buffer.alloc(4);
  h.writeUIntLE(declared, 0, 3);
  h[3] = seq & 0xff;
  return Buffer.concat([h, payload]);
}

const BASE = CAP.PROTOCOL_41 | CAP.SECURE_CONNECTION | CAP.PLUGIN_AUTH | CAP.PLUGIN_AUTH_LENENC_CLIENT_DATA | CAP.CONNECT_ATTRS | CAP.CONNECT_WITH_DB;

describe('packet parser fuzz (seeded)', () => {
  it('the framer and the handshake-response parser reject random and truncated input only with their own errors', () => {
    const g = generator(20261130);
    const valid = handshakeResponse({ capabilities: BASE, user: 'root', auth: Buffer.alloc(0), database: 'db', plugin: 'caching_sha2_password' });
    let parsed = 0;
    let rejected = 0;
    for (let i = 0; i < 5000; i++) {
      const kind = g.int(3);
      const input = kind === 0 ? g.bytes(g.int(200)) : kind === 1 ? valid.subarray(0, g.int(valid.length + 1)) : Buffer.from(valid.map((b) => (g.int(20) === 0 ? g.int(256) : b)));
      try {
        parseHandshakeResponse(input);
        parsed++;
      } catch (e) {
        expect(e).toBeInstanceOf(MalformedPacketError);
        rejected++;
      }
      const framer = new PacketFramer(4096);
      const stream = kind === 0 ? input : frame(g.int(256), input, g.int(2) === 0 ? input.length : g.int(1 << 24));
      // Fed in random slices, as TCP delivers it.
      let at = 0;
      try {
        while (at < stream.length) {
          const n = 1 + g.int(64);
          framer.push(stream.subarray(at, at + n));
          at += n;
          while (framer.next() !== null) { /* drain */ }
        }
        expect(framer.bufferedBytes).toBeLessThanOrEqual(4096 + 4 + 64);
      } catch (e) {
        expect(e instanceof MalformedPacketError || e instanceof PacketTooLargeError).toBe(true);
      }
    }
    // Both outcomes occur: the generator reaches the parser's accepting and rejecting paths.
    expect(parsed).toBeGreaterThan(100);
    expect(rejected).toBeGreaterThan(100);
  });
});

describe('server fuzz (seeded): hostile connections never stop the server or another connection', () => {
  const cleanup = cleanupAfterEach();

  it('300 connections sending random, truncated and out-of-order packets, while a well-behaved client keeps querying', { timeout: 60_000 }, async () => {
    const sim = createSimulation({ seed: 5, members: ['node1', 'node2'] });
    const handle = cleanup.closing(await serve(sim, { engine: testStatementEngine(sim), portBase: 0, testDriven: true, max_allowed_packet: 4096 }));
    const port = handle.ports.node1!;
    const good = await createConnection({ host: '127.0.0.1', port, user: 'root' });
    const g = generator(7);

    async function hostile(i: number): Promise<void> {
      const c = await RawClient.open(port);
      try {
        const greeting = parseGreeting((await c.read()).payload);
        const kind = i % 6;
        if (kind === 0) {
          c.writeRaw(g.bytes(g.int(300)));
        } else if (kind === 1) {
          const r = handshakeResponse({ capabilities: BASE, user: 'root', auth: Buffer.alloc(0), plugin: 'caching_sha2_password' });
          c.write(1, r.subarray(0, g.int(r.length)));
        } else if (kind === 2) {
          c.writeRaw(frame(1, g.bytes(10), 0xfffff0)); // declares a body far over max_allowed_packet
        } else {
          c.write(1, handshakeResponse({ capabilities: BASE, user: 'root', auth: scrambleFor(greeting.plugin, '', greeting.scramble), plugin: greeting.plugin }));
          await c.read();
          for (let k = 0; k < 5; k++) {
            const seq = kind === 3 ? g.int(3) : 0;
            const cmd = kind === 4 ? g.int(256) : [0x03, 0x02, 0x0e, 0x1f, 0x00][g.int(5)]!;
            const payload = Buffer.concat([Buffer.from([cmd]), g.bytes(g.int(100))]);
            if (kind === 5 && k === 4) c.writeRaw(frame(0, payload).subarray(0, 1 + g.int(payload.length + 3)));
            else c.write(seq, payload);
          }
        }
        // Whatever the server answered or did, give it a moment, then go.
        await c.silentFor(5);
      } catch {
        // The server closed first: allowed.
      } finally {
        c.destroy();
      }
    }

    for (let batch = 0; batch < 30; batch++) {
      await Promise.all(Array.from({ length: 10 }, (_, k) => hostile(batch * 10 + k)));
      const [rows] = await good.query<RowDataPacket[]>('SELECT @@hostname');
      expect(rows).toEqual([{ '@@hostname': 'node1' }]);
    }
    // Every hostile connection is gone; the good one stays.
    const deadline = Date.now() + 5000;
    while (handle.connectionCount('node1') > 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(handle.connectionCount('node1')).toBe(1);
    good.destroy();
  });
});
