import { createHash } from 'node:crypto';
import { accessSync, constants, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { formatValue } from '../errors.js';
import { FlagError, UsageError } from './flags.js';

/**
 * Sharding (docs/sharding.md): a command's work is a list of numbered units (run ids); shard i of
 * n takes the ids k with k mod n = i, so any job engine that hands out an index (a Kubernetes
 * Indexed Job, a CI matrix, GNU parallel, a Slurm array) can run the slices, and `grsim merge`
 * puts their result files back together. What a unit computes depends only on the configuration,
 * the base seed and its id, never on n or --jobs.
 */

/** Shard i of n (0 ≤ i < n). */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** The whole work as one shard. */
export const WHOLE: Shard = { index: 0, count: 1 };

/** Most shards of one command. */
export const MAX_SHARDS = 100_000;

/** Parses `--shard i/n` (0-based i, as JOB_COMPLETION_INDEX and a matrix index count). */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = Number(m?.[1]), count = Number(m?.[2]);
  if (m === null || !Number.isSafeInteger(count) || count < 1 || count > MAX_SHARDS || !(index < count)) {
    throw new FlagError('--shard', `must be i/n with n in 1..${MAX_SHARDS} and i in 0..n-1 (0-based, e.g. 0/3, 1/3, 2/3)`, text);
  }
  return { index, count };
}

/** The run ids of shard `s` among ids 0..total-1, in order. */
export function shardIds(total: number, s: Shard): number[] {
  const ids: number[] = [];
  for (let k = s.index; k < total; k += s.count) ids.push(k);
  return ids;
}

/** Version of the result-file format; a reader refuses any other. */
export const RESULT_FORMAT_VERSION = 1;
/** The `format` field of every result file. */
export const RESULT_FORMAT = 'grsim-shard-result';

/** A result file (docs/sharding.md): what one shard computed, keyed so that only matching files merge. */
export interface ResultFile<C, R> {
  readonly format: typeof RESULT_FORMAT;
  readonly formatVersion: number;
  readonly grsimVersion: string;
  /** The command that wrote it (`explore`, `cache-size --sweep`). */
  readonly command: string;
  /** Everything the results depend on, the base seed included (the shard and --jobs are not). */
  readonly config: C;
  /** sha256 of the canonical JSON of `config`: files merge only when it matches. */
  readonly configHash: string;
  readonly baseSeed: number;
  /** Number of run ids of the whole work (0..totalIds-1). */
  readonly totalIds: number;
  readonly shard: Shard;
  /** What every shard computes alike before its runs (cache-size --sweep: the grid and the growth); null for explore. */
  readonly common: unknown;
  /** The results by run id, in increasing id order. */
  readonly results: readonly (R & { readonly id: number })[];
}

/** JSON with object keys sorted, so that equal values have one text (the config hash). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function configHash(config: unknown): string {
  return createHash('sha256').update(canonicalJson(config)).digest('hex');
}

/** A result file's text: pretty JSON, results in id order (the same results give the same bytes). */
export function resultFileText<C, R>(f: ResultFile<C, R>): string {
  return JSON.stringify({ ...f, results: [...f.results].sort((a, b) => a.id - b.id) }, null, 2) + '\n';
}

/**
 * Writes a file so that a reader never sees half of it: a temporary file beside it, then a rename
 * (a shard killed mid-write leaves the previous complete version for --resume).
 */
export function writeFileAtomic(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text, 'utf8');
  renameSync(tmp, path);
}

/** The reader of --resume: the injected one, else node:fs. */
export function readerOf(io: { readonly readFile?: (path: string) => string }): (path: string) => string {
  return io.readFile ?? ((path: string): string => readFileSync(path, 'utf8'));
}

/**
 * Refuses an output path whose directory does not exist, is not a directory or is not writable,
 * or that is itself a directory: grsim does not create directories (a typo in a --save prefix
 * would otherwise leave a stray tree), and a command checks its output paths before its runs, not
 * after hours of them (explore --save/--out, cache-size --out/--plot, merge --save/--plot, run --html).
 */
export function checkOutputPath(flag: string, value: string, files: readonly string[]): void {
  const dir = dirname(value);
  const refuse = (rule: string): never => { throw new FlagError(flag, rule, value); };
  let isDirectory: boolean;
  try {
    isDirectory = statSync(dir).isDirectory();
  } catch {
    return refuse(`its directory ${dir} must exist (grsim does not create directories)`);
  }
  if (!isDirectory) refuse(`${dir} must be a directory`);
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    refuse(`its directory ${dir} must be writable`);
  }
  for (const file of files) {
    let target: ReturnType<typeof statSync> | undefined;
    try { target = statSync(file); } catch { target = undefined; }
    if (target?.isDirectory() === true) refuse(`must not name a directory (${file} is one)`);
  }
}

/** Writes a file through `write`, reporting a failure as a usage error naming the file. */
export function writeOrFail(write: (path: string, text: string) => void, path: string, text: string): void {
  try {
    write(path, text);
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new UsageError(`cannot write ${path}${code === undefined ? '' : ` (${code})`}`);
  }
}

/** A mistake in a result file: names the file, the field, the rule and the value. */
function fileError(file: string, field: string, rule: string, value: unknown): UsageError {
  return new UsageError(`${file}: ${field} ${rule}, got ${formatValue(value)}`);
}

/**
 * Reads and checks a result file's envelope (format, version, key, shard, ids); `result` checks
 * one result and names its field on a mistake. Returns null when the file does not exist and
 * `missingOk` (a first --resume).
 */
export function readResultFile<R>(
  read: (path: string) => string, file: string, command: string, result: (r: Record<string, unknown>, field: string) => R, missingOk = false,
): ResultFile<unknown, R> | null {
  let text: string;
  try {
    text = read(file);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (missingOk && code === 'ENOENT') return null;
    throw new UsageError(`cannot read ${file}${code === undefined ? '' : ` (${code})`}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${file}: not a grsim result file (not JSON: ${(e as Error).message})`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw fileError(file, 'the file', 'must be a JSON object', json);
  const o = json as Record<string, unknown>;
  if (o['format'] !== RESULT_FORMAT) throw fileError(file, 'format', `must be "${RESULT_FORMAT}"`, o['format']);
  if (o['formatVersion'] !== RESULT_FORMAT_VERSION) throw fileError(file, 'formatVersion', `must be ${RESULT_FORMAT_VERSION} (this grsim reads no other)`, o['formatVersion']);
  if (typeof o['grsimVersion'] !== 'string') throw fileError(file, 'grsimVersion', 'must be a string', o['grsimVersion']);
  if (o['command'] !== command) throw fileError(file, 'command', `must be "${command}"`, o['command']);
  if (typeof o['configHash'] !== 'string' || o['configHash'] !== configHash(o['config'])) {
    throw fileError(file, 'configHash', 'must be the sha256 of the canonical JSON of config (the file was edited or damaged)', o['configHash']);
  }
  const int = (v: unknown, lo: number, hi: number): boolean => Number.isSafeInteger(v) && (v as number) >= lo && (v as number) <= hi;
  if (!int(o['baseSeed'], 0, 0xffffffff)) throw fileError(file, 'baseSeed', 'must be an integer in 0..4294967295', o['baseSeed']);
  if (!int(o['totalIds'], 1, Number.MAX_SAFE_INTEGER)) throw fileError(file, 'totalIds', 'must be a positive integer', o['totalIds']);
  const totalIds = o['totalIds'] as number;
  const shard = o['shard'] as Record<string, unknown> | null;
  if (shard === null || typeof shard !== 'object' || !int(shard['count'], 1, MAX_SHARDS) || !int(shard['index'], 0, (shard['count'] as number) - 1)) {
    throw fileError(file, 'shard', `must be {index, count} with count in 1..${MAX_SHARDS} and index in 0..count-1`, shard);
  }
  if (!Array.isArray(o['results'])) throw fileError(file, 'results', 'must be an array', o['results']);
  const seen = new Set<number>();
  const results = (o['results'] as unknown[]).map((r, k) => {
    const field = `results[${k}]`;
    if (r === null || typeof r !== 'object') throw fileError(file, field, 'must be an object', r);
    const id = (r as Record<string, unknown>)['id'];
    if (!int(id, 0, totalIds - 1)) throw fileError(file, `${field}.id`, `must be a run id in 0..${totalIds - 1}`, id);
    if ((id as number) % (shard['count'] as number) !== shard['index']) throw fileError(file, `${field}.id`, `must belong to shard ${String(shard['index'])}/${String(shard['count'])}`, id);
    if (seen.has(id as number)) throw fileError(file, `${field}.id`, 'must not repeat an earlier id', id);
    seen.add(id as number);
    let checked: R;
    try {
      checked = result(r as Record<string, unknown>, field);
    } catch (e) {
      if (e instanceof ResultShapeError) throw fileError(file, e.field, e.rule, e.value);
      throw e;
    }
    return { ...checked, id: id as number };
  });
  return {
    format: RESULT_FORMAT, formatVersion: RESULT_FORMAT_VERSION, grsimVersion: o['grsimVersion'], command, config: o['config'],
    configHash: o['configHash'], baseSeed: o['baseSeed'] as number, totalIds, common: o['common'] ?? null, shard: { index: shard['index'] as number, count: shard['count'] as number }, results,
  };
}

/** A result that does not have the shape its command writes (readResultFile adds the file). */
export class ResultShapeError extends Error {
  constructor(readonly field: string, readonly rule: string, readonly value: unknown) {
    super(`${field} ${rule}`);
  }
}

/**
 * The key every file of one work shares: a file from another version, configuration or seed
 * does not merge (nor resume) with the others. `what` names the other file for the message.
 */
export function checkSameWork(file: string, f: ResultFile<unknown, unknown>, ref: ResultFile<unknown, unknown>, what: string): void {
  const why = '(results of another version, configuration or seed do not combine)';
  for (const field of ['grsimVersion', 'configHash', 'baseSeed', 'totalIds'] as const) {
    if (f[field] === ref[field]) continue;
    // The hash only says that the configurations differ; the files carry them, so say where.
    const differ = field === 'configHash' ? configDifferences(f.config, ref.config, 'config') : [];
    if (differ.length > 0) {
      throw new UsageError(`${file}: ${differ.map((d) => `${d.field} must be ${formatValue(d.there)}`).join(', ')} as in ${what} ${why}, ` +
        `got ${differ.map((d) => formatValue(d.here)).join(', ')}`);
    }
    throw fileError(file, field, `must be ${formatValue(ref[field])} as in ${what} ${why}`, f[field]);
  }
  if (canonicalJson(f.common) !== canonicalJson(ref.common)) throw new UsageError(`${file}: common must be the same as in ${what} (the shards computed another grid or growth: a bug, or an edited file)`);
}

/** Where two configurations differ: the paths of their differing fields (`config.seed`), objects compared field by field. */
function configDifferences(here: unknown, there: unknown, path: string): { field: string; here: unknown; there: unknown }[] {
  const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (isObject(here) && isObject(there)) {
    const keys = [...new Set([...Object.keys(there), ...Object.keys(here)])];
    return keys.flatMap((k) => configDifferences(here[k], there[k], `${path}.${k}`));
  }
  return canonicalJson(here) === canonicalJson(there) ? [] : [{ field: path, here, there }];
}

/**
 * The results of several files by run id. The same id in two files (overlapping shards, a
 * resumed file merged with its copy) must carry the same result; the order of the files does
 * not matter.
 */
export function mergeResults<R>(files: readonly { file: string; f: ResultFile<unknown, R> }[], same: (a: R, b: R) => boolean): Map<number, R> {
  const byId = new Map<number, { file: string; r: R }>();
  for (const { file, f } of files) {
    for (const r of f.results) {
      const prev = byId.get(r.id);
      if (prev === undefined) byId.set(r.id, { file, r });
      else if (!same(prev.r, r)) throw new UsageError(`${file}: run id ${r.id} has another result than in ${prev.file} (the same run must give the same result; was a file edited?)`);
    }
  }
  return new Map([...byId].map(([id, { r }]) => [id, r]));
}

/** Ids as a short list for a message: `3, 6, 9 … (12 in all)`. */
export function idList(ids: readonly number[]): string {
  return ids.length <= 10 ? ids.join(', ') : `${ids.slice(0, 10).join(', ')} … (${ids.length} in all)`;
}
