import { parseDuration } from '../duration.js';
import { ConfigError } from '../errors.js';
import type { Kernel } from '../kernel/kernel.js';
import type { RandomStream } from '../rng/random-stream.js';
import type { WorkloadEvent } from '../observe/events.js';
import { DELAY_NOT_KNOWN } from '../xcom/consensus.js';

/**
 * Client write workloads (issue 4): per member, streams of transactions and one-off transactions,
 * turned into GCS payloads by GR's rules (LZ4 compression above
 * group_replication_compression_threshold, fragmentation above
 * group_replication_communication_max_message_size; gcs_message_stage_lz4.cc,
 * gcs_message_stage_split.cc) and handed to the member's XCom proposer queue in aggregate, one
 * call per tick, never one event per transaction.
 *
 * Arrivals are evenly spaced (no Poisson burstiness): a stream at `rate` submits rate × Δ
 * transactions per tick, carrying the fraction. Open-loop by default; with `clients` the stream is
 * closed-loop: the member never has more than that many transactions in flight, so commit latency
 * caps throughput (this is how a dead channel's slower pipeline shows as lost throughput).
 * Transactions arriving while the member cannot take writes (not ONLINE, read-only, stopped) are
 * refused, not retried; on a frozen (SIGSTOP) member, and on a new primary whose election process
 * holds them (BEFORE_ON_PRIMARY_FAILOVER, AFTER), their clients block and the statements are
 * checked after the thaw or the process's end, as write() does. Each member's counters say why (WorkloadHold, aggregated per
 * reason), as do transactions admitted while no majority was reachable (they wait).
 */

/** A transaction size distribution, in bytes of the transaction's GCS payload before compression. */
export type SizeDistribution =
  | { readonly kind: 'fixed'; readonly bytes: number }
  | { readonly kind: 'uniform'; readonly min: number; readonly max: number }
  | { readonly kind: 'list'; readonly sizes: readonly number[] };

/** Periodic bursts: every `everyUs`, for `durationUs`, the stream runs at `rate` instead. */
export interface Burst {
  readonly everyUs: number;
  readonly durationUs: number;
  readonly rate: number;
}

/** A steady stream of transactions on one member, normalised. */
export interface WorkloadStream {
  readonly kind: 'stream';
  readonly member: string;
  /** Transactions per second. */
  readonly rate: number;
  readonly size: SizeDistribution;
  readonly fromUs: number;
  /** Exclusive end; Infinity for "until the run ends". */
  readonly toUs: number;
  readonly burst: Burst | null;
  /** Original size ÷ LZ4-compressed size for payloads above the compression threshold. ⚠ Data-dependent. */
  readonly compressionRatio: number;
  /**
   * Closed loop: client connections, each waiting for its transaction to commit before the next,
   * so at most this many of the member's transactions are in flight and `rate` is only a ceiling;
   * null for an open-loop stream.
   */
  readonly clients: number | null;
}

/** One transaction at a given time (e.g. a 1,000,000-row INSERT … SELECT), normalised. */
export interface WorkloadTransaction {
  readonly kind: 'transaction';
  readonly member: string;
  readonly atUs: number;
  readonly bytes: number;
  readonly compressionRatio: number;
}

export type WorkloadItem = WorkloadStream | WorkloadTransaction;

/**
 * A workload entry as given to createSimulation or written in a scenario file:
 * `{ member, rate: 2000 | "2000/s", size: 4096 | "4KiB" | { uniform: [min, max] } | { list: [...] },
 *    from?, to?, burst?: { every, for, rate }, clients?, compressionRatio? }` or
 * `{ member, at, transaction: { size, compressionRatio? } }`. Times are microseconds or durations
 * ("30s"); sizes are bytes or strings with B, KB/KiB, MB/MiB, GB/GiB.
 */
export type WorkloadInput = Readonly<Record<string, unknown>>;

/** The default compression ratio (⚠ an assumption: LZ4 on row-based binlog events often halves them). */
export const DEFAULT_COMPRESSION_RATIO = 2;

const SIZE_UNITS: Record<string, number> = {
  b: 1, kb: 1000, kib: 1024, mb: 1_000_000, mib: 1_048_576, gb: 1_000_000_000, gib: 1_073_741_824,
};

/** Largest transaction size accepted (4 GiB: far above group_replication_transaction_size_limit's default). */
const MAX_TRANSACTION_BYTES = 4 * 1_073_741_824;
/** Largest stream rate accepted, transactions per second. */
const MAX_RATE = 10_000_000;

/** Parses a byte size: an integer number of bytes, or "4KiB", "120MiB", "512B", "1.5MB". */
export function parseBytes(value: unknown, field: string): number {
  let bytes = Number.NaN;
  if (typeof value === 'number') bytes = value;
  else if (typeof value === 'string') {
    const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]+)?\s*$/.exec(value);
    const unit = SIZE_UNITS[(m?.[2] ?? 'b').toLowerCase()];
    if (m !== null && unit !== undefined) bytes = Math.round(Number(m[1]) * unit);
  }
  if (!Number.isSafeInteger(bytes) || bytes < 1 || bytes > MAX_TRANSACTION_BYTES) {
    throw new ConfigError(field, `must be a size in bytes from 1 to ${MAX_TRANSACTION_BYTES} (a number, or a string like "4KiB", "120MiB", "512B")`, value);
  }
  return bytes;
}

/** Parses a rate in transactions per second: a number, or "2000/s", "120/m", "5/ms". */
export function parseRate(value: unknown, field: string): number {
  let rate = Number.NaN;
  if (typeof value === 'number') rate = value;
  else if (typeof value === 'string') {
    const m = /^\s*(\d+(?:\.\d+)?)\s*(?:\/\s*(ms|s|m|h))?\s*$/.exec(value);
    if (m !== null) rate = Number(m[1]) * ({ ms: 1000, s: 1, m: 1 / 60, h: 1 / 3600 }[m[2] ?? 's'] as number);
  }
  if (!Number.isFinite(rate) || rate <= 0 || rate > MAX_RATE) {
    throw new ConfigError(field, `must be a rate above 0 and at most ${MAX_RATE} transactions per second (a number, or a string like "2000/s")`, value);
  }
  return rate;
}

function parseSize(value: unknown, field: string): SizeDistribution {
  if (typeof value === 'number' || typeof value === 'string') return { kind: 'fixed', bytes: parseBytes(value, field) };
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const o = value as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 1 && keys[0] === 'uniform') {
      const u = o.uniform;
      if (!Array.isArray(u) || u.length !== 2) throw new ConfigError(`${field}.uniform`, 'must be a list of two sizes [min, max]', u);
      const min = parseBytes(u[0], `${field}.uniform[0]`), max = parseBytes(u[1], `${field}.uniform[1]`);
      if (max < min) throw new ConfigError(`${field}.uniform[1]`, `must be at least the minimum (${min} bytes)`, u[1]);
      return { kind: 'uniform', min, max };
    }
    if (keys.length === 1 && keys[0] === 'list') {
      const l = o.list;
      if (!Array.isArray(l) || l.length === 0 || l.length > 10_000) throw new ConfigError(`${field}.list`, 'must be a list of 1 to 10000 sizes', l);
      return { kind: 'list', sizes: l.map((v, k) => parseBytes(v, `${field}.list[${k}]`)) };
    }
  }
  throw new ConfigError(field, 'must be a size ("4KiB"), { uniform: [min, max] } or { list: [sizes] }', value);
}

function parseRatio(value: unknown, field: string): number {
  if (value === undefined) return DEFAULT_COMPRESSION_RATIO;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 1 || value > 1000) {
    throw new ConfigError(field, 'must be a number from 1 (incompressible) to 1000', value);
  }
  return value;
}

function checkKeys(o: Record<string, unknown>, allowed: readonly string[], field: string): void {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k)) throw new ConfigError(`${field}.${k}`, `is not a known field; known fields are ${allowed.join(', ')}`, o[k]);
  }
}

/**
 * Validates and normalises workload entries; `memberNames` are the group's members, `field` the
 * path prefix used in errors (e.g. "workload"). Times are microseconds since the run started.
 */
export function normalizeWorkload(input: unknown, memberNames: readonly string[], field = 'workload'): WorkloadItem[] {
  if (input === undefined) return [];
  if (!Array.isArray(input)) throw new ConfigError(field, 'must be a list of workload entries', input);
  if (input.length > 10_000) throw new ConfigError(field, 'must have at most 10000 entries', input.length);
  return input.map((raw: unknown, k) => {
    const f = `${field}[${k}]`;
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      throw new ConfigError(f, 'must be an object like { member: node1, rate: 2000/s, size: 4KiB } or { member: node1, at: +60s, transaction: { size: 120MiB } }', raw);
    }
    const o = raw as Record<string, unknown>;
    if (typeof o.member !== 'string' || !memberNames.includes(o.member)) {
      throw new ConfigError(`${f}.member`, `must name a member (${memberNames.join(', ')})`, o.member);
    }
    if ('transaction' in o) {
      checkKeys(o, ['member', 'at', 'transaction'], f);
      const t = o.transaction;
      if (t === null || typeof t !== 'object' || Array.isArray(t)) throw new ConfigError(`${f}.transaction`, 'must be an object like { size: 120MiB }', t);
      const tr = t as Record<string, unknown>;
      checkKeys(tr, ['size', 'compressionRatio'], `${f}.transaction`);
      if (o.at === undefined) throw new ConfigError(`${f}.at`, 'is required for a one-off transaction', o.at);
      return {
        kind: 'transaction', member: o.member, atUs: parseDuration(o.at, `${f}.at`),
        bytes: parseBytes(tr.size, `${f}.transaction.size`), compressionRatio: parseRatio(tr.compressionRatio, `${f}.transaction.compressionRatio`),
      };
    }
    checkKeys(o, ['member', 'rate', 'size', 'from', 'to', 'burst', 'clients', 'compressionRatio'], f);
    if (o.rate === undefined) throw new ConfigError(`${f}.rate`, 'is required for a stream (or give `at` and `transaction` for a one-off transaction)', o.rate);
    const rate = parseRate(o.rate, `${f}.rate`);
    if (o.size === undefined) throw new ConfigError(`${f}.size`, 'is required', o.size);
    const size = parseSize(o.size, `${f}.size`);
    const fromUs = o.from === undefined ? 0 : parseDuration(o.from, `${f}.from`);
    const toUs = o.to === undefined ? Infinity : parseDuration(o.to, `${f}.to`);
    if (toUs <= fromUs) throw new ConfigError(`${f}.to`, `must be after from (${fromUs} µs)`, o.to);
    let burst: Burst | null = null;
    if (o.burst !== undefined) {
      const b = o.burst;
      if (b === null || typeof b !== 'object' || Array.isArray(b)) throw new ConfigError(`${f}.burst`, 'must be an object like { every: 60s, for: 5s, rate: 20000/s }', b);
      const bo = b as Record<string, unknown>;
      checkKeys(bo, ['every', 'for', 'rate'], `${f}.burst`);
      const everyUs = parseDuration(bo.every, `${f}.burst.every`);
      const durationUs = parseDuration(bo.for, `${f}.burst.for`);
      if (everyUs < 1) throw new ConfigError(`${f}.burst.every`, 'must be above 0', bo.every);
      if (durationUs < 1 || durationUs > everyUs) throw new ConfigError(`${f}.burst.for`, `must be above 0 and at most every (${everyUs} µs)`, bo.for);
      burst = { everyUs, durationUs, rate: parseRate(bo.rate, `${f}.burst.rate`) };
    }
    let clients: number | null = null;
    if (o.clients !== undefined) {
      if (typeof o.clients !== 'number' || !Number.isInteger(o.clients) || o.clients < 1 || o.clients > 100_000) {
        throw new ConfigError(`${f}.clients`, 'must be an integer number of client connections in 1..100000', o.clients);
      }
      clients = o.clients;
    }
    return { kind: 'stream', member: o.member, rate, size, fromUs, toUs, burst, clients, compressionRatio: parseRatio(o.compressionRatio, `${f}.compressionRatio`) };
  });
}

/** GR's payload rules for one transaction of `bytes`. */
export interface PayloadRules {
  /** group_replication_compression_threshold (bytes; 0 disables compression). */
  readonly compressionThreshold: number;
  /** group_replication_communication_max_message_size (bytes; 0 disables fragmentation). */
  readonly maxMessageSize: number;
  /**
   * group_replication_transaction_size_limit (bytes; 0: no limit): a transaction above it is
   * rolled back at commit and never reaches the group (see 'size_limit').
   */
  readonly transactionSizeLimit: number;
}

/**
 * The GCS payload of one transaction: LZ4-compressed when above the threshold (the compressed size
 * is bytes ÷ ratio, a parameter), then split into fragments of at most max_message_size.
 * Returns [messages, payloadBytes].
 */
export function transactionPayload(bytes: number, ratio: number, rules: Pick<PayloadRules, 'compressionThreshold' | 'maxMessageSize'>, out: [number, number]): [number, number] {
  let payload = bytes;
  if (rules.compressionThreshold > 0 && bytes > rules.compressionThreshold) payload = Math.max(1, Math.ceil(bytes / ratio));
  const messages = rules.maxMessageSize > 0 && payload > rules.maxMessageSize ? Math.ceil(payload / rules.maxMessageSize) : 1;
  out[0] = messages;
  out[1] = payload;
  return out;
}

/**
 * Why a member runs no write submitted now, as its client would learn it: mysqld not running
 * (ERROR 2003), frozen by SIGSTOP (the statement hangs), held by a new primary's election process
 * under BEFORE_ON_PRIMARY_FAILOVER or AFTER (`primary_election`: the statement waits until the
 * process ends; consistency.ts), held behind another member's AFTER transaction that this
 * member's applier holds prepared (`prepared_transaction`: it waits until that one commits;
 * consistency.ts), offline_mode (ERROR 3032), or super_read_only (ERROR 1290), which
 * GR sets on a member in ERROR, on one not ONLINE (joining, recovering, OFFLINE) and on a
 * single-primary SECONDARY; `read_only` is super_read_only for any other cause (a new primary
 * still applying its backlog, under EVENTUAL or BEFORE).
 */
export type WriteRefusal = 'not_running' | 'frozen' | 'primary_election' | 'prepared_transaction' | 'offline_mode' | 'plugin_stopping' | 'read_only_error' | 'read_only_not_online' | 'read_only_secondary' | 'read_only';

/** Whether a statement meeting `refusal` waits (its client blocks and it is checked again later) rather than failing. */
function blocksClient(refusal: WriteRefusal | null): boolean {
  // null first: V8 compiles a string literal compared with null or a string as a call to its
  // generic strict equality (three calls a tick where the member takes writes); with null
  // tested first it sees only strings here and compares references.
  return refusal !== null && (refusal === 'frozen' || refusal === 'primary_election' || refusal === 'prepared_transaction');
}

/**
 * Why workload transactions did not simply commit: a WriteRefusal (refused at once),
 * 'size_limit' (rolled back at commit: larger than group_replication_transaction_size_limit),
 * 'no_majority' (admitted while the member could not reach a majority of its group, so XCom
 * could not order them and they waited), or one of the ways admitted transactions still waiting
 * for the group are rolled back (WorkloadRollback).
 */
export type WorkloadHoldReason = WriteRefusal | 'size_limit' | 'no_majority' | WorkloadRollback;

/**
 * Whether a transaction of `bytes` is refused by group_replication_transaction_size_limit `limit`
 * (0: no limit). observer_trans.cc, group_replication_trans_before_commit: the size is the binlog
 * cache plus the transaction context and GTID events, before any compression (grsim's transaction
 * size), and the test is strictly greater (`transaction_size > transaction_size_limit`), so a
 * transaction of exactly the limit commits. The hot paths compare with `effectiveSizeLimit`'s
 * answer instead, one comparison and no test for 0.
 */
export function exceedsSizeLimit(bytes: number, limit: number): boolean {
  return bytes > effectiveSizeLimit(limit);
}

/** The limit as a bound to compare with: Infinity for 0 (no limit). */
function effectiveSizeLimit(limit: number): number {
  return limit > 0 ? limit : Infinity;
}

/**
 * Why transactions already admitted were rolled back before they committed: Group Replication
 * released their waiting sessions with an error (Blocked_transaction_handler::
 * unblock_waiting_transactions, plugin_utils.cc, after MY-011630). 'left_group': the member left
 * the group on a failure (leave_group_on_failure.cc: an expel, or the majority unreachable for
 * group_replication_unreachable_majority_timeout). 'stop_timeout': STOP GROUP_REPLICATION gave up
 * waiting for them after TRANSACTION_KILL_TIMEOUT (plugin.cc, plugin_group_replication_stop).
 */
export type WorkloadRollback = 'left_group' | 'stop_timeout';

/** Workload transactions of one member held back for one reason over the run. */
export interface WorkloadHold {
  readonly reason: WorkloadHoldReason;
  /** Transactions refused (for 'no_majority': admitted while blocked; for a WorkloadRollback: rolled back). */
  count: number;
  /** Virtual time of the first and the last of them, µs. */
  firstUs: number;
  lastUs: number;
}

/** Per-member workload counters over the run. */
export interface WorkloadCounters {
  /** Transactions submitted by the workload on this member. */
  submitted: number;
  /**
   * Refused at once: the member could not take writes (not ONLINE, read-only, stopped, frozen), or
   * rolled back at commit for its size ('size_limit'); `holds` says why.
   */
  refused: number;
  /** Committed: their batch was delivered on this member. */
  committed: number;
  /**
   * Admitted, then rolled back with an error while they waited for the group (WorkloadRollback):
   * the member left the group, or its STOP GROUP_REPLICATION gave up waiting. A batch of them the
   * group still orders (the member reconnects before its removal) is applied by the other
   * members, as MySQL's would be; the member itself is leaving by then, so none commits for its
   * clients. Transactions in flight when the server stops or crashes are counted nowhere: their
   * clients lose the connection without an outcome.
   */
  rolledBack: number;
  /** Transaction bytes (before compression) submitted and admitted. */
  admittedBytes: number;
  /** Σ commit latency of committed transactions, µs (mean = latencySumUs / committed). */
  latencySumUs: number;
  /** Not submitted because every client of a closed-loop stream was waiting for a commit. */
  throttled: number;
  /**
   * Why transactions were refused or waited, one entry per reason in order of first occurrence
   * (at most one per reason however long the run: counts and first/last time, not one per write).
   */
  readonly holds: WorkloadHold[];
}

/**
 * Zeroed counters whose byte and latency sums are floating-point fields from the start: at
 * 10,000 tx/s they pass the small-integer range within seconds, and a field that changes
 * representation mid-run throws away the optimised code of every function that reads it.
 */
function newCounters(): WorkloadCounters {
  const c: WorkloadCounters = { submitted: 0, refused: 0, committed: 0, rolledBack: 0, admittedBytes: 0.5, latencySumUs: 0.5, throttled: 0, holds: [] };
  c.admittedBytes = 0;
  c.latencySumUs = 0;
  return c;
}

/** What the driver needs from the rest of the simulation. */
export interface WorkloadHost {
  /** Why the member would not run a write submitted now; null when GR would run the statement and propose it. */
  writeRefusal(slot: number): WriteRefusal | null;
  /** Hands admitted transactions to the member's XCom proposer queue. */
  queue(slot: number, transactions: number, messages: number, payloadBytes: number, submittedSumUs: number): void;
  /**
   * The handler that called `queue` ends: the proposer's pass over its queue takes the place `queue`
   * reserved for it. `decisionDelayUs`: what `decisionDelayUs(slot)` answered in this handler,
   * with nothing run since that could change it (no trace event emitted, so no caller's code ran),
   * for a pass run in place to take instead of asking again; DELAY_NOT_KNOWN otherwise.
   */
  queued(slot: number, decisionDelayUs: number): void;
  rules(slot: number): PayloadRules;
  /** The member's transactions in flight (queued, proposed, or decided and not yet delivered to it). */
  outstanding(slot: number): number;
  /** The incarnation of the member's current (or last) XCom instance. */
  xcomIncarnation(slot: number): number;
  /** How long a value proposed on the member now takes to be decided, µs; -1 when it cannot be. */
  decisionDelayUs(slot: number): number;
  /** Trace sink for the once-per-second workload samples. */
  emit(event: WorkloadEvent): void;
  /**
   * `count` transactions were rolled back at commit on `slot` for exceeding
   * group_replication_transaction_size_limit `limit`, one of them `bytes` long: they still count
   * as the member's local transactions, and with `logIt` the member logs that one (MY-011608, then
   * the server's failed before_commit hook): grsim logs the first such transaction of each virtual
   * second on the member, not every one (see WorkloadDriver.refuseTooLarge).
   */
  transactionsTooLarge(slot: number, count: number, bytes: number, limit: number, logIt: boolean): void;
}

/** Fields of WorkloadDriver.heldWhileFrozen per member. */
const HELD_FIELDS = 7;

/**
 * Runs the workload items: one kernel timer per member on a common grid of `tickUs`, plus one
 * timer per one-off transaction. Per tick a stream costs O(1) for a fixed size and one random draw
 * per transaction otherwise.
 */
export class WorkloadDriver {
  readonly counters: WorkloadCounters[];
  private readonly streams: WorkloadStream[][];
  private readonly carry: number[][];
  private readonly transactions: { readonly item: WorkloadTransaction; readonly slot: number }[];
  private readonly hTick: number;
  private readonly hOneOff: number;
  private readonly payload: [number, number] = [0, 0];
  /** drawSizes' answer, reused. */
  private readonly sizeSums = new Float64Array(5);
  /** Per member, the virtual second whose first too-large transaction was logged (-1: none yet). */
  private readonly tooLargeLoggedSecond: Float64Array;
  private readonly lastSample: { committed: number; latencySumUs: number; second: number }[];
  /**
   * Per member, transactions whose clients sent them to a frozen (SIGSTOP) mysqld: the kernel
   * accepted the connection but no statement runs, so each client blocks; likewise those a new
   * primary holds while its election process runs. On the first tick after
   * the thaw they are checked like any new statement (refused when the member cannot take writes,
   * otherwise ordered), as write() does. [transactions, messages, payload bytes, transaction
   * bytes, sum of submission times µs, how many of the transactions exceed
   * group_replication_transaction_size_limit, the size of one of those] per member: the
   * messages, bytes and times are those of the others, which the group is sent.
   */
  private readonly heldWhileFrozen: Float64Array;
  /** Per member, the XCom incarnation whose waiting transactions were rolled back (-1: none yet). */
  private readonly releasedIncarnation: Int32Array;

  constructor(
    private readonly kernel: Kernel,
    private readonly rng: RandomStream,
    private readonly tickUs: number,
    items: readonly WorkloadItem[],
    memberSlot: (name: string) => number,
    private readonly names: readonly string[],
    private readonly host: WorkloadHost,
  ) {
    const n = names.length;
    this.counters = Array.from({ length: n }, () => newCounters());
    this.lastSample = Array.from({ length: n }, () => ({ committed: 0, latencySumUs: 0, second: -1 }));
    this.heldWhileFrozen = new Float64Array(n * HELD_FIELDS);
    this.releasedIncarnation = new Int32Array(n).fill(-1);
    this.tooLargeLoggedSecond = new Float64Array(n).fill(-1);
    this.streams = Array.from({ length: n }, () => []);
    this.carry = Array.from({ length: n }, () => []);
    this.transactions = [];
    this.hTick = kernel.register('workload.tick', (slot) => this.onTick(slot));
    this.hOneOff = kernel.register('workload.transaction', (k) => this.onTransaction(k));
    for (const item of items) {
      const slot = memberSlot(item.member);
      if (item.kind === 'stream') {
        (this.streams[slot] as WorkloadStream[]).push(item);
        (this.carry[slot] as number[]).push(0);
      } else {
        this.transactions.push({ item, slot });
        kernel.schedule(Math.max(0, item.atUs - kernel.nowUs), this.hOneOff, this.transactions.length - 1);
      }
    }
    for (let slot = 0; slot < n; slot++) {
      const list = this.streams[slot] as WorkloadStream[];
      if (list.length === 0) continue;
      const first = Math.min(...list.map((s) => s.fromUs));
      // Ticks end intervals on a common grid, so batches of different writers share msgnos.
      const at = (Math.floor(Math.max(first, kernel.nowUs) / tickUs) + 1) * tickUs;
      kernel.schedule(at - kernel.nowUs, this.hTick, slot);
    }
  }

  /** Transactions committed on `slot` by a delivered batch. */
  committed(slot: number, transactions: number, submittedSumUs: number): void {
    const c = this.counters[slot] as WorkloadCounters;
    c.committed += transactions;
    c.latencySumUs += transactions * this.kernel.nowUs - submittedSumUs;
  }

  /**
   * Rolls back every workload transaction of `slot` still waiting for the group (queued, proposed,
   * decided but not delivered, or waiting for AFTER acknowledgements): Group Replication releases
   * their sessions with an error (see WorkloadRollback). Returns how many.
   */
  rollBackWaiting(slot: number, reason: WorkloadRollback): number {
    // Those an earlier release of this XCom instance let go wait no longer (see waiting).
    const waiting = this.waiting(slot), now = this.kernel.nowUs;
    this.releasedIncarnation[slot] = this.host.xcomIncarnation(slot);
    if (waiting === 0) return 0;
    const c = this.counters[slot] as WorkloadCounters;
    c.rolledBack += waiting;
    WorkloadDriver.hold(c, reason, waiting, now);
    return waiting;
  }

  /**
   * The member's transactions whose sessions still wait for the group: those in flight
   * (WorkloadHost.outstanding), or none once rollBackWaiting has released them; the member takes
   * no transaction until it joins again with a new XCom instance, whose own count starts at zero.
   */
  waiting(slot: number): number {
    return this.releasedIncarnation[slot] === this.host.xcomIncarnation(slot) ? 0 : this.host.outstanding(slot);
  }

  /** Counts `count` transactions held back for `reason` at `nowUs` (allocates only the first time a reason occurs). */
  private static hold(c: WorkloadCounters, reason: WorkloadHoldReason, count: number, nowUs: number): void {
    let h: WorkloadHold | undefined;
    for (const x of c.holds) if (x.reason === reason) { h = x; break; }
    if (h === undefined) c.holds.push({ reason, count, firstUs: nowUs, lastUs: nowUs });
    else { h.count += count; h.lastUs = nowUs; }
  }

  /** Stream rate at `t` (µs): the burst rate inside a burst window. */
  private static rateAt(s: WorkloadStream, t: number): number {
    if (s.burst !== null && (t - s.fromUs) % s.burst.everyUs < s.burst.durationUs) return s.burst.rate;
    return s.rate;
  }

  private onTick(slot: number): void {
    const now = this.kernel.nowUs, tick = this.tickUs;
    const start = now - tick;
    const list = this.streams[slot] as WorkloadStream[];
    const carry = this.carry[slot] as number[];
    const c = this.counters[slot] as WorkloadCounters;
    const rules = this.host.rules(slot);
    const refusal = this.host.writeRefusal(slot);
    const frozen = blocksClient(refusal);
    const accepts = refusal === null;
    // One comparison per stream and tick for a fixed size: all of its transactions exceed, or none.
    const sizeLimit = effectiveSizeLimit(rules.transactionSizeLimit);
    let tx = 0, messages = 0, bytes = 0, txBytes = 0, more = false;
    // Transactions above the size limit this tick (they reach no XCom queue), and the size of one.
    let tooLarge = 0, tooLargeBytes = 0;
    const held = this.heldWhileFrozen, h = slot * HELD_FIELDS;
    if (!frozen && (held[h] as number) > 0) this.releaseHeld(slot, refusal, now);
    // Read by closed-loop streams only (nothing below changes it before they do).
    let inFlight = -1;
    // A client commits and submits again every decision delay, so it can run tick / delay
    // transactions per tick when the group decides faster than the tick (closed loop, Little's law).
    const delay = this.host.decisionDelayUs(slot);
    const perClient = delay > 0 && delay < tick ? tick / delay : 1;
    for (let k = 0; k < list.length; k++) {
      const s = list[k] as WorkloadStream;
      if (now < s.toUs) more = true;
      // The part of (start, now] inside [from, to). Comparisons, not Math.max/min: V8 compiles
      // those for small integers from the early ticks' times and throws the code away once the
      // clock passes 2^31 µs (35.8 min).
      const lo = start > s.fromUs ? start : s.fromUs, hi = now < s.toUs ? now : s.toUs;
      if (hi <= lo) continue;
      const exact = (carry[k] as number) + (WorkloadDriver.rateAt(s, lo) * (hi - lo)) / 1_000_000;
      let count = Math.floor(exact);
      carry[k] = exact - count;
      if (s.clients !== null && (accepts || frozen)) {
        // Closed loop: only clients not waiting for a commit submit.
        if (inFlight < 0) inFlight = this.host.outstanding(slot) + (held[h] as number);
        // Clients whose transaction was too large got their error at once, unless the member is frozen.
        count = this.clientsFree(c, s, count, perClient, inFlight + tx + (frozen ? tooLarge : 0));
      }
      if (count === 0) continue;
      c.submitted += count;
      if (refusal !== null && !frozen) { c.refused += count; WorkloadDriver.hold(c, refusal, count, now); continue; }
      const size = s.size;
      if (size.kind === 'fixed') {
        if (size.bytes > sizeLimit) { tooLarge += count; tooLargeBytes = size.bytes; continue; }
        tx += count;
        transactionPayload(size.bytes, s.compressionRatio, rules, this.payload);
        messages += count * this.payload[0];
        bytes += count * this.payload[1];
        txBytes += count * size.bytes;
      } else {
        const sums = this.drawSizes(s, count, rules, sizeLimit);
        const over = sums[3] as number;
        tx += count - over;
        messages += sums[0] as number;
        bytes += sums[1] as number;
        txBytes += sums[2] as number;
        if (over > 0) { tooLarge += over; tooLargeBytes = sums[4] as number; }
      }
    }
    if (frozen) {
      if (tx > 0 || tooLarge > 0) this.holdWhileFrozen(slot, refusal as WriteRefusal, tx, messages, bytes, txBytes, tx * (now - tick / 2), tooLarge, tooLargeBytes, now);
    } else {
      if (tooLarge > 0) this.refuseTooLarge(slot, tooLarge, tooLargeBytes, now);
      if (tx > 0) {
        if (delay < 0) WorkloadDriver.hold(c, 'no_majority', tx, now);
        c.admittedBytes += txBytes;
        // Arrivals are spread evenly over the tick: mean submission time is its middle.
        this.host.queue(slot, tx, messages, bytes, tx * (now - tick / 2));
      }
    }
    // A trace event goes to the caller's sink and listeners, which may change what the delay
    // depends on (partition the network, stop a member); otherwise nothing since has.
    const emitted = this.sample(slot, now);
    if (more || (held[h] as number) > 0) this.kernel.schedule(tick, this.hTick, slot);
    this.host.queued(slot, emitted ? DELAY_NOT_KNOWN : delay);
  }

  /*
   * The parts of onTick below run only for some workloads (closed-loop streams, sizes drawn at
   * random, a frozen member): in functions of their own, V8 compiles them when they run instead of
   * into the tick, which every workload runs 100 times a second.
   */

  /** How many of `count` transactions a closed-loop stream submits with `busy` of its member's transactions in flight; the rest are throttled. */
  private clientsFree(c: WorkloadCounters, s: WorkloadStream, count: number, perClient: number, busy: number): number {
    const free = Math.max(0, Math.floor((s.clients as number) * perClient) - busy);
    if (count <= free) return count;
    c.throttled += count - free;
    return free;
  }

  /**
   * Draws the sizes of `count` transactions of a stream without a fixed size; returns [messages,
   * payload bytes, transaction bytes] of those at most `sizeLimit` bytes, then how many exceed it
   * and the size of the last of those (reused array).
   */
  private drawSizes(s: WorkloadStream, count: number, rules: PayloadRules, sizeLimit: number): Float64Array {
    const size = s.size, sums = this.sizeSums;
    let messages = 0, bytes = 0, txBytes = 0, over = 0, overBytes = 0;
    for (let q = 0; q < count; q++) {
      const b = size.kind === 'uniform'
        ? size.min + this.rng.int(size.max - size.min + 1)
        : (size as { readonly sizes: readonly number[] }).sizes[this.rng.int((size as { readonly sizes: readonly number[] }).sizes.length)] as number;
      if (b > sizeLimit) { over++; overBytes = b; continue; }
      transactionPayload(b, s.compressionRatio, rules, this.payload);
      messages += this.payload[0];
      bytes += this.payload[1];
      txBytes += b;
    }
    sums[0] = messages;
    sums[1] = bytes;
    sums[2] = txBytes;
    sums[3] = over;
    sums[4] = overBytes;
    return sums;
  }

  /**
   * `count` transactions of `slot`, one of them `bytes` long, exceed
   * group_replication_transaction_size_limit: group_replication_trans_before_commit
   * (observer_trans.cc) logs ER_GRP_RPL_TRANS_SIZE_EXCEEDS_LIMIT and fails, so each is rolled back
   * with an error before anything is sent to the group (no XCom message, no cache bytes, no GTID).
   * MySQL logs the two lines for every such transaction; grsim for the first of each virtual
   * second on the member (counts are in `holds`), so a stream of them cannot flood the trace.
   */
  private refuseTooLarge(slot: number, count: number, bytes: number, now: number): void {
    const c = this.counters[slot] as WorkloadCounters;
    c.refused += count;
    WorkloadDriver.hold(c, 'size_limit', count, now);
    const second = Math.floor(now / 1_000_000);
    const logIt = this.tooLargeLoggedSecond[slot] !== second;
    this.tooLargeLoggedSecond[slot] = second;
    this.host.transactionsTooLarge(slot, count, bytes, this.host.rules(slot).transactionSizeLimit, logIt);
  }

  /**
   * A frozen (or election-holding) member's tick: its clients block with their `tx` transactions
   * and `tooLarge` ones above the size limit (one of `tooLargeBytes`), which all wait for the thaw.
   * A frozen mysqld runs no SET, so the limit they were measured against is still the one in force
   * when they are checked after the thaw.
   */
  private holdWhileFrozen(slot: number, refusal: WriteRefusal, tx: number, messages: number, bytes: number, txBytes: number, submittedSumUs: number,
    tooLarge: number, tooLargeBytes: number, now: number): void {
    const held = this.heldWhileFrozen, h = slot * HELD_FIELDS;
    WorkloadDriver.hold(this.counters[slot] as WorkloadCounters, refusal, tx + tooLarge, now);
    held[h] = (held[h] as number) + tx + tooLarge;
    held[h + 1] = (held[h + 1] as number) + messages;
    held[h + 2] = (held[h + 2] as number) + bytes;
    held[h + 3] = (held[h + 3] as number) + txBytes;
    held[h + 4] = (held[h + 4] as number) + submittedSumUs;
    if (tooLarge > 0) {
      held[h + 5] = (held[h + 5] as number) + tooLarge;
      held[h + 6] = tooLargeBytes;
    }
  }

  /**
   * The member runs again: the statements its blocked clients sent while it was frozen are checked
   * now, like a new statement (write() does the same): refused when it cannot take writes (it may
   * have crashed, or lost its place in the group meanwhile), otherwise ordered, their latency
   * counted from when they were sent.
   */
  private releaseHeld(slot: number, refusal: WriteRefusal | null, now: number): void {
    const held = this.heldWhileFrozen, h = slot * HELD_FIELDS;
    const c = this.counters[slot] as WorkloadCounters;
    const tx = held[h] as number, tooLarge = held[h + 5] as number;
    if (refusal !== null) {
      c.refused += tx;
      WorkloadDriver.hold(c, refusal, tx, now);
    } else {
      // The statements run now; those above the size limit fail at their commit.
      if (tooLarge > 0) this.refuseTooLarge(slot, tooLarge, held[h + 6] as number, now);
      const fit = tx - tooLarge;
      if (fit > 0) {
        if (this.host.decisionDelayUs(slot) < 0) WorkloadDriver.hold(c, 'no_majority', fit, now);
        c.admittedBytes += held[h + 3] as number;
        this.host.queue(slot, fit, held[h + 1] as number, held[h + 2] as number, held[h + 4] as number);
      }
    }
    held.fill(0, h, h + HELD_FIELDS);
  }

  /**
   * Once per virtual second, a 'workload' trace event: counters and the last second's throughput
   * and latency. Returns whether it emitted one.
   */
  private sample(slot: number, now: number): boolean {
    const second = Math.floor(now / 1_000_000);
    const last = this.lastSample[slot] as { committed: number; latencySumUs: number; second: number };
    if (second === last.second) return false;
    return this.emitSample(slot, now, second, last);
  }

  /**
   * sample in a new second: the event itself, in a method of its own that V8 leaves out of the
   * tick (called once in 100 ticks, it is not worth the tick's compile and code size).
   */
  private emitSample(slot: number, now: number, second: number, last: { committed: number; latencySumUs: number; second: number }): boolean {
    const c = this.counters[slot] as WorkloadCounters;
    if (last.second < 0) {
      // The stream's first tick only starts the count.
      last.committed = c.committed;
      last.latencySumUs = c.latencySumUs;
      last.second = second;
      return false;
    }
    const committed = c.committed - last.committed;
    this.host.emit({
      type: 'workload', t: now, member: this.names[slot] as string,
      submitted: c.submitted, refused: c.refused, throttled: c.throttled, committed: c.committed, rolledBack: c.rolledBack,
      outstanding: this.waiting(slot), committedLastSecond: committed / (second - last.second),
      meanLatencyUs: committed > 0 ? Math.round((c.latencySumUs - last.latencySumUs) / committed) : null,
    });
    last.committed = c.committed;
    last.latencySumUs = c.latencySumUs;
    last.second = second;
    return true;
  }

  private onTransaction(k: number): void {
    const { item: t, slot } = this.transactions[k] as { item: WorkloadTransaction; slot: number };
    const c = this.counters[slot] as WorkloadCounters;
    c.submitted++;
    const refusal = this.host.writeRefusal(slot);
    const now = this.kernel.nowUs;
    const rules = this.host.rules(slot);
    const tooLarge = exceedsSizeLimit(t.bytes, rules.transactionSizeLimit);
    if (blocksClient(refusal)) {
      // Its client blocks until the thaw (or the election's end), like a stream's (released on the member's next tick).
      const held = this.heldWhileFrozen, h = slot * HELD_FIELDS;
      const wasIdle = (held[h] as number) === 0 && (this.streams[slot] as WorkloadStream[]).every((s) => now >= s.toUs);
      if (tooLarge) this.holdWhileFrozen(slot, refusal as WriteRefusal, 0, 0, 0, 0, 0, 1, t.bytes, now);
      else {
        transactionPayload(t.bytes, t.compressionRatio, rules, this.payload);
        this.holdWhileFrozen(slot, refusal as WriteRefusal, 1, this.payload[0], this.payload[1], t.bytes, now, 0, 0, now);
      }
      if (wasIdle) this.kernel.schedule(this.tickUs, this.hTick, slot);
      return;
    }
    if (refusal !== null) { c.refused++; WorkloadDriver.hold(c, refusal, 1, now); return; }
    // Refused at commit, before the message is sent: even a member without a majority refuses it at once.
    if (tooLarge) { this.refuseTooLarge(slot, 1, t.bytes, now); return; }
    if (this.host.decisionDelayUs(slot) < 0) WorkloadDriver.hold(c, 'no_majority', 1, now);
    c.admittedBytes += t.bytes;
    transactionPayload(t.bytes, t.compressionRatio, rules, this.payload);
    this.host.queue(slot, 1, this.payload[0], this.payload[1], this.kernel.nowUs);
    this.host.queued(slot, DELAY_NOT_KNOWN);
  }
}
