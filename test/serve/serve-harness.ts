import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterEach } from 'vitest';
import type { ServeHandle } from '../../src/serve/serve.js';

/**
 * Helpers for tests that drive `serve(sim, { testDriven: true })` with a real client over TCP.
 * Virtual time moves only on advance(); a statement's bytes and its answer travel in real time.
 * So that what a client sees does not depend on how fast the machine is, a test waits after
 * sending a statement (and after each advance) until the statement is either answered or waits
 * in the server for the group, and only then moves virtual time.
 */

/**
 * What the tests of a file (or a describe block) open and must let go when each test ends, failed
 * or not, so that no server, port or socket outlives its test: clients are destroyed first (a
 * server's close then has no connection left to wait on), then every server, service and other
 * step is closed or run in the order it was kept.
 */
export interface Cleanup {
  /** Keeps a client connection (mysql2, RawClient) to destroy; returns it. */
  client<T extends { destroy(): void }>(connection: T): T;
  /** Keeps a served simulation (ServeHandle), a service or a pool to close; returns it. */
  closing<T extends { close(): unknown }>(resource: T): T;
  /** Keeps any other step: telling a CLI to quit, removing a temporary directory. */
  defer(step: () => unknown): void;
  /** Lets go of everything kept so far, now (each test's end does it too). */
  now(): Promise<void>;
}

/** A Cleanup whose `now()` runs after each test of the file, or of the describe block it is called in. */
export function cleanupAfterEach(): Cleanup {
  const clients: { destroy(): void }[] = [];
  const steps: (() => unknown)[] = [];
  const cleanup: Cleanup = {
    client: (connection) => { clients.push(connection); return connection; },
    closing: (resource) => { steps.push(() => resource.close()); return resource; },
    defer: (step) => { steps.push(step); },
    async now() {
      for (const c of clients.splice(0)) c.destroy();
      for (const step of steps.splice(0)) await step();
    },
  };
  afterEach(() => cleanup.now());
  return cleanup;
}

/** A client promise whose settlement can be read synchronously. */
export interface Tracked<T> {
  readonly promise: Promise<T>;
  readonly settled: boolean;
}

export function track<T>(promise: Promise<T>): Tracked<T> {
  const t = { promise, settled: false };
  promise.then(() => { t.settled = true; }, () => { t.settled = true; });
  return t;
}

/** Real milliseconds a condition may take before the test fails (a loaded 2-core machine). */
const REAL_WAIT_MS = 10_000;

/** Waits in real time until `cond` holds; throws after REAL_WAIT_MS. */
export async function until(cond: () => boolean, what = 'condition'): Promise<void> {
  const end = Date.now() + REAL_WAIT_MS;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`${what}: not reached within ${REAL_WAIT_MS} ms of real time`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/**
 * Waits until `statements` (one or more, all at `member`) are each answered or waiting at the
 * server for the group (ServeHandle.pendingStatements).
 */
export async function atRest(handle: ServeHandle, member: string, ...statements: readonly Tracked<unknown>[]): Promise<void> {
  await until(() => statements.filter((s) => !s.settled).length <= handle.pendingStatements(member), `statements at ${member} at rest`);
}

/**
 * Advances virtual time in `step`s until `statement` at `member` is answered, at most `limitSteps`
 * steps; returns the steps taken. Throws when it is still waiting then.
 */
export async function advanceUntilAnswered(handle: ServeHandle, member: string, statement: Tracked<unknown>, step = '100ms', limitSteps = 100): Promise<number> {
  await atRest(handle, member, statement);
  for (let n = 0; n < limitSteps; n++) {
    if (statement.settled) return n;
    await handle.advance(step);
    await atRest(handle, member, statement);
  }
  if (statement.settled) return limitSteps;
  throw new Error(`a statement at ${member} was still waiting after ${limitSteps} × ${step} of virtual time`);
}

/** The error a client promise rejects with; fails when it resolves. */
export async function rejection(p: Promise<unknown>): Promise<{ errno?: number; sqlState?: string; code?: string; message: string }> {
  try {
    await p;
  } catch (e) {
    return e as { errno?: number; sqlState?: string; code?: string; message: string };
  }
  throw new Error('expected a rejection');
}

/** Debian's mariadb command-line client (package mariadb-client; .ci/run installs it), or undefined where it is absent. */
export const MARIADB = ['/usr/bin/mariadb', '/usr/bin/mysql'].find((p) => existsSync(p));
/** Its mariadb-admin, or undefined. */
export const MARIADB_ADMIN = ['/usr/bin/mariadb-admin', '/usr/bin/mysqladmin'].find((p) => existsSync(p));

export interface ProcessRun { code: number; stdout: string; stderr: string }

/** Runs a command (at most 15 s) and gives its exit code and output. */
export function runProcess(bin: string, args: readonly string[]): Promise<ProcessRun> {
  return new Promise((resolve) => {
    execFile(bin, args, { timeout: 15_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
    });
  });
}
