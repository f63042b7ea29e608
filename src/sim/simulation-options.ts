import { ConfigError } from '../errors.js';
import type { GroupReplicationOptions } from '../gr/options.js';
import type { WorkloadInput } from '../gr/workload.js';
import type { ModelParameters } from '../model-parameters.js';
import type { NetworkOptions } from '../network/network-options.js';
import type { GroupMode, VersionName } from '../types.js';

/** One member of the simulated group. */
export interface MemberSpec {
  /** Free-text name used in the API and the trace. */
  readonly name: string;
  /** MEMBER_HOST. @defaultValue `10.0.0.<11+index>` */
  readonly host?: string;
  /** MEMBER_PORT. @defaultValue 3306 */
  readonly port?: number;
  /** XCom port of group_replication_local_address. @defaultValue 33061 */
  readonly xcomPort?: number;
  /** server_uuid. @defaultValue generated from the seed */
  readonly uuid?: string;
  /** Per-member option overrides. */
  readonly options?: Partial<GroupReplicationOptions>;
}

/** Input of createSimulation. */
export interface SimulationOptions {
  /** Seed of the root random stream (required: same seed, same run). */
  readonly seed: number | string;
  /** Member names or specs, 1..9 members (GR's maximum group size is 9). */
  readonly members: readonly (string | MemberSpec)[];
  /** @defaultValue 'single-primary' (group_replication_single_primary_mode=ON) */
  readonly mode?: GroupMode;
  /**
   * The member that bootstrapped the group (group_replication_bootstrap_group=ON); the others
   * joined it before time zero. In single-primary mode it is the primary at time zero: it formed
   * the group alone and was elected then, and each joiner arrived RECOVERING and became a
   * SECONDARY, because the election keeps an existing primary (primary_election_handler.cc,
   * Primary_election_handler::pick_primary_member). Weight and uuid decide only when a primary
   * leaves. @defaultValue the first member listed
   */
  readonly bootstrap?: string;
  /**
   * When the group was bootstrapped (ISO 8601 UTC, not after `start`): the fixed part of every view
   * id (`<fixed>:<n>`) is that time in 100 ns units plus a seeded rand() % 1000, as the bootstrap
   * member chose it. @defaultValue two minutes before `start`
   */
  readonly bootstrapTime?: string;
  /** Behaviour profile. @defaultValue '8.0.21' */
  readonly version?: VersionName;
  /** Options for every member. */
  readonly options?: Partial<GroupReplicationOptions>;
  readonly network?: Partial<NetworkOptions>;
  /** Wall-clock label of virtual time zero (ISO 8601). @defaultValue '2024-01-01T00:00:00Z' */
  readonly start?: string;
  /** Timing parameters for behaviour the reference marks uncertain. */
  readonly model?: Partial<ModelParameters>;
  /**
   * The view number of the formed group at time zero (`<fixed>:<n>`). The default 2 assumes one
   * bootstrap view and one join view, which makes the seed case's views :3 and :4. @defaultValue 2
   */
  readonly initialViewNumber?: number;
  /**
   * Client write workloads: steady streams `{ member, rate, size, from?, to?, burst?, compressionRatio? }`
   * and one-off transactions `{ member, at, transaction: { size } }` (see gr/workload.ts).
   */
  readonly workload?: readonly WorkloadInput[];
}

export const MAX_GROUP_SIZE = 9;

/** server_uuid as MySQL prints it: lowercase 8-4-4-4-12 hex. */
export const SERVER_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** How long before `start` the group was bootstrapped when `bootstrapTime` is not given, µs. */
export const DEFAULT_GROUP_AGE_US = 120_000_000;

export function parseStart(start: unknown, field = 'start'): number {
  if (start === undefined) return Date.UTC(2024, 0, 1) * 1000;
  if (typeof start === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(start)) {
    const ms = Date.parse(start);
    if (Number.isFinite(ms)) {
      const frac = /\.(\d+)Z$/.exec(start)?.[1] ?? '';
      const micros = frac.length > 3 ? Number(frac.slice(3, 6).padEnd(3, '0')) : 0;
      return ms * 1000 + micros;
    }
  }
  throw new ConfigError(field, 'must be an ISO 8601 UTC time like "2022-07-31T13:02:50Z"', start);
}

export function validateMode(mode: unknown): GroupMode {
  if (mode === undefined) return 'single-primary';
  if (mode !== 'multi-primary' && mode !== 'single-primary') {
    throw new ConfigError('mode', "must be 'multi-primary' or 'single-primary'", mode);
  }
  return mode;
}
