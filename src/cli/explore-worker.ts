import { parentPort } from 'node:worker_threads';
import { exploreChunk, type ChunkResult } from '../arbitraries/experiments.js';
import { ChunkBoard } from './chunk-board.js';
import { exploreItemAt, type ChunkPlan } from './explore-chunks.js';

/** What a worker thread of `grsim explore` is sent once explore runs: the plan and the board its chunks are claimed from. */
export interface ExploreWorkerData {
  readonly plan: ChunkPlan;
  readonly board: SharedArrayBuffer;
}

/** A worker's message: one work item's result (a chunk or a piece of one), or `done` once it claims nothing more (its results all came before). */
export type ExploreWorkerMessage = { readonly item: number; readonly result: ChunkResult } | { readonly done: true };

// Worker thread of `grsim explore`: loads the simulator as soon as it starts (possibly before the
// main thread has parsed the command line, src/cli/explore-workers.ts), then waits for its
// ExploreWorkerData and runs the work items it claims from the shared board until none is left,
// posting each result as it settles. An exception ends the thread with an 'error' event.
const port = parentPort as NonNullable<typeof parentPort>;
port.once('message', ({ plan, board: buffer }: ExploreWorkerData) => {
  const board = new ChunkBoard(buffer);
  for (let item = board.claim(); item !== undefined; item = board.claim()) {
    const result = exploreChunk(exploreItemAt(plan, item));
    if (result.counterexample !== null) board.markFailed(item);
    port.postMessage({ item, result } satisfies ExploreWorkerMessage);
  }
  port.postMessage({ done: true } satisfies ExploreWorkerMessage);
});
