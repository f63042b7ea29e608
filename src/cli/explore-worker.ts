import { exploreChunk, type ChunkResult, type ExploreChunk } from '../arbitraries/experiments.js';

/** Piscina worker: runs one chunk of `grsim explore` in a worker thread. */
export default function runChunk(chunk: ExploreChunk): ChunkResult {
  return exploreChunk(chunk);
}
