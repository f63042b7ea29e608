import type { GroupReplicationOptions, OptionName } from '../gr/options.js';
import { ConfigError, InvariantError } from '../errors.js';
import type { GroupMode, VersionName } from '../types.js';
import type { Scenario, ScenarioAction, ScenarioEvent } from './scenario.js';

/**
 * Fault schedules as data (layer L8): named fault patterns with a start and a duration, which
 * compile to a Scenario of network and process actions. Being plain data is what lets fast-check
 * generate and shrink them (grsim/arbitraries) and lets a counterexample print as a scenario file.
 * Times are integer microseconds since the start.
 */
export interface GroupSetup {
  /** Member names, 1..9. */
  readonly members: readonly string[];
  readonly mode: GroupMode;
  readonly version: VersionName;
  /** Options for every member (MySQL names and units). */
  readonly options: Readonly<Partial<GroupReplicationOptions>>;
}

/** A fault lasting `durationUs` from `atUs`, after which it is undone. */
interface Timed { readonly atUs: number; readonly durationUs: number }

/** The fault patterns, by name. Each names what it breaks and how it ends. */
export type Fault =
  /** One member cut off from everyone, both ways (iptables DROP); then healed. */
  | (Timed & { readonly kind: 'isolate'; readonly member: string })
  /** The group split in two parts, `side` against the rest; then repaired. Halves, or a majority and a minority. */
  | (Timed & { readonly kind: 'split'; readonly side: readonly string[] })
  /**
   * Members in a ring (scenario order) reach only their two neighbours, so with 5 members every
   * member sees a majority but no majority sees each other completely.
   */
  | (Timed & { readonly kind: 'ring' })
  /** Two sides that reach each other only through `bridge`, which reaches everyone. */
  | (Timed & { readonly kind: 'bridge'; readonly bridge: string; readonly side: readonly string[] })
  /** Messages from → to dropped (one way). */
  | (Timed & { readonly kind: 'one-way'; readonly from: string; readonly to: string })
  /** The link a ↔ b down for `dutyCycle` of every `periodUs`, from the start of each period. */
  | (Timed & { readonly kind: 'flapping'; readonly a: string; readonly b: string; readonly periodUs: number; readonly dutyCycle: number })
  /** mysqld stopped (SIGSTOP), then resumed. */
  | (Timed & { readonly kind: 'freeze'; readonly member: string })
  /** mysqld killed, then started again (a new incarnation). */
  | (Timed & { readonly kind: 'crash'; readonly member: string })
  /** First-transmission loss probability on every link. */
  | (Timed & { readonly kind: 'loss'; readonly loss: number })
  /** One-way latency on every link. */
  | (Timed & { readonly kind: 'latency'; readonly latencyUs: number })
  /** SET GLOBAL at `atUs` (`durationUs` is ignored: an option change is not undone). */
  | (Timed & { readonly kind: 'option'; readonly member: string; readonly option: OptionName; readonly value: string | number })

export type FaultKind = Fault['kind'];
export const FAULT_KINDS: readonly FaultKind[] = ['isolate', 'split', 'ring', 'bridge', 'one-way', 'flapping', 'freeze', 'crash', 'loss', 'latency', 'option'];

export interface FaultSchedule {
  readonly setup: GroupSetup;
  readonly faults: readonly Fault[];
  /** Virtual time the run lasts, at least until every fault has ended. */
  readonly durationUs: number;
}

/** Network defaults of compiled scenarios (the core's defaults: 0.2 ms ± 0.1 ms, no loss). */
const BASE_LATENCY_US = 200;
const BASE_JITTER_US = 100;

/** When a fault ends (option changes end when they happen). */
export function faultEndUs(f: Fault): number {
  return f.kind === 'option' ? f.atUs : f.atUs + f.durationUs;
}

/** When the last fault of a schedule ends: the start of the quiet period. */
export function lastFaultEndUs(s: FaultSchedule): number {
  return s.faults.reduce((m, f) => Math.max(m, faultEndUs(f)), 0);
}

/** Directed links (as [from, to] indices) a link fault cuts. */
function cutLinks(f: Fault, names: readonly string[]): [number, number][] {
  const n = names.length;
  const idx = (m: string): number => {
    const i = names.indexOf(m);
    if (i < 0) throw new InvariantError(`fault names unknown member ${m}`);
    return i;
  };
  const both = (pairs: [number, number][]): [number, number][] => pairs.flatMap(([a, b]) => [[a, b], [b, a]] as [number, number][]);
  const between = (x: readonly number[], y: readonly number[]): [number, number][] => both(x.flatMap((a) => y.map((b) => [a, b] as [number, number])));
  switch (f.kind) {
    case 'split': {
      const side = f.side.map(idx);
      return between(side, names.map((_, i) => i).filter((i) => !side.includes(i)));
    }
    case 'ring': {
      const pairs: [number, number][] = [];
      for (let a = 0; a < n; a++) {
        for (let b = a + 1; b < n; b++) if (b - a !== 1 && !(a === 0 && b === n - 1)) pairs.push([a, b]);
      }
      return both(pairs);
    }
    case 'bridge': {
      const side = f.side.map(idx);
      const bridge = idx(f.bridge);
      return between(side, names.map((_, i) => i).filter((i) => i !== bridge && !side.includes(i)));
    }
    case 'one-way': return [[idx(f.from), idx(f.to)]];
    case 'flapping': return both([[idx(f.a), idx(f.b)]]);
    default: return [];
  }
}

/** Both directions of every link between member `m` and the others, as an isolation cuts them. */
function isolationLinks(m: number, n: number): [number, number][] {
  const out: [number, number][] = [];
  for (let p = 0; p < n; p++) if (p !== m) out.push([m, p], [p, m]);
  return out;
}

/**
 * The merged isolations that must print as counted one-way cuts rather than isolate/heal: heal
 * restores every link of its member, so it may end an isolation only if no link of that member is
 * cut meanwhile by a fault printed as cuts or a partition (ends included: a heal at the end would
 * undo a cut made at the same instant). Another isolation printed as isolate/heal is no conflict
 * (heal leaves other members' isolations in force), but one printed as cuts is, hence the fixpoint.
 */
function isolationsCountedByLink<T extends { kind: 'isolate' | 'freeze' | 'crash'; s: number; e: number }>(
  faults: readonly Fault[], names: readonly string[], mergedOf: ReadonlyMap<string, readonly T[]>,
): Set<T> {
  const isolations = names.flatMap((member) => (mergedOf.get(member) ?? []).filter((m) => m.kind === 'isolate').map((iv) => ({ member, iv })));
  const counted = new Set<T>();
  for (const { member, iv } of isolations) {
    const m = names.indexOf(member);
    if (faults.some((f) => f.atUs <= iv.e && iv.s <= f.atUs + f.durationUs && cutLinks(f, names).some(([a, b]) => a === m || b === m))) counted.add(iv);
  }
  for (let changed = true; changed;) {
    changed = false;
    for (const { member, iv } of isolations) {
      if (counted.has(iv)) continue;
      if (isolations.some((o) => o.member !== member && counted.has(o.iv) && o.iv.s <= iv.e && iv.s <= o.iv.e)) { counted.add(iv); changed = true; }
    }
  }
  return counted;
}

/** Intervals during which a fault is in force ([start, end) in µs). */
function intervals(f: Fault): [number, number][] {
  if (f.kind !== 'flapping') return [[f.atUs, f.atUs + f.durationUs]];
  const out: [number, number][] = [];
  const down = Math.max(1, Math.floor(f.periodUs * f.dutyCycle));
  for (let t = f.atUs; t < f.atUs + f.durationUs; t += f.periodUs) out.push([t, Math.min(t + down, f.atUs + f.durationUs)]);
  return out;
}

function overlaps(a: Fault, b: Fault): boolean {
  return a.atUs < b.atUs + b.durationUs && b.atUs < a.atUs + a.durationUs;
}

/** The members a fault names, each with the field that names it ('all' for an option change on every member). */
function memberFields(f: Fault): readonly (readonly [field: string, member: unknown])[] {
  const list = (field: string, side: unknown): (readonly [string, unknown])[] =>
    Array.isArray(side) ? side.map((m, k) => [`${field}[${k}]`, m] as const) : [[field, side]];
  switch (f.kind) {
    case 'isolate': case 'freeze': case 'crash': case 'option': return [['member', f.member]];
    case 'split': return list('side', f.side);
    case 'bridge': return [['bridge', f.bridge], ...list('side', f.side)];
    case 'one-way': return [['from', f.from], ['to', f.to]];
    case 'flapping': return [['a', f.a], ['b', f.b]];
    case 'ring': case 'loss': case 'latency': return [];
  }
}

function isTime(v: unknown): boolean {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/**
 * Checks a schedule written by hand (or changed after faultSchedule drew it) before it compiles:
 * every fault of a known kind, its times non-negative integer microseconds, the members it names
 * in the setup, and its kind's own fields in range. A fault naming no member of the group would
 * otherwise compile to nothing and the run would test nothing. Throws a ConfigError whose field is
 * `field` followed by the path, e.g. `scheduleToScenario.schedule.faults[0].member`.
 */
export function validateSchedule(schedule: FaultSchedule, field: string): void {
  const s = schedule as Partial<FaultSchedule> | null;
  if (s === null || typeof s !== 'object' || typeof s.setup !== 'object' || s.setup === null || !Array.isArray(s.setup.members) || !Array.isArray(s.faults)) {
    throw new ConfigError(field, 'must be a fault schedule { setup, faults, durationUs } (as faultSchedule() draws them)', schedule);
  }
  if (!isTime(s.durationUs)) throw new ConfigError(`${field}.durationUs`, 'must be a non-negative integer number of microseconds', s.durationUs);
  const members = s.setup.members;
  s.faults.forEach((f: Fault, i) => {
    const at = `${field}.faults[${i}]`;
    const kind = (f as Partial<Fault> | null)?.kind;
    if (!(FAULT_KINDS as readonly unknown[]).includes(kind)) throw new ConfigError(`${at}.kind`, `must be one of ${FAULT_KINDS.join(', ')}`, kind);
    if (!isTime(f.atUs)) throw new ConfigError(`${at}.atUs`, 'must be a non-negative integer number of microseconds', f.atUs);
    // An option change is not undone, so its durationUs is ignored and may be left out.
    if (f.kind !== 'option' && !isTime(f.durationUs)) throw new ConfigError(`${at}.durationUs`, 'must be a non-negative integer number of microseconds', f.durationUs);
    if ((f.kind === 'split' || f.kind === 'bridge') && (!Array.isArray(f.side) || f.side.length === 0)) {
      throw new ConfigError(`${at}.side`, 'must be a non-empty list of members', f.side);
    }
    for (const [name, m] of memberFields(f)) {
      if (typeof m !== 'string' || (!members.includes(m) && !(f.kind === 'option' && m === 'all'))) {
        throw new ConfigError(`${at}.${name}`, `must name a member of the schedule's setup (${members.join(', ')})`, m);
      }
    }
    if (f.kind === 'flapping') {
      if (!isTime(f.periodUs) || f.periodUs === 0) throw new ConfigError(`${at}.periodUs`, 'must be a positive integer number of microseconds', f.periodUs);
      if (typeof f.dutyCycle !== 'number' || !(f.dutyCycle > 0 && f.dutyCycle <= 1)) throw new ConfigError(`${at}.dutyCycle`, 'must be a number in (0, 1]', f.dutyCycle);
    }
    if (f.kind === 'loss' && (typeof f.loss !== 'number' || !(f.loss >= 0 && f.loss <= 1))) throw new ConfigError(`${at}.loss`, 'must be a probability in [0, 1]', f.loss);
    if (f.kind === 'latency' && !isTime(f.latencyUs)) throw new ConfigError(`${at}.latencyUs`, 'must be a non-negative integer number of microseconds', f.latencyUs);
  });
}

/**
 * Compiles a schedule into a Scenario. Overlapping faults compose: a link is cut while any fault
 * cuts it (one-way cuts counted per link), a member stays isolated, frozen or down until the last
 * overlapping fault of that kind ends, and loss/latency take the largest value in force. A split
 * that overlaps no other split prints as `partition`/`repair`; an isolation prints as
 * `isolate`/`heal` unless another fault cuts one of its member's links meanwhile (heal restores
 * every link of its member, so it would end that fault too early); anything else that cuts links
 * prints as one-way `cut`/`restore` pairs. A freeze that overlaps a crash of the same member (or
 * the reverse) is dropped, as the later one cannot apply to a process that is not running.
 */
export function scheduleToScenario(schedule: FaultSchedule, seed: number | string, name = 'generated'): Scenario {
  validateSchedule(schedule, 'scheduleToScenario.schedule');
  return compileSchedule(schedule, seed, name);
}

/** scheduleToScenario on a schedule already checked (validateSchedule). */
export function compileSchedule(schedule: FaultSchedule, seed: number | string, name: string): Scenario {
  const names = schedule.setup.members;
  const n = names.length;
  const deltas: { t: number; order: number; action: ScenarioAction }[] = [];
  let order = 0;
  const at = (t: number, action: ScenarioAction): void => { deltas.push({ t, order: order++, action }); };

  // Links: a per-link count of the faults cutting it; only 0↔1 transitions become events.
  const linkCount = new Int32Array(n * n);
  const linkEdges: { t: number; links: [number, number][]; delta: 1 | -1 }[] = [];
  const splits = schedule.faults.filter((f) => f.kind === 'split');
  for (const f of schedule.faults) {
    if (f.kind === 'split' && !splits.some((g) => g !== f && overlaps(f, g))) {
      at(f.atUs, { partition: [f.side, names.filter((m) => !f.side.includes(m))] });
      at(f.atUs + f.durationUs, { repair: 'all' });
      continue;
    }
    const links = cutLinks(f, names);
    if (links.length === 0) continue;
    for (const [s, e] of intervals(f)) {
      linkEdges.push({ t: s, links, delta: 1 }, { t: e, links, delta: -1 });
    }
  }
  // Per-member state faults: merge overlapping intervals of one kind; drop cross-kind conflicts.
  const byMember = new Map<string, { kind: 'isolate' | 'freeze' | 'crash'; s: number; e: number }[]>();
  for (const f of schedule.faults) {
    if (f.kind !== 'isolate' && f.kind !== 'freeze' && f.kind !== 'crash') continue;
    const list = byMember.get(f.member) ?? [];
    list.push({ kind: f.kind, s: f.atUs, e: f.atUs + f.durationUs });
    byMember.set(f.member, list);
  }
  const mergedOf = new Map<string, { kind: 'isolate' | 'freeze' | 'crash'; s: number; e: number }[]>();
  for (const member of names) {
    const list = (byMember.get(member) ?? []).sort((a, b) => a.s - b.s || a.e - b.e);
    const merged: { kind: 'isolate' | 'freeze' | 'crash'; s: number; e: number }[] = [];
    for (const iv of list) {
      const same = [...merged].reverse().find((m) => m.kind === iv.kind);
      if (same !== undefined && iv.s <= same.e) { same.e = Math.max(same.e, iv.e); continue; }
      const process = iv.kind !== 'isolate';
      if (process && merged.some((m) => m.kind !== 'isolate' && m.kind !== iv.kind && iv.s <= m.e && m.s <= iv.e)) continue;
      merged.push({ ...iv });
    }
    mergedOf.set(member, merged);
  }
  const countedIsolations = isolationsCountedByLink(schedule.faults, names, mergedOf);
  for (const member of names) {
    for (const m of mergedOf.get(member) ?? []) {
      if (m.kind === 'isolate') {
        if (countedIsolations.has(m)) {
          const links = isolationLinks(names.indexOf(member), n);
          linkEdges.push({ t: m.s, links, delta: 1 }, { t: m.e, links, delta: -1 });
        } else { at(m.s, { isolate: member }); at(m.e, { heal: member }); }
      }
      else if (m.kind === 'freeze') { at(m.s, { freeze: member }); at(m.e, { thaw: member }); }
      else { at(m.s, { crash: member }); at(m.e, { restart: member }); }
    }
  }
  // Loss and latency: the largest value in force, re-evaluated at every boundary.
  for (const kind of ['loss', 'latency'] as const) {
    const faults = schedule.faults.filter((f) => f.kind === kind);
    const bounds = [...new Set(faults.flatMap((f) => [f.atUs, f.atUs + f.durationUs]))].sort((a, b) => a - b);
    let current = kind === 'loss' ? 0 : BASE_LATENCY_US;
    for (const t of bounds) {
      const active = faults.filter((f) => f.atUs <= t && t < f.atUs + f.durationUs);
      const value = kind === 'loss'
        ? active.reduce((m, f) => Math.max(m, f.kind === 'loss' ? f.loss : 0), 0)
        : active.reduce((m, f) => Math.max(m, f.kind === 'latency' ? f.latencyUs : 0), BASE_LATENCY_US);
      if (value !== current) at(t, { link: kind === 'loss' ? { loss: value } : { latencyUs: value } });
      current = value;
    }
  }
  for (const f of schedule.faults) {
    if (f.kind !== 'option') continue;
    // SET GLOBAL needs a running server: an option change while its member is crashed is dropped.
    const down = (mergedOf.get(f.member) ?? []).some((m) => m.kind === 'crash' && m.s <= f.atUs && f.atUs < m.e);
    if (!down) at(f.atUs, { set: { member: f.member, option: f.option, value: f.value } });
  }
  // Link cuts: sweep the edges in time order, releasing before cutting at equal times.
  linkEdges.sort((a, b) => a.t - b.t || a.delta - b.delta);
  for (const edge of linkEdges) {
    for (const [a, b] of edge.links) {
      const k = a * n + b;
      const before = linkCount[k] as number;
      linkCount[k] = before + edge.delta;
      if (before === 0 && edge.delta === 1) at(edge.t, { cut: { from: names[a] as string, to: names[b] as string } });
      if (before === 1 && edge.delta === -1) at(edge.t, { restore: { from: names[a] as string, to: names[b] as string } });
    }
  }
  deltas.sort((a, b) => a.t - b.t || a.order - b.order);
  const events: ScenarioEvent[] = deltas.map((d, index) => ({ atUs: d.t, index, action: d.action }));
  const untilUs = Math.max(schedule.durationUs, lastFaultEndUs(schedule));
  return {
    name, seed, version: schedule.setup.version, start: '2024-01-01T00:00:00Z', mode: schedule.setup.mode,
    members: names.map((m, i) => ({ name: m, host: `10.0.0.${11 + i}`, port: 3306, xcomPort: 33061 })),
    options: { ...schedule.setup.options }, memberOptions: {},
    network: { latencyUs: BASE_LATENCY_US, jitterUs: BASE_JITTER_US, loss: 0 }, model: {}, events, untilUs,
  };
}
