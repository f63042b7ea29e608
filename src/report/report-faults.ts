import type { NetworkEvent, SimEvent } from '../observe/events.js';
import type { LinkProfile } from '../network/network-options.js';

/** The kinds of fault a report lists: the network and process verbs that have an inverse. */
export type ReportFaultKind = 'isolate' | 'partition' | 'cut' | 'freeze' | 'crash' | 'link';

/**
 * One fault as the run applied it, in µs, with the verb that ended it resolved (heal of a member or
 * of all, restore all, repair, a crash ending a freeze): from `startUs` to `endUs` (null: still in force at the end).
 */
export interface AppliedFault {
  readonly kind: ReportFaultKind;
  readonly startUs: number;
  readonly endUs: number | null;
  /** The members the fault touches, in the order the verb names them. */
  readonly members: readonly string[];
  /** What the verb did, in words (`node3 cut off from everyone`, `[node1,node2] | [node3]`). */
  readonly detail: string;
}

interface Open { readonly key: string; readonly fault: Omit<AppliedFault, 'endUs'> & { endUs: number | null } }

function describeProfile(p: Partial<LinkProfile>): string {
  const parts: string[] = [];
  if (p.latencyUs !== undefined) parts.push(`latency ${p.latencyUs / 1000} ms`);
  if (p.jitterUs !== undefined) parts.push(`jitter ${p.jitterUs / 1000} ms`);
  if (p.loss !== undefined) parts.push(`loss ${Math.round(p.loss * 1e4) / 100} %`);
  return parts.join(', ');
}

/** Whether a link profile change only sets the run's base values again (the end of a link fault, not a new one). */
function isBase(p: Partial<LinkProfile>, base: LinkProfile): boolean {
  return (p.latencyUs === undefined || p.latencyUs === base.latencyUs)
    && (p.jitterUs === undefined || p.jitterUs === base.jitterUs)
    && (p.loss === undefined || p.loss === base.loss);
}

/**
 * Pairs every fault verb in a trace with the verb that undid it (NetworkControl's named pairs:
 * isolate/heal, partition/repair, cut/restore, freeze/thaw, crash/restart; a link profile lasts
 * until the next change of the same links). `members` lists every member name, for `link` changes
 * on every link; `base` is the run's starting link profile.
 */
export function appliedFaults(trace: readonly SimEvent[], members: readonly string[], base: LinkProfile): AppliedFault[] {
  const fold = faultFold(members, base);
  for (const e of trace) fold.observe(e);
  return fold.faults();
}

/**
 * appliedFaults one event at a time, as the run produces them: `observe` every trace event (only
 * `network` events matter), then read `faults()`. It holds one entry per fault, not the events.
 */
export interface FaultFold {
  observe(e: SimEvent): void;
  /** The faults so far, in start order; an open fault's `endUs` is null. */
  faults(): AppliedFault[];
}

/** A FaultFold for a run of `members` whose links start with the profile `base`. */
export function faultFold(members: readonly string[], base: LinkProfile): FaultFold {
  const open: Open[] = [];
  const all: Open['fault'][] = [];
  const start = (key: string, e: NetworkEvent, kind: ReportFaultKind, touched: readonly string[], detail: string): void => {
    const fault = { kind, startUs: e.t, endUs: null, members: [...touched], detail };
    open.push({ key, fault });
    all.push(fault);
  };
  const close = (t: number, match: (key: string) => boolean): void => {
    for (let i = 0; i < open.length;) {
      const o = open[i]!;
      if (match(o.key)) { o.fault.endUs = t; open.splice(i, 1); } else i++;
    }
  };
  /** The groups of each partition in force, less the members healed since, by fault key. */
  const partitionGroups = new Map<string, string[][]>();
  const observe = (e: SimEvent): void => {
    if (e.type !== 'network') return;
    const d = e.detail;
    switch (e.action) {
      case 'isolate': start(`isolate:${d}`, e, 'isolate', [d], `${d} cut off from everyone`); break;
      case 'heal': {
        // heal restores every link of its member (every link with all), whatever cut it: it ends the
        // member's isolation and one-way cuts, and a partition once at most one of its groups still
        // holds members that were not healed (LinkFaults.heal).
        if (d === 'all') {
          close(e.t, (k) => k.startsWith('isolate:') || k.startsWith('cut:') || k.startsWith('partition:'));
          partitionGroups.clear();
          break;
        }
        close(e.t, (k) => k === `isolate:${d}` || (k.startsWith('cut:') && k.slice(4).split('->').includes(d)));
        for (const [key, groups] of [...partitionGroups]) {
          const left = groups.map((g) => g.filter((m) => m !== d));
          if (left.filter((g) => g.length > 0).length > 1) { partitionGroups.set(key, left); continue; }
          close(e.t, (k) => k === key);
          partitionGroups.delete(key);
        }
        break;
      }
      case 'partition': {
        // Partitions add up until a repair (LinkFaults.partition): each is a fault of its own.
        const groups = d.split('] [').map((g) => g.replace(/^\[/, '').replace(/\]$/, ''));
        const key = `partition:${e.t}:${partitionGroups.size}`;
        partitionGroups.set(key, groups.map((g) => (g.length === 0 ? [] : g.split(','))));
        start(key, e, 'partition', groups.flatMap((g) => (g.length === 0 ? [] : g.split(','))), groups.map((g) => `[${g}]`).join(' | '));
        break;
      }
      case 'repair': close(e.t, (k) => k.startsWith('partition:')); partitionGroups.clear(); break;
      case 'cut': {
        const arrow = d.indexOf('->');
        start(`cut:${d}`, e, 'cut', arrow < 0 ? [d] : [d.slice(0, arrow), d.slice(arrow + 2)], `${d.replace('->', ' → ')} dropped (one way)`);
        break;
      }
      case 'restore': close(e.t, (k) => d === 'all' ? k.startsWith('cut:') : k === `cut:${d}`); break;
      case 'freeze': start(`freeze:${d}`, e, 'freeze', [d], `${d} stopped (SIGSTOP)`); break;
      case 'thaw': close(e.t, (k) => k === `freeze:${d}`); break;
      case 'crash':
        // A crash ends a freeze of the same process (NetworkReplay does the same).
        close(e.t, (k) => k === `freeze:${d}`);
        start(`crash:${d}`, e, 'crash', [d], `${d} killed`);
        break;
      case 'restart': close(e.t, (k) => k === `crash:${d}`); break;
      case 'linkProfile': {
        const { profile, links } = JSON.parse(d) as { profile: Partial<LinkProfile>; links: readonly (readonly [string, string])[] | 'all' };
        const key = `link:${JSON.stringify(links)}`;
        close(e.t, (k) => k === key || (links === 'all' && k.startsWith('link:')));
        if (isBase(profile, base)) break;
        const touched: string[] = [];
        if (links === 'all') touched.push(...members);
        else for (const [a, b] of links) for (const x of [a, b]) if (!touched.includes(x)) touched.push(x);
        start(key, e, 'link', touched, `${describeProfile(profile)} on ${links === 'all' ? 'every link' : `${links.length} link${links.length === 1 ? '' : 's'}`}`);
        break;
      }
      default: break;
    }
  };
  return { observe, faults: () => all.map((f) => ({ ...f })) };
}
