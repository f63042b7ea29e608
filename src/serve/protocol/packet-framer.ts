import { MAX_PACKET_LENGTH } from './constants.js';
import { MalformedPacketError } from './payload.js';

/** Bytes of a packet header: a 3-byte little-endian payload length and a 1-byte sequence id. */
export const HEADER_LENGTH = 4;

/** One logical packet: its payload, with a payload of 2^24-1 bytes or more joined from its parts. */
export interface Packet {
  /** Sequence id of its first part. */
  readonly seq: number;
  /** Sequence id of its last part (the same as seq unless it was split). */
  readonly lastSeq: number;
  readonly payload: Buffer;
}

/** A packet longer than max_allowed_packet (MySQL answers ER_NET_PACKET_TOO_LARGE and closes the connection). */
export class PacketTooLargeError extends Error {
  override readonly name = 'PacketTooLargeError';
  constructor(readonly length: number, readonly maxAllowed: number, readonly seq: number) {
    super(`a packet of at least ${length} bytes is longer than max_allowed_packet (${maxAllowed} bytes)`);
  }
}

/**
 * Cuts a byte stream into logical packets. A payload of exactly 2^24-1 bytes says that the next
 * part continues it (sql-common/net_serv.cc, my_net_read / net_read_packet); the parts' sequence
 * ids must follow one another. The length is checked against `maxAllowedPacket` from the header,
 * before the body is buffered, so a client cannot make the server hold more than that.
 */
export class PacketFramer {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Parts of a split payload read so far. */
  private parts: Buffer[] = [];
  private partsLength = 0;
  private firstSeq = -1;
  private prevSeq = -1;

  constructor(private readonly maxAllowedPacket: number) {}

  /** Bytes received and not yet returned in a packet. */
  get bufferedBytes(): number { return this.buffered + this.partsLength; }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
  }

  /** The next complete packet, or null when more bytes are needed. Throws PacketTooLargeError or MalformedPacketError. */
  next(): Packet | null {
    for (;;) {
      if (this.buffered < HEADER_LENGTH) return null;
      const header = this.peek(HEADER_LENGTH);
      const length = header.readUIntLE(0, 3);
      const seq = header[3]!;
      if (this.firstSeq >= 0 && seq !== ((this.prevSeq + 1) & 0xff)) {
        throw new MalformedPacketError(`part of a split packet has sequence id ${seq}, expected ${(this.prevSeq + 1) & 0xff}`);
      }
      const total = this.partsLength + length;
      if (total > this.maxAllowedPacket) throw new PacketTooLargeError(total, this.maxAllowedPacket, this.firstSeq >= 0 ? this.firstSeq : seq);
      if (this.buffered < HEADER_LENGTH + length) return null;
      this.take(HEADER_LENGTH);
      const body = this.take(length);
      if (this.firstSeq < 0) this.firstSeq = seq;
      this.prevSeq = seq;
      if (length === MAX_PACKET_LENGTH) {
        this.parts.push(body);
        this.partsLength += length;
        continue;
      }
      const payload = this.parts.length === 0 ? body : Buffer.concat([...this.parts, body], total);
      const packet: Packet = { seq: this.firstSeq, lastSeq: seq, payload };
      this.parts = [];
      this.partsLength = 0;
      this.firstSeq = -1;
      this.prevSeq = -1;
      return packet;
    }
  }

  /** The first `n` buffered bytes, without consuming them (n <= buffered). */
  private peek(n: number): Buffer {
    const first = this.chunks[0]!;
    if (first.length >= n) return first.subarray(0, n);
    return Buffer.concat(this.chunks, this.buffered).subarray(0, n);
  }

  /** Consumes and returns the first `n` buffered bytes (n <= buffered). */
  private take(n: number): Buffer {
    this.buffered -= n;
    const first = this.chunks[0];
    if (first !== undefined && first.length >= n) {
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    const out = Buffer.alloc(n);
    let filled = 0;
    while (filled < n) {
      const c = this.chunks[0]!;
      const use = Math.min(c.length, n - filled);
      c.copy(out, filled, 0, use);
      filled += use;
      if (use === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(use);
    }
    return out;
  }
}

/** Frames one payload as packets starting at sequence id `seq`, splitting at 2^24-1 bytes. Returns the frames and the next sequence id. */
export function framePayload(payload: Buffer, seq: number): { frames: Buffer[]; nextSeq: number } {
  const frames: Buffer[] = [];
  let offset = 0;
  let s = seq & 0xff;
  for (;;) {
    const length = Math.min(MAX_PACKET_LENGTH, payload.length - offset);
    const frame = Buffer.alloc(HEADER_LENGTH + length);
    frame.writeUIntLE(length, 0, 3);
    frame[3] = s;
    payload.copy(frame, HEADER_LENGTH, offset, offset + length);
    frames.push(frame);
    offset += length;
    s = (s + 1) & 0xff;
    // A payload that is an exact multiple of 2^24-1 ends with an empty part.
    if (length < MAX_PACKET_LENGTH) break;
  }
  return { frames, nextSeq: s };
}
