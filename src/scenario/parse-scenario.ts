import { isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import { checkAccount, firstRepeatedUser, type ServeAccount } from './scenario-accounts.js';
import { parseDuration } from '../duration.js';
import { clip, ConfigError, formatValue, ScenarioError } from '../errors.js';
import { FORCE_MEMBERS_AT_START_RULE, OPTION_NAMES, parseConsistencyLevel, parseWaitTimeout, SET_SCOPES, setStatement, validateOption, versionProfile, type GroupReplicationOptions, type OptionName, type SetScope } from '../gr/options.js';
import type { VersionProfile } from '../gr/version-profiles.js';
import { normalizeWorkload, type WorkloadItem } from '../gr/workload.js';
import { DEFAULT_MODEL_PARAMETERS, isModelParameterName, resolveModelParameters, type ModelParameters } from '../model-parameters.js';
import { validateLinkProfile } from '../network/network-options.js';
import {
  checkHost, checkLabel, checkMemberName, defaultPorts, MAX_GROUP_SIZE, MAX_VIRTUAL_TIME_US, parseStart, SEED_FORMS, SERVER_UUID, validateMaxTraceEvents,
} from '../sim/simulation-options.js';
import type { GroupMode, VersionName } from '../types.js';
import type { Scenario, ScenarioAction, ScenarioEvent, ScenarioLimits, ScenarioMember, ScenarioVerb } from './scenario.js';
import { membersOf, SCENARIO_VERBS, verbOf } from './scenario.js';
import { MAX_SERVER_SLOTS } from '../sim/member-identity.js';
import { parseScenarioTime } from './scenario-time.js';

/** Bounds that keep a hostile file from making a run unbounded. */
const MAX_EVENTS = 100_000;
const MAX_WRITES_PER_EVENT = 100_000;
const MAX_WRITES = 1_000_000;
/**
 * Most transaction sizes a run may draw one by one: a stream with a uniform or list size draws
 * each transaction's size from the random stream (about 12 million draws per second of wall time),
 * so 10,000,000/s for a day would take hours. 1,000,000,000 draws is about 90 s.
 */
export const MAX_DRAWN_SIZES = 1_000_000_000;
/** Longest run a file may ask for: seven days of virtual time (a typo like "+100000h" must not hang the CLI). */
export const MAX_RUN_US = MAX_VIRTUAL_TIME_US;
/** Virtual time after the last event a run goes on when the file gives no `until`. */
export const DEFAULT_RUN_AFTER_LAST_EVENT_US = 600_000_000;
const DEFAULT_START = '2024-01-01T00:00:00Z';
const TOP_KEYS = ['name', 'seed', 'version', 'start', 'mode', 'bootstrap', 'members', 'options', 'memberOptions', 'network', 'model', 'events', 'workload', 'until', 'limits', 'accounts'];

type Path = readonly (string | number)[];

/** A validation failure at a path inside the scenario (converted to ScenarioError at the boundary). */
class PathError extends Error {
  constructor(readonly path: Path, readonly rule: string, readonly value: unknown) {
    super(rule);
  }
}

/** `events[3].cut.to`; keys that are not identifiers are quoted: `memberOptions["db-1"]`. */
export function formatPath(path: Path): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(seg)) out += out === '' ? seg : `.${seg}`;
    else if (out === '' && /^--[a-z-]+$/.test(seg)) out = seg; // a command-line option
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out === '' ? '(scenario)' : out;
}

/** A core validator's field (`workload[1].size.uniform[1]`) as a path, so the error finds its line. */
function pathOfField(field: string): Path {
  return [...field.matchAll(/\[(\d+)\]|[^.[\]]+/g)].map((m) => (m[1] === undefined ? m[0] : Number(m[1])));
}

function fail(path: Path, rule: string, value: unknown): never {
  throw new PathError(path, rule, value);
}

/** Runs a core validator, re-raising its ConfigError at `path`. */
function core<T>(path: Path, fn: (field: string) => T): T {
  const field = formatPath(path);
  try {
    return fn(field);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    // A core validator may name a sub-field (`network.latencyUs`); the file spells it without the unit.
    const rest = e.field.startsWith(`${field}.`) ? e.field.slice(field.length + 1).split('.').map((k) => k.replace(/Us$/, '')) : [];
    fail([...path, ...rest], e.rule, e.value);
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function record(v: unknown, path: Path, what: string): Record<string, unknown> {
  if (!isRecord(v)) fail(path, `must be ${what}`, v);
  return v;
}

function onlyKeys(obj: Record<string, unknown>, path: Path, allowed: readonly string[]): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) fail([...path, k], `is not a known field; known fields are ${allowed.join(', ')}`, obj[k]);
  }
}

function nonEmptyString(v: unknown, path: Path): string {
  if (typeof v !== 'string' || v.trim().length === 0) fail(path, 'must be a non-empty string', v);
  return v;
}

/** Durations in files carry a unit ("0.3ms"); a bare number would be ambiguous. */
function duration(v: unknown, path: Path): number {
  if (typeof v !== 'string') fail(path, 'must be a duration with a unit, such as "0.3ms", "40s" (units us, ms, s, m, h)', v);
  return core(path, (f) => parseDuration(v, f));
}

class Members {
  readonly names: string[];
  constructor(list: readonly ScenarioMember[]) { this.names = list.map((m) => m.name); }
  one(v: unknown, path: Path): string {
    if (typeof v !== 'string' || !this.names.includes(v)) fail(path, `must name a member (${this.names.join(', ')})`, v);
    return v;
  }
  oneOrAll(v: unknown, path: Path): string {
    if (v === 'all') return v;
    if (typeof v !== 'string' || !this.names.includes(v)) fail(path, `must name a member (${this.names.join(', ')}) or be all`, v);
    return v;
  }
}

function parseMembers(v: unknown): ScenarioMember[] {
  if (!Array.isArray(v) || v.length < 1 || v.length > MAX_GROUP_SIZE) {
    fail(['members'], `must be a list of 1..${MAX_GROUP_SIZE} members (GR's maximum group size)`, v);
  }
  const out: ScenarioMember[] = [];
  v.forEach((item: unknown, i) => { out.push(parseMember(item, ['members', i], i, out)); });
  return out;
}

/**
 * One server of the file (an entry of `members`, or the server an `add` event brings), checked
 * against those before it: `slot` is its position among them (its default host 10.0.0.<11+slot>).
 */
function parseMember(item: unknown, path: Path, slot: number, before: readonly ScenarioMember[]): ScenarioMember {
  const spec: Record<string, unknown> = typeof item === 'string' ? { name: item } : record(item, path, 'a member name or an object { name, host, port, xcomPort, uuid }');
  onlyKeys(spec, path, ['name', 'host', 'port', 'xcomPort', 'uuid']);
  const namePath = typeof item === 'string' ? path : [...path, 'name'];
  const name = nonEmptyString(spec.name, namePath);
  core(namePath, (f) => checkMemberName(name, f));
  if (before.some((m) => m.name === name)) fail(namePath, 'must be unique', name);
  const host = spec.host === undefined ? `10.0.0.${11 + slot}` : core([...path, 'host'], (f) => checkHost(nonEmptyString(spec.host, [...path, 'host']), f));
  const defaults = defaultPorts(host, before.map((m) => m.host));
  const port = spec.port === undefined ? defaults.port : spec.port;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) fail([...path, 'port'], 'must be an integer in 1..65535', port);
  const xcomPort = spec.xcomPort === undefined ? defaults.xcomPort : spec.xcomPort;
  if (typeof xcomPort !== 'number' || !Number.isInteger(xcomPort) || xcomPort < 1 || xcomPort > 65535) fail([...path, 'xcomPort'], 'must be an integer in 1..65535', xcomPort);
  const address = `${host}:${port}`;
  const clash = before.findIndex((m) => `${m.host}:${m.port}` === address);
  if (clash >= 0) fail([...path, 'port'], `must differ from members[${clash}]'s (both are ${address})`, port);
  const member: ScenarioMember = { name, host, port, xcomPort };
  if (spec.uuid === undefined) return member;
  if (typeof spec.uuid !== 'string' || !SERVER_UUID.test(spec.uuid)) {
    fail([...path, 'uuid'], 'must be a lowercase UUID like 207db264-0192-11ed-92c9-02001700754e', spec.uuid);
  }
  if (before.some((m) => m.uuid === spec.uuid)) fail([...path, 'uuid'], 'must be unique', spec.uuid);
  return { ...member, uuid: spec.uuid };
}

function parseOptions(v: unknown, path: Path, profile: VersionProfile, mode: GroupMode): Partial<GroupReplicationOptions> {
  const obj = record(v, path, 'an object of group_replication_* system variables');
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj)) {
    if (!(OPTION_NAMES as readonly string[]).includes(key)) fail([...path, key], `is not a known option; known options are ${OPTION_NAMES.join(', ')}`, value);
    const normalized = core([...path, key], (f) => validateOption(key as OptionName, value, profile, f));
    if (key === 'group_replication_force_members' && normalized !== '') fail([...path, key], FORCE_MEMBERS_AT_START_RULE, value);
    if (key === 'group_replication_single_primary_mode' && path[0] === 'memberOptions') {
      fail([...path, key], 'is group-wide: set the topology with mode', value);
    }
    if (key === 'group_replication_single_primary_mode' && normalized !== (mode === 'single-primary')) {
      fail([...path, key], `must agree with mode (${mode}); set the topology with mode`, value);
    }
    out[key] = normalized;
  }
  return out as Partial<GroupReplicationOptions>;
}

function parseModel(v: unknown): Partial<ModelParameters> {
  const obj = record(v, ['model'], 'an object of timing parameters');
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(obj)) {
    if (!isModelParameterName(key)) fail(['model', key], `is not a known parameter; known parameters are ${Object.keys(DEFAULT_MODEL_PARAMETERS).join(', ')}`, value);
    // Only the *Us parameters are times; a count (catchUpMsgnosPerRoundTrip) is a plain integer the core checks.
    if (!key.endsWith('Us')) {
      out[key] = core(['model', key], () => resolveModelParameters({ [key]: value })[key as keyof ModelParameters]);
      continue;
    }
    const us = duration(value, ['model', key]);
    if (us > 3_600_000_000) fail(['model', key], 'must be at most 1h', value);
    out[key] = us;
  }
  return out as Partial<ModelParameters>;
}

/**
 * The file's `workload:` list. Only the time fields are read here, because files spell times in
 * the scenario syntax ("+10s", "13:03:01") and burst lengths as durations with a unit; every other
 * rule is normalizeWorkload's, re-raised at the file path so the error finds its line.
 */
function parseWorkload(v: unknown, members: Members, startEpochUs: number): WorkloadItem[] {
  if (!Array.isArray(v)) fail(['workload'], 'must be a list of { member, rate, size } streams and { member, at, transaction } entries', v);
  const input = v.map((raw: unknown, i) => {
    if (!isRecord(raw)) return raw; // normalizeWorkload names the expected shape
    const entry: Record<string, unknown> = { ...raw };
    // A stream has from/to, a one-off transaction has at; a misplaced key is normalizeWorkload's "not a known field".
    for (const key of 'transaction' in raw ? ['at'] : ['from', 'to']) {
      if (raw[key] !== undefined) entry[key] = core(['workload', i, key], (f) => parseScenarioTime(raw[key], f, startEpochUs));
    }
    if (isRecord(raw.burst)) {
      const burst: Record<string, unknown> = { ...raw.burst };
      for (const key of ['every', 'for']) {
        if (burst[key] !== undefined) burst[key] = duration(burst[key], ['workload', i, 'burst', key]);
      }
      entry.burst = burst;
    }
    return entry;
  });
  try {
    return normalizeWorkload(input, members.names, 'workload');
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    const path = pathOfField(e.field);
    // Show a time as the file wrote it, not as the microseconds it was converted to.
    const [, i, key] = path;
    const raw: unknown = typeof i === 'number' ? v[i] : undefined;
    const shown = path.length === 3 && isRecord(raw) && (key === 'from' || key === 'to' || key === 'at') ? raw[key] : e.value;
    fail(path, e.rule, shown);
  }
}

/** The last finite time a workload entry names (a stream's from/to, a transaction's at); 0 when none. */
function lastWorkloadUs(items: readonly WorkloadItem[]): number {
  let last = 0;
  for (const w of items) {
    if (w.kind === 'transaction') last = Math.max(last, w.atUs);
    else last = Math.max(last, w.fromUs, Number.isFinite(w.toUs) ? w.toUs : 0);
  }
  return last;
}

/** Refuses up front a workload whose uniform or list sizes would take hours to draw (MAX_DRAWN_SIZES). */
function checkDrawnSizes(items: readonly WorkloadItem[], untilUs: number): void {
  let drawn = 0;
  items.forEach((w, i) => {
    if (w.kind !== 'stream' || w.size.kind === 'fixed') return;
    const peak = Math.max(w.rate, w.burst?.rate ?? 0);
    drawn += (peak * Math.max(0, Math.min(w.toUs, untilUs) - w.fromUs)) / 1_000_000;
    if (drawn > MAX_DRAWN_SIZES) {
      fail(['workload', i, 'size'], `draws each transaction's size, and the workload's streams with uniform or list sizes would draw about ${drawn.toExponential(1)} by the end of the run, above ${MAX_DRAWN_SIZES} (hours of work); lower the rate, shorten the stream or the run, or use a fixed size`, w.size.kind);
    }
  });
}

interface Ctx {
  readonly members: Members;
  readonly profile: VersionProfile;
  /** The server each `add` event brings, by the event's index in the file. */
  readonly added: ReadonlyMap<number, ScenarioMember>;
}

function parseAction(verb: ScenarioVerb, v: unknown, path: Path, ctx: Ctx): ScenarioAction {
  const m = ctx.members;
  switch (verb) {
    case 'isolate': return { isolate: m.one(v, path) };
    case 'freeze': return { freeze: m.one(v, path) };
    case 'thaw': return { thaw: m.one(v, path) };
    case 'crash': return { crash: m.one(v, path) };
    case 'restart': return { restart: m.one(v, path) };
    case 'stop': return { stop: m.one(v, path) };
    case 'start': return { start: m.one(v, path) };
    case 'heal': return { heal: m.oneOrAll(v, path) };
    case 'repair':
      if (v !== 'all') fail(path, 'must be all (repair removes every partition)', v);
      return { repair: 'all' };
    case 'cut':
    case 'restore': {
      if (verb === 'restore' && v === 'all') return { restore: 'all' };
      const obj = record(v, path, verb === 'cut' ? 'an object { from, to }' : 'an object { from, to } or all');
      onlyKeys(obj, path, ['from', 'to']);
      const from = m.one(obj.from, [...path, 'from']);
      const to = m.one(obj.to, [...path, 'to']);
      if (from === to) fail([...path, 'to'], 'must differ from from', to);
      return verb === 'cut' ? { cut: { from, to } } : { restore: { from, to } };
    }
    case 'partition': {
      if (!Array.isArray(v) || v.length === 0) fail(path, 'must be a list of groups of member names, e.g. [[node1, node2], [node3]]', v);
      const seen = new Set<string>();
      const groups = v.map((g: unknown, gi) => {
        if (!Array.isArray(g) || g.length === 0) fail([...path, gi], 'must be a non-empty list of member names', g);
        return g.map((name: unknown, k) => {
          const n = m.one(name, [...path, gi, k]);
          if (seen.has(n)) fail([...path, gi, k], 'names a member already in another group', n);
          seen.add(n);
          return n;
        });
      });
      return { partition: groups };
    }
    case 'set': {
      const obj = record(v, path, 'an object { member, option, value, scope }');
      onlyKeys(obj, path, ['member', 'option', 'value', 'scope']);
      const member = m.oneOrAll(obj.member, [...path, 'member']);
      const option = obj.option;
      if (typeof option !== 'string' || !(OPTION_NAMES as readonly string[]).includes(option)) {
        fail([...path, 'option'], `must be one of ${OPTION_NAMES.join(', ')}`, option);
      }
      if (option === 'group_replication_single_primary_mode') {
        fail([...path, 'option'], 'cannot be changed while Group Replication runs (MySQL refuses SET GLOBAL on it)', option);
      }
      if (!('value' in obj)) fail([...path, 'value'], 'is required', undefined);
      const value = core([...path, 'value'], (f) => validateOption(option as OptionName, obj.value, ctx.profile, f));
      if (!('scope' in obj)) return { set: { member, option: option as OptionName, value } };
      // Upper or lower case, as the schema lists them.
      const scope = typeof obj.scope === 'string' && obj.scope === obj.scope.toLowerCase() ? obj.scope.toUpperCase() : obj.scope;
      if (!(SET_SCOPES as readonly unknown[]).includes(scope)) fail([...path, 'scope'], `must be one of ${SET_SCOPES.join(', ')} (or in lower case)`, obj.scope);
      return { set: { member, option: option as OptionName, value, scope: scope as SetScope } };
    }
    case 'write':
    case 'writeLocal': {
      const obj = record(v, path, verb === 'write' ? 'an object { member, count, consistency, wait_timeout }' : 'an object { member, count }');
      onlyKeys(obj, path, verb === 'write' ? ['member', 'count', 'consistency', 'wait_timeout'] : ['member', 'count']);
      const member = m.one(obj.member, [...path, 'member']);
      const count = obj.count ?? 1;
      if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > MAX_WRITES_PER_EVENT) {
        fail([...path, 'count'], `must be an integer in 1..${MAX_WRITES_PER_EVENT}`, count);
      }
      if (verb === 'writeLocal') return { writeLocal: { member, count } };
      // The sessions' SET SESSION group_replication_consistency and wait_timeout.
      const consistency = obj.consistency === undefined ? undefined : core([...path, 'consistency'], (f) => parseConsistencyLevel(obj.consistency, f));
      const waitTimeout = obj.wait_timeout === undefined ? undefined : core([...path, 'wait_timeout'], (f) => parseWaitTimeout(obj.wait_timeout, f));
      return { write: { member, count, ...(consistency === undefined ? {} : { consistency }), ...(waitTimeout === undefined ? {} : { wait_timeout: waitTimeout }) } };
    }
    case 'link': {
      const obj = record(v, path, 'an object { from, to, latency, jitter, loss }');
      onlyKeys(obj, path, ['from', 'to', 'latency', 'jitter', 'loss']);
      const change: { from?: string; to?: string; latencyUs?: number; jitterUs?: number; loss?: number } = {};
      if (obj.from !== undefined) change.from = m.one(obj.from, [...path, 'from']);
      if (obj.to !== undefined) change.to = m.one(obj.to, [...path, 'to']);
      if (change.from !== undefined && change.from === change.to) fail([...path, 'to'], 'must differ from from', obj.to);
      if (obj.latency !== undefined) change.latencyUs = duration(obj.latency, [...path, 'latency']);
      if (obj.jitter !== undefined) change.jitterUs = duration(obj.jitter, [...path, 'jitter']);
      if (obj.loss !== undefined) change.loss = obj.loss as number;
      if (change.latencyUs === undefined && change.jitterUs === undefined && change.loss === undefined) {
        fail(path, 'must set at least one of latency, jitter, loss', v);
      }
      core(path, (f) => validateLinkProfile(change, f));
      return { link: change };
    }
    case 'setAsPrimary': {
      const obj = record(v, path, 'an object { member, primary }');
      onlyKeys(obj, path, ['member', 'primary']);
      return { setAsPrimary: { member: m.one(obj.member, [...path, 'member']), primary: m.one(obj.primary, [...path, 'primary']) } };
    }
    case 'add': return { add: ctx.added.get(path[1] as number) as ScenarioMember };
    case 'remove': return { remove: m.one(v, path) };
  }
}

/**
 * Checks freeze/thaw/crash pairs, and the statements a crashed server cannot take (STOP/START
 * GROUP_REPLICATION, SET GLOBAL on it by name), in time order, so a schedule that thaws a member
 * nobody froze fails before the run rather than halfway through it. (Whether a server is down can
 * also depend on ABORT_SERVER during the run; that is checked when the event fires.)
 */
function checkProcessActions(events: readonly ScenarioEvent[]): void {
  const frozen = new Set<string>();
  // Per frozen member, the first statement waiting for its thaw (it runs then; a crash first loses it).
  const waiting = new Map<string, { event: ScenarioEvent; verb: string }>();
  // Per member whose server is down, the event that crashed it.
  const crashed = new Map<string, ScenarioEvent>();
  for (const e of events) {
    const a = e.action;
    const path = ['events', e.index];
    if ('freeze' in a) {
      if (frozen.has(a.freeze)) fail([...path, 'freeze'], 'names a member that an earlier event already froze (thaw it first)', a.freeze);
      if (crashed.has(a.freeze)) fail([...path, 'freeze'], 'names a member whose server an earlier event crashed', a.freeze);
      frozen.add(a.freeze);
    } else if ('thaw' in a) {
      if (!frozen.delete(a.thaw)) fail([...path, 'thaw'], 'names a member that no earlier event froze', a.thaw);
      waiting.delete(a.thaw);
    } else if ('crash' in a) {
      if (crashed.has(a.crash)) fail([...path, 'crash'], 'names a member whose server an earlier event already crashed (restart it first)', a.crash);
      const lost = waiting.get(a.crash);
      if (lost !== undefined) {
        fail(['events', lost.event.index, lost.verb], `runs on ${a.crash}, whose mysqld is frozen then and which events[${e.index}] crashes at ${e.atUs / 1e6} s before any thaw: ` +
          'a frozen server runs the statement only when thawed, and the crash loses it (thaw it first, or drop the statement)', a.crash);
      }
      crashed.set(a.crash, e);
      frozen.delete(a.crash);
    } else if ('restart' in a) {
      crashed.delete(a.restart);
    } else {
      // STOP/START GROUP_REPLICATION and SET GLOBAL are statements: the server must be up to take
      // them (a member in ERROR still runs its server; `set` on `all` skips the servers that are down).
      const statement = 'stop' in a ? { verb: 'stop', member: a.stop, sql: 'STOP GROUP_REPLICATION' }
        : 'start' in a ? { verb: 'start', member: a.start, sql: 'START GROUP_REPLICATION' }
          : 'set' in a && a.set.member !== 'all' ? { verb: 'set', member: a.set.member, sql: setStatement(a.set.scope) } : null;
      const crash = statement === null ? undefined : crashed.get(statement.member);
      if (statement !== null && crash !== undefined) {
        fail([...path, statement.verb], `names a member whose server events[${crash.index}] crashed at ${crash.atUs / 1e6} s, with no restart since: a stopped server runs no ${statement.sql} (restart it first)`, statement.member);
      }
      const on = 'stop' in a ? [a.stop] : 'start' in a ? [a.start] : 'writeLocal' in a ? [a.writeLocal.member]
        : 'setAsPrimary' in a ? [a.setAsPrimary.member] : 'set' in a ? (a.set.member === 'all' ? [...frozen] : [a.set.member]) : [];
      for (const m of on) if (frozen.has(m) && !waiting.has(m)) waiting.set(m, { event: e, verb: verbOf(a) });
    }
  }
}

/**
 * Checks, in time order, that no event names a server before the event that adds it or after the
 * one that removes it, and that adding keeps the group within MySQL's 9 members.
 */
function checkMembership(events: readonly ScenarioEvent[], initial: number): void {
  const addedAt = new Map<string, number>();
  for (const e of events) if ('add' in e.action) addedAt.set(e.action.add.name, e.index);
  const gone = new Set<string>();
  let live = initial;
  for (const e of events) {
    const a = e.action;
    const verb = verbOf(a);
    if ('add' in a) {
      if (++live > MAX_GROUP_SIZE) fail(['events', e.index, 'add'], `would make ${live} servers in the group; GR's maximum group size is ${MAX_GROUP_SIZE} (remove one first)`, a.add.name);
      addedAt.delete(a.add.name);
      continue;
    }
    for (const name of membersOf(a)) {
      const later = addedAt.get(name);
      if (later !== undefined) fail(['events', e.index, verb], `names ${name}, which only events[${later}] adds (later)`, name);
      if (gone.has(name)) fail(['events', e.index, verb], `names ${name}, which an earlier event removed`, name);
    }
    if ('remove' in a) {
      gone.add(a.remove);
      live--;
    }
  }
}

/** Overrides applied on top of the file (the CLI's --seed and --until). */
export interface ScenarioOverrides {
  readonly seed?: number | string;
  /** Stop time in any scenario time form ("+900s", "13:20:00"); checked like the file's until. */
  readonly until?: string;
}

function validate(data: unknown, defaultName: string, overrides: ScenarioOverrides): Scenario {
  const top = record(data, [], 'a mapping with members, events and the other scenario fields');
  onlyKeys(top, [], TOP_KEYS);
  const name = top.name === undefined ? defaultName : core(['name'], (f) => checkLabel(nonEmptyString(top.name, ['name']), f));
  let seed: number | string = 1;
  if (top.seed !== undefined) {
    if (!((typeof top.seed === 'number' && Number.isSafeInteger(top.seed)) || (typeof top.seed === 'string' && top.seed.length > 0))) {
      fail(['seed'], `must be ${SEED_FORMS} (quote a number to use it as a string seed, like "1.5")`, top.seed);
    }
    if (typeof top.seed === 'string') core(['seed'], (f) => checkLabel(top.seed as string, f));
    seed = top.seed;
  }
  if (overrides.seed !== undefined) seed = overrides.seed;
  // YAML reads `version: 8.4` as a number; the profile name is what was meant.
  const versionValue = typeof top.version === 'number' ? String(top.version) : (top.version ?? '8.0.21');
  const profile = core(['version'], (f) => {
    try {
      return versionProfile(versionValue, f);
    } catch (e) {
      // A number no profile is named after (8.0, 8): the way out is a string. parseScenario shows it as the file spells it.
      if (e instanceof ConfigError && typeof top.version === 'number') throw new ConfigError(f, `${e.rule} (quote it, like "8.0.21")`, top.version);
      throw e;
    }
  });
  const start = top.start === undefined ? DEFAULT_START : top.start;
  const startEpochUs = core(['start'], () => parseStart(start));
  const mode = top.mode ?? 'single-primary';
  if (mode !== 'single-primary' && mode !== 'multi-primary') fail(['mode'], 'must be single-primary or multi-primary', mode);
  const members = parseMembers(top.members);
  const roster = new Members(members);
  const bootstrap = top.bootstrap === undefined ? undefined : roster.one(top.bootstrap, ['bootstrap']);
  const options = top.options === undefined ? {} : parseOptions(top.options, ['options'], profile, mode);
  // Keyed by member names, which may be any string (`constructor`, `__proto__`): no prototype.
  const memberOptions = Object.create(null) as Record<string, Partial<GroupReplicationOptions>>;
  if (top.memberOptions !== undefined) {
    const obj = record(top.memberOptions, ['memberOptions'], 'an object { <member>: { <option>: <value> } }');
    for (const [member, opts] of Object.entries(obj)) {
      if (!roster.names.includes(member)) fail(['memberOptions', member], `must be keyed by a member name (${roster.names.join(', ')})`, member);
      memberOptions[member] = parseOptions(opts, ['memberOptions', member], profile, mode);
    }
  }
  let network: Scenario['network'] = { latencyUs: 200, jitterUs: 100, loss: 0 };
  if (top.network !== undefined) {
    const obj = record(top.network, ['network'], 'an object { latency, jitter, loss, blackholeClose }');
    onlyKeys(obj, ['network'], ['latency', 'jitter', 'loss', 'blackholeClose']);
    const n: { latencyUs: number; jitterUs: number; loss: number; blackholeCloseUs?: number } = { ...network };
    if (obj.latency !== undefined) n.latencyUs = duration(obj.latency, ['network', 'latency']);
    if (obj.jitter !== undefined) n.jitterUs = duration(obj.jitter, ['network', 'jitter']);
    if (obj.loss !== undefined) n.loss = obj.loss as number;
    core(['network'], (f) => validateLinkProfile(n, f));
    if (obj.blackholeClose !== undefined) {
      n.blackholeCloseUs = duration(obj.blackholeClose, ['network', 'blackholeClose']);
      if (n.blackholeCloseUs < 1_000_000) fail(['network', 'blackholeClose'], 'must be at least 1s', obj.blackholeClose);
    }
    network = n;
  }
  const model = top.model === undefined ? {} : parseModel(top.model);
  const rawEvents = top.events ?? [];
  if (!Array.isArray(rawEvents)) fail(['events'], 'must be a list of { at, <action> } entries', rawEvents);
  if (rawEvents.length > MAX_EVENTS) fail(['events'], `must have at most ${MAX_EVENTS} entries`, rawEvents.length);
  // Servers that `add` events bring (in file order) are names the other events may use.
  const added = new Map<number, ScenarioMember>();
  const servers = [...members];
  rawEvents.forEach((raw: unknown, index) => {
    if (raw === null || typeof raw !== 'object' || !('add' in raw)) return;
    if (servers.length >= MAX_SERVER_SLOTS) {
      fail(['events', index, 'add'], `brings the run's servers (members and added ones) above ${MAX_SERVER_SLOTS}`, (raw as Record<string, unknown>).add);
    }
    const server = parseMember((raw as Record<string, unknown>).add, ['events', index, 'add'], servers.length, servers);
    servers.push(server);
    added.set(index, server);
  });
  const ctx: Ctx = { members: added.size === 0 ? roster : new Members(servers), profile, added };
  const events: ScenarioEvent[] = rawEvents.map((raw: unknown, index) => {
    const path = ['events', index];
    const obj = record(raw, path, `an object { at, <action> } with one action of ${SCENARIO_VERBS.join(', ')}`);
    if (!('at' in obj)) fail([...path, 'at'], 'is required', undefined);
    const atUs = core([...path, 'at'], (f) => parseScenarioTime(obj.at, f, startEpochUs));
    const verbs = Object.keys(obj).filter((k) => k !== 'at');
    for (const k of verbs) {
      if (!(SCENARIO_VERBS as readonly string[]).includes(k)) fail([...path, k], `is not a known action; actions are ${SCENARIO_VERBS.join(', ')}`, obj[k]);
    }
    if (verbs.length !== 1) fail(path, `must have exactly one action (${SCENARIO_VERBS.join(', ')}) besides at`, verbs);
    const verb = verbs[0] as ScenarioVerb;
    return { atUs, index, action: parseAction(verb, obj[verb], [...path, verb], ctx) };
  });
  // Events are listed in time order (docs/scenario-format.md, Actions): a file that lists a heal
  // before the isolate it undoes would otherwise be re-sorted silently into a schedule its author
  // did not read. Events at the same time run in file order, which is also sim.at()'s order.
  for (let i = 1; i < events.length; i++) {
    const previous = events[i - 1] as ScenarioEvent;
    if ((events[i] as ScenarioEvent).atUs < previous.atUs) {
      fail(['events', i, 'at'], `must not be before the event listed above it (events[${i - 1}] at ${formatValue((rawEvents[i - 1] as Record<string, unknown>).at)}): list events in time order`, (rawEvents[i] as Record<string, unknown>).at);
    }
  }
  checkProcessActions(events);
  checkMembership(events, members.length);
  const lastUs = events.length === 0 ? 0 : (events[events.length - 1] as ScenarioEvent).atUs;
  const workload = top.workload === undefined ? [] : parseWorkload(top.workload, roster, startEpochUs);
  let untilUs: number;
  if (overrides.until !== undefined) {
    untilUs = core(['--until'], (f) => parseScenarioTime(overrides.until, f, startEpochUs));
    if (untilUs < lastUs) fail(['--until'], `must not be before the last event (events[${(events[events.length - 1] as ScenarioEvent).index}])`, overrides.until);
  } else if (top.until !== undefined) {
    untilUs = core(['until'], (f) => parseScenarioTime(top.until, f, startEpochUs));
    const late = events.find((e) => e.atUs > untilUs);
    if (late !== undefined) fail(['events', late.index, 'at'], `must not be after until (${formatValue(top.until)})`, rawEvents[late.index]?.at);
    // A stream may run past until (the run cuts it), but one that starts after it never runs.
    const lateLoad = workload.findIndex((w) => (w.kind === 'transaction' ? w.atUs : w.fromUs) > untilUs);
    if (lateLoad >= 0) {
      const key = (workload[lateLoad] as WorkloadItem).kind === 'transaction' ? 'at' : 'from';
      fail(['workload', lateLoad, key], `must not be after until (${formatValue(top.until)})`, (top.workload as Record<string, unknown>[])[lateLoad]?.[key]);
    }
  } else {
    // The workload's own end counts as an event: a load that outlasts the faults is still measured.
    // ... but never past the longest run (a last event 6.99 days in still runs, just less long after).
    untilUs = Math.min(MAX_RUN_US, Math.max(lastUs, lastWorkloadUs(workload)) + DEFAULT_RUN_AFTER_LAST_EVENT_US);
  }
  checkDrawnSizes(workload, untilUs);
  let writes = 0;
  for (const e of events) {
    const batch = 'write' in e.action ? e.action.write : 'writeLocal' in e.action ? e.action.writeLocal : null;
    if (batch !== null && (writes += batch.count) > MAX_WRITES) {
      fail(['events', e.index, verbOf(e.action), 'count'], `brings the scenario's transactions above ${MAX_WRITES} (use a workload for load)`, batch.count);
    }
  }
  // Accounts for `grsim serve` (src/serve); each checked where it sits so that an error names its line.
  let accounts: ServeAccount[] | undefined;
  if (top.accounts !== undefined) {
    if (!Array.isArray(top.accounts)) fail(['accounts'], 'must be a list of { user, password, plugin? }', top.accounts);
    const items: unknown[] = top.accounts;
    accounts = items.map((item, i) => core(['accounts', i], (f) => checkAccount(item, f)));
    const at = firstRepeatedUser(accounts);
    if (at >= 0) fail(['accounts', at, 'user'], 'must not repeat an earlier account', accounts[at]!.user);
  }
  let limits: ScenarioLimits | undefined;
  if (top.limits !== undefined) {
    const obj = record(top.limits, ['limits'], 'an object { traceEvents }');
    onlyKeys(obj, ['limits'], ['traceEvents']);
    limits = obj.traceEvents === undefined ? {} : { traceEvents: core(['limits', 'traceEvents'], (f) => validateMaxTraceEvents(obj.traceEvents, f)) };
  }
  return {
    ...(limits === undefined ? {} : { limits }),
    ...(accounts === undefined ? {} : { accounts }),
    name, seed, version: versionValue as VersionName, start: typeof start === 'string' ? start : DEFAULT_START, mode,
    ...(bootstrap === undefined ? {} : { bootstrap }), members, options, memberOptions, network, model, events, ...(workload.length === 0 ? {} : { workload }), untilUs,
  };
}

/** Line (1-based) of the value at `path` in a YAML/JSON document, or of its nearest existing parent. */
function lineOf(doc: Document, counter: LineCounter, path: Path): number {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    if (node?.range !== undefined) return counter.linePos(node.range[0]).line;
  }
  return 1; // an empty document: the error is about the whole file
}

/**
 * Validates already-parsed scenario data (e.g. from JSON.parse or built in code) and returns the
 * normalised Scenario. Errors are ScenarioErrors naming `file` and the path.
 */
export function validateScenario(data: unknown, file = 'scenario', overrides: ScenarioOverrides = {}): Scenario {
  try {
    return validate(data, baseName(file), overrides);
  } catch (e) {
    if (e instanceof PathError) throw new ScenarioError(file, formatPath(e.path), e.rule, e.value);
    throw e;
  }
}

/**
 * Parses a scenario from YAML or JSON text (JSON is YAML 1.2, so one parser reads both and
 * reports lines for either). `file` labels error messages and gives the default name.
 */
export function parseScenario(text: string, file = 'scenario', overrides: ScenarioOverrides = {}): Scenario {
  const counter = new LineCounter();
  // YAML 1.2 core schema: "13:03:01" stays a string (YAML 1.1 would read it as a base-60 number).
  const doc = parseDocument(text, { lineCounter: counter, uniqueKeys: true, version: '1.2', prettyErrors: false });
  const syntax = doc.errors[0];
  if (syntax !== undefined) {
    const line = counter.linePos(syntax.pos[0]).line;
    throw new ScenarioError(file, '(file)', `must be valid YAML or JSON: ${clip(syntax.message.split('\n')[0] ?? '')}`, lineText(text, line), line);
  }
  try {
    const scenario = validate(doc.toJS({ maxAliasCount: 100 }), baseName(file), overrides);
    sourceLines.set(scenario, (path) => lineOf(doc, counter, path));
    sourceNames.set(scenario, file);
    return scenario;
  } catch (e) {
    if (e instanceof PathError) throw asWritten(new ScenarioError(file, formatPath(e.path), e.rule, e.value, lineOf(doc, counter, e.path)), doc, e);
    if (e instanceof Error && /alias/i.test(e.message)) throw new ScenarioError(file, '(file)', `must not expand aliases excessively: ${clip(e.message)}`, '', 1);
    throw e;
  }
}

/**
 * A number the parser read differently from how the file spells it (`8.0` is 8,
 * `99999999999999999999` is 1e20): the message shows it as written, then the number it became.
 */
function asWritten(err: ScenarioError, doc: Document, e: PathError): ScenarioError {
  const node = doc.getIn(e.path, true);
  if (!isScalar(node) || typeof node.value !== 'number' || node.value !== e.value || node.source === undefined) return err;
  const shown = formatValue(e.value);
  if (node.source === shown) return err;
  err.message = `${err.message.slice(0, -shown.length)}${clip(node.source)}, read as the number ${shown}`;
  return err;
}

/** For scenarios parsed from text: the line of a path in their file (errors raised during the run use it). */
const sourceLines = new WeakMap<Scenario, (path: Path) => number | undefined>();

/** For scenarios parsed from text: the file name parseScenario was given. */
const sourceNames = new WeakMap<Scenario, string>();

/**
 * The name `scenario` was parsed under (parseScenario's `file`), which errors raised during its
 * run name by default; undefined for a scenario built in code.
 */
export function scenarioSource(scenario: Scenario): string | undefined {
  return sourceNames.get(scenario);
}

/**
 * The 1-based line of `path` (e.g. `['events', 3, 'crash']`) in the file `scenario` was parsed
 * from, or of its nearest parent that the file spells; undefined for a scenario built in code.
 */
export function scenarioLine(scenario: Scenario, path: Path): number | undefined {
  return sourceLines.get(scenario)?.(path);
}

/** Line `line` (1-based) of `text`, found without splitting a 200 KB file into an array. */
function lineText(text: string, line: number): string {
  let start = 0;
  for (let k = 1; k < line; k++) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) return '';
    start = nl + 1;
  }
  const end = text.indexOf('\n', start);
  return text.slice(start, end < 0 ? text.length : end);
}

function baseName(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? file;
  return base.replace(/\.(ya?ml|json)$/i, '') || 'scenario';
}
