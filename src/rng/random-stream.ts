import seedrandom from 'seedrandom';

/** Draws computed ahead per refill: the generator's loop runs over typed arrays, not per call. */
const BUFFER_DRAWS = 64;
/** 2^-32: Alea carries its 32-bit integer part into the next step scaled by this. */
const TWO_POW_MINUS_32 = 2.3283064365386963e-10;
/** Alea's multiplier (Baagøe's multiply-with-carry constant). */
const ALEA_MULTIPLIER = 2091639;

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
