/** grsim's public API. Everything not exported here is internal. */
export { createSimulation, Simulation, MemberHandle, NetworkControl } from './sim/simulation.js';
export type { SuspicionView, SuspicionCounters, RunUntilOptions } from './sim/simulation.js';
export type { SimulationOptions, MemberSpec } from './sim/simulation-options.js';
export type { GroupReplicationOptions, OptionName } from './gr/options.js';
export { OPTION_NAMES } from './gr/options.js';
export { VERSION_PROFILES } from './gr/version-profiles.js';
export type { VersionProfile } from './gr/version-profiles.js';
export type { WriteRecord, UdfResult } from './gr/gr-member.js';
export type { NetworkOptions, LinkProfile } from './network/network-options.js';
export type { ModelParameters } from './model-parameters.js';
export { DEFAULT_MODEL_PARAMETERS } from './model-parameters.js';
export type * from './observe/events.js';
export type * from './types.js';
export { ConfigError, InvariantError } from './errors.js';
export { parseDuration } from './duration.js';
export { formatLogLine, formatTimestamp } from './observe/error-log.js';
export { traceHash, traceToJsonLines } from './observe/trace.js';
export { seedCaseSimulation, SEED_CASE_TIMES } from './scenarios/seed-case.js';
