import type { SimEvent, SimEventType } from '../observe/events.js';
import { ConfigError } from '../errors.js';
import { defaultOptions, FORCE_MEMBERS_AT_START_RULE, mergeOptions, type GroupReplicationOptions } from '../gr/options.js';
import type { VersionProfile } from '../gr/version-profiles.js';
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
  /**
   * Most events the trace may hold. The trace lives in memory for the whole run (reports are built
   * from it at the end), so a run that would emit more stops with a ConfigError naming this limit
   * instead of exhausting the heap. About 200 bytes of heap per event. @defaultValue 2000000
   */
  readonly maxTraceEvents?: number;
  /**
   * Server slots kept for servers that join later with Simulation.addMember(): a spare is not
   * running and not in the group until it is added. Members and spares together are at most 16.
   * @defaultValue 0
   */
  readonly spareServers?: number;
  /**
   * Takes every trace event as it is emitted, from creation on, instead of `trace` keeping it: for
   * a long run whose observers (a streamed report, folded metrics) need each event only once. The
   * trace then stays empty, memory does not grow with the run, `maxTraceEvents` does not apply, and
   * what reads the trace (a member's logEvents()/errorLog(), runRecordOf) sees nothing.
   * on() listeners are called as usual. The sink must read only the event it is handed, not the
   * simulation, unless `stretch` is false (see there). @defaultValue undefined (the trace keeps every event)
   */
  readonly traceSink?: (event: SimEvent) => void;
  /**
   * Event types neither `trace` nor `traceSink` takes (on() listeners still get them), for an
   * observer that never reads them: the message cache's size samples are then not even built
   * unless a `cache` listener is registered. `grsim explore`'s built-in properties leave out
   * `cache` and `workload`: a 10-minute run of five members emits about 3,000 cache samples
   * beside some 170 other events. @defaultValue [] (every type is traced)
   */
  readonly untracedEventTypes?: readonly SimEventType[];
  /**
   * Advance a steady group a stretch at a time (docs/speed.md, "Design: advancing a steady group a
   * stretch at a time" and "Jumping over steady seconds"): when nothing but the periodic events of
   * a settled, idle group is queued, and its phases are separated, the run takes a whole stretch
   * outside the kernel's dispatch loop, with the same trace, state and event count as event by
   * event. Whole steady seconds whose order is fixed are replayed (`stretchStats.replayedUs`), and
   * most of a long stretch is jumped over (`stretchStats.jumpedUs`: counters, cache samples and
   * the log worked out for many seconds at once, the draws skipped, then exact seconds again);
   * whenever a condition does not hold the run goes on event by event (`Simulation.stretchStats`
   * counts why). An idle 9-member group runs 24 h in about an eighth of the CPU time it takes event
   * by event (0.29 against 2.4 CPU-s on the project's 2-core VM). An on() listener keeps the run event by event; a `traceSink` must read only the events
   * it is handed, not the simulation: while a stretch runs, the clock, counters and caches of the
   * members may stand at another point of it. false: every event runs in the kernel's loop.
   * @defaultValue true
   */
  readonly stretch?: boolean;
}

/**
 * Default trace bound: 2,000,000 events, about 1.5 GB of peak memory with the JSON report, which
 * stays near 260 MB, well below V8's longest string (2^29 - 24 characters). A 3-member group with
 * a 50/s workload emits about 110,000 events an hour, so it reaches the bound after ~18 h.
 */
export const DEFAULT_MAX_TRACE_EVENTS = 2_000_000;
/**
 * Highest trace bound a run may ask for: a 1.9-million-event run (5 members, a 50/s workload,
 * an isolation every 3 minutes) makes a 247 MB JSON report, about 130 characters an event, so
 * 3,000,000 events stay below V8's longest string with room for a log-heavier mix; about 2.3 GB
 * of heap at the end of the run.
 */
export const MAX_TRACE_EVENTS = 3_000_000;

export function validateMaxTraceEvents(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_TRACE_EVENTS) {
    throw new ConfigError(field, `must be an integer number of events in 1..${MAX_TRACE_EVENTS}`, value);
  }
  return value;
}

/**
 * MEMBER_PORT and XCom port of a member that does not set them: members sharing a host get
 * consecutive ports, like mysqld instances on one box (3306, 3307, … and 33061, 33062, …).
 */
export function defaultPorts(host: string, earlierHosts: readonly string[]): { port: number; xcomPort: number } {
  let sameHost = 0;
  for (const h of earlierHosts) if (h === host) sameHost++;
  return { port: 3306 + sameHost, xcomPort: 33061 + sameHost };
}

export const MAX_GROUP_SIZE = 9;

/** HOSTNAME_LENGTH (include/mysql_com.h): the longest host name MySQL stores, e.g. for MEMBER_HOST. */
export const HOSTNAME_LENGTH = 255;
/**
 * Longest member name: NAME_CHAR_LEN (include/mysql_com.h), the 64-character limit MySQL puts on
 * identifiers such as schema, table and replication channel names. grsim's member names are
 * labels, not MySQL identifiers; the bound keeps every report line a line.
 */
export const MAX_MEMBER_NAME_CHARS = 64;

/** Characters of `text` as MySQL counts them: code points, not UTF-16 units (an emoji is one). */
function charLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** Checks a member name (a non-empty string) against the bound and the reserved word `all`. */
export function checkMemberName(name: string, field: string): string {
  if (charLength(name) > MAX_MEMBER_NAME_CHARS) throw new ConfigError(field, `must be at most ${MAX_MEMBER_NAME_CHARS} characters (MySQL's identifier limit, NAME_CHAR_LEN)`, name);
  if (name === 'all') throw new ConfigError(field, 'must not be all (reserved for "every member")', name);
  return name;
}

/** Checks a MEMBER_HOST (a non-empty string) against MySQL's HOSTNAME_LENGTH. */
export function checkHost(host: string, field: string): string {
  if (charLength(host) > HOSTNAME_LENGTH) throw new ConfigError(field, `must be at most ${HOSTNAME_LENGTH} characters (MySQL's HOSTNAME_LENGTH)`, host);
  return host;
}

/** The seeds a run takes, for error messages: an exact integer (a JS number holds no larger one) or a string label. */
export const SEED_FORMS = `an integer in ${-Number.MAX_SAFE_INTEGER}..${Number.MAX_SAFE_INTEGER} or a non-empty string`;

/** Checks a scenario name or a string seed: a label, not a document. */
export function checkLabel(label: string, field: string): string {
  if (charLength(label) > MAX_LABEL_CHARS) throw new ConfigError(field, `must be at most ${MAX_LABEL_CHARS} characters`, label);
  return label;
}
/** Longest scenario name or string seed: a label, not a document (grsim's own bound). */
export const MAX_LABEL_CHARS = 255;

/** server_uuid as MySQL prints it: lowercase 8-4-4-4-12 hex. */
export const SERVER_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Longest stretch of virtual time a simulation may cover, from time zero: seven days. Every run
 * and wait is bounded by it (a typo like "+100000h" or runFor(2**53 - 1) must not hang).
 */
export const MAX_VIRTUAL_TIME_US = 7 * 86_400_000_000;

const ISO_UTC = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?Z$/;
/** 1970-01-01T00:00:00Z: MySQL's error-log timestamps and TIMESTAMP values start at the Unix epoch. */
const MIN_EPOCH_US = 0;
/** 10000-01-01T00:00:00Z: the error log prints four-digit years, so no printed time may reach it. */
const END_OF_YEAR_9999_US = Date.UTC(10000, 0, 1) * 1000;

/**
 * Reads an ISO 8601 UTC time ("2022-07-31T13:02:50Z", up to microseconds) as microseconds since
 * the Unix epoch. The date must exist on the calendar (no 2022-02-30, no 24:00:00: Date.parse would
 * roll them over into another day) and lie in 1970..9999.
 */
export function parseIsoTime(value: unknown, field: string): number {
  const m = typeof value === 'string' ? ISO_UTC.exec(value) : null;
  if (m === null) throw new ConfigError(field, 'must be an ISO 8601 UTC time like "2022-07-31T13:02:50Z"', value);
  const [y, mo, d, h, mi, s] = [1, 2, 3, 4, 5, 6].map((k) => Number(m[k]));
  const ms = Date.UTC(y!, mo! - 1, d!, h!, mi!, s!);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo! - 1 || back.getUTCDate() !== d || back.getUTCHours() !== h || back.getUTCMinutes() !== mi || back.getUTCSeconds() !== s) {
    throw new ConfigError(field, 'must be a date and time that exist on the calendar (month 01..12, a day the month has, hours 00..23, minutes and seconds 00..59)', value);
  }
  const us = ms * 1000 + Number((m[7] ?? '').slice(0, 6).padEnd(6, '0'));
  if (us < MIN_EPOCH_US || us >= END_OF_YEAR_9999_US) throw new ConfigError(field, 'must be in the years 1970..9999', value);
  return us;
}

/** Latest start: the longest run (MAX_VIRTUAL_TIME_US) must still end before the year 10000. */
const MAX_START_US = END_OF_YEAR_9999_US - MAX_VIRTUAL_TIME_US;

/** How long before `start` the group was bootstrapped when `bootstrapTime` is not given, µs. */
export const DEFAULT_GROUP_AGE_US = 120_000_000;

/** The wall-clock label of virtual time zero (or of another instant: `field` names it), in µs since the Unix epoch. */
export function parseStart(start: unknown, field = 'start'): number {
  if (start === undefined) return Date.UTC(2024, 0, 1) * 1000;
  const us = parseIsoTime(start, field);
  if (us >= MAX_START_US) {
    throw new ConfigError(field, `must be before ${new Date(MAX_START_US / 1000).toISOString().replace('.000Z', 'Z')} (a run of up to 7 days must end in the year 9999)`, start);
  }
  return us;
}

export function validateMode(mode: unknown, field = 'mode'): GroupMode {
  if (mode === undefined) return 'single-primary';
  if (mode !== 'multi-primary' && mode !== 'single-primary') {
    throw new ConfigError(field, "must be 'multi-primary' or 'single-primary'", mode);
  }
  return mode;
}

/**
 * The options every member of a `mode` group of `profile`'s version starts with: `options` over
 * the version's defaults, checked as createSimulation checks SimulationOptions.options (`field`
 * names them in errors). A fault-schedule arbitrary checks its fixed options with it too.
 */
export function groupOptionsFor(profile: VersionProfile, mode: GroupMode, options: unknown, field = 'options'): GroupReplicationOptions {
  const groupOptions = mergeOptions(defaultOptions(profile), options, profile, field);
  const given = (options as Partial<GroupReplicationOptions> | undefined)?.group_replication_single_primary_mode;
  if (given !== undefined && groupOptions.group_replication_single_primary_mode !== (mode === 'single-primary')) {
    throw new ConfigError(`${field}.group_replication_single_primary_mode`, `must agree with mode '${mode}'`, given);
  }
  groupOptions.group_replication_single_primary_mode = mode === 'single-primary';
  if (groupOptions.group_replication_force_members !== '') {
    throw new ConfigError(`${field}.group_replication_force_members`, FORCE_MEMBERS_AT_START_RULE, groupOptions.group_replication_force_members);
  }
  return groupOptions;
}
