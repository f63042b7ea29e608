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
 * Memory is bounded by the cached slots, not by the number of messages: a slot holding a batch
 * of 5,000 transactions is one cell (its byte count), and a run of equal cells at consecutive
 * keys is one record of six Float64 numbers, in a store that grows geometrically and never holds
 * a JS object per slot.
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

  /**
   * `times` times, `alloc(bytes, slots)` then `free(bytes, slots)`: a cache that stays at its limit,
   * each learned cell taking it above by one cell and the pass at once freeing an equal one
   * (MessageCache.churnRun). The high-water marks see one cell above the level, not `times`.
   */
  churn(bytes: number, slots: number, times: number): void {
    if (times <= 0) return;
    this.alloc(bytes, slots);
    this.free(bytes, slots);
    this.countAlloc += (times - 1) * slots;
    this.countFree += (times - 1) * slots;
    this.bytesAlloc += (times - 1) * bytes;
    this.bytesFree += (times - 1) * bytes;
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
  /** Initial capacity in records, runs of equal cells (rounded up to a power of two). @defaultValue 1024 */
  readonly initialCapacity?: number;
  /**
   * Passes that go to the general eviction walk from their first cell, before the short loop of
   * `evictionPass` takes the common case. The walk frees what the loop would, so this changes
   * no result, only V8's type feedback: XcomCluster sets it (see CACHE_WALKS_FIRST there).
   * @defaultValue 0
   */
  readonly walksFirst?: number;
  /**
   * Largest span of slot keys (newest − oldest + 1) the cache may hold: an add that would widen
   * it further is an InvariantError (a caller bug such as a wildly sparse key). Exactly this
   * bound; the ring this cache replaced allowed up to its power-of-two capacity. At most 2^30.
   * @defaultValue 33554432
   */
  readonly maxSpanSlots?: number;
}

const DEFAULT_LIMIT_BYTES = 1_073_741_824;
const DEFAULT_INITIAL_CAPACITY = 1024;
const DEFAULT_MAX_SPAN = 1 << 25;
/** The largest maxSpanSlots: a run's length stays a small integer (the ring this cache replaced needed 24 GiB for such a span). */
const MAX_SPAN_LIMIT = 1 << 30;

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

/** Fields of one record in `MessageCache.recs`: a run of `LEN` cached cells of consecutive slot keys. */
const START = 0; // the run's first slot key
const LEN = 1; // cells in the run (≥ 1)
const BYTES = 2; // bytes of each cell
const SLOTS = 3; // XCom slots each cell stands for
const TAG = 4; // the eviction tag of the run's first cell
const STEP = 5; // tag of cell k = TAG + k·STEP; NaN while a run has had one cell only
const REC = 6;
/**
 * Cells evictionPass frees one by one before it hands a pass on to the walk that frees runs
 * at once (a full cache frees a cell or two per learn; a lowered limit may free thousands).
 */
const FAST_EVICTION_CELLS = 4;

/**
 * `a.copyWithin(to, from, end)`, in a loop when it moves a record or two (a learn out of order
 * usually lands just behind the newest records), where the builtin's call costs more than the copy.
 */
function moveNumbers(a: Float64Array, to: number, from: number, end: number): void {
  const n = end - from;
  if (n > 2 * REC) {
    a.copyWithin(to, from, end);
  } else if (to > from) {
    for (let k = n - 1; k >= 0; k--) a[to + k] = a[from + k] as number;
  } else {
    for (let k = 0; k < n; k++) a[to + k] = a[from + k] as number;
  }
}

/**
 * How many of the `len` values x0 + i·d (i = 0, 1, …; d > 0, the first one known below `bound`)
 * are below `bound`: the closed form, then corrected with the exact comparisons a cell-by-cell
 * walk makes (the division may round; with integers below 2^53 the products and sums are exact).
 */
function leadingBelow(x0: number, d: number, bound: number, len: number): number {
  let q = Math.ceil((bound - x0) / d);
  if (!(q <= len)) q = len;
  if (q < 1) q = 1;
  while (q > 1 && !(x0 + (q - 1) * d < bound)) q--;
  while (q < len && x0 + q * d < bound) q++;
  return q;
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
 *
 * Storage: the cached cells are kept as runs, one record per run of cells at consecutive slot keys
 * with the same bytes and slots and tags advancing by a fixed step (an idle group learns nothing
 * else: a day of it is one record per cache, where a ring held 24 bytes per slot). Records are
 * sorted by slot key in `recs[headRec, tailRec)` with no overlap; holes lie between records. A
 * run shrinks from its front on eviction, which is the only way a run is ever split. Every value
 * a method returns is the one of a cell-by-cell cache (test/xcom/message-cache-runs.test.ts
 * checks it against one): eviction frees the oldest cells one at a time within its caps, worked
 * out per run in closed form (`leadingBelow`), exact because a run's bytes, slots and tags are
 * integers (`extendable`).
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

  /** The records, REC numbers each (START … STEP), in record slots [headRec, tailRec). */
  private recs: Float64Array;
  private headRec = 0;
  private tailRec = 0;
  /** Offset in `recs` of the newest record (meaningful while something is cached). */
  private tailOff = 0;
  /** The newest cached slot + 1, the key an in-order learn brings; NaN (equal to no key) when nothing is cached. */
  private nextSlot = NaN;
  /**
   * The oldest cached slot + maxSpanSlots, where keys start to make the span too wide; eviction
   * leaves it behind (lower), and addCell's slow path brings it up to date before it decides.
   */
  private spanEnd = 0;
  /** The record the latest lookup found (a catch-up reads consecutive slots). */
  private hint = 0;
  private count = 0;
  private bytes = 0;
  private lastRemoved = -1;
  /** XCom slots freed since the cache was created (evictions and clears). */
  freedSlots = 0;
  /** The part of freedSlots that `clear` freed (XCom stopping), not evicted for the limit. */
  clearedSlots = 0;
  private slotsHeld = 0;
  private hasConfig = false;
  private installTimeUs = 0;
  /** When slots may be freed again: the install time + the pause, Infinity without a configuration. */
  private freeFromUs = Infinity;

  /** Slots freed by the latest `evictionPass`. */
  lastPassEvicted = 0;
  /** Bytes freed by the latest `evictionPass`. */
  lastPassFreedBytes = 0;
  /** Why the latest `evictionPass` stopped. */
  lastPassStop: EvictionStop = 'empty';
  /** XCom slots freed by the latest `evictionPass` (its cap counts them; `resumeEvictionPass` carries on). */
  private lastPassSlots = 0;
  /** Cells evictionPass frees in its short loop: 0 while walksFirst walks remain, then FAST_EVICTION_CELLS. */
  private fastEvictionCells: number;
  private walksFirst: number;

  constructor(options: MessageCacheOptions = {}) {
    this.limit = nonNegativeInteger('group_replication_message_cache_size', options.limitBytes ?? DEFAULT_LIMIT_BYTES);
    this.sizeofPaxMsg = positiveInteger('sizeofPaxMsg', options.sizeofPaxMsg ?? SIZEOF_PAX_MSG);
    this.sizeofAppData = nonNegativeInteger('sizeofAppData', options.sizeofAppData ?? SIZEOF_APP_DATA);
    this.maxSlotsPerPass = positiveInteger('maxSlotsPerPass', options.maxSlotsPerPass ?? SHRINK_CACHE_MAX_SLOTS);
    this.configInstallPauseUs = nonNegativeInteger('configInstallPauseUs', options.configInstallPauseUs ?? DETECTOR_LIVE_TIMEOUT_US);
    this.maxSpan = positiveInteger('maxSpanSlots', options.maxSpanSlots ?? DEFAULT_MAX_SPAN);
    if (this.maxSpan > MAX_SPAN_LIMIT) throw new ConfigError('maxSpanSlots', `must be at most ${MAX_SPAN_LIMIT}`, this.maxSpan);
    this.instrument = options.instrument ?? new XcomCacheMemoryInstrument();
    let cap = 1;
    const want = positiveInteger('initialCapacity', options.initialCapacity ?? DEFAULT_INITIAL_CAPACITY);
    while (cap < want) cap *= 2;
    this.recs = new Float64Array(cap * REC);
    this.walksFirst = nonNegativeInteger('walksFirst', options.walksFirst ?? 0);
    this.fastEvictionCells = this.walksFirst > 0 ? 0 : FAST_EVICTION_CELLS;
    // Written once now, so that no optimised code takes them for constants: the first eviction
    // (seconds into a busy run) would otherwise change the object's layout and throw away the
    // optimised code of every caller, the learn path included (the same for the instrument's sums).
    // Slot keys read from the records' Float64Array (eviction): a floating-point field from the start.
    this.lastRemoved = -0.5;
    this.lastRemoved = -1;
    this.freedSlots = 0.5;
    this.freedSlots = 0;
    this.clearedSlots = 0.5;
    this.clearedSlots = 0;
    this.lastPassEvicted = -1;
    this.lastPassEvicted = 0;
    this.lastPassFreedBytes = 0.5;
    this.lastPassFreedBytes = 0;
    this.lastPassSlots = 0.5;
    this.lastPassSlots = 0;
    this.slotsHeld = 0.5;
    this.slotsHeld = 0;
    // Slot keys pass 2^31 in long runs of a busy group: floating-point fields from the start.
    this.nextSlot = 0.5;
    this.nextSlot = NaN;
    this.spanEnd = 0.5;
    this.spanEnd = 0;
    // The cached bytes drop by values read from a Float64Array (eviction), so they become a
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

  /** Whether evictionPass frees the common case in its short loop now (its walks to take first are done: walksFirst). */
  get evictsInShortLoop(): boolean {
    return this.fastEvictionCells > 0;
  }

  /** Records (runs of equal cells) the cache holds now (for tests and the bench). */
  get recordCount(): number {
    return this.tailRec - this.headRec;
  }

  /** Records the store holds before it grows (for tests and the bench: memory is 48 bytes per record). */
  get capacityRecords(): number {
    return this.recs.length / REC;
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
    // The common case, a cell just past the newest one and equal to it (every learn of an idle
    // node): the newest run grows by one, in a few lines that callers can inline; anything else below.
    if (slot === this.nextSlot && slot < this.spanEnd) {
      const r = this.recs, t = this.tailOff, len = r[t + LEN] as number;
      if (bytes === r[t + BYTES] && slots === r[t + SLOTS] && tag === (r[t + TAG] as number) + len * (r[t + STEP] as number)) {
        r[t + LEN] = len + 1;
        this.nextSlot = slot + 1;
        this.count++;
        this.bytes += bytes;
        this.slotsHeld += slots;
        this.instrument.alloc(bytes, slots);
        return bytes;
      }
    }
    return this.addCellAnywhere(slot, bytes, slots, tag);
  }

  /**
   * `count` addCell calls for consecutive equal cells: slots `slot` to `slot + count − 1`, tags
   * `tag` to `tag + count − 1`, each of `bytes` and `slots` (a steady group's statistics cells,
   * learned by a jump over steady seconds: SteadyReplay). Once the newest run continues with them,
   * it grows by all that are left at once, with the counters and the P_S row (whose high-water
   * marks only rise while cells are added) as the calls one by one leave them.
   */
  addRun(slot: number, bytes: number, slots: number, tag: number, count: number): void {
    for (let k = 0; k < count; k++) {
      const s = slot + k;
      if (s === this.nextSlot && slot + count - 1 < this.spanEnd) {
        const r = this.recs, t = this.tailOff, len = r[t + LEN] as number;
        if (bytes === r[t + BYTES] && slots === r[t + SLOTS] && r[t + STEP] === 1 && tag + k === (r[t + TAG] as number) + len) {
          const rest = count - k;
          r[t + LEN] = len + rest;
          this.nextSlot = slot + count;
          this.count += rest;
          this.bytes += rest * bytes;
          this.slotsHeld += rest * slots;
          this.instrument.alloc(rest * bytes, rest * slots);
          return;
        }
      }
      this.addCell(s, bytes, slots, tag + k);
    }
  }

  /**
   * `count` learns of consecutive equal cells (as addRun) into a cache that evicts steadily, each
   * followed by `evictionPass(nowUs, Infinity)` that frees one oldest cell of the same bytes and
   * slots and stops at the limit (steadyEvictionLearns said that at least `count` learns do): a
   * jump over steady seconds of an idle group at its cache limit (SteadyReplay). Once the newest
   * run continues with them, the rest are added and as many of the oldest cells freed in one go,
   * with the counters, the last pass and the P_S row (`churn`) as the learns and passes one by one
   * leave them. Returns false, having done nothing more, when a pass would not have freed exactly
   * one equal cell.
   */
  churnRun(slot: number, bytes: number, slots: number, tag: number, count: number, nowUs: number): boolean {
    for (let k = 0; k < count; k++) {
      const s = slot + k;
      if (s === this.nextSlot && slot + count - 1 < this.spanEnd && this.fastEvictionCells > 0) {
        const r = this.recs, t = this.tailOff, len = r[t + LEN] as number;
        if (bytes === r[t + BYTES] && slots === r[t + SLOTS] && r[t + STEP] === 1 && tag + k === (r[t + TAG] as number) + len) {
          // The newest run grows by the rest, then as many of the oldest cells go (the newest run's own
          // first cells among them when it is the only one, as each pass in turn would free them).
          const rest = count - k;
          r[t + LEN] = len + rest;
          this.count += rest;
          if (!this.freeEqualOldest(rest, bytes, slots)) throw new InvariantError(`churnRun: the ${rest} oldest cells are not all of ${bytes} bytes and ${slots} slots`);
          this.count -= rest;
          this.nextSlot = slot + count;
          this.instrument.churn(bytes, slots, rest);
          this.lastPassEvicted = 1;
          this.lastPassFreedBytes = bytes;
          this.lastPassSlots = slots;
          this.lastPassStop = 'at-or-below-limit';
          return true;
        }
      }
      this.addCell(s, bytes, slots, tag + k);
      if (this.evictionPass(nowUs, Infinity) !== 1 || this.lastPassFreedBytes !== bytes || this.lastPassSlots !== slots) return false;
    }
    return true;
  }

  /**
   * Frees the `cells` oldest cells, all of `bytes` and `slots`, below the newest one (churnRun),
   * as that many one-cell passes would: the records shorten from the front, the counters and the
   * last removed slot move; the count of cells, bytes and slots held, and the P_S row, are the
   * caller's. False, changing nothing, when they are not all such cells or the cache would empty.
   */
  private freeEqualOldest(cells: number, bytes: number, slots: number): boolean {
    const r = this.recs;
    let left = cells;
    for (let k = this.headRec; left > 0; k++) {
      if (k >= this.tailRec) return false;
      const o = k * REC;
      if (r[o + BYTES] !== bytes || r[o + SLOTS] !== slots) return false;
      left -= Math.min(left, r[o + LEN] as number);
    }
    if (cells >= this.count) return false;
    left = cells;
    let last = 0;
    while (left > 0) {
      const o = this.headRec * REC, len = r[o + LEN] as number;
      if (len > left) {
        last = (r[o + START] as number) + left - 1;
        r[o + START] = (r[o + START] as number) + left;
        r[o + LEN] = len - left;
        r[o + TAG] = (r[o + TAG] as number) + left * (r[o + STEP] as number);
        left = 0;
      } else {
        last = (r[o + START] as number) + len - 1;
        this.headRec++;
        left -= len;
      }
    }
    this.lastRemoved = last;
    this.freedSlots += cells * slots;
    return true;
  }

  /** Stores a cell at the key just past the newest run that does not continue it as it stands. */
  private appendCell(slot: number, bytes: number, slots: number, tag: number): void {
    if (this.extendable(this.tailOff, bytes, slots, tag)) this.extend(this.tailOff, tag);
    else this.insertRecord(this.tailRec, slot, bytes, slots, tag);
  }

  /** addCell for any slot: checks its arguments, starts runs, fills holes, makes room. */
  private addCellAnywhere(slot: number, bytes: number, slots: number, tag: number): number {
    checkSlot(slot);
    const b = bytes;
    if (!(b > 0) || !Number.isFinite(b)) throw new InvariantError(`cache cell bytes must be > 0, got ${b}`);
    if (this.count === 0) {
      this.headRec = this.tailRec = 0;
      this.insertRecord(0, slot, b, slots, tag);
      this.nextSlot = slot + 1;
      this.spanEnd = slot + this.maxSpan;
    } else if (slot >= this.nextSlot) {
      const oldest = this.recs[this.headRec * REC + START] as number;
      this.spanEnd = oldest + this.maxSpan;
      if (slot >= this.spanEnd) this.tooWide(slot - oldest + 1);
      if (slot === this.nextSlot) this.appendCell(slot, b, slots, tag);
      else this.insertRecord(this.tailRec, slot, b, slots, tag);
      this.nextSlot = slot + 1;
    } else {
      const k = this.recordAtOrBefore(slot), r = this.recs;
      if (k < this.headRec) {
        if (this.nextSlot - slot > this.maxSpan) this.tooWide(this.nextSlot - slot);
        this.insertRecord(this.headRec, slot, b, slots, tag);
        this.spanEnd = slot + this.maxSpan;
      } else {
        const o = k * REC, end = (r[o + START] as number) + (r[o + LEN] as number);
        if (slot < end) return 0;
        if (slot === end && this.extendable(o, b, slots, tag)) this.extend(o, tag);
        else this.insertRecord(k + 1, slot, b, slots, tag);
      }
    }
    this.count++;
    this.bytes += b;
    this.slotsHeld += slots;
    this.instrument.alloc(b, slots);
    return b;
  }

  private tooWide(span: number): never {
    throw new InvariantError(`message cache span of ${span} slots exceeds maxSpanSlots ${this.maxSpan}`);
  }

  /**
   * Whether a cell (bytes, slots, tag) at the slot just past the run at offset `o` continues it.
   * A run of one cell takes any rising whole-number step of tags; only whole numbers below 2^53
   * join runs, so that the closed forms of eviction equal the cell-by-cell sums.
   */
  private extendable(o: number, bytes: number, slots: number, tag: number): boolean {
    const r = this.recs, len = r[o + LEN] as number, tag0 = r[o + TAG] as number;
    if (bytes !== r[o + BYTES] || slots !== r[o + SLOTS]) return false;
    if (len > 1) return tag === tag0 + len * (r[o + STEP] as number);
    return Number.isSafeInteger(bytes) && Number.isSafeInteger(slots) && Number.isSafeInteger(tag) && Number.isSafeInteger(tag0) && tag > tag0;
  }

  /** Appends a cell with tag `tag` to the run at offset `o` (extendable said yes). */
  private extend(o: number, tag: number): void {
    const r = this.recs, len = r[o + LEN] as number;
    if (len === 1) r[o + STEP] = tag - (r[o + TAG] as number);
    r[o + LEN] = len + 1;
  }

  /** Inserts a one-cell record at record slot `at` (headRec ≤ at ≤ tailRec), moving the fewer records. */
  private insertRecord(at: number, slot: number, bytes: number, slots: number, tag: number): void {
    if (at === this.tailRec || this.headRec === 0) {
      if (this.tailRec * REC === this.recs.length) at -= this.makeRoom();
      const r = this.recs;
      if (at < this.tailRec) moveNumbers(r, (at + 1) * REC, at * REC, this.tailRec * REC);
      this.tailRec++;
    } else if (at - this.headRec <= this.tailRec - at) {
      moveNumbers(this.recs, (this.headRec - 1) * REC, this.headRec * REC, at * REC);
      this.headRec--;
      at--;
    } else {
      if (this.tailRec * REC === this.recs.length) at -= this.makeRoom();
      moveNumbers(this.recs, (at + 1) * REC, at * REC, this.tailRec * REC);
      this.tailRec++;
    }
    const r = this.recs, o = at * REC;
    r[o + START] = slot;
    r[o + LEN] = 1;
    r[o + BYTES] = bytes;
    r[o + SLOTS] = slots;
    r[o + TAG] = tag;
    r[o + STEP] = NaN;
    this.tailOff = (this.tailRec - 1) * REC;
  }

  /**
   * Frees the record slot past the end: moves the records to the front when they fill at most
   * half the store, else doubles it. Returns how far the records moved down.
   */
  private makeRoom(): number {
    const head = this.headRec, live = this.tailRec - head, cap = this.recs.length / REC;
    if (live * 2 <= cap && head > 0) {
      this.recs.copyWithin(0, head * REC, this.tailRec * REC);
    } else {
      const next = new Float64Array(this.recs.length * 2);
      next.set(this.recs.subarray(head * REC, this.tailRec * REC), 0);
      this.recs = next;
    }
    this.headRec = 0;
    this.tailRec = live;
    this.hint -= head;
    return head;
  }

  /** The record slot of the last record starting at or before `slot`, headRec − 1 when none does. */
  private recordAtOrBefore(slot: number): number {
    const r = this.recs;
    let h = this.hint;
    if (h >= this.headRec && h < this.tailRec && (r[h * REC + START] as number) <= slot) {
      // A catch-up reads consecutive slots: the record of the previous lookup or the next one.
      if (h + 1 === this.tailRec || (r[(h + 1) * REC + START] as number) > slot) return h;
      h++;
      if (h + 1 === this.tailRec || (r[(h + 1) * REC + START] as number) > slot) return (this.hint = h);
    }
    // A learn out of order usually fills a hole just behind the newest records: a few from the end.
    const last = this.tailRec - 1, stop = Math.max(this.headRec, last - 4);
    for (let k = last; k >= stop; k--) {
      if ((r[k * REC + START] as number) <= slot) return k;
    }
    let lo = this.headRec, hi = stop; // the answer is in [lo − 1, hi − 1]
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((r[mid * REC + START] as number) <= slot) lo = mid + 1;
      else hi = mid;
    }
    if (lo > this.headRec) this.hint = lo - 1;
    return lo - 1;
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
    if (this.count === 0 || !(slot < this.nextSlot)) return 0;
    const k = this.recordAtOrBefore(slot);
    if (k < this.headRec) return 0;
    const r = this.recs, o = k * REC;
    return slot < (r[o + START] as number) + (r[o + LEN] as number) ? r[o + BYTES] as number : 0;
  }

  /** The oldest cached slot, or -1 when the cache is empty. */
  get oldestSlot(): number {
    return this.count === 0 ? -1 : this.recs[this.headRec * REC + START] as number;
  }

  /** The newest cached slot, or -1 when the cache is empty. */
  get newestSlot(): number {
    return this.count === 0 ? -1 : this.nextSlot - 1;
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

  /**
   * Frees the oldest `n` cells (1 ≤ n ≤ the oldest run's length), reports them freed to P_S in
   * one call (its LOW_ marks are the minimum reached, the same after one call as after n), and
   * moves the oldest slot on. Returns the bytes freed.
   */
  private freeOldest(n: number): number {
    const r = this.recs, o = this.headRec * REC;
    const start = r[o + START] as number, len = r[o + LEN] as number, b = r[o + BYTES] as number, s = r[o + SLOTS] as number;
    const freedBytes = n * b, freedSlots = n * s;
    this.countFreed(start + n - 1, n, freedBytes, freedSlots);
    if (n < len) {
      r[o + START] = start + n;
      r[o + LEN] = len - n;
      r[o + TAG] = (r[o + TAG] as number) + n * (r[o + STEP] as number);
    } else if (++this.headRec === this.tailRec) {
      this.headRec = this.tailRec = 0;
      this.nextSlot = NaN;
    }
    return freedBytes;
  }

  /** Counts `cells` oldest cells (the newest of them `lastSlot`) freed, and reports them to P_S. */
  private countFreed(lastSlot: number, cells: number, freedBytes: number, freedSlots: number): void {
    this.lastRemoved = lastSlot;
    this.count -= cells;
    this.bytes -= freedBytes;
    this.freedSlots += freedSlots;
    this.slotsHeld -= freedSlots;
    this.instrument.free(freedBytes, freedSlots);
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
    this.freeFromUs = nowUs + this.configInstallPauseUs;
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
    // The common case, a full cache at a learn: a cell or two go, each the oldest of a cache that
    // keeps cells after it, configured, past the pause, below the bound and under the cap. They are
    // freed one by one in this short loop, with the sums in locals and counted freed once (P_S
    // gets one free for them all, which leaves its row as one per cell would: nothing is allocated
    // between them); anything else (or a longer walk, which frees runs at once) goes on in
    // evictionWalk, whose code stays out of this method's optimised code.
    const r = this.recs, limit = this.limit;
    let bytes = this.bytes, count = this.count, head = this.headRec;
    let cells = 0, freedBytes = 0, slots = 0, last = 0;
    while (bytes > limit) {
      const o = head * REC, s = r[o + SLOTS] as number, tag = r[o + TAG] as number;
      if (cells === this.fastEvictionCells || !(count > 1 && tag < freeBelowSlot && slots + s < this.maxSlotsPerPass &&
          this.freeFromUs <= nowUs)) {
        break;
      }
      const start = r[o + START] as number, len = r[o + LEN] as number, b = r[o + BYTES] as number;
      if (len > 1) {
        r[o + START] = start + 1;
        r[o + LEN] = len - 1;
        r[o + TAG] = tag + (r[o + STEP] as number);
      } else {
        head++; // count > 1: a record follows
      }
      last = start;
      count--;
      bytes -= b;
      freedBytes += b;
      slots += s;
      cells++;
    }
    this.lastPassEvicted = cells;
    this.lastPassFreedBytes = freedBytes;
    this.lastPassSlots = slots;
    if (cells > 0) {
      this.headRec = head;
      this.countFreed(last, cells, freedBytes, slots);
    }
    if (bytes > limit) return this.evictionWalk(nowUs, freeBelowSlot);
    this.lastPassStop = count === 0 ? 'empty' : 'at-or-below-limit';
    return cells;
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
    return this.evictionWalk(nowUs, freeBelowSlot);
  }

  /**
   * How many learns of cells of `bytes` bytes and `slots` XCom slots, one after another from now
   * on, each free exactly one cell and leave the cache as it was before that learn (bytes, cells,
   * slots; the oldest key one on), at most `max`: the steady eviction of an idle group, whose every
   * cell is one statistics message (docs/speed.md, "Eviction in the steady replay"). Each such
   * learn takes the cache above its limit by less than one cell (limit − bytes < cache_size ≤
   * limit), and its pass (`evictionPass` or `resumeEvictionPass`, with any bound at or above
   * `freeBelowSlot`) frees the oldest cell, of the same size, and stops at the limit. So the
   * count is that of the oldest cells cached now that equal the learned one and are below
   * `freeBelowSlot`, with the 5 s pause after the latest configuration over by `nowUs` (later
   * learns keep it over); the cells learned meanwhile are not counted (they are the newest). 0 when
   * the cache is not in that state.
   */
  steadyEvictionLearns(bytes: number, slots: number, freeBelowSlot: number, nowUs: number, max: number): number {
    if (this.count === 0 || !(this.bytes <= this.limit && this.bytes + bytes > this.limit) || this.freeFromUs > nowUs) return 0;
    const r = this.recs;
    let cells = 0;
    for (let k = this.headRec; k < this.tailRec && cells < max; k++) {
      const o = k * REC, len = r[o + LEN] as number, tag = r[o + TAG] as number, step = r[o + STEP] as number;
      if (r[o + BYTES] !== bytes || r[o + SLOTS] !== slots || !(tag < freeBelowSlot)) break;
      // A run's tags rise by its step (NaN for a one-cell record); a falling or flat run is below the bound throughout.
      const below = len === 1 || !(step > 0) ? len : leadingBelow(tag, step, freeBelowSlot, len);
      cells += below;
      if (below < len) break;
    }
    return Math.min(cells, max);
  }

  /** evictionPass and resumeEvictionPass in general: the cell-by-cell walk of shrink_cache, runs freed at once. */
  private evictionWalk(nowUs: number, freeBelowSlot: number): number {
    if (this.fastEvictionCells === 0 && --this.walksFirst <= 0) this.fastEvictionCells = FAST_EVICTION_CELLS;
    let evicted = this.lastPassEvicted, freed = this.lastPassFreedBytes, slots = this.lastPassSlots;
    const r = this.recs;
    let stop: EvictionStop;
    for (;;) {
      if (this.count === 0) { stop = 'empty'; break; }
      if (!(this.bytes > this.limit)) { stop = 'at-or-below-limit'; break; }
      if (!this.hasConfig) { stop = 'no-config'; break; }
      if (this.installTimeUs + this.configInstallPauseUs > nowUs) { stop = 'config-install-pause'; break; }
      const o = this.headRec * REC, tag = r[o + TAG] as number, s = r[o + SLOTS] as number;
      if (!(tag < freeBelowSlot)) { stop = 'protected'; break; }
      // One cell, unless the walk would go on to the run's next one (a full cache frees a cell or
      // two per learn): then as many as it frees before one of its tests stops it.
      let n = 1;
      if ((r[o + LEN] as number) > 1 && this.bytes - (r[o + BYTES] as number) > this.limit && slots + s < this.maxSlotsPerPass &&
          tag + (r[o + STEP] as number) < freeBelowSlot) {
        n = this.cellsToFree(o, slots, freeBelowSlot);
      }
      // The cap counts XCom slots; a cell standing for several slots is freed whole, so a pass may
      // end up to one cell past it.
      slots += n * s;
      freed += this.freeOldest(n);
      evicted += n;
      if (slots >= this.maxSlotsPerPass) { stop = 'pass-cap'; break; }
    }
    this.lastPassEvicted = evicted;
    this.lastPassFreedBytes = freed;
    this.lastPassSlots = slots;
    this.lastPassStop = stop;
    return evicted;
  }

  /**
   * How many oldest cells of the run at offset `o` (at least two, the caller checked) a
   * cell-by-cell pass frees: while above the limit, tags below `freeBelowSlot`, and the pass's
   * slots (`passSlots` so far) under the cap, which counts after each cell.
   */
  private cellsToFree(o: number, passSlots: number, freeBelowSlot: number): number {
    const r = this.recs;
    let n = leadingBelow(-this.bytes, r[o + BYTES] as number, -this.limit, r[o + LEN] as number);
    if (n > 1) n = leadingBelow(r[o + TAG] as number, r[o + STEP] as number, freeBelowSlot, n);
    if (n > 1) n = leadingBelow(passSlots, r[o + SLOTS] as number, this.maxSlotsPerPass, n);
    // A small integer (runs are shorter than maxSpanSlots ≤ 2^30), so that the counts it goes into
    // stay small-integer fields: a field that turns floating-point throws away optimised callers.
    return n | 0;
  }

  /**
   * XCom stops (deinit_cache): every slot is freed (and reported freed to P_S), last_removed_cache
   * returns to null_synode and the configuration is forgotten. Returns the slots freed.
   */
  clear(): number {
    const n = this.count, freedBefore = this.freedSlots;
    while (this.count > 0) this.freeOldest((this.recs[this.headRec * REC + LEN] as number) | 0); // see cellsToFree
    this.clearedSlots += this.freedSlots - freedBefore;
    this.lastRemoved = -1;
    this.hasConfig = false;
    this.installTimeUs = 0;
    this.freeFromUs = Infinity;
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
