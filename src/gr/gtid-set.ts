/**
 * A set of GTIDs (`<uuid>:<gno>`) as MySQL keeps one (sql/rpl_gtid_set.cc, Gtid_set): per source
 * uuid, a sorted list of disjoint, non-adjacent closed intervals of transaction numbers. Adding a
 * run of consecutive numbers after the last interval extends it in place, so a member that commits
 * a million transactions in order still holds one interval: no per-transaction objects.
 */
export class GtidSet {
  /** Per uuid, intervals flattened as [lo0, hi0, lo1, hi1, …] in increasing order (insertion-ordered map). */
  private readonly sids = new Map<string, number[]>();
  /**
   * The uuid `addFreeRun` ran on last and its interval list, so that the certifier, which numbers
   * every batch under the group's uuid, finds the list without a hash lookup; every replacement of
   * a list (`replaceIntervals`) forgets it ('': none, as no uuid is empty; a string rather than
   * null, so that the comparison's type feedback stays strings).
   */
  private runUuid = '';
  private runIntervals: number[] = [];

  /** Sets the interval list of `uuid` (forgetting addFreeRun's remembered one). */
  private replaceIntervals(uuid: string, iv: number[]): void {
    this.sids.set(uuid, iv);
    this.runUuid = '';
  }

  /** Adds the transactions `uuid:lo-hi` (lo ≤ hi, both ≥ 1). */
  addRange(uuid: string, lo: number, hi: number): void {
    const iv = this.sids.get(uuid);
    if (iv === undefined) {
      this.replaceIntervals(uuid, [lo, hi]);
      return;
    }
    const n = iv.length;
    const lastHi = iv[n - 1] as number;
    // The common case: a run right after (or overlapping the end of) the last interval.
    if (lo >= (iv[n - 2] as number) && lo <= lastHi + 1) {
      if (hi > lastHi) iv[n - 1] = hi;
      return;
    }
    if (lo > lastHi + 1) {
      iv.push(lo, hi);
      return;
    }
    // General case (rare: a gap filled by recovery, a donor's set): sort the intervals and merge them.
    const pairs: [number, number][] = [[lo, hi]];
    for (let k = 0; k < n; k += 2) pairs.push([iv[k] as number, iv[k + 1] as number]);
    pairs.sort((x, y) => x[0] - y[0]);
    const out: number[] = [];
    for (const [a, b] of pairs) {
      const m = out.length;
      if (m > 0 && a <= (out[m - 1] as number) + 1) out[m - 1] = Math.max(out[m - 1] as number, b);
      else out.push(a, b);
    }
    this.replaceIntervals(uuid, out);
  }

  /** Adds every GTID of `other`. */
  addSet(other: GtidSet): void {
    for (const [uuid, iv] of other.sids) for (let k = 0; k < iv.length; k += 2) this.addRange(uuid, iv[k] as number, iv[k + 1] as number);
  }

  /** Whether `uuid:gno` is in the set. */
  contains(uuid: string, gno: number): boolean {
    const iv = this.sids.get(uuid);
    if (iv === undefined) return false;
    for (let k = 0; k < iv.length; k += 2) if (gno >= (iv[k] as number) && gno <= (iv[k + 1] as number)) return true;
    return false;
  }

  /** Whether every GTID of this set is in `other` (Gtid_set::is_subset). */
  isSubsetOf(other: GtidSet): boolean {
    for (const [uuid, iv] of this.sids) {
      const ov = other.sids.get(uuid);
      if (ov === undefined) return false;
      for (let k = 0; k < iv.length; k += 2) {
        const lo = iv[k] as number, hi = iv[k + 1] as number;
        let inside = false;
        for (let q = 0; q < ov.length; q += 2) if (lo >= (ov[q] as number) && hi <= (ov[q + 1] as number)) { inside = true; break; }
        if (!inside) return false;
      }
    }
    return true;
  }

  /** Number of transactions of `uuid` in the set (all sources when omitted). */
  count(uuid?: string): number {
    let total = 0;
    for (const [u, iv] of this.sids) {
      if (uuid !== undefined && u !== uuid) continue;
      for (let k = 0; k < iv.length; k += 2) total += (iv[k + 1] as number) - (iv[k] as number) + 1;
    }
    return total;
  }

  /** Number of transactions of `other` not in this set. */
  missingFrom(other: GtidSet): number {
    let missing = 0;
    for (const [uuid, ov] of other.sids) {
      const iv = this.sids.get(uuid) ?? [];
      for (let q = 0; q < ov.length; q += 2) {
        const lo = ov[q] as number, hi = ov[q + 1] as number;
        let covered = 0;
        for (let k = 0; k < iv.length; k += 2) {
          const a = Math.max(lo, iv[k] as number), b = Math.min(hi, iv[k + 1] as number);
          if (b >= a) covered += b - a + 1;
        }
        missing += hi - lo + 1 - covered;
      }
    }
    return missing;
  }

  /**
   * The smallest transaction number of `uuid` at or above `from` that is not in the set: how the
   * certifier picks the next group GTID (certifier.cc, Certifier::get_next_available_gtid_candidate)
   * and how a server numbers its own transactions (Gtid_state::get_automatic_gno).
   */
  firstFree(uuid: string, from: number): number {
    const iv = this.sids.get(uuid);
    if (iv === undefined) return from;
    let gno = from;
    for (let k = 0; k < iv.length; k += 2) {
      if (gno < (iv[k] as number)) return gno;
      if (gno <= (iv[k + 1] as number)) gno = (iv[k + 1] as number) + 1;
    }
    return gno;
  }

  /** The last number of the run `addFreeRun` added last. */
  runHi = 0;

  /**
   * Adds the run the certifier gives next (certifier.cc, Certifier::get_next_available_gtid): from
   * `firstFree(uuid, from)`, at most `count` numbers, stopping before the next used one. Returns
   * its first number; its last is `runHi`. At or after the last interval, where a group's numbering
   * always runs, that is O(1) on the last interval alone instead of three walks of the list.
   */
  addFreeRun(uuid: string, from: number, count: number): number {
    let iv: number[] | undefined;
    if (uuid === this.runUuid) iv = this.runIntervals;
    else {
      iv = this.sids.get(uuid);
      if (iv !== undefined) {
        this.runUuid = uuid;
        this.runIntervals = iv;
      }
    }
    const n = iv === undefined ? 0 : iv.length;
    if (n > 0 && from >= ((iv as number[])[n - 2] as number)) {
      const lastHi = (iv as number[])[n - 1] as number;
      // Nothing is used above the last interval: the whole run is free.
      const lo = from <= lastHi ? lastHi + 1 : from;
      const hi = lo + count - 1;
      if (lo === lastHi + 1) (iv as number[])[n - 1] = hi;
      else (iv as number[]).push(lo, hi);
      this.runHi = hi;
      return lo;
    }
    const lo = this.firstFree(uuid, from);
    let hi = lo + count - 1;
    const next = this.firstUsedAbove(uuid, lo);
    if (next >= 0 && next <= hi) hi = next - 1;
    this.addRange(uuid, lo, hi);
    this.runHi = hi;
    return lo;
  }

  /** The smallest number of `uuid` above `gno` that is in the set; -1 when none. */
  firstUsedAbove(uuid: string, gno: number): number {
    const iv = this.sids.get(uuid);
    if (iv === undefined) return -1;
    for (let k = 0; k < iv.length; k += 2) {
      if ((iv[k + 1] as number) > gno) return Math.max(iv[k] as number, gno + 1);
    }
    return -1;
  }

  /**
   * Removes from `uuid` the intervals of `remove` (flattened [lo, hi, …], in any order, possibly
   * overlapping): one sort and one sweep, so removing n runs costs O(n log n), not O(n²).
   */
  subtractIntervals(uuid: string, remove: readonly number[]): void {
    const iv = this.sids.get(uuid);
    if (iv === undefined || remove.length === 0) return;
    const pairs: [number, number][] = [];
    for (let k = 0; k < remove.length; k += 2) pairs.push([remove[k] as number, remove[k + 1] as number]);
    pairs.sort((x, y) => x[0] - y[0]);
    const out: number[] = [];
    let r = 0;
    for (let k = 0; k < iv.length; k += 2) {
      let lo = iv[k] as number;
      const hi = iv[k + 1] as number;
      while (r < pairs.length && (pairs[r] as [number, number])[1] < lo) r++;
      let q = r;
      while (lo <= hi && q < pairs.length && (pairs[q] as [number, number])[0] <= hi) {
        const [a, b] = pairs[q] as [number, number];
        if (a > lo) out.push(lo, a - 1);
        lo = Math.max(lo, b + 1);
        q++;
      }
      if (lo <= hi) out.push(lo, hi);
    }
    this.replaceIntervals(uuid, out);
  }

  /** Removes every GTID of `other`. */
  subtractSet(other: GtidSet): void {
    for (const [uuid, ov] of other.sids) this.subtractIntervals(uuid, ov);
  }

  /** A copy. */
  clone(): GtidSet {
    const c = new GtidSet();
    for (const [uuid, iv] of this.sids) c.sids.set(uuid, [...iv]);
    return c;
  }

  /**
   * MySQL's text form (Gtid_set::to_string with the default format, as @@gtid_executed shows it):
   * sources sorted by uuid, `uuid:lo-hi:lo-hi`, sources separated by ",\n"; '' when empty.
   */
  toString(): string {
    const uuids = [...this.sids.keys()].filter((u) => (this.sids.get(u) as number[]).length > 0).sort();
    return uuids.map((u) => {
      const iv = this.sids.get(u) as number[];
      let s = u;
      for (let k = 0; k < iv.length; k += 2) s += (iv[k] === iv[k + 1] ? `:${iv[k]}` : `:${iv[k]}-${iv[k + 1]}`);
      return s;
    }).join(',\n');
  }
}
