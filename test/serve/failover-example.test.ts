import { describe, expect, it } from 'vitest';
import { createSimulation, runRecordOf, summarize, type Simulation } from '../../src/index.js';
import { serve, type ServeHandle } from '../../src/serve/serve.js';
import { FailoverService, type WriteResult } from '../../examples/failover-service/failover-service.js';
import { cleanupAfterEach, until } from './serve-harness.js';

/**
 * The worked example of docs/failover-example.md: a service with a mysql2 pool that finds the
 * primary with ProxySQL's query keeps writing through a freeze of the primary, against
 * `grsim serve` in test-driven time. Its measured write outage is checked against grsim's own
 * failover metric.
 */

const MEMBERS = ['node1', 'node2', 'node3'] as const;
/** Virtual ms between two turns of the test's loop: how finely answers are timed. */
const STEP_MS = 10;
/** The service writes (and, without a primary, probes) every POLL_MS of virtual time. */
const POLL_MS = 250;
/** A write waiting longer than this is abandoned and the primary looked for again. */
const WRITE_TIMEOUT_MS = 2000;
/** Most virtual time the test waits for the service to write on the new primary. */
const LIMIT_MS = 120_000;

interface Run {
  readonly sim: Simulation;
  readonly handle: ServeHandle;
  readonly service: FailoverService;
  /** Turns the loop once: the service's tick, then STEP_MS of virtual time. */
  turn(): Promise<void>;
}

const cleanup = cleanupAfterEach();

async function start(seed: number): Promise<Run> {
  const sim = createSimulation({ seed, members: [...MEMBERS], mode: 'single-primary' });
  const handle = cleanup.closing(await serve(sim, { portBase: 0, testDriven: true }));
  const service = cleanup.closing(new FailoverService({
    members: MEMBERS.map((name) => ({ name, host: handle.host, port: handle.ports[name]! })),
    now: () => sim.nowUs / 1000,
    pollMs: POLL_MS,
    writeTimeoutMs: WRITE_TIMEOUT_MS,
  }));
  // Virtual time moves only once every request the service sent has been answered or waits in
  // the server for the group (or sits unread at a frozen member): so what the service sees, and
  // when on its virtual clock, does not depend on how fast this machine is.
  const atRest = (): Promise<void> => until(() => MEMBERS.every((m) =>
    sim.member(m).frozen || service.outstanding(m) <= handle.pendingStatements(m)), 'the service at rest');
  const run: Run = {
    sim, handle, service,
    async turn() {
      service.tick();
      await atRest();
      await handle.advance(STEP_MS * 1000);
      await atRest();
    },
  };
  return run;
}

interface Measured {
  readonly freezeMs: number;
  readonly outageMs: number;
  readonly first: WriteResult;
  readonly results: readonly WriteResult[];
}

/** Warms the service up on node1, freezes node1, and turns the loop until a write succeeds elsewhere. */
async function freezeThePrimary(run: Run): Promise<Measured> {
  const { sim, handle, service } = run;
  const okOn = (member: string, afterMs = -1): WriteResult[] => service.results.filter((r) => r.outcome === 'ok' && r.member === member && r.answeredMs > afterMs);
  while (okOn('node1').length < 3) {
    await run.turn();
    if (sim.nowUs > 10_000_000) throw new Error('the service did not write on node1 within 10 s');
  }
  expect(service.primary).toBe('node1');
  const freezeMs = sim.nowUs / 1000;
  sim.network.freeze('node1');
  await handle.sync();
  let first: WriteResult | undefined;
  while (first === undefined) {
    await run.turn();
    first = service.results.find((r) => r.outcome === 'ok' && r.member !== 'node1' && r.answeredMs > freezeMs);
    if (sim.nowUs / 1000 - freezeMs > LIMIT_MS) throw new Error(`no write on a new primary within ${LIMIT_MS} ms of the freeze`);
  }
  return { freezeMs, outageMs: first.answeredMs - freezeMs, first, results: [...service.results] };
}

describe('worked example: a failover-aware service against grsim serve', () => {
  it("keeps writing through a primary freeze; its write outage is grsim's detection plus time to writable plus at most one poll", async () => {
    const run = await start(14);
    const { outageMs, freezeMs, first, results } = await freezeThePrimary(run);

    // grsim's own account of the failover (src/observe/failover-metrics.ts).
    const { failovers, timeToWritable } = summarize(runRecordOf(run.sim));
    expect(failovers).toHaveLength(1);
    const f = failovers[0]!;
    expect(timeToWritable.count).toBe(1);
    expect(f.member).toBe(first.member);
    // Freeze → the view without node1 (the others' failure detection and expel), then → writable.
    const removedMs = f.primaryLeftUs / 1000 - freezeMs;
    const writableMs = f.writableUs / 1000 - freezeMs;
    expect(removedMs + f.timeToWritableUs / 1000).toBe(writableMs);
    expect(removedMs).toBeGreaterThan(5_000); // at least XCom's 5 s detection and the 5 s expel timeout
    // No client can write before the new primary takes writes, and this one writes at most one poll
    // later: its next probe round after writableUs finds read_only NO (it probes every POLL_MS), then
    // it creates its table there and inserts: three commits, each answered at the end of the STEP_MS
    // advance in which the group orders it, and the round starts at a turn of the loop (one more step).
    const toleranceMs = POLL_MS + 4 * STEP_MS;
    expect(outageMs).toBeGreaterThan(writableMs);
    expect(outageMs - writableMs).toBeLessThanOrEqual(toleranceMs);

    // The write in flight at the freeze hung and was given up after WRITE_TIMEOUT_MS; nothing was
    // answered by the frozen node1 after the freeze.
    const afterFreeze = results.filter((r) => r.answeredMs > freezeMs);
    expect(afterFreeze.find((r) => r.member === 'node1')?.outcome).toBe('timeout');
    expect(afterFreeze.filter((r) => r.member === 'node1' && r.outcome === 'ok')).toEqual([]);
    // Seed 14: outage 21270 ms = 21090.3 ms to the view without node1 + 0.4 ms to writable + 179.3 ms of the service's polling (docs/failover-example.md).
  });

  it('measures the same outage on every run of the same seed', async () => {
    const a = await start(7);
    const first = await freezeThePrimary(a);
    await cleanup.now();
    const b = await start(7);
    const second = await freezeThePrimary(b);
    expect(second.outageMs).toBe(first.outageMs);
    expect(second.results).toEqual(first.results);
  });
});
