import { Document, isMap, isSeq, type YAMLMap, type YAMLSeq } from 'yaml';
import type { Scenario, ScenarioAction } from './scenario.js';
import { formatDuration } from './scenario-time.js';

/** An action as the file spells it (durations with units, link fields without the Us suffix). */
function fileAction(a: ScenarioAction): Record<string, unknown> {
  if ('write' in a) return { write: a.write.count === 1 ? { member: a.write.member } : { ...a.write } };
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

/**
 * Prints a scenario as a YAML file that parseScenario() reads back to an equal Scenario: event
 * times as offsets from the start ("+12.5s"), one event per line. Used to turn a generated or
 * shrunk schedule into something a person can read and replay with `grsim run`.
 */
export function scenarioToYaml(s: Scenario): string {
  const data: Record<string, unknown> = {
    name: s.name, seed: s.seed, version: s.version, start: s.start, mode: s.mode,
    members: s.members.map((m) => ({ name: m.name, host: m.host, port: m.port, xcomPort: m.xcomPort, ...(m.uuid === undefined ? {} : { uuid: m.uuid }) })),
  };
  if (Object.keys(s.options).length > 0) data.options = { ...s.options };
  if (Object.keys(s.memberOptions).length > 0) data.memberOptions = { ...s.memberOptions };
  const net: Record<string, unknown> = { latency: formatDuration(s.network.latencyUs), jitter: formatDuration(s.network.jitterUs), loss: s.network.loss };
  if (s.network.blackholeCloseUs !== undefined) net.blackholeClose = formatDuration(s.network.blackholeCloseUs);
  data.network = net;
  if (Object.keys(s.model).length > 0) {
    data.model = Object.fromEntries(Object.entries(s.model).map(([k, v]) => [k, formatDuration(v as number)]));
  }
  data.events = s.events.map((e) => ({ at: `+${formatDuration(e.atUs)}`, ...fileAction(e.action) }));
  data.until = `+${formatDuration(s.untilUs)}`;
  const doc = new Document(data, { version: '1.2' });
  // One line per member, per member's options and per event keeps schedules readable.
  for (const key of ['members', 'events']) {
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
