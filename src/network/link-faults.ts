/** A link is down because a partition() separates its ends (both ways). */
export const CUT_BY_PARTITION = 1;
/** A link is down because cut(from, to) dropped it (one way). */
export const CUT_BY_ONE_WAY = 2;
/** A link is down because its sender is isolated. */
export const CUT_BY_ISOLATED_FROM = 4;
/** A link is down because its receiver is isolated. */
export const CUT_BY_ISOLATED_TO = 8;

/**
 * Which directed links between N members are cut, and by which verb (layer L2). Three independent
 * layers, each written by one verb: two-way cuts made by partition(), one-way cuts made by cut(),
 * and members cut off by isolate(). A link is down while any layer cuts it, so overlapping faults
 * compose: undoing one of them leaves the link down while another still cuts it.
 *
 * What each inverse undoes:
 * - repair() undoes every partition() since the last repair (one-way cuts and isolations stay);
 * - restore(from, to) undoes cut(from, to), restoreAll() every cut() (partitions and isolations stay);
 * - heal(m) restores every link to and from m whatever verb cut it (isolate, partition, cut), as
 *   `iptables -F` on m's host removes every DROP rule there; healAll() restores every link of
 *   every member, the whole network's `iptables -F`. Links between two other members stay as they are.
 *
 * None of them touches a process: a frozen (SIGSTOP) or crashed mysqld is not a link fault and
 * stays frozen or down (thaw and restart undo those).
 *
 * The simulated Network keeps its links in one of these; NetworkReplay rebuilds one from a trace's
 * network events, so metrics and invariants see exactly the links the run had.
 */
export class LinkFaults {
  readonly n: number;
  /** Two-way cuts made by partition(), per directed pair (from * n + to). */
  private readonly partitioned: Uint8Array;
  /** One-way cuts made by cut(), per directed pair. */
  private readonly oneWay: Uint8Array;
  /** Members cut off by isolate(). */
  private readonly isolated: Uint8Array;
  /** Number of set cells over the three layers: 0 means every link is up. */
  private setCells = 0;

  constructor(n: number) {
    this.n = n;
    this.partitioned = new Uint8Array(n * n);
    this.oneWay = new Uint8Array(n * n);
    this.isolated = new Uint8Array(n);
  }

  /** An independent copy of this state (for "the network after this action" records). */
  copy(): LinkFaults {
    const c = new LinkFaults(this.n);
    c.partitioned.set(this.partitioned);
    c.oneWay.set(this.oneWay);
    c.isolated.set(this.isolated);
    c.setCells = this.setCells;
    return c;
  }

  /** Whether packets flow from → to (a member always reaches itself). */
  isUp(from: number, to: number): boolean {
    return from === to || this.causes(from, to) === 0;
  }

  /** Why from → to is down: a bit set of CUT_BY_*; 0 when the link is up. */
  causes(from: number, to: number): number {
    if (from === to) return 0;
    const k = from * this.n + to;
    return (this.partitioned[k] === 1 ? CUT_BY_PARTITION : 0) | (this.oneWay[k] === 1 ? CUT_BY_ONE_WAY : 0) |
      (this.isolated[from] === 1 ? CUT_BY_ISOLATED_FROM : 0) | (this.isolated[to] === 1 ? CUT_BY_ISOLATED_TO : 0);
  }

  /** Whether no link is cut by any verb. */
  get allUp(): boolean {
    return this.setCells === 0;
  }

  /** Whether isolate(m) is in force. */
  isIsolated(m: number): boolean {
    return this.isolated[m] === 1;
  }

  /** Whether a partition() separates a and b (the layer is symmetric). */
  isPartitioned(a: number, b: number): boolean {
    return this.partitioned[a * this.n + b] === 1;
  }

  /** Whether cut(from, to) is in force. */
  isOneWayCut(from: number, to: number): boolean {
    return this.oneWay[from * this.n + to] === 1;
  }

  /** Cuts every link between members of different groups, both ways; members in no group form one more group. Inverse: repair(). */
  partition(groups: readonly (readonly number[])[]): void {
    const n = this.n;
    const groupOf = new Int32Array(n).fill(-1);
    groups.forEach((g, gi) => g.forEach((m) => { groupOf[m] = gi; }));
    for (let a = 0; a < n; a++) {
      for (let b = 0; b < n; b++) {
        if (a !== b && groupOf[a] !== groupOf[b]) this.set(this.partitioned, a * n + b, 1);
      }
    }
  }

  /** Undoes every partition(); one-way cuts and isolations stay. Inverse of partition(). */
  repair(): void {
    for (let k = 0; k < this.partitioned.length; k++) this.set(this.partitioned, k, 0);
  }

  /** Drops every packet from → to (one way). Inverse: restore(from, to). */
  cut(from: number, to: number): void {
    this.set(this.oneWay, from * this.n + to, 1);
  }

  /** Undoes cut(from, to); partitions and isolations stay. Inverse of cut(). */
  restore(from: number, to: number): void {
    this.set(this.oneWay, from * this.n + to, 0);
  }

  /** Undoes every cut(); partitions and isolations stay. */
  restoreAll(): void {
    for (let k = 0; k < this.oneWay.length; k++) this.set(this.oneWay, k, 0);
  }

  /** Cuts m off from every other member, both ways. Inverse: heal(m). */
  isolate(m: number): void {
    this.set(this.isolated, m, 1);
  }

  /**
   * Restores every link to and from m, whatever cut it: m's isolation, the partition cells and the
   * one-way cuts that touch m (`iptables -F` on m's host). Inverse of isolate(m).
   */
  heal(m: number): void {
    const n = this.n;
    this.set(this.isolated, m, 0);
    for (let p = 0; p < n; p++) {
      this.set(this.partitioned, m * n + p, 0);
      this.set(this.partitioned, p * n + m, 0);
      this.set(this.oneWay, m * n + p, 0);
      this.set(this.oneWay, p * n + m, 0);
    }
  }

  /** Restores every link of every member: no partition, one-way cut or isolation is left. */
  healAll(): void {
    this.repair();
    this.restoreAll();
    for (let m = 0; m < this.n; m++) this.set(this.isolated, m, 0);
  }

  private set(layer: Uint8Array, k: number, v: 0 | 1): void {
    if (layer[k] === v) return;
    layer[k] = v;
    this.setCells += v === 1 ? 1 : -1;
  }
}
