import { describe, expect, it } from 'vitest';
import type { ChunkResult, Counterexample } from '../../src/arbitraries/experiments.js';
import { exploreOutcome } from '../../src/cli/explore.js';
import { chunkSeed, exploreChunks, RUNS_PER_CHUNK } from '../../src/cli/explore-chunks.js';

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
