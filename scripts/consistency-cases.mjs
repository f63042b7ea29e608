// Random consistency-and-faults cases, shared by scripts/consistency-campaign.mjs (a long campaign
// on the built package) and test/gtid/consistency-campaign.test.ts (the seeds such a campaign
// found, replayed on the sources). Plain JavaScript (types in consistency-cases.d.mts) so the
// campaign runs under node without a TypeScript step.
//
// A case: 3 or 5 members, single- or multi-primary, a random global consistency level, workload
// streams on some members, then twelve random events in the first 100 s (writes at random levels
// and sessions' wait_timeout, SET GLOBAL group_replication_consistency, isolate, heal, crash, restart, STOP and START GROUP
// REPLICATION); at 110 s every member is healed, and the run goes on to 400 s.

const SEC = 1_000_000;
const LEVELS = ['EVENTUAL', 'BEFORE_ON_PRIMARY_FAILOVER', 'BEFORE', 'AFTER', 'BEFORE_AND_AFTER'];

/** xorshift32 from `seed`: the case's own random stream, apart from the simulation's. */
function stream(seed) {
  let s = (seed * 7919) >>> 0 || 1;
  return () => {
    s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

/** Runs an operator action that MySQL may refuse (a ConfigError in grsim): a refusal is part of the case. */
function tolerate(action) {
  try { action(); } catch (e) { if (!(e instanceof Error) || e.name !== 'ConfigError') throw e; }
}

/** Builds and runs case `seed` with `createSimulation` (the package's or the sources'); returns the simulation at 400 s. */
export function runConsistencyCase(createSimulation, seed) {
  const r = stream(seed);
  const pick = (a) => a[Math.floor(r() * a.length)];
  // The writes' wait_timeout comes from a stream of its own, so the cases' other draws stay those
  // of the campaigns before it (the seeds test/gtid/consistency-campaign.test.ts pins).
  const waits = stream(seed + 1_000_003);
  const waitTimeout = () => [1, 5, 28_800][Math.floor(waits() * 3)];
  const n = r() < 0.5 ? 3 : 5;
  const names = Array.from({ length: n }, (_, i) => `n${i + 1}`);
  const mode = r() < 0.5 ? 'multi-primary' : 'single-primary';
  const options = {
    group_replication_member_expel_timeout: pick([0, 5, 30]),
    group_replication_consistency: pick(LEVELS),
    group_replication_autorejoin_tries: pick([0, 3]),
  };
  const workload = [];
  for (const m of names) if (r() < 0.4) workload.push({ member: m, rate: pick([50, 500]), size: 512, from: 0, to: 120 * SEC });
  const sim = createSimulation({ seed, members: names, mode, options, workload, model: { applierTransactionUs: pick([50, 1000]) } });
  for (let k = 0; k < 12; k++) {
    const t = Math.floor(r() * 100 * SEC) + 1;
    const m = pick(names), kind = r();
    if (kind < 0.35) sim.at(t, (s) => tolerate(() => s.member(m).write({ consistency: pick(LEVELS), wait_timeout: waitTimeout() })));
    else if (kind < 0.5) sim.at(t, (s) => s.network.isolate(m));
    else if (kind < 0.6) sim.at(t, (s) => s.network.heal(m));
    else if (kind < 0.7) sim.at(t, (s) => tolerate(() => s.member(m).set('group_replication_consistency', pick(LEVELS))));
    else if (kind < 0.75) sim.at(t, (s) => tolerate(() => s.network.crash(m)));
    else if (kind < 0.8) sim.at(t, (s) => tolerate(() => s.network.restart(m)));
    else if (kind < 0.9) sim.at(t, (s) => tolerate(() => s.member(m).stopGroupReplication()));
    else sim.at(t, (s) => tolerate(() => s.member(m).startGroupReplication()));
  }
  sim.at(110 * SEC, (s) => { for (const m of names) tolerate(() => s.network.heal(m)); });
  sim.runUntil(400 * SEC);
  return sim;
}

/**
 * What should hold 290 s after the network healed, among the ONLINE members that see nobody
 * UNREACHABLE (a member still blocked in a minority may legitimately lag or hold transactions):
 * empty applier queues (so nothing is held prepared), no transaction of theirs still pending, and,
 * when they all see the same membership, the same gtid_executed.
 */
export function convergenceProblems(sim) {
  const online = sim.members.filter((m) => m.state === 'ONLINE');
  const healthy = online.filter((m) => m.replicationGroupMembers().every((row) => row.MEMBER_STATE !== 'UNREACHABLE'));
  const problems = [];
  for (const m of healthy) {
    const queued = m.transactionCounters().remoteInApplierQueue;
    if (queued !== 0) problems.push(`${m.name}: ${queued} transactions in its applier queue`);
  }
  const pending = sim.writes.filter((w) => w.outcome === 'pending' && healthy.some((m) => m.name === w.member));
  if (pending.length > 0) problems.push(`${pending.length} writes still pending on ${[...new Set(pending.map((w) => w.member))].join(', ')}`);
  const memberships = new Set(online.map((m) => m.replicationGroupMembers().map((row) => `${row.MEMBER_HOST}:${row.MEMBER_STATE}`).join()));
  if (memberships.size === 1 && healthy.length > 1 && healthy.length === online.length) {
    const sets = new Set(healthy.map((m) => m.gtidExecuted()));
    if (sets.size > 1) problems.push(`gtid_executed differ: ${[...sets].map((g) => g.length > 80 ? `${g.slice(0, 80)}…` : g).join(' | ')}`);
  }
  return problems;
}
