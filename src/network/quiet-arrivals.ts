/**
 * Initial room per directed link; every link's room doubles when one fills. A full ring that is
 * collected hands over only its latest arrival, so the larger the room, the fewer collections an
 * idle link costs when no reader asks (one i_am_alive a second: one collection per 16 s, not 2 s).
 */
const INITIAL_ROOM = 16;

/**
 * Messages in flight or arrived whose arrival has no kernel event (layer L2, see
 * `Network.sendQuiet`): per directed link (from * n + to), a FIFO ring of cells holding the arrival
 * time, the kernel sequence number reserved for the arrival, the message kind and its two numeric
 * words. Typed arrays throughout, so that recording and collecting allocate nothing; the network
 * writes cells itself (`Network.sendQuietEach`), with the arrays in locals.
 */
export class QuietArrivals {
  /** Cells per link (a power of two); link l's ring starts at `l * room`. */
  room = INITIAL_ROOM;
  timeUs: Float64Array;
  seq: Float64Array;
  kind: Int32Array;
  a: Float64Array;
  b: Float64Array;
  /** Per link: ring position of its oldest cell, and its number of cells. */
  readonly head: Int32Array;
  readonly len: Int32Array;
  /**
   * Per link: at most the second word of every cell it holds (Infinity once it is empty), so
   * that a reader can bound what collecting would hand over without looking at the cells.
   */
  readonly lowestB: Float64Array;
  /**
   * Per receiver: the lowest `lowestB` of the links into it (Infinity when none holds a cell), kept
   * as those change, so that `Network.quietLowestB`, which shrink_cache asks at every learn, is one
   * read rather than a pass over the links.
   */
  readonly lowestBTo: Float64Array;
  /** Cells waiting per receiver. */
  readonly perReceiver: Int32Array;
  /** Cells waiting over all links. */
  total = 0;

  constructor(private readonly n: number) {
    const nn = n * n;
    this.timeUs = new Float64Array(nn * INITIAL_ROOM);
    this.seq = new Float64Array(nn * INITIAL_ROOM);
    this.kind = new Int32Array(nn * INITIAL_ROOM);
    this.a = new Float64Array(nn * INITIAL_ROOM);
    this.b = new Float64Array(nn * INITIAL_ROOM);
    this.head = new Int32Array(nn);
    this.len = new Int32Array(nn);
    this.lowestB = new Float64Array(nn).fill(Infinity);
    this.lowestBTo = new Float64Array(n).fill(Infinity);
    this.perReceiver = new Int32Array(n);
  }

  /** Removes the `count` oldest cells of `link` into `to` (cells stay readable until the next `add` there). */
  drop(link: number, to: number, count: number): void {
    if (count === 0) return;
    this.head[link] = ((this.head[link] as number) + count) & (this.room - 1);
    this.len[link] = (this.len[link] as number) - count;
    this.perReceiver[to] = (this.perReceiver[to] as number) - count;
    this.total -= count;
    if (this.len[link] === 0) {
      // The link's floor goes with its last cell: the receiver's is the lowest of its other links'.
      this.lowestB[link] = Infinity;
      const n = this.n, lowestB = this.lowestB;
      let low = Infinity;
      if (this.perReceiver[to] !== 0) {
        for (let from = 0; from < n; from++) {
          const b = lowestB[from * n + to] as number;
          if (b < low) low = b;
        }
      }
      this.lowestBTo[to] = low;
    }
  }

  /** Doubles every link's room (each ring restarts at its link's first cell). */
  grow(): void {
    const nn = this.n * this.n, old = this.room, room = old * 2;
    const t = new Float64Array(nn * room), seq = new Float64Array(nn * room), kind = new Int32Array(nn * room);
    const a = new Float64Array(nn * room), b = new Float64Array(nn * room);
    for (let link = 0; link < nn; link++) {
      const head = this.head[link] as number, len = this.len[link] as number;
      for (let q = 0; q < len; q++) {
        const from = link * old + ((head + q) & (old - 1)), into = link * room + q;
        t[into] = this.timeUs[from] as number;
        seq[into] = this.seq[from] as number;
        kind[into] = this.kind[from] as number;
        a[into] = this.a[from] as number;
        b[into] = this.b[from] as number;
      }
      this.head[link] = 0;
    }
    this.room = room;
    this.timeUs = t;
    this.seq = seq;
    this.kind = kind;
    this.a = a;
    this.b = b;
  }
}
