import { createHash } from 'node:crypto';
import { traceToJsonLines, type Simulation } from '../../src/index.js';

/**
 * Everything a stretch must leave as the message-level run leaves it (docs/speed.md, "Design:
 * advancing a steady group a stretch at a time"): the trace byte for byte, every member's tables
 * and counters, and the kernel's event count, as one string. Two runs that differ only in
 * SimulationOptions.stretch must give the same string.
 */
export function stretchOutcome(sim: Simulation, trace: readonly unknown[] = sim.trace): string {
  const members = sim.members.map((m) => JSON.stringify({
    name: m.name, running: m.running, state: m.state, viewId: m.viewId(),
    members: m.replicationGroupMembers(), stats: m.replicationGroupMemberStats(),
    communication: m.replicationGroupCommunicationInformation(),
    cache: m.xcomCache(), cacheMemory: m.xcomCacheMemory(), suspicions: m.suspicions(), counters: m.suspicionCounters(),
    gtidExecuted: m.gtidExecuted(), transactions: m.transactionCounters(),
  }));
  const traceText = traceToJsonLines(trace as Simulation['trace']);
  return [
    `now ${sim.nowUs} events ${sim.eventsDispatched} trace ${trace.length} sha256 ${createHash('sha256').update(traceText).digest('hex')}`,
    ...members,
  ].join('\n');
}
