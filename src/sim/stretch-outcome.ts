import type { SimEvent } from '../observe/events.js';
import { traceToJsonLines } from '../observe/trace.js';
import type { Simulation } from './simulation.js';

/**
 * Everything a stretch must leave as the message-level run leaves it (SimulationOptions.stretch;
 * docs/speed.md, "Design: advancing a steady group a stretch at a time"), as one string: the
 * clock, the kernel's event count and sequence counter, the trace byte for byte (`trace`: what a trace sink took, when
 * the run had one), and every member's tables and counters. Two runs that differ only in the
 * stretch switch must give the same string; the differential tests and
 * scripts/stretch-campaign.mjs compare them.
 */
export function stretchOutcome(sim: Simulation, trace: readonly SimEvent[] = sim.trace): string {
  const members = sim.members.map((m) => JSON.stringify({
    name: m.name, running: m.running, state: m.state, viewId: m.viewId(),
    members: m.replicationGroupMembers(), stats: m.replicationGroupMemberStats(),
    communication: m.replicationGroupCommunicationInformation(),
    cache: m.xcomCache(), cacheMemory: m.xcomCacheMemory(), suspicions: m.suspicions(), counters: m.suspicionCounters(),
    gtidExecuted: m.gtidExecuted(), transactions: m.transactionCounters(),
  }));
  // The kernel's sequence counter too: a stretch that reserved one number more or less would order
  // later events differently only now and then.
  const seq = (sim as unknown as { kernel: { nextSequence: number } }).kernel.nextSequence;
  return [`now ${sim.nowUs} events ${sim.eventsDispatched} seq ${seq} trace ${trace.length}`, ...members, traceToJsonLines(trace)].join('\n');
}
