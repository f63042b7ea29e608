import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseDuration } from '../duration.js';
import { ConfigError } from '../errors.js';
import { parseBytes, parseRate } from '../gr/workload.js';
import { OUTAGE_OUTCOMES } from '../sizing/outage-run.js';
import { sizeCache, type CacheSizing } from '../sizing/size-cache.js';
import type { SizeCacheInput } from '../sizing/sizing-input.js';
import { sweepCache, type CacheSweep } from '../sizing/sweep-cache.js';
import { formatCacheSize, renderSweepSvg } from '../sizing/sweep-svg.js';

/** What cache-size needs from the process (bound in main.ts, faked in tests). */
export interface CacheSizeIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Whether stderr is a terminal (the sweep's progress bar redraws one line) or not (a line per 10 %). */
  readonly isTty: boolean;
  /** Monotonic milliseconds, for the progress line and the run time only (never inside a simulation). */
  readonly nowMs: () => number;
  /** Writes a UTF-8 file (--plot). @defaultValue node:fs writeFileSync */
  readonly writeFile?: (path: string, text: string) => void;
}

/** A command-line mistake in cache-size; reported with exit code 2. */
export class CacheSizeUsageError extends Error {}

export interface CacheSizeOptions {
  readonly members: number;
  readonly rate: number;
  readonly rateText: string;
  readonly sizeBytes: number;
  readonly sizeText: string;
  readonly expelTimeoutS: number | null;
  readonly outageUs: number | null;
  /** --outage as given (error messages quote it). */
  readonly outageText: string | null;
  readonly seed: number;
  readonly runs: number;
  readonly precisionBytes: number;
  readonly json: boolean;
  readonly sweep: boolean;
  readonly sizes: readonly number[] | null;
  readonly outagesUs: readonly number[] | null;
  readonly plot: string | null;
}

export const CACHE_SIZE_HELP = `grsim cache-size — the smallest group_replication_message_cache_size with which a member
that was silent comes back as the same incarnation, found by simulation

Usage:
  grsim cache-size --rate 2000/s --size 1KiB [--members 3] [--expel-timeout 5] [--outage 30s]
                   [--seed 1] [--runs 3] [--precision 1MiB] [--json]
  grsim cache-size --rate 2000/s --size 1KiB --sweep [--sizes 128MiB,256MiB] [--outages 10s,20s]
                   [--plot sweep.svg] [--json]

node1 writes --rate transactions/s of --size bytes (multi-primary group of --members, node1..nodeN);
the last member goes silent (isolated) for --outage after the cache is in steady state, then
returns. Without --outage, the outage is the longest one that does not end in an expel under
these options (found by simulation). Every candidate size runs with --runs seeds from --seed;
it passes only if the member catches up in all of them.

  --expel-timeout S   group_replication_member_expel_timeout, seconds (default 5)
  --sweep             a table cache size × outage → caught up | evicted, rejoined | expelled by timeout
  --sizes LIST        sweep sizes, comma-separated (default: 5 steps from 128 MiB)
  --outages LIST      sweep outages, comma-separated durations (default: 6 steps around the expel point)
  --plot FILE         also write the sweep as an SVG chart (implies --sweep)
  --json              print the result as JSON
`;

const CACHE_UNITS: Record<string, number> = { b: 1, kb: 1e3, kib: 1024, mb: 1e6, mib: 1_048_576, gb: 1e9, gib: 1_073_741_824, tb: 1e12, tib: 1_099_511_627_776 };

/** A cache size: bytes or "128MiB", "1.5GiB". */
export function parseCacheBytes(text: string, flag: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]+)?\s*$/.exec(text);
  const unit = CACHE_UNITS[(m?.[2] ?? 'b').toLowerCase()];
  const bytes = m === null || unit === undefined ? Number.NaN : Math.round(Number(m[1]) * unit);
  if (!Number.isSafeInteger(bytes) || bytes < 1) throw new CacheSizeUsageError(`grsim cache-size: ${flag} must be sizes like 128MiB or 1GiB (bytes without a unit), got ${JSON.stringify(text)}`);
  return bytes;
}

function usage(e: unknown): never {
  if (e instanceof ConfigError) throw new CacheSizeUsageError(`grsim cache-size: ${e.message}`);
  throw e;
}

export function parseCacheSizeArgs(args: readonly string[]): CacheSizeOptions | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args], strict: true, allowPositionals: false,
      options: {
        help: { type: 'boolean', short: 'h' }, members: { type: 'string' }, rate: { type: 'string' }, size: { type: 'string' },
        'expel-timeout': { type: 'string' }, outage: { type: 'string' }, seed: { type: 'string' }, runs: { type: 'string' },
        precision: { type: 'string' }, json: { type: 'boolean' }, sweep: { type: 'boolean' }, sizes: { type: 'string' },
        outages: { type: 'string' }, plot: { type: 'string' },
      },
    });
  } catch (e) {
    throw new CacheSizeUsageError(`grsim cache-size: ${(e as Error).message}`);
  }
  const v = parsed.values as Record<string, string | boolean | undefined>;
  if (v.help === true) return 'help';
  const str = (name: string): string | undefined => v[name] as string | undefined;
  const int = (name: string, lo: number, hi: number, dflt: number): number => {
    const raw = str(name);
    if (raw === undefined) return dflt;
    if (!/^\d+$/.test(raw) || Number(raw) < lo || Number(raw) > hi) throw new CacheSizeUsageError(`grsim cache-size: --${name} must be an integer in ${lo}..${hi}, got ${JSON.stringify(raw)}`);
    return Number(raw);
  };
  const rateText = str('rate'), sizeText = str('size');
  if (rateText === undefined) throw new CacheSizeUsageError('grsim cache-size: --rate is required (transactions per second on node1, e.g. --rate 2000/s)');
  if (sizeText === undefined) throw new CacheSizeUsageError('grsim cache-size: --size is required (bytes per transaction, e.g. --size 1KiB)');
  let rate = 0, sizeBytes = 0;
  try {
    rate = parseRate(rateText, '--rate');
    sizeBytes = parseBytes(sizeText, '--size');
  } catch (e) { usage(e); }
  const duration = (text: string, flag: string): number => {
    try {
      return parseDuration(text, flag);
    } catch (e) { return usage(e); }
  };
  const outageText = str('outage');
  const outageUs = outageText === undefined ? null : duration(outageText, '--outage');
  const sizes = str('sizes') === undefined ? null : (str('sizes') as string).split(',').map((s) => parseCacheBytes(s, '--sizes'));
  const outagesUs = str('outages') === undefined ? null : (str('outages') as string).split(',').map((s) => duration(s.trim(), '--outages'));
  const precisionText = str('precision');
  const plot = str('plot') ?? null;
  if (plot !== null && !/\.svg$/i.test(plot)) throw new CacheSizeUsageError(`grsim cache-size: --plot must name an .svg file, got ${JSON.stringify(plot)}`);
  const sweep = v.sweep === true || plot !== null;
  if (!sweep && (sizes !== null || outagesUs !== null)) throw new CacheSizeUsageError('grsim cache-size: --sizes and --outages go with --sweep');
  if (sweep && outageUs !== null) throw new CacheSizeUsageError('grsim cache-size: --outage does not go with --sweep (use --outages)');
  return {
    members: int('members', 3, 9, 3), rate, rateText, sizeBytes, sizeText,
    expelTimeoutS: str('expel-timeout') === undefined ? null : int('expel-timeout', 0, 3600, 5),
    outageUs, outageText: outageText ?? null, seed: int('seed', 0, 0xffffffff, 1), runs: int('runs', 1, 100, 3),
    precisionBytes: precisionText === undefined ? 1_048_576 : parseCacheBytes(precisionText, '--precision'),
    json: v.json === true, sweep, sizes, outagesUs, plot,
  };
}

function inputOf(o: CacheSizeOptions): SizeCacheInput {
  const members = Array.from({ length: o.members }, (_, k) => `node${k + 1}`);
  return {
    members,
    workload: [{ member: 'node1', rate: o.rate, size: o.sizeBytes }],
    options: o.expelTimeoutS === null ? {} : { group_replication_member_expel_timeout: o.expelTimeoutS },
    seeds: Array.from({ length: o.runs }, (_, k) => o.seed + k),
    precision: o.precisionBytes,
    ...(o.outageText === null ? {} : { outage: o.outageText }),
  };
}

const MIB = 1_048_576;
const mib = (bytes: number): string => `${(bytes / MIB).toFixed(1)} MiB`;
const sec = (us: number): string => `${(us / 1e6).toFixed(1)} s`;

function progressBar(done: number, total: number, elapsedMs: number): string {
  const width = 30;
  const filled = Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} runs, ${(elapsedMs / 1000).toFixed(1)} s`;
}

/** The sizing answer as text: the answer beside the rule of thumb and the exact-cadence estimate. */
export function formatCacheSizing(r: CacheSizing, o: CacheSizeOptions, wallMs: number): string {
  const lines: string[] = [];
  const row = (label: string, text: string): void => { lines.push(`${label.padEnd(24)}${text}`); };
  const T = r.expelTimeoutS;
  lines.push(`grsim cache-size: ${o.members} members, node1 writes ${o.rateText} × ${o.sizeText}, ${r.silentMember} silent, expel timeout ${T} s, seeds ${r.seeds.join(', ')}`);
  lines.push('');
  row('Outage', r.outageSource === 'given'
    ? `${sec(r.outageUs)} (given)`
    : `${sec(r.outageUs)}: the longest outage without an expel, found by simulation (${sec(r.expelledOutageUs as number)} was expelled by timeout)`);
  row('Cache growth', `${mib(r.growthBytesPerSecond)}/s on a healthy group` +
    (r.outageGrowthBytesPerSecond === null ? '' : `, ${mib(r.outageGrowthBytesPerSecond)}/s while ${r.silentMember} is silent (its channel is filled with no-ops)`));
  if (r.atMinimum) {
    row('Answer', `${formatCacheSize(r.cacheSizeBytes)} (${r.cacheSizeBytes} bytes): the minimum group_replication_message_cache_size already suffices`);
  } else {
    const failed = (r.failingBelowOutcomes ?? []).map((x, k) => `seed ${r.seeds[k]}: ${x}`).filter((x) => !x.endsWith('caught up'));
    row('Answer', `${mib(r.cacheSizeBytes)} (${r.cacheSizeBytes} bytes), precision ${formatCacheSize(r.precisionBytes)}; ` +
      `${mib(r.failingBelowBytes as number)} failed (${failed.join('; ')})`);
  }
  row('Rule of thumb', `${mib(r.ruleOfThumbBytes)} = ${mib(r.growthBytesPerSecond)}/s × (5 s + expel timeout ${T} s)`);
  row('Exact-cadence estimate', `${mib(r.exactCadenceBytes)} = ${mib(r.outageGrowthBytesPerSecond ?? r.growthBytesPerSecond)}/s × ` +
    `(detection ${sec(r.detectionUs)} + suspicion cadence ${sec(r.cadenceWindowUs - r.detectionUs)}: 15 s × ⌈${T}/15⌉)`);
  const pct = (ratio: number): string => ratio >= 1 ? `${Math.round((ratio - 1) * 100)}% too large` : `${Math.round((1 - ratio) * 100)}% too small`;
  if (r.atMinimum) {
    const vsEstimate = r.ruleOfThumbBytes / r.exactCadenceBytes;
    row('Rule of thumb is off', `${pct(vsEstimate)} against the exact-cadence estimate (${vsEstimate.toFixed(2)}×); both are below the ${formatCacheSize(r.minimumBytes)} minimum, so any allowed size works for this outage`);
  } else {
    row('Rule of thumb is off', `${pct(r.ruleOfThumbRatio)} against the simulated answer (${r.ruleOfThumbRatio.toFixed(2)}×)`);
  }
  row('Work', `${r.runs} simulations, ${Math.round(r.simulatedSeconds)} simulated seconds in ${(wallMs / 1000).toFixed(1)} s`);
  return lines.join('\n') + '\n';
}

/** The sweep as a text table (worst outcome over the seeds; `*` where the seeds disagree). */
export function formatSweep(s: CacheSweep, o: CacheSizeOptions, wallMs: number): string {
  const header = ['cache size \\ outage', ...s.outagesUs.map((u) => `${+(u / 1e6).toFixed(1)} s`)];
  const rows = s.cells.map((row, i) => [formatCacheSize(s.sizes[i] as number), ...row.map((c) => c.outcome + (new Set(c.outcomes).size > 1 ? '*' : ''))]);
  const widths = header.map((h, k) => Math.max(h.length, ...rows.map((r) => (r[k] as string).length)));
  const line = (cells: readonly string[]): string => cells.map((c, k) => c.padEnd(widths[k] as number)).join('  ').trimEnd();
  const out = [
    `grsim cache-size --sweep: ${o.members} members, node1 writes ${o.rateText} × ${o.sizeText}, ${s.silentMember} silent, expel timeout ${s.expelTimeoutS} s, seeds ${s.seeds.join(', ')}`,
    `cache growth ${mib(s.growthBytesPerSecond)}/s; outcomes: ${OUTAGE_OUTCOMES.join(' | ')}; worst over the seeds, * where they disagree`,
    '',
    line(header),
    ...rows.map(line),
    '',
    `${s.runs} simulations, ${Math.round(s.simulatedSeconds)} simulated seconds in ${(wallMs / 1000).toFixed(1)} s`,
  ];
  return out.join('\n') + '\n';
}

/** Runs `grsim cache-size`; returns the exit code (bad input throws CacheSizeUsageError). */
export function cacheSize(o: CacheSizeOptions, io: CacheSizeIo): number {
  const startMs = io.nowMs();
  const input = inputOf(o);
  try {
    if (!o.sweep) {
      const r = sizeCache(input);
      const wallMs = io.nowMs() - startMs;
      io.stdout(o.json ? JSON.stringify({ command: 'cache-size', ...r }, null, 2) + '\n' : formatCacheSizing(r, o, wallMs));
      return 0;
    }
    let lastDecile = 0;
    const s = sweepCache({
      ...input,
      ...(o.sizes === null ? {} : { sizes: o.sizes }),
      ...(o.outagesUs === null ? {} : { outagesUs: o.outagesUs }),
      onProgress: (done, total) => {
        const bar = progressBar(done, total, io.nowMs() - startMs);
        if (io.isTty) io.stderr(`\r${bar}`);
        else if (Math.floor((done / total) * 10) > lastDecile) {
          lastDecile = Math.floor((done / total) * 10);
          io.stderr(`${bar}\n`);
        }
      },
    });
    if (io.isTty) io.stderr('\n');
    const wallMs = io.nowMs() - startMs;
    if (o.plot !== null) {
      const write = io.writeFile ?? ((path: string, text: string): void => writeFileSync(path, text, 'utf8'));
      try {
        write(o.plot, renderSweepSvg(s));
      } catch (e) {
        const code = (e as { code?: string }).code;
        throw new CacheSizeUsageError(`grsim cache-size: cannot write ${o.plot}${code === undefined ? '' : ` (${code})`}`);
      }
    }
    io.stdout(o.json ? JSON.stringify({ command: 'cache-size --sweep', ...s }, null, 2) + '\n' : formatSweep(s, o, wallMs));
    if (o.plot !== null && !o.json) io.stdout(`chart written to ${o.plot}\n`);
    return 0;
  } catch (e) {
    return usage(e);
  }
}
