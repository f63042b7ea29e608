import type { ChunkResult, ExploreChunk } from '../arbitraries/experiments.js';

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

/** The number of runs of chunk k (0 ≤ k < chunkCount). */
function chunkRuns(plan: Pick<ChunkPlan, 'runs'>, k: number): number {
  return Math.min(RUNS_PER_CHUNK, plan.runs - k * RUNS_PER_CHUNK);
}

/** Chunk k of an exploration (0 ≤ k < chunkCount): computed alone, so a worker thread needs only the plan and k. */
export function exploreChunkAt(plan: ChunkPlan, k: number): ExploreChunk {
  return { property: plan.property, members: plan.members, durationUs: plan.durationUs, seed: chunkSeed(plan.seed, k), runs: chunkRuns(plan, k) };
}

/** The chunks of an exploration, in order. */
export function exploreChunks(plan: ChunkPlan): ExploreChunk[] {
  return Array.from({ length: chunkCount(plan) }, (_, k) => exploreChunkAt(plan, k));
}

/**
 * Runs per piece: with several jobs the last chunks of an exploration are run in pieces of this
 * many runs, so the threads end together. Whole chunks only, and one thread would often idle
 * while another ran the last chunk alone (up to a chunk's time, about half of it on average).
 */
export const RUNS_PER_PIECE = 5;

const PIECES_PER_CHUNK = Math.ceil(RUNS_PER_CHUNK / RUNS_PER_PIECE);
/** Work items of chunk k are k × ITEMS_PER_CHUNK + piece: pieces 0, 1, … or WHOLE_CHUNK; increasing with k and the piece. */
const ITEMS_PER_CHUNK = PIECES_PER_CHUNK + 1;
const WHOLE_CHUNK = PIECES_PER_CHUNK;

function piecesOf(plan: Pick<ChunkPlan, 'runs'>, k: number): number {
  return Math.ceil(chunkRuns(plan, k) / RUNS_PER_PIECE);
}

/** The chunk a work item belongs to. */
export function chunkOfItem(item: number): number {
  return Math.floor(item / ITEMS_PER_CHUNK);
}

/**
 * The work items of the chunks `todo` (increasing ids) for `jobs` threads, in increasing order:
 * the last `jobs` chunks in pieces when there are several jobs, every other chunk whole.
 */
export function workItems(plan: Pick<ChunkPlan, 'runs'>, todo: readonly number[], jobs: number): number[] {
  const split = jobs > 1 ? todo.length - jobs : todo.length;
  return todo.flatMap((k, i) => i < split ? [k * ITEMS_PER_CHUNK + WHOLE_CHUNK]
    : Array.from({ length: piecesOf(plan, k) }, (_, p) => k * ITEMS_PER_CHUNK + p));
}

/** The runs of a work item: its chunk's, or one piece of them. */
export function exploreItemAt(plan: ChunkPlan, item: number): ExploreChunk {
  const chunk = exploreChunkAt(plan, chunkOfItem(item));
  const piece = item % ITEMS_PER_CHUNK;
  if (piece === WHOLE_CHUNK) return chunk;
  const firstRun = piece * RUNS_PER_PIECE;
  return { ...chunk, firstRun, runs: Math.min(RUNS_PER_PIECE, chunk.runs - firstRun) };
}

/**
 * Puts the results of a chunk's pieces together, in whatever order they settle: the chunk's result
 * once its pieces up to the first failing one (or all of them) are in. It is the result of the
 * whole chunk run at once: the same runs, the first failure's shrunk counterexample, and as runs
 * those up to it (a piece after it is left out, as the whole chunk would not have run it).
 */
export class ChunkAssembly {
  private readonly pieces = new Map<number, (ChunkResult | undefined)[]>();

  constructor(private readonly plan: Pick<ChunkPlan, 'runs'>) {}

  /** Records a work item's result; returns its chunk's result once that is known (once per chunk), else undefined. */
  add(item: number, result: ChunkResult): ChunkResult | undefined {
    const piece = item % ITEMS_PER_CHUNK;
    if (piece === WHOLE_CHUNK) return result;
    const k = chunkOfItem(item);
    let got = this.pieces.get(k);
    if (got === undefined) this.pieces.set(k, got = new Array<ChunkResult | undefined>(piecesOf(this.plan, k)).fill(undefined));
    if (got.length === 0) return undefined; // settled already: a piece after the failing one
    got[piece] = result;
    let runs = 0;
    for (let p = 0; p < got.length; p++) {
      const r = got[p];
      if (r === undefined) return undefined;
      runs += r.runs;
      if (r.counterexample !== null || p === got.length - 1) {
        got.length = 0;
        return { runs, failed: r.failed, counterexample: r.counterexample };
      }
    }
    return undefined;
  }
}
