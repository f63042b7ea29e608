import seedrandom from 'seedrandom';

/**
 * A seeded pseudo-random stream (seedrandom's Alea: fast, 32-bit quality, far cheaper per call
 * than the default ARC4). The simulation has one root stream; each subsystem forks its own child
 * by name, so adding draws in one subsystem never shifts another's sequence.
 * This module is the only user of seedrandom.
 */
export class RandomStream {
  private readonly prng: () => number;

  constructor(readonly seed: string) {
    this.prng = seedrandom.alea(seed);
  }

  /** A child stream whose sequence depends only on this stream's seed and `name`. */
  fork(name: string): RandomStream {
    return new RandomStream(`${this.seed}/${name}`);
  }

  /** A float in [0, 1). */
  next(): number {
    return this.prng();
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.prng() * n);
  }

  /** A float in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.prng();
  }

  /** `digits` lowercase hexadecimal characters. */
  hex(digits: number): string {
    let s = '';
    for (let i = 0; i < digits; i++) s += Math.floor(this.prng() * 16).toString(16);
    return s;
  }
}
