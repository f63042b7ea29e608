import { createPool, type Pool, type PoolConnection, type RowDataPacket } from 'mysql2/promise';
import { PROXYSQL_MYSQL8_GR_QUERY } from './proxysql-monitor-query.js';

/**
 * A small service that keeps writing to a single-primary Group Replication group through a
 * failover: the kind of code docs/failover-example.md tests against `grsim serve`. It knows the
 * members' addresses, finds the primary the way ProxySQL's monitor does (the member that answers
 * its MySQL 8 query with viable_candidate YES and read_only NO), writes one row per poll through a
 * mysql2 pool of that member, and looks for the primary again when a write fails or hangs.
 *
 * It runs on a clock it is given and a loop someone else turns: in production `now: Date.now` and
 * `setInterval(() => service.tick(), pollMs)`; under test the simulation's virtual clock and a
 * test that calls tick() between advances of virtual time, so that every run is the same.
 */

export interface MemberAddress {
  readonly name: string;
  readonly host: string;
  readonly port: number;
}

export interface FailoverServiceOptions {
  readonly members: readonly MemberAddress[];
  readonly user?: string;
  readonly password?: string;
  /** The service's clock, in ms. */
  readonly now: () => number;
  /** How often the service writes (and, without a primary, probes the members), in ms. */
  readonly pollMs: number;
  /** How long a write may wait for its primary before the service gives up on it, in ms. */
  readonly writeTimeoutMs: number;
}

/** One write the service made: when it was answered (ms on the service's clock), where, and how. */
export interface WriteResult {
  readonly startedMs: number;
  readonly answeredMs: number;
  readonly member: string;
  /** 'ok', a MySQL error number ('1290', '3100'), a client error code ('ECONNREFUSED'), or 'timeout'. */
  readonly outcome: string;
}

/** The service's own table, created on each primary it writes to. */
const SCHEMA = [
  'CREATE DATABASE IF NOT EXISTS failover_demo',
  'CREATE TABLE IF NOT EXISTS failover_demo.beats (id INT PRIMARY KEY AUTO_INCREMENT, started_ms BIGINT NOT NULL, member VARCHAR(64) NOT NULL)',
];

/** One turn of work: a probe round when no primary is known, then a write. */
interface Attempt {
  readonly startedMs: number;
  phase: 'probing' | 'writing';
  member: string | null;
  done: boolean;
  abandoned: boolean;
  /** Connections it holds, destroyed when it is abandoned. */
  readonly held: Set<PoolConnection>;
}

export class FailoverService {
  /** Every write, in the order they were answered. */
  readonly results: WriteResult[] = [];
  /** The member the service believes is the primary (null: it is looking). */
  primary: string | null = null;
  private readonly pools = new Map<string, Pool>();
  private readonly schemaOn = new Set<string>();
  private attempt: Attempt | null = null;
  /** Requests sent and not yet answered, by member (a test harness waits on them). */
  private readonly inFlight = new Map<string, number>();

  constructor(private readonly options: FailoverServiceOptions) {
    for (const m of options.members) {
      this.pools.set(m.name, createPool({
        host: m.host, port: m.port, user: options.user ?? 'root', password: options.password ?? '',
        connectionLimit: 4, maxIdle: 4, enableKeepAlive: false,
      }));
    }
  }

  /**
   * One turn of the loop: gives up on an attempt that has waited too long (a probe round after
   * one poll, a write after writeTimeoutMs), and starts the next once a poll has passed.
   */
  tick(): void {
    const now = this.options.now();
    const a = this.attempt;
    if (a !== null && !a.done) {
      const limit = a.phase === 'probing' ? this.options.pollMs : this.options.writeTimeoutMs;
      if (now - a.startedMs < limit) return;
      this.abandon(a, now);
    } else if (a !== null && now - a.startedMs < this.options.pollMs) return;
    const next: Attempt = { startedMs: now, phase: 'probing', member: null, done: false, abandoned: false, held: new Set() };
    this.attempt = next;
    void this.run(next);
  }

  /** Requests in flight to `member` (all members when omitted). */
  outstanding(member?: string): number {
    if (member !== undefined) return this.inFlight.get(member) ?? 0;
    let n = 0;
    for (const c of this.inFlight.values()) n += c;
    return n;
  }

  /** Closes every pool. */
  async close(): Promise<void> {
    if (this.attempt !== null && !this.attempt.done) this.abandon(this.attempt, this.options.now());
    await Promise.all([...this.pools.values()].map((p) => p.end().catch(() => {})));
  }

  private abandon(a: Attempt, now: number): void {
    a.abandoned = true;
    a.done = true;
    for (const c of a.held) c.destroy();
    a.held.clear();
    if (a.phase === 'writing' && a.member !== null) {
      this.results.push({ startedMs: a.startedMs, answeredMs: now, member: a.member, outcome: 'timeout' });
      // A primary that does not answer may be frozen or cut off: look again.
      this.primary = null;
    }
  }

  private async run(a: Attempt): Promise<void> {
    try {
      if (this.primary === null) {
        const found = await this.findPrimary(a);
        if (a.abandoned || found === null) return;
        this.primary = found;
      }
      a.phase = 'writing';
      const member = a.member = this.primary;
      const conn = await this.connection(a, member);
      if (!this.schemaOn.has(member)) {
        for (const ddl of SCHEMA) await this.send(member, conn.query(ddl));
        this.schemaOn.add(member);
      }
      await this.send(member, conn.query('INSERT INTO failover_demo.beats (started_ms, member) VALUES (?, ?)', [a.startedMs, member]));
      a.held.delete(conn);
      conn.release();
      if (!a.abandoned) this.results.push({ startedMs: a.startedMs, answeredMs: this.options.now(), member, outcome: 'ok' });
    } catch (e) {
      if (a.abandoned) return;
      const err = e as { errno?: number; code?: string };
      if (a.member !== null) {
        this.results.push({ startedMs: a.startedMs, answeredMs: this.options.now(), member: a.member, outcome: err.errno !== undefined ? String(err.errno) : err.code ?? String(e) });
      }
      // ERROR 1290: no longer the primary; 3100: it left the group; a lost connection: it crashed.
      for (const c of a.held) c.destroy();
      a.held.clear();
      this.primary = null;
    } finally {
      a.done = true;
    }
  }

  /** Asks every member ProxySQL's question; the first that is a viable, writable candidate wins. */
  private findPrimary(a: Attempt): Promise<string | null> {
    return new Promise((resolve) => {
      let left = this.options.members.length;
      for (const m of this.options.members) {
        void (async () => {
          try {
            const conn = await this.connection(a, m.name);
            const [rows] = await this.send(m.name, conn.query<RowDataPacket[]>(PROXYSQL_MYSQL8_GR_QUERY));
            a.held.delete(conn);
            conn.release();
            const row = rows[0];
            if (row !== undefined && row.viable_candidate === 'YES' && row.read_only === 'NO') resolve(m.name);
          } catch {
            // Down or refusing: not a candidate this round.
          }
          if (--left === 0) resolve(null);
        })();
      }
    });
  }

  /** A pooled connection to `member`, held by attempt `a` (destroyed at once if `a` was abandoned meanwhile). */
  private async connection(a: Attempt, member: string): Promise<PoolConnection> {
    const conn = await this.send(member, this.pools.get(member)!.getConnection());
    if (a.abandoned) {
      conn.destroy();
      throw new Error('abandoned');
    }
    a.held.add(conn);
    return conn;
  }

  /** Counts a request as in flight to `member` until it settles. */
  private async send<T>(member: string, request: Promise<T>): Promise<T> {
    this.inFlight.set(member, (this.inFlight.get(member) ?? 0) + 1);
    try {
      return await request;
    } finally {
      this.inFlight.set(member, this.inFlight.get(member)! - 1);
    }
  }
}
