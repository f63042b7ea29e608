/** Slots of the board's Int32Array. */
const NEXT = 0, LOWEST_FAILING = 1, ABORTED = 2, IDS = 3;
const NO_FAILURE = 0x7fffffff;

/**
 * The work of an exploration that still has to run, as increasing ids (chunks, or with several
 * jobs pieces of the last chunks: work items, src/cli/explore-chunks.ts), in memory every
 * thread of the exploration shares: each thread claims its next chunk itself (an atomic
 * increment), so a worker thread never waits for the main thread to hand it work (the main
 * thread is busy running chunks of its own and reads messages only between them). No chunk after
 * a failing one is claimed once the failure is marked; chunks before it were claimed earlier (ids
 * are claimed in increasing order) and still run, so every chunk the outcome counts has a result.
 */
export class ChunkBoard {
  private readonly slots: Int32Array;

  /** A board over the `buffer` of another thread's board (the worker side). */
  constructor(readonly buffer: SharedArrayBuffer) {
    this.slots = new Int32Array(buffer);
  }

  /** A new board holding `ids` (increasing chunk ids below 2^31 − 1), none claimed. */
  static of(ids: readonly number[]): ChunkBoard {
    const board = new ChunkBoard(new SharedArrayBuffer((IDS + ids.length) * Int32Array.BYTES_PER_ELEMENT));
    board.slots[LOWEST_FAILING] = NO_FAILURE;
    board.slots.set(ids, IDS);
    return board;
  }

  /** The next chunk id for the calling thread; undefined when none is left, a failure precedes it, or the board was aborted. */
  claim(): number | undefined {
    if (Atomics.load(this.slots, ABORTED) !== 0) return undefined;
    const i = Atomics.add(this.slots, NEXT, 1);
    if (i >= this.slots.length - IDS) return undefined;
    const k = this.slots[IDS + i] as number;
    return k > Atomics.load(this.slots, LOWEST_FAILING) ? undefined : k;
  }

  /** Records that chunk k found a counterexample: later chunks are no longer claimed. */
  markFailed(k: number): void {
    for (let low = Atomics.load(this.slots, LOWEST_FAILING); k < low;) {
      const seen = Atomics.compareExchange(this.slots, LOWEST_FAILING, low, k);
      if (seen === low) return;
      low = seen;
    }
  }

  /** Stops every thread from claiming more (an error on one of them). */
  abort(): void {
    Atomics.store(this.slots, ABORTED, 1);
  }
}
