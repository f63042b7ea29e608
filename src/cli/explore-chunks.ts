import type { ExploreChunk } from '../arbitraries/experiments.js';

/** Runs per chunk: the unit of parallel work and of reproducibility (independent of --jobs). */
export const RUNS_PER_CHUNK = 25;

/** What the chunks of an exploration depend on (not --jobs, not the shard). */
export interface ChunkPlan {
  readonly property: string;
  readonly members: number;
  readonly durationUs: number;
  readonly runs: number;
  readonly seed: number;
}

/** The fast-check seed of chunk k: a fixed function of the run's seed, so results do not depend on --jobs. */
export function chunkSeed(seed: number, k: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ (k + 1), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** Number of chunks of an exploration: RUNS_PER_CHUNK runs each, the last one what is left. */
export function chunkCount(plan: Pick<ChunkPlan, 'runs'>): number {
  return Math.ceil(plan.runs / RUNS_PER_CHUNK);
}

/** Chunk k of an exploration (0 ≤ k < chunkCount): computed alone, so a worker thread needs only the plan and k. */
export function exploreChunkAt(plan: ChunkPlan, k: number): ExploreChunk {
  return { property: plan.property, members: plan.members, durationUs: plan.durationUs, seed: chunkSeed(plan.seed, k), runs: Math.min(RUNS_PER_CHUNK, plan.runs - k * RUNS_PER_CHUNK) };
}

/** The chunks of an exploration, in order. */
export function exploreChunks(plan: ChunkPlan): ExploreChunk[] {
  return Array.from({ length: chunkCount(plan) }, (_, k) => exploreChunkAt(plan, k));
}
