import { createServer, type Server, type Socket } from 'node:net';
import { parseDuration } from '../duration.js';
import { ConfigError } from '../errors.js';
import { MAX_VIRTUAL_TIME_US } from '../sim/simulation-options.js';
import type { MemberHandle, Simulation } from '../sim/simulation.js';
import { AUTH_PLUGIN_NAMES, checkAccounts, isAuthPluginName, type AuthPluginName, type ServeAccount } from '../scenario/scenario-accounts.js';
import { Connection, type Account, type ConnectionHost } from './protocol/connection.js';
import { DEFAULT_MAX_ALLOWED_PACKET, DEFAULT_MAX_CONNECTIONS, ER } from './protocol/constants.js';
import { WAIT_TIMEOUT_DEFAULT_S, WAIT_TIMEOUT_RANGE_S } from '../gr/options.js';
import { errPacket } from './protocol/packets.js';
import { framePayload } from './protocol/packet-framer.js';
import type { StatementEngine } from './statement-engine.js';
import { defaultEngine } from './default-engine.js';

/**
 * `serve(sim, options)`: every member of a simulation answers the MySQL protocol on its own TCP
 * port, with the faults a client would see (a crashed member refuses, a frozen one is silent).
 * This file is the façade's edge: the only place in grsim where wall-clock time drives the
 * virtual clock (real-time mode), and where sockets are opened.
 */

export type { ServeAccount, AuthPluginName };

/**
 * A member's port could not be opened: taken by another process (`code` 'EADDRINUSE'), an address
 * that is not this machine's or does not resolve ('EADDRNOTAVAIL', 'ENOTFOUND'), a port that needs
 * privileges ('EACCES')… `code` is Node's error code (`cause` is Node's error). serve() rejects
 * with it when a member cannot listen at the start, and hands it to onError when a restarted
 * member cannot listen again.
 */
export class ListenError extends Error {
  override readonly name: string = 'ListenError';
  constructor(readonly member: string, readonly host: string, readonly port: number, readonly code: string, override readonly cause: unknown) {
    super(`${member} cannot listen on ${host}:${port}: ${listenProblem(code, cause)}`);
  }
}

/** What a listen error code means, in words. */
function listenProblem(code: string, cause: unknown): string {
  switch (code) {
    case 'EADDRINUSE': return 'the port is in use';
    case 'EACCES': return 'permission denied (a port below 1024 needs privileges)';
    case 'EADDRNOTAVAIL': return 'the address is not one of this machine';
    case 'ENOTFOUND': case 'EAI_AGAIN': case 'EAI_NONAME': case 'EAI_FAIL': return 'the address does not resolve';
    default: return cause instanceof Error ? cause.message : String(cause);
  }
}

export interface ServeOptions {
  /** Answers the statements. @defaultValue the SQL engine over the simulated state (src/serve/sql, createStatementEngine) */
  readonly engine?: StatementEngine;
  /** Address every member binds. @defaultValue '127.0.0.1' (loopback only) */
  readonly host?: string;
  /** Port of the first member; member i listens on portBase + i. 0: each member gets a free port the system picks. @defaultValue 13306 */
  readonly portBase?: number;
  /**
   * Test-driven clock: virtual time moves only on advance()/runUntil(). Otherwise virtual time
   * follows real time × speed. @defaultValue false
   */
  readonly testDriven?: boolean;
  /** Virtual seconds per real second in real-time mode. @defaultValue 1 */
  readonly speed?: number;
  /** Real milliseconds between two steps of the real-time clock. @defaultValue 10 */
  readonly tickMs?: number;
  /** Accounts besides `root` (empty password), which an entry named root replaces. */
  readonly accounts?: readonly ServeAccount[];
  /** The plugin the handshake names (default_authentication_plugin). @defaultValue 'caching_sha2_password' */
  readonly defaultAuthPlugin?: AuthPluginName;
  /** The version string of the handshake. @defaultValue the simulated version's server version, e.g. '8.0.21' */
  readonly serverVersion?: string;
  /** Most client connections per member (max_connections); one more gets ERROR 1040. @defaultValue 151 */
  readonly max_connections?: number;
  /** Longest packet a client may send, in bytes (max_allowed_packet); longer gets ERROR 1153. @defaultValue 67108864 */
  readonly max_allowed_packet?: number;
  /** Seconds of real time an idle connection is kept (wait_timeout); then ERROR 4031 and close. @defaultValue 28800 */
  readonly wait_timeout?: number;
  /**
   * The wait_timeout an interactive client's session starts with (interactive_timeout: the mysql
   * command-line client and others that set CLIENT_INTERACTIVE in the handshake). @defaultValue 28800
   */
  readonly interactive_timeout?: number;
  /** Seconds of real time a client has to complete the handshake (connect_timeout). @defaultValue 10 */
  readonly connect_timeout?: number;
  /**
   * Called with a failure the server cannot answer for: a statement engine bug (that connection
   * is closed with ERROR 1105), a scripted event refused as it fires, or a listen error after a
   * restart. In real-time mode the clock stops after a simulation error. @defaultValue rethrows
   */
  readonly onError?: (e: unknown) => void;
}

export interface ServeHandle {
  /** Where each member listens, by member name, in member order. */
  readonly ports: Readonly<Record<string, number>>;
  readonly host: string;
  readonly sim: Simulation;
  readonly testDriven: boolean;
  /** Virtual seconds per real second (real-time mode). */
  readonly speed: number;
  /** Changes the real-time speed (> 0). */
  setSpeed(speed: number): void;
  /** Advances virtual time by `duration` (µs or "10s"), then applies faults and answers statements the group has decided. */
  advance(duration: number | string): Promise<void>;
  /** Sim.runUntil, then the same as advance(). */
  runUntil(target: number | string | ((sim: Simulation) => boolean), options?: { readonly limit: number | string }): Promise<boolean>;
  /** Applies what a change made from outside (sim.network.freeze(…) between advances) means to clients. */
  sync(): Promise<void>;
  /** Open client connections to `member` (all members when omitted). */
  connectionCount(member?: string): number;
  /**
   * Statements at `member` (all members when omitted) that wait for the simulated group: a commit
   * in a minority, a START/STOP GROUP_REPLICATION. A test-driven harness uses it to know that a
   * client's statement has reached the server and waits there, before it advances virtual time.
   */
  pendingStatements(member?: string): number;
  /** Stops the clock, drops every connection, stops listening. */
  close(): Promise<void>;
}

/** max_allowed_packet's range in bytes (sql/sys_vars.cc, max_allowed_packet). */
const MAX_ALLOWED_PACKET_RANGE = [1024, 1024 * 1024 * 1024] as const;
/** max_connections's range (sql/sys_vars.cc, max_connections). */
const MAX_CONNECTIONS_RANGE = [1, 100000] as const;
/** connect_timeout's range in seconds (sql/sys_vars.cc, connect_timeout). */
const CONNECT_TIMEOUT_RANGE = [2, 31536000] as const;
/** Most real milliseconds one step of the real-time clock catches up. */
const MAX_TICK_CATCH_UP_MS = 100;
/** connect_timeout's default in seconds (sql/sys_vars.cc, connect_timeout). */
const DEFAULT_CONNECT_TIMEOUT_S = 10;
/** Fastest real-time speed: a week of virtual time in ten real minutes is already more than a person can follow. */
const MAX_SPEED = 1000;

function intIn(value: unknown, field: string, [lo, hi]: readonly [number, number], unit: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < lo || value > hi) {
    throw new ConfigError(field, `must be an integer in ${lo}..${hi}${unit}`, value);
  }
  return value;
}

/** Checks a speed: a finite number in (0, MAX_SPEED]. */
export function checkSpeed(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > MAX_SPEED) {
    throw new ConfigError(field, `must be a number greater than 0 and at most ${MAX_SPEED} (virtual seconds per real second)`, value);
  }
  return value;
}

/** The accounts map: root with an empty password, then the given ones (a later root replaces it). */
export function resolveAccounts(given: unknown, defaultPlugin: AuthPluginName, field = 'accounts'): Map<string, Account> {
  const map = new Map<string, Account>([['root', { user: 'root', password: '', plugin: defaultPlugin }]]);
  if (given === undefined) return map;
  for (const a of checkAccounts(given, field)) map.set(a.user, { user: a.user, password: a.password, plugin: a.plugin ?? defaultPlugin });
  return map;
}

/** One member's listener and its client connections. */
class MemberEndpoint {
  private server: Server | null = null;
  /** Whether the listener should be open (the member's mysqld runs). */
  private wantListening = false;
  /** Serialises listen/close of this member's listener. */
  private op: Promise<void> = Promise.resolve();
  readonly connections = new Set<Connection>();
  private readonly connectionHost: ConnectionHost;
  private nextConnectionId = 1;

  constructor(
    readonly member: MemberHandle,
    readonly bindHost: string,
    public port: number,
    private readonly maxConnections: number,
    host: Omit<ConnectionHost, 'member' | 'frozen' | 'closed'>,
  ) {
    this.connectionHost = {
      ...host, member: member.name, frozen: () => this.member.frozen,
      closed: (c) => { this.connections.delete(c); },
    };
  }

  /** Opens or closes the listener to match the member's process, and wakes its connections. */
  sync(): Promise<void> {
    const running = this.member.running;
    if (running !== this.wantListening) {
      this.wantListening = running;
      if (running) this.op = this.op.then(() => this.listen());
      else {
        // A crashed mysqld: its sockets go with it, and its port refuses new connections.
        for (const c of [...this.connections]) c.drop();
        this.op = this.op.then(() => this.unlisten());
      }
    }
    if (running) for (const c of [...this.connections]) c.resume();
    return this.op;
  }

  private listen(): Promise<void> {
    if (!this.wantListening || this.server !== null) return Promise.resolve();
    const server = createServer((socket) => { this.accept(socket); });
    this.server = server;
    return new Promise<void>((resolve, reject) => {
      server.once('error', (e: NodeJS.ErrnoException) => {
        this.server = null;
        reject(new ListenError(this.member.name, this.bindHost, this.port, e.code ?? 'UNKNOWN', e));
      });
      server.listen({ host: this.bindHost, port: this.port, exclusive: true }, () => {
        server.removeAllListeners('error');
        server.on('error', () => { /* an accept error ends that socket only */ });
        const address = server.address();
        if (address !== null && typeof address === 'object') this.port = address.port;
        resolve();
      });
    });
  }

  private unlisten(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server === null) return Promise.resolve();
    return new Promise<void>((resolve) => { server.close(() => { resolve(); }); });
  }

  private accept(socket: Socket): void {
    if (!this.member.running) { socket.destroy(); return; }
    if (this.connections.size >= this.maxConnections) {
      // MySQL answers the extra client with an error packet instead of the handshake (sql/conn_handler/connection_handler_manager.cc, check_and_incr_conn_count).
      socket.on('error', () => {});
      const { frames } = framePayload(errPacket(ER.CON_COUNT_ERROR.code, ER.CON_COUNT_ERROR.sqlState, 'Too many connections'), 0);
      socket.end(frames[0]!);
      return;
    }
    const c = new Connection(socket, this.nextConnectionId++, this.connectionHost);
    if (!c.isClosed) this.connections.add(c);
  }

  async close(): Promise<void> {
    this.wantListening = false;
    for (const c of [...this.connections]) c.drop();
    this.op = this.op.then(() => this.unlisten(), () => this.unlisten());
    await this.op;
  }
}

/** Starts serving `sim`: every member listens; resolves once all listen. */
export async function serve(sim: Simulation, options: ServeOptions = {}): Promise<ServeHandle> {
  if (options === undefined) options = {};
  if (options === null || typeof options !== 'object') throw new ConfigError('serve.options', 'must be an object (or omitted)', options);
  const waitTimeoutS = intIn(options.wait_timeout ?? WAIT_TIMEOUT_DEFAULT_S, 'wait_timeout', WAIT_TIMEOUT_RANGE_S, ' seconds');
  const interactiveTimeoutS = intIn(options.interactive_timeout ?? WAIT_TIMEOUT_DEFAULT_S, 'interactive_timeout', WAIT_TIMEOUT_RANGE_S, ' seconds');
  // The SQL engine's sessions start with the server's wait_timeout, or an interactive client's with
  // its interactive_timeout (SELECT @@wait_timeout shows it).
  const engine = options.engine ?? await defaultEngine(sim, { waitTimeoutS, interactiveTimeoutS });
  if (engine === null || typeof engine !== 'object' || typeof (engine as Partial<StatementEngine>).openSession !== 'function') {
    throw new ConfigError('engine', 'must be a StatementEngine (an object with openSession(member, user, database))', engine);
  }
  const host = options.host ?? '127.0.0.1';
  if (typeof host !== 'string' || host.length === 0) throw new ConfigError('host', 'must be a non-empty address to bind', host);
  const portBase = options.portBase ?? 13306;
  const n = sim.members.length;
  intIn(portBase, 'portBase', [0, 65536 - n], ` (0: free ports; the last member listens on portBase + ${n - 1})`);
  const testDriven = options.testDriven ?? false;
  if (typeof testDriven !== 'boolean') throw new ConfigError('testDriven', 'must be true or false', testDriven);
  let speed = checkSpeed(options.speed ?? 1, 'speed');
  const tickMs = intIn(options.tickMs ?? 10, 'tickMs', [1, 1000], ' ms');
  const defaultAuthPlugin = options.defaultAuthPlugin ?? 'caching_sha2_password';
  if (!isAuthPluginName(defaultAuthPlugin)) throw new ConfigError('defaultAuthPlugin', `must be one of ${AUTH_PLUGIN_NAMES.join(', ')}`, defaultAuthPlugin);
  const accounts = resolveAccounts(options.accounts, defaultAuthPlugin);
  const serverVersion = options.serverVersion ?? sim.version.serverVersion;
  if (typeof serverVersion !== 'string' || serverVersion.length === 0 || serverVersion.includes('\0')) {
    throw new ConfigError('serverVersion', 'must be a non-empty string without NUL', serverVersion);
  }
  const maxConnections = intIn(options.max_connections ?? DEFAULT_MAX_CONNECTIONS, 'max_connections', MAX_CONNECTIONS_RANGE, '');
  const maxAllowedPacket = intIn(options.max_allowed_packet ?? DEFAULT_MAX_ALLOWED_PACKET, 'max_allowed_packet', MAX_ALLOWED_PACKET_RANGE, ' bytes');
  const connectTimeoutS = intIn(options.connect_timeout ?? DEFAULT_CONNECT_TIMEOUT_S, 'connect_timeout', CONNECT_TIMEOUT_RANGE, ' seconds');
  const onError = options.onError ?? ((e: unknown) => { throw e; });
  if (typeof onError !== 'function') throw new ConfigError('onError', 'must be a function', onError);

  let closed = false;
  let endpoints: MemberEndpoint[] = [];
  const syncAll = async (): Promise<void> => { await Promise.all(endpoints.map((e) => e.sync())); };
  // A statement may have changed the simulation (STOP GROUP_REPLICATION): apply it once the
  // connection that ran it is done with its packet.
  const afterStatement = (): void => { queueMicrotask(() => { if (!closed) void syncAll().catch(onError); }); };
  endpoints = sim.members.map((m, i) => new MemberEndpoint(m, host, portBase === 0 ? 0 : portBase + i, maxConnections, {
    engine, accounts, serverVersion, defaultAuthPlugin, maxAllowedPacket,
    waitTimeoutMs: waitTimeoutS * 1000, interactiveTimeoutMs: interactiveTimeoutS * 1000, connectTimeoutMs: connectTimeoutS * 1000,
    afterStatement, engineFailed: onError,
  }));
  try {
    await syncAll();
  } catch (e) {
    await Promise.all(endpoints.map((ep) => ep.close()));
    throw e;
  }

  // A fault applied from outside between advances (sim.network.crash('node2') in a test, a live
  // control line) reaches the clients without waiting for the next advance; deferred to a
  // microtask so that nothing touches the simulation while an event runs.
  const onNetwork = (): void => { queueMicrotask(() => { if (!closed) void syncAll().catch(onError); }); };
  sim.on('network', onNetwork);

  // The real-time clock: virtual time follows real time × speed (performance.now: monotonic).
  let timer: NodeJS.Timeout | null = null;
  let lastMs = performance.now();
  let carryUs = 0;
  const tick = (): void => {
    const nowMs = performance.now();
    // At most MAX_TICK_CATCH_UP_MS of real time per step: a simulation slower than real time ×
    // speed falls behind instead of taking ever longer steps that starve the sockets.
    const wantUs = Math.min(nowMs - lastMs, MAX_TICK_CATCH_UP_MS) * 1000 * speed + carryUs;
    lastMs = nowMs;
    const stepUs = Math.min(Math.floor(wantUs), MAX_VIRTUAL_TIME_US - sim.nowUs);
    carryUs = wantUs - Math.floor(wantUs);
    try {
      if (stepUs > 0) sim.runFor(stepUs);
      if (sim.nowUs >= MAX_VIRTUAL_TIME_US) throw new ConfigError('serve', `reached the end of virtual time (${MAX_VIRTUAL_TIME_US / 86_400_000_000} days); the clock stops`, sim.nowUs);
    } catch (e) {
      stopClock();
      onError(e);
      return;
    }
    void syncAll().catch(onError);
  };
  const stopClock = (): void => { if (timer !== null) { clearInterval(timer); timer = null; } };
  if (!testDriven) timer = setInterval(tick, tickMs);

  const ports: Record<string, number> = {};
  for (const ep of endpoints) ports[ep.member.name] = ep.port;
  Object.freeze(ports);

  const endpointsOf = (member: string | undefined, field: string): readonly MemberEndpoint[] => {
    if (member === undefined) return endpoints;
    const ep = endpoints.find((e) => e.member.name === member);
    if (ep === undefined) throw new ConfigError(field, `must name a member (${endpoints.map((e) => e.member.name).join(', ')})`, member);
    return [ep];
  };
  const checkOpen = (what: string): void => { if (closed) throw new ConfigError(what, 'was called after close()', what); };
  const handle: ServeHandle = {
    ports, host, sim, testDriven,
    get speed() { return speed; },
    setSpeed(s: number): void {
      checkOpen('setSpeed');
      speed = checkSpeed(s, 'speed');
    },
    async advance(duration: number | string): Promise<void> {
      checkOpen('advance');
      const us = parseDuration(duration, 'advance');
      try {
        sim.runFor(us);
      } finally {
        // A scripted event refused as it fires stops the run there (the error propagates): what
        // ran up to it still reaches the clients.
        await syncAll();
      }
    },
    async runUntil(target, runOptions): Promise<boolean> {
      checkOpen('runUntil');
      try {
        return sim.runUntil(target, runOptions);
      } finally {
        await syncAll();
      }
    },
    async sync(): Promise<void> {
      checkOpen('sync');
      await syncAll();
    },
    connectionCount(member?: string): number {
      return endpointsOf(member, 'connectionCount').reduce((s, e) => s + e.connections.size, 0);
    },
    pendingStatements(member?: string): number {
      let n = 0;
      for (const e of endpointsOf(member, 'pendingStatements')) for (const c of e.connections) if (c.isPending) n++;
      return n;
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      stopClock();
      sim.off('network', onNetwork);
      await Promise.all(endpoints.map((e) => e.close()));
    },
  };
  return handle;
}
