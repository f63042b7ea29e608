import { ConfigError, InvariantError } from '../errors.js';
import {
  DETECTOR_LIVE_TIMEOUT_US, MIN_CACHED, SHRINK_CACHE_MAX_SLOTS, SIZEOF_APP_DATA, SIZEOF_NODE_SET_ENTRY, SIZEOF_PAX_MSG,
} from './constants.js';

/**
 * One XCom node's message cache (xcom/xcom_cache.cc), as a pure model: no kernel, no I/O, the
 * current time is an argument. Spec: docs/mysql-behaviour.md §X4 "The XCom message cache".
 *
 * Slots are identified by an integer `slot` key chosen by the caller, increasing in XCom's
 * delivery order of synodes {msgno, node}. With N channels per msgno the natural key is
 * `msgno * N + node`; `slotsPerMsgno` (N) is then passed wherever a rule compares msgnos
 * (MIN_CACHED, the die rule). With one slot per msgno, N = 1 and the key is the msgno.
 *
 * Memory is bounded by the span of cached slot keys, not by the number of messages: a slot
 * holding a batch of 5,000 transactions is one Float64 cell (its byte count). Cells live in a
 * power-of-two ring buffer that grows geometrically and never holds a JS object per slot.
 *
 * Simplification (documented, see the report): XCom evicts in LRU order of its `protected_lru`
 * list; here eviction walks in slot order (oldest synode first), which is what the LRU order is
 * for a node that learns and executes in order. Serving a catch-up read touches a slot in XCom
 * and moves it to the LRU tail; that reordering is not modelled.
 */

/** The performance_schema event name of the XCom cache instrument (gcs_psi.cc key_MEM_XCOM_xcom_cache). */
export const XCOM_CACHE_EVENT_NAME = 'memory/group_rpl/GCS_XCom::xcom_cache';

/** One row of performance_schema.memory_summary_global_by_event_name, columns as MySQL names them. */
export interface MemorySummaryGlobalByEventNameRow {
  readonly EVENT_NAME: string;
  readonly COUNT_ALLOC: number;
  readonly COUNT_FREE: number;
  readonly SUM_NUMBER_OF_BYTES_ALLOC: number;
  readonly SUM_NUMBER_OF_BYTES_FREE: number;
  readonly LOW_COUNT_USED: number;
  readonly CURRENT_COUNT_USED: number;
  readonly HIGH_COUNT_USED: number;
  readonly LOW_NUMBER_OF_BYTES_USED: number;
  readonly CURRENT_NUMBER_OF_BYTES_USED: number;
  readonly HIGH_NUMBER_OF_BYTES_USED: number;
}

/**
 * The `memory/group_rpl/GCS_XCom::xcom_cache` instrument, maintained incrementally.
 *
 * What one allocation is: XCom reports one `psi_report_mem_alloc(x)` per learned slot, with x the
 * slot's whole `pax_machine_size` (xcom_cache.cc `add_cache_size`), and one matching
 * `psi_report_mem_free(x)` when the slot is re-initialised (`sub_cache_size`, on eviction or
 * cache shutdown). So counts are per cached slot, not per transaction or per message object.
 *
 * LOW_/HIGH_ are the low and high water marks of CURRENT_ since server start or the last
 * TRUNCATE: the instrument is flagged global (PSI_FLAG_ONLY_GLOBAL_STAT), so P_S keeps it in a
 * PFS_memory_shared_stat whose count_builtin_alloc/free move "capacity" counters so that
 * LOW = CURRENT − free capacity = the minimum reached and HIGH = CURRENT + alloc capacity = the
 * maximum reached (storage/perfschema/pfs_stat.cc). A global row's LOW is clamped at 0
 * (PFS_memory_monitoring_stat::normalize), so it stays 0 until a TRUNCATE. TRUNCATE rebases:
 * both COUNT_ columns (and both SUM_ columns) drop by their common minimum and LOW = HIGH =
 * CURRENT (pfs_memory.cc reset_memory_global → rebase).
 *
 * Assumes the instrument is enabled; a disabled instrument would report nothing. One instance per
 * server process: it outlives XCom restarts (the cache is cleared, the P_S row is not).
 */
export class XcomCacheMemoryInstrument {
  // The four sums grow without bound (the byte sums pass 2^31 about two minutes into a busy run):
  // floating-point fields from the start (0.5, then 0 in the constructor). A field that outgrows
  // a small integer later changes the object's layout and throws away the optimised code of every
  // caller, the learn path included.
  private countAlloc = 0.5;
  private countFree = 0.5;
  private bytesAlloc = 0.5;
  private bytesFree = 0.5;
  private lowCount = 0;
  private highCount = 0;
  private lowBytes = 0;
  private highBytes = 0;

  constructor() {
    this.countAlloc = 0;
    this.countFree = 0;
    this.bytesAlloc = 0;
    this.bytesFree = 0;
  }

  /** psi_report_mem_alloc: `slots` slots (default one) of `bytes` bytes in total entered the cache. */
  alloc(bytes: number, slots = 1): void {
    this.countAlloc += slots;
    this.bytesAlloc += bytes;
    const count = this.countAlloc - this.countFree;
    const used = this.bytesAlloc - this.bytesFree;
    if (count > this.highCount) this.highCount = count;
    if (used > this.highBytes) this.highBytes = used;
  }

  /** psi_report_mem_free: `slots` slots (default one) of `bytes` bytes in total left the cache. */
  free(bytes: number, slots = 1): void {
    this.countFree += slots;
    this.bytesFree += bytes;
    const count = this.countAlloc - this.countFree;
    const used = this.bytesAlloc - this.bytesFree;
    if (count < this.lowCount) this.lowCount = count;
    if (used < this.lowBytes) this.lowBytes = used;
  }

  /** TRUNCATE TABLE performance_schema.memory_summary_global_by_event_name (PFS rebase). */
  truncate(): void {
    const baseCount = Math.min(this.countAlloc, this.countFree);
    this.countAlloc -= baseCount;
    this.countFree -= baseCount;
    const baseBytes = Math.min(this.bytesAlloc, this.bytesFree);
    this.bytesAlloc -= baseBytes;
    this.bytesFree -= baseBytes;
    this.lowCount = this.highCount = this.countAlloc - this.countFree;
    this.lowBytes = this.highBytes = this.bytesAlloc - this.bytesFree;
  }

  /** The row as `SELECT * … WHERE EVENT_NAME = 'memory/group_rpl/GCS_XCom::xcom_cache'` shows it. */
  row(): MemorySummaryGlobalByEventNameRow {
    const count = this.countAlloc - this.countFree;
    const used = this.bytesAlloc - this.bytesFree;
    return {
      EVENT_NAME: XCOM_CACHE_EVENT_NAME,
      COUNT_ALLOC: this.countAlloc,
      COUNT_FREE: this.countFree,
      SUM_NUMBER_OF_BYTES_ALLOC: this.bytesAlloc,
      SUM_NUMBER_OF_BYTES_FREE: this.bytesFree,
      LOW_COUNT_USED: Math.max(0, this.lowCount),
      CURRENT_COUNT_USED: count,
      HIGH_COUNT_USED: this.highCount,
      LOW_NUMBER_OF_BYTES_USED: Math.max(0, this.lowBytes),
      CURRENT_NUMBER_OF_BYTES_USED: used,
      HIGH_NUMBER_OF_BYTES_USED: this.highBytes,
    };
  }
}

/** Why an eviction pass stopped (the first condition of shrink_cache/can_deallocate that failed). */
export type EvictionStop =
  /** Nothing is cached. */
  | 'empty'
  /** cache_size ≤ limit (`above_cache_limit` is strict): nothing more to evict. */
  | 'at-or-below-limit'
  /** No configuration installed yet (`get_site_def()` is null). */
  | 'no-config'
  /** Within the pause after the latest configuration install (`install_time + DETECTOR_LIVE_TIMEOUT > now`). */
  | 'config-install-pause'
  /** The oldest slot is at or above the protection bound (min delivered − MIN_CACHED). */
  | 'protected'
  /** The pass freed its maximum number of slots (25,001). */
  | 'pass-cap';

/** How a peer answers a catch-up read for a slot (xcom_base.cc acceptor_learner_task). */
export type ReadAnswer =
  /** The slot is cached: the value is taught (teach_ignorant_node). */
  | 'learn'
  /** Not cached, requester behind, and the slot was evicted: die_op. */
  | 'die'
  /** Not cached and either not behind (dispatched, nothing to teach) or not known evicted (rejected). */
  | 'none';

export interface MessageCacheOptions {
  /**
   * The cache limit in bytes (group_replication_message_cache_size, passed to XCom as
   * `m_cache_limit`); the GR option validates the user's value, this only requires an integer ≥ 0.
   * @defaultValue 1073741824
   */
  readonly limitBytes?: number;
  /**
   * sizeof(pax_msg) in bytes. ⚠ A layout fact measured on x86-64 with 8.0.39 headers (docs/mysql-behaviour.md §X4),
   * so a parameter; the reference's value is the default. @defaultValue 200 (SIZEOF_PAX_MSG)
   */
  readonly sizeofPaxMsg?: number;
  /**
   * sizeof(app_data) in bytes. ⚠ A layout fact measured on x86-64 with 8.0.39 headers (docs/mysql-behaviour.md §X4),
   * so a parameter; the reference's value is the default. @defaultValue 176 (SIZEOF_APP_DATA)
   */
  readonly sizeofAppData?: number;
  /** Most slots one pass frees (shrink_cache: size_decrement + 1). @defaultValue 25001 */
  readonly maxSlotsPerPass?: number;
  /** Eviction pause after a configuration install, µs (can_deallocate: DETECTOR_LIVE_TIMEOUT). @defaultValue 5000000 */
  readonly configInstallPauseUs?: number;
  /** The server's P_S instrument; pass the same one to a cache re-created after an XCom restart. */
  readonly instrument?: XcomCacheMemoryInstrument;
  /** Initial ring capacity in slots (rounded up to a power of two). @defaultValue 1024 */
  readonly initialCapacity?: number;
  /**
   * Largest span of slot keys (newest − oldest + 1) the ring may hold before it refuses to grow
   * (an InvariantError: a caller bug such as a wildly sparse key). 2^25 cells are 256 MiB.
   * @defaultValue 33554432
   */
  readonly maxSpanSlots?: number;
}

const DEFAULT_LIMIT_BYTES = 1_073_741_824;
const DEFAULT_INITIAL_CAPACITY = 1024;
const DEFAULT_MAX_SPAN = 1 << 25;

function nonNegativeInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new ConfigError(name, 'must be an integer ≥ 0', value);
  return value;
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new ConfigError(name, 'must be an integer ≥ 1', value);
  return value;
}

function checkSlot(slot: number): void {
  if (!Number.isSafeInteger(slot) || slot < 0) throw new InvariantError(`cache slot must be an integer ≥ 0, got ${slot}`);
}

/**
 * The message cache of one XCom node: byte accounting per slot, the limit, eviction passes, the
 * catch-up lookups, and the P_S memory row. See the file comment for the slot keys.
 *
 * The caller (the XCom shell) decides when things happen, as XCom does:
 * - `add` when the node learns a slot (do_learn → add_cache_size), then `evictionPass` at once;
 * - `evictionPass` every 0.1 s (cache_manager_task, CACHE_MANAGER_TASK_PERIOD_US);
 * - `configInstalled` when the node installs a configuration (site_install_action);
 * - `setLimit`, then `evictionPass` at once, on SET group_replication_message_cache_size
 *   (set_max_cache_size runs shrink_cache immediately when above the new limit);
 * - `clear` when XCom stops (deinit_cache).
 */
export class MessageCache {
  /** The server's performance_schema memory instrument for the XCom cache. */
  readonly instrument: XcomCacheMemoryInstrument;
  private limit: number;
  private readonly sizeofPaxMsg: number;
  private readonly sizeofAppData: number;
  private readonly maxSlotsPerPass: number;
  private readonly configInstallPauseUs: number;
  private readonly maxSpan: number;

  /** Bytes of each cached slot, 0 when absent; cell (head + k) & mask holds slot base + k. */
  private cells: Float64Array;
  /** XCom slots each cell stands for (P_S counts one allocation per slot). */
  private slotCells: Float64Array;
  /** The eviction tag of each cell: the msgno the protection rule compares (default: the key). */
  private tagCells: Float64Array;
  private mask: number;
  private head = 0;
  private base = 0;
  private span = 0;
  private count = 0;
  private bytes = 0;
  private lastRemoved = -1;
  /** XCom slots freed since the cache was created (evictions and clears). */
  freedSlots = 0;
  private slotsHeld = 0;
  private hasConfig = false;
  private installTimeUs = 0;

  /** Slots freed by the latest `evictionPass`. */
  lastPassEvicted = 0;
  /** Bytes freed by the latest `evictionPass`. */
  lastPassFreedBytes = 0;
  /** Why the latest `evictionPass` stopped. */
  lastPassStop: EvictionStop = 'empty';
  /** XCom slots freed by the latest `evictionPass` (its cap counts them; `resumeEvictionPass` carries on). */
  private lastPassSlots = 0;

  constructor(options: MessageCacheOptions = {}) {
    this.limit = nonNegativeInteger('group_replication_message_cache_size', options.limitBytes ?? DEFAULT_LIMIT_BYTES);
    this.sizeofPaxMsg = positiveInteger('sizeofPaxMsg', options.sizeofPaxMsg ?? SIZEOF_PAX_MSG);
    this.sizeofAppData = nonNegativeInteger('sizeofAppData', options.sizeofAppData ?? SIZEOF_APP_DATA);
    this.maxSlotsPerPass = positiveInteger('maxSlotsPerPass', options.maxSlotsPerPass ?? SHRINK_CACHE_MAX_SLOTS);
    this.configInstallPauseUs = nonNegativeInteger('configInstallPauseUs', options.configInstallPauseUs ?? DETECTOR_LIVE_TIMEOUT_US);
    this.maxSpan = positiveInteger('maxSpanSlots', options.maxSpanSlots ?? DEFAULT_MAX_SPAN);
    this.instrument = options.instrument ?? new XcomCacheMemoryInstrument();
    let cap = 1;
    const want = positiveInteger('initialCapacity', options.initialCapacity ?? DEFAULT_INITIAL_CAPACITY);
    while (cap < want) cap *= 2;
    this.cells = new Float64Array(cap);
    this.slotCells = new Float64Array(cap);
    this.tagCells = new Float64Array(cap);
    this.mask = cap - 1;
    // Written once now, so that no optimised code takes them for constants: the first eviction
    // (seconds into a busy run) would otherwise change the object's layout and throw away the
    // optimised code of every caller, the learn path included (the same for the instrument's sums).
    this.lastRemoved = -2;
    this.lastRemoved = -1;
    this.freedSlots = 0.5;
    this.freedSlots = 0;
    this.lastPassEvicted = -1;
    this.lastPassEvicted = 0;
    this.lastPassFreedBytes = 0.5;
    this.lastPassFreedBytes = 0;
    this.lastPassSlots = 0.5;
    this.lastPassSlots = 0;
    this.slotsHeld = 0.5;
    this.slotsHeld = 0;
    // The cached bytes drop by values read from a Float64Array (freeOldest), so they become a
    // floating-point field at the first eviction unless they are one from the start.
    this.bytes = 0.5;
    this.bytes = 0;
    this.lastPassStop = 'protected';
    this.lastPassStop = 'empty';
  }

  // ---------------------------------------------------------------- accounting

  /**
   * Bytes a slot counts toward cache_size (xcom_cache.cc pax_machine_size / get_app_msg_size,
   * app_data.cc app_data_size): per distinct message object, sizeof(pax_msg) plus, per app_data
   * in its list, sizeof(app_data) + payload length. A learned slot normally has one object
   * (acceptor.msg = learner.msg, and on the proposer proposer.msg is that same object), so
   * `messageObjects` defaults to 1; a no-op/skip slot is `messages` = 0.
   */
  slotBytes(messages: number, payloadBytes: number, messageObjects = 1): number {
    if (!Number.isSafeInteger(messages) || messages < 0) throw new InvariantError(`messages must be an integer ≥ 0, got ${messages}`);
    if (!Number.isSafeInteger(payloadBytes) || payloadBytes < 0) throw new InvariantError(`payloadBytes must be an integer ≥ 0, got ${payloadBytes}`);
    if (!Number.isSafeInteger(messageObjects) || messageObjects < 1) throw new InvariantError(`messageObjects must be an integer ≥ 1, got ${messageObjects}`);
    return messageObjects * (this.sizeofPaxMsg + messages * this.sizeofAppData + payloadBytes);
  }

  /** cache_size in bytes: the sum over cached slots. */
  get sizeBytes(): number {
    return this.bytes;
  }

  /** Number of cached cells (entries added by `add`/`addCell`). */
  get slotCount(): number {
    return this.count;
  }

  /** XCom slots the cached cells stand for (P_S CURRENT_COUNT_USED). */
  get cachedSlots(): number {
    return this.slotsHeld;
  }

  /** The limit in bytes (group_replication_message_cache_size). */
  get limitBytes(): number {
    return this.limit;
  }

  /** Ring capacity in slots (for tests and the bench: memory is 8 bytes per cell). */
  get capacitySlots(): number {
    return this.cells.length;
  }

  /** above_cache_limit: cache_size > limit, strictly. */
  aboveLimit(): boolean {
    return this.bytes > this.limit;
  }

  /**
   * Changes the limit (set_max_cache_size). Returns whether the cache is now above it; MySQL then
   * runs shrink_cache at once, so the caller should call `evictionPass` right away (otherwise the
   * next 0.1 s pass shrinks).
   */
  setLimit(limitBytes: number): boolean {
    this.limit = nonNegativeInteger('group_replication_message_cache_size', limitBytes);
    return this.aboveLimit();
  }

  /**
   * The node learned `slot` (do_learn → add_cache_size): `messages` app_data entries carrying
   * `payloadBytes` in total (a batch is one slot). Returns the bytes added, or 0 when the slot is
   * already cached (XCom learns a slot once: handle_learn ignores finished machines).
   */
  add(slot: number, messages: number, payloadBytes: number, messageObjects = 1): number {
    return this.addCell(slot, this.slotBytes(messages, payloadBytes, messageObjects), 1, slot);
  }

  /**
   * Adds one cell that stands for `slots` consecutive XCom slots (≥ 1) holding `bytes` in total,
   * e.g. a run of msgnos decided together; `tag` is what the protection rule of `evictionPass`
   * compares (the cell's newest msgno). Returns the bytes added, 0 when `slot` is already cached.
   */
  addCell(slot: number, bytes: number, slots: number, tag: number): number {
    // The common case, a cell just past the newest one with room in the ring (every learn of a
    // node that learns in order), in a few lines that callers can inline; anything else below.
    const span = this.span;
    if (this.count !== 0 && slot - this.base === span && span <= this.mask && bytes > 0 && bytes !== Infinity) {
      this.span = span + 1;
      this.putCell((this.head + span) & this.mask, bytes, slots, tag);
      return bytes;
    }
    return this.addCellAnywhere(slot, bytes, slots, tag);
  }

  /** addCell for any slot: checks its arguments, grows the ring as needed. */
  private addCellAnywhere(slot: number, bytes: number, slots: number, tag: number): number {
    checkSlot(slot);
    const b = bytes;
    if (!(b > 0) || !Number.isFinite(b)) throw new InvariantError(`cache cell bytes must be > 0, got ${b}`);
    if (this.count === 0) {
      this.head = 0;
      this.base = slot;
      this.span = 1;
    } else if (slot >= this.base) {
      const k = slot - this.base;
      if (k < this.span) {
        if ((this.cells[(this.head + k) & this.mask] as number) !== 0) return 0;
      } else {
        this.ensureCapacity(k + 1);
        this.span = k + 1;
      }
    } else {
      const grow = this.base - slot;
      this.ensureCapacity(this.span + grow);
      this.head = (this.head - grow) & this.mask;
      this.base = slot;
      this.span += grow;
    }
    this.putCell((this.head + slot - this.base) & this.mask, b, slots, tag);
    return b;
  }

  /** Fills ring cell `c` (empty, inside the span) and counts it. */
  private putCell(c: number, bytes: number, slots: number, tag: number): void {
    this.cells[c] = bytes;
    this.slotCells[c] = slots;
    this.tagCells[c] = tag;
    this.count++;
    this.bytes += bytes;
    this.slotsHeld += slots;
    this.instrument.alloc(bytes, slots);
  }

  /** A no-op or skip slot: one pax_msg without app_data. */
  addNoop(slot: number): number {
    return this.add(slot, 0, 0);
  }

  /** is_cached: whether `slot` is in the cache. */
  has(slot: number): boolean {
    return this.bytesOf(slot) !== 0;
  }

  /** Bytes `slot` counts, 0 when it is not cached. */
  bytesOf(slot: number): number {
    if (this.count === 0 || slot < this.base) return 0;
    const k = slot - this.base;
    if (k >= this.span) return 0;
    return this.cells[(this.head + k) & this.mask] as number;
  }

  /** The oldest cached slot, or -1 when the cache is empty. */
  get oldestSlot(): number {
    return this.count === 0 ? -1 : this.base;
  }

  /** The newest cached slot, or -1 when the cache is empty. */
  get newestSlot(): number {
    return this.count === 0 ? -1 : this.base + this.span - 1;
  }

  /**
   * last_removed_cache: the slot most recently freed, -1 (null_synode) before any eviction.
   * XCom hands it to GCS with every delivered data message (cache_get_last_removed).
   */
  get lastRemovedSlot(): number {
    return this.lastRemoved;
  }

  /** was_removed_from_cache: `slot` ≤ last_removed_cache (one group id assumed). */
  wasRemoved(slot: number): boolean {
    return this.lastRemoved >= 0 && slot <= this.lastRemoved;
  }

  private ensureCapacity(needed: number): void {
    const cap = this.cells.length;
    if (needed <= cap) return;
    if (needed > this.maxSpan) {
      throw new InvariantError(`message cache span of ${needed} slots exceeds maxSpanSlots ${this.maxSpan}`);
    }
    let next = cap * 2;
    while (next < needed) next *= 2;
    this.cells = this.unrolled(this.cells, next);
    this.slotCells = this.unrolled(this.slotCells, next);
    this.tagCells = this.unrolled(this.tagCells, next);
    this.mask = next - 1;
    this.head = 0;
  }

  /** A copy of a ring of cells with the live span [head, head + span) unrolled into [0, span). */
  private unrolled(ring: Float64Array, capacity: number): Float64Array {
    const out = new Float64Array(capacity);
    const first = Math.min(this.span, ring.length - this.head);
    out.set(ring.subarray(this.head, this.head + first), 0);
    if (first < this.span) out.set(ring.subarray(0, this.span - first), first);
    return out;
  }

  /** Frees the oldest cached slot and moves the base to the next cached one. Returns its bytes. */
  private freeOldest(): number {
    const b = this.cells[this.head] as number;
    this.cells[this.head] = 0;
    this.lastRemoved = this.base;
    this.count--;
    this.bytes -= b;
    this.freedSlots += this.slotCells[this.head] as number;
    this.slotsHeld -= this.slotCells[this.head] as number;
    this.instrument.free(b, this.slotCells[this.head] as number);
    if (this.count === 0) {
      this.span = 0;
      return b;
    }
    // The newest slot is cached, so this finds a cell before running off the span.
    let k = 1;
    while ((this.cells[(this.head + k) & this.mask] as number) === 0) k++;
    this.head = (this.head + k) & this.mask;
    this.base += k;
    this.span -= k;
    return b;
  }

  // ---------------------------------------------------------------- eviction

  /**
   * The node installed a configuration at `nowUs` (site_install_action sets install_time): no slot
   * may be freed until `configInstallPauseUs` (5 s) later. The first call also gives the cache a
   * configuration; before it nothing is ever freed.
   */
  configInstalled(nowUs: number): void {
    this.hasConfig = true;
    this.installTimeUs = nowUs;
  }

  /**
   * One shrink_cache call at `nowUs` (docs/mysql-behaviour.md §X4 "Eviction"): while the cache is above the limit,
   * free the oldest slot if it may be freed; stop at the first one that may not; free at most
   * `maxSlotsPerPass` (25,001). A slot may be freed when a configuration is installed, the 5 s
   * pause after the latest install is over, and the slot (its tag, see `addCell`) is below `freeBelowSlot` (see
   * `protectionBoundSlot`: min delivered over live members − MIN_CACHED; -Infinity when no
   * member qualifies). Returns the number of slots freed; `lastPass*` say more.
   */
  evictionPass(nowUs: number, freeBelowSlot: number): number {
    this.lastPassEvicted = 0;
    this.lastPassFreedBytes = 0;
    this.lastPassSlots = 0;
    this.lastPassStop = 'protected';
    return this.resumeEvictionPass(nowUs, freeBelowSlot);
  }

  /**
   * Carries on the latest `evictionPass`, at the same `nowUs`, with `freeBelowSlot` at least the
   * bound it stopped at: the cache ends as one pass with the higher bound would have left it (the
   * slots freed so far count towards the cap and `lastPass*`). It frees something only after a
   * pass that stopped at 'protected', so a caller that knows only a lower bound of the true one
   * can run the pass on it and work the true bound out only when the pass reaches it. Returns
   * the number of slots the whole pass freed.
   */
  resumeEvictionPass(nowUs: number, freeBelowSlot: number): number {
    if (this.lastPassStop !== 'protected') return this.lastPassEvicted;
    let evicted = this.lastPassEvicted, freed = this.lastPassFreedBytes, slots = this.lastPassSlots;
    let stop: EvictionStop;
    for (;;) {
      if (this.count === 0) { stop = 'empty'; break; }
      if (!(this.bytes > this.limit)) { stop = 'at-or-below-limit'; break; }
      if (!this.hasConfig) { stop = 'no-config'; break; }
      if (this.installTimeUs + this.configInstallPauseUs > nowUs) { stop = 'config-install-pause'; break; }
      if (!((this.tagCells[this.head] as number) < freeBelowSlot)) { stop = 'protected'; break; }
      // The cap counts XCom slots; a cell standing for several slots is freed whole, so a pass may
      // end up to one cell past it.
      slots += this.slotCells[this.head] as number;
      freed += this.freeOldest();
      evicted++;
      if (slots >= this.maxSlotsPerPass) { stop = 'pass-cap'; break; }
    }
    this.lastPassEvicted = evicted;
    this.lastPassFreedBytes = freed;
    this.lastPassSlots = slots;
    this.lastPassStop = stop;
    return evicted;
  }

  /**
   * XCom stops (deinit_cache): every slot is freed (and reported freed to P_S), last_removed_cache
   * returns to null_synode and the configuration is forgotten. Returns the slots freed.
   */
  clear(): number {
    const n = this.count;
    while (this.count > 0) this.freeOldest();
    this.lastRemoved = -1;
    this.hasConfig = false;
    this.installTimeUs = 0;
    return n;
  }

  // ---------------------------------------------------------------- catch-up

  /**
   * How this node answers a read_op for `slot` from a peer (xcom_base.cc acceptor_learner_task,
   * docs/mysql-behaviour.md §X3 "When the needed message has been evicted"): a cached slot is taught; otherwise, if
   * the requester is behind (slot's msgno < this node's own delivered_msg msgno) and the slot was
   * evicted (`wasRemoved`), the answer is die_op; otherwise nothing useful comes back.
   * `ownDeliveredSlot` is this node's delivered_msg as a slot key.
   */
  answerRead(slot: number, ownDeliveredSlot: number, slotsPerMsgno = 1): ReadAnswer {
    if (this.has(slot)) return 'learn';
    const behind = Math.floor(slot / slotsPerMsgno) < Math.floor(ownDeliveredSlot / slotsPerMsgno);
    return behind && this.wasRemoved(slot) ? 'die' : 'none';
  }
}

// ---------------------------------------------------------------- pure rules

/**
 * Payload bytes of a view_msg slot: its node set, one bool_t per node (app_data.cc node_set_size).
 */
export function viewPayloadBytes(nodes: number): number {
  return nodes * SIZEOF_NODE_SET_ENTRY;
}

/**
 * Payload bytes of an add_node/remove_node/force_config slot: app_data_size reads `data_len`
 * through the union, which aliases the node list's length, so it counts one byte per node
 * (app_data.cc app_data_size, 8.0.27+; ⚠ an aliasing accident, read from the source).
 */
export function configPayloadBytes(nodes: number): number {
  return nodes;
}

/**
 * get_min_delivered_msg (site_def.cc): the lowest delivered_msg over the nodes of the latest
 * configuration heard from within DETECTOR_LIVE_TIMEOUT, i.e. `lastHeardUs + 5 s > nowUs`
 * (strict; the real-time `servers[i]->detected` stamps, self included). A silent member stops
 * counting 5 s after it was last heard; a slow one that still talks keeps counting. Returns
 * Infinity (XCom's null_synode) when no node qualifies, and then nothing may be freed.
 * `nodes` lists the indices to consider (default: all); node i's values are at `offset + i` (one
 * row of a matrix, read without a view of its own). Infinity rather than null keeps the result a
 * number, which optimised code holds unboxed: a variable holding null or a double stores the
 * double as a heap object, an allocation per node at every shrink_cache, which XCom runs at every
 * learn.
 */
export function lowestDeliveredHeard(
  deliveredSlot: ArrayLike<number>,
  lastHeardUs: ArrayLike<number>,
  nowUs: number,
  nodes?: ArrayLike<number>,
  liveTimeoutUs: number = DETECTOR_LIVE_TIMEOUT_US,
  offset = 0,
): number {
  let min = Infinity;
  const n = nodes === undefined ? deliveredSlot.length - offset : nodes.length;
  for (let k = 0; k < n; k++) {
    const i = offset + (nodes === undefined ? k : (nodes[k] as number));
    if ((lastHeardUs[i] as number) + liveTimeoutUs > nowUs) {
      const d = deliveredSlot[i] as number;
      if (d < min) min = d;
    }
  }
  return min;
}

/**
 * The `freeBelowSlot` bound for `evictionPass` (can_deallocate): a slot may be freed when
 * slot.msgno + MIN_CACHED < minDelivered.msgno. With slot keys `msgno * N + node` that is
 * slot < (minDelivered.msgno − MIN_CACHED) · N, so at least MIN_CACHED × N slots stay below
 * the slowest live member. -Infinity when `minDelivered` is Infinity (lowestDeliveredHeard: no
 * node qualifies, nothing may be freed).
 */
export function protectionBoundSlot(minDelivered: number, slotsPerMsgno = 1, minCached = MIN_CACHED): number {
  if (minDelivered === Infinity) return -Infinity;
  return (Math.floor(minDelivered / slotsPerMsgno) - minCached) * slotsPerMsgno;
}

/** The inputs of the MY-011735 "messages … have been evicted" check for one suspicion. */
export interface EvictedWarningInput {
  /** A member suspicion (non-member suspicions are never checked). */
  readonly isMember: boolean;
  /** The suspicion timed out in this run (it is expelled instead of checked). */
  readonly timedOut: boolean;
  /** The suspicion was already flagged (has_lost_messages): the warning is once per suspicion. */
  readonly alreadyWarned: boolean;
  /**
   * GCS's m_cache_last_removed as a slot key: the `lastRemovedSlot` XCom handed over with the
   * latest delivered data message (-1 before any eviction), not the cache's current value.
   */
  readonly cacheLastRemovedSlot: number;
  /** XCom's max_synode recorded when the suspicion was created, as a slot key. */
  readonly suspicionMaxSynodeSlot: number;
}

/**
 * Whether a suspicions-thread run logs WARNING MY-011735 "[GCS] Messages that are needed to
 * recover node … have been evicted from the message  cache. …" for this suspicion and flags it
 * (gcs_xcom_control_interface.cc run_process_suspicions): a member suspect that has not timed
 * out, not yet flagged, with synode_gt(m_cache_last_removed, suspect's max_synode).
 */
export function evictedWarningApplies(s: EvictedWarningInput): boolean {
  return s.isMember && !s.timedOut && !s.alreadyWarned && s.cacheLastRemovedSlot > s.suspicionMaxSynodeSlot;
}

/**
 * Whether a die_op for `dieSlot` makes the receiving node exit (xcom_base.cc process_die_op): only
 * when it has not yet executed that slot (!synode_lt(die synode, executed_msg)); a die_op for a
 * message it already delivered is ignored.
 */
export function dieOpIsFatal(dieSlot: number, executedSlot: number): boolean {
  return dieSlot >= executedSlot;
}
