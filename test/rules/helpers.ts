/** Small helpers shared by the rule tests (not a test file itself). */
import { expect } from 'vitest';
import type { LogEvent, Simulation } from '../../src/index.js';

export const SEC = 1_000_000;

/** Every log event of `member` (all verbosities), optionally only `code`. */
export function logsOf(sim: Simulation, member: string, code?: string): LogEvent[] {
  return sim.member(member).logEvents(3).filter((e) => code === undefined || e.code === code);
}

/** Log events of `code` from any member. */
export function logsAnywhere(sim: Simulation, code: string): LogEvent[] {
  return sim.trace.filter((e): e is LogEvent => e.type === 'log' && e.code === code);
}

/** `host:port` of a member, as the plugin prints it. */
export function addr(sim: Simulation, member: string): string {
  const m = sim.member(member);
  return `${m.host}:${m.port}`;
}

/** The first log event of `member` with `code` (and text containing `containing`); fails the test if absent. */
export function firstLog(sim: Simulation, member: string, code: string, containing?: string): LogEvent {
  const e = logsOf(sim, member, code).find((x) => containing === undefined || x.message.includes(containing));
  expect(e, `${member} should have logged ${code}${containing === undefined ? '' : ` containing "${containing}"`}`).toBeDefined();
  return e!;
}

/** Whether `member` has logged `code` (optionally containing a text). */
export function hasLogged(sim: Simulation, member: string, code: string, containing?: string): boolean {
  return logsOf(sim, member, code).some((x) => containing === undefined || x.message.includes(containing));
}

/** Seconds (as a float) between two virtual times. */
export function secs(fromUs: number, toUs: number): number {
  return (toUs - fromUs) / SEC;
}

/**
 * The head of a scenario file (through `events:`) for a 5-member multi-primary group as
 * `grsim explore` prints it: node1..node5 at 10.0.0.11–15, default network.
 */
export function fiveMemberScenarioHead(h: { name: string; seed: number; version: string; options: Readonly<Record<string, string | number>>; model?: string }): string {
  const members = [1, 2, 3, 4, 5].map((k) => `  - { name: node${k}, host: 10.0.0.1${k}, port: 3306, xcomPort: 33061 }`).join('\n');
  const options = Object.entries(h.options).map(([k, v]) => `  ${k}: ${v}`).join('\n');
  return `name: ${h.name}\nseed: ${h.seed}\nversion: ${h.version}\nstart: 2024-01-01T00:00:00Z\nmode: multi-primary\n` +
    `members:\n${members}\noptions:\n${options}\nnetwork: { latency: 200us, jitter: 100us, loss: 0 }\n` +
    (h.model === undefined ? '' : `model: ${h.model}\n`) + 'events:\n';
}
