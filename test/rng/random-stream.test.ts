import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RandomStream } from '../../src/rng/random-stream.js';

function draws(stream: RandomStream, n: number): number[] {
  return Array.from({ length: n }, () => stream.next());
}

describe('RandomStream', () => {
  it('gives the same sequence for the same seed', () => {
    expect(draws(new RandomStream('12345'), 1000)).toEqual(draws(new RandomStream('12345'), 1000));
  });

  it('gives different sequences for different seeds', () => {
    expect(draws(new RandomStream('12345'), 8)).not.toEqual(draws(new RandomStream('12346'), 8));
  });

  // Regression: pins seedrandom's Alea output for one seed, so a dependency upgrade or a faster
  // reimplementation that changes any trace shows up here first.
  it('pins the first draws of seed "12345" (seedrandom Alea)', () => {
    expect(draws(new RandomStream('12345'), 3)).toEqual([0.27138191112317145, 0.19615925149992108, 0.6810678059700876]);
    expect(draws(new RandomStream('12345').fork('network'), 2)).toEqual([0.18624560185708106, 0.3949624707456678]);
    expect(new RandomStream('grsim').hex(16)).toBe('5c5745ccbfc6e755');
  });

  it('keeps next, int, uniform and hex in range', () => {
    const r = new RandomStream('ranges');
    for (let i = 0; i < 2000; i++) {
      const x = r.next();
      expect(x >= 0 && x < 1).toBe(true);
      const k = r.int(7);
      expect(Number.isInteger(k) && k >= 0 && k < 7).toBe(true);
      const u = r.uniform(-3, 5);
      expect(u >= -3 && u < 5).toBe(true);
    }
    expect(r.hex(40)).toMatch(/^[0-9a-f]{40}$/);
    expect(r.hex(0)).toBe('');
  });

  describe('fork', () => {
    it('gives the same child for the same parent seed and name', () => {
      expect(draws(new RandomStream('s').fork('xcom'), 50)).toEqual(draws(new RandomStream('s').fork('xcom'), 50));
    });

    it('depends only on the parent seed and name, not on draws made from the parent', () => {
      const parent = new RandomStream('s');
      const before = draws(parent.fork('net'), 20);
      draws(parent, 123);
      expect(draws(parent.fork('net'), 20)).toEqual(before);
    });

    it('does not move the parent sequence', () => {
      const a = new RandomStream('s');
      const b = new RandomStream('s');
      a.fork('x').next();
      expect(draws(a, 20)).toEqual(draws(b, 20));
    });

    it('gives different sequences for different names, and differs from the parent', () => {
      const root = new RandomStream('s');
      const net = draws(root.fork('network'), 8);
      expect(net).not.toEqual(draws(root.fork('xcom'), 8));
      expect(net).not.toEqual(draws(new RandomStream('s'), 8));
    });

    it('keeps forks independent: drawing from one does not change another', () => {
      const root = new RandomStream('s');
      const alone = draws(root.fork('b'), 30);
      const a = root.fork('a');
      const b = root.fork('b');
      const interleaved: number[] = [];
      for (let i = 0; i < 30; i++) {
        a.next();
        a.int(10);
        interleaved.push(b.next());
      }
      expect(interleaved).toEqual(alone);
    });

    it('gives distinct sequences for any two distinct names (property)', () => {
      fc.assert(
        fc.property(fc.string(), fc.string(), fc.string(), (seed, n1, n2) => {
          fc.pre(n1 !== n2);
          const root = new RandomStream(seed);
          expect(draws(root.fork(n1), 4)).not.toEqual(draws(root.fork(n2), 4));
        }),
      );
    });
  });
});

describe('RandomStream against seedrandom', () => {
  // The stream steps Alea itself over typed arrays with a buffer; seedrandom's own alea is the
  // reference it must match draw for draw, across buffer refills and for any seed.
  it('matches seedrandom.alea for 1,000 draws of any seed', async () => {
    const { default: seedrandom } = await import('seedrandom');
    fc.assert(fc.property(fc.string(), (seed) => {
      const ref = seedrandom.alea(seed);
      const s = new RandomStream(seed);
      for (let k = 0; k < 1000; k++) if (s.next() !== ref()) return false;
      return true;
    }), { numRuns: 50 });
  });
});
