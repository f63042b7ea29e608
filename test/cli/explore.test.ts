import { describe, expect, it } from 'vitest';
import { exploreChunk, type ChunkResult, type Counterexample } from '../../src/arbitraries/experiments.js';
import { exploreOutcome } from '../../src/cli/explore.js';
import { ChunkAssembly, chunkOfItem, chunkSeed, exploreChunkAt, exploreChunks, exploreItemAt, RUNS_PER_CHUNK, RUNS_PER_PIECE, workItems } from '../../src/cli/explore-chunks.js';

const pass = (runs: number): ChunkResult => ({ runs, failed: 0, counterexample: null });
const fail = (runs: number): ChunkResult => ({ runs, failed: 1, counterexample: {} as Counterexample });

describe('explore: what is counted does not depend on --jobs', () => {
  it('counts the chunks up to the lowest failing one, whatever else ran after it', () => {
    // One job: chunks 0 and 1 ran, 1 failed at its 7th run. Two jobs: 2 and 3 were in flight too, and 3 failed.
    const oneJob = exploreOutcome([pass(25), fail(7)]);
    const twoJobs = exploreOutcome([pass(25), fail(7), pass(25), fail(3)]);
    expect(oneJob).toEqual({ runs: 32, failed: 1, firstFailure: { k: 1, result: fail(7) }, complete: true });
    expect(twoJobs).toEqual(oneJob);
  });
  it('counts every chunk when none fails', () => {
    expect(exploreOutcome([pass(25), pass(25), pass(10)])).toEqual({ runs: 60, failed: 0, firstFailure: null, complete: true });
  });
  it('splits the runs into chunks whose seeds depend only on --seed and the chunk number', () => {
    const chunks = exploreChunks({ property: 'one-primary-per-view', members: 3, durationUs: 60_000_000, runs: 2 * RUNS_PER_CHUNK + 1, seed: 9 });
    expect(chunks.map((c) => c.runs)).toEqual([RUNS_PER_CHUNK, RUNS_PER_CHUNK, 1]);
    expect(chunks.map((c) => c.seed)).toEqual([0, 1, 2].map((k) => chunkSeed(9, k)));
    expect(new Set(chunks.map((c) => c.seed)).size).toBe(3);
  });
});

describe('explore: the last chunks in pieces give the results of whole chunks', () => {
  it('splits the last `jobs` chunks into pieces of RUNS_PER_PIECE runs, in increasing order, the rest whole', () => {
    const plan = { property: 'one-primary-per-view', members: 3, durationUs: 10_000_000, runs: 3 * RUNS_PER_CHUNK + 7, seed: 4 };
    const one = workItems(plan, [0, 1, 2, 3], 1);
    expect(one.map((i) => exploreItemAt(plan, i))).toEqual(exploreChunks(plan));
    const two = workItems(plan, [0, 1, 2, 3], 2);
    expect([...two].sort((a, b) => a - b)).toEqual(two);
    expect(two.map(chunkOfItem)).toEqual([0, 1, ...Array<number>(RUNS_PER_CHUNK / RUNS_PER_PIECE).fill(2), 3, 3]);
    const pieces = two.map((i) => exploreItemAt(plan, i)).filter((c) => c.seed === chunkSeed(4, 3));
    expect(pieces.map((c) => [c.firstRun, c.runs])).toEqual([[0, 5], [5, 2]]);
    // A shard's chunks need not be consecutive; a single chunk for two jobs is all pieces.
    expect(workItems(plan, [1, 3], 2).map(chunkOfItem)).toEqual([1, 1, 1, 1, 1, 3, 3]);
  });

  it('puts pieces together in any order into the whole chunk\'s result, up to the first failing piece', () => {
    const plan = { runs: RUNS_PER_CHUNK };
    const items = workItems(plan, [0], 2);
    const a = new ChunkAssembly(plan);
    const settled = [items[4], items[0], items[3], items[2]].map((i) => a.add(i!, pass(5)));
    expect(settled).toEqual([undefined, undefined, undefined, undefined]);
    expect(a.add(items[1]!, pass(5))).toEqual(pass(25));
    const b = new ChunkAssembly(plan);
    expect(b.add(items[3]!, fail(2))).toBeUndefined();
    expect(b.add(items[2]!, fail(4))).toBeUndefined(); // the pieces before it are not in yet
    expect(b.add(items[0]!, pass(5))).toBeUndefined();
    expect(b.add(items[1]!, pass(5))).toEqual(fail(14));
    expect(b.add(items[4]!, pass(5))).toBeUndefined(); // after the failure: the chunk settled once
  });

  it('runs the same runs in pieces as in one go: a chunk that holds and one that fails and shrinks', () => {
    for (const [property, seed, k] of [['one-primary-per-view', 1, 0], ['isolation-under-20s-not-expelled', 5, 2]] as const) {
      const plan = { property, members: 3, durationUs: 60_000_000, runs: 3 * RUNS_PER_CHUNK, seed };
      const whole = exploreChunk(exploreChunkAt(plan, k));
      const a = new ChunkAssembly(plan);
      const results = workItems(plan, [k], 2).reverse().map((i) => a.add(i, exploreChunk(exploreItemAt(plan, i))));
      expect(results.filter((r) => r !== undefined)).toEqual([whole]);
      // Seed 5's chunk 2 fails in its second piece (run 9), so the first piece holds and the rest are left out.
      expect([whole.failed, whole.runs]).toEqual(property === 'one-primary-per-view' ? [0, RUNS_PER_CHUNK] : [1, 9]);
    }
  }, 120_000);
});
