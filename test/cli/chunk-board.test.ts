import { describe, expect, it } from 'vitest';
import { ChunkBoard } from '../../src/cli/chunk-board.js';

/** Claims until the board gives nothing more. */
function drain(board: ChunkBoard): number[] {
  const got: number[] = [];
  for (let k = board.claim(); k !== undefined; k = board.claim()) got.push(k);
  return got;
}

describe('ChunkBoard: chunks claimed by every thread from shared memory', () => {
  it('hands out its ids once each, in increasing order, across boards over the same buffer (the worker side)', () => {
    const main = ChunkBoard.of([1, 4, 7, 10]);
    const worker = new ChunkBoard(main.buffer);
    expect([main.claim(), worker.claim(), worker.claim(), main.claim(), main.claim(), worker.claim()]).toEqual([1, 4, 7, 10, undefined, undefined]);
  });

  it('claims nothing after the lowest chunk marked failed, whichever thread marks it, in whatever order', () => {
    const main = ChunkBoard.of([0, 1, 2, 3, 4, 5, 6]);
    const worker = new ChunkBoard(main.buffer);
    expect([main.claim(), worker.claim(), main.claim(), worker.claim()]).toEqual([0, 1, 2, 3]);
    worker.markFailed(3);
    main.markFailed(1); // a lower failure found later lowers the bound
    worker.markFailed(2); // a higher one does not raise it
    expect(drain(worker)).toEqual([]);
    expect(drain(main)).toEqual([]);
  });

  it('stops every thread once aborted', () => {
    const main = ChunkBoard.of([0, 1, 2]);
    const worker = new ChunkBoard(main.buffer);
    expect(worker.claim()).toBe(0);
    main.abort();
    expect([main.claim(), worker.claim()]).toEqual([undefined, undefined]);
  });
});
