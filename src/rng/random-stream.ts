import seedrandom from 'seedrandom';
import { invariant } from '../errors.js';

/** Draws computed ahead per refill: the generator's loop runs over typed arrays, not per call. */
const BUFFER_DRAWS = 64;
/** 2^-32: Alea carries its 32-bit integer part into the next step scaled by this. */
const TWO_POW_MINUS_32 = 2.3283064365386963e-10;
/** Alea's multiplier (Baagøe's multiply-with-carry constant). */
const ALEA_MULTIPLIER = 2091639;

/*
 * Skipping ahead. Alea is a lag-3 multiply-with-carry generator in base b = 2^32: with x the
 * lags as integers (s·2^32) and c the carry, a step computes a·x(n-3) + c(n-1) = b·c(n) + x(n).
 * Read the state as one base-b number whose top digit is the carry,
 *   L(n) = c(n)·b^3 + x(n)·b^2 + x(n-1)·b + x(n-2),
 * and a step is L(n+1) = b^-1 · L(n) mod M with M = a·b^3 - 1 (substitute the step: the carry
 * terms cancel because a·b^3 ≡ 1 mod M). So k steps are one multiplication by b^-k mod M, and
 * b^-1 ≡ a·b^2 mod M. Valid states have 0 ≤ L < M (the carry stays below a); the one state with
 * L = M (every digit at its maximum) is a fixed point of the step, and so is L = 0.
 */
const ALEA_BASE = 1n << 32n;
const ALEA_MODULUS = BigInt(ALEA_MULTIPLIER) * ALEA_BASE ** 3n - 1n;
const ALEA_STEP_FACTOR = BigInt(ALEA_MULTIPLIER) * ALEA_BASE ** 2n;
const TWO_POW_32 = 4294967296;

/** base^exponent mod modulus, by squaring. */
function powMod(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let square = base % modulus;
  let e = exponent;
  while (e > 0n) {
    if ((e & 1n) === 1n) result = (result * square) % modulus;
    square = (square * square) % modulus;
    e >>= 1n;
  }
  return result;
}

/**
 * A seeded pseudo-random stream: Baagøe's Alea generator (fast, 32-bit quality), seeded by
 * seedrandom's implementation of it, then stepped here with its three lags and carry held in a
 * Float64Array and draws produced 64 at a time into a buffer, so that a draw allocates nothing (a
 * closure's number variables would be boxed on every step). The sequence is seedrandom's `alea`
 * draw for draw (a test pins that).
 * The simulation has one root stream; each subsystem forks its own child by name, so adding draws
 * in one subsystem never shifts another's sequence. This module is the only user of seedrandom.
 */
export class RandomStream {
  /** Alea's state: lags s0, s1, s2 and the carry c. */
  private readonly state = new Float64Array(4);
  private readonly buffer = new Float64Array(BUFFER_DRAWS);
  /** Next unread position in `buffer`; BUFFER_DRAWS when it is used up. */
  private cursor = BUFFER_DRAWS;

  constructor(readonly seed: string) {
    const seeded = seedrandom.alea(seed, { state: true }).state() as { s0: number; s1: number; s2: number; c: number };
    this.state[0] = seeded.s0;
    this.state[1] = seeded.s1;
    this.state[2] = seeded.s2;
    this.state[3] = seeded.c;
  }

  /** A child stream whose sequence depends only on this stream's seed and `name`. */
  fork(name: string): RandomStream {
    return new RandomStream(`${this.seed}/${name}`);
  }

  /** A float in [0, 1). */
  next(): number {
    if (this.cursor === BUFFER_DRAWS) this.refill();
    return this.buffer[this.cursor++] as number;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** A float in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /**
   * Moves the stream on by `count` draws without computing them: the next draw is the one that
   * `count` calls of `next()` would have been followed by (`int`, `uniform` and `hex` take one
   * draw per value, so the same count skips them). Costs a few big-integer multiplications
   * whatever the count; for a replay that knows how many draws a stretch of simulated time takes.
   */
  skip(count: number): void {
    invariant(Number.isSafeInteger(count) && count >= 0, `RandomStream.skip: count must be a whole number of draws ≥ 0, got ${count}`);
    const buffered = BUFFER_DRAWS - this.cursor;
    if (count <= buffered) {
      this.cursor += count;
      return;
    }
    // The state stands after the buffer's last draw: step it by what the buffer does not hold.
    const st = this.state;
    const digits = [st[0] as number, st[1] as number, st[2] as number].map((s) => BigInt(s * TWO_POW_32));
    const carry = BigInt(st[3] as number);
    const now = ((carry * ALEA_BASE + (digits[2] as bigint)) * ALEA_BASE + (digits[1] as bigint)) * ALEA_BASE + (digits[0] as bigint);
    if (now !== ALEA_MODULUS) {
      let later = (now * powMod(ALEA_STEP_FACTOR, BigInt(count - buffered), ALEA_MODULUS)) % ALEA_MODULUS;
      for (let k = 0; k < 3; k++) {
        st[k] = Number(later % ALEA_BASE) / TWO_POW_32;
        later /= ALEA_BASE;
      }
      st[3] = Number(later);
    }
    this.cursor = BUFFER_DRAWS;
  }

  /** `digits` lowercase hexadecimal characters. */
  hex(digits: number): string {
    let s = '';
    for (let i = 0; i < digits; i++) s += Math.floor(this.next() * 16).toString(16);
    return s;
  }

  /** Steps Alea BUFFER_DRAWS times: the new value is t's fraction, its integer part the next carry. */
  private refill(): void {
    const st = this.state, buf = this.buffer;
    let s0 = st[0] as number, s1 = st[1] as number, s2 = st[2] as number, c = st[3] as number;
    for (let k = 0; k < BUFFER_DRAWS; k++) {
      const t = ALEA_MULTIPLIER * s0 + c * TWO_POW_MINUS_32;
      s0 = s1;
      s1 = s2;
      c = t | 0;
      s2 = t - c;
      buf[k] = s2;
    }
    st[0] = s0; st[1] = s1; st[2] = s2; st[3] = c;
    this.cursor = 0;
  }
}
