import type { SimEvent } from './events.js';

/**
 * A single-primary failover as the new primary lived it: from the view that removed the old
 * primary (MY-011500 "Primary server … left the group", handle_leader_election_if_needed) to the
 * moment the new primary's super_read_only went OFF (the election process's
 * disable_server_read_mode, primary_election_primary_process.cc), in µs.
 */
export interface FailoverRecord {
  /** The member that became the writable primary. */
  readonly member: string;
  /** When it installed the view without the old primary (µs). */
  readonly primaryLeftUs: number;
  /** When it took writes (µs). */
  readonly writableUs: number;
  /** writableUs − primaryLeftUs: the election, the backlog's apply time and one round of the group (µs). */
  readonly timeToWritableUs: number;
}

/**
 * Every failover of a trace, in time order. A member's MY-011500 opens a failover on it; the next
 * super_read_only OFF of that member closes it; MY-011511 (it works as a secondary), a leave
 * (empty view) or a server stop cancels it.
 */
export function failovers(trace: readonly SimEvent[]): FailoverRecord[] {
  const fold = failoverFold();
  for (const e of trace) fold.observe(e);
  return fold.records();
}

/** failovers one event at a time, as the run produces them: `observe` every trace event, then read `records()`. */
export interface FailoverFold {
  observe(e: SimEvent): void;
  /** The failovers completed so far, in the order they completed. */
  records(): FailoverRecord[];
}

/** A FailoverFold: it holds the failovers in progress per member and the completed ones, not the events. */
export function failoverFold(): FailoverFold {
  const open = new Map<string, number>();
  const out: FailoverRecord[] = [];
  const observe = (e: SimEvent): void => {
    if (e.type === 'log') {
      if (e.code === 'MY-011500') open.set(e.member, e.t);
      else if (e.code === 'MY-011511') open.delete(e.member);
    } else if (e.type === 'view') {
      if (e.viewId === '') open.delete(e.member);
    } else if (e.type === 'flags') {
      const since = open.get(e.member);
      if (since === undefined) return;
      if (!e.running) open.delete(e.member);
      else if (!e.superReadOnly) {
        open.delete(e.member);
        out.push({ member: e.member, primaryLeftUs: since, writableUs: e.t, timeToWritableUs: e.t - since });
      }
    }
  };
  return { observe, records: () => [...out] };
}
