/**
 * Reading and writing the protocol's basic types inside one packet payload: fixed-length
 * little-endian integers, length-encoded integers and strings, NUL-terminated strings (MySQL's
 * sql-common/pack.cc, net_field_length_ll and net_store_length, define the length encoding).
 */

/** A payload that ends early or holds an impossible value: the connection that sent it is closed. */
export class MalformedPacketError extends Error {
  override readonly name = 'MalformedPacketError';
}

/** A cursor over one payload; every read checks the bounds and throws MalformedPacketError past the end. */
export class PayloadReader {
  private pos = 0;
  constructor(private readonly buf: Buffer) {}

  get remaining(): number { return this.buf.length - this.pos; }
  get atEnd(): boolean { return this.pos >= this.buf.length; }

  private need(n: number, what: string): void {
    if (n < 0 || this.pos + n > this.buf.length) throw new MalformedPacketError(`${what}: needs ${n} bytes at offset ${this.pos}, the payload has ${this.buf.length}`);
  }

  u8(): number { this.need(1, 'int<1>'); return this.buf[this.pos++]!; }
  u16(): number { this.need(2, 'int<2>'); const v = this.buf.readUInt16LE(this.pos); this.pos += 2; return v; }
  u32(): number { this.need(4, 'int<4>'); const v = this.buf.readUInt32LE(this.pos); this.pos += 4; return v; }
  skip(n: number): void { this.need(n, 'filler'); this.pos += n; }
  bytes(n: number): Buffer { this.need(n, 'string<fix>'); const b = this.buf.subarray(this.pos, this.pos + n); this.pos += n; return b; }
  /** The rest of the payload (string<EOF>). */
  rest(): Buffer { const b = this.buf.subarray(this.pos); this.pos = this.buf.length; return b; }

  /** A length-encoded integer; 0xfb (NULL) and 0xff (an error packet's header) are not lengths. */
  lenenc(): number {
    const first = this.u8();
    if (first < 0xfb) return first;
    if (first === 0xfc) return this.u16();
    if (first === 0xfd) { this.need(3, 'int<3>'); const v = this.buf.readUIntLE(this.pos, 3); this.pos += 3; return v; }
    if (first === 0xfe) {
      this.need(8, 'int<8>');
      const v = this.buf.readBigUInt64LE(this.pos);
      this.pos += 8;
      if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new MalformedPacketError(`int<lenenc> ${v} is too large`);
      return Number(v);
    }
    throw new MalformedPacketError(`0x${first.toString(16)} does not start a length-encoded integer`);
  }

  lenencBytes(): Buffer { return this.bytes(this.lenenc()); }

  /** A NUL-terminated string; a missing NUL is malformed. */
  nulBytes(): Buffer {
    const end = this.buf.indexOf(0, this.pos);
    if (end < 0) throw new MalformedPacketError(`string<NUL> at offset ${this.pos} has no terminating NUL`);
    const b = this.buf.subarray(this.pos, end);
    this.pos = end + 1;
    return b;
  }

  /** A NUL-terminated string, or the rest of the payload when it has no NUL (lenient, as MySQL reads a plugin name). */
  nulOrRestBytes(): Buffer {
    const end = this.buf.indexOf(0, this.pos);
    if (end < 0) return this.rest();
    const b = this.buf.subarray(this.pos, end);
    this.pos = end + 1;
    return b;
  }
}

/** Builds one payload by appending; toBuffer() copies it out. */
export class PayloadWriter {
  private parts: Buffer[] = [];
  private size = 0;

  private push(b: Buffer): this { this.parts.push(b); this.size += b.length; return this; }

  u8(v: number): this { const b = Buffer.alloc(1); b[0] = v; return this.push(b); }
  u16(v: number): this { const b = Buffer.alloc(2); b.writeUInt16LE(v); return this.push(b); }
  u32(v: number): this { const b = Buffer.alloc(4); b.writeUInt32LE(v >>> 0); return this.push(b); }
  zeros(n: number): this { return this.push(Buffer.alloc(n)); }
  bytes(b: Buffer | string): this { return this.push(typeof b === 'string' ? Buffer.from(b, 'utf8') : b); }
  nul(s: Buffer | string): this { return this.bytes(s).u8(0); }

  lenenc(v: number): this {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`a length-encoded integer must be a non-negative safe integer, got ${v}`);
    if (v < 0xfb) return this.u8(v);
    if (v <= 0xffff) return this.u8(0xfc).u16(v);
    if (v <= 0xffffff) { const b = Buffer.alloc(4); b[0] = 0xfd; b.writeUIntLE(v, 1, 3); return this.push(b); }
    const b = Buffer.alloc(9); b[0] = 0xfe; b.writeBigUInt64LE(BigInt(v), 1); return this.push(b);
  }

  lenencString(s: Buffer | string): this {
    const b = typeof s === 'string' ? Buffer.from(s, 'utf8') : s;
    return this.lenenc(b.length).push(b);
  }

  get length(): number { return this.size; }
  toBuffer(): Buffer { return Buffer.concat(this.parts, this.size); }
}
