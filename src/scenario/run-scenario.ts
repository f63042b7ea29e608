import { ConfigError, ScenarioError } from '../errors.js';
import type { GroupReplicationOptions } from '../gr/options.js';
import type { WorkloadInput, WorkloadItem } from '../gr/workload.js';
import type { LinkFaults } from '../network/link-faults.js';
import type { ReplicationGroupCommunicationInformationRow, ReplicationGroupMemberStatsRow } from '../observe/performance-schema.js';
import type { MemberSpec } from '../sim/simulation-options.js';
import { createSimulation, type MemberHandle, type Simulation } from '../sim/simulation.js';
import type { UdfResult } from '../gr/gr-member.js';
import type { ReplicationGroupMemberRow } from '../types.js';
import type { SimEvent, SimEventType } from '../observe/events.js';
import { verbOf, type Scenario, type ScenarioAction } from './scenario.js';
import { scenarioLine, scenarioSource } from './parse-scenario.js';
import { MAX_TRACE_EVENTS } from '../sim/simulation-options.js';

/** What one member showed at one moment (a `--at` snapshot). */
export interface MemberSnapshot {
  readonly tUs: number;
  readonly member: string;
  readonly state: string;
  readonly superReadOnly: boolean;
  readonly offlineMode: boolean;
  readonly running: boolean;
  readonly viewId: string;
  readonly table: readonly ReplicationGroupMemberRow[];
  /** performance_schema.replication_group_member_stats as the member shows it ([] while its server is down). */
  readonly memberStats: readonly ReplicationGroupMemberStatsRow[];
  /** performance_schema.replication_group_communication_information: its one row, or none (not in a group, or no such table in the version). */
  readonly communicationInformation: readonly ReplicationGroupCommunicationInformationRow[];
  /** @@gtid_executed (kept on disk: a stopped server still has it). */
  readonly gtidExecuted: string;
}

export interface RunScenarioOptions {
  /** Virtual times (µs) at which to record every member's view of the group, besides the end. */
  readonly snapshotsAtUs?: readonly number[];
  /**
   * Labels errors raised while the run applies an event (the file name).
   * @defaultValue the name parseScenario was given for the scenario, else 'scenario'
   */
  readonly source?: string;
  /**
   * Observes the run instead of keeping its trace (SimulationOptions.traceSink): called once the
   * simulation exists, it returns the function that takes every trace event, those emitted while
   * the simulation was created first. The run's `sim.trace` then stays empty.
   */
  readonly observer?: (sim: Simulation) => (event: SimEvent) => void;
  /** Event types the run's trace (or observer) does not take (SimulationOptions.untracedEventTypes). @defaultValue [] */
  readonly untracedEventTypes?: readonly SimEventType[];
  /** SimulationOptions.stretch for the run. @defaultValue true */
  readonly stretch?: boolean;
}

/** The network right after one scheduled event fired (members by their position in the scenario). */
export interface NetworkAfterEvent {
  /** Member names in scenario order (the slots `links` uses). */
  readonly members: readonly string[];
  /** Which link each verb left cut. */
  readonly links: LinkFaults;
  /** Whether each member's mysqld is running. */
  readonly running: readonly boolean[];
  /** Whether each member's mysqld is frozen (SIGSTOP). */
  readonly frozen: readonly boolean[];
}

/** A finished scenario run. */
export interface ScenarioRun {
  readonly scenario: Scenario;
  readonly sim: Simulation;
  /** Snapshots in time order, members in scenario order at each time. */
  readonly snapshots: readonly MemberSnapshot[];
  /**
   * The network right after each event of `scenario.events` (same positions) fired, so a report
   * says what an action left in force rather than what its verb usually does.
   */
  readonly networkAfter: readonly NetworkAfterEvent[];
}

/** Records every member's own state and replication_group_members as it sees them now. */
export function snapshotMembers(sim: Simulation): MemberSnapshot[] {
  return sim.members.map((m) => ({
    tUs: sim.nowUs, member: m.name, state: m.running ? m.state : 'OFFLINE', superReadOnly: m.superReadOnly,
    offlineMode: m.offlineMode, running: m.running, viewId: m.viewId(), table: m.replicationGroupMembers(),
    memberStats: m.replicationGroupMemberStats(), communicationInformation: m.replicationGroupCommunicationInformation(),
    gtidExecuted: m.gtidExecuted(),
  }));
}

/**
 * The member an operator statement (`set`, `start`, `stop`) runs on: its server must be running,
 * since a stopped mysqld accepts no connection (a `write` there is a refused transaction instead,
 * ERROR 2003). parseScenario already refuses such an event after a `crash` with no `restart`; what
 * is left is a server Group Replication stopped itself (exit state action ABORT_SERVER,
 * plugin_utils.cc abort_plugin_process), refused with a ConfigError naming the member and the way out.
 */
function runningMember(sim: Simulation, name: string, verb: string, statement: string): MemberHandle {
  const m = sim.member(name);
  if (!m.running) {
    throw new ConfigError(verb, `names a member whose server is not running (Group Replication stopped ${name}'s mysqld, as group_replication_exit_state_action ABORT_SERVER does, or it crashed; its error log says when): a stopped server runs no ${statement} (restart it first)`, name);
  }
  return m;
}

/**
 * Runs an operator statement on a member: at once, or, while the member's mysqld is frozen
 * (SIGSTOP), when it is thawed, as a client's statement waits for the stopped process.
 */
type OnMember = (member: MemberHandle, statement: () => void) => void;

/** Applies one scheduled action through the public Simulation API; statements go through `onMember`. */
function apply(sim: Simulation, action: ScenarioAction, onMember: OnMember): void {
  const net = sim.network;
  if ('isolate' in action) net.isolate(action.isolate);
  else if ('heal' in action) net.heal(action.heal === 'all' ? undefined : action.heal);
  else if ('cut' in action) net.cut(action.cut.from, action.cut.to);
  else if ('restore' in action) {
    if (action.restore === 'all') net.restore();
    else net.restore(action.restore.from, action.restore.to);
  } else if ('partition' in action) net.partition(...action.partition);
  else if ('repair' in action) net.repair();
  else if ('freeze' in action) net.freeze(action.freeze);
  else if ('thaw' in action) net.thaw(action.thaw);
  else if ('crash' in action) net.crash(action.crash);
  else if ('restart' in action) net.restart(action.restart);
  else if ('stop' in action) {
    const m = runningMember(sim, action.stop, 'stop', 'STOP GROUP_REPLICATION');
    onMember(m, () => {
      const r = m.stopGroupReplication();
      if (!r.ok) throw new ConfigError('stop', `is refused: ${r.error}`, action.stop);
    });
  } else if ('start' in action) {
    const m = runningMember(sim, action.start, 'start', 'START GROUP_REPLICATION');
    onMember(m, () => {
      const r = m.startGroupReplication();
      if (!r.ok) throw new ConfigError('start', `is refused: ${r.error}`, action.start);
    });
  }
  else if ('set' in action) {
    // `all` means every running server: a stopped mysqld takes no SET GLOBAL. A member in ERROR
    // (or OFFLINE, or rejoining) still runs its server, which stores the value as MySQL does.
    const { member, option, value, scope } = action.set;
    const targets = member === 'all' ? sim.members.filter((m) => m.running) : [runningMember(sim, member, 'set', 'SET GLOBAL')];
    for (const m of targets) {
      onMember(m, () => {
        let r: UdfResult;
        try {
          r = m.set(option, value, scope);
        } catch (err) {
          // A rule of the option itself (autorejoin_tries during an auto-rejoin): say which option, on which member.
          if (err instanceof ConfigError) throw new ConfigError('set', `is refused on ${m.name}: ${option} ${err.rule}`, err.value);
          throw err;
        }
        if (!r.ok) throw new ConfigError('set', `is refused on ${m.name}: ${r.error}`, value);
      });
    }
  } else if ('writeLocal' in action) {
    const m = sim.member(action.writeLocal.member);
    onMember(m, () => { for (let k = 0; k < action.writeLocal.count; k++) m.writeLocal(); });
  } else if ('write' in action) {
    const m = sim.member(action.write.member);
    const { consistency, wait_timeout } = action.write;
    const options = { ...(consistency === undefined ? {} : { consistency }), ...(wait_timeout === undefined ? {} : { wait_timeout }) };
    for (let k = 0; k < action.write.count; k++) m.write(options);
  } else if ('setAsPrimary' in action) {
    const m = sim.member(action.setAsPrimary.member);
    onMember(m, () => {
      const r = m.setAsPrimary(action.setAsPrimary.primary);
      if (!r.ok) throw new ConfigError('setAsPrimary', `is refused on ${action.setAsPrimary.member}: ${r.error}`, action.setAsPrimary.primary);
    });
  } else if ('add' in action) {
    const { name, host, port, xcomPort, uuid } = action.add;
    sim.addMember({ name, host, port, xcomPort, ...(uuid === undefined ? {} : { uuid }) });
  } else if ('remove' in action) {
    sim.removeMember(action.remove);
  } else {
    const { from, to, ...profile } = action.link;
    const names = sim.members.map((m) => m.name);
    const links: [string, string][] = [];
    for (const a of names) {
      for (const b of names) {
        if (a !== b && (from === undefined || a === from) && (to === undefined || b === to)) links.push([a, b]);
      }
    }
    net.setLinkProfile(profile, from === undefined && to === undefined ? undefined : links);
  }
}

/** A normalised workload entry back in createSimulation's input form (times and lengths in µs, sizes in bytes). */
function workloadInput(w: WorkloadItem): WorkloadInput {
  if (w.kind === 'transaction') {
    return { member: w.member, at: w.atUs, transaction: { size: w.bytes, compressionRatio: w.compressionRatio } };
  }
  const s = w.size;
  const size = s.kind === 'fixed' ? s.bytes : s.kind === 'uniform' ? { uniform: [s.min, s.max] } : { list: [...s.sizes] };
  return {
    member: w.member, rate: w.rate, size, from: w.fromUs, compressionRatio: w.compressionRatio,
    // An open-ended stream (toUs Infinity) has no `to`: Infinity is not a duration.
    ...(Number.isFinite(w.toUs) ? { to: w.toUs } : {}),
    ...(w.burst === null ? {} : { burst: { every: w.burst.everyUs, for: w.burst.durationUs, rate: w.burst.rate } }),
    ...(w.clients === null ? {} : { clients: w.clients }),
  };
}

/** The network of a simulation now, as NetworkAfterEvent records it. */
function networkNow(sim: Simulation): NetworkAfterEvent {
  const net = sim._net;
  return {
    members: sim.members.map((m) => m.name), links: net.linkFaults(),
    running: sim.members.map((_, i) => net.running[i] === 1), frozen: sim.members.map((_, i) => net.frozen[i] === 1),
  };
}

/**
 * Builds the simulation a scenario describes, with its events scheduled, before it has run.
 * An event the simulation refuses when it fires (restarting a running server, changing
 * autorejoin_tries during a rejoin) raises a ScenarioError naming the event, and `source` (by
 * default the name parseScenario was given, else 'scenario').
 */
export function simulationOf(scenario: Scenario, source = scenarioSource(scenario) ?? 'scenario'): Simulation {
  return buildSimulation(scenario, source, null);
}

/** simulationOf, calling `fired(position, sim)` after each event of `scenario.events` is applied. */
function buildSimulation(
  scenario: Scenario, source: string, fired: ((position: number, sim: Simulation) => void) | null,
  observer?: (sim: Simulation) => (event: SimEvent) => void, untracedEventTypes: readonly SimEventType[] = [], stretch = true,
): Simulation {
  // The simulation emits its time-zero events while it is created, before the observer can see it.
  const early: SimEvent[] = [];
  let take: ((event: SimEvent) => void) | null = null;
  const traceSink = (e: SimEvent): void => { if (take === null) early.push(e); else take(e); };
  const members: MemberSpec[] = scenario.members.map((m) => {
    const options = Object.hasOwn(scenario.memberOptions, m.name) ? scenario.memberOptions[m.name] as Partial<GroupReplicationOptions> : undefined;
    return { name: m.name, host: m.host, port: m.port, xcomPort: m.xcomPort, ...(m.uuid === undefined ? {} : { uuid: m.uuid }), ...(options === undefined ? {} : { options }) };
  });
  const sim = createSimulation({
    seed: scenario.seed, version: scenario.version, start: scenario.start, mode: scenario.mode, members,
    ...(scenario.bootstrap === undefined ? {} : { bootstrap: scenario.bootstrap }),
    options: scenario.options, network: scenario.network, model: scenario.model,
    ...(scenario.limits?.traceEvents === undefined ? {} : { maxTraceEvents: scenario.limits.traceEvents }),
    ...(scenario.workload === undefined ? {} : { workload: scenario.workload.map(workloadInput) }),
    // One spare server slot per server the events add.
    spareServers: scenario.events.filter((e) => 'add' in e.action).length,
    ...(observer === undefined ? {} : { traceSink }),
    ...(untracedEventTypes.length === 0 ? {} : { untracedEventTypes }),
    stretch,
  });
  if (observer !== undefined) {
    take = observer(sim);
    for (const e of early) take(e);
    early.length = 0;
  }
  scenario.events.forEach((e, position) => {
    /** Runs `step` of event e; a refusal names the event, and when it ran (`late`: after its member's thaw). */
    const guarded = (s: Simulation, step: () => void, late: string | null): void => {
      try {
        step();
      } catch (err) {
        if (err instanceof ConfigError) {
          const when = late === null ? `when it fires at ${(e.atUs / 1e6).toFixed(6)} s` : `when it runs at ${(s.nowUs / 1e6).toFixed(6)} s, after ${late}'s thaw (its mysqld was frozen at ${(e.atUs / 1e6).toFixed(6)} s)`;
          // A rule quoting MySQL's message ends with its full stop; the time follows in the same sentence.
          throw new ScenarioError(source, `events[${e.index}].${verbOf(e.action)}`, `${err.rule.replace(/\.$/, '')} ${when}`, err.value,
            scenarioLine(scenario, ['events', e.index, verbOf(e.action)]));
        }
        throw err;
      }
    };
    // A statement on a frozen server waits for the thaw (lost if the server crashes first, as the client's connection is).
    const onMember: OnMember = (m, statement) => {
      if (m.frozen) sim._whenThawed(m.slot, () => guarded(sim, statement, m.name));
      else statement();
    };
    sim.at(e.atUs, (s) => guarded(s, () => {
      apply(s, e.action, onMember);
      if (fired !== null) fired(position, s);
    }, null));
  });
  return sim;
}

/** Runs a scenario to its `untilUs`, taking snapshots at the requested times. */
export function runScenario(scenario: Scenario, options: RunScenarioOptions = {}): ScenarioRun {
  const networkAfter: NetworkAfterEvent[] = [];
  const source = options.source ?? scenarioSource(scenario) ?? 'scenario';
  const sim = buildSimulation(scenario, source, (position, s) => { networkAfter[position] = networkNow(s); }, options.observer, options.untracedEventTypes, options.stretch);
  const snapshots: MemberSnapshot[] = [];
  const requested = options.snapshotsAtUs ?? [];
  requested.forEach((t, k) => {
    const field = `snapshotsAtUs[${k}]`;
    if (typeof t !== 'number' || !Number.isSafeInteger(t) || t < 0) throw new ConfigError(field, 'must be a non-negative integer number of microseconds', t);
    if (t > scenario.untilUs) throw new ConfigError(field, `must not be after the scenario's until (${scenario.untilUs} µs)`, t);
  });
  for (const t of [...new Set(requested)].sort((a, b) => a - b)) sim.at(t, (s) => { snapshots.push(...snapshotMembers(s)); });
  try {
    sim.runUntil(scenario.untilUs);
  } catch (err) {
    if (err instanceof ConfigError && err.field === 'maxTraceEvents') {
      // The run outgrew its trace bound: name the file's knob and what to shorten, at the until line.
      const path = scenario.limits?.traceEvents === undefined ? ['until'] : ['limits', 'traceEvents'];
      throw new ScenarioError(source, 'limits.traceEvents',
        `(${err.value as number} events) ${err.rule.replace(/raise maxTraceEvents$/, `raise limits.traceEvents (at most ${MAX_TRACE_EVENTS})`)}; until is ${(scenario.untilUs / 1e6).toFixed(6)} s`,
        err.value, scenarioLine(scenario, path));
    }
    throw err;
  }
  return { scenario, sim, snapshots, networkAfter };
}
