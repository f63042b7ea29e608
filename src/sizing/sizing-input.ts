import { parseDuration } from '../duration.js';
import { ConfigError } from '../errors.js';
import type { GroupReplicationOptions } from '../gr/options.js';
import { versionProfile } from '../gr/options.js';
import type { WorkloadInput } from '../gr/workload.js';
import type { ModelParameters } from '../model-parameters.js';
import { createSimulation } from '../sim/simulation.js';
import type { MemberSpec } from '../sim/simulation-options.js';
import type { GroupMode, VersionName } from '../types.js';
import type { SizingGroup } from './outage-run.js';

/** Input of sizeCache and sweepCache. */
export interface SizeCacheInput {
  /** Member names or specs, as for createSimulation. */
  readonly members: readonly (string | MemberSpec)[];
  /** Client write workload, as for createSimulation (at least one stream that commits). */
  readonly workload: readonly WorkloadInput[];
  /** Options for every member, except group_replication_message_cache_size (that is what is searched). */
  readonly options?: Partial<GroupReplicationOptions>;
  /**
   * How long the member stays silent (µs or a duration string). @defaultValue the longest outage
   * that does not end in an expel under these options, found by simulation
   */
  readonly outage?: number | string;
  /**
   * Seeds each candidate runs with: a count k (seeds 1..k) or the seeds themselves. A candidate
   * passes only if every seeded run passes. @defaultValue 3
   */
  readonly seeds?: number | readonly number[];
  /** @defaultValue '8.0.21' */
  readonly version?: VersionName;
  readonly model?: Partial<ModelParameters>;
  /**
   * @defaultValue 'multi-primary' (every member takes writes, so a workload on any member commits;
   * in single-primary mode a workload on a secondary is refused)
   */
  readonly mode?: GroupMode;
  /** The member that goes silent. @defaultValue the last member */
  readonly silent?: string;
  /** Precision of the answer, bytes. @defaultValue 1048576 (1 MiB) */
  readonly precision?: number | string;
}

/** Longest outage sizing accepts (the default expel timeout's maximum, 3600 s, plus margin). */
export const MAX_OUTAGE_US = 4_000_000_000;
/** Most seeds per candidate. */
export const MAX_SEEDS = 100;

export interface NormalizedSizing {
  readonly group: SizingGroup;
  readonly seeds: readonly number[];
  /** null: find the default outage. */
  readonly outageUs: number | null;
  readonly precisionBytes: number;
  /** group_replication_member_expel_timeout in force, seconds. */
  readonly expelTimeoutS: number;
  /** group_replication_message_cache_size minimum of the version, bytes. */
  readonly minimumBytes: number;
  /** group_replication_transaction_size_limit in force, bytes (0: no limit). */
  readonly transactionSizeLimit: number;
}

function parseSeeds(value: unknown): number[] {
  if (value === undefined) return [1, 2, 3];
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 1 || value > MAX_SEEDS) throw new ConfigError('seeds', `must be a count in 1..${MAX_SEEDS} or a list of integer seeds`, value);
    return Array.from({ length: value }, (_, k) => k + 1);
  }
  if (!Array.isArray(value) || value.length < 1 || value.length > MAX_SEEDS) throw new ConfigError('seeds', `must be a count in 1..${MAX_SEEDS} or a list of 1..${MAX_SEEDS} integer seeds`, value);
  value.forEach((s, k) => {
    if (typeof s !== 'number' || !Number.isSafeInteger(s)) throw new ConfigError(`seeds[${k}]`, 'must be an integer', s);
  });
  if (new Set(value).size !== value.length) throw new ConfigError('seeds', 'must not repeat a seed', value);
  return [...(value as number[])];
}

/** Validates the input (ConfigError naming field, rule and value) and fills in the defaults. */
export function normalizeSizing(input: SizeCacheInput): NormalizedSizing {
  if (input === null || typeof input !== 'object') throw new ConfigError('sizeCache', 'takes an object { members, workload, options?, outage?, seeds? }', input);
  const options = input.options ?? {};
  if (options === null || typeof options !== 'object') throw new ConfigError('options', 'must be an object of group_replication_* options', options);
  if ('group_replication_message_cache_size' in options) {
    throw new ConfigError('options.group_replication_message_cache_size', 'must be left out: it is the value sizing searches for', options.group_replication_message_cache_size);
  }
  if (!Array.isArray(input.workload) || input.workload.length === 0) {
    throw new ConfigError('workload', 'must be a non-empty list of workload entries (sizing needs writes to fill the cache)', input.workload);
  }
  const version = input.version ?? '8.0.21';
  const profile = versionProfile(version);
  const mode: GroupMode = input.mode ?? 'multi-primary';
  // A probe simulation validates members, options, workload, mode, version and model exactly as createSimulation does.
  const probe = createSimulation({
    seed: 0, members: input.members, mode, version, options, workload: input.workload,
    ...(input.model === undefined ? {} : { model: input.model }),
  });
  const memberNames = probe.members.map((m) => m.name);
  if (memberNames.length < 3) throw new ConfigError('members', 'must have at least 3 members (a member silent in a smaller group takes the majority with it)', memberNames.length);
  const silent = input.silent ?? (memberNames[memberNames.length - 1] as string);
  if (!memberNames.includes(silent)) throw new ConfigError('silent', `must name a member (${memberNames.join(', ')})`, silent);
  let outageUs: number | null = null;
  if (input.outage !== undefined) {
    outageUs = parseDuration(input.outage, 'outage');
    if (outageUs < 1_000_000 || outageUs > MAX_OUTAGE_US) throw new ConfigError('outage', `must be from 1s to ${MAX_OUTAGE_US / 1e6}s`, input.outage);
  }
  let precisionBytes = 1_048_576;
  if (input.precision !== undefined) {
    const p = input.precision;
    const m = typeof p === 'string' ? /^\s*(\d+)\s*(B|KiB|MiB|GiB)?\s*$/i.exec(p) : null;
    const unit = m === null ? 1 : ({ b: 1, kib: 1024, mib: 1_048_576, gib: 1_073_741_824 }[(m[2] ?? 'b').toLowerCase()] as number);
    precisionBytes = typeof p === 'number' ? p : m === null ? Number.NaN : Number(m[1]) * unit;
    if (!Number.isSafeInteger(precisionBytes) || precisionBytes < 1024 || precisionBytes > 1_073_741_824) {
      throw new ConfigError('precision', 'must be a size from 1KiB to 1GiB (bytes, or a string like "1MiB")', p);
    }
  }
  const probeOptions = probe.members[0]!.options();
  return {
    group: {
      members: input.members, memberNames, mode, version, options, workload: input.workload, model: input.model ?? {}, silent,
    },
    seeds: parseSeeds(input.seeds),
    outageUs,
    precisionBytes,
    expelTimeoutS: probeOptions.group_replication_member_expel_timeout,
    minimumBytes: profile.messageCacheSizeMin,
    transactionSizeLimit: probeOptions.group_replication_transaction_size_limit,
  };
}
