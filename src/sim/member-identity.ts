import { ConfigError } from '../errors.js';
import type { ServerIdentity } from '../gr/member-info.js';
import { FORCE_MEMBERS_AT_START_RULE, mergeOptions, type GroupReplicationOptions } from '../gr/options.js';
import type { VersionProfile } from '../gr/version-profiles.js';
import type { RandomStream } from '../rng/random-stream.js';
import { checkHost, checkMemberName, defaultPorts, SERVER_UUID, type MemberSpec } from './simulation-options.js';

/**
 * Most server slots one simulation holds, members and spare servers together: grsim packs a
 * node's slot into the low 4 bits of its timer arguments (xcom-cluster.ts nodeArg, gcs-node.ts).
 */
export const MAX_SERVER_SLOTS = 16;

/** What the servers named so far take: names, hosts in order, and MySQL addresses (`host:port`). */
export interface TakenIdentities {
  readonly names: Set<string>;
  readonly hosts: string[];
  readonly addresses: string[];
}

const MEMBER_FIELDS = ['name', 'host', 'port', 'xcomPort', 'uuid', 'options'];

/**
 * Validates one member spec for slot `slot` (`field` names it in errors, e.g. `members[3]` or
 * `addMember`) against what `taken` already holds, records it there, and returns its identity
 * and options. A missing host is `10.0.0.<11+slot>`; missing ports follow defaultPorts; a missing
 * uuid is drawn from `idRng`.
 */
export function memberIdentity(
  m: unknown, slot: number, field: string, taken: TakenIdentities, profile: VersionProfile, idRng: RandomStream,
  groupOptions: GroupReplicationOptions,
): { identity: ServerIdentity; options: GroupReplicationOptions } {
  const spec = (typeof m === 'string' ? { name: m } : m) as MemberSpec | null;
  if (spec === null || typeof spec !== 'object' || typeof spec.name !== 'string' || spec.name.length === 0) {
    throw new ConfigError(`${field}.name`, 'must be a non-empty string', (spec as MemberSpec | null)?.name);
  }
  checkMemberName(spec.name, `${field}.name`);
  if (taken.names.has(spec.name)) throw new ConfigError(`${field}.name`, 'must be unique (a removed member keeps its name)', spec.name);
  for (const k of Object.keys(spec)) {
    if (!MEMBER_FIELDS.includes(k)) throw new ConfigError(`${field}.${k}`, `is not a known field; known fields are ${MEMBER_FIELDS.join(', ')}`, (spec as unknown as Record<string, unknown>)[k]);
  }
  const host = spec.host ?? `10.0.0.${11 + slot}`;
  if (typeof host !== 'string' || host.length === 0) throw new ConfigError(`${field}.host`, 'must be a non-empty string', host);
  checkHost(host, `${field}.host`);
  const defaults = defaultPorts(host, taken.hosts);
  const port = spec.port ?? defaults.port;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new ConfigError(`${field}.port`, 'must be an integer in 1..65535', port);
  const clash = taken.addresses.indexOf(`${host}:${port}`);
  if (clash >= 0) throw new ConfigError(`${field}.port`, `must differ from members[${clash}]'s (both are ${host}:${port})`, port);
  const xcomPort = spec.xcomPort ?? defaults.xcomPort;
  if (!Number.isInteger(xcomPort) || xcomPort < 1 || xcomPort > 65535) throw new ConfigError(`${field}.xcomPort`, 'must be an integer in 1..65535', xcomPort);
  const uuid = spec.uuid ?? `${idRng.hex(8)}-${idRng.hex(4)}-11ed-${idRng.hex(4)}-${idRng.hex(12)}`;
  if (typeof uuid !== 'string' || !SERVER_UUID.test(uuid)) {
    throw new ConfigError(`${field}.uuid`, 'must be a lowercase UUID like 207db264-0192-11ed-92c9-02001700754e', uuid);
  }
  const options = mergeOptions(groupOptions, spec.options, profile, `${field}.options`);
  if (spec.options?.group_replication_force_members !== undefined && spec.options.group_replication_force_members !== '') {
    throw new ConfigError(`${field}.options.group_replication_force_members`, FORCE_MEMBERS_AT_START_RULE, spec.options.group_replication_force_members);
  }
  if (spec.options?.group_replication_single_primary_mode !== undefined) {
    throw new ConfigError(`${field}.options.group_replication_single_primary_mode`, 'is group-wide: set it through mode', spec.options.group_replication_single_primary_mode);
  }
  taken.names.add(spec.name);
  taken.hosts.push(host);
  taken.addresses.push(`${host}:${port}`);
  return { identity: { slot, name: spec.name, host, port, xcomPort, uuid, version: profile.serverVersion }, options };
}

/** A spare server slot before addMember provisions it: no name, so no verb can address it. */
export function spareIdentity(slot: number, profile: VersionProfile): ServerIdentity {
  return { slot, name: '', host: '', port: 0, xcomPort: 0, uuid: '', version: profile.serverVersion };
}

/** Checks SimulationOptions.spareServers against the members given. */
export function validateSpareServers(value: unknown, members: number): number {
  const most = MAX_SERVER_SLOTS - members;
  if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > most) {
    throw new ConfigError('spareServers', `must be an integer in 0..${most} (members and spare servers together at most ${MAX_SERVER_SLOTS})`, value);
  }
  return value as number;
}
