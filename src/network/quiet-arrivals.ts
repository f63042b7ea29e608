/** Initial room per directed link; every link's room doubles when one fills. */
const INITIAL_ROOM = 4;

/**
 * Messages in flight or arrived whose arrival has no kernel event (layer L2, see
 * `Network.sendQuiet`): per directed link (from * n + to), a FIFO ring of cells holding the arrival
 * time, the kernel order key reserved for the arrival, the message kind and its two numeric words.
 * Typed arrays throughout, so that recording and collecting allocate nothing.
 */
export class QuietArrivals {
  /** Cells per link (a power of two); link l's ring starts at `l * room`. */
  private room = INITIAL_ROOM;
  timeUs: Float64Array;
  key: Float64Array;
  kind: Int32Array;
  a: Float64Array;
  b: Float64Array;
  private readonly head: Int32Array;
  private readonly len: Int32Array;
  /** Cells waiting per receiver. */
  private readonly perReceiver: Int32Array;
  /** Cells waiting over all links. */
  total = 0;

  constructor(private readonly n: number) {
    const nn = n * n;
    this.timeUs = new Float64Array(nn * INITIAL_ROOM);
    this.key = new Float64Array(nn * INITIAL_ROOM);
    this.kind = new Int32Array(nn * INITIAL_ROOM);
    this.a = new Float64Array(nn * INITIAL_ROOM);
    this.b = new Float64Array(nn * INITIAL_ROOM);
    this.head = new Int32Array(nn);
    this.len = new Int32Array(nn);
    this.perReceiver = new Int32Array(n);
  }

  /** Whether anything waits for receiver `to`. */
  waitingFor(to: number): boolean {
    return this.perReceiver[to] !== 0;
  }

  /** Appends an arrival on `link`; arrivals on one link come in (time, key) order. */
  add(link: number, timeUs: number, key: number, kind: number, a: number, b: number): void {
    let len = this.len[link] as number;
    if (len === this.room) this.grow();
    const room = this.room;
    const cell = link * room + (((this.head[link] as number) + len) & (room - 1));
    this.timeUs[cell] = timeUs;
    this.key[cell] = key;
    this.kind[cell] = kind;
    this.a[cell] = a;
    this.b[cell] = b;
    this.len[link] = ++len;
    const to = link % this.n;
    this.perReceiver[to] = (this.perReceiver[to] as number) + 1;
    this.total++;
  }

  /**
   * Removes the arrivals on `link` that come before (nowUs, positionKey) in the kernel's order and
   * returns the cell of the latest of them (readable until the next `add` on the link), or -1.
   */
  takeBefore(link: number, nowUs: number, positionKey: number): number {
    let len = this.len[link] as number;
    if (len === 0) return -1;
    const room = this.room, base = link * room, mask = room - 1;
    let head = this.head[link] as number;
    let last = -1;
    const start = len;
    while (len > 0) {
      const cell = base + head;
      const t = this.timeUs[cell] as number;
      if (t > nowUs || (t === nowUs && (this.key[cell] as number) >= positionKey)) break;
      last = cell;
      head = (head + 1) & mask;
      len--;
    }
    if (last < 0) return -1;
    this.head[link] = head;
    this.len[link] = len;
    const to = link % this.n;
    this.perReceiver[to] = (this.perReceiver[to] as number) - (start - len);
    this.total -= start - len;
    return last;
  }

  /** Removes every arrival on `link`, calling `each(cell)` for them in order. */
  drain(link: number, each: (cell: number) => void): void {
    let len = this.len[link] as number;
    if (len === 0) return;
    const room = this.room, base = link * room, mask = room - 1;
    let head = this.head[link] as number;
    const to = link % this.n;
    this.perReceiver[to] = (this.perReceiver[to] as number) - len;
    this.total -= len;
    while (len > 0) {
      each(base + head);
      head = (head + 1) & mask;
      len--;
    }
    this.head[link] = 0;
    this.len[link] = 0;
  }

  private grow(): void {
    const nn = this.n * this.n, old = this.room, room = old * 2;
    const t = new Float64Array(nn * room), key = new Float64Array(nn * room), kind = new Int32Array(nn * room);
    const a = new Float64Array(nn * room), b = new Float64Array(nn * room);
    for (let link = 0; link < nn; link++) {
      const head = this.head[link] as number, len = this.len[link] as number;
      for (let q = 0; q < len; q++) {
        const from = link * old + ((head + q) & (old - 1)), into = link * room + q;
        t[into] = this.timeUs[from] as number;
        key[into] = this.key[from] as number;
        kind[into] = this.kind[from] as number;
        a[into] = this.a[from] as number;
        b[into] = this.b[from] as number;
      }
      this.head[link] = 0;
    }
    this.room = room;
    this.timeUs = t;
    this.key = key;
    this.kind = kind;
    this.a = a;
    this.b = b;
  }
}
