import { createHash } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/**
 * A deliberately small MySQL client for the wire-protocol tests: it reads and writes raw packets,
 * so a test can assert bytes and sequence ids that a full client library hides. Written apart
 * from src/serve/protocol so that the two do not share a misunderstanding.
 */

export interface RawPacket { readonly seq: number; readonly payload: Buffer }

/** Capability bits the tests use (include/mysql_com.h). */
export const CAP = {
  CONNECT_WITH_DB: 0x8, PROTOCOL_41: 0x200, INTERACTIVE: 0x400, SSL: 0x800, SECURE_CONNECTION: 0x8000, MULTI_STATEMENTS: 0x10000,
  PLUGIN_AUTH: 0x80000, CONNECT_ATTRS: 0x100000, PLUGIN_AUTH_LENENC_CLIENT_DATA: 0x200000, DEPRECATE_EOF: 0x1000000,
} as const;

export interface Greeting {
  readonly protocol: number;
  readonly serverVersion: string;
  readonly connectionId: number;
  readonly scramble: Buffer;
  readonly capabilities: number;
  readonly collation: number;
  readonly status: number;
  readonly plugin: string;
}

export class RawClient {
  private buf = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  ended = false;
  readonly closed: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => { this.buf = Buffer.concat([this.buf, d]); this.wake(); });
    socket.on('error', () => {});
    this.closed = new Promise((resolve) => socket.on('close', () => { this.ended = true; this.wake(); resolve(); }));
  }

  static open(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port }, () => { s.off('error', reject); resolve(new RawClient(s)); });
      s.once('error', reject);
    });
  }

  private wake(): void { for (const w of this.waiters.splice(0)) w(); }

  /** The next packet; rejects when the server closes first or after `ms`. */
  async read(ms = 2000): Promise<RawPacket> {
    const deadline = Date.now() + ms;
    for (;;) {
      if (this.buf.length >= 4) {
        const len = this.buf.readUIntLE(0, 3);
        if (this.buf.length >= 4 + len) {
          const p = { seq: this.buf[3]!, payload: this.buf.subarray(4, 4 + len) };
          this.buf = this.buf.subarray(4 + len);
          return p;
        }
      }
      if (this.ended) throw new Error('connection closed by the server');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('no packet in time');
      await new Promise<void>((resolve) => { const t = setTimeout(resolve, left); this.waiters.push(() => { clearTimeout(t); resolve(); }); });
    }
  }

  /** Whether nothing arrives within `ms`. */
  async silentFor(ms: number): Promise<boolean> {
    await new Promise((r) => setTimeout(r, ms));
    return this.buf.length === 0;
  }

  write(seq: number, payload: Buffer): void {
    const h = Buffer.alloc(4);
    h.writeUIntLE(payload.length, 0, 3);
    h[3] = seq;
    this.socket.write(Buffer.concat([h, payload]));
  }

  writeRaw(bytes: Buffer): void { this.socket.write(bytes); }

  destroy(): void { this.socket.destroy(); }
}

export function parseGreeting(p: Buffer): Greeting {
  let o = 0;
  const protocol = p[o++]!;
  const vEnd = p.indexOf(0, o);
  const serverVersion = p.subarray(o, vEnd).toString();
  o = vEnd + 1;
  const connectionId = p.readUInt32LE(o); o += 4;
  const part1 = p.subarray(o, o + 8); o += 8;
  o += 1; // filler
  const capLow = p.readUInt16LE(o); o += 2;
  const collation = p[o++]!;
  const status = p.readUInt16LE(o); o += 2;
  const capHigh = p.readUInt16LE(o); o += 2;
  const authLen = p[o++]!;
  o += 10;
  const part2Len = Math.max(13, authLen - 8);
  const part2 = p.subarray(o, o + part2Len - 1); o += part2Len;
  const pEnd = p.indexOf(0, o);
  const plugin = p.subarray(o, pEnd).toString();
  return { protocol, serverVersion, connectionId, scramble: Buffer.concat([part1, part2]), capabilities: (capHigh << 16 | capLow) >>> 0, collation, status, plugin };
}

function sha(alg: string, ...parts: Buffer[]): Buffer {
  const h = createHash(alg);
  for (const x of parts) h.update(x);
  return h.digest();
}

/** What a client sends for `password` with `nonce` (empty password: empty response). */
export function scrambleFor(plugin: string, password: string, nonce: Buffer): Buffer {
  if (password === '') return Buffer.alloc(0);
  const pw = Buffer.from(password);
  const [alg, mix]: [string, (s1: Buffer) => Buffer] = plugin === 'mysql_native_password'
    ? ['sha1', (s1: Buffer) => sha('sha1', nonce, sha('sha1', s1))]
    : ['sha256', (s1: Buffer) => sha('sha256', sha('sha256', s1), nonce)];
  const s1 = sha(alg, pw);
  const m = mix(s1);
  return Buffer.from(s1.map((b, i) => b ^ m[i]!));
}

export interface ResponseFields {
  readonly capabilities: number;
  readonly user: string;
  readonly auth: Buffer;
  readonly database?: string;
  readonly plugin?: string;
}

export function handshakeResponse(f: ResponseFields): Buffer {
  const head = Buffer.alloc(32);
  head.writeUInt32LE(f.capabilities >>> 0, 0);
  head.writeUInt32LE(16 * 1024 * 1024, 4);
  head[8] = 255;
  const parts: Buffer[] = [head, Buffer.from(f.user), Buffer.from([0])];
  // Under PLUGIN_AUTH_LENENC_CLIENT_DATA a length below 251 is one byte, as under SECURE_CONNECTION.
  parts.push(Buffer.from([f.auth.length]), f.auth);
  if (f.database !== undefined) parts.push(Buffer.from(f.database), Buffer.from([0]));
  if (f.plugin !== undefined) parts.push(Buffer.from(f.plugin), Buffer.from([0]));
  return Buffer.concat(parts);
}

export interface ErrFields { readonly code: number; readonly sqlState: string; readonly message: string }

export function parseErr(p: Buffer): ErrFields {
  if (p[0] !== 0xff) throw new Error(`not an ERR packet: ${p.subarray(0, 16).toString('hex')}`);
  return { code: p.readUInt16LE(1), sqlState: p.subarray(4, 9).toString(), message: p.subarray(9).toString() };
}

/** Authenticates as `user` with the handshake's plugin (or `plugin`), answering one auth switch; returns the greeting and the packets seen. */
export async function login(c: RawClient, user: string, password: string, capabilities: number, plugin?: string): Promise<{ greeting: Greeting; packets: RawPacket[] }> {
  const g0 = await c.read();
  const greeting = parseGreeting(g0.payload);
  const use = plugin ?? greeting.plugin;
  c.write(1, handshakeResponse({ capabilities, user, auth: scrambleFor(use, password, greeting.scramble), plugin: use }));
  const packets: RawPacket[] = [];
  for (;;) {
    const p = await c.read();
    packets.push(p);
    if (p.payload[0] === 0x00 || p.payload[0] === 0xff) return { greeting, packets };
    if (p.payload[0] === 0xfe) {
      const nameEnd = p.payload.indexOf(0, 1);
      const name = p.payload.subarray(1, nameEnd).toString();
      const nonce = p.payload.subarray(nameEnd + 1, p.payload.length - 1);
      c.write(p.seq + 1, scrambleFor(name, password, nonce));
    }
  }
}
