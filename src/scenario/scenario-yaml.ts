import { Document, isMap, isSeq, type YAMLMap, type YAMLSeq } from 'yaml';
import { DEFAULT_COMPRESSION_RATIO, type SizeDistribution, type WorkloadItem } from '../gr/workload.js';
import type { Scenario, ScenarioAction } from './scenario.js';
import { formatDuration } from './scenario-time.js';

/** An action as the file spells it (durations with units, link fields without the Us suffix). */
function fileAction(a: ScenarioAction): Record<string, unknown> {
  if ('write' in a) {
    const { member, count, consistency, wait_timeout } = a.write;
    return { write: { member, ...(count === 1 ? {} : { count }), ...(consistency === undefined ? {} : { consistency }), ...(wait_timeout === undefined ? {} : { wait_timeout }) } };
  }
  if ('writeLocal' in a) return { writeLocal: a.writeLocal.count === 1 ? { member: a.writeLocal.member } : { ...a.writeLocal } };
  if ('link' in a) {
    const l = a.link;
    const out: Record<string, unknown> = {};
    if (l.from !== undefined) out.from = l.from;
    if (l.to !== undefined) out.to = l.to;
    if (l.latencyUs !== undefined) out.latency = formatDuration(l.latencyUs);
    if (l.jitterUs !== undefined) out.jitter = formatDuration(l.jitterUs);
    if (l.loss !== undefined) out.loss = l.loss;
    return { link: out };
  }
  return { ...a };
}

/** Bytes as the file would say them: "4KiB", "120MiB", "1000B" (each reads back to the same integer). */
function fileBytes(bytes: number): string {
  if (bytes % 1_048_576 === 0) return `${bytes / 1_048_576}MiB`;
  if (bytes % 1024 === 0) return `${bytes / 1024}KiB`;
  return `${bytes}B`;
}

function fileSize(size: SizeDistribution): unknown {
  if (size.kind === 'fixed') return fileBytes(size.bytes);
  if (size.kind === 'uniform') return { uniform: [fileBytes(size.min), fileBytes(size.max)] };
  return { list: size.sizes.map(fileBytes) };
}

/**
 * A rate as the file would say it: "2000/s" when whole; otherwise the bare number, because a
 * fraction's shortest decimal form (what YAML prints) reads back exactly, while "…/s" would
 * not accept exponent forms such as 1e-7.
 */
function fileRate(rate: number): string | number {
  return Number.isInteger(rate) ? `${rate}/s` : rate;
}

/** A workload entry as the file spells it: times as offsets, defaults left out. */
function fileWorkload(w: WorkloadItem): Record<string, unknown> {
  if (w.kind === 'transaction') {
    const transaction: Record<string, unknown> = { size: fileBytes(w.bytes) };
    if (w.compressionRatio !== DEFAULT_COMPRESSION_RATIO) transaction.compressionRatio = w.compressionRatio;
    return { member: w.member, at: `+${formatDuration(w.atUs)}`, transaction };
  }
  const out: Record<string, unknown> = { member: w.member, rate: fileRate(w.rate), size: fileSize(w.size) };
  if (w.fromUs !== 0) out.from = `+${formatDuration(w.fromUs)}`;
  if (Number.isFinite(w.toUs)) out.to = `+${formatDuration(w.toUs)}`;
  if (w.burst !== null) out.burst = { every: formatDuration(w.burst.everyUs), for: formatDuration(w.burst.durationUs), rate: fileRate(w.burst.rate) };
  if (w.clients !== null) out.clients = w.clients;
  if (w.compressionRatio !== DEFAULT_COMPRESSION_RATIO) out.compressionRatio = w.compressionRatio;
  return out;
}

/**
 * Prints a scenario as a YAML file that parseScenario() reads back to an equal Scenario: event
 * times as offsets from the start ("+12.5s"), one event per line. Used to turn a generated or
 * shrunk schedule into something a person can read and replay with `grsim run`.
 */
export function scenarioToYaml(s: Scenario): string {
  const data: Record<string, unknown> = {
    name: s.name, seed: s.seed, version: s.version, start: s.start, mode: s.mode,
    ...(s.bootstrap === undefined ? {} : { bootstrap: s.bootstrap }),
    members: s.members.map((m) => ({ name: m.name, host: m.host, port: m.port, xcomPort: m.xcomPort, ...(m.uuid === undefined ? {} : { uuid: m.uuid }) })),
  };
  if (Object.keys(s.options).length > 0) data.options = { ...s.options };
  if (Object.keys(s.memberOptions).length > 0) data.memberOptions = { ...s.memberOptions };
  const net: Record<string, unknown> = { latency: formatDuration(s.network.latencyUs), jitter: formatDuration(s.network.jitterUs), loss: s.network.loss };
  if (s.network.blackholeCloseUs !== undefined) net.blackholeClose = formatDuration(s.network.blackholeCloseUs);
  data.network = net;
  if (Object.keys(s.model).length > 0) {
    // Only the *Us parameters are times; counts print as plain integers.
    data.model = Object.fromEntries(Object.entries(s.model).map(([k, v]) => [k, k.endsWith('Us') ? formatDuration(v as number) : v]));
  }
  data.events = s.events.map((e) => ({ at: `+${formatDuration(e.atUs)}`, ...fileAction(e.action) }));
  if (s.workload !== undefined && s.workload.length > 0) data.workload = s.workload.map(fileWorkload);
  data.until = `+${formatDuration(s.untilUs)}`;
  if (s.limits !== undefined) data.limits = { ...s.limits };
  const doc = new Document(data, { version: '1.2' });
  // One line per member, per member's options and per event keeps schedules readable.
  for (const key of ['members', 'events', 'workload']) {
    const seq = doc.get(key, true) as YAMLSeq | undefined;
    if (isSeq(seq)) for (const item of seq.items) if (isMap(item)) item.flow = true;
  }
  for (const key of ['network']) {
    const map = doc.get(key, true) as YAMLMap | undefined;
    if (isMap(map)) map.flow = true;
  }
  const mo = doc.get('memberOptions', true) as YAMLMap | undefined;
  if (isMap(mo)) for (const pair of mo.items) if (isMap(pair.value)) pair.value.flow = true;
  return doc.toString({ lineWidth: 0 });
}
