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
export type { LogLevel } from './observe/error-codes.js';
export type * from './types.js';
export { ConfigError, InvariantError, ScenarioError } from './errors.js';
export { parseDuration } from './duration.js';
export { formatLogLine, formatTimestamp } from './observe/error-log.js';
export { traceHash, traceToJsonLines } from './observe/trace.js';
export { validateOption, versionProfile } from './gr/options.js';
export type { Scenario, ScenarioMember, ScenarioNetwork, ScenarioEvent, ScenarioAction, Link, LinkChange, ScenarioVerb, MemberOrAll } from './scenario/scenario.js';
export { SCENARIO_VERBS } from './scenario/scenario.js';
export { parseScenario, validateScenario, formatPath } from './scenario/parse-scenario.js';
export type { ScenarioOverrides } from './scenario/parse-scenario.js';
export { parseScenarioTime, formatDuration } from './scenario/scenario-time.js';
export { runScenario, simulationOf, snapshotMembers } from './scenario/run-scenario.js';
export type { ScenarioRun, RunScenarioOptions, MemberSnapshot } from './scenario/run-scenario.js';
export { buildReport } from './report/json-report.js';
export type * from './report/json-report.js';
export { renderRunText, renderMemberReport, renderTable, describeAction } from './report/text-report.js';
export { scenarioToYaml } from './scenario/scenario-yaml.js';
export { scheduleToScenario, faultEndUs, lastFaultEndUs, FAULT_KINDS } from './scenario/fault-schedule.js';
export type { Fault, FaultKind, FaultSchedule, GroupSetup } from './scenario/fault-schedule.js';
export { runRecordOf, DEFAULT_START_OPTIONS, startOptionsOf } from './observe/run-record.js';
export type { RunRecord, RunMember, MemberStartOptions, RunStart, RecordableRun } from './observe/run-record.js';
export {
  BUILT_IN_INVARIANTS, invariantByName, checkInvariants, quietPeriodUs, requiredQuietPeriodUs, COMMIT_IN_FLIGHT_GRACE_US,
  noExpelWithoutMajority, viewsAgreedAndConsecutive, onePrimaryPerView, writesCommitWithMajority,
  expelledMemberReturnsAsNewIncarnation, errorImpliesSuperReadOnly, logConsistentWithState, livenessAfterQuietPeriod,
} from './observe/invariants/index.js';
export type { Invariant, Violation } from './observe/invariants/index.js';
export { summarize } from './observe/metrics.js';
export type { RunSummary, DetectionSample, ExpelRecord, MajorityEpisode, WriteAvailability, Interval, RejoinOutcome, DurationStats } from './observe/metrics.js';
export { formatSummary } from './report/summary-text.js';
export type { XcomCacheState } from './sim/simulation.js';
export { normalizeWorkload, parseBytes, parseRate, transactionPayload, DEFAULT_COMPRESSION_RATIO } from './gr/workload.js';
export type { WorkloadInput, WorkloadItem, WorkloadStream, WorkloadTransaction, SizeDistribution, Burst, WorkloadCounters, PayloadRules } from './gr/workload.js';
export { MessageCache, XcomCacheMemoryInstrument, XCOM_CACHE_EVENT_NAME } from './xcom/message-cache.js';
export type { MemorySummaryGlobalByEventNameRow, MessageCacheOptions, EvictionStop, ReadAnswer } from './xcom/message-cache.js';
export { sizeCache, cadenceWaitS, SUSPICION_PERIOD_S } from './sizing/size-cache.js';
export type { CacheSizing } from './sizing/size-cache.js';
export type { SizeCacheInput } from './sizing/sizing-input.js';
export { sweepCache } from './sizing/sweep-cache.js';
export type { SweepCacheInput, SweepCell, CacheSweep } from './sizing/sweep-cache.js';
export { runOutage, classifyTrace, OUTAGE_OUTCOMES } from './sizing/outage-run.js';
export type { OutageOutcome, OutageRun, OutageRunInput, SizingGroup } from './sizing/outage-run.js';
export { renderSweepSvg } from './sizing/sweep-svg.js';
